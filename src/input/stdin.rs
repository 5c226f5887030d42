//! Standard input, or any stream of unknown type: the format is forced, or
//! sniffed from the first non-blank byte.

use std::io::{self, BufRead, Read};

use super::{InputFormat, ReadContext, Records, cannot_read, decode, file_error, one, records};

/// Reads a stream of unknown type: the format is `forced`, or sniffed from
/// the first non-blank byte. A stream of nothing but blanks holds no posts,
/// whatever its format.
pub(super) fn stream<'a>(
    reader: impl BufRead + 'a,
    path: String,
    forced: Option<InputFormat>,
    ctx: &'a ReadContext,
    on_note: &mut dyn FnMut(String),
) -> Records<'a> {
    let sniffed = decode::utf8_reader(reader)
        .and_then(|mut reader| sniff(&mut reader).map(|sniffed| (sniffed, reader)));
    match sniffed {
        Ok(((None, _), _)) => Box::new(std::iter::empty()),
        // The blank bytes read while sniffing go back in front, so offsets
        // and text stay true.
        Ok(((Some(sniffed), blank), reader)) => {
            let format = forced.unwrap_or(sniffed);
            records(io::Cursor::new(blank).chain(reader), path, format, ctx, on_note)
        }
        Err(error) => {
            let message = cannot_read(&path, &error);
            one(file_error(path, message))
        }
    }
}

/// Consumes leading whitespace and decides from the next byte; returns the
/// format (`None` when there is nothing but whitespace) and the consumed
/// bytes.
fn sniff(reader: &mut impl BufRead) -> io::Result<(Option<InputFormat>, Vec<u8>)> {
    let mut blank = Vec::new();
    loop {
        let buffer = reader.fill_buf()?;
        let Some(&first) = buffer.iter().find(|byte| !byte.is_ascii_whitespace()) else {
            if buffer.is_empty() {
                return Ok((None, blank));
            }
            let length = buffer.len();
            blank.extend_from_slice(buffer);
            reader.consume(length);
            continue;
        };
        let format = match first {
            b'{' => InputFormat::Jsonl,
            b'[' => InputFormat::Json,
            _ => InputFormat::Txt,
        };
        return Ok((Some(format), blank));
    }
}

#[cfg(test)]
mod tests {
    use std::io::BufReader;

    use proptest::prelude::*;

    use super::*;
    use crate::input::Record;
    use crate::input::tests::context;

    fn stream_of(input: &[u8], forced: Option<InputFormat>) -> Vec<Record> {
        let ctx = context();
        stream(input, "-".into(), forced, &ctx, &mut |_| {}).map(|raw| raw.parse(&ctx)).collect()
    }

    #[test]
    fn stdin_is_sniffed_from_the_first_non_blank_byte() {
        let jsonl = stream_of(b"\n  {\"text\": \"a\"}\n{\"text\": \"b\"}\n", None);
        assert_eq!(jsonl.len(), 2);
        let first = jsonl[0].as_ref().unwrap();
        assert_eq!((first.origin.line, first.origin.text_offset), (Some(2), Some(12)));

        let json = stream_of(b" [{\"text\": \"a\"}, {\"text\": \"b\"}]", None);
        assert_eq!(json[1].as_ref().unwrap().origin.index, Some(1));

        let text = stream_of(b"  plain caption #ad", None);
        assert_eq!(text[0].as_ref().unwrap().text, "  plain caption #ad");

        let forced = stream_of(b"{\"text\": \"a\"}", Some(InputFormat::Txt));
        assert_eq!(forced[0].as_ref().unwrap().text, "{\"text\": \"a\"}");
    }

    #[test]
    fn blank_stdin_is_no_posts_whatever_its_format() {
        for format in
            [None, Some(InputFormat::Txt), Some(InputFormat::Json), Some(InputFormat::Csv)]
        {
            assert!(stream_of(b"", format).is_empty());
            assert!(stream_of(b" \r\n\t\n", format).is_empty());
        }
    }

    #[test]
    fn stdin_takes_csv_only_when_forced_and_never_a_workbook() {
        let csv = b"id,caption\n1,hello\n";
        assert_eq!(stream_of(csv, None)[0].as_ref().unwrap().text, "id,caption\n1,hello\n");
        let forced = stream_of(csv, Some(InputFormat::Csv));
        let post = forced[0].as_ref().unwrap();
        assert_eq!((post.text.as_str(), post.origin.path.as_str()), ("hello", "-"));
        assert_eq!(post.origin.line, Some(2));
        let tsv = stream_of(b"id\tcaption\n1\thello, world\n", Some(InputFormat::Tsv));
        assert_eq!(tsv[0].as_ref().unwrap().text, "hello, world");
        for workbook in [InputFormat::Xlsx, InputFormat::Ods] {
            let records = stream_of(b"PK", Some(workbook));
            let message = &records[0].as_ref().unwrap_err().message;
            assert!(message.starts_with("a workbook cannot be read from stdin"), "{message}");
        }
    }

    #[test]
    fn sniffing_reads_past_buffer_boundaries() {
        let mut input = vec![b' '; 20];
        input.extend_from_slice(b"[{\"text\": \"x\"}]");
        let ctx = context();
        let reader = BufReader::with_capacity(4, &input[..]);
        let records: Vec<Record> = stream(reader, "-".into(), None, &ctx, &mut |_| {})
            .map(|raw| raw.parse(&ctx))
            .collect();
        let post = records[0].as_ref().unwrap();
        assert!(input[post.origin.text_offset.unwrap()..].starts_with(b"\"x\""));
    }

    proptest! {
        #[test]
        fn no_reader_panics_on_arbitrary_bytes(input in prop::collection::vec(any::<u8>(), 0..256)) {
            for format in [None, Some(InputFormat::Txt), Some(InputFormat::Md), Some(InputFormat::Json), Some(InputFormat::Jsonl), Some(InputFormat::Csv)] {
                let _ = stream_of(&input, format);
            }
        }

        #[test]
        fn no_reader_panics_on_arbitrary_text(input in "(---\n|\\{|\\[|\"|text|: |\n| |[a-z]|\u{feff})*") {
            for format in [Some(InputFormat::Md), Some(InputFormat::Json), Some(InputFormat::Jsonl)] {
                let _ = stream_of(input.as_bytes(), format);
            }
        }
    }
}
