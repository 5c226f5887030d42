//! `html`: one self-contained page for people who do not read terminal
//! output. No external script, style, font or image; a Content-Security-
//! Policy that forbids loading anything and runs only the page's own
//! script and style (by hash). Every text from posts and packs is escaped.
//!
//! It streams: the charts are counters over every record, and the table of
//! posts that need work is bounded ([`ROWS_PER_CATEGORY`] posts per
//! category, as many unreadable records), with a note and the command that
//! exports every finding as CSV. So 100,000 posts make a page of a few
//! megabytes that a browser opens in seconds, and memory stays bounded.
//! The page is complete without JavaScript; the inline script only adds
//! filtering and sorting.

mod chart;
mod text;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::ops::Range;

use super::{Reporter, RunInfo, Summary};
use crate::finding::{
    Category, Checked, CheckedPost, Field, Finding, RecordError, Severity, Verdict,
};
use chart::{Chart, Series, write_chart};
use text::{Escaped, highlighted};

/// Posts listed per finding category (and unreadable records listed).
pub const ROWS_PER_CATEGORY: usize = 200;
/// Authors counted by name; later ones are counted together.
const AUTHORS_TRACKED: usize = 10_000;
/// Authors in the chart.
const TOP_AUTHORS: usize = 20;
/// Months counted; posts of further months are counted together.
const MONTHS_TRACKED: usize = 240;
/// Characters of an author name kept.
const AUTHOR_CHARS: usize = 80;

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");
/// `sha256-` and the base64 SHA-256 of [`STYLE`] and [`SCRIPT`]: the CSP
/// runs only them. tests/html.rs fails (a CSP violation, or no self-test
/// result) when an edit of the asset leaves these behind; Chromium's
/// console message there names the hash to put here.
const STYLE_HASH: &str = "sha256-exYo/lAL+wi6q1kA3C5qHqtbHgLmyFnFll/gNAlSjV4=";
const SCRIPT_HASH: &str = "sha256-dB5XLPeDsp4ze7aDgL7IqyjOYKm9CIt9XcQPcmzskQg=";

/// Verdicts in the order pages show them.
const VERDICTS: [Verdict; 4] = [Verdict::Fail, Verdict::Warn, Verdict::Pass, Verdict::Error];
const VERDICT_SERIES: [Series; 4] = [
    Series { name: "fail", class: "fail" },
    Series { name: "needs review", class: "warn" },
    Series { name: "pass", class: "pass" },
    Series { name: "unreadable", class: "error" },
];
const SEVERITY_SERIES: [Series; 3] = [
    Series { name: "error", class: "fail" },
    Series { name: "warning", class: "warn" },
    Series { name: "info", class: "info" },
];

/// Posts by verdict, in [`VERDICTS`] order.
#[derive(Debug, Default, Clone, Copy)]
struct Tally([usize; 4]);

impl Tally {
    fn add(&mut self, verdict: Verdict) {
        let index = VERDICTS.iter().position(|v| *v == verdict).unwrap_or(3);
        self.0[index] += 1;
    }
    fn needs_work(&self) -> usize {
        self.0[0] + self.0[1]
    }
}

pub struct HtmlReporter {
    out: Box<dyn Write>,
    run: RunInfo,
    by_market: BTreeMap<String, Tally>,
    by_platform: BTreeMap<String, Tally>,
    /// Findings per category, by severity: error, warning, info.
    by_category: BTreeMap<Category, [usize; 3]>,
    by_author: HashMap<String, Tally>,
    authors_untracked: usize,
    by_month: BTreeMap<String, Tally>,
    months_untracked: usize,
    /// The table rows written so far, and how many per category.
    rows: String,
    listed: BTreeMap<Category, usize>,
    listed_errors: usize,
    /// Posts that need work (and unreadable records) left out of the table.
    omitted: usize,
    /// The values the filters offer: those of the listed rows.
    markets_listed: BTreeSet<String>,
    platforms_listed: BTreeSet<String>,
    categories_listed: BTreeSet<Category>,
    row_count: usize,
}

