//! `github`: GitHub Actions workflow commands, one annotation per finding
//! (`::error file=…,line=…,col=…,endColumn=…,title=…::message`), so findings
//! show on the pull request's diff without uploading anything. GitHub keeps
//! at most 10 annotations of each level per step and drops the rest
//! silently, so at most 10 of each level are written, and a plain line says
//! how many more findings there are and where to see them. Ends with the
//! plain summary line: an annotation for either would count against the
//! cap, and as the last one would be the first dropped.

use std::io::{self, Write};
use std::path::PathBuf;

use super::location::{self, Region};
use super::{Reporter, Summary, message_and_help, printable};
use crate::finding::{Checked, Finding, Severity};
use crate::post::Origin;

/// The annotations of one level GitHub shows per step.
const ANNOTATIONS_PER_LEVEL: usize = 10;

/// The annotation levels, in the order of [`GithubReporter::shown`].
const LEVELS: [&str; 3] = ["error", "warning", "notice"];

pub struct GithubReporter {
    out: Box<dyn Write>,
    base_dir: Option<PathBuf>,
    /// Annotations written, per level of [`LEVELS`].
    shown: [usize; 3],
    /// Findings and unreadable records not annotated, past the cap.
    left_out: usize,
}

impl GithubReporter {
    pub fn new(out: Box<dyn Write>, base_dir: Option<PathBuf>) -> Self {
        GithubReporter { out, base_dir, shown: [0; 3], left_out: 0 }
    }

    /// Writes the annotation if its level has room left, else counts it.
    fn annotate(
        &mut self,
        level: &str,
        origin: &Origin,
        region: Option<Region>,
        title: &str,
        message: &str,
    ) -> io::Result<()> {
        let index = LEVELS.iter().position(|known| *known == level).unwrap_or(0);
        if self.shown[index] >= ANNOTATIONS_PER_LEVEL {
            self.left_out += 1;
            return Ok(());
        }
        self.shown[index] += 1;
        self.command(level, origin, region, title, message)
    }

    /// Writes one `::level properties::message` command.
    fn command(
        &mut self,
        level: &str,
        origin: &Origin,
        region: Option<Region>,
        title: &str,
        message: &str,
    ) -> io::Result<()> {
        let mut properties = Vec::new();
        if let Some(file) = location::relative_path(&origin.path, self.base_dir.as_deref()) {
            properties.push(("file", file));
            if let Some(region) = region {
                properties.push(("line", region.start_line.to_string()));
                if region.end_line != region.start_line {
                    // GitHub refuses columns on an annotation over several lines.
                    properties.push(("endLine", region.end_line.to_string()));
                } else if let Some((start, end)) = region.columns {
                    properties.push(("col", start.to_string()));
                    properties.push(("endColumn", end.to_string()));
                }
            }
        }
        properties.push(("title", title.to_owned()));
        let properties: Vec<String> = properties
            .into_iter()
            .map(|(name, value)| format!("{name}={}", escape_property(&value)))
            .collect();
        writeln!(self.out, "::{level} {}::{}", properties.join(","), escape_data(message))
    }
}

