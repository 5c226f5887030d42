//! `check --select` and `--ignore`: which of the loaded rules run, by rule
//! id or category, on top of the configuration's `rules:` settings.

use sponsorlint::finding::Category;
use sponsorlint::rules::{Rule, RuleBook};

/// Leaves on only the rules `select` names (every rule when it is empty),
/// less those `ignore` names; a rule the configuration turned off stays
/// off. A name is a rule id or a category. Returns a message for each name
/// that is neither a loaded rule's id nor a category.
pub(super) fn apply(book: &mut RuleBook, select: &[String], ignore: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    for (flag, names) in [("--select", select), ("--ignore", ignore)] {
        for name in names {
            let known = Category::ALL.iter().any(|category| category.as_str() == name)
                || book.rules.iter().any(|rule| rule.id == *name);
            if !known {
                problems.push(format!(
                    "{flag}: no loaded rule or category '{name}'; {}",
                    book.unknown_rule_help(name)
                ));
            }
        }
    }
    for rule in &mut book.rules {
        let selected = select.is_empty() || select.iter().any(|name| names(rule, name));
        if !selected || ignore.iter().any(|name| names(rule, name)) {
            rule.enabled = false;
        }
    }
    problems
}

/// Whether `name` is the rule's id or its category.
fn names(rule: &Rule, name: &str) -> bool {
    rule.id == name || rule.category.as_str() == name
}
