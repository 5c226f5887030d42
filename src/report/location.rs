//! Where a finding sits in its file, for the formats that point at places
//! (sarif, github, junit, csv): paths relative to the working directory and
//! byte spans as 1-based lines and columns. The one place that knows how
//! each reader's [`Origin`] relates to the bytes of the file.

use std::path::{Component, Path};

use crate::finding::{Field, Span};
use crate::post::{Origin, Post};

/// The unit of every column here, declared as SARIF's `columnKind`: UTF-16
/// code units, SARIF's default and what editors and GitHub's web views
/// count in (an emoji outside the BMP is two).
pub const COLUMN_KIND: &str = "utf16CodeUnits";

/// A place in a file. Lines and columns are 1-based; the end column is
/// exclusive (the column after the last character, as in SARIF), so an
/// empty span has equal start and end columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub start_line: u64,
    pub end_line: u64,
    /// Start column (on the start line) and end column (on the end line),
    /// known only for text read verbatim from the file.
    pub columns: Option<(u64, u64)>,
}

impl Region {
    fn line(line: u64) -> Region {
        Region { start_line: line, end_line: line, columns: None }
    }
}

/// Where `span` of `post` is in its file.
///
/// - The body of a `.txt` or `.md` file is the file's own text from
///   `origin.line` on, so the span maps to exact lines and columns; the
///   other fields of a Markdown post come from the front matter, which
///   starts the file, so they point at line 1.
/// - A post inside JSONL, CSV or a JSON file points at its record's line
///   (for JSON, where the object or array element starts): its text there
///   is escaped, so byte spans do not map to columns.
/// - `None` when the reader knows no line: a spreadsheet row (a row of a
///   binary file is no line).
pub fn region(post: &Post, span: Span) -> Option<Region> {
    let origin = &post.origin;
    let line = record_region(origin)?.start_line;
    if !is_verbatim(origin) {
        return Some(Region::line(line));
    }
    if span.field != Field::Text {
        return Some(Region::line(1));
    }
    let (start_lines, start_column) = position(&post.text, span.start);
    let (end_lines, end_column) = position(&post.text, span.end.max(span.start));
    Some(Region {
        start_line: line + start_lines,
        end_line: line + end_lines,
        columns: Some((start_column, end_column)),
    })
}

/// The line a record starts on, for what has no span: a whole post, or a
/// record that could not be read.
pub fn record_region(origin: &Origin) -> Option<Region> {
    if origin.sheet.is_some() {
        return None;
    }
    origin.line.map(Region::line)
}

/// Whether the post's text is the file's text byte for byte from
/// `origin.text_offset` (the reader says so), rather than a decoded JSON
/// string or CSV cell.
fn is_verbatim(origin: &Origin) -> bool {
    origin.text_offset.is_some() && origin.verbatim
}

/// The number of line breaks before byte `offset` of `text`, and the
/// 1-based column of `offset` on its line. An offset past the end or inside
/// a character is brought back to a character boundary.
fn position(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..text.floor_char_boundary(offset)];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let lines = before.bytes().filter(|&byte| byte == b'\n').count();
    let column = before[line_start..].encode_utf16().count();
    (lines as u64, column as u64 + 1)
}

/// The origin's path with forward slashes, relative to `base` (the working
/// directory) when it lies inside it; `None` for stdin.
pub fn relative_path(path: &str, base: Option<&Path>) -> Option<String> {
    if path == "-" {
        return None;
    }
    let path = Path::new(path);
    let path = match base {
        Some(base) if path.is_absolute() => path.strip_prefix(base).unwrap_or(path),
        _ => path,
    };
    let mut parts = Vec::new();
    let mut absolute = false;
    for component in path.components() {
        match component {
            Component::Prefix(prefix) => parts.push(prefix.as_os_str().to_string_lossy()),
            Component::RootDir => absolute = true,
            Component::CurDir => {}
            Component::ParentDir => parts.push("..".into()),
            Component::Normal(name) => parts.push(name.to_string_lossy()),
        }
    }
    let joined = parts.join("/");
    Some(if absolute { format!("/{joined}") } else { joined })
}

