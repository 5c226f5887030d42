//! `markdown`: a short summary of the run in GitHub-flavoured Markdown, made
//! for a GitHub Actions job summary (`$GITHUB_STEP_SUMMARY`): the verdicts,
//! the findings by rule, and the first failing posts with their place and
//! message. Tables are capped so a run of any size stays far below GitHub's
//! 1 MiB limit for a step summary; a note says what was left out. Text from
//! posts and file names is escaped, so it cannot add markup or HTML.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use super::location::{self, Region};
use super::{Reporter, Summary, printable};
use crate::finding::{Checked, Finding, Severity};
use crate::post::Origin;

/// Posts listed at most (failing ones first), and rules at most.
const MAX_ROWS: usize = 50;
/// Characters a cell keeps of a message, a post id or a path.
const MAX_CELL: usize = 200;

pub struct MarkdownReporter {
    out: Box<dyn Write>,
    base_dir: Option<PathBuf>,
    /// Findings per rule, with the rule's severity.
    by_rule: BTreeMap<String, (Severity, usize)>,
    /// The first failing or unreadable posts, then the first warned ones,
    /// as table rows; each list holds at most `MAX_ROWS`.
    failing: Vec<String>,
    warned: Vec<String>,
    /// Posts that fail, warn or are unreadable, listed or not.
    with_problems: usize,
}

impl MarkdownReporter {
    pub fn new(out: Box<dyn Write>, base_dir: Option<PathBuf>) -> Self {
        MarkdownReporter {
            out,
            base_dir,
            by_rule: BTreeMap::new(),
            failing: Vec::new(),
            warned: Vec::new(),
            with_problems: 0,
        }
    }

    /// `path:line`, or the path alone when the reader knows no line.
    fn place(&self, origin: &Origin, region: Option<Region>) -> String {
        let path = location::relative_path(&origin.path, self.base_dir.as_deref())
            .unwrap_or_else(|| "standard input".to_owned());
        let path = match &origin.sheet {
            Some(sheet) => format!("{path} [{sheet}]"),
            None => path,
        };
        match region {
            Some(region) => format!("{}:{}", clip_start(&path), region.start_line),
            None => clip_start(&path),
        }
    }
}

impl Reporter for MarkdownReporter {
    fn record(&mut self, checked: &Checked) -> io::Result<()> {
        let row = match checked {
            Checked::Post(post) => {
                for finding in &post.findings {
                    let entry =
                        self.by_rule.entry(finding.rule.clone()).or_insert((finding.severity, 0));
                    entry.0 = entry.0.max(finding.severity);
                    entry.1 += 1;
                }
                // The most severe finding stands for the post; a post with
                // notes (info) only passes and is not listed.
                let worst = post.findings.iter().max_by_key(|finding| finding.severity);
                let Some(worst) = worst.filter(|worst| worst.severity > Severity::Info) else {
                    return Ok(());
                };
                let place = self.place(&post.post.origin, location::region(&post.post, worst.span));
                let others = post.findings.len() - 1;
                Some((worst.severity, row(&place, post.post.id.as_deref(), worst, others)))
            }
            Checked::Error(error) => {
                let place = self.place(&error.origin, location::record_region(&error.origin));
                let cells = [
                    cell(&place),
                    cell(error.id.as_deref().unwrap_or("")),
                    "unreadable".to_owned(),
                    cell(&error.message),
                ];
                Some((Severity::Error, format!("| {} |", cells.join(" | "))))
            }
        };
        if let Some((severity, row)) = row {
            self.with_problems += 1;
            let list = match severity {
                Severity::Error => &mut self.failing,
                _ => &mut self.warned,
            };
            if list.len() < MAX_ROWS {
                list.push(row);
            }
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let out = &mut self.out;
        writeln!(out, "## sponsorlint\n")?;
        writeln!(out, "| Posts | Pass | Warn | Fail | Unreadable |")?;
        writeln!(out, "| ---: | ---: | ---: | ---: | ---: |")?;
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |\n",
            summary.posts, summary.pass, summary.warn, summary.fail, summary.error
        )?;
        let mut hidden = Vec::new();
        if summary.suppressed > 0 {
            hidden.push(format!("{} suppressed", summary.suppressed));
        }
        if summary.baselined > 0 {
            hidden.push(format!("{} in the baseline", summary.baselined));
        }
        if !hidden.is_empty() {
            writeln!(out, "Findings not counted: {}.\n", hidden.join(", "))?;
        }
        if !self.by_rule.is_empty() {
            let mut rules: Vec<_> = self.by_rule.iter().collect();
            // The most frequent first; ties by id, so the order is stable.
            rules.sort_by(|a, b| b.1.1.cmp(&a.1.1).then(a.0.cmp(b.0)));
            writeln!(out, "### Findings by rule\n")?;
            writeln!(out, "| Rule | Severity | Findings |")?;
            writeln!(out, "| --- | --- | ---: |")?;
            for (rule, (severity, count)) in rules.iter().take(MAX_ROWS) {
                writeln!(out, "| {} | {severity} | {count} |", cell(rule))?;
            }
            if rules.len() > MAX_ROWS {
                writeln!(out, "\n{} more rules are not listed.", rules.len() - MAX_ROWS)?;
            }
            writeln!(out)?;
        }
        if self.with_problems > 0 {
            writeln!(out, "### Posts to fix\n")?;
            writeln!(out, "| Where | Post | Rule | Message |")?;
            writeln!(out, "| --- | --- | --- | --- |")?;
            let room = MAX_ROWS.saturating_sub(self.failing.len());
            let listed = self.failing.iter().chain(self.warned.iter().take(room));
            let mut shown = 0;
            for row in listed {
                writeln!(out, "{row}")?;
                shown += 1;
            }
            if self.with_problems > shown {
                writeln!(
                    out,
                    "\n{} more posts to fix are not listed; the full report lists them all.",
                    self.with_problems - shown
                )?;
            }
        }
        out.flush()
    }
}

