//! Reporters: turn [`Checked`] results into output. They only see results
//! and a plain-data [`RuleCatalogue`] — never files, never the rule set —
//! and write to the writer they are given.

mod catalogue;
mod csv;
mod github;
mod gitlab;
mod html;
mod human;
mod json;
mod junit;
mod location;
mod markdown;
mod sarif;
mod snippet;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;
use std::str::FromStr;

use serde::Serialize;

use crate::finding::{Category, Checked, Verdict};
use crate::post::UnknownValue;

pub use catalogue::{RuleCatalogue, RuleInfo};
pub use csv::CsvReporter;
pub use github::GithubReporter;
pub use gitlab::GitlabReporter;
pub use html::HtmlReporter;
pub use human::HumanReporter;
pub use json::{JsonReporter, JsonlReporter};
pub use junit::JunitReporter;
pub use markdown::MarkdownReporter;
pub use sarif::SarifReporter;
pub use snippet::Clipped;

/// Receives every record in input order, then the run's summary.
pub trait Reporter {
    fn record(&mut self, checked: &Checked) -> io::Result<()>;
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;

    /// For a reporter that writes each record on its own: how to render
    /// one away from the reporter, on the checking threads. `None`: it
    /// renders in `record`.
    fn render(&self) -> Option<Render> {
        None
    }

    /// Writes a record made by [`Reporter::render`].
    fn record_rendered(&mut self, rendered: io::Result<Vec<u8>>) -> io::Result<()> {
        let _ = rendered;
        Err(io::Error::other("this report format renders its own records"))
    }
}

/// Renders one record as the bytes a reporter writes for it.
pub type Render = fn(&Checked) -> io::Result<Vec<u8>>;

/// Counts over a whole run. `posts` counts every record, unreadable ones
/// included, so `posts == pass + warn + fail + error`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub posts: usize,
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub error: usize,
    pub findings_by_category: BTreeMap<Category, usize>,
    /// Findings removed by suppressions (not counted above).
    pub suppressed: usize,
    /// Findings absorbed by the baseline (not counted above).
    pub baselined: usize,
}

impl Summary {
    pub fn add(&mut self, checked: &Checked) {
        self.posts += 1;
        match checked.verdict() {
            Verdict::Pass => self.pass += 1,
            Verdict::Warn => self.warn += 1,
            Verdict::Fail => self.fail += 1,
            Verdict::Error => self.error += 1,
        }
        if let Checked::Post(post) = checked {
            for finding in &post.findings {
                *self.findings_by_category.entry(finding.category).or_default() += 1;
            }
        }
    }
}

/// The output formats implemented so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Jsonl,
    Sarif,
    Github,
    Junit,
    Csv,
    /// GitLab Code Quality.
    Gitlab,
    Html,
    /// A short Markdown summary, e.g. for a GitHub job summary.
    Markdown,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 10] = [
        Format::Human,
        Format::Json,
        Format::Jsonl,
        Format::Sarif,
        Format::Github,
        Format::Junit,
        Format::Csv,
        Format::Gitlab,
        Format::Html,
        Format::Markdown,
    ];

    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
            Format::Csv => "csv",
            Format::Gitlab => "gitlab",
            Format::Html => "html",
            Format::Markdown => "markdown",
        }
    }
}

impl FromStr for Format {
    type Err = UnknownValue;
    fn from_str(value: &str) -> Result<Self, UnknownValue> {
        let wanted = value.trim().to_ascii_lowercase();
        Format::ALL.into_iter().find(|format| format.as_str() == wanted).ok_or_else(|| {
            UnknownValue {
                what: "format",
                value: value.to_string(),
                allowed: Format::ALL.map(Format::as_str).join(", "),
            }
        })
    }
}

/// Settings of the human reporter; the other formats ignore them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanOptions {
    pub color: bool,
    /// Print only the final summary line.
    pub quiet: bool,
    /// Terminal width in columns.
    pub width: usize,
}

/// Everything a reporter may be given; each format takes what it uses.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub human: HumanOptions,
    /// csv: a row for each passing post too (`check --all`).
    pub all_posts: bool,
    /// sarif: the loaded rules, described in `tool.driver.rules`.
    pub rules: RuleCatalogue,
    /// sarif, github, junit, csv, gitlab: paths under this directory (the working
    /// directory) are written relative to it.
    pub base_dir: Option<PathBuf>,
    /// html: what the report's header says about the run.
    pub run: RunInfo,
}

/// The run as a report's header describes it (html).
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    /// When it ran, as shown: `2026-03-14 09:30 UTC`.
    pub date: String,
    pub tool_version: String,
    /// Each loaded pack's id and version.
    pub packs: Vec<(String, String)>,
    /// The inputs as given on the command line.
    pub inputs: Vec<String>,
}

