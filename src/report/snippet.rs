//! What miette is given to draw a diagnostic's source: only the lines around
//! its labels, with long lines cut around the places the labels point at.
//!
//! miette pads its underlines with `format!("{:width$}")`, and a width over
//! 65,535 panics (Rust's formatting widths are 16-bit): a finding at the end
//! of a 70,000-character caption, or a problem far along a one-line rule
//! pack, made every output of that run a crash. A line that long is also
//! useless on a terminal. [`Clipped`] copies any diagnostic (and its related
//! ones) with a [`Snippet`] in place of its source: the labelled lines and a
//! few around them, each line longer than [`LONG_LINE`] characters cut to
//! [`AROUND`] characters on each side of every label's start and end, the
//! cuts marked `…`. Line numbers and the `line:column` miette prints are
//! those of the original source; lines of ordinary length come out exactly
//! as before.

use std::fmt;
use std::ops::Range;

use super::unprintable;
use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, Severity, SourceCode, SourceSpan,
    SpanContents,
};

/// Lines kept above and below the labels: more than the one line of context
/// miette's handlers draw, so they find the same lines as in the original.
const CONTEXT_LINES: usize = 3;

/// Lines up to this many characters are kept whole.
pub const LONG_LINE: usize = 400;

/// Characters kept on each side of a labelled place in a longer line.
pub const AROUND: usize = 60;

/// Marks where a long line was cut.
const CUT: &str = "…";

/// Windows of a long line this close (in characters) are joined: a cut that
/// short would hide nothing worth its marker.
const JOIN: usize = 8;

/// A diagnostic copied with its source cut to a `Snippet`; renders like
/// the original wherever the original renders, and never panics for long
/// lines.
#[derive(Debug)]
pub struct Clipped {
    message: String,
    code: Option<String>,
    severity: Option<Severity>,
    help: Option<String>,
    url: Option<String>,
    labels: Vec<LabeledSpan>,
    source: Option<Snippet>,
    related: Vec<Clipped>,
    cause: Option<Box<Clipped>>,
}

impl Clipped {
    pub fn new(diagnostic: &dyn Diagnostic) -> Clipped {
        let labels: Vec<LabeledSpan> =
            diagnostic.labels().map(Iterator::collect).unwrap_or_default();
        let (source, labels) = match diagnostic.source_code() {
            Some(code) if !labels.is_empty() => match Snippet::new(code, &labels) {
                Some((snippet, labels)) => (Some(snippet), labels),
                // The labels point outside their source: nothing to draw.
                None => (None, Vec::new()),
            },
            _ => (None, labels),
        };
        Clipped {
            message: diagnostic.to_string(),
            code: diagnostic.code().map(|code| code.to_string()),
            severity: diagnostic.severity(),
            help: diagnostic.help().map(|help| help.to_string()),
            url: diagnostic.url().map(|url| url.to_string()),
            labels,
            source,
            related: diagnostic
                .related()
                .map(|related| related.map(Clipped::new).collect())
                .unwrap_or_default(),
            cause: diagnostic.diagnostic_source().map(|cause| Box::new(Clipped::new(cause))),
        }
    }
}

impl fmt::Display for Clipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Clipped {}

impl Diagnostic for Clipped {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.as_ref().map(|code| Box::new(code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<Severity> {
        self.severity
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.url.as_ref().map(|url| Box::new(url) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|source| source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|related| related as &dyn Diagnostic)))
    }

    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.cause.as_deref().map(|cause| cause as &dyn Diagnostic)
    }
}

/// The lines of a source around some labels, long ones cut, as miette's
/// [`SourceCode`]: offsets are the snippet's own, line numbers and columns
/// the original's.
#[derive(Debug)]
pub struct Snippet {
    name: Option<String>,
    text: String,
    /// 0-based line of the original where `text` starts.
    first_line: usize,
    /// The parts of `text` copied from the original, in order.
    pieces: Vec<Piece>,
}

/// A run of bytes copied from the original source.
#[derive(Debug, Clone, Copy)]
struct Piece {
    /// Where it is in the snippet.
    at: usize,
    /// Where it is in the original, and where its line starts there.
    original: usize,
    line_start: usize,
    /// Its length in the original, and in the snippet: the same for copied
    /// text, not for a character shown as U+FFFD.
    len: usize,
    shown: usize,
}

impl Piece {
    /// The snippet offset of an original offset inside or at the end of
    /// this piece (a replaced character has no inside).
    fn to_snippet(self, original: usize) -> usize {
        let into = original.saturating_sub(self.original).min(self.len);
        if self.len == self.shown {
            self.at + into
        } else if into == 0 {
            self.at
        } else {
            self.at + self.shown
        }
    }

