//! Property tests: any text, with any market and platform, is checked
//! without panicking, and every span lies on char boundaries of its field.

use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use sponsorlint::engine::Engine;
use sponsorlint::engine::RuleSet;
use sponsorlint::finding::Field;
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
            for span in std::iter::once(&finding.span).chain(&finding.related) {
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
