//! `csv`: one row per finding, for spreadsheets and audits (RFC 4180: a
//! header row, CRLF line ends, fields quoted when they need it). With
//! `check --all`, each passing post gets a row too (severity `pass`, rule
//! columns empty), so the sheet lists every post checked. A record that
//! could not be read is a row with severity `error` and no rule. A cell
//! that a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
//! `@`, tab or carriage return — a post id such as `=HYPERLINK(…)`) gets a
//! leading `'`, as OWASP advises against CSV injection; control characters
//! other than tabs and line breaks (a NUL ends a cell in some spreadsheets)
//! are written as U+FFFD.

use std::io::{self, Write};
use std::path::PathBuf;

use super::location;
use super::{Reporter, Summary, printable};
use crate::finding::{Checked, CheckedPost, RecordError, Verdict};
use crate::post::Origin;

const HEADER: [&str; 13] = [
    "file",
    "line",
    "post_id",
    "market",
    "platform",
    "rule",
    "category",
    "severity",
    "message",
    "source_url",
    // The subtitle cue of a finding in a video's subtitles.
    "cue_index",
    "cue_start_s",
    "cue_end_s",
];

pub struct CsvReporter {
    out: ::csv::Writer<Box<dyn Write>>,
    all_posts: bool,
    base_dir: Option<PathBuf>,
    header_written: bool,
}

impl CsvReporter {
    pub fn new(out: Box<dyn Write>, all_posts: bool, base_dir: Option<PathBuf>) -> Self {
        let out = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(out);
        CsvReporter { out, all_posts, base_dir, header_written: false }
    }

    fn row(&mut self, row: [&str; HEADER.len()]) -> io::Result<()> {
        if !self.header_written {
            self.header_written = true;
            self.out.write_record(HEADER)?;
        }
        Ok(self.out.write_record(row.map(|cell| inert(&printable(cell, true)).into_owned()))?)
    }

    fn file(&self, origin: &Origin) -> String {
        location::relative_path(&origin.path, self.base_dir.as_deref())
            .unwrap_or_else(|| origin.path.clone())
    }

    fn post(&mut self, checked: &CheckedPost) -> io::Result<()> {
        let post = &checked.post;
        let file = self.file(&post.origin);
        let id = post.id.as_deref().unwrap_or("");
        let platform = post.platform.map(|platform| platform.as_str()).unwrap_or("");
        for finding in &checked.findings {
            // The finding's own line where the text is the file's (txt, md),
            // else the record's.
            let line = location::region(post, finding.span)
                .map(|region| region.start_line)
                .or(post.origin.line);
            let market = finding.market.map(|market| market.to_string()).unwrap_or_default();
            let cue = finding.cue.map_or_else(Default::default, |cue| {
                [cue.index.to_string(), cue.start_s.to_string(), cue.end_s.to_string()]
            });
            self.row([
                &file,
                &number(line),
                id,
                &market,
                platform,
                &finding.rule,
                finding.category.as_str(),
                finding.severity.as_str(),
                &finding.message,
                &finding.source_url,
                &cue[0],
                &cue[1],
                &cue[2],
            ])?;
        }
        if self.all_posts && checked.verdict() == Verdict::Pass {
            let markets: Vec<&str> = post.markets.iter().map(|market| market.as_str()).collect();
            let line = number(post.origin.line);
            let markets = markets.join(",");
            self.row([&file, &line, id, &markets, platform, "", "", "pass", "", "", "", "", ""])?;
        }
        Ok(())
    }

    fn error(&mut self, error: &RecordError) -> io::Result<()> {
        let file = self.file(&error.origin);
        let line = number(error.origin.line);
        let id = error.id.as_deref().unwrap_or("");
        self.row([&file, &line, id, "", "", "", "", "error", &error.message, "", "", "", ""])
    }
}

/// The cell, with a `'` in front when a spreadsheet would read it as a formula.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn number(value: Option<u64>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