    /// The original offset of a snippet offset inside or at the end of this
    /// piece.
    fn to_original(self, at: usize) -> usize {
        let into = at.saturating_sub(self.at).min(self.shown);
        if self.len == self.shown {
            self.original + into
        } else if into == 0 {
            self.original
        } else {
            self.original + self.len
        }
    }
}

impl Snippet {
    /// The snippet of `code` for `labels`, and the labels moved onto it;
    /// `None` when the labels are not inside `code`.
    pub fn new(
        code: &dyn SourceCode,
        labels: &[LabeledSpan],
    ) -> Option<(Snippet, Vec<LabeledSpan>)> {
        let start = labels.iter().map(LabeledSpan::offset).min()?;
        let end = labels.iter().map(|label| label.offset() + label.len()).max()?;
        let span = SourceSpan::from(start..end);
        let contents = code.read_span(&span, CONTEXT_LINES, CONTEXT_LINES).ok()?;
        let data = std::str::from_utf8(contents.data()).ok()?;
        let places: Vec<usize> = labels
            .iter()
            .flat_map(|label| [label.offset(), label.offset() + label.len()])
            .collect();
        let mut snippet = Snippet {
            name: contents.name().map(str::to_owned),
            text: String::with_capacity(data.len().min(64 * 1024)),
            first_line: contents.line(),
            pieces: Vec::new(),
        };
        let mut line_start = contents.span().offset();
        for line in data.split_inclusive('\n') {
            snippet.push_line(line, line_start, &places);
            line_start += line.len();
        }
        let labels = labels
            .iter()
            .map(|label| {
                let start = snippet.to_snippet(label.offset());
                let end = snippet.to_snippet(label.offset() + label.len()).max(start);
                let moved = SourceSpan::from(start..end);
                let label_text = label.label().map(str::to_owned);
                if label.primary() {
                    LabeledSpan::new_primary_with_span(label_text, moved)
                } else {
                    LabeledSpan::new_with_span(label_text, moved)
                }
            })
            .collect();
        Some((snippet, labels))
    }

    /// Copies one line (with its line break) that starts at `line_start` in
    /// the original, cut around the `places` on it when it is long.
    fn push_line(&mut self, line: &str, line_start: usize, places: &[usize]) {
        let content = line.trim_end_matches(['\n', '\r']);
        let chars = content.chars().count();
        if chars <= LONG_LINE {
            self.copy(line, 0..content.len(), line_start);
            self.copy_as_is(line, content.len()..line.len(), line_start);
            return;
        }
        // Byte offset of each character, and of the end.
        let bounds: Vec<usize> =
            content.char_indices().map(|(at, _)| at).chain([content.len()]).collect();
        let mut windows: Vec<Range<usize>> = places
            .iter()
            .filter(|place| (line_start..=line_start + content.len()).contains(place))
            .map(|place| {
                let index = bounds.partition_point(|at| *at < place - line_start);
                index.saturating_sub(AROUND)..(index + AROUND).min(chars)
            })
            .collect();
        if windows.is_empty() {
            windows.push(0..(2 * AROUND).min(chars));
        }
        windows.sort_by_key(|window| window.start);
        let mut merged: Vec<Range<usize>> = Vec::new();
        for window in windows {
            match merged.last_mut() {
                Some(last) if window.start <= last.end + JOIN => {
                    last.end = last.end.max(window.end);
                }
                _ => merged.push(window),
            }
        }
        let mut shown = 0;
        for window in merged {
            if window.start > shown {
                self.text.push_str(CUT);
            }
            self.copy(line, bounds[window.start]..bounds[window.end], line_start);
            shown = window.end;
        }
        if shown < chars {
            self.text.push_str(CUT);
        }
        self.copy_as_is(line, content.len()..line.len(), line_start);
    }

    /// Appends `range` of `line` (which starts at `line_start` in the
    /// original) to the snippet, with what must not reach a terminal raw
    /// (control characters but tabs and line breaks) shown as U+FFFD.
    fn copy(&mut self, line: &str, range: Range<usize>, line_start: usize) {
        let text = &line[range.clone()];
        let mut run = range.start;
        for (at, c) in text.char_indices().map(|(at, c)| (range.start + at, c)) {
            if !unprintable(c, false) {
                continue;
            }
            self.copy_as_is(line, run..at, line_start);
            self.pieces.push(Piece {
                at: self.text.len(),
                original: line_start + at,
                line_start,
                len: c.len_utf8(),
                shown: '\u{fffd}'.len_utf8(),
            });
            self.text.push('\u{fffd}');
            run = at + c.len_utf8();
        }
        self.copy_as_is(line, run..range.end, line_start);
    }

