//! What the engine says about a post: [`Finding`]s and the per-post
//! [`Checked`] result that every reporter renders.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::post::{Market, Origin, Platform, Post, Relationship, UnknownValue};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; shown with `--fail-on info`.
    Info,
    /// Needs review.
    Warning,
    /// A breach of the rule.
    Error,
}

impl Severity {
    /// Every severity, the most severe first.
    pub const ALL: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl FromStr for Severity {
    type Err = UnknownValue;
    fn from_str(value: &str) -> Result<Self, UnknownValue> {
        match value.trim().to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            _ => Err(UnknownValue {
                what: "severity",
                value: value.to_string(),
                allowed: Severity::ALL.map(Severity::as_str).join(", "),
            }),
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stable finding categories; every rule has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    MissingDisclosure,
    AmbiguousDisclosure,
    DisclosureBelowFold,
    DisclosureBuried,
    WrongLanguage,
    MissingLabel,
    ProhibitedPromotion,
    VideoDisclosure,
    PlatformLabelOnly,
    UndisclosedCommercialSignals,
    ObfuscatedDisclosure,
}

impl Category {
    pub const ALL: [Category; 11] = [
        Category::MissingDisclosure,
        Category::AmbiguousDisclosure,
        Category::DisclosureBelowFold,
        Category::DisclosureBuried,
        Category::WrongLanguage,
        Category::MissingLabel,
        Category::ProhibitedPromotion,
        Category::VideoDisclosure,
        Category::PlatformLabelOnly,
        Category::UndisclosedCommercialSignals,
        Category::ObfuscatedDisclosure,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::MissingDisclosure => "missing-disclosure",
            Category::AmbiguousDisclosure => "ambiguous-disclosure",
            Category::DisclosureBelowFold => "disclosure-below-fold",
            Category::DisclosureBuried => "disclosure-buried",
            Category::WrongLanguage => "wrong-language",
            Category::MissingLabel => "missing-label",
            Category::ProhibitedPromotion => "prohibited-promotion",
            Category::VideoDisclosure => "video-disclosure",
            Category::PlatformLabelOnly => "platform-label-only",
            Category::UndisclosedCommercialSignals => "undisclosed-commercial-signals",
            Category::ObfuscatedDisclosure => "obfuscated-disclosure",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which field of a post a span points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    /// The caption or body.
    Text,
    /// The title.
    Title,
    /// The subtitle cue with this index.
    #[serde(rename = "subtitle")]
    Subtitle(usize),
}

/// A byte range of the ORIGINAL text of one field, on char boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// Byte after the last one.
    pub end: usize,
    /// Omitted for the main text, which is where most spans point.
    #[serde(skip_serializing_if = "Field::is_text")]
    pub field: Field,
}

impl Field {
    fn is_text(&self) -> bool {
        *self == Field::Text
    }

    /// The post's text for this field; `None` when the post has no such field.
    pub fn text_in(self, post: &Post) -> Option<&str> {
        match self {
            Field::Text => Some(&post.text),
            Field::Title => post.title.as_deref(),
            Field::Subtitle(index) => post.subtitles.get(index).map(|cue| cue.text.as_str()),
        }
    }
}

impl Span {
    pub fn text(start: usize, end: usize) -> Span {
        Span { start, end, field: Field::Text }
    }
}

/// Where in a video a finding is: the subtitle cue (index from 0, in file
/// order) and its start and end in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CueTime {
    pub index: usize,
    pub start_s: f64,
    pub end_s: f64,
}

impl CueTime {
    /// The cue a span in `field` is in, when it is in a subtitle cue.
    pub fn of(post: &Post, field: Field) -> Option<CueTime> {
        let Field::Subtitle(index) = field else {
            return None;
        };
        let cue = post.subtitles.get(index)?;
        Some(CueTime { index, start_s: cue.start, end_s: cue.end })
    }
}

/// `00:01:12.500`: seconds as a video player shows them (hours, minutes,
/// seconds, milliseconds); negative or non-finite times show as zero.
pub fn clock(seconds: f64) -> String {
    let millis =
        if seconds.is_finite() && seconds > 0.0 { (seconds * 1000.0).round() as u64 } else { 0 };
    let (seconds, millis) = (millis / 1000, millis % 1000);
    format!("{:02}:{:02}:{:02}.{millis:03}", seconds / 3600, seconds / 60 % 60, seconds % 60)
}

/// A further place a finding concerns: another hit of the same rule, or
/// (with `rule` and `message`) a finding of another rule folded into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub span: Span,
}