impl Reporter for GithubReporter {
    fn record(&mut self, checked: &Checked) -> io::Result<()> {
        match checked {
            Checked::Post(post) => {
                for finding in &post.findings {
                    let region = location::region(&post.post, finding.span);
                    let message = annotation_message(finding, post.post.id.as_deref());
                    self.annotate(
                        level(finding.severity),
                        &post.post.origin,
                        region,
                        &title(finding),
                        &message,
                    )?;
                }
                Ok(())
            }
            Checked::Error(error) => {
                let region = location::record_region(&error.origin);
                let message = match &error.id {
                    Some(id) => format!("post {id}: {}", error.message),
                    None => error.message.clone(),
                };
                self.annotate("error", &error.origin, region, "unreadable record", &message)
            }
        }
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let Summary { posts, pass, warn, fail, error, .. } = summary;
        if self.left_out > 0 {
            writeln!(
                self.out,
                "sponsorlint: {} more findings not annotated (GitHub shows {ANNOTATIONS_PER_LEVEL} \
                 annotations of each level per step); upload the SARIF report \
                 (`--format sarif`) or run with `--format human` to see them all",
                self.left_out
            )?;
        }
        writeln!(
            self.out,
            "sponsorlint: checked {posts} posts: {pass} pass, {warn} warn, {fail} fail, {error} error"
        )?;
        self.out.flush()
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// `fr/missing-disclosure (FR)`: the rule, and the market whose law it is.
fn title(finding: &Finding) -> String {
    match finding.market {
        Some(market) => format!("{} ({market})", finding.rule),
        None => finding.rule.clone(),
    }
}

/// The message, the help and the source on lines of their own; the post id
/// first, since a line of a JSONL file or spreadsheet says little alone.
fn annotation_message(finding: &Finding, post_id: Option<&str>) -> String {
    let mut message = message_and_help(&finding.message, &finding.help);
    if let Some(id) = post_id {
        message = format!("post {id}: {message}");
    }
    if !finding.source_url.is_empty() {
        message.push_str("\nsource: ");
        message.push_str(&finding.source_url);
    }
    message
}

/// Escapes a command's message: `%` first, so the escapes it adds are not
/// escaped again, then the line breaks that would end the command; other
/// control characters are written as U+FFFD.
fn escape_data(text: &str) -> String {
    printable(text, true).replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value: as data, plus `:` (which would end the
/// properties) and `,` (which would start the next one).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::super::{Format, HumanOptions, Shared, render, sample_results};
    use super::*;

    const OPTIONS: HumanOptions = super::super::PLAIN;

    #[test]
    fn github_snapshot() {
        insta::assert_snapshot!(render(Format::Github, OPTIONS, &sample_results()));
    }

    #[test]
    fn escaping_keeps_each_command_on_one_line_and_its_properties_apart() {
        let message = "100% sure: code, link\r\nand more %0A";
        assert_eq!(escape_data(message), "100%25 sure: code, link%0D%0Aand more %250A");
        assert_eq!(escape_property(message), "100%25 sure%3A code%2C link%0D%0Aand more %250A");
        assert_eq!(escape_data("a\u{0}b\u{1b}[31m\u{85}"), "a\u{fffd}b\u{fffd}[31m\u{fffd}");

        let output = Shared::default();
        let mut reporter = GithubReporter::new(Box::new(output.clone()), None);
        let origin = Origin { path: "a,b:c.md".into(), line: Some(2), ..Origin::default() };
        let region = Some(Region { start_line: 2, end_line: 2, columns: Some((3, 5)) });
        reporter.command("warning", &origin, region, "x/y (FR), z", message).unwrap();
        drop(reporter);
        assert_eq!(
            output.take(),
            "::warning file=a%2Cb%3Ac.md,line=2,col=3,endColumn=5,title=x/y (FR)%2C z::\
             100%25 sure: code, link%0D%0Aand more %250A\n"
        );
    }

    #[test]
    fn at_most_ten_annotations_of_each_level_then_a_count_of_the_rest() {
        // 12 copies of the samples: 24 error findings, 12 unreadable
        // records, 24 warnings and 12 notices.
        let results: Vec<Checked> = (0..12).flat_map(|_| sample_results()).collect();
        let output = render(Format::Github, OPTIONS, &results);
        let count = |level: &str| output.lines().filter(|line| line.starts_with(level)).count();
        assert_eq!((count("::error "), count("::warning "), count("::notice ")), (10, 10, 10));
        let lines: Vec<&str> = output.lines().collect();
        let annotations = 24 + 12 + 24 + 12;
        assert_eq!(lines.len(), 30 + 2);
        assert!(
            lines[30].starts_with(&format!(
                "sponsorlint: {} more findings not annotated",
                annotations - 30
            )),
            "{}",
            lines[30]
        );
        assert!(lines[30].contains("--format sarif") && lines[30].contains("--format human"));
        assert!(lines[31].starts_with("sponsorlint: checked 60 posts"));
        // Below the cap nothing is said.
        let few = render(Format::Github, OPTIONS, &sample_results());
        assert!(!few.contains("not annotated"), "{few}");
    }

    #[test]
    fn annotations_over_several_lines_have_no_columns() {
        let output = Shared::default();
        let mut reporter = GithubReporter::new(Box::new(output.clone()), None);
        let origin = Origin { path: "a.md".into(), ..Origin::default() };
        let region = Some(Region { start_line: 2, end_line: 3, columns: Some((3, 1)) });
        reporter.command("error", &origin, region, "t", "m").unwrap();
        reporter
            .command("error", &Origin { path: "-".into(), ..origin }, region, "t", "m")
            .unwrap();
        drop(reporter);
        assert_eq!(
            output.take(),
            "::error file=a.md,line=2,endLine=3,title=t::m\n::error title=t::m\n",
            "stdin has no file, so no place in it either"
        );
    }

    #[test]
    fn every_finding_is_one_command_at_its_level() {
        let output = render(Format::Github, OPTIONS, &sample_results());
        let commands: Vec<&str> =
            output.lines().filter_map(|line| line.strip_prefix("::")).collect();
        let levels: Vec<&str> =
            commands.iter().map(|command| command.split(' ').next().unwrap()).collect();
        assert_eq!(levels, ["error", "notice", "warning", "error", "warning", "error"]);
        assert!(commands[0].contains("title=fr/missing-disclosure (FR)::post p17: Commercial"));
        assert!(
            commands[5].starts_with("error file=posts.jsonl,line=18,title=unreadable record::")
        );
        assert_eq!(
            output.lines().last(),
            Some("sponsorlint: checked 5 posts: 1 pass, 1 warn, 2 fail, 1 error")
        );
    }
}
