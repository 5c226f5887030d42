//! Which row of a CSV file or sheet is its header: the one `--header-row`
//! names, else the first of the first rows that reads as a header, so that
//! a title block above the table ("Campaign tracker Q3", a blank row) is
//! skipped. Rows are offered one at a time as they are read; nothing is
//! kept of them but the error of the one that looked most like a header.

use super::columns::{ColumnStyle, Columns, HeaderError, recognised};
use super::{Notice, ReadContext};
use crate::post::Origin;

/// How many non-empty rows are searched for the header.
pub(super) const SEARCH_ROWS: usize = 20;

/// The search for the header row of one file.
pub(super) struct HeaderSearch {
    /// The row `--header-row` names.
    given: Option<u64>,
    /// 1-based number of the rows' first column.
    first_column: u64,
    style: ColumnStyle,
    /// Non-empty rows offered so far.
    offered: usize,
    /// Why the row that looked most like a header (the most cells that
    /// name a post key; the first of equals) is not one, and where it is:
    /// the error when no row is the header.
    best: Option<(usize, Origin, HeaderError)>,
    /// Set once the search has ended, header found or not.
    over: bool,
}

/// What a row offered to the search is.
pub(super) enum Step {
    /// Not the header: the next row may be.
    Skip,
    Header(Columns),
    /// No row is the header: this error, here, and the file is not read on.
    Fail(Origin, String),
}

impl HeaderSearch {
    pub(super) fn new(ctx: &ReadContext, first_column: u64, style: ColumnStyle) -> HeaderSearch {
        HeaderSearch {
            given: ctx.header_row,
            first_column,
            style,
            offered: 0,
            best: None,
            over: false,
        }
    }

    /// Offers the next row that is not blank, at `origin` (its own line or
    /// row), with its cells as text or why they are not text.
    pub(super) fn offer(
        &mut self,
        origin: &Origin,
        cells: Result<Vec<String>, HeaderError>,
        ctx: &ReadContext,
    ) -> Step {
        self.offered += 1;
        let line = origin.line.unwrap_or_default();
        if let Some(wanted) = self.given {
            if line < wanted {
                return Step::Skip;
            }
            self.over = true;
            if line > wanted {
                let at = Origin { line: Some(wanted), ..origin.clone() };
                return Step::Fail(at, self.not_a_row(wanted, Some(line)));
            }
            return match cells.and_then(|cells| self.columns(cells, ctx)) {
                Ok(columns) => Step::Header(self.found(columns, origin, ctx)),
                Err(error) => Step::Fail(origin.clone(), error.to_string()),
            };
        }
        let cells = match cells {
            Ok(cells) => cells,
            Err(error) => {
                self.reject(0, origin, error);
                return self.go_on(origin);
            }
        };
        let filled = cells.iter().filter(|cell| !cell.trim().is_empty()).count();
        let score = recognised(&cells, &ctx.columns);
        match self.columns(cells, ctx) {
            // Below the first row, a lone cell naming the text is more
            // likely a title than the header of a one-column table.
            Ok(columns) if self.offered == 1 || filled >= 2 => {
                self.over = true;
                return Step::Header(self.found(columns, origin, ctx));
            }
            Ok(_) => {}
            Err(error) => self.reject(score, origin, error),
        }
        self.go_on(origin)
    }

    fn reject(&mut self, score: usize, origin: &Origin, error: HeaderError) {
        if self.best.as_ref().is_none_or(|(best, ..)| score > *best) {
            self.best = Some((score, origin.clone(), error));
        }
    }

    /// After a row that is not the header: search on, or fail once
    /// [`SEARCH_ROWS`] rows are searched.
    fn go_on(&mut self, origin: &Origin) -> Step {
        if self.offered < SEARCH_ROWS {
            return Step::Skip;
        }
        self.finish(origin).map_or(Step::Skip, |(origin, message)| Step::Fail(origin, message))
    }

