//! Rewriting the posts of one file: only the bytes of each fixed text
//! change. A `.txt` file or a Markdown body is the text itself; a JSON or
//! JSONL text is one string literal, written again escaped; a CSV or TSV
//! text is one cell, quoted as it was (or as it must be now). Every change
//! is checked against the file first: if the file no longer holds the text
//! that was checked, nothing of it is rewritten.

use crate::post::Origin;

/// How a file holds its posts' texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `.txt`, `.md`: the text is the file's bytes from the text offset.
    Verbatim,
    /// `.json`, `.jsonl`: a string literal starting at the text offset.
    Json,
    /// `.csv`, `.tsv`: a cell, by the record's first line and its column.
    Delimited(u8),
}

/// One post's text before and after fixing.
#[derive(Debug, Clone)]
pub struct TextChange {
    pub origin: Origin,
    pub old: String,
    pub new: String,
}

/// A change of the file's bytes: `start..end` becomes `bytes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pub start: usize,
    pub end: usize,
    pub bytes: Vec<u8>,
}

/// The replacements that put each change into `file`, in file order; an
/// error (in the user's words) when a text is not where the file had it.
pub fn replacements(
    layout: Layout,
    file: &[u8],
    changes: &[TextChange],
) -> Result<Vec<Replacement>, String> {
    if file.starts_with(&[0xFF, 0xFE]) || file.starts_with(&[0xFE, 0xFF]) {
        return Err("it is UTF-16; fixes are only written into UTF-8 files".into());
    }
    let mut cells = match layout {
        Layout::Delimited(delimiter) => Some(Cells::new(file, delimiter)),
        _ => None,
    };
    let mut out = Vec::with_capacity(changes.len());
    for change in changes {
        let where_ = change.origin.to_string();
        let replacement = match (&mut cells, change.origin.text_offset) {
            (Some(cells), _) => cells.replace(change)?,
            (None, Some(offset)) if layout == Layout::Verbatim || change.origin.verbatim => {
                let end = offset + change.old.len();
                if file.get(offset..end) != Some(change.old.as_bytes()) {
                    return Err(changed(&where_));
                }
                Replacement { start: offset, end, bytes: change.new.clone().into_bytes() }
            }
            (None, Some(offset)) => {
                json_literal(file, offset, change).ok_or_else(|| changed(&where_))?
            }
            (None, None) => {
                return Err(format!("{where_}: the text's place in the file is not known"));
            }
        };
        out.push(narrowed(file, replacement));
    }
    out.sort_by_key(|replacement| replacement.start);
    if out.windows(2).any(|pair| pair[0].end > pair[1].start) {
        return Err("two fixed texts overlap in the file".into());
    }
    Ok(out)
}

/// `replacement` without the bytes it leaves as they are at either end, so
/// that a diff shows only the lines that change.
fn narrowed(file: &[u8], mut replacement: Replacement) -> Replacement {
    let old = &file[replacement.start..replacement.end];
    let new = &replacement.bytes;
    let prefix = old.iter().zip(new.iter()).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    replacement.bytes = new[prefix..new.len() - suffix].to_vec();
    replacement.start += prefix;
    replacement.end -= suffix;
    replacement
}

/// `file` with `replacements` (in file order, not overlapping) made.
pub fn splice(file: &[u8], replacements: &[Replacement]) -> Vec<u8> {
    let extra: usize = replacements.iter().map(|r| r.bytes.len()).sum();
    let mut out = Vec::with_capacity(file.len() + extra);
    let mut at = 0;
    for replacement in replacements {
        out.extend_from_slice(&file[at..replacement.start]);
        out.extend_from_slice(&replacement.bytes);
        at = replacement.end;
    }
    out.extend_from_slice(&file[at..]);
    out
}

fn changed(place: &str) -> String {
    format!("{place}: the text there is no longer the one checked (was the file changed?)")
}

