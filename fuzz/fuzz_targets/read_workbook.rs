//! Any bytes as an XLSX or ODS workbook (a ZIP archive calamine reads from a
//! file): every record is a post or an error record, never a panic, and a
//! part over the sheet-part limit is refused before it is uncompressed.
#![no_main]

use std::io::Write;
use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use sponsorlint::input::ReadContext;
use sponsorlint::input::read_inputs;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else { return };
    let suffix = if choice % 2 == 0 { ".xlsx" } else { ".ods" };
    let mut file = tempfile::Builder::new().suffix(suffix).tempfile().expect("a temporary file");
    file.write_all(bytes).expect("written");
    let paths = [PathBuf::from(file.path())];
    let mut ctx = ReadContext::default();
    // Small enough that a fuzzed archive cannot take the run's memory.
    ctx.limits.sheet_part = 8 << 20;
    let mut notes = |_: String| {};
    for raw in read_inputs(&paths, None, &ctx, &mut notes) {
        let _ = raw.parse(&ctx);
    }
});
