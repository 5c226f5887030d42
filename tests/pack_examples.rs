//! Snapshots of what the engine says about every built-in rule's own pass and
//! fail examples, one snapshot per pack: a change in a verdict, a span or a
//! message shows up as a reviewed diff in `tests/snapshots/`.
//!
//! Each example is checked the way `rules test` checks it (the market, the
//! platform, the relationship and the media that the self-test gives it), and
//! every finding of every loaded rule is listed, not only the rule's own.

/// The only code that names the library's modules: when they move, only
/// this adapter changes. It turns the built-in packs into plain data.
mod adapter {
    use sponsorlint::engine::{Engine, RuleSet};
    use sponsorlint::finding::Field;
    use sponsorlint::packs::{self, selftest};
    use sponsorlint::rules;

    pub struct Pack {
        /// `rules/countries/fr.yaml`.
        pub file: String,
        pub id: String,
        /// `name: value` lines: the facts in effect for the pack's platforms.
        pub facts: Vec<String>,
        pub rules: Vec<Rule>,
    }

    pub struct Rule {
        pub id: String,
        pub examples: Vec<Example>,
    }

    pub struct Example {
        /// `fail` or `pass`: what the pack declares.
        pub expect: &'static str,
        /// The caption (`text`) as written; empty when the post has none.
        pub text: String,
        /// The post's other keys as written, `subtitles` as JSON.
        pub keys: Vec<(String, String)>,
        /// Markets, platform, relationship and media the post was checked with.
        pub context: String,
        pub findings: Vec<Finding>,
    }

    pub struct Finding {
        pub rule: String,
        pub severity: String,
        pub market: Option<String>,
        /// `text`, `title` or `subtitle N`.
        pub field: String,
        pub start: usize,
        pub end: usize,
        pub spanned: String,
        pub message: String,
        /// The rules of the findings folded into this one.
        pub folded: Vec<String>,
    }

    /// Every built-in pack, in load order, with its rules' examples checked.
    pub fn builtin_packs() -> Vec<Pack> {
        let set = packs::compile_gathered(true, &[])
            .unwrap_or_else(|errors| panic!("built-in packs do not compile: {errors:#?}"));
        let engine = Engine::new(set.clone());
        let mut packs = Vec::new();
        for (index, pack) in set.packs.iter().enumerate() {
            let rules = set
                .rules
                .iter()
                .filter(|rule| rule.pack == index)
                .map(|rule| {
                    let declared = rule
                        .fail_examples
                        .iter()
                        .map(|example| ("fail", example))
                        .chain(rule.pass_examples.iter().map(|example| ("pass", example)));
                    let examples = declared
                        .map(|(expect, example)| check(&engine, &set, rule, expect, example))
                        .collect();
                    Rule { id: rule.id.clone(), examples }
                })
                .collect();
            let facts = pack.platforms.iter().flat_map(|platform| {
                let facts = set.platform_facts(Some(*platform));
                facts.map(|facts| platform_facts(&platform.to_string(), facts)).unwrap_or_default()
            });
            packs.push(Pack {
                file: pack.origin.name.clone(),
                id: pack.id.clone(),
                facts: facts.collect(),
                rules,
            });
        }
        packs
    }

    fn platform_facts(platform: &str, facts: &rules::PlatformFacts) -> Vec<String> {
        let basis =
            |basis: &Option<String>| basis.as_ref().map_or(String::new(), |b| format!(" ({b})"));
        let length =
            |length: &rules::Length| format!("{}{}", length.characters, basis(&length.basis));
        let mut lines = Vec::new();
        if let Some(fold) = &facts.fold {
            let lines_part = fold.lines.map_or(String::new(), |n| format!(", {n} lines"));
            lines.push(format!(
                "fold: {} graphemes{lines_part}{}",
                fold.graphemes,
                basis(&fold.basis)
            ));
        }
        if let Some(max) = &facts.max_length {
            lines.push(format!("max_length: {}", length(max)));
        }
        if let Some(max) = &facts.title_max_length {
            lines.push(format!("title_max_length: {}", length(max)));
        }
        if let Some(label) = &facts.label {
            lines.push(format!("label: {label:?}"));
        }
        let visible = &facts.visible_fields;
        let visible: Vec<&str> =
            [(visible.text, "text"), (visible.title, "title"), (visible.subtitles, "subtitles")]
                .into_iter()
                .filter_map(|(shown, name)| shown.then_some(name))
                .collect();
        if !visible.is_empty() {
            lines.push(format!("visible_fields: {}", visible.join(", ")));
        }
        lines.into_iter().map(|line| format!("{platform} {line}")).collect()
    }