impl Related {
    /// Another place of the same finding.
    pub fn at(span: Span) -> Related {
        Related { rule: None, message: None, span }
    }
}

/// One change to a field: replace `span` with `replacement` (an insertion
/// when the span is empty).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit { span: Span::text(at, at), replacement: text.into() }
    }
}

/// Whether a fix may be applied without asking: `safe` only adds the
/// market's required wording; `unsafe` rewrites the author's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// A suggested correction: edits of the post's original text, applied
/// together, never overlapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

impl Fix {
    /// Whether `--fix` (`allow_unsafe` false) or `--unsafe-fixes` applies it.
    pub fn applies(&self, allow_unsafe: bool) -> bool {
        allow_unsafe || self.applicability == Applicability::Safe
    }
}

/// One result of one rule on one post.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// The rule's id, `pack/name`: `fr/missing-disclosure`.
    pub rule: String,
    /// The kind of problem.
    pub category: Category,
    /// How serious it is.
    pub severity: Severity,
    /// The market whose rule this is; `None` for global and platform rules.
    pub market: Option<Market>,
    /// What is wrong, with specifics of this post.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// The law or code behind the rule.
    pub source_url: String,
    /// The primary span; further spans (every signal, every ambiguous tag)
    /// follow in `related`.
    pub span: Span,
    /// The subtitle cue the primary span is in, with its times.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<CueTime>,
    /// Further places the finding concerns, and the findings of other
    /// rules that it explains (folded into it rather than listed again).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// A suggested edit, where the rule has one.
    pub fix: Option<Fix>,
}

/// How much a post's text says it is commercial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    None,
    Weak,
    Strong,
}

/// One thing that makes a post look commercial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signal {
    /// The signal kind as the pack names it: `discount-code`.
    pub kind: String,
    /// What was found, as written.
    pub text: String,
    pub span: Span,
}

/// What a post's text says about its relationship, when the post does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub level: Level,
    pub signals: Vec<Signal>,
}

impl Evidence {
    /// "discount code `LUNA15`, brand mention `@acme`".
    pub fn describe(&self) -> String {
        let mut parts = DistinctParts::default();
        for signal in &self.signals {
            parts.push(|text| {
                text.extend(signal.kind.chars().map(|c| if c == '-' { ' ' } else { c }));
                text.push_str(" `");
                text.push_str(&signal.text);
                text.push('`');
            });
        }
        parts.into_text()
    }
}

/// The parts of a message joined by ", ", each once: a part written as one
/// before it is taken out again. They are written into one string, not a
/// string each and a joined one: messages are written for every finding.
#[derive(Debug, Default)]
pub struct DistinctParts {
    text: String,
    parts: Vec<std::ops::Range<usize>>,
}

impl DistinctParts {
    /// Adds the part that `write` writes, unless it is one already there.
    pub fn push(&mut self, write: impl FnOnce(&mut String)) {
        let before = self.text.len();
        if !self.parts.is_empty() {
            self.text.push_str(", ");
        }
        let start = self.text.len();
        write(&mut self.text);
        let part = &self.text[start..];
        if self.parts.iter().any(|earlier| &self.text[earlier.clone()] == part) {
            self.text.truncate(before);
        } else {
            self.parts.push(start..self.text.len());
        }
    }

    pub fn into_text(self) -> String {
        self.text
    }
}

/// The per-post outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No finding at warning or above.
    Pass,
    /// Warnings, no error.
    Warn,
    /// At least one error finding.
    Fail,
    /// The record could not be read as a post.
    Error,
}

impl Verdict {
    pub fn from_findings(findings: &[Finding]) -> Verdict {
        match findings.iter().map(|f| f.severity).max() {
            Some(Severity::Error) => Verdict::Fail,
            Some(Severity::Warning) => Verdict::Warn,
            _ => Verdict::Pass,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
            Verdict::Error => "error",
        }
    }
}

