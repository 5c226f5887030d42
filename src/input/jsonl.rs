//! `.jsonl`/`.ndjson`: one post object per line, streamed so a file of any
//! size reads in constant memory.

use std::io::BufRead;

use serde_json::error::Category;

use super::decode::utf8;
use super::json::{post_from_pairs, read_object, without_lone_surrogates, without_position};
use super::{RawRecord, ReadContext, Record, bom_len, cannot_read, record_error};
use crate::limits::over_limit;
use crate::post::Origin;

/// The records of a JSONL stream, read one line at a time.
pub(super) struct Records<'a> {
    reader: Box<dyn BufRead + 'a>,
    path: String,
    /// Line number of the last line read.
    line: u64,
    /// Byte offset in the stream of the next line.
    offset: usize,
    buffer: Vec<u8>,
    /// Set after a read error: the rest of the stream is unknown.
    failed: bool,
    /// The longest line read into memory (the `jsonl-line` limit).
    max_line: u64,
}

impl<'a> Records<'a> {
    pub(super) fn new(reader: Box<dyn BufRead + 'a>, path: String, max_line: u64) -> Self {
        Records { reader, path, line: 0, offset: 0, buffer: Vec::new(), failed: false, max_line }
    }
}

impl Iterator for Records<'_> {
    type Item = RawRecord;

    fn next(&mut self) -> Option<RawRecord> {
        while !self.failed {
            self.buffer.clear();
            let start = self.offset;
            // Bytes, not a String, so a bad line is one error record and the
            // next lines still read.
            let read = read_line_within(&mut self.reader, &mut self.buffer, self.max_line);
            self.line += 1;
            let origin =
                Origin { path: self.path.clone(), line: Some(self.line), ..Origin::default() };
            match read {
                Ok((0, _)) => return None,
                Ok((length, too_long)) => {
                    self.offset += length;
                    if too_long {
                        let message = over_limit(length as u64, "jsonl-line", self.max_line);
                        return Some(Err(record_error(origin, message)).into());
                    }
                }
                Err(error) => {
                    self.failed = true;
                    return Some(Err(record_error(origin, cannot_read(&self.path, &error))).into());
                }
            }
            if self.buffer.trim_ascii().is_empty() {
                continue;
            }
            // Handed on as bytes: the checking thread checks they are UTF-8,
            // so this one, which all others wait on, only splits lines.
            let bytes = self.buffer.as_slice().to_owned();
            return Some(RawRecord::JsonLine(Line { bytes, start, origin }));
        }
        None
    }
}

/// Reads one line (its `\n` included) into `buffer`, unless it is longer
/// than `max` bytes: then the line is read past without being kept. Returns
/// the bytes the line took in the stream, and whether it was too long.
fn read_line_within(
    reader: &mut dyn BufRead,
    buffer: &mut Vec<u8>,
    max: u64,
) -> std::io::Result<(usize, bool)> {
    let (mut taken, mut too_long) = (0, false);
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        if available.is_empty() {
            return Ok((taken, too_long));
        }
        let (chunk, ends) = match memchr::memchr(b'\n', available) {
            Some(at) => (&available[..=at], true),
            None => (available, false),
        };
        if (buffer.len() + chunk.len()) as u64 > max.saturating_add(1) {
            too_long = true;
            buffer.clear();
        } else if !too_long {
            buffer.extend_from_slice(chunk);
        }
        let length = chunk.len();
        reader.consume(length);
        taken += length;
        if ends {
            return Ok((taken, too_long));
        }
    }
}

/// One non-blank line of a JSONL stream, not parsed yet (nor known to be
/// UTF-8).
pub struct Line {
    bytes: Vec<u8>,
    /// Byte offset of the line in the stream.
    start: usize,
    origin: Origin,
}

impl Line {
    pub(super) fn parse(self, ctx: &ReadContext) -> Record {
        let Line { bytes, start, origin } = self;
        let line = origin.line.unwrap_or(0);
        let text = match utf8(&bytes, start, line) {
            Ok(text) => text,
            Err(error) => return Err(record_error(origin, error)),
        };
        let text = without_lone_surrogates(text);
        let json = if start == 0 { &text[bom_len(&text)..] } else { &*text };
        match read_object(json) {
            Ok(pairs) => post_from_pairs(pairs, &text, start, origin, ctx),
            Err(error) => Err(record_error(origin, line_error(&error))),
        }
    }
}