    /// Checks one example as `rules test` does.
    fn check(
        engine: &Engine,
        set: &RuleSet,
        rule: &rules::Rule,
        expect: &'static str,
        example: &rules::Example,
    ) -> Example {
        let object = selftest::example_object(example);
        let text: String =
            object.get("text").and_then(|text| text.as_str()).unwrap_or_default().into();
        let keys = object
            .iter()
            .filter(|(key, _)| *key != "text")
            .map(|(key, value)| match value {
                serde_json::Value::String(value) => (key.clone(), value.clone()),
                other => (key.clone(), other.to_string()),
            })
            .collect();
        let post = selftest::example_post(set, rule, example)
            .unwrap_or_else(|error| panic!("{}: example {text:?}: {}", rule.id, error.message));
        let checked = engine.check(post);
        let read = &checked.post;
        let markets: Vec<String> = read.markets.iter().map(ToString::to_string).collect();
        let mut checked_with = vec![
            format!("market {}", if markets.is_empty() { "-".into() } else { markets.join(",") }),
            format!("platform {}", read.platform.map_or("-".into(), |p| p.to_string())),
        ];
        checked_with.push(match checked.relationship == read.relationship {
            true => format!("relationship {}", read.relationship),
            false => {
                format!("relationship {} (declared {})", checked.relationship, read.relationship)
            }
        });
        if let Some(media) = read.media {
            checked_with.push(format!("media {media}"));
        }
        let findings = checked
            .findings
            .iter()
            .map(|finding| {
                let field = finding.span.field;
                let text = field.text_in(read).unwrap_or_default();
                Finding {
                    rule: finding.rule.clone(),
                    severity: finding.severity.to_string(),
                    market: finding.market.map(|market| market.to_string()),
                    field: match field {
                        Field::Text => "text".into(),
                        Field::Title => "title".into(),
                        Field::Subtitle(cue) => format!("subtitle {cue}"),
                    },
                    start: finding.span.start,
                    end: finding.span.end,
                    spanned: text.get(finding.span.start..finding.span.end).unwrap_or("").into(),
                    message: finding.message.clone(),
                    folded: finding
                        .related
                        .iter()
                        .filter_map(|related| related.rule.clone())
                        .collect(),
                }
            })
            .collect();
        Example { expect, text, keys, context: checked_with.join(", "), findings }
    }
}

use std::fmt::Write;

/// The snapshot name of a pack: `rules/countries/fr.yaml` → `countries-fr`.
fn snapshot_name(file: &str) -> String {
    let name = file.strip_prefix("rules/").unwrap_or(file);
    name.strip_suffix(".yaml").unwrap_or(name).replace('/', "-")
}

/// One pack as readable text: per rule, per example, the findings.
fn render(pack: &adapter::Pack) -> String {
    let mut out = String::new();
    writeln!(out, "pack {} ({})", pack.id, pack.file).unwrap();
    if !pack.facts.is_empty() {
        writeln!(out, "\nplatform facts").unwrap();
        for fact in &pack.facts {
            writeln!(out, "  {fact}").unwrap();
        }
    }
    if pack.rules.is_empty() {
        writeln!(out, "\nno rules of its own").unwrap();
    }
    for rule in &pack.rules {
        writeln!(out, "\n{}", rule.id).unwrap();
        for example in &rule.examples {
            let keys: Vec<String> =
                example.keys.iter().map(|(key, value)| format!("{key}: {value}")).collect();
            match keys.is_empty() {
                true => writeln!(out, "  {} {:?}", example.expect, example.text),
                false => {
                    writeln!(out, "  {} {:?} {{{}}}", example.expect, example.text, keys.join(", "))
                }
            }
            .unwrap();
            writeln!(out, "    checked with {}", example.context).unwrap();
            if example.findings.is_empty() {
                writeln!(out, "    no findings").unwrap();
            }
            for finding in &example.findings {
                writeln!(
                    out,
                    "    - {} {} [{}] {} {}..{} {:?}\n      {}",
                    finding.severity,
                    finding.rule,
                    finding.market.as_deref().unwrap_or("-"),
                    finding.field,
                    finding.start,
                    finding.end,
                    finding.spanned,
                    finding.message,
                )
                .unwrap();
                if !finding.folded.is_empty() {
                    writeln!(out, "      folded in: {}", finding.folded.join(", ")).unwrap();
                }
            }
        }
    }
    out
}

#[test]
fn every_builtin_packs_examples_match_their_snapshot() {
    let packs = adapter::builtin_packs();
    assert!(packs.len() >= 42, "global, eu, 30 countries, 10 platforms: {}", packs.len());
    // Every pack is compared, then the test fails naming all that differ.
    let mut changed = Vec::new();
    for pack in &packs {
        let name = snapshot_name(&pack.file);
        for rule in &pack.rules {
            for example in &rule.examples {
                // The adapter must check examples as the self-test does.
                let fired = example
                    .findings
                    .iter()
                    .any(|finding| finding.rule == rule.id || finding.folded.contains(&rule.id));
                assert_eq!(fired, example.expect == "fail", "{} {:?}", rule.id, example.text);
            }
        }
        let text = render(pack);
        let compared = std::panic::catch_unwind(|| {
            insta::with_settings!({
                description => format!("platform facts and the findings for each rule example of {}", pack.file),
                omit_expression => true,
            }, {
                insta::assert_snapshot!(name.as_str(), text);
            });
        });
        if compared.is_err() {
            changed.push(name);
        }
    }
    assert!(changed.is_empty(), "snapshots that differ: {}", changed.join(", "));
}

/// A pack that was removed or renamed must not leave its snapshot behind.
#[test]
fn every_pack_snapshot_belongs_to_a_builtin_pack() {
    let packs: Vec<String> =
        adapter::builtin_packs().iter().map(|pack| snapshot_name(&pack.file)).collect();
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots");
    for entry in std::fs::read_dir(folder).expect("tests/snapshots") {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(name) =
            file.strip_prefix("pack_examples__").and_then(|rest| rest.strip_suffix(".snap"))
        {
            assert!(packs.iter().any(|pack| pack == name), "{file} has no built-in pack");
        }
    }
}
