//! Suppressions: accepted findings, since posts cannot carry linter
//! comments. A YAML file lists entries keyed by post (its id, or
//! `text:<fingerprint>`) and rule, each with a reason and an optional expiry
//! date. An expired entry suppresses nothing and is itself reported.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::date::Date;
use crate::diag::yaml::{self, Spanned, span_of};
use crate::diag::{FileError, FileKind};
use crate::diag::{Problems, line_column};
use crate::finding::{Category, CheckedPost, Finding, Severity, Span};
use crate::fingerprint::post_key;
use crate::rules::RuleBook;

/// The rule id of the finding an expired suppression becomes.
pub const EXPIRED_RULE: &str = "sponsorlint/expired-suppression";

/// The entries of one suppressions file.
#[derive(Debug)]
pub struct Suppressions {
    name: String,
    entries: Vec<Entry>,
    /// Entry indexes by post key.
    by_post: HashMap<String, Vec<usize>>,
}

#[derive(Debug)]
struct Entry {
    post: String,
    rule: String,
    reason: String,
    /// Set when the entry has expired (today is after this date).
    expired: Option<Date>,
    /// 1-based line of the entry in its file.
    line: usize,
    /// The category of the rule it names, for the expired-suppression finding.
    category: Category,
    /// Whether a post it names was checked in this run.
    seen: bool,
    suppressed: usize,
}

impl Suppressions {
    /// Reads a suppressions file; see [`Suppressions::parse`].
    pub fn load(path: &Path, rules: &RuleBook, today: Date) -> Result<Suppressions, FileError> {
        let name = path.display().to_string();
        let source = std::fs::read_to_string(path).map_err(|error| {
            FileError::unreadable(FileKind::Suppressions, &name, &error.to_string())
        })?;
        Suppressions::parse(&name, &source, rules, today)
    }

    /// Validates the entries — each names a loaded rule, a post key, a
    /// reason, and a real date if any — and decides which have expired: an
    /// entry still holds on its `expires` day and expires the day after.
    pub fn parse(
        name: &str,
        source: &str,
        rules: &RuleBook,
        today: Date,
    ) -> Result<Suppressions, FileError> {
        let mut problems = Problems::of(FileKind::Suppressions, name, source);
        let raw = yaml::parse_core::<RawFile>(source).unwrap_or_else(|error| {
            problems.add(error.span, error.message, "here", None);
            RawFile { suppressions: None }
        });
        let mut entries = Vec::new();
        for raw in raw.suppressions.unwrap_or_default() {
            let at = span_of(source, &raw);
            let line = at.as_ref().map_or(0, |span| line_column(source, span.start).0);
            let raw = raw.value;
            let category = match rules.rule(&raw.rule.value) {
                Some(rule) => Some(rule.category),
                None => {
                    problems.add(
                        span_of(source, &raw.rule),
                        format!("no loaded rule '{}'", raw.rule.value),
                        "unknown rule",
                        Some(rules.unknown_rule_help(&raw.rule.value)),
                    );
                    None
                }
            };
            if !is_post_key(&raw.post.value) {
                problems.add(
                    span_of(source, &raw.post),
                    format!("'{}' is not a post id or text:<16 hex digits>", raw.post.value),
                    "not a post key",
                    Some("a post without an id is named by the text fingerprint its baseline entry shows".into()),
                );
            }
            let reason = raw.reason.as_ref().map(|reason| reason.value.trim()).unwrap_or("");
            if reason.is_empty() {
                problems.add(
                    raw.reason.as_ref().map_or(at.clone(), |reason| span_of(source, reason)),
                    "a suppression needs a reason",
                    "no reason",
                    Some("say why the finding is accepted, e.g. `reason: \"Legal approved #sp for this campaign (LEG-42)\"`".into()),
                );
            }
            let expires = match &raw.expires {
                None => None,
                Some(expires) => match Date::parse(expires.value.trim()) {
                    Some(date) => Some(date),
                    None => {
                        problems.add(
                            span_of(source, expires),
                            format!("expires '{}' is not a date (YYYY-MM-DD)", expires.value),
                            "not a date",
                            None,
                        );
                        None
                    }
                },
            };
            if let Some(category) = category {
                entries.push(Entry {
                    post: raw.post.value,
                    rule: raw.rule.value,
                    reason: reason.to_string(),
                    expired: expires.filter(|date| *date < today),
                    line,
                    category,
                    seen: false,
                    suppressed: 0,
                });
            }
        }
        problems.into_result()?;
        let mut by_post: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            by_post.entry(entry.post.clone()).or_default().push(index);
        }
        Ok(Suppressions { name: name.to_string(), entries, by_post })
    }

    /// Removes the post's suppressed findings and adds one finding per
    /// expired entry naming the post. Returns how many were suppressed.
    pub fn apply(&mut self, checked: &mut CheckedPost) -> usize {
        let Some(indexes) = self.by_post.get(&post_key(&checked.post)) else {
            return 0;
        };
        let mut suppressed = 0;
        for &index in indexes {
            let entry = &mut self.entries[index];
            entry.seen = true;
            if entry.expired.is_some() {
                checked.findings.push(expired_finding(&self.name, entry));
                continue;
            }
            let before = checked.findings.len();
            checked.findings.retain(|finding| finding.rule != entry.rule);
            entry.suppressed += before - checked.findings.len();
            suppressed += before - checked.findings.len();
        }
        suppressed
    }

    /// Notes on entries that did nothing in this run.
    pub fn unused(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter_map(|entry| {
                let at = format!(
                    "{}:{}: suppression of {} for post {}",
                    self.name, entry.line, entry.rule, entry.post
                );
                match entry.expired {
                    Some(date) if !entry.seen => {
                        Some(format!("{at} expired on {date}; its post was not in this run"))
                    }
                    None if entry.suppressed == 0 => {
                        Some(format!("{at} matched nothing in this run"))
                    }
                    _ => None,
                }
            })
            .collect()
    }
}