    /// At the end of the rows (`at`: the file, or where reading ended)
    /// with no header found: the error to report, once; none for a file
    /// without rows, unless `--header-row` wants one.
    pub(super) fn finish(&mut self, at: &Origin) -> Option<(Origin, String)> {
        if std::mem::replace(&mut self.over, true) {
            return None;
        }
        if let Some(wanted) = self.given {
            return Some((at.clone(), self.not_a_row(wanted, None)));
        }
        let (_, origin, error) = self.best.take()?;
        let error = match error {
            HeaderError::NoText { .. } => HeaderError::NotFound { error: Box::new(error) },
            other => other,
        };
        Some((origin, error.to_string()))
    }

    fn columns(&self, cells: Vec<String>, ctx: &ReadContext) -> Result<Columns, HeaderError> {
        Columns::new(cells, self.first_column, &ctx.columns, self.style)
    }

    /// The header's columns, once their warnings and, when rows above it
    /// were skipped, a note saying so are sent.
    fn found(&self, mut columns: Columns, origin: &Origin, ctx: &ReadContext) -> Columns {
        let place = self.style.place(origin);
        if self.given.is_none() && self.offered > 1 {
            let unit = self.style.unit();
            let line = origin.line.unwrap_or_default();
            let above = match line.saturating_sub(1) {
                1 => format!("{unit} 1"),
                last => format!("{unit}s 1 to {last}"),
            };
            ctx.notices.send(Notice::Note(format!(
                "{place}: read as the header, below a title block on {above} (--header-row {line} takes it without this note)"
            )));
        }
        for warning in columns.take_warnings() {
            ctx.notices.send(Notice::Warning(format!("{place}: {warning}")));
        }
        columns
    }

