//! Baselines, for gradual adoption: a file recording the findings of one
//! run by [`finding_fingerprint`], so later runs report only new ones. A
//! fingerprint recorded N times absorbs up to N findings.
//!
//! The file is JSON, one finding per line, sorted by post, rule and
//! fingerprint, so it diffs well under version control:
//!
//! ```json
//! {
//!   "version": 1,
//!   "findings": [
//!     {"post":"cal-002","rule":"us/ambiguous-only","fingerprint":"5f0c8e6a1b2d3c4e","count":1}
//!   ]
//! }
//! ```

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::Problems;
use crate::diag::{FileError, FileKind};
use crate::finding::CheckedPost;
use crate::fingerprint::{finding_fingerprint, post_key};

const VERSION: u32 = 1;

/// Recorded findings by fingerprint, each with how many times it occurred.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    entries: BTreeMap<String, Entry>,
}

/// One line of the file. The post and rule are there for the reader; the
/// fingerprint (which covers them) is what matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    post: String,
    rule: String,
    fingerprint: String,
    count: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    version: u32,
    findings: Vec<Entry>,
}

impl Baseline {
    /// Adds the post's findings.
    pub fn record(&mut self, checked: &CheckedPost) {
        for finding in &checked.findings {
            let fingerprint = finding_fingerprint(&checked.post, finding);
            self.entries
                .entry(fingerprint.clone())
                .or_insert_with(|| Entry {
                    post: post_key(&checked.post),
                    rule: finding.rule.clone(),
                    fingerprint,
                    count: 0,
                })
                .count += 1;
        }
    }

    /// Removes the post's findings that the baseline still has room for,
    /// using that room up. Returns how many were removed.
    pub fn absorb(&mut self, checked: &mut CheckedPost) -> usize {
        let before = checked.findings.len();
        let post = &checked.post;
        checked.findings.retain(|finding| {
            match self.entries.get_mut(&finding_fingerprint(post, finding)) {
                Some(entry) if entry.count > 0 => {
                    entry.count -= 1;
                    false
                }
                _ => true,
            }
        });
        before - checked.findings.len()
    }

    /// Findings recorded (or, after [`Baseline::absorb`], not yet seen).
    pub fn count(&self) -> usize {
        self.entries.values().map(|entry| entry.count).sum()
    }

