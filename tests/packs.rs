//! The built-in packs: they compile, every rule carries a source URL and
//! pass/fail examples, and every example behaves as declared.

use sponsorlint::rules::{self, selftest};

#[test]
fn every_builtin_rule_example_behaves_as_declared() {
    let rules = rules::load(true, &[])
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
    let rules = rules::load(true, &[]).expect("built-in packs compile");
    for rule in &rules.rules {
        assert!(
            rule.source.url.starts_with("https://") || rule.source.url.starts_with("http://"),
            "{}",
            rule.id
        );
        assert!(!rule.pass_examples.is_empty() && !rule.fail_examples.is_empty(), "{}", rule.id);
    }
}
