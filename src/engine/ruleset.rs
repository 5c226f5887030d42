//! Compiles a [`RuleBook`] into the engine's [`RuleSet`]: every term set
//! into the one matcher, and each rule's kind parameters, read from its
//! pack, into a check.

use foldhash::HashMap;
use std::ops::Deref;

use super::checks::{Check, CompileContext, Params, ReadRule, RuleParams, read_params};
use super::matcher::{MatchMode, Matcher, MatcherBuilder, SetId, TermOptions};
use crate::diag::{FileError, Problems};
use crate::rules::raw::RawRule;
use crate::rules::{Rule, RuleBook, TermSet};

/// The loaded packs, compiled: the [`RuleBook`] (what the packs say) with
/// each rule's check. The matcher of their term sets is built when posts
/// are checked, of the sets the posts' markets need ([`RuleSet::matcher`]).
#[derive(Debug)]
pub struct RuleSet {
    book: RuleBook,
    /// By rule index, as in `book.rules`.
    checks: Vec<Check>,
    /// By set id: the set a post's scan holds its hits under (see [`Sets`](super::checks::Sets)).
    scanned_as: Vec<SetId>,
}

impl Deref for RuleSet {
    type Target = RuleBook;

    fn deref(&self) -> &RuleBook {
        &self.book
    }
}

impl RuleSet {
    /// The check of a rule of this set.
    pub fn check(&self, rule: &Rule) -> &Check {
        &self.checks[rule.index]
    }

    /// The rules, to change their severity or turn them off before use.
    pub fn book_mut(&mut self) -> &mut RuleBook {
        &mut self.book
    }

    /// The rule at `index` with its check.
    pub fn rule_at(&self, index: usize) -> (&Rule, &Check) {
        (&self.book.rules[index], &self.checks[index])
    }

    /// The matcher of the term sets `wanted` marks by id as scanned (every
    /// set for `None`): a set defined as an earlier one is not built, its
    /// hits being the earlier set's. Their terms were checked when the set
    /// was compiled.
    pub fn matcher(&self, wanted: Option<&[bool]>) -> Matcher {
        let wanted = |set: usize| {
            self.scanned_as[set] as usize == set
                && wanted.is_none_or(|wanted| wanted.get(set) == Some(&true))
        };
        build_matcher(&self.book, wanted, |_, _| {})
    }

    /// Compiles every pack of `book`. `earlier` holds the problems found
    /// while validating the book; they are reported with this pass's, per
    /// file and in file order, so one run shows every problem.
    pub fn compile(book: RuleBook, earlier: Vec<FileError>) -> Result<RuleSet, Vec<FileError>> {
        RuleSet::compile_with(book, earlier, HashMap::default())
    }

    /// [`RuleSet::compile`], with the kind parameters of some packs already
    /// read (by `read_params_and_kinds`, by pack name): they are used
    /// where every rule's kind is the one the book has.
    pub fn compile_with(
        book: RuleBook,
        mut earlier: Vec<FileError>,
        mut read_ahead: HashMap<String, Vec<ReadRule>>,
    ) -> Result<RuleSet, Vec<FileError>> {
        let mut problems: Vec<Problems> = book
            .packs
            .iter()
            .map(|pack| {
                let mut problems = Problems::new(&pack.origin.name, &pack.origin.text);
                problems.continue_from(&mut earlier);
                problems
            })
            .collect();
        // The terms of user packs are checked now, to be reported with
        // the rest; the built-in packs' are proven by the test suite, which
        // reads them from their YAML.
        let user_pack = |set: usize| book.packs[book.term_sets[set].pack].origin.prebuilt.is_none();
        build_matcher(&book, user_pack, |set, problem| {
            problems[book.term_sets[set].pack].add(problem.0, problem.1, problem.2, None);
        });
        let scanned_as = scanned_as(&book);
        let set_ids: HashMap<&str, SetId> = book
            .term_sets
            .iter()
            .enumerate()
            .map(|(id, set)| (set.name.as_str(), id as SetId))
            .collect();
        let mut checks: Vec<Option<Check>> = Vec::new();
        checks.resize_with(book.rules.len(), || None);
        for (pack, problems) in book.packs.iter().zip(&mut problems) {
            let kinds: Vec<&str> = pack.declared.iter().map(|rule| rule.kind.as_str()).collect();
            let ahead = read_ahead.remove(&pack.origin.name).filter(|rules| {
                rules.len() == kinds.len() && rules.iter().zip(&kinds).all(|(r, k)| r.kind == *k)
            });
            let params = match ahead {
                Some(rules) => rules.into_iter().map(|rule| rule.params).collect(),
                None => match read_params(&pack.origin, &kinds) {
                    Ok(params) => params,
                    Err(error) => {
                        problems.add(error.span, error.message, "here", None);
                        continue;
                    }
                },
            };
            for (declared, read) in pack.declared.iter().zip(params) {
                let mut context = CompileContext {
                    kind: &declared.kind,
                    kind_span: declared.kind_span.clone(),
                    pack_id: &pack.id,
                    set_ids: &set_ids,
                    scanned_as: &scanned_as,
                    problems,
                };
                report_unknown_keys(&read, &mut context);
                let check = compile_check(read.params, &mut context);
                if let (Some(index), Some(check)) = (declared.rule, check) {
                    // A prebuilt pack was read without its examples; the
                    // test suite checks them from its YAML.
                    if pack.origin.prebuilt.is_none() {
                        check_examples(&book.rules[index], &check, context.problems);
                    }
                    checks[index] = Some(check);
                }
            }
        }
        let mut errors = earlier;
        errors.extend(problems.into_iter().filter_map(|problems| problems.into_result().err()));
        let checks: Option<Vec<Check>> = checks.into_iter().collect();
        match checks {
            Some(checks) if errors.is_empty() => Ok(RuleSet { book, checks, scanned_as }),
            _ => Err(errors),
        }
    }
}

