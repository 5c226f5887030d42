//! The built-in packs: they compile, every rule carries a source URL and
//! pass/fail examples, and every example behaves as declared.

use sponsorlint::engine::Engine;
use sponsorlint::packs::{self, coverage, selftest};
use sponsorlint::post::{Market, Platform, Post, Relationship};

#[test]
fn every_builtin_rule_example_behaves_as_declared() {
    let rules = packs::compile_gathered(true, &[])
        .unwrap_or_else(|errors| panic!("built-in packs do not compile: {errors:#?}"));
    let report = selftest::run(rules.clone(), |pack| pack.origin.builtin);
    let failures: Vec<String> = report
        .failures
        .iter()
        .flat_map(|failure| failure.problems.iter().map(|problem| problem.message.clone()))
        .collect();
    assert!(failures.is_empty(), "{} failing examples:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(report.rules, rules.rules.len());
    assert!(report.examples >= 2 * report.rules);
}

#[test]
fn every_builtin_rule_cites_a_source_url_and_has_examples() {
    let rules = packs::compile_gathered(true, &[]).expect("built-in packs compile");
    for rule in &rules.rules {
        assert!(
            rule.source.url.starts_with("https://") || rule.source.url.starts_with("http://"),
            "{}",
            rule.id
        );
        // A `sufficient` platform label never fires: pass examples only.
        let never_fires = rule.kind == "platform-label" && rule.fail_examples.is_empty();
        assert!(!rule.pass_examples.is_empty(), "{}", rule.id);
        assert!(never_fires || !rule.fail_examples.is_empty(), "{}", rule.id);
    }
}

/// The markets and platforms issue 3 asks the built-in packs to cover.
const MARKETS: &[&str] = &[
    "US", "GB", "FR", "DE", "IT", "ES", "NL", "BE", "IE", "AT", "CA", "AU", "IN", "BR", "JP", "KR",
    "SE", "DK", "NO", "FI", "PL", "PT", "CH", "CZ", "MX", "CN", "SG", "AE", "NZ", "ZA",
];

#[test]
fn every_market_pack_has_six_pass_and_six_fail_examples() {
    let rules = packs::compile_gathered(true, &[]).expect("built-in packs compile");
    for (index, pack) in rules.packs.iter().enumerate().filter(|(_, pack)| !pack.markets.is_empty())
    {
        let own = rules.rules.iter().filter(|rule| rule.pack == index);
        let (pass, fail) = own.fold((0, 0), |(pass, fail), rule| {
            (pass + rule.pass_examples.len(), fail + rule.fail_examples.len())
        });
        assert!(pass >= 6 && fail >= 6, "pack {}: {pass} pass, {fail} fail examples", pack.id);
    }
}

#[test]
fn every_listed_market_and_platform_is_covered() {
    let rules = packs::compile_gathered(true, &[]).expect("built-in packs compile");
    for code in MARKETS {
        let market = Market::parse(code).unwrap();
        assert!(
            rules.packs.iter().any(|pack| !pack.fallback && rules.applies_in(pack, market)),
            "no pack of its own for {code}"
        );
    }
    for platform in
        Platform::ALL.iter().filter(|p| !matches!(p, Platform::Blog | Platform::Generic))
    {
        let facts = rules.platform_facts(Some(*platform));
        assert!(facts.is_some(), "no platform facts for {platform}");
    }
}

fn findings(engine: &Engine, text: &str, markets: &str) -> Vec<String> {
    let mut post = Post::from_text(Default::default(), text);
    post.markets = markets.split(',').map(|code| Market::parse(code).unwrap()).collect();
    post.relationship = Relationship::Paid;
    let checked = engine.check(post);
    checked
        .findings
        .iter()
        .map(|finding| {
            format!("{}@{}", finding.rule, finding.market.map_or("-".into(), |m| m.to_string()))
        })
        .collect()
}

#[test]
fn the_eu_baseline_checks_members_without_a_pack_of_their_own() {
    let engine = Engine::new(packs::compile_gathered(true, &[]).expect("built-in packs compile"));
    let undisclosed = "Az új kedvenc szérumom a @glowlab-tól ✨";
    assert_eq!(findings(&engine, undisclosed, "HU"), ["eu/missing-disclosure@HU"]);
    assert!(
        findings(&engine, "Reklám · Az új kedvenc szérumom a @glowlab-tól ✨", "HU").is_empty()
    );
    assert!(findings(&engine, "Reklaam · Minu uus lemmikseerum @glowlab", "EE").is_empty());
    assert_eq!(
        findings(&engine, "Nýja kremið mitt frá @glowlab", "IS"),
        ["eu/missing-disclosure@IS"]
    );
    // Sweden and Finland have packs of their own now: their findings, no EU duplicate.
    let swedish = findings(&engine, "Min nya favoritserum från @glowlab ✨", "SE");
    assert_eq!(swedish, ["se/missing-disclosure@SE"]);
    assert!(findings(&engine, "Mainos · Uusi lempiseerumini @glowlab", "FI").is_empty());
    // France has its own pack: one French finding, no EU duplicate.
    let french = findings(&engine, "Mon sérum préféré @glowlab", "FR");
    assert!(french.iter().any(|finding| finding == "fr/missing-disclosure@FR"), "{french:?}");
    assert!(french.iter().all(|finding| !finding.starts_with("eu/")), "{french:?}");
}

#[test]
fn docs_coverage_md_matches_the_packs() {
    let rules = packs::compile_gathered(true, &[]).expect("built-in packs compile");
    let generated = coverage::markdown(&rules);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/coverage.md");
    let written = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        written == generated,
        "docs/coverage.md is out of date: run `cargo run -q -- rules coverage > docs/coverage.md`"
    );
}

/// In YAML, ` #` starts a comment even inside an unquoted sentence, so a
/// message such as `without « #reclame »` would silently stop at `«`.
#[test]
fn no_pack_sentence_is_cut_short_by_a_hashtag() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files = vec![root.join("global.yaml"), root.join("eu.yaml")];
    for folder in ["countries", "platforms", "terms"] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    let mut cut = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let Some((key, value)) = line.trim_start().split_once(": ") else { continue };
            let plain = !value.starts_with(['"', '\'', '>', '|', '[', '{']);
            if ["message", "help", "title"].contains(&key) && plain && value.contains(" #") {
                cut.push(format!("{}:{}", file.display(), number + 1));
            }
        }
    }
    assert!(cut.is_empty(), "quote these values: {cut:?}");
}
