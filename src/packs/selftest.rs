//! Runs rules' own pass/fail examples through the real engine: a `fail`
//! example must make its rule report, a `pass` example must not.

use std::sync::Arc;

use crate::diag::{FileError, Problems};
use crate::engine::{Engine, RuleSet};
use crate::finding::{CheckedPost, RecordError};
use crate::fix::plan::fix_post;
use crate::input::{Defaults, ReadContext, post_from_object};
use crate::post::{Origin, Post, Relationship};
use crate::rules::raw::RawExample;
use crate::rules::{Example, Pack, Rule};

/// The outcome of running the examples of some packs.
#[derive(Debug, Default)]
pub struct Report {
    pub rules: usize,
    pub examples: usize,
    /// One error per pack file with failing examples.
    pub failures: Vec<FileError>,
}

/// Runs the examples of every rule whose pack `select`s.
pub fn run(rules: Arc<RuleSet>, select: impl Fn(&Pack) -> bool) -> Report {
    let engine = Engine::new(rules.clone());
    let mut report = Report::default();
    for (pack_index, pack) in rules.packs.iter().enumerate() {
        if !select(pack) {
            continue;
        }
        let source: &str = &pack.origin.text;
        let mut problems = Problems::new(&pack.origin.name, source);
        for rule in rules.rules.iter().filter(|rule| rule.pack == pack_index && rule.enabled) {
            report.rules += 1;
            for (example, should_fire) in rule
                .fail_examples
                .iter()
                .map(|e| (e, true))
                .chain(rule.pass_examples.iter().map(|e| (e, false)))
            {
                report.examples += 1;
                if let Err(failure) = check_example(&engine, &rules, rule, example, should_fire) {
                    problems.add(
                        example.span.clone(),
                        failure.to_string(),
                        if should_fire { "fail example" } else { "pass example" },
                        None,
                    );
                }
            }
        }
        report.failures.extend(problems.into_result().err());
    }
    report
}

/// An example as the post it stands for: its pack's first market that
/// applies, the rule's (or the pack's) first platform, the rule's first
/// relationship (`paid` when it names none) and first media, unless the
/// example says otherwise.
pub fn example_post(rules: &RuleSet, rule: &Rule, example: &Example) -> Result<Post, RecordError> {
    let pack = rules.pack_of(rule);
    let defaults = Defaults {
        markets: pack
            .markets
            .iter()
            .find(|market| rules.applies_in(pack, **market))
            .or(pack.markets.first())
            .copied()
            .into_iter()
            .collect(),
        platform: rule.when.platform.first().or(pack.platforms.first()).copied(),
        relationship: Some(rule.when.relationship.first().copied().unwrap_or(Relationship::Paid)),
        media: rule.when.media.first().copied(),
        ..Defaults::default()
    };
    let context = ReadContext { defaults, groups: rules.groups.clone(), ..ReadContext::default() };
    let object = example_object(example);
    let origin = Origin { path: pack.origin.name.clone(), ..Origin::default() };
    post_from_object(object, origin, &context)
}

/// An example's post keys as written: a plain caption is `{"text": …}`.
/// `fixed`, the text after the fixes, is not a post key.
pub fn example_object(example: &Example) -> serde_json::Map<String, serde_json::Value> {
    match &example.post {
        RawExample::Text(text) => {
            let mut object = serde_json::Map::new();
            object.insert("text".into(), serde_json::Value::String(text.clone()));
            object
        }
        RawExample::Post(object) => {
            let mut object = object.clone();
            object.remove(FIXED);
            object
        }
    }
}

/// The key of a fail example that gives its text once fixed.
const FIXED: &str = "fixed";

/// What a fail example says its text is once fixed, if it says.
pub fn example_fixed(example: &Example) -> Option<&str> {
    match &example.post {
        RawExample::Post(object) => object.get(FIXED).and_then(serde_json::Value::as_str),
        RawExample::Text(_) => None,
    }
}