impl Reporter for CsvReporter {
    fn record(&mut self, checked: &Checked) -> io::Result<()> {
        match checked {
            Checked::Post(post) => self.post(post),
            Checked::Error(error) => self.error(error),
        }
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        // Even a run without rows says what the columns are.
        if !self.header_written {
            self.header_written = true;
            self.out.write_record(HEADER)?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Format, HumanOptions, render, render_with, sample_options, sample_results};
    use super::*;

    const OPTIONS: HumanOptions = super::super::PLAIN;

    #[test]
    fn csv_snapshot() {
        insta::assert_snapshot!(render(Format::Csv, OPTIONS, &sample_results()));
    }

    fn rows(output: &str) -> Vec<::csv::StringRecord> {
        let mut reader = ::csv::Reader::from_reader(output.as_bytes());
        assert_eq!(reader.headers().unwrap(), HEADER.as_slice());
        reader.records().map(|record| record.unwrap()).collect()
    }

    #[test]
    fn parses_back_one_row_per_finding_and_unreadable_record() {
        let output = render(Format::Csv, OPTIONS, &sample_results());
        assert!(output.contains("\r\n"), "RFC 4180 line ends");
        let rows = rows(&output);
        assert_eq!(rows.len(), 6, "5 findings and 1 unreadable record");
        let column = |name: &str| HEADER.iter().position(|header| *header == name).unwrap();
        let first = &rows[0];
        assert_eq!(&first[column("file")], "posts.jsonl");
        assert_eq!(&first[column("line")], "17");
        assert_eq!(&first[column("post_id")], "p17");
        assert_eq!(&first[column("market")], "FR");
        assert_eq!(&first[column("platform")], "instagram");
        assert_eq!(&first[column("rule")], "fr/missing-disclosure");
        assert_eq!(&first[column("severity")], "error");
        assert_eq!(
            &first[column("message")],
            "Commercial post without « Publicité » or « Collaboration commerciale »"
        );
        assert_eq!(
            &first[column("source_url")],
            "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000047663185"
        );
        let video = rows.iter().find(|row| &row[column("rule")] == "gb/ambiguous-only").unwrap();
        assert_eq!(&video[column("line")], "", "a JSON array element has no line");
        let error = rows.last().unwrap();
        assert_eq!(&error[column("severity")], "error");
        assert_eq!(&error[column("rule")], "");
        assert_eq!(&error[column("line")], "18");
        assert_eq!(
            &error[column("message")],
            "unknown relationship 'payed'; expected one of: paid, gifted"
        );
    }

    #[test]
    fn all_adds_a_row_for_each_passing_post() {
        let options = super::super::ReportOptions { all_posts: true, ..sample_options(OPTIONS) };
        let rows = rows(&render_with(Format::Csv, options, &sample_results()));
        assert_eq!(rows.len(), 7, "the passing post p1 is added");
        let pass: Vec<_> = rows.iter().filter(|row| &row[7] == "pass").collect();
        assert_eq!(pass.len(), 1);
        assert_eq!(&pass[0][2], "p1");
        assert_eq!(&pass[0][3], "FR");
        assert_eq!(&pass[0][5], "", "no rule");
    }

    #[test]
    fn quotes_commas_and_newlines_round_trip() {
        let mut results = sample_results();
        let Checked::Post(post) = &mut results[0] else { unreachable!() };
        post.post.id = Some("id, with \"quotes\"\nand a line".into());
        let rows = rows(&render(Format::Csv, OPTIONS, &results));
        assert_eq!(&rows[0][2], "id, with \"quotes\"\nand a line");
    }

    #[test]
    fn control_characters_are_replaced_and_line_breaks_kept() {
        let mut results = sample_results();
        let Checked::Post(post) = &mut results[0] else { unreachable!() };
        post.post.id = Some("a\u{0}b\u{1b}[2J\u{7f}\u{9b}\r\nc".into());
        let rows = rows(&render(Format::Csv, OPTIONS, &results));
        assert_eq!(&rows[0][2], "a\u{fffd}b\u{fffd}[2J\u{fffd}\u{fffd}\r\nc");
    }

    #[test]
    fn formula_cells_are_made_inert() {
        let mut results = sample_results();
        let Checked::Post(post) = &mut results[0] else { unreachable!() };
        post.post.id = Some("=HYPERLINK(\"http://x\")".into());
        let rows = rows(&render(Format::Csv, OPTIONS, &results));
        assert_eq!(&rows[0][2], "'=HYPERLINK(\"http://x\")");
        assert_eq!(&rows[0][3], "FR", "ordinary cells are untouched");
    }
}