    fn copy_as_is(&mut self, line: &str, range: Range<usize>, line_start: usize) {
        if range.is_empty() {
            return;
        }
        self.pieces.push(Piece {
            at: self.text.len(),
            original: line_start + range.start,
            line_start,
            len: range.len(),
            shown: range.len(),
        });
        self.text.push_str(&line[range]);
    }

    /// The snippet offset of an original offset (one that was cut away
    /// goes to the next text kept).
    fn to_snippet(&self, original: usize) -> usize {
        let after = self.pieces.partition_point(|piece| piece.original + piece.len < original);
        match self.pieces.get(after) {
            Some(piece) if original >= piece.original => piece.to_snippet(original),
            Some(piece) => piece.at,
            None => self.text.len(),
        }
    }

    /// The original's byte column of a snippet offset (miette's columns are
    /// bytes from the start of the line).
    fn column(&self, at: usize) -> usize {
        if self.text.get(..at).is_some_and(|before| before.is_empty() || before.ends_with('\n')) {
            return 0;
        }
        // The piece that holds `at`, else the one that ends there.
        let index = self.pieces.partition_point(|piece| piece.at + piece.shown <= at);
        let piece = match self.pieces.get(index) {
            Some(piece) if piece.at <= at => Some(piece),
            _ => index.checked_sub(1).and_then(|before| self.pieces.get(before)),
        };
        let column = piece.map_or(0, |piece| piece.to_original(at) - piece.line_start);
        // Inside a CRLF, miette counts the pair as one line break.
        let bytes = self.text.as_bytes();
        let in_crlf = at > 0 && bytes.get(at - 1) == Some(&b'\r') && bytes.get(at) == Some(&b'\n');
        column - usize::from(in_crlf)
    }
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text.as_str().read_span(span, context_lines_before, context_lines_after)?;
        let column =
            if context_lines_before == 0 { self.column(span.offset()) } else { inner.column() };
        let line = inner.line() + self.first_line;
        // miette's line count runs from the start of the source.
        let line_count = inner.line_count() + self.first_line;
        let contents = match &self.name {
            Some(name) => MietteSpanContents::new_named(
                name.clone(),
                inner.data(),
                *inner.span(),
                line,
                column,
                line_count,
            ),
            None => MietteSpanContents::new(inner.data(), *inner.span(), line, column, line_count),
        };
        Ok(Box::new(contents))
    }
}

#[cfg(test)]
mod tests {
    use miette::{GraphicalReportHandler, GraphicalTheme, MietteDiagnostic, NamedSource, Report};
    use proptest::prelude::*;

    use super::*;

    fn render(diagnostic: &dyn Diagnostic) -> String {
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_links(false);
        let mut out = String::new();
        handler.render_report(&mut out, diagnostic).unwrap();
        out
    }

    fn report(text: &str, labels: Vec<LabeledSpan>) -> Report {
        let diagnostic = MietteDiagnostic::new("message").with_code("x/rule").with_labels(labels);
        Report::new(diagnostic).with_source_code(NamedSource::new("name", text.to_owned()))
    }

    fn at(text: &str, needle: &str, label: &str) -> LabeledSpan {
        let start = text.find(needle).unwrap();
        LabeledSpan::new_primary_with_span(Some(label.to_owned()), start..start + needle.len())
    }

    #[test]
    fn ordinary_lines_render_as_the_original() {
        let text = "first line\nsecond line with #ad\nthird\n\nfifth\nsixth\nseventh\neighth\n";
        for labels in [
            vec![at(text, "#ad", "here")],
            vec![at(text, "first", "a"), at(text, "eighth", "b")],
            vec![LabeledSpan::new_primary_with_span(None, text.len()..text.len())],
            vec![at(text, "second line with #ad\nthird", "two lines")],
        ] {
            let original = report(text, labels);
            let clipped = Clipped::new(original.as_ref());
            assert_eq!(render(&clipped), render(original.as_ref()));
        }
    }

    #[test]
    fn long_lines_are_cut_around_the_labels_and_keep_their_line_and_column() {
        let text = format!("intro\n{} my new serum #a #b #ad\nlast", "x ".repeat(35_000));
        let original = report(&text, vec![at(&text, "#ad", "buried")]);
        let clipped = Clipped::new(original.as_ref());
        let out = render(&clipped);
        let column = text.find("#ad").unwrap() - text.find('\n').unwrap();
        assert!(out.contains(&format!("[name:2:{column}]")), "{out}");
        assert!(out.contains("│ …x x x") && out.contains("#b #ad\n"), "{out}");
        assert!(out.lines().all(|line| line.chars().count() < 200), "{out}");
        assert!(out.contains("buried"), "{out}");
    }

