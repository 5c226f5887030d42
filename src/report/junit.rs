//! `junit`: JUnit XML for CI test reports (GitLab, Jenkins, Azure DevOps,
//! …): one `<testsuite>` per input file, one `<testcase>` per post. A post
//! with an error finding fails (`<failure>`), one with warnings only is
//! `<skipped>`, and a record that could not be read is an `<error>`; the
//! element's text lists every finding of the post.
//!
//! Written by hand rather than with an XML crate: the document is a few
//! fixed elements, and what needs care — escaping, and replacing the
//! characters XML 1.0 cannot carry even escaped (a post may contain control
//! characters) — a generic writer would not do for us anyway.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;

use super::location::{self, Region};
use super::{Reporter, Summary};
use crate::finding::{Checked, CheckedPost, Finding, RecordError, Severity, Verdict};
use crate::post::Origin;

pub struct JunitReporter {
    out: Box<dyn Write>,
    base_dir: Option<PathBuf>,
    /// One suite per file, in the order files were first seen. Everything
    /// is kept to the end: the root element's totals come first in the
    /// document.
    suites: Vec<Suite>,
    /// Index into `suites` by origin path.
    by_path: HashMap<String, usize>,
}

struct Suite {
    /// The path as shown (relative to the working directory).
    name: String,
    /// The rendered `<testcase>` elements.
    cases: String,
    counts: Counts,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.skipped += other.skipped;
    }

    fn attributes(self) -> String {
        let Counts { tests, failures, errors, skipped } = self;
        format!(r#"tests="{tests}" failures="{failures}" errors="{errors}" skipped="{skipped}""#)
    }
}

impl JunitReporter {
    pub fn new(out: Box<dyn Write>, base_dir: Option<PathBuf>) -> Self {
        JunitReporter { out, base_dir, suites: Vec::new(), by_path: HashMap::new() }
    }

    fn display_path(&self, origin: &Origin) -> String {
        location::relative_path(&origin.path, self.base_dir.as_deref())
            .unwrap_or_else(|| "stdin".to_owned())
    }

    /// The suite of `origin`'s file.
    fn suite(&mut self, origin: &Origin) -> &mut Suite {
        let index = match self.by_path.get(&origin.path) {
            Some(&index) => index,
            None => {
                let name = self.display_path(origin);
                self.suites.push(Suite { name, cases: String::new(), counts: Counts::default() });
                self.by_path.insert(origin.path.clone(), self.suites.len() - 1);
                self.suites.len() - 1
            }
        };
        &mut self.suites[index]
    }

    fn post(&mut self, checked: &CheckedPost) {
        let post = &checked.post;
        let details = details(checked, &self.display_path(&post.origin));
        let outcome = match checked.verdict() {
            Verdict::Fail => {
                let errors: Vec<&Finding> = checked
                    .findings
                    .iter()
                    .filter(|finding| finding.severity == Severity::Error)
                    .collect();
                let kind = errors.first().map(|finding| finding.rule.as_str()).unwrap_or("");
                Some(element("failure", &summary_of(&errors), Some(kind), &details))
            }
            Verdict::Warn => {
                let warnings: Vec<&Finding> = checked
                    .findings
                    .iter()
                    .filter(|finding| finding.severity == Severity::Warning)
                    .collect();
                Some(element("skipped", &summary_of(&warnings), None, &details))
            }
            // A pass may still carry notes (info findings): kept as output.
            _ if !details.is_empty() => {
                Some(format!("      <system-out>{}</system-out>\n", escape(&details, false)))
            }
            _ => None,
        };
        let counts = Counts {
            tests: 1,
            failures: usize::from(checked.verdict() == Verdict::Fail),
            skipped: usize::from(checked.verdict() == Verdict::Warn),
            errors: 0,
        };
        self.case(&post.origin, post.id.as_deref(), outcome, counts);
    }

    fn error(&mut self, error: &RecordError) {
        let place = place(&error.origin, &self.display_path(&error.origin));
        let message = format!("{place}: {}", error.message);
        let outcome = element("error", &error.message, Some("unreadable-record"), &message);
        let counts = Counts { tests: 1, errors: 1, ..Counts::default() };
        self.case(&error.origin, error.id.as_deref(), Some(outcome), counts);
    }

