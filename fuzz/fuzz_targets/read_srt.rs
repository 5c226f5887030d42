//! Any bytes as a .srt file: see `subtitles.rs`.
#![no_main]

mod subtitles;

use libfuzzer_sys::fuzz_target;
use sponsorlint::input::InputFormat;

fuzz_target!(|data: &[u8]| subtitles::run(data, InputFormat::Srt));
