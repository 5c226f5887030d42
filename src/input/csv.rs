//! `.csv` (RFC 4180) and `.tsv`: a header row (the first, the one
//! `--header-row` names, or found below a title block: `header.rs`), then
//! one post per row, streamed one record at a time so a file of any size
//! reads in constant memory (one record's bytes).
//!
//! Parsing is csv-core's, the parser inside the `csv` crate; lines are
//! counted here because `csv::Position` names the wrong line after blank
//! lines and with CRLF line ends (rust-csv issues 208 and 395), and a
//! diagnostic must point at the first line of its record.
//!
//! A quote that is never meant to close would take the following rows into
//! one field. A quoted field is taken as such a stray quote when it is never
//! closed, runs over [`MAX_FIELD_LINES`](super::quotes::MAX_FIELD_LINES)
//! lines, or leaves its row (over several lines) with another number of
//! fields than the header: the row is an error at the line where the quote
//! opened, and the lines after that one are read again as rows (see
//! `quotes.rs`).

use std::borrow::Cow;
use std::io::BufRead;
use std::ops::Range;

use csv_core::ReadRecordResult;

use super::cells::Cell;
use super::columns::{ColumnStyle, Columns, HeaderError};
use super::decode::NotUtf8;
use super::header::{HeaderSearch, Step};
use super::quotes::{Quotes, Replay, StrayQuote, count_fields, read_again};
use super::{ReadContext, Record, cannot_read, record_error};
use crate::post::Origin;

const BOM: &[u8] = b"\xef\xbb\xbf";

/// The records of a CSV stream.
pub(super) struct Records<'a> {
    reader: Replay<'a>,
    parser: csv_core::Reader,
    delimiter: u8,
    path: String,
    ctx: &'a ReadContext,
    /// Known once the header row is read.
    columns: Option<Columns>,
    /// Finds the header row.
    search: HeaderSearch,
    /// Line of the next unread byte.
    line: u64,
    /// Whether anything was read yet (a BOM may come first).
    started: bool,
    /// The current record's fields back to back, and where each one ends.
    fields: Vec<u8>,
    ends: Vec<usize>,
    /// The current record's bytes as read, to read again after a stray quote.
    bytes: Vec<u8>,
    /// Set at the end, after a read error or a bad header.
    done: bool,
}

/// Where the record now in `fields` and `ends` lies.
struct Raw {
    /// Its first line.
    line: u64,
    /// How many fields it has.
    count: usize,
    /// Bytes of field content.
    length: usize,
    /// Set when the record is not a row but the work of a stray quote; the
    /// lines after the quote's are then read again.
    stray: Option<StrayQuote>,
}

/// Why a row cannot be read as the header says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum RowError {
    #[error("the row has {} but the header has {}", count_fields(*.found), count_fields(*.header))]
    Ragged { found: usize, header: usize },
    #[error("{quote}{}", read_again(.quote, *.rows_follow))]
    Stray { quote: StrayQuote, rows_follow: bool },
}

impl<'a> Records<'a> {
    pub(super) fn new(
        reader: Box<dyn BufRead + 'a>,
        path: String,
        delimiter: u8,
        ctx: &'a ReadContext,
    ) -> Self {
        Records {
            reader: Replay::new(reader),
            parser: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            delimiter,
            path,
            ctx,
            columns: None,
            search: HeaderSearch::new(ctx, 1, ColumnStyle::Number),
            line: 1,
            started: false,
            fields: vec![0; 4096],
            ends: vec![0; 64],
            bytes: Vec::new(),
            done: false,
        }
    }

