//! Any text as a rule pack is either compiled or refused with located
//! problems, and the problems render without a panic.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use sponsorlint::engine::RuleSet;
use sponsorlint::rules::{self, PackSource};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let source = PackSource::user("fuzz.yaml", text);
    let groups = rules::builtin_market_groups().expect("built-in groups");
    let (book, problems) = rules::compile(vec![source], groups);
    if let Err(errors) = RuleSet::compile(book, problems) {
        let handler = miette::GraphicalReportHandler::new();
        for error in &errors {
            let mut out = String::new();
            handler.render_report(&mut out, error).expect("renders");
        }
    }
});
