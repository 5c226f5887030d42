//! Stray quotes in CSV. A quote that opens a field and is never meant to
//! close takes every following line into that one field, up to the next
//! quote in the file. csv-core cannot tell; [`Quotes`] follows its quoting
//! over the bytes it reads, so the reader knows where a quoted field opened
//! and how many lines it ran over ([`StrayQuote`] says why it is taken as
//! stray), and [`Replay`] lets the reader read again the lines after a quote
//! it judged stray.

use std::io::{self, BufRead, Read};

/// A quoted field may run over this many lines. No caption has so many (a
/// platform's longest, YouTube's 5,000 characters, would need lines of 25
/// characters); a field that runs longer is taken to be a stray quote.
pub(super) const MAX_FIELD_LINES: u64 = 200;

/// Where a quoted field opened: the line, and the offset of the quote in
/// the bytes of its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Opened {
    pub line: u64,
    pub at: usize,
}

/// csv-core's quoting (RFC 4180: a quote at the start of a field opens it, a
/// doubled quote inside is a quote, a quote followed by anything else closes
/// it), followed byte by byte over one record.
#[derive(Debug, Default)]
pub(super) struct Quotes {
    state: State,
    /// The quoted field now open.
    open: Option<Opened>,
    /// The record's first quoted field that ran over a line break, and the
    /// line where it closed.
    pub multiline: Option<(Opened, u64)>,
    multiline_open: Option<Opened>,
    /// The record's first quoted field that ran over [`MAX_FIELD_LINES`].
    pub too_long: Option<Opened>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    #[default]
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: an escaped quote or the closing one.
    QuoteInQuoted,
}

impl Quotes {
    /// Follows `bytes`, which start at offset `at` of the record, on `line`
    /// (counted on at each line break).
    pub(super) fn feed(&mut self, bytes: &[u8], mut at: usize, line: &mut u64, delimiter: u8) {
        for &byte in bytes {
            if byte == b'\n' {
                *line += 1;
                if let (State::Quoted, Some(open)) = (self.state, self.open) {
                    self.multiline_open.get_or_insert(open);
                    if *line - open.line > MAX_FIELD_LINES {
                        self.too_long.get_or_insert(open);
                    }
                }
            }
            let ends_field = byte == delimiter || byte == b'\n' || byte == b'\r';
            self.state = match (self.state, byte) {
                (State::FieldStart, b'"') => {
                    self.open = Some(Opened { line: *line, at });
                    State::Quoted
                }
                (State::FieldStart | State::Unquoted, _) if ends_field => State::FieldStart,
                (State::FieldStart | State::Unquoted, _) => State::Unquoted,
                (State::Quoted, b'"') => State::QuoteInQuoted,
                (State::Quoted, _) => State::Quoted,
                (State::QuoteInQuoted, b'"') => State::Quoted,
                (State::QuoteInQuoted, _) => {
                    if self.multiline.is_none()
                        && let Some(open) =
                            self.open.filter(|open| Some(*open) == self.multiline_open)
                    {
                        self.multiline = Some((open, *line - u64::from(byte == b'\n')));
                    }
                    self.open = None;
                    if ends_field { State::FieldStart } else { State::Unquoted }
                }
            };
            at += 1;
        }
    }

    /// The quoted field still open (at the end of the input: never closed).
    pub(super) fn unclosed(&self) -> Option<Opened> {
        self.open.filter(|_| self.state == State::Quoted)
    }
}

/// A quoted field taken to be opened by a stray quote, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(super) enum StrayQuote {
    #[error("the quote that opens a field on line {} is never closed", .opened.line)]
    Unclosed { opened: Opened },
    #[error("the quote that opens a field on line {} is still open {MAX_FIELD_LINES} lines later, more than any caption has", .opened.line)]
    TooLong { opened: Opened },
    #[error("the quote that opens a field on line {} closes only on line {closed}, and the row then has {} but the header has {}", .opened.line, count_fields(*.found), count_fields(*.header))]
    Misfit { opened: Opened, closed: u64, found: usize, header: usize },
}

impl StrayQuote {
    pub(super) fn opened(self) -> Opened {
        match self {
            StrayQuote::Unclosed { opened }
            | StrayQuote::TooLong { opened }
            | StrayQuote::Misfit { opened, .. } => opened,
        }
    }
}

/// What becomes of the lines after a stray quote.
pub(super) fn read_again(quote: &StrayQuote, rows_follow: bool) -> String {
    let line = quote.opened().line;
    match rows_follow {
        true => format!(
            ": it is taken as a stray quote, and the lines after line {line} are read as rows"
        ),
        false => String::new(),
    }
}

/// `1 field`, `3 fields`.
pub(super) fn count_fields(count: usize) -> String {
    if count == 1 { "1 field".to_owned() } else { format!("{count} fields") }
}

/// A reader that first gives back bytes read already.
pub(super) struct Replay<'a> {
    pending: Vec<u8>,
    position: usize,
    inner: Box<dyn BufRead + 'a>,
}

impl<'a> Replay<'a> {
    pub(super) fn new(inner: Box<dyn BufRead + 'a>) -> Self {
        Replay { pending: Vec::new(), position: 0, inner }
    }

    /// Reads `bytes` again before anything not read yet.
    pub(super) fn unread(&mut self, bytes: &[u8]) {
        let mut pending = bytes.to_vec();
        pending.extend_from_slice(&self.pending[self.position..]);
        self.pending = pending;
        self.position = 0;
    }
}

impl Read for Replay<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        super::decode::read_buffered(self, buffer)
    }
}

