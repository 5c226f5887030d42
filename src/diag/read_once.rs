//! A pack's YAML read once, at run time, into the form build.rs writes
//! (`packed.rs`) with the place of every value, so that the two passes
//! over a pack (what every rule says, then each kind's parameters) step
//! through it instead of each parsing the YAML: parsing is most of the
//! cost of loading a large pack.
//!
//! Only a document read here exactly as the YAML reader (serde-saphyr)
//! reads it is taken: one document of maps, lists and scalars, without
//! anchors, aliases, tags, merge keys, duplicate keys or keys that are not
//! text, within the reader's budget, and without plain scalars whose type
//! the YAML reader might decide otherwise than here (`0x1F`, `1e3`,
//! `007`). Anything else gives `None`, and the YAML reader reads the pack,
//! as it does a pack this form fails to read (so every problem a pack has
//! is told by the YAML reader, in its words).

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use foldhash::{HashSet, HashSetExt};
use granit_parser::{Event, Parser, ScalarStyle, Span};

use super::packed;
use super::prebuilt::{Place, Prebuilt};

/// Below the YAML reader's budget (250,000 values, 64 levels): a document
/// past these is left to the reader, which refuses one past its own.
const MAX_NODES: usize = 200_000;
const MAX_DEPTH: usize = 32;

/// The document, or `None` when the YAML reader must read it (above).
pub fn read_once(source: &str) -> Option<Prebuilt> {
    // The form numbers its texts with `u32`s; an escape may make a text
    // half as long again as it was written (`\L` is three bytes). Its tree
    // stays small: at most `MAX_NODES` values.
    if source.len() > (u32::MAX / 2) as usize {
        return None;
    }
    let mut reader = Reader::default();
    let mut documents = 0;
    for item in Parser::new_from_str(source) {
        let (event, span) = item.ok()?;
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
            Event::DocumentStart(_, version) => {
                documents += 1;
                // A `%YAML` directive may change how the reader types scalars.
                if documents > 1 || version.is_some() {
                    return None;
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                reader.scalar(&value, style, &span)?;
            }
            Event::SequenceStart(_, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                reader.open(packed::LIST, &span)?;
            }
            Event::MappingStart(_, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                reader.open(packed::MAP, &span)?;
            }
            Event::SequenceEnd | Event::MappingEnd => reader.close()?,
            // Aliases, and what only some builds of the parser emit.
            _ => return None,
        }
    }
    reader.finish()
}

#[derive(Default)]
struct Reader {
    texts: String,
    tree: Vec<u8>,
    places: Vec<Place>,
    open: Vec<Open>,
    hasher: FixedState,
    /// The document's one value has been read.
    done: bool,
}

/// A list or map being read.
struct Open {
    /// Where its count and body length go once it is closed.
    room: usize,
    /// Its items; a map's keys and values both.
    items: usize,
    /// A map's keys so far, hashed: a key given twice is the YAML reader's
    /// to refuse. (Two keys of one hash, were it ever so, would only leave
    /// the document to the YAML reader.)
    keys: Option<HashSet<u64>>,
}

impl Reader {
    /// Writes a value's tag and place; `None` when the document holds more
    /// values than the YAML reader's budget allows, or a second document
    /// value.
    fn start_value(&mut self, tag: u8, span: &Span) -> Option<()> {
        if self.done || self.places.len() >= MAX_NODES {
            return None;
        }
        if let Some(open) = self.open.last_mut() {
            open.items += 1;
        }
        let place = place(span)?;
        self.tree.push(tag | packed::LOCATED);
        packed::write_number(&mut self.tree, self.places.len());
        self.places.push(place);
        Some(())
    }

    /// Whether the next value is a map's key.
    fn at_key(&self) -> bool {
        self.open.last().is_some_and(|open| open.keys.is_some() && open.items % 2 == 0)
    }