    /// Reads the next record into `fields` and `ends`.
    fn read_record(&mut self) -> std::io::Result<Option<Raw>> {
        self.skip_blank_lines()?;
        let line = self.line;
        let (mut length, mut count) = (0, 0);
        let mut quotes = Quotes::default();
        self.bytes.clear();
        loop {
            let input = self.reader.fill_buf()?;
            let (result, read, written, ended) =
                self.parser.read_record(input, &mut self.fields[length..], &mut self.ends[count..]);
            let consumed = &input[..read];
            quotes.feed(consumed, self.bytes.len(), &mut self.line, self.delimiter);
            self.bytes.extend_from_slice(consumed);
            let at_end = input.is_empty();
            self.reader.consume(read);
            length += written;
            count += ended;
            let mut raw = Raw { line, count, length, stray: None };
            if let Some(opened) = quotes.too_long {
                raw.stray = Some(StrayQuote::TooLong { opened });
                return Ok(Some(self.read_again_after(raw)));
            }
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => self.fields.resize(self.fields.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                ReadRecordResult::Record => {
                    let header = self.columns.as_ref().map(Columns::len);
                    raw.stray = match (quotes.unclosed(), quotes.multiline, header) {
                        (Some(opened), _, _) if at_end => Some(StrayQuote::Unclosed { opened }),
                        (_, Some((opened, closed)), Some(header)) if count != header => {
                            Some(StrayQuote::Misfit { opened, closed, found: count, header })
                        }
                        _ => None,
                    };
                    return Ok(Some(self.read_again_after(raw)));
                }
                ReadRecordResult::End => return Ok(None),
            }
        }
    }

    /// After a stray quote, sets the lines after the quote's line to be
    /// read again, as rows.
    fn read_again_after(&mut self, raw: Raw) -> Raw {
        let Some(stray) = raw.stray else { return raw };
        let opened = stray.opened();
        let after = self.bytes[opened.at..].iter().position(|byte| *byte == b'\n');
        if let Some(newline) = after {
            self.reader.unread(&self.bytes[opened.at + newline + 1..]);
            self.line = opened.line + 1;
        }
        self.parser.reset();
        raw
    }

    /// Consumes a leading BOM and blank lines, counting them, so the next
    /// byte is the first of a record (or the end).
    fn skip_blank_lines(&mut self) -> std::io::Result<()> {
        loop {
            let buffer = self.reader.fill_buf()?;
            let mut skip = 0;
            if !self.started && buffer.starts_with(BOM) {
                skip = BOM.len();
            }
            self.started = true;
            let blank = buffer[skip..].iter().take_while(|byte| matches!(byte, b'\r' | b'\n'));
            let blank = blank.fold(0, |count, byte| {
                self.line += u64::from(*byte == b'\n');
                count + 1
            });
            skip += blank;
            let whole_buffer = skip == buffer.len() && !buffer.is_empty();
            self.reader.consume(skip);
            if !whole_buffer {
                return Ok(());
            }
        }
    }

    fn origin(&self, line: u64) -> Origin {
        Origin { path: self.path.clone(), line: Some(line), ..Origin::default() }
    }