impl HtmlReporter {
    pub fn new(out: Box<dyn Write>, run: RunInfo) -> Self {
        HtmlReporter {
            out,
            run,
            by_market: BTreeMap::new(),
            by_platform: BTreeMap::new(),
            by_category: BTreeMap::new(),
            by_author: HashMap::new(),
            authors_untracked: 0,
            by_month: BTreeMap::new(),
            months_untracked: 0,
            rows: String::new(),
            listed: BTreeMap::new(),
            listed_errors: 0,
            omitted: 0,
            markets_listed: BTreeSet::new(),
            platforms_listed: BTreeSet::new(),
            categories_listed: BTreeSet::new(),
            row_count: 0,
        }
    }

    fn count(&mut self, checked: &CheckedPost) {
        let verdict = checked.verdict();
        let post = &checked.post;
        if post.markets.is_empty() {
            self.by_market.entry("(none)".into()).or_default().add(verdict);
        }
        for market in &post.markets {
            self.by_market.entry(market.to_string()).or_default().add(verdict);
        }
        self.by_platform.entry(platform_name(checked).into()).or_default().add(verdict);
        for finding in &checked.findings {
            let index = match finding.severity {
                Severity::Error => 0,
                Severity::Warning => 1,
                Severity::Info => 2,
            };
            self.by_category.entry(finding.category).or_default()[index] += 1;
        }
        if let Some(author) = extra_text(checked, "author") {
            let author: String = author.chars().take(AUTHOR_CHARS).collect();
            let room = self.by_author.len() < AUTHORS_TRACKED;
            match self.by_author.get_mut(&author) {
                Some(tally) => tally.add(verdict),
                None if room => {
                    self.by_author.entry(author).or_default().add(verdict);
                }
                None => self.authors_untracked += 1,
            }
        }
        if let Some(month) = extra_text(checked, "published_at").and_then(month_of) {
            let room = self.by_month.len() < MONTHS_TRACKED;
            match self.by_month.get_mut(month) {
                Some(tally) => tally.add(verdict),
                None if room => {
                    self.by_month.entry(month.to_owned()).or_default().add(verdict);
                }
                None => self.months_untracked += 1,
            }
        }
    }

    /// Lists a post that needs work while one of its categories has room.
    fn list_post(&mut self, checked: &CheckedPost) {
        let categories: BTreeSet<Category> = checked
            .findings
            .iter()
            .filter(|finding| finding.severity >= Severity::Warning)
            .map(|finding| finding.category)
            .collect();
        let room = categories
            .iter()
            .any(|category| self.listed.get(category).copied().unwrap_or(0) < ROWS_PER_CATEGORY);
        if !room {
            self.omitted += 1;
            return;
        }
        for category in &categories {
            *self.listed.entry(*category).or_default() += 1;
        }
        let post = &checked.post;
        let markets: Vec<String> = post.markets.iter().map(ToString::to_string).collect();
        self.markets_listed.extend(markets.iter().cloned());
        self.platforms_listed.insert(platform_name(checked).into());
        self.categories_listed.extend(checked.findings.iter().map(|finding| finding.category));
        let verdict = checked.verdict();
        let author = extra_text(checked, "author").unwrap_or("");
        let all_categories: BTreeSet<&str> =
            checked.findings.iter().map(|finding| finding.category.as_str()).collect();
        let severities: BTreeSet<&str> =
            checked.findings.iter().map(|finding| finding.severity.as_str()).collect();
        self.row_count += 1;
        let out = &mut self.rows;
        let _ = write!(
            out,
            "<tr data-order=\"{order}\" data-verdict=\"{rank}\" data-id=\"{id}\" \
             data-author=\"{author}\" data-markets=\"{markets}\" data-platform=\"{platform}\" \
             data-categories=\"{categories}\" data-severities=\"{severities}\">",
            order = self.row_count,
            rank = verdict_rank(verdict),
            id = Escaped(post.id.as_deref().unwrap_or("")),
            author = Escaped(author),
            markets = markets.join(" "),
            platform = platform_name(checked),
            categories = all_categories.into_iter().collect::<Vec<_>>().join(" "),
            severities = severities.into_iter().collect::<Vec<_>>().join(" "),
        );
        post_cell(out, post.id.as_deref(), &post.origin.to_string());
        verdict_cell(out, verdict);
        let _ = write!(
            out,
            "<td dir=\"auto\">{}</td><td>{}</td><td>{}</td><td class=\"text\">",
            Escaped(author),
            if markets.is_empty() { "—".to_owned() } else { markets.join(", ") },
            platform_name(checked),
        );
        write_fields(out, checked);
        out.push_str("</td><td class=\"findings\"><ol>");
        for finding in &checked.findings {
            write_finding(out, checked, finding);
        }
        out.push_str("</ol></td></tr>\n");
    }

