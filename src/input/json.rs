//! `.json` files (one post object or an array of them), and the borrowed
//! parse of one post object that JSONL shares.

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::{ReadContext, Record, fields, record_error};
use crate::json_bytes;
use crate::post::Origin;

/// Reads a whole `.json` file: one record for an object, one per element for
/// an array, or one error for the file when it is not valid JSON.
pub(super) fn read(text: &str, path: String, ctx: &ReadContext) -> Vec<Record> {
    let text = &*without_lone_surrogates(text);
    let json = &text[super::bom_len(text)..];
    match serde_json::from_str::<Document>(json) {
        Ok(Document::Object(pairs)) => {
            let start =
                text.len() - text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']).len();
            let line = LineCounter::new(text).line_at(start);
            let origin = Origin { path, line: Some(line), ..Origin::default() };
            vec![post_from_pairs(pairs, text, 0, origin, ctx)]
        }
        Ok(Document::Array(elements)) => {
            // The line each element starts on, counted on from the last one.
            let mut lines = LineCounter::new(text);
            elements
                .into_iter()
                .enumerate()
                .map(|(index, element)| {
                    let line =
                        lines.line_at(element.get().as_ptr() as usize - text.as_ptr() as usize);
                    let origin = Origin {
                        path: path.clone(),
                        index: Some(index),
                        line: Some(line),
                        ..Origin::default()
                    };
                    match read_object(element.get()) {
                        Ok(pairs) => post_from_pairs(pairs, text, 0, origin, ctx),
                        Err(error) => Err(record_error(origin, without_position(&error))),
                    }
                })
                .collect()
        }
        Err(error) => {
            let origin = Origin { path, line: Some(error.line() as u64), ..Origin::default() };
            vec![Err(record_error(origin, error.to_string()))]
        }
    }
}

/// The searcher for `\u`, built once rather than for each line.
static UNICODE_ESCAPE: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(b"\\u"));

/// The JSON text with every escaped lone surrogate (`"\ud800"`, which
/// serde_json refuses and no string can hold) written `\ufffd` instead,
/// so the string holds U+FFFD and its post is still checked. The escape
/// keeps its length: offsets into the text stay true.
pub(super) fn without_lone_surrogates(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    if UNICODE_ESCAPE.find(bytes).is_none() {
        return Cow::Borrowed(text);
    }
    // An escaped UTF-16 code unit at `at` (the backslash), if there is one.
    let unit = |at: usize| escaped_unit(bytes.get(at..)?);
    let mut lone = Vec::new();
    let (mut at, mut in_string) = (0, false);
    while at < bytes.len() {
        match bytes[at] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                match unit(at) {
                    Some(0xD800..=0xDBFF) if matches!(unit(at + 6), Some(0xDC00..=0xDFFF)) => {
                        at += 12;
                        continue;
                    }
                    Some(0xD800..=0xDFFF) => lone.push(at),
                    _ => {}
                }
                // The escaped character is never a quote that ends the string.
                at += 2;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    if lone.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut fixed = text.to_owned().into_bytes();
    for at in lone {
        fixed[at + 2..at + 6].copy_from_slice(b"fffd");
    }
    // Only ASCII hex digits were replaced by ASCII hex digits.
    Cow::Owned(String::from_utf8(fixed).unwrap_or_else(|_| text.to_owned()))
}

/// 1-based line numbers of byte offsets given in increasing order, counting
/// each part of the text once.
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter { text, offset: 0, line: 1 }
    }

    fn line_at(&mut self, offset: usize) -> u64 {
        let offset = offset.min(self.text.len());
        if offset > self.offset {
            let newlines =
                self.text.as_bytes()[self.offset..offset].iter().filter(|&&b| b == b'\n');
            self.line += newlines.count() as u64;
            self.offset = offset;
        }
        self.line
    }
}

/// A post object's entries in file order.
pub(super) type Pairs<'de> = Vec<Entry<'de>>;

/// One entry of a post object, borrowed from the source: its key (copied
/// only when it holds an escape), its value as written (whose place in the
/// source gives the offsets), and the value itself when it was read so (a
/// string, or an array of strings such as a post's countries).
pub(super) struct Entry<'de> {
    key: Cow<'de, str>,
    raw: &'de str,
    value: Option<Value>,
}