pub fn reporter(format: Format, out: Box<dyn Write>, options: ReportOptions) -> Box<dyn Reporter> {
    let base_dir = options.base_dir;
    match format {
        Format::Human => Box::new(HumanReporter::new(out, options.human)),
        Format::Json => Box::new(JsonReporter::new(out)),
        Format::Jsonl => Box::new(JsonlReporter::new(out)),
        Format::Sarif => Box::new(SarifReporter::new(out, options.rules, base_dir)),
        Format::Github => Box::new(GithubReporter::new(out, base_dir)),
        Format::Junit => Box::new(JunitReporter::new(out, base_dir)),
        Format::Csv => Box::new(CsvReporter::new(out, options.all_posts, base_dir)),
        Format::Gitlab => Box::new(GitlabReporter::new(out, base_dir)),
        Format::Html => Box::new(HtmlReporter::new(out, options.run)),
        Format::Markdown => Box::new(MarkdownReporter::new(out, base_dir)),
    }
}

/// `text` without what a report must not carry raw: control characters
/// (C0 but tab, DEL, C1: a NUL ends a cell in some spreadsheets, an escape
/// sequence acts on a terminal) and the non-characters U+FFFE and U+FFFF
/// become U+FFFD. Line breaks are kept when `line_breaks`, for a format
/// that escapes or quotes them; else they become U+FFFD too.
pub(crate) fn printable(text: &str, line_breaks: bool) -> std::borrow::Cow<'_, str> {
    let unprintable = |c: char| unprintable(c, line_breaks);
    if !text.chars().any(unprintable) {
        return text.into();
    }
    text.chars().map(|c| if unprintable(c) { '\u{fffd}' } else { c }).collect::<String>().into()
}

/// Whether [`printable`] replaces `c`.
fn unprintable(c: char, line_breaks: bool) -> bool {
    (c.is_control() && c != '\t' && !(line_breaks && matches!(c, '\n' | '\r')))
        || matches!(c, '\u{fffe}' | '\u{ffff}')
}

/// A finding's message and its help as one text, for formats with a single
/// message field.
fn message_and_help(message: &str, help: &str) -> String {
    if help.is_empty() { message.to_owned() } else { format!("{message}\n{help}") }
}

