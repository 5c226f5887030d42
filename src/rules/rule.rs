//! Validates what every rule says whatever its kind: id, category,
//! severity, status, filters, fix, source and examples, with the pack's
//! `defaults:` filling in the severity and the filters a rule does not
//! give. The kind and its parameters are the engine's to read.

use std::collections::HashSet;
use std::ops::Range;
use std::str::FromStr;

use super::raw::{RawDefaults, RawExample, RawFix, RawRule};
use super::{Example, FixAt, FixSpec, Rule, Source, Status, When};
use crate::diag::Problems;
use crate::diag::yaml::Spanned;
use crate::finding::{Applicability, Category, Severity};
use crate::post::{Media, Platform, Relationship, UnknownValue};

/// The pack a rule is read in.
pub(super) struct RulePack<'a> {
    pub id: &'a str,
    pub index: usize,
    pub sources: &'a [Source],
    pub defaults: &'a RuleDefaults,
}

/// A pack's `defaults:`, validated once for all of its rules: a problem in
/// them is reported once, where the default is written.
#[derive(Debug, Default)]
pub(super) struct RuleDefaults {
    pub relationship: Option<Vec<Relationship>>,
    pub media: Option<Vec<Media>>,
    pub platform: Option<Vec<Platform>>,
    /// `Some(None)`: a default severity is written but is not one.
    pub severity: Option<Option<Severity>>,
}

impl RuleDefaults {
    pub fn read(raw: &RawDefaults, problems: &mut Problems) -> RuleDefaults {
        RuleDefaults {
            relationship: raw.when.relationship.as_ref().map(|list| parse_list(list, problems)),
            media: raw.when.media.as_ref().map(|list| parse_list(list, problems)),
            platform: raw.when.platform.as_ref().map(|list| parse_list(list, problems)),
            severity: raw.severity.as_ref().map(|severity| parse_severity(severity, problems)),
        }
    }
}

/// A rule's own filter, else the pack's default, else none.
fn filter<T: Clone + FromStr<Err = UnknownValue>>(
    own: Option<&Vec<Spanned<String>>>,
    default: Option<&Vec<T>>,
    problems: &mut Problems,
) -> Vec<T> {
    match own {
        Some(list) => parse_list(list, problems),
        None => default.cloned().unwrap_or_default(),
    }
}

fn parse_severity(raw: &Spanned<String>, problems: &mut Problems) -> Option<Severity> {
    raw.value
        .parse::<Severity>()
        .map_err(|error| {
            problems.add(problems.span_of(raw), error.to_string(), "unknown severity", None)
        })
        .ok()
}

/// Where a rule goes: its pack, and its position among all rules.
pub(super) struct RulePlace<'a> {
    pub pack: &'a RulePack<'a>,
    pub index: usize,
}