/// A post's row: where its most severe finding is, and that finding.
fn row(place: &str, id: Option<&str>, worst: &Finding, others: usize) -> String {
    let mut message = worst.message.clone();
    if others > 0 {
        message.push_str(&format!(" (and {others} more)"));
    }
    let cells = [cell(place), cell(id.unwrap_or("")), cell(&worst.rule), cell(&message)];
    format!("| {} |", cells.join(" | "))
}

/// `text` as one table cell: on one line, at most `MAX_CELL` characters,
/// with every character that Markdown or HTML would read as markup escaped.
fn cell(text: &str) -> String {
    let text = printable(text, true);
    let mut escaped = String::with_capacity(text.len());
    for (index, c) in text.chars().enumerate() {
        if index == MAX_CELL {
            escaped.push('…');
            break;
        }
        match c {
            '\n' | '\r' | '\t' => escaped.push(' '),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '\\' | '`' | '|' | '*' | '_' | '[' | ']' | '~' | '#' | '!' => {
                escaped.push('\\');
                escaped.push(c);
            }
            _ => escaped.push(c),
        }
    }
    escaped
}

/// A long path keeps its end, where the file name is.
fn clip_start(path: &str) -> String {
    let count = path.chars().count();
    if count <= MAX_CELL {
        return path.to_owned();
    }
    let tail: String = path.chars().skip(count - MAX_CELL + 1).collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{CheckedPost, RecordError, Span};
    use crate::post::Post;
    use crate::report::{Format, PLAIN, render, render_with, sample_options, sample_results};

    #[test]
    fn sample_report() {
        insta::assert_snapshot!(render(Format::Markdown, PLAIN, &sample_results()));
    }

    #[test]
    fn post_text_and_file_names_cannot_add_markup() {
        let hostile = "a|b <script>x</script> `code` [link](http://e) **bold**\nnext & \\";
        assert_eq!(
            cell(hostile),
            "a\\|b &lt;script&gt;x&lt;/script&gt; \\`code\\` \\[link\\](http://e) \\*\\*bold\\*\\* next &amp; \\\\"
        );
        let error = RecordError {
            origin: Box::new(Origin {
                path: "we|ird\n<b>.jsonl".into(),
                line: Some(2),
                ..Origin::default()
            }),
            id: Some("x|y".into()),
            message: "bad `json` | here".into(),
        };
        let report = render(Format::Markdown, PLAIN, &[Checked::Error(error)]);
        let row = report.lines().find(|line| line.contains("unreadable")).unwrap();
        assert_eq!(
            row, "| we\\|ird &lt;b&gt;.jsonl:2 | x\\|y | unreadable | bad \\`json\\` \\| here |",
            "{report}"
        );
        // A table row is one line whatever the input held.
        assert_eq!(row.matches(" | ").count(), 3);
    }

    #[test]
    fn a_large_run_is_capped_with_a_note() {
        let post = |index: usize| {
            Checked::Post(Box::new(CheckedPost {
                post: Post {
                    origin: Origin {
                        path: "posts.jsonl".into(),
                        line: Some(index as u64 + 1),
                        ..Origin::default()
                    },
                    text: "x".repeat(5_000),
                    ..Post::default()
                },
                relationship: crate::post::Relationship::Paid,
                findings: vec![Finding {
                    rule: format!("r/{index}"),
                    category: crate::finding::Category::MissingDisclosure,
                    severity: if index.is_multiple_of(2) {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                    market: None,
                    message: "m".repeat(10_000),
                    help: String::new(),
                    source_url: String::new(),
                    span: Span::text(0, 1),
                    cue: None,
                    related: vec![],
                    fix: None,
                }],
                evidence: None,
            }))
        };
        let results: Vec<Checked> = (0..10_000).map(post).collect();
        let report = render_with(Format::Markdown, sample_options(PLAIN), &results);
        assert!(report.len() < 100_000, "{} bytes", report.len());
        assert!(report.contains("9950 more rules are not listed"), "{report}");
        assert!(report.contains("9950 more posts to fix are not listed"), "{report}");
        // The failing posts come first: every listed one is an error.
        let listed: Vec<&str> = report.lines().filter(|line| line.starts_with("| posts")).collect();
        assert_eq!(listed.len(), MAX_ROWS);
        assert!(listed[MAX_ROWS - 1].contains("posts.jsonl:99 "), "{}", listed[MAX_ROWS - 1]);
    }
}
