//! Property tests: any text, with any market and platform, is checked
//! without panicking, every span lies on char boundaries of its field,
//! normalising is idempotent, a passing post keeps passing when only
//! whitespace or an unrelated tag is added, and every input record yields
//! exactly one output record, in input order, whatever `--jobs` says.

use std::sync::{Arc, OnceLock};

use assert_cmd::Command;
use proptest::prelude::*;
use sponsorlint::engine::Engine;
use sponsorlint::engine::RuleSet;
use sponsorlint::engine::normalize::Normalized;
use sponsorlint::finding::Field;
use sponsorlint::finding::Verdict;
use sponsorlint::packs;
use sponsorlint::post::{Market, Platform, Post, Relationship};

fn rules() -> Arc<RuleSet> {
    static RULES: OnceLock<Arc<RuleSet>> = OnceLock::new();
    RULES.get_or_init(|| packs::load(true, &[]).expect("built-in packs compile")).clone()
}

/// Text mixing the characters that stress normalisation and tokenising.
fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "#ad",
        "#AD",
        "＃ａｄ",
        "𝗔𝗗",
        "a\u{200B}d",
        "e\u{0301}",
        "👨\u{200D}👩\u{200D}👧",
        "👍🏽",
        "@glowlab",
        "https://amzn.to/x?tag=1",
        "Publicité",
        "Werbung",
        "\n",
        "  ",
        "#",
        "@",
        "code LUNA15",
        "ß",
        "İ",
        "ﬁ",
        "\u{FE0F}",
        "&#",
        "#2024",
        " ",
    ]);
    prop::collection::vec(prop_oneof![pieces.prop_map(str::to_string), any::<String>()], 0..24)
        .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_post_is_checked_with_valid_spans(
        text in tricky_text(),
        title in proptest::option::of(tricky_text()),
        market in prop::sample::select(vec!["US", "GB", "FR", "DE", "IT"]),
        platform in prop::sample::select(Platform::ALL.to_vec()),
        relationship in prop::sample::select(Relationship::ALL.to_vec()),
        brand in proptest::option::of("[A-Za-z .]{0,12}"),
    ) {
        let post = Post {
            text,
            title,
            markets: vec![Market::parse(market).unwrap()],
            platform: Some(platform),
            relationship,
            brands: brand.into_iter().collect(),
            ..Post::default()
        };
        let checked = Engine::new(rules()).check(post);
        for finding in &checked.findings {
            for span in std::iter::once(&finding.span).chain(finding.related.iter().map(|related| &related.span)) {
                let field = match span.field {
                    Field::Text => checked.post.text.as_str(),
                    Field::Title => checked.post.title.as_deref().unwrap_or(""),
                    Field::Subtitle(_) => "",
                };
                prop_assert!(span.start <= span.end && span.end <= field.len(), "{span:?} in {field:?}");
                prop_assert!(field.is_char_boundary(span.start) && field.is_char_boundary(span.end), "{span:?} in {field:?}");
            }
        }
    }
}

fn post(text: String, market: &str, platform: Platform, relationship: Relationship) -> Post {
    Post {
        text,
        markets: vec![Market::parse(market).unwrap()],
        platform: Some(platform),
        relationship,
        ..Post::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn normalising_twice_changes_nothing(text in tricky_text()) {
        let once = Normalized::new(&text).text;
        prop_assert_eq!(&Normalized::new(&once).text, &once);
    }

    #[test]
    fn a_passing_post_passes_with_trailing_whitespace_or_an_unrelated_tag_apart(
        text in tricky_text(),
        market in prop::sample::select(vec!["US", "GB", "FR", "DE", "IT"]),
        platform in prop::sample::select(Platform::ALL.to_vec()),
        relationship in prop::sample::select(Relationship::ALL.to_vec()),
    ) {
        let engine = Engine::new(rules());
        let checked = engine.check(post(text.clone(), market, platform, relationship));
        prop_assume!(checked.verdict() == Verdict::Pass);
        for more in ["  \n", "\n\n#sunset"] {
            let longer = engine.check(post(format!("{text}{more}"), market, platform, relationship));
            let rules: Vec<&str> = longer.findings.iter().map(|f| f.rule.as_str()).collect();
            prop_assert_eq!(longer.verdict(), Verdict::Pass, "{:?} + {:?}: {:?}", text, more, rules);
        }
    }
}

fn run(args: &[&str], stdin: &str) -> Vec<serde_json::Value> {
    let output =
        Command::cargo_bin("sponsorlint").unwrap().args(args).write_stdin(stdin).output().unwrap();
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

/// Posts whose texts and ids differ, some unreadable, as JSONL.
fn corpus(posts: usize) -> String {
    let texts =
        ["#ad new serum", "Loving @glowlab", "code LUNA15 for 15 % off", "Publicité · sérum"];
    (0..posts)
        .map(|index| match index % 97 {
            13 => format!("{{\"id\": \"p{index}\", \"text\": 5}}\n"),
            29 => "{not json\n".to_string(),
            _ => format!(
                "{{\"id\": \"p{index}\", \"text\": \"{} {index}\", \"country\": \"US\", \"relationship\": \"paid\"}}\n",
                texts[index % texts.len()]
            ),
        })
        .collect()
}

#[test]
fn every_record_yields_one_result_in_input_order_whatever_the_jobs() {
    let input = corpus(5_000);
    let args = |jobs: &'static str| {
        ["check", "-", "--input-format", "jsonl", "--format", "jsonl", "--jobs", jobs]
    };
    let one = run(&args("1"), &input);
    assert_eq!(one.len(), 5_000, "records in = records out");
    for (index, record) in one.iter().enumerate() {
        assert_eq!(record["origin"]["line"], serde_json::json!(index + 1), "{record}");
    }
    assert!(one.iter().any(|record| record["verdict"] == "error"));
    assert!(one.iter().any(|record| record["verdict"] == "fail"));
    for jobs in ["2", "3", "7"] {
        assert!(run(&args(jobs), &input) == one, "--jobs {jobs} changed the output");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10))]

    /// Any line, even one that is not JSON, is one output record.
    #[test]
    fn every_jsonl_line_yields_one_record(lines in prop::collection::vec("[^\n\r]{1,40}", 1..20)) {
        let lines: Vec<String> = lines.into_iter().filter(|line| !line.trim().is_empty()).collect();
        let input: String = lines.iter().map(|line| format!("{line}\n")).collect();
        let output = run(&["check", "-", "--input-format", "jsonl", "--format", "jsonl"], &input);
        prop_assert_eq!(output.len(), lines.len());
    }

    /// Every row of a CSV written by a CSV library is one output record.
    #[test]
    fn every_csv_row_yields_one_record(cells in prop::collection::vec("[ -~\n\"é,;]{0,30}", 1..20)) {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(["id", "text", "country"]).unwrap();
        for (index, cell) in cells.iter().enumerate() {
            writer.write_record([format!("r{index}").as_str(), cell, "GB"]).unwrap();
        }
        let input = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        let output = run(&["check", "-", "--input-format", "csv", "--format", "jsonl"], &input);
        prop_assert_eq!(output.len(), cells.len(), "{}", input);
    }
}