/// One post object, as serde_json reads it.
struct Object<'de>(Pairs<'de>);

/// The entries of the post object `json`: read in one pass when
/// [`entries_in_one_pass`] can, else by serde_json, which also names any
/// problem.
pub(super) fn read_object(json: &str) -> Result<Pairs<'_>, serde_json::Error> {
    match entries_in_one_pass(json) {
        Some(pairs) => Ok(pairs),
        None => serde_json::from_str::<Object>(json).map(|Object(pairs)| pairs),
    }
}

/// The entries of a JSON object whose keys are strings, read in one pass:
/// string values, and arrays of them, decoded as they are found (serde_json
/// read each string once to find its end and the caller once more to
/// decode it, a fifth of reading a JSONL post), any other value's extent
/// found by serde_json.
/// `None` for anything else and for anything serde_json would refuse: a
/// control character in a string, a bad escape, a missing comma, more
/// after the object.
fn entries_in_one_pass(json: &str) -> Option<Pairs<'_>> {
    let bytes = json.as_bytes();
    let open = after_whitespace(bytes, 0);
    if bytes.get(open) != Some(&b'{') {
        return None;
    }
    // As many entries as serde_json's reading made room for.
    let mut pairs = Vec::with_capacity(16);
    let end = read_list(bytes, open, b'}', |at| {
        if bytes.get(at) != Some(&b'"') {
            return None;
        }
        let (key, key_end) = read_string(json, at)?;
        let colon = after_whitespace(bytes, key_end);
        if bytes.get(colon) != Some(&b':') {
            return None;
        }
        let start = after_whitespace(bytes, colon + 1);
        let read = match bytes.get(start) {
            Some(b'"') => {
                let (string, end) = read_string(json, start)?;
                Some((Value::String(string.into_owned()), end))
            }
            Some(b'[') => read_strings(json, start),
            _ => None,
        };
        let (value, end) = match read {
            Some((value, end)) => (Some(value), end),
            None => {
                let mut values = serde_json::Deserializer::from_str(&json[start..]);
                let raw = <&RawValue>::deserialize(&mut values).ok()?;
                (None, start + raw.get().len())
            }
        };
        pairs.push(Entry { key, raw: &json[start..end], value });
        Some(end)
    })?;
    (after_whitespace(bytes, end) == bytes.len()).then_some(pairs)
}

/// The array of strings whose `[` is at `open` in `json`, and where it
/// ends; `None` for any other array (serde_json then reads it).
fn read_strings(json: &str, open: usize) -> Option<(Value, usize)> {
    let bytes = json.as_bytes();
    let mut strings = Vec::new();
    let end = read_list(bytes, open, b']', |at| {
        if bytes.get(at) != Some(&b'"') {
            return None;
        }
        let (string, end) = read_string(json, at)?;
        strings.push(Value::String(string.into_owned()));
        Some(end)
    })?;
    Some((Value::Array(strings), end))
}

/// Reads the comma-separated items of the object or array that opens at
/// `open` and closes with `close`: `item` reads the one starting at a
/// place and says where it ends. Returns where the list ends; `None` when
/// an item cannot be read or a comma or the close is missing.
fn read_list(
    bytes: &[u8],
    open: usize,
    close: u8,
    mut item: impl FnMut(usize) -> Option<usize>,
) -> Option<usize> {
    let mut at = after_whitespace(bytes, open + 1);
    if bytes.get(at) == Some(&close) {
        return Some(at + 1);
    }
    loop {
        at = after_whitespace(bytes, item(at)?);
        match bytes.get(at) {
            Some(b',') => at = after_whitespace(bytes, at + 1),
            Some(&byte) if byte == close => return Some(at + 1),
            _ => return None,
        }
    }
}

/// Where the JSON whitespace from `at` ends.
fn after_whitespace(bytes: &[u8], at: usize) -> usize {
    let blank = bytes.get(at..).unwrap_or_default();
    at + blank.iter().take_while(|byte| matches!(byte, b' ' | b'\n' | b'\t' | b'\r')).count()
}

