//! Validates raw packs into a [`RuleBook`]: scope, sources, platform facts,
//! term sets and rules. Every problem of a file is collected with its
//! location before giving up on that file.

use std::collections::HashSet;

use super::raw::RawPack;
use super::rule::{RuleDefaults, RulePack, RulePlace, compile_rule, parse_list};
use super::{
    DeclaredRule, Fields, Fold, Length, Pack, PackSource, PlatformFacts, Rule, RuleBook, Source,
    TermSet,
};
use crate::diag::yaml::{Spanned, span_of};
use crate::diag::{FileError, Problems};
use crate::post::{MarketGroups, Platform};

/// Validates packs into a book of their valid rules, with every problem
/// found: a pack that is not even YAML of the right shape is left out. Packs are validated independently; all failing files are
/// returned together.
pub fn compile(sources: Vec<PackSource>, groups: MarketGroups) -> (RuleBook, Vec<FileError>) {
    let mut errors = Vec::new();
    let mut parsed: Vec<(PackSource, RawPack)> = Vec::with_capacity(sources.len());
    for source in sources {
        match source.parse::<RawPack>() {
            Ok(raw) => parsed.push((source, raw)),
            Err(error) => {
                let mut problems = Problems::new(&source.name, &source.text);
                problems.add(error.span, error.message, "here", None);
                errors.extend(problems.into_result().err());
            }
        }
    }

    // Room for every pack, set and rule at once: growing these lists of
    // large values copied them, and touched fresh memory, several times.
    let mut compiler = Compiler {
        groups,
        term_sets: Vec::with_capacity(parsed.iter().map(|(_, raw)| raw.terms.len()).sum()),
        packs: Vec::with_capacity(parsed.len()),
        rules: Vec::with_capacity(parsed.iter().map(|(_, raw)| raw.rules.len()).sum()),
        platforms: Vec::new(),
    };
    // Term sets first, so rules of any pack may use sets of any other.
    let mut pack_ids = HashSet::new();
    let mut accepted = Vec::with_capacity(parsed.len());
    for (source, raw) in parsed {
        let mut problems = Problems::new(&source.name, &source.text);
        if !pack_ids.insert(raw.pack.value.clone()) {
            problems.add(
                span_of(&source.text, &raw.pack),
                format!("pack '{}' is loaded twice", raw.pack.value),
                "duplicate pack id",
                None,
            );
        }
        compiler.register_term_sets(&raw, accepted.len(), &mut problems);
        let earlier = problems.list;
        accepted.push((source, raw, earlier));
    }
    let mut rule_ids = HashSet::new();
    for (source, raw, earlier) in accepted {
        let mut problems = Problems::new(&source.name, &source.text);
        problems.list = earlier;
        compiler.compile_pack(source.clone(), raw, &mut rule_ids, &mut problems);
        errors.extend(problems.into_result().err());
    }
    let book = RuleBook {
        packs: compiler.packs,
        rules: compiler.rules,
        term_sets: compiler.term_sets,
        groups: compiler.groups,
        platforms: compiler.platforms,
    };
    (book, errors)
}

struct Compiler {
    groups: MarketGroups,
    term_sets: Vec<TermSet>,
    packs: Vec<Pack>,
    rules: Vec<Rule>,
    platforms: Vec<(Platform, PlatformFacts)>,
}

impl Compiler {
    /// Term sets come first, so rules of any pack may use sets of any other.
    fn register_term_sets(&mut self, raw: &RawPack, pack: usize, problems: &mut Problems) {
        for (name, set) in &raw.terms {
            let qualified = format!("{}/{name}", raw.pack.value);
            let mode = set.value.mode.value.as_str();
            let accents =
                optional(set.value.accents.as_ref(), "accents", mode, ACCENT_MODES, problems);
            let spaces = optional(set.value.spaces.as_ref(), "spaces", mode, SPACE_MODES, problems);
            let negates = negates(set.value.negates.as_ref(), mode, problems);
            self.term_sets.push(TermSet {
                name: qualified,
                pack,
                language: set.value.language.as_ref().map(|language| language.to_ascii_lowercase()),
                mode: set.value.mode.value.clone(),
                mode_span: problems.span_of(&set.value.mode),
                accents_optional: accents,
                spaces_optional: spaces,
                negates,
                terms: set.value.any.iter().map(|term| term.value.clone()).collect(),
                term_spans: set.value.any.iter().map(|term| problems.span_of(term)).collect(),
            });
        }
    }

