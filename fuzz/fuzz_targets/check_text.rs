//! Any text, in any market and on any platform, is checked and reported in
//! every output format without a panic, and the machine-readable formats
//! stay valid JSON or XML.
#![no_main]

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use sponsorlint::engine::{Engine, RuleSet};
use sponsorlint::finding::Checked;
use sponsorlint::report::{self, Format, HumanOptions, ReportOptions, RuleCatalogue, Summary};
use sponsorlint::{Market, Platform, Post, Relationship};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let rules: Arc<RuleSet> = sponsorlint::packs::load(true, &[]).expect("built-in packs");
        Engine::new(rules)
    })
}

/// A writer whose bytes stay readable after the reporter is done with it.
#[derive(Clone, Default)]
struct Shared(Rc<RefCell<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const MARKETS: [&str; 8] = ["US", "GB", "FR", "DE", "IT", "KR", "JP", "NL"];

fuzz_target!(|data: &[u8]| {
    let Some((&choice, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest).into_owned();
    let post = Post {
        text,
        markets: vec![Market::parse(MARKETS[usize::from(choice) % MARKETS.len()]).unwrap()],
        platform: Platform::ALL.get(usize::from(choice / 8) % (Platform::ALL.len() + 1)).copied(),
        relationship: Relationship::ALL[usize::from(choice / 3) % Relationship::ALL.len()],
        ..Post::default()
    };
    let checked = Checked::Post(Box::new(engine().check(post)));
    let mut summary = Summary::default();
    summary.add(&checked);
    // The JSONL line (the report's own writer) and the JSON document, whose
    // post serde_json wrote: the line's bytes must be the post's.
    let (mut jsonl_line, mut json_document) = (String::new(), String::new());
    for format in Format::ALL {
        let out = Shared::default();
        let options = ReportOptions {
            human: HumanOptions { color: choice % 2 == 0, quiet: false, width: 80 },
            all_posts: true,
            rules: RuleCatalogue::default(),
            base_dir: None,
            run: report::RunInfo::default(),
        };
        let mut reporter = report::reporter(format, Box::new(out.clone()), options);
        reporter.record(&checked).unwrap();
        reporter.finish(&summary).unwrap();
        drop(reporter);
        let bytes = out.0.borrow();
        let text = std::str::from_utf8(&bytes).expect("output is UTF-8");
        match format {
            Format::Json | Format::Sarif | Format::Gitlab => {
                serde_json::from_str::<serde_json::Value>(text).expect("valid JSON");
                if format == Format::Json {
                    json_document = text.to_string();
                }
            }
            Format::Jsonl => {
                for line in text.lines() {
                    serde_json::from_str::<serde_json::Value>(line).expect("valid JSON line");
                    jsonl_line = line.to_string();
                }
            }
            Format::Junit => {
                roxmltree::Document::parse(text).expect("valid XML");
            }
            _ => {}
        }
    }
    let posts = json_document.find("\"posts\":[").expect("a posts array");
    assert!(json_document[posts..].contains(&jsonl_line), "{jsonl_line}\n{json_document}");
});