fn expired_finding(file: &str, entry: &Entry) -> Finding {
    let date = entry.expired.map(|date| date.to_string()).unwrap_or_default();
    Finding {
        rule: EXPIRED_RULE.to_string(),
        category: entry.category,
        severity: Severity::Warning,
        market: None,
        message: format!(
            "The suppression of {} expired on {date} ({file}:{}, reason: \"{}\")",
            entry.rule, entry.line, entry.reason
        ),
        help: format!(
            "{} is reported again. If the reason still holds, move `expires` later; otherwise fix the post and delete the entry.",
            entry.rule
        ),
        source_url: String::new(),
        span: Span::text(0, 0),
        cue: None,
        related: Vec::new(),
        fix: None,
    }
}

/// A post id, or `text:` and the 16 hex digits of a text fingerprint.
fn is_post_key(key: &str) -> bool {
    match key.strip_prefix("text:") {
        Some(hex) => hex.len() == 16 && hex.bytes().all(|byte| byte.is_ascii_hexdigit()),
        None => !key.trim().is_empty(),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    suppressions: Option<Vec<Spanned<RawEntry>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    post: Spanned<String>,
    rule: Spanned<String>,
    reason: Option<Spanned<String>>,
    expires: Option<Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Verdict;
    use crate::post::{Origin, Post};

    fn rules() -> RuleBook {
        crate::rules::builtin_book()
    }

    fn today() -> Date {
        Date::parse("2026-06-15").unwrap()
    }

    fn finding(rule: &str, severity: Severity) -> Finding {
        Finding {
            rule: rule.into(),
            category: Category::MissingDisclosure,
            severity,
            market: None,
            message: "m".into(),
            help: "h".into(),
            source_url: String::new(),
            span: Span::text(0, 0),
            cue: None,
            related: vec![],
            fix: None,
        }
    }

    fn checked(id: Option<&str>, rules: &[&str]) -> CheckedPost {
        let mut post = Post::from_text(Origin::default(), "my new serum");
        post.id = id.map(str::to_string);
        CheckedPost {
            post,
            relationship: Default::default(),
            findings: rules.iter().map(|rule| finding(rule, Severity::Error)).collect(),
            evidence: None,
        }
    }

    fn parse(source: &str) -> Result<Suppressions, FileError> {
        Suppressions::parse("s.yaml", source, &rules(), today())
    }

    #[test]
    fn a_live_entry_removes_only_its_rule_on_its_post() {
        let mut suppressions = parse(
            "suppressions:\n  - post: p1\n    rule: us/missing-disclosure\n    reason: legal approved\n    expires: 2026-06-15\n",
        )
        .unwrap();
        let mut post = checked(Some("p1"), &["us/missing-disclosure", "us/ambiguous-only"]);
        assert_eq!(suppressions.apply(&mut post), 1, "still valid on its expiry day");
        let left: Vec<&str> = post.findings.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(left, ["us/ambiguous-only"]);
        let mut other = checked(Some("p2"), &["us/missing-disclosure"]);
        assert_eq!(suppressions.apply(&mut other), 0);
        assert_eq!(other.findings.len(), 1);
        assert!(suppressions.unused().is_empty());
    }

    #[test]
    fn posts_without_an_id_are_named_by_their_text_fingerprint() {
        let post = checked(None, &["us/missing-disclosure"]);
        let key = post_key(&post.post);
        assert!(key.starts_with("text:"));
        let source = format!(
            "suppressions:\n  - {{post: '{key}', rule: us/missing-disclosure, reason: draft}}\n"
        );
        let mut post = post;
        assert_eq!(parse(&source).unwrap().apply(&mut post), 1);
        assert!(post.findings.is_empty());
    }

    #[test]
    fn an_expired_entry_suppresses_nothing_and_is_reported() {
        let source = "suppressions:\n  - post: p1\n    rule: us/missing-disclosure\n    reason: until launch\n    expires: 2026-06-14\n";
        let mut suppressions = parse(source).unwrap();
        let mut post = checked(Some("p1"), &["us/missing-disclosure"]);
        assert_eq!(suppressions.apply(&mut post), 0);
        let rules: Vec<&str> = post.findings.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(rules, ["us/missing-disclosure", EXPIRED_RULE]);
        let expired = &post.findings[1];
        assert_eq!(expired.severity, Severity::Warning);
        assert_eq!(expired.category, Category::MissingDisclosure, "the named rule's category");
        assert!(expired.message.contains("s.yaml:2"), "{}", expired.message);
        assert!(expired.message.contains("until launch"), "{}", expired.message);
        assert!(expired.message.contains("2026-06-14"), "{}", expired.message);
        assert_eq!(post.verdict(), Verdict::Fail);
    }

    #[test]
    fn unused_entries_are_noted() {
        let mut suppressions = parse(
            "suppressions:\n  - {post: p1, rule: us/missing-disclosure, reason: a}\n  - {post: gone, rule: us/missing-disclosure, reason: b, expires: 2020-01-01}\n",
        )
        .unwrap();
        suppressions.apply(&mut checked(Some("p1"), &[]));
        let notes = suppressions.unused();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].starts_with("s.yaml:2: ") && notes[0].ends_with("matched nothing in this run")
        );
        assert!(notes[1].starts_with("s.yaml:3: ") && notes[1].contains("expired on 2020-01-01"));
    }

    #[test]
    fn the_guide_example_is_valid() {
        let guide = include_str!("../../docs/guide.md");
        let start = guide.find("# sponsorlint-suppressions.yaml\n").expect("the guide's example");
        let example = &guide[start..start + guide[start..].find("```").unwrap()];
        assert_eq!(parse(example).unwrap().entries.len(), 2);
    }

    #[test]
    fn a_reason_is_required() {
        for source in [
            "suppressions:\n  - post: p1\n    rule: us/missing-disclosure\n",
            "suppressions:\n  - post: p1\n    rule: us/missing-disclosure\n    reason: '  '\n",
        ] {
            let error = parse(source).unwrap_err();
            assert_eq!(error.kind, FileKind::Suppressions);
            let problem = &error.problems[0];
            assert!(problem.message.contains("needs a reason"), "{}", problem.message);
            assert!(problem.line >= 2, "located: {}", problem.message);
        }
    }

    #[test]
    fn bad_entries_are_located() {
        let error = parse(
            "suppressions:\n  - post: p1\n    rule: us/missing-disclosur\n    reason: x\n    expires: 2026-02-30\n  - post: 'text:xyz'\n    rule: us/missing-disclosure\n    reason: x\n",
        )
        .unwrap_err();
        let located: Vec<(usize, &str)> =
            error.problems.iter().map(|p| (p.line, p.message.as_str())).collect();
        assert_eq!(located.len(), 3, "{located:#?}");
        assert!(
            located.contains(&(3, "s.yaml:3:11: no loaded rule 'us/missing-disclosur'")),
            "{located:#?}"
        );
        let help = error.problems[0].help.as_deref().unwrap();
        assert!(help.contains("did you mean us/missing-disclosure"), "{help}");
        assert!(
            located.iter().any(|(line, m)| *line == 5 && m.contains("not a date")),
            "{located:#?}"
        );
        assert!(
            located.iter().any(|(line, m)| *line == 6 && m.contains("text:<16 hex digits>")),
            "{located:#?}"
        );
        let unknown_key = parse("suppressions:\n  - {post: p1, rule: us/missing-disclosure, reason: x, until: 2026-01-01}\n").unwrap_err();
        assert!(unknown_key.problems[0].message.contains("until"));
    }
}