    fn compile_pack(
        &mut self,
        origin: PackSource,
        raw: RawPack,
        rule_ids: &mut HashSet<String>,
        problems: &mut Problems,
    ) {
        let source = origin.text.clone();
        let source: &str = &source;
        if let Some(version) = &raw.schema_version
            && version.value != 1
        {
            problems.add(
                span_of(source, version),
                format!("unsupported schema_version {}; this sponsorlint reads 1", version.value),
                "unsupported",
                None,
            );
        }
        if !is_semver(&raw.version.value) {
            problems.add(
                span_of(source, &raw.version),
                format!("version '{}' is not semver (x.y.z)", raw.version.value),
                "not x.y.z",
                None,
            );
        }
        if let Some(effective) = &raw.effective
            && !is_date(&effective.value)
        {
            problems.add(
                span_of(source, effective),
                format!("effective '{}' is not a date (YYYY-MM-DD)", effective.value),
                "not a date",
                None,
            );
        }
        let mut markets = Vec::new();
        for country in &raw.applies_to.countries {
            match self.groups.resolve(&country.value) {
                Ok(found) => markets.extend_from_slice(&found),
                Err(error) => problems.add(
                    span_of(source, country),
                    error.to_string(),
                    "unknown country",
                    None,
                ),
            }
        }
        markets.sort();
        markets.dedup();
        let platforms = parse_list::<Platform>(&raw.applies_to.platforms, problems);
        let mut sources = Vec::new();
        for entry in &raw.sources {
            if !entry.url.value.starts_with("https://") && !entry.url.value.starts_with("http://") {
                problems.add(
                    span_of(source, &entry.url),
                    "source url must start with https:// or http://",
                    "not a URL",
                    None,
                );
            }
            sources.push(Source {
                id: entry.id.value.clone(),
                title: entry.title.clone(),
                url: entry.url.value.clone(),
            });
        }
        let pack_index = self.packs.len();
        if let Some(facts) = &raw.platform {
            if platforms.is_empty() {
                problems.add(
                    span_of(source, &raw.pack),
                    "a pack with `platform:` facts needs applies_to.platforms",
                    "no platform",
                    None,
                );
            }
            let facts = PlatformFacts {
                fold: facts.fold.as_ref().map(Fold::from),
                max_length: facts.max_length.as_ref().map(Length::from),
                title_max_length: facts.title_max_length.as_ref().map(Length::from),
                label: facts.label.clone(),
                visible_fields: Fields::parse(&facts.visible_fields, problems),
            };
            for platform in &platforms {
                self.platforms.retain(|(known, _)| known != platform);
                self.platforms.push((*platform, facts.clone()));
            }
        }
        let pack_id = raw.pack.value.clone();
        let defaults = RuleDefaults::read(&raw.defaults, problems);
        let mut declared = Vec::with_capacity(raw.rules.len());
        for rule in raw.rules {
            let mut kind = DeclaredRule {
                kind: rule.value.kind.value.clone(),
                kind_span: problems.span_of(&rule.value.kind),
                rule: None,
            };
            let pack = RulePack {
                id: &pack_id,
                index: pack_index,
                sources: &sources,
                defaults: &defaults,
            };
            let place = RulePlace { pack: &pack, index: self.rules.len() };
            if let Some(rule) = compile_rule(place, rule, rule_ids, problems) {
                kind.rule = Some(rule.index);
                self.rules.push(rule);
            }
            declared.push(kind);
        }
        self.packs.push(Pack {
            id: pack_id,
            title: raw.title,
            version: raw.version.value,
            effective: raw.effective.map(|effective| effective.value),
            markets,
            scope_names: raw
                .applies_to
                .countries
                .iter()
                .map(|country| country.value.to_ascii_uppercase())
                .collect(),
            platforms,
            fallback: raw.applies_to.fallback,
            sources,
            declared,
            origin,
        });
    }
}