    #[test]
    fn control_characters_are_shown_as_replacement_characters_in_place() {
        let text = "a\u{1b}[2J\u{0}\u{85}b \r #ad\r\nnext";
        let original = report(text, vec![at(text, "#ad", "here")]);
        let out = render(&Clipped::new(original.as_ref()));
        let column = text.find("#ad").unwrap() + 1;
        assert!(out.contains(&format!("[name:1:{column}]")), "{out}");
        assert!(out.contains("a\u{fffd}[2J\u{fffd}\u{fffd}b \u{fffd} #ad\n"), "{out:?}");
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        // The label is under "#ad".
        let line = out.lines().find(|line| line.contains("#ad")).unwrap();
        let under = out.lines().skip_while(|l| !l.contains("#ad")).nth(1).unwrap();
        let at = line.chars().position(|c| c == '#').unwrap();
        assert_eq!(under.chars().nth(at + 1), Some('┬'), "{out}");
    }

    #[test]
    fn a_label_spanning_a_long_line_shows_both_ends() {
        let text = format!("start {} end", "y".repeat(100_000));
        let original = report(&text, vec![at(&text, &text, "whole")]);
        let out = render(&Clipped::new(original.as_ref()));
        assert!(out.contains("start") && out.contains(" end"), "{out}");
        assert!(out.lines().all(|line| line.chars().count() < 400), "{out}");
    }

    #[test]
    fn related_diagnostics_are_clipped_too() {
        #[derive(Debug, thiserror::Error, Diagnostic)]
        #[error("outer")]
        struct Outer {
            #[related]
            inner: Vec<Report>,
        }
        let text = format!("{}!", "z".repeat(70_000));
        let inner = report(&text, vec![at(&text, "!", "bang")]);
        let outer = Outer { inner: vec![inner] };
        let out = render(&Clipped::new(&outer));
        assert!(out.contains("outer") && out.contains("bang"), "{out}");
        assert!(out.contains("[name:1:70001]"), "{out}");
    }

    proptest! {
        /// Texts of ordinary lines, any labels: the snippet renders exactly
        /// as the whole text does.
        #[test]
        fn any_labels_on_ordinary_lines_render_as_the_original(
            text in "([a-zé👍 #\t]{0,12}(\n|\r\n)?){1,12}",
            spans in prop::collection::vec((0usize..200, 0usize..20, any::<bool>()), 1..4),
        ) {
            let labels: Vec<LabeledSpan> = spans
                .into_iter()
                .map(|(start, len, primary)| {
                    let start = text.floor_char_boundary(start.min(text.len()));
                    let end = text.floor_char_boundary((start + len).min(text.len()));
                    let label = Some(format!("at {start}"));
                    if primary {
                        LabeledSpan::new_primary_with_span(label, start..end)
                    } else {
                        LabeledSpan::new_with_span(label, start..end)
                    }
                })
                .collect();
            let original = report(&text, labels);
            prop_assert_eq!(render(&Clipped::new(original.as_ref())), render(original.as_ref()));
        }

        /// Long lines, any labels: rendering never fails and never draws a
        /// line much longer than the windows kept around the labels.
        #[test]
        fn any_labels_on_long_lines_render_clipped(
            lines in prop::collection::vec(("[a-z👍 ]{0,3}", 0usize..3000), 1..4),
            spans in prop::collection::vec((0usize..12_000, 0usize..5000, any::<bool>()), 1..4),
        ) {
            let text: String =
                lines.iter().map(|(unit, count)| format!("{}\n", unit.repeat(*count))).collect();
            let labels: Vec<LabeledSpan> = spans
                .into_iter()
                .map(|(start, len, primary)| {
                    let start = text.floor_char_boundary(start.min(text.len()));
                    let end = text.floor_char_boundary((start + len).min(text.len()));
                    if primary {
                        LabeledSpan::new_primary_with_span(None, start..end)
                    } else {
                        LabeledSpan::new_with_span(None, start..end)
                    }
                })
                .collect();
            let out = render(&Clipped::new(report(&text, labels).as_ref()));
            let widest = out.lines().map(|line| line.chars().count()).max().unwrap_or(0);
            prop_assert!(widest < LONG_LINE + 20 * AROUND, "{}", widest);
        }
    }
}