    fn list_error(&mut self, error: &RecordError) {
        if self.listed_errors >= ROWS_PER_CATEGORY {
            self.omitted += 1;
            return;
        }
        self.listed_errors += 1;
        self.row_count += 1;
        let out = &mut self.rows;
        let _ = write!(
            out,
            "<tr data-order=\"{order}\" data-verdict=\"{rank}\" data-id=\"{id}\" data-author=\"\" \
             data-markets=\"\" data-platform=\"\" data-categories=\"\" data-severities=\"error\">",
            order = self.row_count,
            rank = verdict_rank(Verdict::Error),
            id = Escaped(error.id.as_deref().unwrap_or("")),
        );
        post_cell(out, error.id.as_deref(), &error.origin.to_string());
        verdict_cell(out, Verdict::Error);
        let _ = writeln!(
            out,
            "<td></td><td>—</td><td>—</td><td class=\"text\"></td><td class=\"findings\">\
             <p class=\"message\">This record could not be read: {}</p></td></tr>",
            Escaped(&error.message)
        );
    }

    fn page(&self, summary: &Summary) -> String {
        let mut out = String::with_capacity(self.rows.len() + 64 * 1024);
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src '{STYLE_HASH}'; script-src '{SCRIPT_HASH}'; base-uri 'none'; \
             form-action 'none'\">\n<meta name=\"referrer\" content=\"no-referrer\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>Sponsored-post disclosure audit — sponsorlint</title>\n\
             <style>{STYLE}</style>\n</head>\n<body>\n"
        );
        self.header(&mut out);
        out.push_str("<main>\n");
        summary_section(&mut out, summary);
        self.charts(&mut out);
        self.table(&mut out);
        let _ = write!(out, "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n");
        out
    }

    fn header(&self, out: &mut String) {
        let run = &self.run;
        let _ = write!(
            out,
            "<header>\n<h1>Sponsored-post disclosure audit</h1>\n<dl class=\"run\">\
             <dt>Date</dt><dd>{date}</dd><dt>Tool</dt><dd>sponsorlint {version}</dd>",
            date = Escaped(&run.date),
            version = Escaped(&run.tool_version),
        );
        let packs: Vec<String> = run
            .packs
            .iter()
            .map(|(id, version)| format!("{} {}", Escaped(id), Escaped(version)))
            .collect();
        let _ = write!(out, "<dt>Rule packs</dt><dd>{}</dd>", or_none(&packs.join(", ")));
        let markets: Vec<String> = self
            .by_market
            .iter()
            .map(|(market, tally)| {
                format!("{} ({})", Escaped(market), tally.0.iter().sum::<usize>())
            })
            .collect();
        let _ = write!(out, "<dt>Markets (posts)</dt><dd>{}</dd>", or_none(&markets.join(", ")));
        let inputs: Vec<String> =
            run.inputs.iter().map(|input| Escaped(input).to_string()).collect();
        let _ = write!(
            out,
            "<dt>Inputs</dt><dd>{}</dd></dl>\n</header>\n",
            or_none(&inputs.join(", "))
        );
    }

    fn charts(&self, out: &mut String) {
        out.push_str("<section aria-labelledby=\"charts-h\">\n<h2 id=\"charts-h\">Charts</h2>\n");
        let tallies = |map: &BTreeMap<String, Tally>| -> Vec<(String, Vec<usize>)> {
            map.iter().map(|(label, tally)| (label.clone(), tally.0.to_vec())).collect()
        };
        write_chart(
            out,
            &Chart {
                id: "chart-market",
                title: "Posts by market and verdict",
                series: &VERDICT_SERIES,
                bars: tallies(&self.by_market),
                note: Some("A post aimed at several markets counts in each.".into()),
            },
        );
        write_chart(
            out,
            &Chart {
                id: "chart-platform",
                title: "Posts by platform and verdict",
                series: &VERDICT_SERIES,
                bars: tallies(&self.by_platform),
                note: None,
            },
        );
        write_chart(
            out,
            &Chart {
                id: "chart-category",
                title: "Findings by category and severity",
                series: &SEVERITY_SERIES,
                bars: self
                    .by_category
                    .iter()
                    .map(|(category, counts)| (category.as_str().to_owned(), counts.to_vec()))
                    .collect(),
                note: None,
            },
        );
        if !self.by_author.is_empty() {
            let mut authors: Vec<(&String, &Tally)> = self.by_author.iter().collect();
            authors.sort_by(|a, b| {
                (b.1.needs_work(), b.1.0.iter().sum::<usize>(), a.0).cmp(&(
                    a.1.needs_work(),
                    a.1.0.iter().sum::<usize>(),
                    b.0,
                ))
            });
            let mut note = format!(
                "The {TOP_AUTHORS} authors with the most posts that need work, of {} authors.",
                self.by_author.len()
            );
            if self.authors_untracked > 0 {
                let _ = write!(
                    note,
                    " Only the first {AUTHORS_TRACKED} authors are counted by name; {} posts of further authors are not in this chart.",
                    self.authors_untracked
                );
            }
            write_chart(
                out,
                &Chart {
                    id: "chart-author",
                    title: "Top authors by posts that need work",
                    series: &VERDICT_SERIES,
                    bars: authors
                        .into_iter()
                        .take(TOP_AUTHORS)
                        .map(|(author, tally)| (author.clone(), tally.0.to_vec()))
                        .collect(),
                    note: Some(note),
                },
            );
        }
        if !self.by_month.is_empty() {
            let note = (self.months_untracked > 0).then(|| {
                format!(
                    "Only the first {MONTHS_TRACKED} months seen are shown; {} posts of further months are not.",
                    self.months_untracked
                )
            });
            write_chart(
                out,
                &Chart {
                    id: "chart-month",
                    title: "Posts by month published and verdict",
                    series: &VERDICT_SERIES,
                    bars: tallies(&self.by_month),
                    note,
                },
            );
        }
        out.push_str("</section>\n");
    }

    fn table(&self, out: &mut String) {
        out.push_str(
            "<section aria-labelledby=\"posts-h\">\n<h2 id=\"posts-h\">Posts that need work</h2>\n",
        );
        if self.row_count == 0 {
            out.push_str("<p>No post needs work.</p>\n</section>\n");
            return;
        }
        if self.omitted > 0 {
            let _ = writeln!(
                out,
                "<p class=\"note\" id=\"omitted\">The table lists the first {ROWS_PER_CATEGORY} posts of each category \
                 (and of unreadable records): {listed} of {total}. {omitted} more are left out to keep this page \
                 quick to open. Every finding is in the CSV export (add this run's other options, such as <code>--rules</code>): <code>{command}</code></p>",
                listed = self.row_count,
                total = self.row_count + self.omitted,
                omitted = self.omitted,
                command = Escaped(&export_command(&self.run.inputs)),
            );
        }
        out.push_str(
            "<form id=\"filters\" hidden><fieldset><legend>Filter the table</legend>\
             <label>Text <input type=\"search\" name=\"q\"></label>",
        );
        select(out, "market", "Market", self.markets_listed.iter().map(String::as_str));
        select(out, "platform", "Platform", self.platforms_listed.iter().map(String::as_str));
        let categories = self.categories_listed.iter().map(|category| category.as_str());
        select(out, "category", "Category", categories);
        select(out, "severity", "Severity", ["error", "warning", "info"].into_iter());
        let _ = writeln!(
            out,
            "<button type=\"reset\">Show all</button> <output id=\"shown\" aria-live=\"polite\">{n} of {n} posts shown</output>\
             </fieldset></form>",
            n = self.row_count
        );
        out.push_str(
            "<table id=\"posts\"><caption>Each post that fails or needs review, its text with the \
             findings highlighted, and what to do.</caption>\n<thead><tr>\
             <th scope=\"col\" data-sort=\"id\">Post</th>\
             <th scope=\"col\" data-sort=\"verdict\">Verdict</th>\
             <th scope=\"col\" data-sort=\"author\">Author</th>\
             <th scope=\"col\" data-sort=\"markets\">Market</th>\
             <th scope=\"col\" data-sort=\"platform\">Platform</th>\
             <th scope=\"col\">Text</th><th scope=\"col\">Findings</th></tr></thead>\n<tbody>\n",
        );
        out.push_str(&self.rows);
        out.push_str("</tbody></table>\n</section>\n");
    }
}