/// The match modes whose terms may leave out accents, or spaces.
const ACCENT_MODES: &[&str] = &["hashtag", "hashtag-prefix", "hashtag-suffix", "word", "phrase"];
const SPACE_MODES: &[&str] = &["word", "phrase"];
/// The match modes of sets that may negate: a negation is words.
const NEGATION_MODES: &[&str] = &["word", "phrase"];

/// A two-valued term-set option: `Some(true)` for `yes`, `Some(false)` for
/// `no`, `None` when absent or (reported) neither.
fn choice(
    value: Option<&Spanned<String>>,
    option: &str,
    (yes, no): (&str, &str),
    problems: &mut Problems,
) -> Option<bool> {
    let value = value?;
    match value.value.as_str() {
        chosen if chosen == yes => Some(true),
        chosen if chosen == no => Some(false),
        other => {
            problems.add(
                problems.span_of(value),
                format!("{option}: '{other}' is not a choice; expected {yes} or {no}"),
                &format!("{yes} or {no}"),
                None,
            );
            None
        }
    }
}

/// `negates: true` or `false` (the default). A set of another match mode
/// is reported and does not negate.
fn negates(value: Option<&Spanned<String>>, mode: &str, problems: &mut Problems) -> bool {
    if choice(value, "negates", ("true", "false"), problems) != Some(true) {
        return false;
    }
    if !NEGATION_MODES.contains(&mode) {
        problems.add(
            value.and_then(|value| problems.span_of(value)),
            format!("only word and phrase sets can negate, not `{mode}` sets"),
            "not for this match mode",
            Some("write the negations (\"not\", \"kein\", \"pas\") as a phrase set".into()),
        );
        return false;
    }
    true
}

/// A term-set option (`accents`, `spaces`): `optional` is true, `required`
/// (the default) false. An option the set's match mode cannot use is
/// reported and left off.
fn optional(
    value: Option<&Spanned<String>>,
    option: &str,
    mode: &str,
    modes: &[&str],
    problems: &mut Problems,
) -> bool {
    if choice(value, option, ("optional", "required"), problems) != Some(true) {
        return false;
    }
    if !modes.contains(&mode) {
        problems.add(
            value.and_then(|value| problems.span_of(value)),
            format!(
                "{option} can only be optional in {} and {} terms, not in `{mode}` terms",
                modes[..modes.len() - 1].join(", "),
                modes[modes.len() - 1],
            ),
            "not for this match mode",
            None,
        );
        return false;
    }
    true
}

fn is_semver(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
}