/// A path from [`relative_path`] as a URI reference: percent-encoded
/// UTF-8, and a `file://` URI when the path is absolute.
pub fn uri(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        // RFC 3986 unreserved characters and the path separator; everything
        // else (spaces, `%`, `:`, `#`, non-ASCII) is escaped.
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    if path.starts_with('/') { format!("file://{encoded}") } else { encoded }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A post as its reader would make it: the text of a `.txt` or `.md`
    /// file is the file's own bytes.
    fn post(path: &str, line: Option<u64>, text: &str) -> Post {
        let verbatim = path.ends_with(".txt") || path.ends_with(".md");
        let origin =
            Origin { path: path.into(), line, text_offset: Some(0), verbatim, ..Origin::default() };
        Post::from_text(origin, text)
    }

    fn columns(start_line: u64, end_line: u64, start: u64, end: u64) -> Option<Region> {
        Some(Region { start_line, end_line, columns: Some((start, end)) })
    }

    #[test]
    fn spans_in_a_markdown_body_count_lines_from_the_body_and_utf16_columns() {
        // The body starts on line 5 of the file, after the front matter.
        let text = "Mon sérum 👍 #ad\r\nsecond line #sp\n";
        let post = post("drafts/a.md", Some(5), text);
        let at = |needle: &str| {
            let start = text.find(needle).unwrap();
            region(&post, Span::text(start, start + needle.len()))
        };
        // "Mon sérum " is 10 UTF-16 units (é is one), 👍 is two.
        assert_eq!(at("👍"), columns(5, 5, 11, 13));
        assert_eq!(at("#ad"), columns(5, 5, 14, 17));
        assert_eq!(at("#sp"), columns(6, 6, 13, 16));
        assert_eq!(at("#ad\r\nsecond"), columns(5, 6, 14, 7), "a span across lines");
        assert_eq!(region(&post, Span::text(0, 0)), columns(5, 5, 1, 1), "an insertion point");
    }

    #[test]
    fn stray_offsets_are_clamped_never_a_panic() {
        let post = post("a.txt", Some(1), "é\n");
        assert_eq!(region(&post, Span::text(1, 99)), columns(1, 2, 1, 1));
        assert_eq!(region(&post, Span::text(5, 2)), columns(2, 2, 1, 1), "end before start");
    }

    #[test]
    fn records_point_at_their_line_and_other_fields_at_the_front_matter() {
        let jsonl = post("posts.jsonl", Some(17), "first\nsecond #ad");
        let region = region(&jsonl, Span::text(13, 16)).unwrap();
        assert_eq!(region, Region::line(17), "an escaped newline is no line break in the file");
        let markdown = post("a.md", Some(6), "body");
        let title = Span { field: Field::Title, ..Span::text(0, 2) };
        assert_eq!(super::region(&markdown, title), Some(Region::line(1)));
        let mut sheet = post("posts.xlsx", Some(4), "text");
        sheet.origin.sheet = Some("Sheet1".into());
        assert_eq!(super::region(&sheet, Span::text(0, 1)), None);
        assert_eq!(super::region(&post("posts.json", None, "x"), Span::text(0, 1)), None);
    }

    #[test]
    fn paths_are_relative_to_the_base_with_forward_slashes() {
        let base = Path::new("/work/repo");
        assert_eq!(relative_path("/work/repo/drafts/a.md", Some(base)).unwrap(), "drafts/a.md");
        assert_eq!(relative_path("./drafts//a.md", Some(base)).unwrap(), "drafts/a.md");
        assert_eq!(relative_path("../other/a.md", Some(base)).unwrap(), "../other/a.md");
        assert_eq!(relative_path("/elsewhere/a.md", Some(base)).unwrap(), "/elsewhere/a.md");
        assert_eq!(relative_path("-", Some(base)), None, "stdin has no file");
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("drafts/été 2024/#1.md"), "drafts/%C3%A9t%C3%A9%202024/%231.md");
        assert_eq!(uri("a:b%.txt"), "a%3Ab%25.txt", "no scheme can be misread");
        assert_eq!(uri("/elsewhere/a b.md"), "file:///elsewhere/a%20b.md");
    }
}