/// Why an example does not prove its rule.
#[derive(Debug, thiserror::Error)]
pub enum ExampleFailure {
    #[error("example is not a valid post: {0}")]
    NotAPost(String),
    #[error(
        "fail example of '{rule}' did not trigger it (relationship checked as {relationship}; other findings: {others})"
    )]
    DidNotFire { rule: String, relationship: Relationship, others: String },
    #[error("pass example of '{rule}' triggered it: {message}")]
    Fired { rule: String, message: String },
    #[error("pass example of '{rule}' (the label is sufficient) is still reported by: {rules}")]
    LabelNotSufficient { rule: String, rules: String },
    #[error("fail example of '{rule}', fixed to {text:?}, still triggers it")]
    FixDidNotPass { rule: String, text: String },
    #[error("fail example of '{rule}' is fixed to {got:?}, not to {expected:?}")]
    FixedText { rule: String, expected: String, got: String },
    #[error("`fixed` is only for fail examples of a rule with a fix")]
    FixedWithoutFix,
}

fn check_example(
    engine: &Engine,
    rules: &RuleSet,
    rule: &Rule,
    example: &Example,
    should_fire: bool,
) -> Result<(), ExampleFailure> {
    let post = example_post(rules, rule, example)
        .map_err(|error| ExampleFailure::NotAPost(error.message))?;
    let checked = engine.check(post);
    if rules.check(rule).never_fires() {
        // The rule never fires; what it claims is that the label counts, so
        // none of its pack's rules may report the labelled example.
        let pack_rules: Vec<&str> = checked
            .findings
            .iter()
            .filter(|finding| {
                rules.rule(&finding.rule).is_some_and(|other| other.pack == rule.pack)
            })
            .map(|finding| finding.rule.as_str())
            .collect();
        if pack_rules.is_empty() {
            return Ok(());
        }
        let rules = pack_rules.join(", ");
        return Err(ExampleFailure::LabelNotSufficient { rule: rule.id.clone(), rules });
    }
    // A finding folded into another one (an ambiguous tag into the missing
    // disclosure it explains) still fired.
    let own = checked.findings.iter().find_map(|finding| {
        if finding.rule == rule.id {
            return Some(finding.message.clone());
        }
        finding.related.iter().find_map(|related| {
            (related.rule.as_deref() == Some(rule.id.as_str())).then(|| related.message.clone())?
        })
    });
    if example_fixed(example).is_some() && !(should_fire && rule.fix.is_some()) {
        return Err(ExampleFailure::FixedWithoutFix);
    }
    match (should_fire, own) {
        (true, Some(_)) if rule.fix.is_some() => check_fix(engine, rule, example, checked),
        (true, None) => {
            let others: Vec<&str> =
                checked.findings.iter().map(|finding| finding.rule.as_str()).collect();
            Err(ExampleFailure::DidNotFire {
                rule: rule.id.clone(),
                relationship: checked.relationship,
                others: if others.is_empty() { "none".to_string() } else { others.join(", ") },
            })
        }
        (false, Some(message)) => Err(ExampleFailure::Fired { rule: rule.id.clone(), message }),
        _ => Ok(()),
    }
}

/// Applying every fix (unsafe ones too) to a fail example makes its rule
/// pass, and gives the text the example says, if it says one.
fn check_fix(
    engine: &Engine,
    rule: &Rule,
    example: &Example,
    checked: CheckedPost,
) -> Result<(), ExampleFailure> {
    let fixed = fix_post(engine, checked, true);
    let text = fixed.checked.post.text;
    let fires = fixed.checked.findings.iter().any(|finding| {
        finding.rule == rule.id
            || finding.related.iter().any(|related| related.rule.as_deref() == Some(&rule.id))
    });
    if fires {
        return Err(ExampleFailure::FixDidNotPass { rule: rule.id.clone(), text });
    }
    match example_fixed(example) {
        Some(expected) if expected != text => Err(ExampleFailure::FixedText {
            rule: rule.id.clone(),
            expected: expected.to_owned(),
            got: text,
        }),
        _ => Ok(()),
    }
}