fn is_date(date: &str) -> bool {
    let parts: Vec<&str> = date.split('-').collect();
    matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2
        && parts.iter().all(|part| part.chars().all(|c| c.is_ascii_digit())))
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::diag::Problem;
    use crate::finding::Severity;
    use crate::post::{Media, Relationship};
    use crate::rules::builtin_market_groups;

    const PACK_HEAD: &str = "pack: house\ntitle: House\nversion: 1.0.0\nsources:\n  - { id: s, title: S, url: https://example.org }\nterms:\n  ad: { match: hashtag, any: ['#ad'] }\n";

    const ONE_RULE: &str = "  - id: house/one\n    kind: require-term\n    category: missing-disclosure\n    severity: error\n    message: m\n    help: h\n    source: s\n    terms: [ad]\n    examples: { fail: ['x'], pass: ['#ad x'] }\n";

    fn book(texts: &[&str]) -> (RuleBook, Vec<FileError>) {
        let sources = texts
            .iter()
            .enumerate()
            .map(|(index, text)| PackSource::user(format!("pack{index}.yaml"), text.to_string()))
            .collect();
        compile(sources, MarketGroups::default())
    }

    fn problems(errors: &[FileError]) -> Vec<&Problem> {
        errors.iter().flat_map(|error| &error.problems).collect()
    }

    #[test]
    fn a_valid_pack_becomes_a_book_with_located_term_sets() {
        let text = format!("{PACK_HEAD}rules:\n{ONE_RULE}");
        let (book, errors) = book(&[&text]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(book.packs.len(), 1);
        assert_eq!(book.rules[0].id, "house/one");
        assert_eq!(book.packs[0].declared[0].rule, Some(0));
        let set = &book.term_sets[0];
        assert_eq!((set.name.as_str(), set.pack), ("house/ad", 0));
        assert_eq!(&text[set.term_spans[0].clone().unwrap()], "'#ad'");
    }

    #[test]
    fn a_pack_with_problems_keeps_its_valid_rules_and_reports_every_problem() {
        let broken_rule =
            ONE_RULE.replace("house/one", "other/two").replace("severity: error", "severity: loud");
        let text = format!("{PACK_HEAD}rules:\n{ONE_RULE}{broken_rule}").replace("1.0.0", "1.0");
        let (book, errors) = book(&[&text]);
        let messages: Vec<&str> = problems(&errors).iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("version '1.0' is not semver"));
        assert!(messages[1].contains("must start with 'house/'"));
        assert!(messages[2].contains("loud"));
        assert_eq!(book.rules.len(), 1, "the valid rule is kept for the engine's pass");
        assert_eq!(book.packs[0].declared.len(), 2);
        assert_eq!(book.packs[0].declared[1].rule, None);
    }

    #[test]
    fn a_pack_loaded_twice_and_facts_without_a_platform_are_problems() {
        let text = format!("{PACK_HEAD}platform:\n  max_length: 10\nrules:\n{ONE_RULE}");
        let (_, errors) = book(&[&text, &text]);
        let messages: Vec<&str> = problems(&errors).iter().map(|p| p.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("pack 'house' is loaded twice")),
            "{messages:?}"
        );
        assert!(messages.iter().any(|m| m.contains("needs applies_to.platforms")), "{messages:?}");
    }

    #[test]
    fn a_file_that_is_not_a_pack_is_left_out_with_its_location() {
        let (book, errors) = book(&["pack: [unclosed\n"]);
        assert!(book.packs.is_empty());
        assert_eq!(errors.len(), 1);
        assert!(errors[0].problems[0].line >= 1);
    }

    /// The book of one pack text, and the messages of its problems with
    /// their line numbers.
    fn load(text: &str) -> (RuleBook, Vec<(usize, String)>) {
        let source = PackSource::user("test.yaml", text.into());
        let (book, errors) = compile(vec![source], builtin_market_groups().unwrap());
        let problems = errors
            .iter()
            .flat_map(|error| &error.problems)
            .map(|problem| {
                let at = format!("test.yaml:{}:{}: ", problem.line, problem.column);
                (problem.line, problem.message.trim_start_matches(&at).to_string())
            })
            .collect();
        (book, problems)
    }

    const HEAD: &str = "pack: t\ntitle: T\nversion: 1.0.0\n\
        sources: [{ id: s, title: S, url: https://example.com }]\n";

    fn rule(id: &str, extra: &str) -> String {
        format!(
            "  - id: t/{id}\n    kind: require-term\n    category: missing-disclosure\n{extra}    \
             terms: [ad]\n    message: m\n    help: h\n    source: s\n"
        )
    }

    #[test]
    fn defaults_fill_in_what_a_rule_does_not_say() {
        let text = format!(
            "{HEAD}defaults:\n  when: {{ relationship: [gifted, event], media: [video] }}\n  \
             severity: error\nrules:\n{}{}{}{}",
            rule("inherits", ""),
            rule("own-relationship", "    when: { relationship: [paid] }\n"),
            rule("no-filter", "    severity: info\n    when: { relationship: [], media: [] }\n"),
            rule("preview", "    status: preview\n    severity: warning\n"),
        );
        let (book, problems) = load(&text);
        assert!(problems.is_empty(), "{problems:?}");
        let rule = |id: &str| book.rule(&format!("t/{id}")).unwrap();
        let inherits = rule("inherits");
        assert_eq!(inherits.when.relationship, [Relationship::Gifted, Relationship::Event]);
        assert_eq!(inherits.when.media, [Media::Video]);
        assert_eq!(inherits.severity, Severity::Error);
        let own = rule("own-relationship");
        assert_eq!(own.when.relationship, [Relationship::Paid], "a rule's filter replaces");
        assert_eq!(own.when.media, [Media::Video], "the other filters still default");
        let none = rule("no-filter");
        assert!(none.when.relationship.is_empty() && none.when.media.is_empty());
        assert_eq!(none.severity, Severity::Info);
        assert_eq!(rule("preview").severity, Severity::Warning);
    }

    #[test]
    fn a_rule_without_a_severity_needs_a_default() {
        let (book, problems) = load(&format!("{HEAD}rules:\n{}", rule("bare", "")));
        assert!(book.rules.is_empty());
        assert_eq!(problems, [(6, "rule 't/bare' has no severity".to_string())]);
    }

    #[test]
    fn a_default_error_is_no_severity_for_a_preview_rule() {
        let text = format!(
            "{HEAD}defaults: {{ severity: error }}\nrules:\n{}",
            rule("unsure", "    status: preview\n")
        );
        let (_, problems) = load(&text);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, 10, "said at the rule's status");
        assert!(problems[0].1.contains("the pack's default"), "{problems:?}");
    }

    #[test]
    fn a_bad_default_is_reported_once_where_it_is_written() {
        let text = format!(
            "{HEAD}defaults:\n  when: {{ relationship: [payd] }}\n  severity: critical\nrules:\n{}{}",
            rule("one", ""),
            rule("two", ""),
        );
        let (book, problems) = load(&text);
        let lines: Vec<usize> = problems.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [6, 7], "{problems:?}");
        assert!(book.rules.is_empty(), "rules without a valid severity are left out");
    }

    #[test]
    fn term_set_options_are_read_and_checked_against_the_match_mode() {
        let text = format!(
            "{HEAD}terms:\n  \
             ad: {{ match: phrase, accents: optional, spaces: optional, any: [publicité] }}\n  \
             tags: {{ match: hashtag, accents: optional, spaces: required, any: ['#pub'] }}\n  \
             re: {{ match: regex, accents: optional, any: [x] }}\n  \
             odd: {{ match: word, spaces: sometimes, any: [x] }}\n  \
             tag: {{ match: hashtag, spaces: optional, any: ['#x'] }}\n"
        );
        let (book, problems) = load(&text);
        let set = |name: &str| {
            let set = book.term_sets.iter().find(|set| set.name == format!("t/{name}")).unwrap();
            (set.accents_optional, set.spaces_optional)
        };
        assert_eq!(set("ad"), (true, true));
        assert_eq!(set("tags"), (true, false));
        assert_eq!(set("re"), (false, false), "left off where the mode cannot use it");
        let messages: Vec<&str> = problems.iter().map(|(_, message)| message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "accents can only be optional in hashtag, hashtag-prefix, hashtag-suffix, word and \
                 phrase terms, not in `regex` terms",
                "spaces: 'sometimes' is not a choice; expected optional or required",
                "spaces can only be optional in word and phrase terms, not in `hashtag` terms",
            ]
        );
    }

    #[test]
    fn a_negating_set_is_read_and_checked_against_the_match_mode() {
        let text = format!(
            "{HEAD}terms:\n  \
             negations: {{ match: phrase, negates: true, any: [not, kein] }}\n  \
             plain: {{ match: word, negates: false, any: [ad] }}\n  \
             links: {{ match: url, negates: true, any: [rstyle.me] }}\n  \
             unsure: {{ match: word, negates: maybe, any: [nope] }}\n"
        );
        let (book, problems) = load(&text);
        let negates = |name: &str| {
            book.term_sets.iter().find(|set| set.name == format!("t/{name}")).unwrap().negates
        };
        assert!(negates("negations"));
        assert!(!negates("plain"));
        assert!(!negates("links"), "left off where the mode cannot use it");
        assert!(!negates("unsure"));
        assert_eq!(
            problems,
            [
                (8, "only word and phrase sets can negate, not `url` sets".to_string()),
                (9, "negates: 'maybe' is not a choice; expected true or false".to_string()),
            ]
        );
    }
}