#[cfg(test)]
pub(crate) use tests::{PLAIN, Shared, render, render_with, sample_options, sample_results};

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use super::*;
    use crate::finding::{
        Applicability, CheckedPost, CueTime, Edit, Evidence, Field, Finding, Fix, Level,
        RecordError, Related, Severity, Signal, Span,
    };
    use crate::post::{Cue, Market, Origin, Platform, Post, Relationship};

    /// The shared results every format is snapshot-tested against.
    pub(crate) fn sample_results() -> Vec<Checked> {
        // Spans by the text they cover, so the samples stay right when edited.
        let span = |text: &str, needle: &str| {
            let start = text.find(needle).unwrap();
            Span::text(start, start + needle.len())
        };
        let fr = Market::parse("FR").unwrap();
        let gb = Market::parse("GB").unwrap();

        let failing = Post {
            origin: Origin { path: "posts.jsonl".into(), line: Some(17), ..Origin::default() },
            id: Some("p17".into()),
            text: "Mon sérum préféré @marque ✨ code LUNA15\n#skincare #glow".into(),
            platform: Some(Platform::Instagram),
            markets: vec![fr],
            relationship: Relationship::Unknown,
            brands: vec!["marque".into()],
            ..Post::default()
        };
        let missing = Finding {
            rule: "fr/missing-disclosure".into(),
            category: Category::MissingDisclosure,
            severity: Severity::Error,
            market: Some(fr),
            message: "Commercial post without « Publicité » or « Collaboration commerciale »"
                .into(),
            help: "Put « Publicité » or « Collaboration commerciale » at the start of the caption."
                .into(),
            source_url: "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000047663185".into(),
            span: span(&failing.text, "Mon sérum préféré @marque ✨ code LUNA15"),
            cue: None,
            related: vec![],
            fix: Some(Fix {
                edits: vec![Edit::insert(0, "Publicité · ")],
                applicability: Applicability::Safe,
            }),
        };
        let signals = Finding {
            rule: "global/commercial-signals".into(),
            category: Category::UndisclosedCommercialSignals,
            severity: Severity::Info,
            market: None,
            message: "Discount code and brand tag make this post commercial".into(),
            help: "Treat the post as an advertisement.".into(),
            source_url: String::new(),
            span: span(&failing.text, "LUNA15"),
            cue: None,
            related: vec![Related::at(span(&failing.text, "@marque"))],
            fix: None,
        };

        let warning = Post {
            origin: Origin { path: "videos.json".into(), index: Some(1), ..Origin::default() },
            id: Some("yt-42".into()),
            text: "Full routine below.\nThanks to @acme for sending this!".into(),
            title: Some("My morning routine ft. Acme #sp".into()),
            platform: Some(Platform::Youtube),
            markets: vec![gb],
            relationship: Relationship::Gifted,
            ..Post::default()
        };
        let ambiguous = Finding {
            rule: "gb/ambiguous-only".into(),
            category: Category::AmbiguousDisclosure,
            severity: Severity::Warning,
            market: Some(gb),
            message: "Only an ambiguous tag (#sp) discloses the relationship".into(),
            help: "Use #ad or \"Advertisement\" instead of #sp.".into(),
            source_url: "https://www.asa.org.uk/resource/influencers-guide.html".into(),
            span: Span { field: Field::Title, ..span(warning.title.as_deref().unwrap(), "#sp") },
            cue: None,
            related: vec![Related::at(span(&warning.text, "@acme"))],
            fix: None,
        };

        let mut extra = serde_json::Map::new();
        extra.insert("author".into(), "@luna".into());
        extra.insert("likes".into(), 1204.into());
        let passing = Post {
            origin: Origin {
                path: "posts.json".into(),
                index: Some(0),
                text_offset: Some(23),
                ..Origin::default()
            },
            id: Some("p1".into()),
            text: "#ad Mon sérum préféré @marque".into(),
            platform: Some(Platform::Instagram),
            markets: vec![fr],
            relationship: Relationship::Paid,
            extra,
            ..Post::default()
        };

        let empty = Post {
            origin: Origin { path: "drafts/empty.md".into(), line: Some(3), ..Origin::default() },
            subtitles: vec![Cue { start: 0.0, end: 2.5, text: "Hi!".into() }],
            relationship: Relationship::Paid,
            ..Post::default()
        };
        let nothing = Finding {
            rule: "global/missing-disclosure".into(),
            category: Category::MissingDisclosure,
            severity: Severity::Error,
            market: None,
            message: "Paid post without any disclosure".into(),
            help: "Start the text with \"Ad\".".into(),
            source_url: "https://example.org/baseline".into(),
            span: Span::text(0, 0),
            cue: None,
            related: vec![],
            fix: Some(Fix {
                edits: vec![Edit::insert(0, "Ad")],
                applicability: Applicability::Safe,
            }),
        };
        let late = Finding {
            rule: "global/video-disclosure".into(),
            category: Category::VideoDisclosure,
            severity: Severity::Warning,
            market: None,
            message: "No spoken or written disclosure in the first seconds of the video".into(),
            help: "Say or show \"Ad\" in the first 3 seconds.".into(),
            source_url: String::new(),
            span: Span { start: 3, end: 3, field: Field::Subtitle(0) },
            cue: Some(CueTime { index: 0, start_s: 0.0, end_s: 2.5 }),
            related: vec![],
            fix: None,
        };

        let unreadable = RecordError {
            origin: Box::new(Origin {
                path: "posts.jsonl".into(),
                line: Some(18),
                ..Origin::default()
            }),
            id: Some("p18".into()),
            message: "unknown relationship 'payed'; expected one of: paid, gifted".into(),
        };

        let evidence = Evidence {
            level: Level::Strong,
            signals: vec![
                Signal {
                    kind: "brand-mention".into(),
                    text: "@marque".into(),
                    span: span(&failing.text, "@marque"),
                },
                Signal {
                    kind: "discount-code".into(),
                    text: "code LUNA15".into(),
                    span: span(&failing.text, "code LUNA15"),
                },
            ],
        };
        vec![
            Checked::Post(Box::new(CheckedPost {
                post: failing,
                relationship: Relationship::Paid,
                findings: vec![missing, signals],
                evidence: Some(evidence),
            })),
            Checked::Post(Box::new(CheckedPost {
                post: warning,
                relationship: Relationship::Gifted,
                findings: vec![ambiguous],
                evidence: None,
            })),
            Checked::Post(Box::new(CheckedPost {
                post: passing,
                relationship: Relationship::Paid,
                findings: vec![],
                evidence: None,
            })),
            Checked::Post(Box::new(CheckedPost {
                post: empty,
                relationship: Relationship::Paid,
                findings: vec![nothing, late],
                evidence: None,
            })),
            Checked::Error(unreadable),
        ]
    }

    /// A writer the test keeps a handle on after boxing it.
    #[derive(Clone, Default)]
    pub(crate) struct Shared(Rc<RefCell<Vec<u8>>>);

    impl Shared {
        /// What was written so far, taken out.
        pub(crate) fn take(&self) -> String {
            String::from_utf8(self.0.take()).unwrap()
        }
    }

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// The catalogue entries of the sample rules. `global/video-disclosure`
    /// is left out on purpose: a finding of a rule the catalogue does not
    /// know must still be reported.
    pub(crate) fn sample_catalogue() -> RuleCatalogue {
        let rule = |id: &str, category, severity, message: &str, help: &str, url: &str| RuleInfo {
            id: id.into(),
            message: message.into(),
            help: help.into(),
            category,
            severity,
            kind: "require-term".into(),
            kind_description: "Requires one of the accepted disclosure terms in the post.".into(),
            pack: id.split('/').next().unwrap().into(),
            markets: match id.split('/').next() {
                Some("fr") => vec!["FR".into()],
                Some("gb") => vec!["GB".into()],
                _ => vec![],
            },
            platforms: vec![],
            source_title: if url.is_empty() { String::new() } else { format!("Source of {id}") },
            source_url: url.into(),
            preview: false,
        };
        [
            rule(
                "fr/missing-disclosure",
                Category::MissingDisclosure,
                Severity::Error,
                "Commercial post without « Publicité » or « Collaboration commerciale »",
                "Put « Publicité » or « Collaboration commerciale » at the start of the caption.",
                "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000047663185",
            ),
            rule(
                "global/commercial-signals",
                Category::UndisclosedCommercialSignals,
                Severity::Info,
                "Commercial signals in a post that says nothing",
                "Treat the post as an advertisement.",
                "",
            ),
            rule(
                "gb/ambiguous-only",
                Category::AmbiguousDisclosure,
                Severity::Warning,
                "Only an ambiguous tag discloses the relationship",
                "Use #ad or \"Advertisement\" instead.",
                "https://www.asa.org.uk/resource/influencers-guide.html",
            ),
            rule(
                "global/missing-disclosure",
                Category::MissingDisclosure,
                Severity::Error,
                "Paid post without any disclosure",
                "Start the text with \"Ad\".",
                "https://example.org/baseline",
            ),
        ]
        .into_iter()
        .collect()
    }

    /// What the CLI would pass, with the sample catalogue and no base
    /// directory (the sample paths are relative already).
    pub(crate) fn sample_options(human: HumanOptions) -> ReportOptions {
        ReportOptions {
            human,
            all_posts: false,
            rules: sample_catalogue(),
            base_dir: None,
            run: RunInfo {
                date: "2026-03-14 09:30 UTC".into(),
                tool_version: "0.1.0".into(),
                packs: vec![("fr".into(), "1.2.0".into()), ("gb".into(), "1.0.0".into())],
                inputs: vec!["posts.jsonl".into(), "videos.json".into()],
            },
        }
    }

    /// Human options of the tests: no colour, not quiet, 100 columns.
    pub(crate) const PLAIN: HumanOptions = HumanOptions { color: false, quiet: false, width: 100 };

    /// Runs `results` through a reporter the way the CLI does.
    pub(crate) fn render(format: Format, options: HumanOptions, results: &[Checked]) -> String {
        render_with(format, sample_options(options), results)
    }

    pub(crate) fn render_with(
        format: Format,
        options: ReportOptions,
        results: &[Checked],
    ) -> String {
        let out = Shared::default();
        let mut reporter = reporter(format, Box::new(out.clone()), options);
        let mut summary = Summary::default();
        for checked in results {
            summary.add(checked);
            reporter.record(checked).unwrap();
        }
        reporter.finish(&summary).unwrap();
        drop(reporter);
        out.take()
    }

    #[test]
    fn summary_counts_verdicts_and_categories() {
        let mut summary = Summary::default();
        for checked in &sample_results() {
            summary.add(checked);
        }
        let expected = Summary {
            posts: 5,
            pass: 1,
            warn: 1,
            fail: 2,
            error: 1,
            findings_by_category: BTreeMap::from([
                (Category::MissingDisclosure, 2),
                (Category::AmbiguousDisclosure, 1),
                (Category::VideoDisclosure, 1),
                (Category::UndisclosedCommercialSignals, 1),
            ]),
            suppressed: 0,
            baselined: 0,
        };
        assert_eq!(summary, expected);
        assert_eq!(
            serde_json::to_string(&summary.findings_by_category).unwrap(),
            r#"{"missing-disclosure":2,"ambiguous-disclosure":1,"video-disclosure":1,"undisclosed-commercial-signals":1}"#
        );
    }

    #[test]
    fn format_names_allowed_values() {
        assert_eq!("JSONL".parse::<Format>(), Ok(Format::Jsonl));
        let err = "xml".parse::<Format>().unwrap_err().to_string();
        assert_eq!("Sarif".parse::<Format>(), Ok(Format::Sarif));
        assert!(
            err.contains("human, json, jsonl, sarif, github, junit, csv, gitlab, html, markdown"),
            "{err}"
        );
    }
}
