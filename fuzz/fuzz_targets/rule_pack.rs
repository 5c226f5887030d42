//! Any text as a rule pack is either compiled or refused with located
//! problems, and the problems render without a panic. A pack read once
//! (`diag::read_once`) reads as the YAML reader reads it, locations
//! included, whenever it reads at all.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sponsorlint::diag::{read_once::read_once, yaml};
use sponsorlint::engine::RuleSet;
use sponsorlint::rules::raw::RawPack;
use sponsorlint::rules::{self, PackSource};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    if let Some(Ok(once)) = read_once(&text).map(|read| read.parse::<RawPack>()) {
        let reader = yaml::parse::<RawPack>(&text).expect("the YAML reader reads it too");
        assert_eq!(format!("{once:?}"), format!("{reader:?}"));
    }
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