    fn scalar(&mut self, value: &str, style: ScalarStyle, span: &Span) -> Option<()> {
        let kind = match style {
            ScalarStyle::Plain => plain(value)?,
            _ => Plain::Text,
        };
        if self.at_key() {
            if kind != Plain::Text || (style == ScalarStyle::Plain && value == "<<") {
                return None;
            }
            let keys = self.open.last_mut()?.keys.as_mut()?;
            if !keys.insert(self.hasher.hash_one(value)) {
                return None;
            }
        }
        match kind {
            Plain::Null => self.start_value(packed::NULL, span),
            Plain::Bool(false) => self.start_value(packed::FALSE, span),
            Plain::Bool(true) => self.start_value(packed::TRUE, span),
            Plain::Integer | Plain::Decimal => self.text(packed::NUMBER, value, span),
            Plain::Word => self.text(packed::WORD, value, span),
            Plain::Text => self.text(packed::TEXT, value, span),
        }?;
        self.done = self.open.is_empty();
        Some(())
    }

    fn text(&mut self, tag: u8, value: &str, span: &Span) -> Option<()> {
        self.start_value(tag, span)?;
        packed::write_number(&mut self.tree, self.texts.len());
        packed::write_number(&mut self.tree, value.len());
        self.texts.push_str(value);
        Some(())
    }

    fn open(&mut self, tag: u8, span: &Span) -> Option<()> {
        // A list or map as a key ("? [a, b]: c") is not text.
        if self.at_key() || self.open.len() >= MAX_DEPTH {
            return None;
        }
        self.start_value(tag, span)?;
        let room = self.tree.len();
        self.tree.extend_from_slice(&[0; 8]);
        let keys = (tag == packed::MAP).then(HashSet::new);
        self.open.push(Open { room, items: 0, keys });
        Some(())
    }

    /// Fills in the count and body length of the list or map just read.
    fn close(&mut self) -> Option<()> {
        let open = self.open.pop()?;
        let count = if open.keys.is_some() { open.items / 2 } else { open.items };
        let body = self.tree.len() - (open.room + 8);
        let mut numbers = Vec::with_capacity(8);
        packed::write_number(&mut numbers, count);
        packed::write_number(&mut numbers, body);
        self.tree[open.room..open.room + 8].copy_from_slice(&numbers);
        self.done = self.open.is_empty();
        Some(())
    }

    fn finish(self) -> Option<Prebuilt> {
        // No value, or a list or map left open.
        if !self.done || !self.open.is_empty() {
            return None;
        }
        Some(Prebuilt::located(self.texts, self.tree, self.places))
    }
}

/// A value's place as the YAML reader's `Location` gives it for the same
/// parser event: its start's line and column (1-based) and its extent in
/// characters and bytes.
fn place(span: &Span) -> Option<Place> {
    let (start, end) = (&span.start, &span.end);
    let number = |value: usize| u32::try_from(value).ok().filter(|&value| value < u32::MAX);
    let (start_byte, end_byte) = (start.byte_offset()?, end.byte_offset()?);
    Some(Place {
        line: number(start.line())?,
        column: number(start.col() + 1)?,
        chars: (number(start.index())?, number(end.index().checked_sub(start.index())?)?),
        bytes: (number(start_byte)?, number(end_byte.checked_sub(start_byte)?)?),
    })
}

/// What a plain scalar is, as YAML's core schema types it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plain {
    Null,
    Bool(bool),
    /// A decimal integer without a sign or leading zeros the YAML reader
    /// might read otherwise.
    Integer,
    /// Digits, a point and digits (`14.9`, `0.3333`).
    Decimal,
    /// A word YAML 1.1 reads as a boolean (`no`, `Off`, `Y`), which the
    /// YAML reader gives as text to a key that expects text (`pack: no`,
    /// Norway's).
    Word,
    Text,
}