    /// The fields of the record now read, as ranges of `fields`.
    fn fields(&self, raw: &Raw) -> impl Iterator<Item = Range<usize>> + use<'_> {
        let ends = &self.ends[..raw.count];
        let starts = std::iter::once(0).chain(ends.iter().copied());
        starts.zip(ends).map(|(start, end)| start..*end)
    }

    /// A field as text, or its first byte that is not UTF-8 and that byte's
    /// line (line breaks inside quoted fields counted).
    fn text(&self, raw: &Raw, field: Range<usize>) -> Result<&str, NotUtf8> {
        super::decode::str_from_utf8(&self.fields[field.clone()]).map_err(|error| {
            let bad = field.start + error.valid_up_to();
            let breaks = self.fields[..bad].iter().filter(|byte| **byte == b'\n').count();
            NotUtf8 { byte: self.fields[bad], line: raw.line + breaks as u64, offset: None }
        })
    }

    /// The record's fields as the headers they would be.
    fn headers(&self, raw: &Raw) -> Result<Vec<String>, HeaderError> {
        let mut headers = Vec::with_capacity(raw.count);
        for (index, field) in self.fields(raw).enumerate() {
            match self.text(raw, field) {
                Ok(header) => headers.push(header.to_owned()),
                Err(error) => return Err(HeaderError::NotUtf8 { column: index + 1, error }),
            }
        }
        Ok(headers)
    }

    fn row(&self, columns: &Columns, raw: &Raw, mut origin: Origin) -> Record {
        if raw.count != columns.len() {
            let error = RowError::Ragged { found: raw.count, header: columns.len() };
            return Err(record_error(origin, error));
        }
        let mut cells = Vec::with_capacity(raw.count);
        for (index, field) in self.fields(raw).enumerate() {
            match self.text(raw, field) {
                Ok(text) => cells.push((index, Cell::Text(Cow::Borrowed(text)))),
                Err(error) => {
                    origin.column = Some(columns.number(index));
                    let message = format!("{}: {error}", columns.describe(index));
                    return Err(record_error(origin, message));
                }
            }
        }
        columns.post(cells, origin, self.ctx)
    }
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        while !self.done {
            let raw = match self.read_record() {
                Ok(Some(raw)) => raw,
                // The end, before any row read as the header?
                Ok(None) if self.columns.is_none() => {
                    self.done = true;
                    let file = Origin { path: self.path.clone(), ..Origin::default() };
                    let (origin, message) = self.search.finish(&file)?;
                    return Some(Err(record_error(origin, message)));
                }
                Ok(None) => break,
                Err(error) => {
                    self.done = true;
                    let message = cannot_read(&self.path, &error);
                    return Some(Err(record_error(self.origin(self.line), message)));
                }
            };
            let origin = self.origin(raw.line);
            if let Some(quote) = raw.stray {
                let line = quote.opened().line;
                // In the header, the columns themselves are unknown.
                self.done = self.columns.is_none();
                let error = RowError::Stray { quote, rows_follow: !self.done && self.line > line };
                return Some(Err(record_error(self.origin(line), error)));
            }
            // A row of empty cells is spacing, neither a post nor a header.
            if self.fields[..raw.length].iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match &self.columns {
                None => match self.search.offer(&origin, self.headers(&raw), self.ctx) {
                    Step::Skip => {}
                    Step::Header(columns) => self.columns = Some(columns),
                    Step::Fail(origin, message) => {
                        self.done = true;
                        return Some(Err(record_error(origin, message)));
                    }
                },
                Some(columns) => return Some(self.row(columns, &raw, origin)),
            }
        }
        self.done = true;
        None
    }
}

