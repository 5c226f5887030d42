//! Any text as `sponsorlint.yaml` is read or refused with located
//! problems, and the problems render without a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use sponsorlint::config::Config;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    if let Err(error) = Config::parse("sponsorlint.yaml", text, Path::new("/project")) {
        let mut out = String::new();
        miette::GraphicalReportHandler::new().render_report(&mut out, &error).expect("renders");
    }
});