impl Reporter for HtmlReporter {
    fn record(&mut self, checked: &Checked) -> io::Result<()> {
        match checked {
            Checked::Post(post) => {
                self.count(post);
                if matches!(post.verdict(), Verdict::Fail | Verdict::Warn) {
                    self.list_post(post);
                }
            }
            Checked::Error(error) => {
                self.by_market.entry("(none)".into()).or_default().add(Verdict::Error);
                self.by_platform.entry("(unknown)".into()).or_default().add(Verdict::Error);
                self.list_error(error);
            }
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let page = self.page(summary);
        self.out.write_all(page.as_bytes())?;
        self.out.flush()
    }
}

fn summary_section(out: &mut String, summary: &Summary) {
    out.push_str(
        "<section aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">Summary</h2>\n<dl class=\"summary\">",
    );
    let _ = write!(
        out,
        "<div class=\"total\"><dt>Posts</dt><dd><span class=\"count\" data-verdict=\"posts\">{}</span></dd></div>",
        summary.posts
    );
    let counts = [summary.fail, summary.warn, summary.pass, summary.error];
    for ((verdict, series), count) in VERDICTS.iter().zip(&VERDICT_SERIES).zip(counts) {
        let share = if summary.posts == 0 {
            "—".to_owned()
        } else {
            format!("{:.1} %", count as f64 * 100.0 / summary.posts as f64)
        };
        let _ = write!(
            out,
            "<div class=\"{class}\"><dt>{icon} {name}</dt><dd><span class=\"count\" data-verdict=\"{verdict}\">{count}</span> \
             <span class=\"share\">({share})</span></dd></div>",
            class = series.class,
            icon = verdict_icon(*verdict),
            name = series.name,
            verdict = verdict.as_str(),
        );
    }
    out.push_str("</dl>\n");
    if summary.suppressed + summary.baselined > 0 {
        let _ = writeln!(
            out,
            "<p class=\"note\">Not counted: {} findings suppressed, {} in the baseline.</p>",
            summary.suppressed, summary.baselined
        );
    }
    out.push_str("</section>\n");
}

fn select<'a>(out: &mut String, name: &str, label: &str, values: impl Iterator<Item = &'a str>) {
    let _ = write!(out, "<label>{label} <select name=\"{name}\"><option value=\"\">any</option>");
    for value in values {
        let _ = write!(out, "<option>{}</option>", Escaped(value));
    }
    out.push_str("</select></label>");
}