#[cfg(test)]
pub(super) mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::input::ColumnMapping;
    use crate::input::tests::context;

    fn read_with(input: &[u8], ctx: &ReadContext) -> Vec<Record> {
        Records::new(Box::new(input), "c.csv".into(), b',', ctx).collect()
    }

    pub(in crate::input) fn read(input: &[u8]) -> Vec<Record> {
        read_with(input, &context())
    }

    pub(in crate::input) fn lines(records: &[Record]) -> Vec<Option<u64>> {
        records
            .iter()
            .map(|record| match record {
                Ok(post) => post.origin.line,
                Err(error) => error.origin.line,
            })
            .collect()
    }

    pub(in crate::input) fn texts(records: &[Record]) -> Vec<&str> {
        records.iter().map(|record| record.as_ref().unwrap().text.as_str()).collect()
    }

    #[test]
    fn quoted_fields_hold_commas_quotes_and_newlines_and_lines_count_from_the_record_start() {
        let file = "id,caption,country\n\
                    1,\"Hello, world\",FR\n\
                    2,\"She said \"\"#ad\"\"\nsecond line\n\nfourth\",DE\n\
                    3,plain,US\n";
        let records = read(file.as_bytes());
        assert_eq!(
            texts(&records),
            ["Hello, world", "She said \"#ad\"\nsecond line\n\nfourth", "plain"]
        );
        assert_eq!(lines(&records), [Some(2), Some(3), Some(7)]);
        let post = records[1].as_ref().unwrap();
        assert_eq!((post.id.as_deref(), post.origin.column), (Some("2"), Some(2)));
    }

    #[test]
    fn crlf_blank_lines_and_a_bom_keep_line_numbers_true() {
        let file = "\u{feff}\r\nCaption,Platform\r\n\r\none,instagram\r\n\"two\r\nlines\",tiktok\r\n,\r\nthree,x";
        let records = read(file.as_bytes());
        assert_eq!(texts(&records), ["one", "two\r\nlines", "three"]);
        assert_eq!(lines(&records), [Some(4), Some(5), Some(8)]);
        let platforms: Vec<_> =
            records.iter().map(|record| record.as_ref().unwrap().platform).collect();
        use crate::post::Platform;
        assert_eq!(
            platforms,
            [Some(Platform::Instagram), Some(Platform::Tiktok), Some(Platform::X)]
        );
    }

    #[test]
    fn a_bom_does_not_stick_to_the_first_header() {
        let records = read("\u{feff}text,id\nhi,7\n".as_bytes());
        assert_eq!(records[0].as_ref().unwrap().id.as_deref(), Some("7"));
    }

    #[test]
    fn ragged_rows_are_errors_and_reading_goes_on() {
        let records = read(b"text,country\na,FR\nb\nc,FR,extra\nd,DE\n");
        assert_eq!(records.len(), 4);
        let error = records[1].as_ref().unwrap_err();
        assert_eq!(error.message, "the row has 1 field but the header has 2 fields");
        assert_eq!((error.origin.path.as_str(), error.origin.line), ("c.csv", Some(3)));
        let error = records[2].as_ref().unwrap_err();
        assert_eq!(error.message, "the row has 3 fields but the header has 2 fields");
        assert_eq!(records[3].as_ref().unwrap().text, "d");
    }

    #[test]
    fn invalid_utf8_names_line_and_column_and_reading_goes_on() {
        let records = read(b"id,Caption\n1,ok\n2,caf\xe9 #ad\n3,fine\n");
        assert_eq!(records.len(), 3);
        let error = records[1].as_ref().unwrap_err();
        assert_eq!(
            error.message,
            "column 2 (Caption): not UTF-8 (byte 0xE9 at line 3); save the file as UTF-8"
        );
        assert_eq!((error.origin.line, error.origin.column), (Some(3), Some(2)));
        assert_eq!(records[2].as_ref().unwrap().text, "fine");
        // The line of the byte itself, inside a field over several lines.
        let records = read(b"id,Caption\n\"1\n\n\",\"two\nlin\xe9s\"\n");
        let error = records[0].as_ref().unwrap_err();
        assert!(error.message.contains("(byte 0xE9 at line 5)"), "{}", error.message);
        assert_eq!(error.origin.line, Some(2));
    }

    #[test]
    fn a_bad_value_is_one_error_naming_line_column_and_value() {
        let records = read(b"Caption,Retouched,ID\nx,perhaps,a1\ny,no,a2\n");
        let error = records[0].as_ref().unwrap_err();
        assert_eq!(
            error.message,
            "column 2 (Retouched): retouched: expected true, false, yes, no, 1 or 0, found 'perhaps'"
        );
        assert_eq!((error.origin.line, error.origin.column), (Some(2), Some(2)));
        assert_eq!(error.id.as_deref(), Some("a1"));
        assert!(records[1].is_ok());
    }

    #[test]
    fn cells_are_typed_and_empty_ones_absent() {
        let file = "text,country,brand,ai_generated,platform_label,duration_s,Campaign,language\n\
                    hi,\"FR;DE\",\"Glow Lab, Acme\",1,yes,12.5,Spring,\n";
        let post = read(file.as_bytes()).remove(0).unwrap();
        let markets: Vec<&str> = post.markets.iter().map(|market| market.as_str()).collect();
        assert_eq!(markets, ["FR", "DE"]);
        assert_eq!(post.brands, ["Glow Lab", "Acme"]);
        assert!(post.ai_generated);
        assert_eq!(post.platform_label.as_deref(), Some("paid_partnership"));
        assert_eq!(post.duration_s, Some(12.5));
        assert_eq!(post.language, None);
        assert_eq!(post.extra["Campaign"], json!("Spring"));
        assert_eq!(post.extra.len(), 1);
    }

    #[test]
    fn the_column_map_applies() {
        let mut ctx = context();
        ctx.columns = ["text=Copy", "country=Market"]
            .into_iter()
            .map(|mapping| mapping.parse::<ColumnMapping>().unwrap())
            .collect();
        let records = read_with(b"Market,Copy,Caption\nIT,the copy,old caption\n", &ctx);
        let post = records[0].as_ref().unwrap();
        assert_eq!(post.text, "the copy");
        assert_eq!(post.origin.column, Some(2));
        assert_eq!(post.markets[0].as_str(), "IT");
        assert_eq!(post.extra["Caption"], json!("old caption"));
    }

    #[test]
    fn a_bad_header_is_one_error_for_the_file() {
        let records = read(b"\nid,Blurb\n1,a\n2,b\n");
        assert_eq!(records.len(), 1);
        let error = records[0].as_ref().unwrap_err();
        assert_eq!(error.origin.line, Some(2));
        assert!(error.message.starts_with("no column holds the text"), "{}", error.message);
        let records = read(b"te\xffxt\n1\n");
        assert_eq!(
            records[0].as_ref().unwrap_err().message,
            "header of column 1: not UTF-8 (byte 0xFF at line 1); save the file as UTF-8"
        );
    }

    #[test]
    fn tabs_separate_tsv() {
        let ctx = context();
        let records: Vec<Record> =
            Records::new(Box::new(&b"id\ttext\n1\ta, b\n"[..]), "t.tsv".into(), b'\t', &ctx)
                .collect();
        assert_eq!(texts(&records), ["a, b"]);
    }

    #[test]
    fn records_longer_than_the_buffers_are_read_whole() {
        let caption = "é".repeat(5000);
        let header: Vec<String> = (0..100).map(|n| format!("c{n}")).collect();
        let file =
            format!("text,{}\n\"{caption}\",{}\n", header.join(","), vec!["v"; 100].join(","));
        let ctx = context();
        let reader = std::io::BufReader::with_capacity(7, file.as_bytes());
        let records: Vec<Record> =
            Records::new(Box::new(reader), "c.csv".into(), b',', &ctx).collect();
        let post = records[0].as_ref().unwrap();
        assert_eq!(post.text, caption);
        assert_eq!(post.extra.len(), 100);
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..256)) {
            let _ = read(&[b"text,country\n", &input[..]].concat());
        }

        /// Any table of cells written the RFC 4180 way reads back cell for
        /// cell, each row on the line where it starts.
        #[test]
        fn written_tables_read_back(rows in prop::collection::vec(prop::collection::vec("[a-z\",\r\n ]{0,6}", 2), 1..6), crlf: bool) {
            let end = if crlf { "\r\n" } else { "\n" };
            let quote = |cell: &str| format!("\"{}\"", cell.replace('"', "\"\""));
            let mut file = format!("text,note{end}");
            let mut expected_lines = Vec::new();
            let mut line = 2;
            for row in &rows {
                let written: Vec<String> = row.iter().map(|cell| quote(cell)).collect();
                let written = written.join(",");
                if row.iter().any(|cell| !cell.trim().is_empty()) {
                    expected_lines.push(Some(line));
                }
                line += written.matches('\n').count() as u64 + 1;
                file.push_str(&written);
                file.push_str(end);
            }
            let records = read(file.as_bytes());
            prop_assert_eq!(lines(&records), expected_lines);
            let kept = rows.iter().filter(|row| row.iter().any(|cell| !cell.trim().is_empty()));
            for (record, row) in records.iter().zip(kept) {
                let post = record.as_ref().unwrap();
                let text = if row[0].trim().is_empty() { "" } else { row[0].as_str() };
                prop_assert_eq!(&post.text, text);
            }
        }
    }
}
