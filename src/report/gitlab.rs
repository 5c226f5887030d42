//! `gitlab`: a GitLab Code Quality report (the CodeClimate issue subset
//! GitLab reads), a JSON array with one issue per finding and per
//! unreadable record: `description`, `check_name` (the rule id),
//! `fingerprint`, `severity` (`info`, `minor`, `major`, `critical`,
//! `blocker`) and `location.path` + `location.lines.begin`. GitLab shows
//! the issues in the merge request widget and diff, and merges issues with
//! equal fingerprints, so a repeated fingerprint gets a counter.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::PathBuf;

use serde::Serialize;

use super::location::{self, Region};
use super::{Reporter, Summary, message_and_help, printable};
use crate::finding::{Checked, Severity};
use crate::fingerprint::located_fingerprint;
use crate::post::Origin;

pub struct GitlabReporter {
    out: Box<dyn Write>,
    base_dir: Option<PathBuf>,
    /// Issues written so far, for the separators.
    written: usize,
    /// How often each fingerprint was used, to keep them unique.
    fingerprints: HashMap<String, usize>,
}

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u64,
}

impl GitlabReporter {
    pub fn new(out: Box<dyn Write>, base_dir: Option<PathBuf>) -> Self {
        GitlabReporter { out, base_dir, written: 0, fingerprints: HashMap::new() }
    }

    /// `fingerprint`, or `fingerprint-N` for its N-th repeat.
    fn unique(&mut self, fingerprint: String) -> String {
        let seen = self.fingerprints.entry(fingerprint.clone()).or_default();
        *seen += 1;
        match *seen {
            1 => fingerprint,
            n => format!("{fingerprint}-{n}"),
        }
    }

    fn path(&self, origin: &Origin) -> String {
        // Standard input has no file; GitLab needs a path all the same.
        location::relative_path(&origin.path, self.base_dir.as_deref())
            .unwrap_or_else(|| "-".to_owned())
    }

    fn write(&mut self, issue: &Issue) -> io::Result<()> {
        self.out.write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
        serde_json::to_writer(&mut self.out, issue)?;
        self.written += 1;
        Ok(())
    }
}

impl Reporter for GitlabReporter {
    fn record(&mut self, checked: &Checked) -> io::Result<()> {
        match checked {
            Checked::Post(post) => {
                let path = self.path(&post.post.origin);
                for finding in &post.findings {
                    let region = location::region(&post.post, finding.span);
                    let mut description = message_and_help(&finding.message, &finding.help);
                    if let Some(id) = &post.post.id {
                        description = format!("post {id}: {description}");
                    }
                    let fingerprint = self.unique(located_fingerprint(&path, &post.post, finding));
                    let issue = Issue {
                        description: printable(&description, true).into_owned(),
                        check_name: &finding.rule,
                        fingerprint,
                        severity: severity(finding.severity),
                        location: Location { path: path.clone(), lines: begin(region) },
                    };
                    self.write(&issue)?;
                }
                Ok(())
            }
            Checked::Error(error) => {
                let path = self.path(&error.origin);
                let region = location::record_region(&error.origin);
                let mut description = error.message.clone();
                if let Some(id) = &error.id {
                    description = format!("post {id}: {description}");
                }
                let line = begin(region).begin.to_string();
                let fingerprint = self.unique(format!("unreadable:{path}:{line}"));
                let issue = Issue {
                    description: printable(&description, true).into_owned(),
                    check_name: "unreadable-record",
                    fingerprint,
                    severity: "blocker",
                    location: Location { path, lines: begin(region) },
                };
                self.write(&issue)
            }
        }
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
        self.out.flush()
    }
}

/// GitLab's scale: an error blocks publication (`critical`), a warning
/// needs a look (`minor`), information is `info`.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// The first line of the region; line 1 when nothing is known (a whole
/// file, standard input).
fn begin(region: Option<Region>) -> Lines {
    Lines { begin: region.map_or(1, |region| region.start_line.max(1)) }
}

#[cfg(test)]
mod tests {
    use crate::finding::Checked;
    use crate::report::{Format, PLAIN, render, sample_results};

    /// The issues, each checked against GitLab's documented shape.
    fn issues_of(results: &[Checked]) -> Vec<serde_json::Value> {
        let output = render(Format::Gitlab, PLAIN, results);
        let issues: Vec<serde_json::Value> = serde_json::from_str(&output).expect("a JSON array");
        for issue in &issues {
            let keys: Vec<&str> = issue.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["check_name", "description", "fingerprint", "location", "severity"]);
            assert!(!issue["description"].as_str().unwrap().is_empty());
            assert!(!issue["check_name"].as_str().unwrap().is_empty());
            let severity = issue["severity"].as_str().unwrap();
            assert!(["info", "minor", "major", "critical", "blocker"].contains(&severity));
            assert!(!issue["location"]["path"].as_str().unwrap().is_empty());
            assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        }
        issues
    }

    #[test]
    fn one_issue_per_finding_and_unreadable_record_with_unique_fingerprints() {
        let results = sample_results();
        let issues = issues_of(&results);
        assert_eq!(issues.len(), 6, "5 findings and 1 unreadable record");
        let mut fingerprints: Vec<&str> =
            issues.iter().map(|issue| issue["fingerprint"].as_str().unwrap()).collect();
        fingerprints.sort_unstable();
        fingerprints.dedup();
        assert_eq!(fingerprints.len(), issues.len());
        assert!(
            issues.iter().any(|issue| issue["check_name"] == "unreadable-record"
                && issue["severity"] == "blocker")
        );
        assert!(issues.iter().any(|issue| issue["severity"] == "critical"));

        // The same results twice: the same issues, with distinct fingerprints.
        let twice: Vec<Checked> = results.iter().chain(&results).cloned().collect();
        let issues = issues_of(&twice);
        let mut fingerprints: Vec<&str> =
            issues.iter().map(|issue| issue["fingerprint"].as_str().unwrap()).collect();
        fingerprints.sort_unstable();
        fingerprints.dedup();
        assert_eq!(fingerprints.len(), 12);
    }

    #[test]
    fn no_results_is_an_empty_array() {
        assert_eq!(render(Format::Gitlab, PLAIN, &[]), "[]\n");
    }
}