impl BufRead for Replay<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.position < self.pending.len() {
            return Ok(&self.pending[self.position..]);
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if self.position < self.pending.len() {
            self.position = (self.position + amount).min(self.pending.len());
            if self.position == self.pending.len() {
                self.pending = Vec::new();
                self.position = 0;
            }
        } else {
            self.inner.consume(amount);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::csv::tests::{lines, read, texts};

    fn follow(record: &str) -> (Quotes, u64) {
        let mut quotes = Quotes::default();
        let mut line = 1;
        quotes.feed(record.as_bytes(), 0, &mut line, b',');
        (quotes, line)
    }

    #[test]
    fn quoted_fields_open_at_the_start_of_a_field_only() {
        let (quotes, _) = follow("a,\"b \"\"c\"\" d\",5\" screen\n");
        assert_eq!((quotes.unclosed(), quotes.multiline), (None, None));
        let (quotes, line) = follow("a,\"two\nlines\",x\n");
        assert_eq!(quotes.multiline, Some((Opened { line: 1, at: 2 }, 2)));
        assert_eq!((quotes.unclosed(), line), (None, 3));
        let (quotes, _) = follow("a,\"never closed\nb,c\n");
        assert_eq!(quotes.unclosed(), Some(Opened { line: 1, at: 2 }));
        // A quote followed by text closes the field, as csv-core reads it.
        let (quotes, _) = follow("\"ab\"cd,\"e\n");
        assert_eq!(quotes.unclosed(), Some(Opened { line: 1, at: 7 }));
    }

    #[test]
    fn a_field_over_the_line_limit_is_too_long() {
        let mut record = "x,\"".to_owned();
        record.push_str(&"line\n".repeat(MAX_FIELD_LINES as usize));
        let (quotes, _) = follow(&record);
        assert_eq!(quotes.too_long, None);
        record.push_str("one more\n");
        let (quotes, _) = follow(&record);
        assert_eq!(quotes.too_long, Some(Opened { line: 1, at: 2 }));
    }

    #[test]
    fn unread_bytes_come_first() {
        let mut replay = Replay::new(Box::new(&b"rest"[..]));
        let mut start = [0; 2];
        replay.read_exact(&mut start).unwrap();
        replay.unread(b"again ");
        replay.unread(b"and ");
        let mut all = String::new();
        replay.read_to_string(&mut all).unwrap();
        assert_eq!(all, "and again st");
    }

    #[test]
    fn an_unclosed_quote_is_reported_where_it_opened_and_the_lines_after_are_rows() {
        let records = read(b"text,id\nok,1\n\"oops,2\nnext,3\nlast,4\n");
        assert_eq!(lines(&records), [Some(2), Some(3), Some(4), Some(5)]);
        let error = records[1].as_ref().unwrap_err();
        assert_eq!(
            error.message,
            "the quote that opens a field on line 3 is never closed: it is taken as a stray quote, and the lines after line 3 are read as rows"
        );
        assert_eq!(records[3].as_ref().unwrap().text, "last");
        // On the last line, there is nothing after it to read.
        let records = read(b"text,id\nok,1\n\"oops,2");
        let error = records[1].as_ref().unwrap_err();
        assert_eq!(error.message, "the quote that opens a field on line 3 is never closed");
        // A lone inch mark in an unquoted field is content, not a quote.
        let records = read(b"text\n5\" screen");
        assert_eq!(texts(&records), ["5\" screen"]);
    }

    #[test]
    fn a_quoted_field_over_the_line_limit_is_a_stray_quote() {
        let long = "x\n".repeat(MAX_FIELD_LINES as usize);
        let file = format!("text,id\n\"{long}\",1\n\"{long}x\ny\",2\nlast,3\n");
        let records = read(file.as_bytes());
        assert_eq!(records[0].as_ref().unwrap().text.lines().count(), MAX_FIELD_LINES as usize);
        let line = 2 + MAX_FIELD_LINES + 1;
        let error = records[1].as_ref().unwrap_err();
        assert_eq!(error.origin.line, Some(line));
        assert!(error.message.contains("still open 200 lines later"), "{}", error.message);
        // The lines after it are rows: 200 times `x` alone (a ragged row),
        // then the closing `y",2` (a quote inside an unquoted field is
        // content), then the last row.
        let rest = &records[2..];
        assert_eq!(rest.len(), MAX_FIELD_LINES as usize + 2);
        assert_eq!(rest[0].as_ref().unwrap_err().origin.line, Some(line + 1));
        assert_eq!(rest[rest.len() - 2].as_ref().unwrap().text, "y\"");
        assert_eq!(rest[rest.len() - 1].as_ref().unwrap().text, "last");
    }

    #[test]
    fn a_quote_that_leaves_its_row_misfit_is_a_stray_quote() {
        let file = "text,id,country\n\"hi, there\",1,FR\n\"oops,2,GB\nx,3,\"US\"\ny,4,GB\n";
        let records = read(file.as_bytes());
        assert_eq!(lines(&records), [Some(2), Some(3), Some(4), Some(5)]);
        assert_eq!(
            records[1].as_ref().unwrap_err().message,
            "the quote that opens a field on line 3 closes only on line 4, and the row then has 1 field but the header has 3 fields: it is taken as a stray quote, and the lines after line 3 are read as rows"
        );
        assert_eq!(texts(&records[2..]), ["x", "y"]);
        // A quoted field over several lines that fits its row is a caption.
        let records = read(b"text,id\n\"two\nlines\",1\n");
        assert_eq!(texts(&records), ["two\nlines"]);
    }

    #[test]
    fn a_stray_quote_in_the_header_ends_the_file() {
        let records = read(b"\"text,id\nok,1\n");
        assert_eq!(records.len(), 1);
        let error = records[0].as_ref().unwrap_err();
        assert_eq!(error.message, "the quote that opens a field on line 1 is never closed");
    }
}