/// Validates one rule; `None` when it has problems (all of them reported).
pub(super) fn compile_rule(
    place: RulePlace,
    raw: Spanned<RawRule>,
    rule_ids: &mut HashSet<String>,
    problems: &mut Problems,
) -> Option<Rule> {
    let pack = place.pack;
    let before = problems.list.len();
    let raw = raw.value;
    let id = raw.id.value.clone();
    let id_span = problems.span_of(&raw.id);
    if !id.starts_with(&format!("{}/", pack.id)) || id.len() <= pack.id.len() + 1 {
        problems.add(
            id_span.clone(),
            format!("rule id '{id}' must start with '{}/'", pack.id),
            "wrong namespace",
            None,
        );
    }
    if !rule_ids.insert(id.clone()) {
        problems.add(id_span.clone(), format!("duplicate rule id '{id}'"), "duplicate", None);
    }
    let category = category(&raw.category, problems);
    let severity = match (&raw.severity, pack.defaults.severity) {
        (Some(own), _) => parse_severity(own, problems),
        // A default that is not a severity is reported where it is written.
        (None, Some(default)) => default,
        (None, None) => {
            problems.add(
                id_span.clone(),
                format!("rule '{id}' has no severity"),
                "no severity",
                Some(
                    "give it `severity:` (error, warning or info), or give the pack a default: \
                     `defaults: { severity: … }`"
                        .into(),
                ),
            );
            None
        }
    };
    let status = status(raw.status.as_ref(), problems);
    if status == Status::Preview && severity == Some(Severity::Error) {
        match &raw.severity {
            Some(own) => problems.add(
                problems.span_of(own),
                "a preview rule (facts not yet confirmed) cannot have severity error",
                "use warning or info",
                None,
            ),
            None => problems.add(
                raw.status.as_ref().and_then(|status| problems.span_of(status)),
                "a preview rule (facts not yet confirmed) cannot have severity error, the pack's default",
                "give this rule `severity: warning` or `info`",
                None,
            ),
        }
    }
    let rule_source = pack.sources.iter().find(|known| known.id == raw.source.value).cloned();
    if rule_source.is_none() {
        let known: Vec<&str> = pack.sources.iter().map(|known| known.id.as_str()).collect();
        problems.add(
            problems.span_of(&raw.source),
            format!(
                "unknown source '{}'; this pack's sources: {}",
                raw.source.value,
                known.join(", ")
            ),
            "unknown source",
            None,
        );
    }
    let defaults = pack.defaults;
    let when = When {
        relationship: filter(
            raw.when.relationship.as_ref(),
            defaults.relationship.as_ref(),
            problems,
        ),
        media: filter(raw.when.media.as_ref(), defaults.media.as_ref(), problems),
        platform: filter(raw.when.platform.as_ref(), defaults.platform.as_ref(), problems),
        no_market: raw.when.markets.as_ref().is_some_and(|markets| {
            let none = markets.value.trim() == "none";
            if !none {
                problems.add(
                    problems.span_of(markets),
                    format!("`markets` can only be `none`, not '{}'", markets.value),
                    "expected none",
                    Some("`markets: none` limits a rule to posts that name no country".into()),
                );
            }
            none
        }),
    };
    let fix = raw.fix.as_ref().map(|fix| fix_spec(fix, id_span.clone(), problems));
    let examples = |list: &[Spanned<RawExample>], problems: &Problems| -> Vec<Example> {
        list.iter()
            .map(|example| Example { post: example.value.clone(), span: problems.span_of(example) })
            .collect()
    };
    let pass_examples = examples(&raw.examples.pass, problems);
    let fail_examples = examples(&raw.examples.fail, problems);
    if problems.list.len() > before {
        return None;
    }
    Some(Rule {
        id,
        index: place.index,
        id_span,
        pack: pack.index,
        kind: raw.kind.value.clone(),
        category: category?,
        severity: severity?,
        enabled: true,
        status,
        when,
        message: raw.message,
        help: raw.help,
        fix,
        source: rule_source?,
        replaced_by: raw.replaced_by,
        pass_examples,
        fail_examples,
    })
}

fn category(raw: &Spanned<String>, problems: &mut Problems) -> Option<Category> {
    let parsed = serde_json::from_value::<Category>(serde_json::Value::String(raw.value.clone()));
    if parsed.is_err() {
        let expected: Vec<&str> = Category::ALL.iter().map(|category| category.as_str()).collect();
        problems.add(
            problems.span_of(raw),
            format!("unknown category '{}'; expected one of: {}", raw.value, expected.join(", ")),
            "unknown category",
            None,
        );
    }
    parsed.ok()
}

fn status(raw: Option<&Spanned<String>>, problems: &mut Problems) -> Status {
    match raw.map(|status| status.value.as_str()) {
        None | Some("stable") => Status::Stable,
        Some("preview") => Status::Preview,
        Some(other) => {
            problems.add(
                raw.and_then(|status| problems.span_of(status)),
                format!("unknown status '{other}'; expected stable or preview"),
                "unknown status",
                None,
            );
            Status::Stable
        }
    }
}

