//! `human`: one rustc-style miette diagnostic per finding, then a summary
//! line and summary tables: posts by verdict, the top categories, and posts
//! per market and per platform. `--quiet` prints the summary line alone.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
    SourceSpan,
};
use unicode_segmentation::UnicodeSegmentation;

use super::{Clipped, HumanOptions, Reporter, Summary, printable};
use crate::finding::{
    Category, Checked, CheckedPost, Field, Finding, Severity, Span, Verdict, clock,
};
use crate::post::{Market, Platform};

/// Related places underlined per finding; `--format json` has them all.
const MAX_RELATED_LABELS: usize = 20;

/// How many categories the summary table lists by name.
const TOP_CATEGORIES: usize = 5;

pub struct HumanReporter {
    out: Box<dyn Write>,
    quiet: bool,
    handler: GraphicalReportHandler,
    /// Posts per market (`None`: the post named none) and per platform,
    /// for the summary tables.
    by_market: BTreeMap<Option<Market>, Tally>,
    by_platform: BTreeMap<Option<Platform>, Tally>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    posts: usize,
    failing: usize,
}

impl HumanReporter {
    pub fn new(out: Box<dyn Write>, options: HumanOptions) -> Self {
        let theme = if options.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        // Links off: terminal hyperlinks are escape codes that make output
        // depend on the terminal; the source URL goes into the help instead.
        let handler =
            GraphicalReportHandler::new_themed(theme).with_width(options.width).with_links(false);
        HumanReporter {
            out,
            quiet: options.quiet,
            handler,
            by_market: BTreeMap::new(),
            by_platform: BTreeMap::new(),
        }
    }

    /// Counts a post for the market and platform tables. A post fails in a
    /// market when an error finding applies there: one of that market's
    /// rules, or a rule of no market (global or platform rules apply in
    /// every market).
    fn tally(&mut self, checked: &CheckedPost) {
        let post = &checked.post;
        let fails_in = |market: Option<Market>| {
            checked.findings.iter().any(|finding| {
                finding.severity == Severity::Error
                    && (finding.market.is_none() || finding.market == market)
            })
        };
        let markets: Vec<Option<Market>> = if post.markets.is_empty() {
            vec![None]
        } else {
            post.markets.iter().copied().map(Some).collect()
        };
        for market in markets {
            let tally = self.by_market.entry(market).or_default();
            tally.posts += 1;
            tally.failing += usize::from(fails_in(market));
        }
        let tally = self.by_platform.entry(post.platform).or_default();
        tally.posts += 1;
        tally.failing += usize::from(checked.verdict() == Verdict::Fail);
    }

    /// The tables after the summary line.
    fn tables(&self, summary: &Summary) -> String {
        let mut text = String::new();
        if summary.posts == 0 {
            return text;
        }
        let verdicts = [
            (Verdict::Pass, summary.pass),
            (Verdict::Warn, summary.warn),
            (Verdict::Fail, summary.fail),
            (Verdict::Error, summary.error),
        ];
        let rows =
            verdicts.map(|(verdict, posts)| [verdict.as_str().to_owned(), posts.to_string()]);
        text.push('\n');
        text.push_str(&table(["verdict", "posts"], rows));

        let mut categories: Vec<(Category, usize)> =
            summary.findings_by_category.iter().map(|(category, n)| (*category, *n)).collect();
        if !categories.is_empty() {
            // Most findings first; ties in the categories' own order.
            categories.sort_by_key(|(category, count)| (std::cmp::Reverse(*count), *category));
            let rest: usize = categories.iter().skip(TOP_CATEGORIES).map(|(_, n)| n).sum();
            let more = categories.len().saturating_sub(TOP_CATEGORIES);
            let mut rows: Vec<[String; 2]> = categories
                .iter()
                .take(TOP_CATEGORIES)
                .map(|(category, count)| [category.to_string(), count.to_string()])
                .collect();
            if more > 0 {
                rows.push([format!("{more} more"), rest.to_string()]);
            }
            text.push('\n');
            text.push_str(&table(["top categories", "findings"], rows));
        }

        for (title, rows) in [
            ("market", tally_rows(&self.by_market, Market::to_string)),
            ("platform", tally_rows(&self.by_platform, Platform::to_string)),
        ] {
            if !rows.is_empty() {
                text.push('\n');
                text.push_str(&table([title, "posts", "failing"], rows));
            }
        }
        text
    }

