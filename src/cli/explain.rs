//! `sponsorlint explain RULE_ID`: what a rule checks, why, its source, its
//! terms and its examples.

use super::{EXIT_ERROR, PackArgs, load_rules, write_stdout};
use sponsorlint::config::Config;
use sponsorlint::engine::RuleSet;
use sponsorlint::rules::raw::RawExample;
use sponsorlint::rules::{Example, Rule, Status};

/// What `sponsorlint/expired-suppression` means: it is no pack rule, so it
/// has no source or examples to show.
const EXPIRED_SUPPRESSION: &str = "sponsorlint/expired-suppression — a suppression has expired

kind:      built in (suppressions file)
severity:  warning
why:       An entry of the suppressions file hid a finding until its `expires`
           date; the date has passed, so the finding is reported again and
           this warning names the entry (file:line) and its reason.
fix:       Fix the post, or renew the entry with a new `expires` date and a
           reason that still holds, or delete the entry.
";

pub fn run(id: &str, packs: &PackArgs, config: &Config) -> u8 {
    if id == sponsorlint::triage::suppress::EXPIRED_RULE {
        return write_stdout(EXPIRED_SUPPRESSION);
    }
    let rules = match load_rules(packs, config, sponsorlint::rules::Examples::Read) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let Some(rule) = find(&rules, id) else {
        let close: Vec<&str> = rules
            .rules
            .iter()
            .map(|rule| rule.id.as_str())
            .filter(|candidate| {
                let tail = id.rsplit('/').next().unwrap_or(id);
                candidate.contains(tail)
                    || id
                        .split('/')
                        .next()
                        .is_some_and(|pack| candidate.starts_with(&format!("{pack}/")))
            })
            .take(12)
            .collect();
        eprintln!("error: no rule '{id}'");
        if !close.is_empty() {
            eprintln!("  did you mean: {}", close.join(", "));
        }
        eprintln!("  `sponsorlint rules list` shows every rule");
        return EXIT_ERROR;
    };
    write_stdout(&explain(&rules, rule))
}

/// A rule by id, following `replaced_by` renames.
fn find<'a>(rules: &'a RuleSet, id: &str) -> Option<&'a Rule> {
    let rule = rules.rule(id)?;
    match &rule.replaced_by {
        Some(newer) => rules.rule(newer).or(Some(rule)),
        None => Some(rule),
    }
}

fn explain(rules: &RuleSet, rule: &Rule) -> String {
    let pack = rules.pack_of(rule);
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(format!("{} — {}", rule.id, rule.message));
    line(String::new());
    line(format!("pack:      {} ({} v{})", pack.id, pack.title, pack.version));
    if let Some(effective) = &pack.effective {
        line(format!("effective: {effective}"));
    }
    line(format!("kind:      {} — {}", rules.check(rule).kind(), rules.check(rule).describe()));
    line(format!("category:  {}", rule.category));
    let status = if rule.status == Status::Preview {
        " (preview: the facts behind it are not yet confirmed)"
    } else {
        ""
    };
    if rule.enabled {
        line(format!("severity:  {}{status}", rule.severity));
    } else {
        line(format!("severity:  off (turned off by the configuration){status}"));
    }
    if !pack.scope_names.is_empty() || !pack.platforms.is_empty() {
        let platforms: Vec<&str> = pack.platforms.iter().map(|p| p.as_str()).collect();
        line(
            format!("applies:   {} {}", pack.scope_names.join(","), platforms.join(","))
                .trim_end()
                .to_string(),
        );
    }
    let when: Vec<String> = [
        ("relationship", rule.when.relationship.iter().map(|r| r.as_str()).collect::<Vec<_>>()),
        ("media", rule.when.media.iter().map(|m| m.as_str()).collect()),
        ("platform", rule.when.platform.iter().map(|p| p.as_str()).collect()),
    ]
    .into_iter()
    .filter(|(_, values)| !values.is_empty())
    .map(|(key, values)| format!("{key} {}", values.join(", ")))
    .collect();
    if !when.is_empty() {
        line(format!("when:      {}", when.join("; ")));
    }
    line(String::new());
    line(format!("why:   {}", rule.source.title));
    line(format!("       {}", rule.source.url));
    line(format!("fix:   {}", rule.help));
    for (parameter, sets) in rules.check(rule).term_sets() {
        for set in sets.written() {
            let set = &rules.term_sets[*set as usize];
            let language = set.language.as_deref().unwrap_or("und");
            line(format!(
                "{parameter}: {} ({}, {language}): {}",
                set.name,
                set.mode,
                set.terms.join(" · ")
            ));
        }
    }
    line(String::new());
    for (title, examples) in [("fails", &rule.fail_examples), ("passes", &rule.pass_examples)] {
        line(format!("{title}:"));
        for example in examples.iter() {
            line(format!("  - {}", describe_example(example)));
        }
    }
    out
}

fn describe_example(example: &Example) -> String {
    match &example.post {
        RawExample::Text(text) => format!("{text:?}"),
        RawExample::Post(object) => serde_json::to_string(object).unwrap_or_default(),
    }
}