/// serde_json's message with the column, which locates syntax errors; the
/// line is in the origin already.
fn line_error(error: &serde_json::Error) -> String {
    let message = without_position(error);
    match error.classify() {
        Category::Data => message,
        _ => format!("{message} at column {}", error.column()),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::input::tests::context;

    fn records(input: &[u8]) -> Vec<Record> {
        let ctx = context();
        Records::new(Box::new(input), "p.jsonl".into(), 4 << 20)
            .map(|raw| raw.parse(&ctx))
            .collect()
    }

    #[test]
    fn one_post_per_non_blank_line_with_lines_and_text_offsets() {
        let file =
            "{\"id\":\"a\",\"text\":\"first\"}\n\n  \r\n{\"caption\" : \"second\", \"id\": 2}\r\n";
        let records = records(file.as_bytes());
        assert_eq!(records.len(), 2);
        let second = records[1].as_ref().unwrap();
        assert_eq!(second.id.as_deref(), Some("2"));
        assert_eq!(second.text, "second");
        assert_eq!(second.origin.line, Some(4));
        for record in &records {
            let offset = record.as_ref().unwrap().origin.text_offset.unwrap();
            assert!(
                file[offset..].starts_with("\"first\"") || file[offset..].starts_with("\"second\"")
            );
        }
    }

    #[test]
    fn a_malformed_line_is_one_error_and_reading_goes_on() {
        let records = records(b"{\"text\": \"a\"}\n{\"text\": \n[1]\n\"s\"\n{\"text\": \"b\"}");
        assert_eq!(records.len(), 5);
        let error = records[1].as_ref().unwrap_err();
        assert_eq!(error.origin.line, Some(2));
        assert!(
            error.message.starts_with("EOF while parsing a value at column"),
            "{}",
            error.message
        );
        let error = records[2].as_ref().unwrap_err();
        assert_eq!(error.message, "invalid type: sequence, expected a post object");
        assert!(records[3].is_err());
        assert_eq!(records[4].as_ref().unwrap().text, "b");
    }

    #[test]
    fn invalid_utf8_names_the_offset_in_the_file() {
        let records = records(b"{\"text\": \"ok\"}\n{\"text\": \"\xff\"}\n{}\n");
        assert_eq!(records.len(), 3);
        let error = records[1].as_ref().unwrap_err();
        assert_eq!(
            error.message,
            "not UTF-8 (byte 0xFF at line 2, byte offset 25); save the file as UTF-8"
        );
        assert_eq!(error.origin.line, Some(2));
        assert!(records[2].is_ok());
    }

    #[test]
    fn field_errors_keep_the_line_and_the_id() {
        let records =
            records(b"\n{\"platform\": \"tiktoc\", \"media\": \"gif\", \"id\": \"x9\"}\n");
        let error = records[0].as_ref().unwrap_err();
        assert_eq!(error.origin.line, Some(2));
        assert_eq!(error.id.as_deref(), Some("x9"));
        assert!(
            error.message.starts_with("platform: unknown platform 'tiktoc'; expected one of: ")
        );
    }

    #[test]
    fn a_bom_on_the_first_line_is_skipped() {
        let file = "\u{feff}{\"text\": \"hi\"}";
        let records = records(file.as_bytes());
        let offset = records[0].as_ref().unwrap().origin.text_offset.unwrap();
        assert_eq!(&file[offset..], "\"hi\"}");
    }

    #[test]
    fn escaped_keys_are_read() {
        let records = records(br#"{"te\u0078t": "escaped key"}"#);
        assert_eq!(records[0].as_ref().unwrap().text, "escaped key");
    }

    /// Any JSON value under any post key, so the field conversions see every
    /// type.
    fn post_object() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            ".{0,12}".prop_map(serde_json::Value::from),
            prop_oneof![Just("EU"), Just("fr"), Just("instagram"), Just("paid"), Just("reel")]
                .prop_map(serde_json::Value::from),
        ];
        let value = leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                prop::collection::btree_map("start|end|text|x", inner, 0..4)
                    .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
            ]
        });
        let key = "id|text|caption|description|body|title|platform|country|language|relationship|brand|media|platform_label|retouched|ai_generated|duration_s|subtitles|url|other";
        prop::collection::vec((key, value), 0..8).prop_map(|entries| {
            let fields: Vec<String> =
                entries.into_iter().map(|(key, value)| format!("{key:?}: {value}")).collect();
            format!("{{{}}}", fields.join(", "))
        })
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..256)) {
            let lines = input.split(|byte| *byte == b'\n').filter(|line| !line.trim_ascii().is_empty()).count();
            prop_assert!(records(&input).len() <= lines);
        }

        #[test]
        fn arbitrary_post_objects_never_panic(lines in prop::collection::vec(post_object(), 1..4)) {
            let input = lines.join("\n");
            let records = records(input.as_bytes());
            prop_assert_eq!(records.len(), lines.len());
            for post in records.iter().flatten() {
                if let Some(offset) = post.origin.text_offset {
                    prop_assert!(input[offset..].starts_with('"'));
                }
            }
        }
    }
}