    /// Renders one finding: the diagnostic on the field of its primary span,
    /// then, for related spans in other fields, one note per field (a miette
    /// diagnostic has a single source).
    fn render(&self, checked: &CheckedPost, group: &Group) -> io::Result<String> {
        let finding = group.first;
        // A reader takes in a few underlined places; miette's layout time
        // grows with the square of the labels on a line, so a caption with
        // 40,000 hidden characters would take minutes. The rest are counted.
        let shown = &finding.related[..finding.related.len().min(MAX_RELATED_LABELS)];
        let hidden = finding.related.len() - shown.len();
        let mut fields = vec![finding.span.field];
        for related in shown {
            if !fields.contains(&related.span.field) {
                fields.push(related.span.field);
            }
        }
        let mut rendered = String::new();
        for (position, field) in fields.into_iter().enumerate() {
            let text = field.text_in(&checked.post).unwrap_or_default();
            let label = Some(finding.category.to_string());
            let primary = (position == 0).then(|| {
                LabeledSpan::new_primary_with_span(label.clone(), source_span(text, finding.span))
            });
            let related =
                shown.iter().filter(|related| related.span.field == field).map(|related| {
                    // A folded finding is labelled with its rule; another place
                    // of the same finding with the category.
                    let label = related.rule.clone().or_else(|| label.clone());
                    LabeledSpan::new_with_span(label, source_span(text, related.span))
                });
            let labels = primary.into_iter().chain(related);
            let diagnostic = if position == 0 {
                let mut diagnostic = MietteDiagnostic::new(printable(&group.message(), true))
                    .with_severity(severity(finding.severity));
                diagnostic.help = help(group).map(|help| printable(&help, true).into_owned());
                if hidden > 0 {
                    let more = format!(
                        "{hidden} more places are not underlined here; --format json lists them all"
                    );
                    diagnostic.help = Some(
                        diagnostic.help.map_or(more.clone(), |help| format!("{help}\n{more}")),
                    );
                }
                diagnostic
            } else {
                MietteDiagnostic::new("related").with_severity(miette::Severity::Advice)
            };
            let diagnostic = diagnostic.with_code(&finding.rule).with_labels(labels);
            let source =
                NamedSource::new(source_name(checked, group, field, text), text.to_string());
            let report = Report::new(diagnostic).with_source_code(source);
            // Clipped: miette panics on columns past 65,535.
            let clipped = Clipped::new(report.as_ref());
            self.handler.render_report(&mut rendered, &clipped).map_err(io::Error::other)?;
            rendered.push('\n');
        }
        Ok(rendered)
    }
}

impl Reporter for HumanReporter {
    fn record(&mut self, checked: &Checked) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        match checked {
            Checked::Post(post) => {
                self.tally(post);
                for group in Group::of(&post.findings) {
                    let rendered = self.render(post, &group)?;
                    self.out.write_all(rendered.as_bytes())?;
                }
                Ok(())
            }
            Checked::Error(error) => {
                let line = format!("error: {}: {}", error.origin, error.message);
                writeln!(self.out, "{}\n", printable(&line, false))
            }
        }
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        // No posts, nothing to say: the command line says so on stderr.
        if summary.posts == 0 {
            return self.out.flush();
        }
        let Summary { posts, pass, warn, fail, error, suppressed, baselined, .. } = summary;
        write!(
            self.out,
            "checked {posts} {}: {pass} pass, {warn} warn, {fail} fail, {error} error",
            if *posts == 1 { "post" } else { "posts" }
        )?;
        // Hidden findings are counted so a quiet run is not mistaken for a clean one.
        let hidden: Vec<String> = [(*suppressed, "suppressed"), (*baselined, "in the baseline")]
            .into_iter()
            .filter(|(count, _)| *count > 0)
            .map(|(count, why)| format!("{count} {why}"))
            .collect();
        if !hidden.is_empty() {
            write!(self.out, "; findings hidden: {}", hidden.join(", "))?;
        }
        writeln!(self.out)?;
        if let Some(unplaced) = self.by_market.get(&None).filter(|tally| tally.posts > 0) {
            let posts = unplaced.posts;
            writeln!(
                self.out,
                "note: {posts} {} no country, so no country's law was checked there; \
                 set a `country` key, --country or `country:` in sponsorlint.yaml",
                if posts == 1 { "post names" } else { "posts name" }
            )?;
        }
        if !self.quiet {
            self.out.write_all(self.tables(summary).as_bytes())?;
        }
        self.out.flush()
    }
}