/// A post together with what the engine found.
#[derive(Debug, Clone)]
pub struct CheckedPost {
    pub post: Post,
    /// The relationship the rules ran with: the post's own, or the one that
    /// commercial signals implied when it was `unknown`.
    pub relationship: Relationship,
    pub findings: Vec<Finding>,
    /// What the text says about the relationship, when the post did not say.
    pub evidence: Option<Evidence>,
}

impl CheckedPost {
    pub fn verdict(&self) -> Verdict {
        Verdict::from_findings(&self.findings)
    }

    pub fn platform(&self) -> Option<Platform> {
        self.post.platform
    }
}

/// A record that could not be read as a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// Boxed: origins are large and errors are rare, so `Result<Post,
    /// RecordError>` stays small.
    pub origin: Box<Origin>,
    /// The post id, when the record got far enough to have one.
    pub id: Option<String>,
    pub message: String,
}

/// One output record: every input record yields exactly one.
#[derive(Debug, Clone)]
pub enum Checked {
    Post(Box<CheckedPost>),
    Error(RecordError),
}

impl Checked {
    pub fn verdict(&self) -> Verdict {
        match self {
            Checked::Post(post) => post.verdict(),
            Checked::Error(_) => Verdict::Error,
        }
    }

    pub fn origin(&self) -> &Origin {
        match self {
            Checked::Post(post) => &post.post.origin,
            Checked::Error(error) => &error.origin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(severity: Severity) -> Finding {
        Finding {
            rule: "x/y".into(),
            category: Category::MissingDisclosure,
            severity,
            market: None,
            message: String::new(),
            help: String::new(),
            source_url: String::new(),
            span: Span::text(0, 0),
            cue: None,
            related: vec![],
            fix: None,
        }
    }

    #[test]
    fn verdict_follows_the_most_severe_finding() {
        assert_eq!(Verdict::from_findings(&[]), Verdict::Pass);
        assert_eq!(Verdict::from_findings(&[finding(Severity::Info)]), Verdict::Pass);
        assert_eq!(
            Verdict::from_findings(&[finding(Severity::Info), finding(Severity::Warning)]),
            Verdict::Warn
        );
        assert_eq!(
            Verdict::from_findings(&[finding(Severity::Error), finding(Severity::Warning)]),
            Verdict::Fail
        );
    }

    #[test]
    fn clock_shows_hours_minutes_seconds_and_milliseconds() {
        assert_eq!(clock(72.5), "00:01:12.500");
        assert_eq!(clock(3600.0 + 14.9), "01:00:14.900");
        assert_eq!(clock(-1.0), "00:00:00.000");
        assert_eq!(clock(f64::NAN), "00:00:00.000");
    }

    #[test]
    fn category_codes_are_kebab_case() {
        let json = serde_json::to_string(&Category::UndisclosedCommercialSignals).unwrap();
        assert_eq!(json, "\"undisclosed-commercial-signals\"");
        assert_eq!(Category::DisclosureBelowFold.as_str(), "disclosure-below-fold");
    }

    proptest::proptest! {
        /// Signals of a few kinds and texts, so that many repeat, two kinds
        /// written alike and texts holding the separators: described as
        /// each part formatted and the distinct ones joined, as the
        /// description was first written.
        #[test]
        fn a_description_holds_each_distinct_part_once_in_order(
            signals in proptest::collection::vec(
                ("(brand-mention|handle|a-b|a b)", "(|@acme|#ad|`x`, `y|é)"),
                0..8,
            ),
        ) {
            let evidence = Evidence {
                level: Level::Weak,
                signals: signals
                    .iter()
                    .map(|(kind, text)| Signal {
                        kind: kind.clone(),
                        text: text.clone(),
                        span: Span::text(0, 0),
                    })
                    .collect(),
            };
            let mut parts: Vec<String> = Vec::new();
            for (kind, text) in &signals {
                let part = format!("{} `{}`", kind.replace('-', " "), text);
                if !parts.contains(&part) {
                    parts.push(part);
                }
            }
            proptest::prop_assert_eq!(evidence.describe(), parts.join(", "));
        }
    }
}