fn post_cell(out: &mut String, id: Option<&str>, origin: &str) {
    let _ = write!(
        out,
        "<th scope=\"row\"><span class=\"id\" dir=\"auto\">{}</span><br><span class=\"origin\">{}</span></th>",
        Escaped(id.unwrap_or("(no id)")),
        Escaped(origin)
    );
}

fn verdict_cell(out: &mut String, verdict: Verdict) {
    let index = VERDICTS.iter().position(|v| *v == verdict).unwrap_or(3);
    let series = &VERDICT_SERIES[index];
    let _ = write!(
        out,
        "<td><span class=\"badge {}\">{} {}</span></td>",
        series.class,
        verdict_icon(verdict),
        series.name
    );
}

/// A sign beside each verdict's name, so colour is not the only signal.
fn verdict_icon(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Fail => "✖",
        Verdict::Warn => "▲",
        Verdict::Pass => "✔",
        Verdict::Error => "⊘",
    }
}

/// Sorting rank: the worst first.
fn verdict_rank(verdict: Verdict) -> usize {
    match verdict {
        Verdict::Error => 0,
        Verdict::Fail => 1,
        Verdict::Warn => 2,
        Verdict::Pass => 3,
    }
}

fn platform_name(checked: &CheckedPost) -> &'static str {
    checked.platform().map(|platform| platform.as_str()).unwrap_or("generic")
}