/// By set id: the first set defined exactly as it is — the same mode,
/// options, language, negation and terms — or itself. Such sets find the
/// same places, and a rule reads nothing else of a set.
fn scanned_as(book: &RuleBook) -> Vec<SetId> {
    type Definition<'s> = (&'s str, (bool, bool, bool), Option<&'s str>, &'s [String]);
    fn definition(set: &TermSet) -> Definition<'_> {
        let options = (set.accents_optional, set.spaces_optional, set.negates);
        (set.mode.as_str(), options, set.language.as_deref(), set.terms.as_slice())
    }
    // Each set is compared with the first set that ends in the same term,
    // which tells sets apart without hashing every term (this runs at
    // every start). A set alike a later set with that ending, but not the
    // first, is scanned on its own: a little time, the same hits.
    let sets = &book.term_sets;
    let mut first: HashMap<_, SetId> =
        HashMap::with_capacity_and_hasher(sets.len(), <_>::default());
    let ids = sets.iter().enumerate().map(|(id, set)| {
        let earlier = *first.entry(set.terms.last()).or_insert(id as SetId);
        let alike = || definition(&sets[earlier as usize]) == definition(set);
        if earlier != id as SetId && alike() { earlier } else { id as SetId }
    });
    ids.collect()
}

/// A located problem of a term set: where, what, and the label.
type TermProblem = (Option<std::ops::Range<usize>>, String, &'static str);

/// The matcher of the term sets `wanted` says by id; `report` hears of each
/// problem of their terms, with the set's id.
fn build_matcher(
    book: &RuleBook,
    wanted: impl Fn(usize) -> bool,
    mut report: impl FnMut(usize, TermProblem),
) -> Matcher {
    let mut builder = MatcherBuilder::default();
    for (id, set) in book.term_sets.iter().enumerate() {
        if !wanted(id) {
            continue;
        }
        let mode = match set.mode.parse::<MatchMode>() {
            Ok(mode) => mode,
            Err(message) => {
                report(id, (set.mode_span.clone(), message.to_string(), "unknown match mode"));
                continue;
            }
        };
        let short_name = set.name.split_once('/').map_or(set.name.as_str(), |(_, name)| name);
        let options = TermOptions {
            accents_optional: set.accents_optional,
            spaces_optional: set.spaces_optional,
        };
        if set.negates {
            builder.negates(id as SetId);
        }
        if book.packs[set.pack].origin.prebuilt.is_some() {
            builder.proven(id as SetId);
        }
        for (term, span) in set.terms.iter().zip(&set.term_spans) {
            if let Err(message) = builder.add_with(id as SetId, mode, options, term) {
                let message = format!("term set '{short_name}': {message}");
                report(id, (span.clone(), message, "bad term"));
            }
        }
    }
    builder.build()
}

/// A rule's check from its kind's parameters.
fn compile_check(params: Option<Params>, context: &mut CompileContext) -> Option<Check> {
    let Some(params) = params else {
        context.problems.add(
            context.kind_span.clone(),
            format!(
                "unknown rule kind '{}'; expected one of: {}",
                context.kind,
                Check::KINDS.join(", ")
            ),
            "unknown kind",
            None,
        );
        return None;
    };
    Check::compile(params, context)
}

/// A key that is neither a rule key nor a parameter of the rule's kind:
/// said at the key, with the closest name it may be a typo of.
fn report_unknown_keys(read: &RuleParams, context: &mut CompileContext) {
    if read.params.is_none() {
        return; // an unknown kind is reported instead
    }
    for key in &read.unknown_keys {
        let known = RawRule::KEYS.iter().chain(read.expected);
        let closest = known
            .map(|name| (strsim::jaro_winkler(&key.value, name), *name))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let message = match closest {
            Some((_, name)) => format!("unknown key `{}`; did you mean `{name}`?", key.value),
            None => format!("unknown key `{}`", key.value),
        };
        let parameters = match read.expected {
            [] => format!("kind `{}` takes no parameters", context.kind),
            names => format!("kind `{}` takes: {}", context.kind, names.join(", ")),
        };
        let help = format!("a rule has: {}; {parameters}", RawRule::KEYS.join(", "));
        let span = context.problems.span_of(key);
        context.problems.add(span, message, "unknown key", Some(help));
    }
}

/// A rule has pass and fail examples, except one that never fires: pass only.
fn check_examples(rule: &Rule, check: &Check, problems: &mut Problems) {
    let never_fires = check.never_fires();
    if never_fires && !rule.fail_examples.is_empty() {
        problems.add(
            rule.id_span.clone(),
            format!(
                "rule '{}' has stance `sufficient`, never fires, and so cannot have fail examples",
                rule.id
            ),
            "fail examples of a rule that never fires",
            Some("give pass examples: posts with the label and no caption disclosure".into()),
        );
    } else if rule.pass_examples.is_empty() || (rule.fail_examples.is_empty() && !never_fires) {
        problems.add(
            rule.id_span.clone(),
            format!("rule '{}' needs at least one pass and one fail example", rule.id),
            "no examples",
            None,
        );
    }
}

#[cfg(test)]
pub(crate) mod tests {

    use super::*;
    use crate::post::MarketGroups;
    use crate::rules::{self, PackSource};

    pub(crate) fn compile(rules_yaml: &str) -> Result<RuleSet, Vec<String>> {
        compile_with_terms("", rules_yaml)
    }

    fn compile_with_terms(more_terms: &str, rules_yaml: &str) -> Result<RuleSet, Vec<String>> {
        let text = format!(
            "pack: house\ntitle: House\nversion: 1.0.0\nsources:\n  - {{ id: s, title: S, url: https://example.org }}\nterms:\n  ad: {{ match: hashtag, any: ['#ad'] }}\n{more_terms}rules:\n{rules_yaml}"
        );
        let source = PackSource::user("house.yaml", text);
        let (book, errors) = rules::compile(vec![source], MarketGroups::default());
        RuleSet::compile(book, errors).map_err(|errors| {
            errors
                .into_iter()
                .flat_map(|error| error.problems)
                .map(|problem| problem.message)
                .collect()
        })
    }

    /// The built-in rule set, with its rules' examples.
    pub(crate) fn builtin_with_examples() -> RuleSet {
        let groups = rules::builtin_market_groups().unwrap();
        let sources = rules::gather(true, rules::Examples::Read, &[], u64::MAX).unwrap();
        let (book, problems) = rules::compile(sources, groups);
        RuleSet::compile(book, problems).unwrap()
    }

    /// Every text of every example of the built-in rules: a caption, or
    /// each text value of an example post.
    pub(crate) fn builtin_example_texts(rules: &RuleSet) -> Vec<String> {
        use crate::rules::raw::RawExample;
        let examples = rules
            .rules
            .iter()
            .flat_map(|rule| rule.pass_examples.iter().chain(&rule.fail_examples));
        examples
            .flat_map(|example| match &example.post {
                RawExample::Text(text) => vec![text.clone()],
                RawExample::Post(keys) => {
                    keys.values().filter_map(|v| v.as_str()).map(str::to_string).collect()
                }
            })
            .collect()
    }

    pub(crate) fn rule(kind: &str, extra: &str, examples: &str) -> String {
        format!(
            "  - id: house/r\n    kind: {kind}\n    category: missing-disclosure\n    severity: warning\n    message: m\n    help: h\n    source: s\n{extra}    examples: {examples}\n"
        )
    }

    pub(crate) const BOTH: &str = "{ fail: ['x'], pass: ['#ad x'] }";

    #[test]
    fn a_rule_gets_its_kinds_check() {
        let rules = compile(&rule("require-term", "    terms: [ad]\n", BOTH)).unwrap();
        let (rule, check) = rules.rule_at(0);
        assert_eq!((rule.id.as_str(), check.kind()), ("house/r", "require-term"));
        let sets = check.term_sets();
        assert_eq!(sets.len(), 1);
        assert_eq!((sets[0].0, &sets[0].1[..], sets[0].1.written()), ("terms", &[0][..], &[0][..]));
    }

    /// Sets 1 and 3 say what set 0 says; set 2 differs only in its language.
    const TWINS: &str = "  ad-again: { match: hashtag, any: ['#ad'] }\n  \
                         ad-in-french: { match: hashtag, language: fr, any: ['#ad'] }\n  \
                         ad-once-more: { match: hashtag, any: ['#ad'] }\n";

    #[test]
    fn a_set_defined_as_an_earlier_one_is_scanned_as_it() {
        let rule = rule("require-term", "    terms: [ad-in-french, ad-once-more]\n", BOTH);
        let rules = compile_with_terms(TWINS, &rule).unwrap();
        let sets = rules.rule_at(0).1.term_sets();
        assert_eq!((&sets[0].1[..], sets[0].1.written()), (&[2, 0][..], &[2, 3][..]));
        let post = crate::post::Post::from_text(Default::default(), "#ad");
        let scan = crate::engine::scan::PostScan::new(&post, &rules.matcher(None));
        let hits: Vec<SetId> = scan.hits_of(&[0, 1, 2, 3]).map(|hit| hit.set).collect();
        assert_eq!(hits, [0, 2], "one hit for the three sets alike, one for the French one");
        assert!(scan.any(sets[0].1), "the rule finds its sets' hits");
    }

    #[test]
    fn sets_alike_are_each_checked_where_written() {
        let bad = "  bad: { match: regex, any: ['(unclosed'] }\n  \
                   bad-again: { match: regex, any: ['(unclosed'] }\n";
        let problems = compile_with_terms(bad, &rule("require-term", "    terms: [ad]\n", BOTH));
        let problems = problems.unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[1].starts_with("house.yaml:9:"), "{problems:?}");
    }

    #[test]
    fn a_bad_term_is_located_at_the_term() {
        let bad = "  bad: { match: regex, any: ['(unclosed'] }\n";
        let problems = compile_with_terms(bad, &rule("require-term", "    terms: [ad]\n", BOTH));
        let problems = problems.unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("house.yaml:8:30: term set 'bad': invalid regex"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_bad_wording_is_located_at_the_term() {
        let bad = "  bad: { match: phrase, any: ['i [earn|get a commission'] }\n";
        let problems = compile_with_terms(bad, &rule("require-term", "    terms: [ad]\n", BOTH));
        assert_eq!(
            problems.unwrap_err(),
            ["house.yaml:8:31: term set 'bad': 'i [earn|get a commission' has a '[' that is not \
              closed with ']'"]
        );
    }

    #[test]
    fn a_negating_set_cancels_the_hits_of_other_sets() {
        let negations = "  negations: { match: phrase, negates: true, any: [not] }\n  \
                         sponsored: { match: word, any: [sponsored] }\n";
        let rules = compile_with_terms(negations, &rule("require-term", "    terms: [ad]\n", BOTH));
        let rules = rules.unwrap();
        let matcher = rules.matcher(None);
        assert!(matcher.negates(1) && !matcher.negates(2));
        let post = crate::post::Post::from_text(Default::default(), "not sponsored");
        let scan = crate::engine::scan::PostScan::new(&post, &matcher);
        assert_eq!(scan.negated().len(), 1);
        assert_eq!(scan.negated()[0].hit.set, 2);
    }

    #[test]
    fn unknown_kinds_and_keys_are_named_with_what_was_meant() {
        let problems = compile(&rule("require-terms", "    terms: [ad]\n", BOTH)).unwrap_err();
        assert!(
            problems.iter().any(|p| p.contains("unknown rule kind 'require-terms'")),
            "{problems:?}"
        );
        let problems = compile(&rule("require-term", "    termz: [ad]\n", BOTH)).unwrap_err();
        assert!(
            problems.iter().any(|p| p.contains("unknown key `termz`; did you mean `terms`?")),
            "{problems:?}"
        );
        assert!(problems.iter().any(|p| p.contains("needs `terms`")), "{problems:?}");
    }

    #[test]
    fn a_rule_needs_pass_and_fail_examples_unless_it_never_fires() {
        let problems =
            compile(&rule("require-term", "    terms: [ad]\n", "{ pass: ['#ad'] }")).unwrap_err();
        assert!(
            problems.iter().any(|p| p.contains("needs at least one pass and one fail example"))
        );
        let label = "    stance: sufficient\n    terms: [ad]\n";
        let problems = compile(&rule("platform-label", label, BOTH)).unwrap_err();
        assert!(
            problems.iter().any(|p| p.contains("never fires, and so cannot have fail examples"))
        );
    }
}
