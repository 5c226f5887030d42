//! Any bytes, read as text, Markdown (front matter included), JSON, JSONL,
//! CSV or TSV, or sniffed: every record is a post or an error record, never
//! a panic, and a post's text offset lies inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sponsorlint::input::{InputFormat, ReadContext, read_stream};

const FORMATS: [Option<InputFormat>; 7] = [
    None,
    Some(InputFormat::Txt),
    Some(InputFormat::Md),
    Some(InputFormat::Json),
    Some(InputFormat::Jsonl),
    Some(InputFormat::Csv),
    Some(InputFormat::Tsv),
];

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else { return };
    let format = FORMATS[usize::from(choice) % FORMATS.len()];
    let ctx = ReadContext::default();
    for record in read_stream(bytes, "fuzz".into(), format, &ctx) {
        if let Ok(post) = record {
            if let Some(offset) = post.origin.text_offset {
                // UTF-16 input is transcoded: offsets count the decoded text.
                assert!(offset <= bytes.len() * 2 + 3, "offset {offset} past the input");
            }
        }
    }
});