/// `None` for a plain scalar whose type the YAML reader might decide
/// otherwise: numbers in any other notation (`1e3`, `0x1F`, `0o17`, `007`,
/// `1_000`, `.inf`, `+5`).
fn plain(value: &str) -> Option<Plain> {
    let unsigned = value.strip_prefix('-').unwrap_or(value);
    let digits = |text: &str| !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit());
    // No leading zero, which YAML 1.1 reads as octal.
    let whole = |text: &str| digits(text) && (text == "0" || !text.starts_with('0'));
    Some(match value {
        "" | "~" | "null" | "Null" | "NULL" => Plain::Null,
        "true" => Plain::Bool(true),
        "false" => Plain::Bool(false),
        _ if whole(unsigned) && value.parse::<i64>().is_ok() => Plain::Integer,
        _ if unsigned
            .split_once('.')
            .is_some_and(|(int, fraction)| whole(int) && digits(fraction)) =>
        {
            Plain::Decimal
        }
        _ if ["y", "n", "yes", "no", "on", "off", "true", "false"]
            .iter()
            .any(|word| value.eq_ignore_ascii_case(word)) =>
        {
            Plain::Word
        }
        _ if number_otherwise(value) => return None,
        _ => Plain::Text,
    })
}

fn number_otherwise(value: &str) -> bool {
    let unsigned = value.trim_start_matches(['-', '+']);
    let spelled = ["nan", "inf", "infinity"].iter().any(|word| unsigned.eq_ignore_ascii_case(word));
    // Any other number starts with a digit or a point (`.5`, `.inf`).
    if !unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return spelled || value.eq_ignore_ascii_case("null");
    }
    let lower = unsigned.to_ascii_lowercase();
    lower.replace('_', "").parse::<f64>().is_ok()
        || lower.starts_with(".inf")
        || lower.starts_with(".nan")
        || ["0x", "0o", "0b"].iter().any(|prefix| lower.starts_with(prefix))
        || lower.contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_the_yaml_reader_might_type_otherwise_are_left_to_it() {
        for value in ["1e3", "-2.5e1", "0x1F", "0o17", "007", "1_000", ".inf", "-.Inf", ".NaN"] {
            assert_eq!(plain(value), None, "{value}");
        }
        for value in ["+5", "12:30", "nan", "inf", "00.5", ".5", "5.", "NuLL"] {
            assert_eq!(plain(value), None, "{value}");
        }
        for value in ["12", "-3", "0"] {
            assert_eq!(plain(value), Some(Plain::Integer), "{value}");
        }
        assert_eq!(plain("99999999999999999999"), None, "past i64");
        for value in ["14.9", "0.3333", "-1.0"] {
            assert_eq!(plain(value), Some(Plain::Decimal), "{value}");
        }
        for value in ["no", "NO", "Off", "y", "Yes", "True", "FALSE"] {
            assert_eq!(plain(value), Some(Plain::Word), "{value}");
        }
        assert_eq!(plain("~"), Some(Plain::Null));
        assert_eq!(plain(""), Some(Plain::Null));
        assert_eq!(plain("false"), Some(Plain::Bool(false)));
        for value in ["1.0.0", "2026-12-03", "#ad", "Werbung", "fr/missing-disclosure", "NOx"] {
            assert_eq!(plain(value), Some(Plain::Text), "{value}");
        }
    }

    #[test]
    fn documents_only_the_yaml_reader_reads_as_it_does_are_left_to_it() {
        let left = [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "<<: {a: 1}\nb: 2\n",
            "a: 1\na: 2\n",
            "? [a, b]\n: c\n",
            "1: a\n",
            "no: a\n",
            "a: 0x1F\n",
            "--- a\n--- b\n",
            "",
            "a: [1, 2\n",
        ];
        for source in left {
            assert!(read_once(source).is_none(), "{source:?}");
        }
        assert!(read_once("a: 1\nb: [x, 'y', {c: ~}, no, 1.5]\n").is_some());
        let deep = format!("{}x{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(read_once(&deep).is_none(), "deeper than the YAML reader's budget");
    }
}