/// The top of a `.json` file.
enum Document<'de> {
    Object(Pairs<'de>),
    Array(Vec<&'de RawValue>),
}

/// Builds a post from a parsed object. `source` is the string the object was
/// parsed from and `base` its offset in the file, so text offsets are in
/// file bytes.
pub(super) fn post_from_pairs(
    pairs: Pairs<'_>,
    source: &str,
    base: usize,
    origin: Origin,
    ctx: &ReadContext,
) -> Record {
    let mut entries = Vec::with_capacity(pairs.len());
    for Entry { key, raw, value } in pairs {
        // The raw value was already validated, so this only fails on
        // pathological input such as nesting beyond serde_json's limit.
        let value = match value.or_else(|| string_value(raw).map(Value::String)) {
            Some(value) => value,
            None => serde_json::from_str(raw).map_err(|error| {
                record_error(origin.clone(), format!("{key}: {}", without_position(&error)))
            })?,
        };
        let offset = raw.as_ptr() as usize - source.as_ptr() as usize + base;
        entries.push((key, value, Some(offset)));
    }
    fields::build(entries, origin, ctx)
}

/// The characters of a JSON string value, its escapes decoded (a
/// caption's line breaks). `None` for any other value, and for a `\u`
/// escape that is half a character (serde_json then names the problem).
fn string_value(raw: &str) -> Option<String> {
    if !raw.starts_with('"') {
        return None;
    }
    let (string, end) = read_string(raw, 0)?;
    (end == raw.len()).then(|| string.into_owned())
}

/// The string whose opening quote is at `open` in `json`, its escapes
/// decoded (borrowed when it holds none), and where it ends; `None` unless
/// it is what JSON allows: no control character, only JSON's escapes, a
/// closing quote. Decoded in a string with room for the rest of the source
/// up to [`DECODED_ROOM`]: serde_json would grow its buffer from nothing,
/// copying a caption several times on the way.
fn read_string(json: &str, open: usize) -> Option<(Cow<'_, str>, usize)> {
    let bytes = json.as_bytes();
    let mut decoded: Option<String> = None;
    let mut from = open + 1;
    loop {
        let stop = special_byte(bytes, from)?;
        let piece = &json[from..stop];
        match bytes[stop] {
            b'"' => {
                let string = match decoded {
                    None => Cow::Borrowed(piece),
                    Some(mut decoded) => {
                        decoded.push_str(piece);
                        // What a short string leaves of its room is given
                        // back, so many of them on one line stay within its
                        // length.
                        if decoded.capacity() > 2 * decoded.len() + 64 {
                            decoded.shrink_to_fit();
                        }
                        Cow::Owned(decoded)
                    }
                };
                return Some((string, stop + 1));
            }
            b'\\' => {}
            _control => return None,
        }
        let room = (json.len() - open).min(DECODED_ROOM);
        let decoded = decoded.get_or_insert_with(|| String::with_capacity(room));
        decoded.push_str(piece);
        let (c, width) = match *bytes.get(stop + 1)? {
            b'"' => ('"', 2),
            b'\\' => ('\\', 2),
            b'/' => ('/', 2),
            b'b' => ('\u{8}', 2),
            b'f' => ('\u{C}', 2),
            b'n' => ('\n', 2),
            b'r' => ('\r', 2),
            b't' => ('\t', 2),
            b'u' => escaped_char(&bytes[stop..])?,
            _ => return None,
        };
        decoded.push(c);
        from = stop + width;
    }
}

/// The most room a decoded string starts with: a long caption (2,200
/// characters on Instagram, up to 8 KB in UTF-8) in one allocation, and a
/// line of many short escaped strings not one large allocation each.
const DECODED_ROOM: usize = 8 << 10;

/// The first byte from `from` that a JSON string cannot hold as it is: a
/// quote, a backslash or a control character (eight at a time).
fn special_byte(bytes: &[u8], from: usize) -> Option<usize> {
    let mut words = bytes.get(from..)?.chunks_exact(8);
    for (index, word) in words.by_ref().enumerate() {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        if let Some(at) = json_bytes::first_escaped(word) {
            return Some(from + index * 8 + at);
        }
    }
    let tail = bytes.len() - words.remainder().len();
    words.remainder().iter().position(|&byte| json_bytes::is_escaped(byte)).map(|at| tail + at)
}

/// The character of the `\uXXXX` escape `escape` starts with (two escapes
/// for a surrogate pair), and how many bytes it takes.
fn escaped_char(escape: &[u8]) -> Option<(char, usize)> {
    let first = escaped_unit(escape)?;
    if let Some(Ok(c)) = char::decode_utf16([first]).next() {
        return Some((c, 6));
    }
    let second = escaped_unit(escape.get(6..)?)?;
    Some((char::decode_utf16([first, second]).next()?.ok()?, 12))
}

/// The UTF-16 unit of the `\uXXXX` escape `bytes` start with.
fn escaped_unit(bytes: &[u8]) -> Option<u16> {
    let hex = bytes.strip_prefix(b"\\u")?.get(..4)?;
    let digit = |byte: &u8| char::from(*byte).to_digit(16);
    hex.iter().try_fold(0, |unit, byte| Some(unit << 4 | digit(byte)? as u16))
}

/// serde_json's message without its ` at line L column C` suffix, for when
/// that position is relative to a fragment rather than the file.
pub(super) fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&suffix) {
        Some(bare) => bare.to_owned(),
        None => message,
    }
}

