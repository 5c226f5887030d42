//! What the configuration changes in loaded packs: rules turned off or
//! given another severity, and platform figures replaced.

use super::{Config, RuleSetting};
use crate::diag::{FileError, FileKind, Problems};
use crate::finding::Severity;
use crate::rules::{Fold, Length, PlatformFacts, RuleBook, Status};

impl Config {
    /// Applies the rule overrides to freshly compiled packs: a rule turned
    /// off is never planned, a severity override changes its findings. An
    /// override naming a rule that is not loaded is an error.
    pub fn configure_rules(&self, rules: &mut RuleBook) -> Result<(), FileError> {
        let mut problems = Problems::of(FileKind::Config, &self.name, &self.source);
        for wanted in &self.rule_overrides {
            let Some(index) = rules.rules.iter().position(|rule| rule.id == wanted.rule) else {
                problems.add(
                    wanted.span.clone(),
                    format!("rules: no loaded rule '{}'", wanted.rule),
                    "unknown rule",
                    Some(rules.unknown_rule_help(&wanted.rule)),
                );
                continue;
            };
            let rule = &mut rules.rules[index];
            match wanted.setting {
                RuleSetting::Off => rule.enabled = false,
                // Preview facts are not confirmed: they never reach severity error.
                RuleSetting::Severity(Severity::Error) if rule.status == Status::Preview => {
                    problems.add(
                        wanted.span.clone(),
                        format!("rules: '{}' is a preview rule and cannot be an error", rule.id),
                        "preview rule",
                        Some(
                            "preview rules encode facts not yet confirmed; use warning or info"
                                .into(),
                        ),
                    )
                }
                RuleSetting::Severity(severity) => rule.severity = severity,
            }
        }
        for wanted in &self.platform_overrides {
            let facts =
                match rules.platforms.iter().position(|(known, _)| *known == wanted.platform) {
                    Some(index) => &mut rules.platforms[index].1,
                    None => {
                        rules.platforms.push((wanted.platform, PlatformFacts::default()));
                        &mut rules.platforms.last_mut().expect("just pushed").1
                    }
                };
            // Findings then say "by a configured figure" unless the file names a basis.
            let configured = |basis: Option<String>| basis.or_else(|| Some("configured".into()));
            if let Some(fold) = &wanted.facts.fold {
                let fold = Fold::from(fold);
                facts.fold = Some(Fold { basis: configured(fold.basis.clone()), ..fold });
            }
            let lengths = [
                (&wanted.facts.max_length, &mut facts.max_length),
                (&wanted.facts.title_max_length, &mut facts.title_max_length),
            ];
            for (wanted, fact) in lengths {
                if let Some(length) = wanted.as_ref().map(Length::from) {
                    *fact = Some(Length { basis: configured(length.basis.clone()), ..length });
                }
            }
        }
        problems.into_result()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn parse(source: &str) -> Result<Config, FileError> {
        Config::parse("sponsorlint.yaml", source.to_string(), Path::new("/project"))
    }

    #[test]
    fn the_guide_example_loads_and_names_real_rules() {
        let guide = include_str!("../../docs/guide.md");
        let start = guide.find("# sponsorlint.yaml\n").expect("the guide's example");
        let example = &guide[start..start + guide[start..].find("```").unwrap()];
        let config = parse(example).unwrap();
        assert!(!config.rule_overrides.is_empty() && config.baseline.is_some());
        config.configure_rules(&mut builtin_rules()).unwrap();
    }

    fn builtin_rules() -> RuleBook {
        crate::rules::builtin_book()
    }

    #[test]
    fn overrides_turn_rules_off_and_change_severities() {
        let mut rules = builtin_rules();
        let config =
            parse("rules:\n  fr/missing-disclosure: off\n  us/ambiguous-only: info\n").unwrap();
        config.configure_rules(&mut rules).unwrap();
        assert!(!rules.rule("fr/missing-disclosure").unwrap().enabled);
        let ambiguous = rules.rule("us/ambiguous-only").unwrap();
        assert!(ambiguous.enabled);
        assert_eq!(ambiguous.severity, Severity::Info);
    }

    #[test]
    fn an_override_of_an_unknown_rule_says_what_was_meant() {
        let mut rules = builtin_rules();
        let config = parse("rules:\n  fr/missing-disclosur: off\n").unwrap();
        let error = config.configure_rules(&mut rules).unwrap_err();
        let problem = &error.problems[0];
        assert_eq!((problem.line, problem.column), (2, 3));
        assert!(
            problem.message.contains("no loaded rule 'fr/missing-disclosur'"),
            "{}",
            problem.message
        );
        let help = problem.help.as_deref().unwrap();
        assert!(help.starts_with("did you mean fr/missing-disclosure"), "{help}");
    }

    #[test]
    fn a_preview_rule_cannot_be_raised_to_error() {
        let mut rules = builtin_rules();
        let preview = rules.rules.iter().find(|rule| rule.status == Status::Preview).unwrap();
        let source = format!("rules:\n  {}: error\n", preview.id);
        let error = parse(&source).unwrap().configure_rules(&mut rules).unwrap_err();
        assert!(error.problems[0].message.contains("preview"), "{}", error.problems[0].message);
    }
}