    /// Why `--header-row wanted` names no header: the next row is `next`,
    /// or there is none.
    fn not_a_row(&self, wanted: u64, next: Option<u64>) -> String {
        let unit = self.style.unit();
        let why = match self.style {
            ColumnStyle::Number => "blank or inside a quoted field",
            ColumnStyle::Letter => "empty",
        };
        match next {
            Some(next) => format!(
                "--header-row {wanted}: {unit} {wanted} is {why}; the next row is on {unit} {next}"
            ),
            None => {
                format!("--header-row {wanted}: there is no row on {unit} {wanted} or after it")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::input::Record;
    use crate::input::csv::Records;
    use crate::input::csv::tests::lines;
    use crate::input::tests::{context, keep_notices};

    /// The records of a CSV file read with `--header-row` at `given`, and
    /// the notices said.
    fn read(file: &str, given: Option<u64>) -> (Vec<Record>, Vec<String>) {
        let mut ctx = context();
        ctx.header_row = given;
        let said = keep_notices(&mut ctx);
        let records = Records::new(Box::new(file.as_bytes()), "c.csv".into(), b',', &ctx).collect();
        let notices = said.lock().unwrap().clone();
        (records, notices)
    }

    fn error(records: &[Record]) -> (Option<u64>, &str) {
        assert_eq!(records.len(), 1, "one error for the file");
        let error = records[0].as_ref().unwrap_err();
        (error.origin.line, error.message.as_str())
    }

    #[test]
    fn a_title_block_is_skipped_with_a_note_and_lines_stay_the_files() {
        let file = "Campaign tracker Q3 2026,,\n,,\nClient,Glow Lab,\nCaption,Market,Notes\n#ad hi,GB,\nno label,FR,x\n";
        let (records, notices) = read(file, None);
        assert_eq!(lines(&records), [Some(5), Some(6)]);
        assert_eq!(
            notices,
            [
                "note: c.csv line 4: read as the header, below a title block on lines 1 to 3 (--header-row 4 takes it without this note)"
            ]
        );
        // A header on the first row is read as ever, without a word.
        let (records, notices) = read("Caption,Market\nhi,GB\n", None);
        assert_eq!(lines(&records), [Some(2)]);
        assert!(notices.is_empty(), "{notices:?}");
    }

    #[test]
    fn a_lone_text_header_below_the_first_row_is_a_title() {
        let (records, _) = read("Plan\nCaption\nCaption,Market\nhi,GB\n", None);
        assert_eq!(lines(&records), [Some(4)]);
        // On the first row it is the header of a one-column file.
        let (records, _) = read("Caption\nhi\n", None);
        assert_eq!(lines(&records), [Some(2)]);
    }

    #[test]
    fn header_row_names_the_header_and_the_rows_above_are_skipped() {
        let file = "Title,\nCaption,Market\n\nhi,GB\n";
        let (records, notices) = read(file, Some(2));
        assert_eq!(lines(&records), [Some(4)]);
        assert!(notices.is_empty(), "{notices:?}");
        let (records, _) = read(file, Some(1));
        let (line, message) = error(&records);
        assert_eq!(line, Some(1));
        assert!(message.starts_with("no column holds the text"), "{message}");
        assert!(!message.contains("--header-row"), "{message}");
        assert_eq!(
            error(&read(file, Some(3)).0),
            (
                Some(3),
                "--header-row 3: line 3 is blank or inside a quoted field; the next row is on line 4"
            )
        );
        assert_eq!(
            error(&read(file, Some(9)).0),
            (None, "--header-row 9: there is no row on line 9 or after it")
        );
        // A quoted field over lines 2-3: line 3 starts no row.
        let (records, _) = read("Caption,Market\n\"two\nlines\",GB\nhi,FR\n", Some(3));
        assert_eq!(
            error(&records),
            (
                Some(3),
                "--header-row 3: line 3 is blank or inside a quoted field; the next row is on line 4"
            )
        );
    }

    #[test]
    fn without_a_header_among_the_first_rows_the_likeliest_row_is_the_error() {
        let (records, _) = read("Campaign\nClient,Glow Lab\nhello,world\n", None);
        assert_eq!(
            error(&records),
            (
                Some(2),
                "no column holds the text: name one text, caption, description or body, or map one with --map text=COLUMN; the headers are: Client, Glow Lab; if the header is on a later row, name it with --header-row N"
            )
        );
        // The search ends after SEARCH_ROWS rows: a header below is not
        // looked for, and the rest of the file is not read.
        let mut file = "a,b\n".repeat(SEARCH_ROWS);
        file.push_str("Caption,Market\nhi,GB\n");
        let (records, _) = read(&file, None);
        assert_eq!(error(&records).0, Some(1));
        let mut file = "a,b\n".repeat(SEARCH_ROWS - 1);
        file.push_str("Caption,Market\nhi,GB\n");
        let (records, _) = read(&file, None);
        assert_eq!(lines(&records), [Some(SEARCH_ROWS as u64 + 1)]);
    }

    proptest! {
        /// Whatever the title block (cells that name no post key, blank
        /// lines), the header below it is found and every row keeps its
        /// own line.
        #[test]
        fn posts_keep_their_lines_below_any_title_block(
            title in prop::collection::vec(prop::collection::vec("[A-Z][a-z]{0,5} (Q[1-4]|20[0-9]{2})|", 1..4), 0..8),
            posts in 1..5usize,
        ) {
            let mut file = String::new();
            for row in &title {
                file.push_str(&row.join(","));
                file.push('\n');
            }
            let header_line = title.len() as u64 + 1;
            file.push_str("Caption,Market\n");
            for post in 0..posts {
                file.push_str(&format!("post {post},GB\n"));
            }
            let (records, notices) = read(&file, None);
            let expected: Vec<Option<u64>> =
                (0..posts as u64).map(|post| Some(header_line + 1 + post)).collect();
            prop_assert_eq!(lines(&records), expected);
            let skipped = title.iter().any(|row| row.iter().any(|cell| !cell.is_empty()));
            prop_assert_eq!(notices.len(), usize::from(skipped), "{:?}", notices);
        }
    }
}