fn collect_pairs<'de, A: MapAccess<'de>>(mut map: A) -> Result<Pairs<'de>, A::Error> {
    let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(16));
    while let Some(Key(key)) = map.next_key()? {
        let raw: &RawValue = map.next_value()?;
        pairs.push(Entry { key, raw: raw.get(), value: None });
    }
    Ok(pairs)
}

impl<'de> Deserialize<'de> for Object<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = Object<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a post object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Object<'de>, A::Error> {
                collect_pairs(map).map(Object)
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

impl<'de> Deserialize<'de> for Document<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DocumentVisitor;
        impl<'de> Visitor<'de> for DocumentVisitor {
            type Value = Document<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a post object or an array of post objects")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Document<'de>, A::Error> {
                collect_pairs(map).map(Document::Object)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Document<'de>, A::Error> {
                let mut elements = Vec::with_capacity(seq.size_hint().unwrap_or(16));
                while let Some(element) = seq.next_element()? {
                    elements.push(element);
                }
                Ok(Document::Array(elements))
            }
        }
        deserializer.deserialize_any(DocumentVisitor)
    }
}

/// An object key, borrowed unless it contains escapes (serde's own
/// `Cow<str>` always copies).
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each value of a post object: a string decoded as parsing it gives,
    /// and for every other value, and a half character, nothing.
    #[test]
    fn strings_are_decoded_as_serde_json_parses_them() {
        let document = r#"{"a": "plain", "b":"", "c": "é 👩‍💻 \u00e9\u00E9", "d": "line\nbreak",
            "e": ["x"], "f": 3, "g": "quote \" inside", "h": "tab\t\b\f\r\/", "i": "  spaced  ",
            "j": null, "k": "\\", "l": "ends in a backslash \\", "m": "\ud83d\ude00 \uD83D\uDE00!",
            "n": "\\u0041", "o": "\u0000 \u001f \uffff", "p": "\ud800", "q": "\udc00 x",
            "r": "\ud800\u0041", "s": {"t": "u"}}"#;
        let Object(pairs) = serde_json::from_str(document).unwrap();
        let mut decoded = Vec::new();
        for Entry { key, raw, .. } in &pairs {
            let parsed = serde_json::from_str::<Value>(raw);
            match string_value(raw) {
                Some(string) => {
                    assert_eq!(Value::String(string), parsed.unwrap(), "{key}");
                    decoded.push(key.to_string());
                }
                None => assert!(parsed.is_err() || !parsed.unwrap().is_string(), "{key}"),
            }
        }
        let strings = ["a", "b", "c", "d", "g", "h", "i", "k", "l", "m", "n", "o"];
        assert_eq!(decoded, strings);
    }

    /// An object's entries as a post is built from them: key, value as
    /// written, and the value read (`None` where reading it fails).
    type Read = Vec<(String, String, Option<Value>)>;

    fn as_read(pairs: Pairs<'_>) -> Read {
        let value = |entry: &Entry| match &entry.value {
            Some(value) => Some(value.clone()),
            None => serde_json::from_str(entry.raw).ok(),
        };
        pairs
            .iter()
            .map(|entry| (entry.key.to_string(), entry.raw.to_string(), value(entry)))
            .collect()
    }

    /// What serde_json reads of `json`, and what the one pass reads (`None`
    /// when it leaves the object to serde_json).
    fn both_ways(json: &str) -> (Result<Read, String>, Option<Read>) {
        let by_serde = serde_json::from_str::<Object>(json)
            .map(|Object(pairs)| as_read(pairs))
            .map_err(|error| error.to_string());
        (by_serde, entries_in_one_pass(json).map(as_read))
    }

    /// A post object written with any keys (escapes and duplicates
    /// included), any values, and JSON's whitespace around every token.
    fn any_object() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            ".{0,12}".prop_map(Value::from),
        ];
        let value = leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::vec((".{0,4}", inner), 0..3)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        });
        let blank = "[ \t\r\n]{0,2}";
        let entry = (blank, ".{0,8}|text|id", blank, blank, value, blank);
        (prop::collection::vec(entry, 0..6), blank, blank).prop_map(|(entries, open, close)| {
            let entries: Vec<String> = entries
                .into_iter()
                .map(|(a, key, b, c, value, d)| format!("{a}{}{b}:{c}{value}{d}", Value::from(key)))
                .collect();
            format!("{open}{{{}}}{close}", entries.join(","))
        })
    }

    #[test]
    fn one_pass_leaves_to_serde_json_what_it_cannot_read_exactly() {
        let refused = [
            "{\"a\": \"tab\there\"}",
            "{\"a\": \"x\\q\"}",
            "{\"a\": \"x\",}",
            "{\"a\" \"x\"}",
            "{\"a\": \"x\"} {}",
            "{\"a\": \"x\"",
            "{a: \"x\"}",
            "[{\"a\": \"x\"}]",
            "{\"a\": [1,]}",
            "{\"a\": [\"x\",]}",
            "{\"a\": [\"x\" \"y\"]}",
            "{\"a\": [,\"x\"]}",
            "{\"a\": [\"x\"}",
            "{\"a\": \"\\ud800\"}",
        ];
        for json in refused {
            assert_eq!(entries_in_one_pass(json).map(as_read), None, "{json}");
        }
        let (by_serde, one_pass) =
            both_ways(" {\"te\\u0078t\" :\n\"a\\nb\" , \"n\": [1, {\"x\": null}]}\r\n");
        assert_eq!(one_pass.as_ref(), by_serde.as_ref().ok());
        assert_eq!(one_pass.unwrap()[0].0, "text");
        // Nested past serde_json's depth limit, inside a post or alone.
        for depth in [126, 127, 128, 129] {
            let nested = format!("{{\"a\": {}{}}}", "[".repeat(depth), "]".repeat(depth));
            let (by_serde, one_pass) = both_ways(&nested);
            assert!(one_pass.is_none() || one_pass.as_ref() == by_serde.as_ref().ok(), "{depth}");
        }
    }

    proptest::proptest! {
        /// Every object serde_json reads is read in one pass, the same.
        #[test]
        fn one_pass_reads_every_object_as_serde_json_does(json in any_object()) {
            let (by_serde, one_pass) = both_ways(&json);
            proptest::prop_assert_eq!(one_pass, Some(by_serde.unwrap()));
        }

        /// An object broken anywhere is read in one pass only as serde_json
        /// reads it.
        #[test]
        fn a_broken_object_is_read_in_one_pass_only_as_serde_json_reads_it(
            json in any_object(),
            at in proptest::prelude::any::<proptest::sample::Index>(),
            edit in 0u8..3,
            byte in proptest::sample::select(b"\"\\{}[],: a0\n\t\x01u".to_vec()),
        ) {
            let mut bytes = json.into_bytes();
            let at = at.index(bytes.len() + 1);
            match edit {
                0 => bytes.insert(at, byte),
                1 if at < bytes.len() => { bytes.remove(at); }
                _ if at < bytes.len() => bytes[at] = byte,
                _ => bytes.push(byte),
            }
            let Ok(json) = String::from_utf8(bytes) else { return Ok(()) };
            let (by_serde, one_pass) = both_ways(&json);
            if let Some(one_pass) = one_pass {
                proptest::prop_assert_eq!(Ok(one_pass), by_serde);
            }
        }

        /// Any string, as serde_json writes it with its escapes.
        #[test]
        fn any_string_written_as_json_is_decoded_back(text in ".*") {
            let raw = serde_json::to_string(&text).unwrap();
            proptest::prop_assert_eq!(string_value(&raw), Some(text));
        }
    }

    #[test]
    fn lone_surrogates_become_replacement_characters_and_keep_their_length() {
        let text =
            r#"{"a": "x\ud800y", "b": "\uDC00", "c": "\ud83d\ude00", "d": "\\ud800", "\ud801": 1}"#;
        let fixed = without_lone_surrogates(text);
        assert_eq!(fixed.len(), text.len());
        let value: Value = serde_json::from_str(&fixed).unwrap();
        assert_eq!(value["a"], "x\u{fffd}y");
        assert_eq!(value["b"], "\u{fffd}");
        assert_eq!(value["c"], "😀", "a pair is kept");
        assert_eq!(value["d"], "\\ud800", "an escaped backslash is no escape");
        assert_eq!(value["\u{fffd}"], 1);
        assert!(matches!(without_lone_surrogates(r#"{"a": "\n\u00e9"}"#), Cow::Borrowed(_)));
    }
    use crate::input::tests::context;

    fn records(file: &str) -> Vec<Record> {
        read(file, "posts.json".into(), &context())
    }

    #[test]
    fn array_elements_carry_the_line_they_start_on() {
        let file = "[\n  {\"id\":\"a\",\"text\":\"x\"},\n\n  {\"id\":\"b\",\n   \"text\":\"y\"},\n  {\"id\": 3}\n]\n";
        let lines: Vec<Option<u64>> = read(file, "a.json".into(), &ReadContext::default())
            .iter()
            .map(|record| match record {
                Ok(post) => post.origin.line,
                Err(error) => error.origin.line,
            })
            .collect();
        assert_eq!(lines, [Some(2), Some(4), Some(6)]);
    }

    #[test]
    fn one_object_is_one_post_with_the_text_offset_at_the_quote() {
        let file = "{\n  \"id\": \"p1\",\n  \"caption\":   \"Hello \\\"you\\\" #ad\",\n  \"country\": \"EU\"\n}\n";
        let records = records(file);
        let post = records[0].as_ref().unwrap();
        assert_eq!(post.text, "Hello \"you\" #ad");
        let offset = post.origin.text_offset.unwrap();
        assert!(file[offset..].starts_with("\"Hello"), "{}", &file[offset..]);
        assert_eq!((post.origin.line, post.origin.index), (Some(1), None));
        assert_eq!(post.markets.len(), 2);
    }

    #[test]
    fn an_array_is_one_record_per_element_with_its_own_errors() {
        let file = "\u{feff}[{\"text\": \"a\"}, 5, {\"id\": \"c\", \"media\": \"gif\"}, {\"body\": \"d\"}]";
        let records = records(file);
        assert_eq!(records.len(), 4);
        for (index, record) in records.iter().enumerate() {
            let origin = match record {
                Ok(post) => &post.origin,
                Err(error) => &error.origin,
            };
            assert_eq!(origin.index, Some(index));
        }
        assert_eq!(
            records[1].as_ref().unwrap_err().message,
            "invalid type: integer `5`, expected a post object"
        );
        let error = records[2].as_ref().unwrap_err();
        assert_eq!(error.id.as_deref(), Some("c"));
        assert!(error.message.starts_with("media: unknown media 'gif'"));
        for post in records.iter().flatten() {
            assert!(file[post.origin.text_offset.unwrap()..].starts_with('"'));
        }
    }

    #[test]
    fn a_syntax_error_is_one_error_for_the_file_with_its_line() {
        let records = records("[\n{\"text\": \"a\"},\n{\"text\" \"b\"}\n]");
        assert_eq!(records.len(), 1);
        let error = records[0].as_ref().unwrap_err();
        assert_eq!(error.origin.line, Some(3));
        assert_eq!(error.message, "expected `:` at line 3 column 9");
    }

    #[test]
    fn a_scalar_document_is_an_error() {
        let error = records("\"just text\"").remove(0).unwrap_err();
        assert!(
            error.message.starts_with(
                "invalid type: string \"just text\", expected a post object or an array"
            ),
            "{}",
            error.message
        );
    }

    #[test]
    fn without_position_strips_only_the_position() {
        let error = serde_json::from_str::<Value>("[1,").unwrap_err();
        assert_eq!(without_position(&error), "EOF while parsing a value");
        let error = serde_json::from_value::<bool>(Value::from(1)).unwrap_err();
        assert_eq!(without_position(&error), "invalid type: integer `1`, expected a boolean");
    }
}