fn extra_text<'a>(checked: &'a CheckedPost, key: &str) -> Option<&'a str> {
    checked.post.extra.get(key)?.as_str().map(str::trim).filter(|text| !text.is_empty())
}

/// `2026-03` of a date starting `YYYY-MM`.
fn month_of(date: &str) -> Option<&str> {
    let month = date.get(..7)?;
    let (year, number) = (month.get(..4)?, month.get(5..)?);
    let number: u8 = number.parse().ok()?;
    (year.bytes().all(|byte| byte.is_ascii_digit())
        && month.as_bytes()[4] == b'-'
        && (1..=12).contains(&number))
    .then_some(month)
}

fn or_none(list: &str) -> &str {
    if list.is_empty() { "—" } else { list }
}

/// The text, title and subtitle cues the findings point into, each with
/// its spans highlighted.
fn write_fields(out: &mut String, checked: &CheckedPost) {
    let post = &checked.post;
    let mut by_field: BTreeMap<FieldKey, Vec<Range<usize>>> = BTreeMap::new();
    for finding in &checked.findings {
        let spans = std::iter::once(finding.span).chain(finding.related.iter().map(|r| r.span));
        for span in spans {
            by_field.entry(FieldKey::of(span.field)).or_default().push(span.start..span.end);
        }
    }
    if let Some(title) = &post.title {
        let spans = by_field.get(&FieldKey::Title).map(Vec::as_slice).unwrap_or(&[]);
        out.push_str("<p class=\"field\" dir=\"auto\"><span class=\"field-name\">Title</span> ");
        highlighted(out, title, spans);
        out.push_str("</p>");
    }
    let spans = by_field.get(&FieldKey::Text).map(Vec::as_slice).unwrap_or(&[]);
    out.push_str("<p class=\"field\" dir=\"auto\">");
    highlighted(out, &post.text, spans);
    out.push_str("</p>");
    for (key, spans) in &by_field {
        let FieldKey::Subtitle(index) = key else { continue };
        let Some(cue) = post.subtitles.get(*index) else { continue };
        let _ = write!(
            out,
            "<p class=\"field\" dir=\"auto\"><span class=\"field-name\">Subtitle {}–{}</span> ",
            timestamp(cue.start),
            timestamp(cue.end)
        );
        highlighted(out, &cue.text, spans);
        out.push_str("</p>");
    }
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum FieldKey {
    Title,
    Text,
    Subtitle(usize),
}

impl FieldKey {
    fn of(field: Field) -> FieldKey {
        match field {
            Field::Text => FieldKey::Text,
            Field::Title => FieldKey::Title,
            Field::Subtitle(index) => FieldKey::Subtitle(index),
        }
    }
}

/// `1:02.5`: minutes, seconds and tenths.
fn timestamp(seconds: f64) -> String {
    let tenths = (seconds.max(0.0) * 10.0).round() as u64;
    format!("{}:{:02}.{}", tenths / 600, tenths / 10 % 60, tenths % 10)
}

fn write_finding(out: &mut String, checked: &CheckedPost, finding: &Finding) {
    let (class, icon) = match finding.severity {
        Severity::Error => ("fail", "✖"),
        Severity::Warning => ("warn", "▲"),
        Severity::Info => ("info", "ℹ"),
    };
    let _ = write!(
        out,
        "<li><span class=\"badge {class}\">{icon} {severity}</span> <code>{rule}</code> \
         <span class=\"category\">{category}</span>",
        severity = finding.severity,
        rule = Escaped(&finding.rule),
        category = finding.category,
    );
    if let Field::Subtitle(index) = finding.span.field
        && let Some(cue) = checked.post.subtitles.get(index)
    {
        let _ = write!(out, " <span class=\"time\">at {}</span>", timestamp(cue.start));
    }
    let _ = write!(out, "<p class=\"message\" dir=\"auto\">{}</p>", Escaped(&finding.message));
    if !finding.help.is_empty() {
        let _ = write!(out, "<p class=\"help\" dir=\"auto\">{}</p>", Escaped(&finding.help));
    }
    if !finding.source_url.is_empty() {
        out.push_str("<p class=\"source\">Source: ");
        if is_web_link(&finding.source_url) {
            let _ = write!(
                out,
                "<a href=\"{url}\" rel=\"noopener noreferrer\">{url}</a>",
                url = Escaped(&finding.source_url)
            );
        } else {
            let _ = write!(out, "{}", Escaped(&finding.source_url));
        }
        out.push_str("</p>");
    }
    if let Some(fix) = &finding.fix {
        let _ = write!(out, "<p class=\"fix\">Suggested fix ({}): ", fix.applicability.as_str());
        for (index, edit) in fix.edits.iter().enumerate() {
            let field_text = edit.span.field.text_in(&checked.post).unwrap_or("");
            let replaced = field_text.get(edit.span.start..edit.span.end).unwrap_or("");
            if index > 0 {
                out.push_str("; ");
            }
            match (replaced.is_empty(), edit.replacement.is_empty()) {
                (true, _) => {
                    let _ = write!(out, "insert <ins>{}</ins>", Escaped(&edit.replacement));
                }
                (false, true) => {
                    let _ = write!(out, "remove <del>{}</del>", Escaped(replaced));
                }
                (false, false) => {
                    let _ = write!(
                        out,
                        "replace <del>{}</del> with <ins>{}</ins>",
                        Escaped(replaced),
                        Escaped(&edit.replacement)
                    );
                }
            }
        }
        out.push_str("</p>");
    }
    out.push_str("</li>");
}

/// Only these become links; anything else (`javascript:`, `data:`) is text.
fn is_web_link(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The command that writes every finding of this run's inputs as CSV.
fn export_command(inputs: &[String]) -> String {
    let quoted: Vec<String> = inputs.iter().map(|input| shell_word(input)).collect();
    format!("sponsorlint check {} --format csv --output findings.csv", quoted.join(" "))
}

fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./,:@%+=".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Format, PLAIN, render, sample_results};
    use super::*;
    use crate::post::{Market, Origin, Post};

    #[test]
    fn html_snapshot() {
        // The assets have their own files; the snapshot is about the page.
        let page = render(Format::Html, PLAIN, &sample_results())
            .replace(STYLE, "/* report.css */")
            .replace(SCRIPT, "/* report.js */")
            .replace(STYLE_HASH, "sha256-(report.css)")
            .replace(SCRIPT_HASH, "sha256-(report.js)");
        insta::assert_snapshot!(page);
    }

    /// A failing post whose every text carries `payload`.
    fn hostile(id: usize, payload: &str) -> Checked {
        let mut extra = serde_json::Map::new();
        extra.insert("author".into(), payload.into());
        extra.insert("published_at".into(), "2026-02-30T10:00:00Z".into());
        let text = format!("{payload} code SAVE10");
        let finding = Finding {
            rule: format!("x/{payload}"),
            category: Category::MissingDisclosure,
            severity: Severity::Error,
            market: None,
            message: payload.into(),
            help: payload.into(),
            source_url: "javascript:alert(1)".into(),
            span: crate::finding::Span::text(0, payload.len()),
            related: vec![],
            cue: None,
            fix: Some(crate::finding::Fix {
                edits: vec![crate::finding::Edit::insert(0, payload)],
                applicability: crate::finding::Applicability::Safe,
            }),
        };
        Checked::Post(Box::new(CheckedPost {
            post: Post {
                origin: Origin { path: payload.into(), line: Some(1), ..Origin::default() },
                id: Some(format!("{payload}{id}")),
                text,
                markets: vec![Market::parse("FR").unwrap()],
                extra,
                ..Post::default()
            },
            relationship: crate::post::Relationship::Paid,
            findings: vec![finding],
            evidence: None,
        }))
    }

    #[test]
    fn hostile_text_stays_text() {
        let payload =
            "<script>alert(1)</script>\"><img src=x onerror=alert(2)></style>'\u{0}\u{202e}";
        let page = render(Format::Html, PLAIN, &[hostile(1, payload)]);
        assert_eq!(page.matches("<script").count(), 1, "only the page's own script");
        assert_eq!(page.matches("</style>").count(), 1, "only the page's own style ends");
        assert!(!page.contains("<img"), "no element from the payload");
        assert!(!page.contains('\u{0}') && !page.contains('\u{202e}'));
        assert!(page.contains("[U+202E]"), "the override is named");
        assert!(!page.contains("href=\"javascript:"), "only web links are links");
        assert!(page.contains("Source: javascript:alert(1)"));
        assert!(page.contains(
            "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"
        ));
    }

    #[test]
    fn the_table_is_bounded_and_says_how_to_export_the_rest() {
        let results: Vec<Checked> =
            (0..ROWS_PER_CATEGORY + 5).map(|index| hostile(index, "p")).collect();
        let page = render(Format::Html, PLAIN, &results);
        assert_eq!(page.matches("<tr data-order=").count(), ROWS_PER_CATEGORY);
        assert!(
            page.contains(&format!("{ROWS_PER_CATEGORY} of {}. 5 more", ROWS_PER_CATEGORY + 5))
        );
        assert!(page.contains(
            "<code>sponsorlint check posts.jsonl videos.json --format csv --output findings.csv</code>"
        ));
        // The charts count every post.
        assert!(page.contains(&format!("{} fail</text>", ROWS_PER_CATEGORY + 5)));
    }

    #[test]
    fn months_dates_and_links() {
        assert_eq!(month_of("2026-03-14T10:00:00Z"), Some("2026-03"));
        assert_eq!(month_of("2026-13-01"), None);
        assert_eq!(month_of("March 2026"), None);
        assert_eq!(month_of("2026-0é"), None);
        assert_eq!(timestamp(62.54), "1:02.5");
        assert!(is_web_link("HTTPS://example.org"));
        assert!(!is_web_link(" javascript:alert(1)"));
        assert!(!is_web_link("data:text/html,x"));
        assert_eq!(shell_word("it's here"), r"'it'\''s here'");
        assert_eq!(shell_word("posts/a.jsonl"), "posts/a.jsonl");
    }
}