/// Rows of `name, posts, failing`: the named keys in order, then the posts
/// that named none.
fn tally_rows<K: Copy + Ord>(
    tallies: &BTreeMap<Option<K>, Tally>,
    name: impl Fn(&K) -> String,
) -> Vec<[String; 3]> {
    let named = tallies.iter().filter(|(key, _)| key.is_some());
    let unnamed = tallies.iter().filter(|(key, _)| key.is_none());
    named
        .chain(unnamed)
        .map(|(key, tally)| {
            let name = key.as_ref().map_or_else(|| "(none)".to_owned(), &name);
            [name, tally.posts.to_string(), tally.failing.to_string()]
        })
        .collect()
}

/// A plain table: a header row, then the rows; the first column
/// left-aligned, the others (counts) right-aligned.
fn table<const N: usize>(header: [&str; N], rows: impl IntoIterator<Item = [String; N]>) -> String {
    let rows: Vec<[String; N]> = std::iter::once(header.map(str::to_owned)).chain(rows).collect();
    let widths: [usize; N] = std::array::from_fn(|column| {
        rows.iter().map(|row| row[column].chars().count()).max().unwrap_or(0)
    });
    let mut text = String::new();
    for row in &rows {
        let mut line = String::new();
        for (column, cell) in row.iter().enumerate() {
            let width = widths[column];
            if column == 0 {
                let _ = write!(line, "{cell:<width$}");
            } else {
                let _ = write!(line, "  {cell:>width$}");
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

fn severity(severity: Severity) -> miette::Severity {
    match severity {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// Findings of several markets with one cause, shown as one diagnostic:
/// "GB, IE: …". Findings of one market, or of no market, stand alone.
struct Group<'a> {
    first: &'a Finding,
    /// The other markets' findings with the first one's cause.
    others: Vec<&'a Finding>,
}

impl<'a> Group<'a> {
    /// Groups findings that share a category, severity and place.
    fn of(findings: &'a [Finding]) -> Vec<Group<'a>> {
        let mut groups: Vec<Group<'a>> = Vec::new();
        for finding in findings {
            let same = groups.iter_mut().find(|group| {
                let first = group.first;
                first.market.is_some()
                    && finding.market.is_some()
                    && (first.category, first.severity, first.span)
                        == (finding.category, finding.severity, finding.span)
            });
            match same {
                Some(group) => group.others.push(finding),
                None => groups.push(Group { first: finding, others: Vec::new() }),
            }
        }
        groups
    }

    /// The markets of the group's findings, in order: "GB, IE".
    fn markets(&self, separator: &str) -> String {
        let findings = std::iter::once(self.first).chain(self.others.iter().copied());
        let codes: Vec<&str> =
            findings.filter_map(|f| f.market.as_ref()).map(Market::as_str).collect();
        codes.join(separator)
    }

    fn message(&self) -> String {
        if self.others.is_empty() {
            return self.first.message.clone();
        }
        format!("{}: {}", self.markets(", "), self.first.message)
    }
}

/// The help, then each folded finding's message, the other markets' rules
/// and the source.
fn help(group: &Group) -> Option<String> {
    let finding = group.first;
    let mut lines: Vec<String> = Vec::new();
    if !finding.help.is_empty() {
        lines.push(finding.help.clone());
    }
    for related in &finding.related {
        if let (Some(rule), Some(message)) = (&related.rule, &related.message) {
            lines.push(format!("also {rule}: {message}"));
        }
    }
    for other in &group.others {
        let market = other.market.map(|market| market.to_string()).unwrap_or_default();
        lines.push(format!("{market}: {} — {}", other.rule, other.message));
    }
    if !finding.source_url.is_empty() {
        lines.push(format!("source: {}", finding.source_url));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// `drafts/a.md:3 · post p17 · FR · text`: the market is the finding's
/// own (a post aimed at GB and FR gets GB findings and FR findings), or
/// the post's markets for global and platform findings.
fn source_name(checked: &CheckedPost, group: &Group, field: Field, text: &str) -> String {
    let post = &checked.post;
    let mut name = post.origin.to_string();
    if let Some(id) = &post.id {
        let _ = write!(name, " · post {id}");
    }
    if group.first.market.is_some() {
        let _ = write!(name, " · {}", group.markets(","));
    } else if !post.markets.is_empty() {
        let markets: Vec<&str> = post.markets.iter().map(|market| market.as_str()).collect();
        let _ = write!(name, " · {}", markets.join(","));
    }
    // Always name the field: miette appends line:column within it, which
    // must not read as a position in the file after `path:line`.
    match field {
        Field::Text => name.push_str(" · text"),
        Field::Title => name.push_str(" · title"),
        Field::Subtitle(index) => {
            let _ = write!(name, " · subtitle cue {}", index + 1);
            if let Some(cue) = post.subtitles.get(index) {
                let _ = write!(name, " ({})", clock(cue.start));
            }
        }
    }
    // An empty field has no line for miette to draw a label on.
    if text.is_empty() {
        name.push_str(" (empty)");
    }
    // An id or a file name may hold anything: the header stays one line,
    // and no escape sequence reaches the terminal.
    printable(&name, false).into_owned()
}

/// The span as miette wants it, kept inside `text` and on char boundaries so
/// a stray offset can never make rendering fail.
fn source_span(text: &str, span: Span) -> SourceSpan {
    let start = text.floor_char_boundary(span.start);
    let end = text.floor_char_boundary(span.end).max(start);
    // miette draws an empty label as a caret, except at the very end of the
    // text, where it draws nothing: point at the last grapheme there.
    if start == text.len()
        && let Some((last, _)) = text.grapheme_indices(true).next_back()
    {
        return (last..end).into();
    }
    (start..end).into()
}

#[cfg(test)]
mod tests {
    use super::super::{Format, render, sample_results};
    use super::*;

    const OPTIONS: HumanOptions = super::super::PLAIN;

    #[test]
    fn human_snapshot() {
        insta::assert_snapshot!(render(Format::Human, OPTIONS, &sample_results()));
    }

    #[test]
    fn spans_stay_inside_the_text_and_empty_ones_stay_visible() {
        let span = |start, end| Span::text(start, end);
        let range = |text, span| {
            let span = source_span(text, span);
            span.offset()..span.offset() + span.len()
        };
        assert_eq!(range("Hi 👍🏽", span(3, 3)), 3..3, "miette draws a caret");
        assert_eq!(range("Hi 👍🏽", span(11, 11)), 3..11, "the whole last grapheme");
        assert_eq!(range("Hi\r\n", span(4, 4)), 2..4);
        assert_eq!(range("", span(0, 0)), 0..0);
        assert_eq!(range("é", span(1, 9)), 0..2, "floored to char boundaries, then widened");
    }

    #[test]
    fn color_is_optional() {
        let colored =
            render(Format::Human, HumanOptions { color: true, ..OPTIONS }, &sample_results());
        assert!(colored.contains('\u{1b}'));
        assert!(!render(Format::Human, OPTIONS, &sample_results()).contains('\u{1b}'));
    }

    #[test]
    fn tables_count_failing_posts_per_market_and_cut_categories_at_five() {
        use crate::finding::{Category, CheckedPost};
        use crate::post::{Market, Platform, Post, Relationship};
        let market = |code| Market::parse(code).unwrap();
        let finding = |category, market| Finding {
            rule: "x/rule".into(),
            category,
            severity: Severity::Error,
            market,
            message: "m".into(),
            help: String::new(),
            source_url: String::new(),
            span: Span::text(0, 0),
            cue: None,
            related: vec![],
            fix: None,
        };
        let checked = |markets: Vec<Market>, findings: Vec<Finding>| {
            let post = Post {
                markets,
                platform: Some(Platform::Tiktok),
                text: "t".into(),
                ..Post::default()
            };
            Checked::Post(Box::new(CheckedPost {
                post,
                relationship: Relationship::Paid,
                findings,
                evidence: None,
            }))
        };
        let results = [
            // Fails under FR's rules only: failing in FR, not in GB.
            checked(
                vec![market("FR"), market("GB")],
                vec![finding(Category::WrongLanguage, Some(market("FR")))],
            ),
            // Global rules fail it in every market it targets; seven
            // categories, wrong-language among them.
            checked(
                vec![market("FR"), market("GB")],
                Category::ALL.iter().take(7).map(|category| finding(*category, None)).collect(),
            ),
            checked(vec![market("GB")], vec![]),
        ];
        let output = render(Format::Human, OPTIONS, &results);
        let tables = output.split_once("error\n\n").unwrap().1;
        let rows: Vec<Vec<&str>> =
            tables.lines().map(|line| line.split_whitespace().collect()).collect();
        let row = |cells: &[&str]| rows.iter().position(|row| row == cells);
        assert!(row(&["FR", "2", "2"]).is_some(), "{tables}");
        assert!(row(&["GB", "3", "1"]).is_some(), "{tables}");
        assert!(row(&["tiktok", "3", "2"]).is_some(), "{tables}");
        // Most findings first; the sixth and seventh category summed up.
        let top = row(&["top", "categories", "findings"]).unwrap();
        assert_eq!(rows[top + 1], ["wrong-language", "2"]);
        assert_eq!(rows[top + 6], ["2", "more", "2"]);
    }

    #[test]
    fn markets_with_one_cause_share_one_diagnostic() {
        use crate::finding::{Category, CheckedPost};
        use crate::post::{Market, Post, Relationship};
        let market = |code| Some(Market::parse(code).unwrap());
        let finding = |rule: &str, market, at| Finding {
            rule: rule.into(),
            category: Category::MissingDisclosure,
            severity: Severity::Error,
            market,
            message: format!("no label ({rule})"),
            help: String::new(),
            source_url: String::new(),
            span: Span::text(at, at),
            cue: None,
            related: vec![],
            fix: None,
        };
        let post = Post {
            markets: vec![market("GB").unwrap(), market("IE").unwrap(), market("FR").unwrap()],
            text: "new serum".into(),
            ..Post::default()
        };
        let findings = vec![
            finding("gb/missing-disclosure", market("GB"), 0),
            finding("ie/missing-disclosure", market("IE"), 0),
            // Another place: a cause of its own.
            finding("fr/missing-disclosure", market("FR"), 4),
        ];
        let checked =
            CheckedPost { post, relationship: Relationship::Paid, findings, evidence: None };
        let output = render(Format::Human, OPTIONS, &[Checked::Post(Box::new(checked))]);
        assert_eq!(
            output.matches("GB, IE: no label (gb/missing-disclosure)").count(),
            1,
            "{output}"
        );
        assert!(
            output.contains("IE: ie/missing-disclosure — no label (ie/missing-disclosure)"),
            "{output}"
        );
        assert!(output.contains("  × no label (fr/missing-disclosure)"), "{output}");
    }

    #[test]
    fn no_posts_print_nothing() {
        assert_eq!(render(Format::Human, OPTIONS, &[]), "");
        assert_eq!(render(Format::Human, HumanOptions { quiet: true, ..OPTIONS }, &[]), "");
    }

    #[test]
    fn quiet_prints_only_the_summary() {
        let options = HumanOptions { quiet: true, ..OPTIONS };
        assert_eq!(
            render(Format::Human, options, &sample_results()),
            "checked 5 posts: 1 pass, 1 warn, 2 fail, 1 error\n"
        );
    }
}
