//! Text as HTML: escaping, and a field's text with the spans of its
//! findings highlighted, cut around them when the text is long.

use std::fmt::{self, Write as _};
use std::ops::Range;

use super::super::unprintable;

/// Texts up to this many bytes are shown whole.
const LONG_TEXT: usize = 1_500;
/// Bytes kept at the start of a longer text.
const HEAD: usize = 600;
/// Bytes kept on each side of a highlighted span in a longer text.
const CONTEXT: usize = 120;
/// Bytes of one long span kept from each of its ends.
const SPAN_END: usize = 300;
/// Spans given their own window in a longer text; more are highlighted
/// only where they fall inside one.
const WINDOWED_SPANS: usize = 40;

/// `text` escaped for element content and quoted attribute values: markup
/// characters as references, control characters (NUL, escapes) as U+FFFD,
/// and the bidirectional embeddings, overrides and isolates, which could
/// make a text read differently from what it says, named: `[U+202E]`.
pub(crate) struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut plain = 0;
        for (at, c) in self.0.char_indices() {
            let replacement = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => "",
                c if unprintable(c, true) => "\u{fffd}",
                _ => continue,
            };
            f.write_str(&self.0[plain..at])?;
            if replacement.is_empty() {
                write!(f, "[U+{:04X}]", u32::from(c))?;
            } else {
                f.write_str(replacement)?;
            }
            plain = at + c.len_utf8();
        }
        f.write_str(&self.0[plain..])
    }
}

/// Writes `text` with each of `spans` (byte ranges; an empty one marks an
/// insertion point) in a `<mark>`. Spans that are not on char boundaries
/// of `text` are left out; overlapping ones are merged. A text longer than
/// [`LONG_TEXT`] keeps its start and the context of its spans, the cuts
/// marked `…`, so one huge caption cannot make the page huge.
pub(crate) fn highlighted(out: &mut String, text: &str, spans: &[Range<usize>]) {
    let marks = merged(text, spans);
    let windows = windows(text, &marks);
    for (index, window) in windows.iter().enumerate() {
        if window.start > 0 || index > 0 {
            out.push_str("<span class=\"cut\" title=\"text left out\">…</span>");
        }
        let mut at = window.start;
        for mark in marks.iter().filter(|mark| mark.end >= window.start && mark.start <= window.end)
        {
            let start = mark.start.max(window.start);
            let end = mark.end.min(window.end);
            if start < at {
                continue;
            }
            let _ = write!(out, "{}", Escaped(&text[at..start]));
            if mark.is_empty() {
                out.push_str("<mark class=\"point\" title=\"insertion point\">‸</mark>");
            } else {
                let _ = write!(out, "<mark>{}</mark>", Escaped(&text[start..end]));
            }
            at = end;
        }
        let _ = write!(out, "{}", Escaped(&text[at..window.end]));
    }
    if windows.last().is_some_and(|window| window.end < text.len()) {
        out.push_str("<span class=\"cut\" title=\"text left out\">…</span>");
    }
}

/// The valid spans, sorted, overlapping ones merged; an insertion point
/// inside a span is dropped.
fn merged(text: &str, spans: &[Range<usize>]) -> Vec<Range<usize>> {
    let valid = |span: &&Range<usize>| {
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end)
    };
    let mut sorted: Vec<Range<usize>> = spans.iter().filter(valid).cloned().collect();
    sorted.sort_by_key(|span| (span.start, span.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(sorted.len());
    for span in sorted {
        match merged.last_mut() {
            Some(last) if span.start < last.end => last.end = last.end.max(span.end),
            Some(last) if *last == span => {}
            _ => merged.push(span),
        }
    }
    merged
}

/// The parts of `text` to show: all of it when short, else its start and
/// the context of the first spans, on char boundaries, merged.
fn windows(text: &str, marks: &[Range<usize>]) -> Vec<Range<usize>> {
    if text.len() <= LONG_TEXT {
        let whole = 0..text.len();
        return vec![whole];
    }
    let window = |start: usize, end: usize| {
        text.floor_char_boundary(start)..text.ceil_char_boundary(end.min(text.len()))
    };
    let mut windows = vec![window(0, HEAD)];
    for mark in marks.iter().take(WINDOWED_SPANS) {
        if mark.len() > 2 * SPAN_END {
            windows.push(window(mark.start.saturating_sub(CONTEXT), mark.start + SPAN_END));
            windows.push(window(mark.end - SPAN_END, mark.end + CONTEXT));
        } else {
            windows.push(window(mark.start.saturating_sub(CONTEXT), mark.end + CONTEXT));
        }
    }
    windows.sort_by_key(|window| window.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(windows.len());
    for window in windows {
        match merged.last_mut() {
            Some(last) if window.start <= last.end => last.end = last.end.max(window.end),
            _ => merged.push(window),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str, spans: &[Range<usize>]) -> String {
        let mut out = String::new();
        highlighted(&mut out, text, spans);
        out
    }

    #[test]
    fn escapes_markup_controls_and_bidi_overrides() {
        let text = "<script>\"'&\u{0}\u{202e}x";
        assert_eq!(Escaped(text).to_string(), "&lt;script&gt;&quot;&#39;&amp;\u{fffd}[U+202E]x");
    }

    #[test]
    fn marks_spans_and_insertion_points() {
        assert_eq!(
            render("#sp <b>", &[0..3, 4..4]),
            "<mark>#sp</mark> <mark class=\"point\" title=\"insertion point\">‸</mark>&lt;b&gt;"
        );
    }

    #[test]
    fn merges_overlaps_and_skips_spans_off_char_boundaries() {
        assert_eq!(render("abcdef", &[1..3, 2..5, 3..3]), "a<mark>bcde</mark>f");
        // 'é' is two bytes: 1..2 cuts it.
        assert_eq!(render("é!", &[1..2, 9..12]), "é!");
    }

    #[test]
    fn long_texts_keep_the_start_and_the_context_of_spans() {
        let text = format!("{}MARK{}", "a".repeat(5_000), "b".repeat(5_000));
        let mark = 5_000..5_004;
        let out = render(&text, &[mark]);
        assert!(out.contains("<mark>MARK</mark>"), "{out}");
        assert!(out.len() < HEAD + 2 * CONTEXT + 300, "{}", out.len());
        assert_eq!(out.matches('…').count(), 2);
        // Multi-byte characters at the cuts do not break.
        let text = "é".repeat(3_000);
        let inside = 3_001..3_001;
        let out = render(&text, &[inside]);
        assert!(!out.contains("<mark"), "a span inside a character is dropped");
        assert!(out.starts_with('é') && out.ends_with("…</span>"), "{out}");
        let text = "xé".repeat(2_000);
        let whole = 3_001..3_003;
        let out = render(&text, &[whole]);
        assert!(out.contains("<mark>é</mark>"), "{out}");
    }
}