/// The JSON string literal whose opening quote is at `offset`, replaced by
/// the new text escaped, when it decodes to the old text.
fn json_literal(file: &[u8], offset: usize, change: &TextChange) -> Option<Replacement> {
    if file.get(offset) != Some(&b'"') {
        return None;
    }
    let mut at = offset + 1;
    loop {
        match file.get(at)? {
            b'\\' => at += 2,
            b'"' => break,
            _ => at += 1,
        }
    }
    let end = at + 1;
    let literal = std::str::from_utf8(&file[offset..end]).ok()?;
    let decoded: String = serde_json::from_str(literal).ok()?;
    if decoded != change.old {
        return None;
    }
    let bytes = serde_json::to_string(&change.new).ok()?.into_bytes();
    Some(Replacement { start: offset, end, bytes })
}

/// Walks a delimited file record by record, as the reader does: blank
/// lines between records skipped, quoted fields over several lines, the
/// line of each record's first byte counted.
struct Cells<'a> {
    file: &'a [u8],
    delimiter: u8,
    /// The next unread byte, at the start of a record (or a blank line).
    at: usize,
    line: u64,
}

impl<'a> Cells<'a> {
    fn new(file: &'a [u8], delimiter: u8) -> Cells<'a> {
        let at = if file.starts_with("\u{feff}".as_bytes()) { 3 } else { 0 };
        Cells { file, delimiter, at, line: 1 }
    }

    /// Finds the change's cell (records come in file order, so the walk
    /// never goes back) and writes the new text in it.
    fn replace(&mut self, change: &TextChange) -> Result<Replacement, String> {
        let where_ = change.origin.to_string();
        let (Some(line), Some(column)) = (change.origin.line, change.origin.column) else {
            return Err(format!("{where_}: the text's cell is not known"));
        };
        loop {
            self.skip_blank_lines();
            if self.at >= self.file.len() || self.line > line {
                return Err(changed(&where_));
            }
            let record_line = self.line;
            let fields = self.record();
            if record_line < line {
                continue;
            }
            let (start, end, quoted) =
                *fields.get(column as usize - 1).ok_or_else(|| changed(&where_))?;
            let raw = &self.file[start..end];
            let value = if quoted {
                String::from_utf8_lossy(&raw[1..raw.len() - 1]).replace("\"\"", "\"")
            } else {
                String::from_utf8_lossy(raw).into_owned()
            };
            if value != change.old {
                return Err(changed(&where_));
            }
            let needs_quotes = change
                .new
                .bytes()
                .any(|byte| byte == self.delimiter || matches!(byte, b'"' | b'\n' | b'\r'));
            let bytes = if quoted || needs_quotes {
                format!("\"{}\"", change.new.replace('"', "\"\"")).into_bytes()
            } else {
                change.new.clone().into_bytes()
            };
            return Ok(Replacement { start, end, bytes });
        }
    }

    fn skip_blank_lines(&mut self) {
        while let Some(&byte) = self.file.get(self.at) {
            match byte {
                b'\n' => self.line += 1,
                b'\r' => {}
                _ => break,
            }
            self.at += 1;
        }
    }

    /// Reads one record: each field's byte range, and whether it is quoted.
    fn record(&mut self) -> Vec<(usize, usize, bool)> {
        let file = self.file;
        let mut fields = Vec::new();
        loop {
            let start = self.at;
            let quoted = file.get(start) == Some(&b'"');
            if quoted {
                self.at += 1;
                while let Some(&byte) = file.get(self.at) {
                    self.at += 1;
                    match byte {
                        b'\n' => self.line += 1,
                        b'"' if file.get(self.at) == Some(&b'"') => self.at += 1,
                        b'"' => break,
                        _ => {}
                    }
                }
            }
            while let Some(&byte) = file.get(self.at) {
                if byte == self.delimiter || byte == b'\n' {
                    break;
                }
                self.at += 1;
            }
            let mut end = self.at;
            if !quoted && file.get(end) == Some(&b'\n') && end > start && file[end - 1] == b'\r' {
                end -= 1;
            }
            if quoted {
                // A quoted field ends at its closing quote; the bytes after
                // it up to the delimiter are not part of the value.
                end = closing_quote(file, start).map_or(end, |close| close + 1);
            }
            fields.push((start, end, quoted));
            match file.get(self.at) {
                Some(&byte) if byte == self.delimiter => self.at += 1,
                Some(b'\n') => {
                    self.at += 1;
                    self.line += 1;
                    return fields;
                }
                _ => return fields,
            }
        }
    }
}

/// The closing quote of the quoted field starting at `start`.
fn closing_quote(file: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    while at < file.len() {
        if file[at] == b'"' {
            if file.get(at + 1) == Some(&b'"') {
                at += 2;
                continue;
            }
            return Some(at);
        }
        at += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(origin: Origin, old: &str, new: &str) -> TextChange {
        TextChange { origin, old: old.into(), new: new.into() }
    }

    fn rewrite(layout: Layout, file: &str, changes: &[TextChange]) -> Result<String, String> {
        let replacements = replacements(layout, file.as_bytes(), changes)?;
        Ok(String::from_utf8(splice(file.as_bytes(), &replacements)).unwrap())
    }

    fn at(offset: usize) -> Origin {
        Origin { path: "f".into(), text_offset: Some(offset), ..Origin::default() }
    }

    fn cell(line: u64, column: u64) -> Origin {
        Origin { path: "f".into(), line: Some(line), column: Some(column), ..Origin::default() }
    }

    #[test]
    fn a_json_literal_is_written_again_escaped_and_nothing_else_moves() {
        let file = "{ \"id\": 1,\n  \"text\": \"say \\\"hi\\\" \\u00e9\",\n  \"x\": [1, 2] }\n";
        let offset = file.find("\"say").unwrap();
        let fixed = rewrite(
            Layout::Json,
            file,
            &[change(at(offset), "say \"hi\" é", "#ad say \"hi\" é\n")],
        );
        assert_eq!(
            fixed.unwrap(),
            "{ \"id\": 1,\n  \"text\": \"#ad say \\\"hi\\\" é\\n\",\n  \"x\": [1, 2] }\n"
        );
    }

    #[test]
    fn a_text_that_is_not_the_one_checked_is_not_rewritten() {
        let file = "{\"text\":\"other\"}";
        let error = rewrite(Layout::Json, file, &[change(at(8), "mine", "#ad mine")]).unwrap_err();
        assert!(error.contains("no longer the one checked"), "{error}");
        let error = rewrite(Layout::Verbatim, "abc", &[change(at(0), "abd", "x")]).unwrap_err();
        assert!(error.contains("no longer the one checked"), "{error}");
    }

    #[test]
    fn a_csv_cell_keeps_its_quoting_and_the_rest_its_bytes() {
        let file = "\u{feff}id;text;n\r\n1;plain;2\r\n\r\n2;\"multi\r\nline \"\"q\"\"\";3\r\n";
        let changes = [
            change(cell(2, 2), "plain", "#ad plain"),
            change(cell(4, 2), "multi\r\nline \"q\"", "#ad multi\r\nline \"q\""),
        ];
        let fixed = rewrite(Layout::Delimited(b';'), file, &changes).unwrap();
        assert_eq!(
            fixed,
            "\u{feff}id;text;n\r\n1;#ad plain;2\r\n\r\n2;\"#ad multi\r\nline \"\"q\"\"\";3\r\n"
        );
    }

    #[test]
    fn a_csv_cell_that_now_needs_quotes_gets_them() {
        let file = "text,id\nhi,1\n";
        let fixed = rewrite(Layout::Delimited(b','), file, &[change(cell(2, 1), "hi", "a, hi")]);
        assert_eq!(fixed.unwrap(), "text,id\n\"a, hi\",1\n");
    }

    #[test]
    fn utf16_files_are_not_rewritten() {
        let error = replacements(Layout::Verbatim, &[0xFF, 0xFE, b'a', 0], &[]).unwrap_err();
        assert!(error.contains("UTF-16"), "{error}");
    }
}