    /// Appends one `<testcase>`, named by the post id or else its origin.
    fn case(&mut self, origin: &Origin, id: Option<&str>, outcome: Option<String>, counts: Counts) {
        let suite = self.suite(origin);
        let name = id.map_or_else(|| place(origin, &suite.name), str::to_owned);
        // Jenkins' schema has no `file` or `line` on a test case: the suite
        // names the file, and the case's name or text the line.
        let tag = format!(
            "    <testcase name=\"{}\" classname=\"{}\"",
            escape(&name, true),
            escape(&suite.name, true),
        );
        match outcome {
            Some(outcome) => {
                let _ = write!(suite.cases, "{tag}>\n{outcome}    </testcase>\n");
            }
            None => {
                let _ = writeln!(suite.cases, "{tag}/>");
            }
        }
        suite.counts.add(counts);
    }
}

impl Reporter for JunitReporter {
    fn record(&mut self, checked: &Checked) -> io::Result<()> {
        match checked {
            Checked::Post(post) => self.post(post),
            Checked::Error(error) => self.error(error),
        }
        Ok(())
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        let mut totals = Counts::default();
        for suite in &self.suites {
            totals.add(suite.counts);
        }
        writeln!(self.out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        // Jenkins' schema allows `skipped` on a suite but not on the root.
        let Counts { tests, failures, errors, .. } = totals;
        writeln!(
            self.out,
            r#"<testsuites name="sponsorlint" tests="{tests}" failures="{failures}" errors="{errors}">"#
        )?;
        for suite in &self.suites {
            let name = escape(&suite.name, true);
            let counts = suite.counts.attributes();
            writeln!(self.out, "  <testsuite name=\"{name}\" file=\"{name}\" {counts}>")?;
            self.out.write_all(suite.cases.as_bytes())?;
            writeln!(self.out, "  </testsuite>")?;
        }
        writeln!(self.out, "</testsuites>")?;
        self.out.flush()
    }
}

/// The origin as displayed (`posts.jsonl:3`, `posts.json[2]`,
/// `calendar.xlsx[Sheet1]:5`) with its path as shown in the report.
fn place(origin: &Origin, path: &str) -> String {
    // Display starts with the path; what follows says where in the file.
    format!("{path}{}", &origin.to_string()[origin.path.len()..])
}

/// `<failure message="…" type="…">text</failure>` and the like.
fn element(name: &str, message: &str, kind: Option<&str>, text: &str) -> String {
    let kind = kind.map(|kind| format!(" type=\"{}\"", escape(kind, true))).unwrap_or_default();
    format!(
        "      <{name} message=\"{}\"{kind}>{}</{name}>\n",
        escape(message, true),
        escape(text, false)
    )
}

/// `rule: message; rule: message`, for a `message` attribute.
fn summary_of(findings: &[&Finding]) -> String {
    let parts: Vec<String> =
        findings.iter().map(|finding| format!("{}: {}", finding.rule, finding.message)).collect();
    parts.join("; ")
}

/// Every finding of the post, a paragraph each: severity, rule, market and
/// place, then the message, help and source.
fn details(checked: &CheckedPost, path: &str) -> String {
    let mut text = String::new();
    for finding in &checked.findings {
        let _ = write!(text, "{} {}", finding.severity, finding.rule);
        if let Some(market) = finding.market {
            let _ = write!(text, " ({market})");
        }
        let at = match location::region(&checked.post, finding.span) {
            Some(Region { start_line, columns: Some((column, _)), .. }) => {
                format!("{path}:{start_line}:{column}")
            }
            Some(region) => format!("{path}:{}", region.start_line),
            None => place(&checked.post.origin, path),
        };
        let _ = write!(text, " at {at}");
        let _ = writeln!(text, "\n  {}", finding.message);
        if !finding.help.is_empty() {
            let _ = writeln!(text, "  {}", finding.help);
        }
        if !finding.source_url.is_empty() {
            let _ = writeln!(text, "  source: {}", finding.source_url);
        }
    }
    text
}

/// Escapes XML text (`attribute` false) or a double-quoted attribute value.
/// Line breaks and tabs in attributes become character references, which
/// parsers would otherwise turn into spaces; characters XML 1.0 does not
/// allow at all become U+FFFD.
fn escape(text: &str, attribute: bool) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' if attribute => escaped.push_str("&quot;"),
            '\n' if attribute => escaped.push_str("&#10;"),
            '\t' if attribute => escaped.push_str("&#9;"),
            // Kept even in text, where parsers would fold \r\n into \n.
            '\r' => escaped.push_str("&#13;"),
            '\t' | '\n' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'.. => {
                escaped.push(c);
            }
            _ => escaped.push('\u{FFFD}'),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use roxmltree::Document;

    use super::super::{Format, HumanOptions, render, sample_results};
    use super::*;

    const OPTIONS: HumanOptions = super::super::PLAIN;

    #[test]
    fn junit_snapshot() {
        insta::assert_snapshot!(render(Format::Junit, OPTIONS, &sample_results()));
    }

    fn count(node: roxmltree::Node, name: &str) -> usize {
        node.attribute(name).unwrap().parse().unwrap()
    }

    #[test]
    fn parses_back_with_one_suite_per_file_and_counts_that_add_up() {
        let output = render(Format::Junit, OPTIONS, &sample_results());
        let document = Document::parse(&output).expect("well-formed XML");
        let root = document.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let suites: Vec<_> = root.children().filter(|node| node.is_element()).collect();
        let names: Vec<&str> =
            suites.iter().map(|suite| suite.attribute("name").unwrap()).collect();
        assert_eq!(names, ["posts.jsonl", "videos.json", "posts.json", "drafts/empty.md"]);
        for attribute in ["tests", "failures", "errors"] {
            let sum: usize = suites.iter().map(|suite| count(*suite, attribute)).sum();
            assert_eq!(sum, count(root, attribute), "{attribute}");
        }
        let skipped: usize = suites.iter().map(|suite| count(*suite, "skipped")).sum();
        for suite in &suites {
            let cases: Vec<_> =
                suite.children().filter(|node| node.has_tag_name("testcase")).collect();
            assert_eq!(cases.len(), count(*suite, "tests"));
            let with = |child: &str| {
                cases
                    .iter()
                    .filter(|case| case.children().any(|node| node.has_tag_name(child)))
                    .count()
            };
            assert_eq!(with("failure"), count(*suite, "failures"));
            assert_eq!(with("skipped"), count(*suite, "skipped"));
            assert_eq!(with("error"), count(*suite, "errors"));
        }
        // Totals as in the run's summary: 5 posts, 2 fail, 1 warn, 1 error.
        let totals: Vec<usize> =
            ["tests", "failures", "errors"].iter().map(|name| count(root, name)).collect();
        assert_eq!((totals, skipped), (vec![5, 2, 1], 1));

        let case = |name: &str| {
            document.descendants().find(|node| node.attribute("name") == Some(name)).unwrap()
        };
        let failure = case("p17").first_element_child().unwrap();
        assert_eq!(failure.tag_name().name(), "failure");
        assert_eq!(failure.attribute("type"), Some("fr/missing-disclosure"));
        assert!(
            failure
                .attribute("message")
                .unwrap()
                .starts_with("fr/missing-disclosure: Commercial post without « Publicité »")
        );
        let text = failure.text().unwrap();
        assert!(text.contains("global/commercial-signals at posts.jsonl:17"), "{text}");
        assert_eq!(case("yt-42").first_element_child().unwrap().tag_name().name(), "skipped");
        assert!(case("p1").first_element_child().is_none(), "a pass has no child element");
        let error = case("p18").first_element_child().unwrap();
        assert_eq!(error.tag_name().name(), "error");
        assert!(error.attribute("message").unwrap().contains("unknown relationship 'payed'"));
        assert_eq!(
            case("drafts/empty.md:3").tag_name().name(),
            "testcase",
            "no id: named by origin"
        );
    }

    #[test]
    fn escaping_survives_a_round_trip() {
        let nasty = "a & b < c > \"d\" 'e'\n\tnew\r\nline \u{0}\u{1b} \u{FFFE} 👍 ]]>";
        let xml = format!("<r a=\"{}\">{}</r>", escape(nasty, true), escape(nasty, false));
        let document = Document::parse(&xml).expect("well-formed");
        let clean = "a & b < c > \"d\" 'e'\n\tnew\r\nline \u{FFFD}\u{FFFD} \u{FFFD} 👍 ]]>";
        assert_eq!(document.root_element().attribute("a"), Some(clean));
        assert_eq!(document.root_element().text(), Some(clean));
    }
}