    /// The file's text: stable, sorted, one finding per line.
    pub fn to_json(&self) -> String {
        let mut entries: Vec<&Entry> = self.entries.values().filter(|e| e.count > 0).collect();
        entries.sort_by(|a, b| {
            (&a.post, &a.rule, &a.fingerprint).cmp(&(&b.post, &b.rule, &b.fingerprint))
        });
        let lines: Vec<String> = entries
            .iter()
            .map(|entry| {
                // Four strings and a number: serialising cannot fail.
                format!("    {}", serde_json::to_string(entry).unwrap_or_default())
            })
            .collect();
        if lines.is_empty() {
            return format!("{{\n  \"version\": {VERSION},\n  \"findings\": []\n}}\n");
        }
        format!(
            "{{\n  \"version\": {VERSION},\n  \"findings\": [\n{}\n  ]\n}}\n",
            lines.join(",\n")
        )
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, FileError> {
        let name = path.display().to_string();
        let source = std::fs::read_to_string(path).map_err(|error| {
            let mut error = FileError::unreadable(FileKind::Baseline, &name, &error.to_string());
            error.problems[0].help =
                Some(format!("record it with `sponsorlint baseline {name} PATHS...`"));
            error
        })?;
        Baseline::parse(&name, &source)
    }

    /// Validates a baseline's text.
    pub fn parse(name: &str, source: &str) -> Result<Baseline, FileError> {
        let mut problems = Problems::of(FileKind::Baseline, name, source);
        let raw = match serde_json::from_str::<RawFile>(source) {
            Ok(raw) => raw,
            Err(error) => {
                let at = offset(source, error.line(), error.column());
                problems.add(at, error.to_string(), "here", None);
                RawFile { version: VERSION, findings: Vec::new() }
            }
        };
        if raw.version != VERSION {
            problems.add(
                None,
                format!(
                    "version {} is not supported; this sponsorlint reads {VERSION}",
                    raw.version
                ),
                "",
                Some("record the baseline again with this sponsorlint".into()),
            );
        }
        let mut baseline = Baseline::default();
        for (index, entry) in raw.findings.into_iter().enumerate() {
            let hex = entry.fingerprint.len() == 16
                && entry.fingerprint.bytes().all(|byte| byte.is_ascii_hexdigit());
            if !hex || entry.count == 0 {
                problems.add(
                    None,
                    format!(
                        "findings[{index}]: fingerprint '{}' with count {}: expected 16 hex digits and a count of at least 1",
                        entry.fingerprint, entry.count
                    ),
                    "",
                    None,
                );
                continue;
            }
            let count = entry.count;
            baseline
                .entries
                .entry(entry.fingerprint.clone())
                .and_modify(|known| known.count += count)
                .or_insert(entry);
        }
        problems.into_result().map(|()| baseline)
    }
}

/// The byte range at a 1-based line and column, as JSON parsers report them.
fn offset(source: &str, line: usize, column: usize) -> Option<Range<usize>> {
    if line == 0 {
        return None;
    }
    let line_start: usize = source.split_inclusive('\n').take(line - 1).map(str::len).sum();
    let mut at = (line_start + column.saturating_sub(1)).min(source.len());
    while !source.is_char_boundary(at) {
        at -= 1;
    }
    Some(at..at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Category, Finding, Severity, Span};
    use crate::post::{Origin, Post};

    fn checked(id: &str, text: &str, rules: &[&str]) -> CheckedPost {
        let mut post = Post::from_text(Origin::default(), text);
        post.id = (!id.is_empty()).then(|| id.to_string());
        let findings = rules
            .iter()
            .map(|rule| Finding {
                rule: rule.to_string(),
                category: Category::MissingDisclosure,
                severity: Severity::Error,
                market: None,
                message: "m".into(),
                help: "h".into(),
                source_url: String::new(),
                span: Span::text(0, 2),
                cue: None,
                related: vec![],
                fix: None,
            })
            .collect();
        CheckedPost { post, relationship: Default::default(), findings, evidence: None }
    }

    #[test]
    fn the_file_round_trips_sorted_and_one_finding_per_line() {
        let mut baseline = Baseline::default();
        baseline.record(&checked("p2", "hello", &["x/b", "x/a"]));
        baseline.record(&checked("p1", "hello", &["x/a", "x/a"]));
        baseline.record(&checked("", "no id", &["x/a"]));
        let json = baseline.to_json();
        let lines: Vec<&str> = json.lines().collect();
        assert_eq!(lines.len(), 3 + 4 + 2, "{json}");
        assert!(lines[3].starts_with(r#"    {"post":"p1","rule":"x/a","#), "{json}");
        assert!(lines[3].ends_with(r#""count":2},"#), "same fingerprint twice: {json}");
        assert!(lines[4].contains(r#""post":"p2","rule":"x/a""#), "{json}");
        assert!(lines[5].contains(r#""post":"p2","rule":"x/b""#), "{json}");
        assert!(lines[6].contains(r#""post":"text:"#), "{json}");
        let read = Baseline::parse("b.json", &json).unwrap();
        assert_eq!(read, baseline);
        assert_eq!(read.to_json(), json);
        assert_eq!(Baseline::parse("b.json", &Baseline::default().to_json()).unwrap().count(), 0);
    }

    #[test]
    fn a_fingerprint_recorded_n_times_absorbs_up_to_n_findings() {
        let mut baseline = Baseline::default();
        baseline.record(&checked("p1", "hello", &["x/a", "x/a"]));
        let mut again = checked("p1", "hello", &["x/a", "x/a", "x/a", "x/b"]);
        assert_eq!(baseline.absorb(&mut again), 2);
        let left: Vec<&str> = again.findings.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(left, ["x/a", "x/b"]);
        assert_eq!(baseline.count(), 0);
        let mut moved = checked("p9", "hello", &["x/a"]);
        assert_eq!(Baseline::default().absorb(&mut moved), 0);
    }

    #[test]
    fn bad_files_are_located_errors() {
        let error =
            Baseline::parse("b.json", "{\n  \"version\": 1,\n  \"findingz\": []\n}\n").unwrap_err();
        assert_eq!(error.kind, FileKind::Baseline);
        assert_eq!(error.problems[0].line, 3, "{}", error.problems[0].message);
        assert!(error.problems[0].message.contains("findingz"));
        let error = Baseline::parse(
            "b.json",
            r#"{"version": 2, "findings": [{"post":"p","rule":"r","fingerprint":"nothex","count":1}]}"#,
        )
        .unwrap_err();
        assert_eq!(error.problems.len(), 2);
        assert!(error.problems[0].message.contains("version 2"));
        assert!(error.problems[1].message.contains("findings[0]"));
    }
}