fn fix_spec(fix: &RawFix, id_span: Option<Range<usize>>, problems: &mut Problems) -> FixSpec {
    let at_span = fix.at.as_ref().and_then(|at| problems.span_of(at));
    let (wording, at) = match (&fix.insert, &fix.replace) {
        (insert, None) if insert.is_some() != fix.moves => {
            let at = match fix.at.as_ref().map(|at| at.value.as_str()) {
                None | Some("start") => FixAt::Start,
                Some("end") => FixAt::End,
                Some("before-fold") => FixAt::BeforeFold,
                Some("after-mentions") => FixAt::AfterMentions,
                Some("hashtags") => FixAt::Hashtags(fix.hashtags.unwrap_or(3)),
                Some(other) => {
                    problems.add(
                        at_span.clone(),
                        format!(
                            "unknown fix position '{other}'; expected start, end, before-fold, hashtags or after-mentions"
                        ),
                        "start, end, before-fold, hashtags or after-mentions",
                        None,
                    );
                    FixAt::Start
                }
            };
            (insert.clone().unwrap_or_default(), at)
        }
        (None, Some(replace)) if !fix.moves => {
            if fix.at.is_some() {
                problems.add(
                    at_span.clone(),
                    "a fix that replaces the finding's span has no position",
                    "remove `at`",
                    None,
                );
            }
            (replace.clone(), FixAt::Span)
        }
        _ => {
            problems.add(
                id_span,
                "a fix needs exactly one of `insert` (a label to add), `replace` (the finding's span) or `move: true` (the label found, to a better place)",
                "one of insert, replace or move",
                None,
            );
            (String::new(), FixAt::Start)
        }
    };
    if fix.hashtags.is_some() && !matches!(at, FixAt::Hashtags(_)) {
        problems.add(at_span, "`hashtags` goes with `at: hashtags`", "add `at: hashtags`", None);
    }
    let applicability = match fix.applicability.as_ref().map(|value| value.value.as_str()) {
        None if at == FixAt::Span || fix.moves => Applicability::Unsafe,
        None | Some("safe") => Applicability::Safe,
        Some("unsafe") => Applicability::Unsafe,
        Some(other) => {
            problems.add(
                fix.applicability.as_ref().and_then(|value| problems.span_of(value)),
                format!("unknown fix applicability '{other}'; expected safe or unsafe"),
                "safe or unsafe",
                None,
            );
            Applicability::Safe
        }
    };
    FixSpec {
        wording,
        languages: fix.languages.iter().map(|(code, text)| (code.clone(), text.clone())).collect(),
        gifted: fix.gifted.clone(),
        at,
        moves: fix.moves,
        applicability,
    }
}

/// Parses each value of a list, reporting the ones that are not valid.
pub(super) fn parse_list<T: std::str::FromStr<Err = crate::post::UnknownValue>>(
    values: &[Spanned<String>],
    problems: &mut Problems,
) -> Vec<T> {
    let mut parsed = Vec::new();
    for value in values {
        match value.value.parse::<T>() {
            Ok(item) => parsed.push(item),
            Err(error) => {
                problems.add(problems.span_of(value), error.to_string(), "unknown value", None)
            }
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::yaml;

    fn compile(rule: &str, ids: &mut HashSet<String>) -> (Option<Rule>, Vec<String>) {
        let raw: Spanned<RawRule> = yaml::parse(rule).unwrap();
        let mut problems = Problems::new("pack.yaml", rule);
        let sources = [Source { id: "s".into(), title: "S".into(), url: "https://e.org".into() }];
        let defaults = RuleDefaults::default();
        let pack = RulePack { id: "house", index: 0, sources: &sources, defaults: &defaults };
        let compiled = compile_rule(RulePlace { pack: &pack, index: 7 }, raw, ids, &mut problems);
        (compiled, problems.list.into_iter().map(|problem| problem.message).collect())
    }

    const RULE: &str = "id: house/one\nkind: require-term\ncategory: missing-disclosure\nseverity: warning\nmessage: m\nhelp: h\nsource: s\nfix: { insert: '#ad ', at: end }\nexamples: { fail: ['x'], pass: ['#ad x'] }\n";

    #[test]
    fn a_valid_rule_keeps_its_place_kind_and_fix() {
        let (rule, problems) = compile(RULE, &mut HashSet::new());
        assert!(problems.is_empty(), "{problems:?}");
        let rule = rule.unwrap();
        assert_eq!(
            (rule.index, rule.kind.as_str(), rule.severity),
            (7, "require-term", Severity::Warning)
        );
        assert_eq!(rule.fix.unwrap().at, FixAt::End);
        assert_eq!((rule.fail_examples.len(), rule.pass_examples.len()), (1, 1));
    }

    #[test]
    fn each_problem_is_reported_and_the_rule_is_dropped() {
        let mut ids = HashSet::from(["house/one".to_string()]);
        let text = RULE
            .replace("severity: warning", "severity: error\nstatus: preview")
            .replace("source: s", "source: nowhere")
            .replace("at: end", "at: middle");
        let (rule, problems) = compile(&text, &mut ids);
        assert!(rule.is_none());
        let expected = [
            "duplicate rule id",
            "preview rule",
            "unknown source 'nowhere'; this pack's sources: s",
            "unknown fix position 'middle'",
        ];
        for wanted in expected {
            assert!(
                problems.iter().any(|problem| problem.contains(wanted)),
                "{wanted}: {problems:?}"
            );
        }
    }

    #[test]
    fn an_unknown_category_lists_the_categories() {
        let (_, problems) =
            compile(&RULE.replace("missing-disclosure", "missing"), &mut HashSet::new());
        assert!(
            problems[0]
                .contains("unknown category 'missing'; expected one of: missing-disclosure,"),
            "{problems:?}"
        );
    }
}
