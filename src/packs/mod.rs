//! Rule packs ready for a run: gathered, validated into a rule book,
//! configured, compiled by the engine, and (for packs the user brought)
//! proven by their own examples. Also the coverage table of the loaded
//! packs. This sits above the engine because proving examples runs it.

pub mod coverage;
pub mod selftest;

use std::path::PathBuf;
use std::sync::Arc;

use foldhash::HashMap;

use crate::diag::FileError;
use crate::engine::RuleSet;
use crate::engine::checks::{ReadRule, read_params_and_kinds};
use crate::limits::Limits;
use crate::post::{Market, MarketGroups};
use crate::rules::{self, Examples, RuleBook};

/// Gathers and compiles packs, examples included, without running them.
pub fn compile_gathered(builtin: bool, paths: &[PathBuf]) -> Result<Arc<RuleSet>, Vec<FileError>> {
    let limits = Limits::default();
    compile_configured(builtin, Examples::Read, paths, &limits, None, |_| Ok(())).map(Arc::new)
}

/// Loads packs for checking: the non-built-in packs' examples must pass
/// (the built-in ones are proven by the test suite and `rules test`).
pub fn load(builtin: bool, paths: &[PathBuf]) -> Result<Arc<RuleSet>, Vec<FileError>> {
    load_with(builtin, Examples::Skip, paths, &Limits::default(), None, |_| Ok(()))
}

/// The markets of every post a run checks, when it knows them before it
/// reads one: the run then reads only the built-in packs they use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunScope {
    pub markets: Vec<Market>,
    /// Packs read whatever their markets (those the configuration names
    /// rules of).
    pub packs: Vec<String>,
}

/// [`load`], letting `configure` change rules (turn them off, change their
/// severity) before the set is shared. Turned-off rules skip their examples.
/// `examples` says whether the built-in packs' examples are read (to show
/// or count them), or left out (to check posts). With a `scope`, the
/// built-in country packs of other markets are left unread, unless the
/// packs read then have a problem, or `configure` finds one: then every
/// pack is read, and what is wrong reported as a whole load reports it.
pub fn load_with(
    builtin: bool,
    examples: Examples,
    paths: &[PathBuf],
    limits: &Limits,
    scope: Option<&RunScope>,
    configure: impl FnMut(&mut RuleBook) -> Result<(), FileError>,
) -> Result<Arc<RuleSet>, Vec<FileError>> {
    let rules = Arc::new(compile_configured(builtin, examples, paths, limits, scope, configure)?);
    let report = selftest::run(rules.clone(), |pack| !pack.origin.builtin);
    if report.failures.is_empty() { Ok(rules) } else { Err(report.failures) }
}

fn compile_configured(
    builtin: bool,
    examples: Examples,
    paths: &[PathBuf],
    limits: &Limits,
    scope: Option<&RunScope>,
    mut configure: impl FnMut(&mut RuleBook) -> Result<(), FileError>,
) -> Result<RuleSet, Vec<FileError>> {
    let groups = rules::builtin_market_groups().map_err(|error| vec![error])?;
    let sources = rules::gather(builtin, examples, paths, limits.rule_pack)?;
    if let Some(scope) = scope {
        let within = rules::within_markets(sources.clone(), &scope.markets, &scope.packs, &groups);
        if let Ok(rules) = compile_sources(within, groups.clone(), &mut configure) {
            return Ok(rules);
        }
    }
    compile_sources(sources, groups, &mut configure)
}

fn compile_sources(
    sources: Vec<rules::PackSource>,
    groups: MarketGroups,
    configure: &mut impl FnMut(&mut RuleBook) -> Result<(), FileError>,
) -> Result<RuleSet, Vec<FileError>> {
    // A pack's YAML is read twice: for what every rule says, and for each
    // kind's parameters. The second pass finds each rule's kind itself, so
    // on another thread it reads beside the first. (A prebuilt built-in
    // pack is read in place, at no cost worth a thread.)
    let from_yaml: Vec<rules::PackSource> =
        sources.iter().filter(|source| source.prebuilt.is_none()).cloned().collect();
    let (book, problems, read_ahead) = std::thread::scope(|scope| {
        let read_ahead = || {
            let read = from_yaml.iter().map(|source| (source, read_params_and_kinds(source)));
            let read = read.filter_map(|(source, rules)| Some((source.name.clone(), rules?)));
            read.collect::<HashMap<String, Vec<ReadRule>>>()
        };
        // No thread to be had: the second pass runs after the first.
        let ahead = (!from_yaml.is_empty())
            .then(|| std::thread::Builder::new().spawn_scoped(scope, read_ahead).ok())
            .flatten();
        let (book, problems) = rules::compile(sources, groups);
        let read_ahead = ahead.and_then(|thread| thread.join().ok()).unwrap_or_default();
        (book, problems, read_ahead)
    });
    let mut rules = RuleSet::compile_with(book, problems, read_ahead)?;
    for pack in &mut rules.book_mut().packs {
        pack.origin.forget_read_once();
    }
    configure(rules.book_mut()).map_err(|error| vec![error])?;
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::engine::Engine;
    use crate::post::Post;

    fn builtin(examples: Examples) -> Arc<RuleSet> {
        let rules = compile_configured(true, examples, &[], &Limits::default(), None, |_| Ok(()));
        Arc::new(rules.expect("the built-in packs compile"))
    }

    /// A check reads the built-in packs as build.rs read them; `rules test`
    /// reads their YAML. Both must say the same rules and give the same
    /// findings on every example.
    #[test]
    fn the_prebuilt_packs_say_and_find_what_their_yaml_does() {
        let yaml = builtin(Examples::Read);
        let prebuilt = builtin(Examples::Skip);
        assert!(prebuilt.packs.iter().all(|pack| pack.origin.prebuilt.is_some()));
        assert!(yaml.packs.iter().all(|pack| pack.origin.prebuilt.is_none()));
        let said = |set_of_rules: &RuleSet| {
            let rules: Vec<String> = set_of_rules
                .rules
                .iter()
                .map(|rule| {
                    format!(
                        "{} {} {:?} {:?} {:?} {:?} {} {} {:?} {:?} {:?}",
                        rule.id,
                        rule.kind,
                        rule.category,
                        rule.severity,
                        rule.status,
                        rule.when,
                        rule.message,
                        rule.help,
                        rule.fix,
                        rule.source,
                        rule.replaced_by
                    )
                })
                .collect();
            let sets: Vec<String> = set_of_rules
                .term_sets
                .iter()
                .map(|set| {
                    format!(
                        "{} {:?} {} {} {} {} {:?}",
                        set.name,
                        set.language,
                        set.mode,
                        set.accents_optional,
                        set.spaces_optional,
                        set.negates,
                        set.terms
                    )
                })
                .collect();
            (rules, sets)
        };
        assert_eq!(said(&yaml), said(&prebuilt));
        assert!(prebuilt.rules.iter().all(|rule| rule.pass_examples.is_empty()));

        let (by_yaml, by_prebuilt) = (Engine::new(yaml.clone()), Engine::new(prebuilt));
        let mut examples = 0;
        for rule in &yaml.rules {
            for example in rule.fail_examples.iter().chain(&rule.pass_examples) {
                let post = selftest::example_post(&yaml, rule, example).expect("an example post");
                let expected = format!("{:?}", by_yaml.check(post.clone()));
                assert_eq!(format!("{:?}", by_prebuilt.check(post)), expected, "{}", rule.id);
                examples += 1;
            }
        }
        assert!(examples > 800, "{examples} examples");
    }

    /// Every built-in example as a post, with its rule's id, by the
    /// post's markets.
    fn examples_by_markets(rules: &RuleSet) -> BTreeMap<Vec<Market>, Vec<(String, Post)>> {
        let mut by_markets: BTreeMap<_, Vec<_>> = BTreeMap::new();
        for rule in &rules.rules {
            for example in rule.fail_examples.iter().chain(&rule.pass_examples) {
                let post = selftest::example_post(rules, rule, example).expect("an example post");
                by_markets.entry(post.markets.clone()).or_default().push((rule.id.clone(), post));
            }
        }
        assert!(by_markets.len() > 20, "{} market sets", by_markets.len());
        by_markets
    }

    /// A run whose posts are all of known markets reads only the built-in
    /// packs of those markets. Each example, checked with the packs of its
    /// own markets alone, finds what it finds with every pack; and no
    /// market needs a pack it leaves out (which would make the run read
    /// every pack after all).
    #[test]
    fn an_example_checked_with_its_markets_packs_alone_finds_what_every_pack_finds() {
        let rules = builtin(Examples::Read);
        let mut by_markets = examples_by_markets(&rules);
        by_markets.remove(&Vec::new());
        let every_pack = Engine::new(rules.clone());
        let mut examples = 0;
        for (markets, posts) in &by_markets {
            let scope = RunScope { markets: markets.clone(), packs: Vec::new() };
            let limits = Limits::default();
            let scoped =
                compile_configured(true, Examples::Read, &[], &limits, Some(&scope), |_| Ok(()));
            let scoped = Arc::new(scoped.expect("the packs of a market compile"));
            assert!(scoped.packs.len() < rules.packs.len(), "{markets:?} left no pack out");
            let own_packs = Engine::new(scoped);
            for (rule, post) in posts {
                let expected = format!("{:?}", every_pack.check(post.clone()));
                assert_eq!(format!("{:?}", own_packs.check(post.clone())), expected, "{rule}");
                examples += 1;
            }
        }
        assert!(examples > 800, "{examples} examples");
    }

    /// The kind parameters read beside the first pass, each rule's kind
    /// found in the rule, are those the second pass reads given the kinds:
    /// for every rule of every built-in pack's YAML.
    #[test]
    fn parameters_read_with_the_kinds_found_equal_those_read_with_the_kinds_given() {
        let sources = rules::gather(true, Examples::Read, &[], u64::MAX).unwrap();
        let (book, _) = rules::compile(sources, rules::builtin_market_groups().unwrap());
        let mut rules = 0;
        for pack in &book.packs {
            let kinds: Vec<&str> = pack.declared.iter().map(|rule| rule.kind.as_str()).collect();
            let given = crate::engine::checks::read_params(&pack.origin, &kinds).unwrap();
            let found =
                read_params_and_kinds(&pack.origin).expect("every kind before its parameters");
            let found_kinds: Vec<&str> = found.iter().map(|rule| rule.kind.as_str()).collect();
            assert_eq!(found_kinds, kinds, "{}", pack.id);
            let found: Vec<_> =
                found.into_iter().map(|rule| format!("{:?}", rule.params)).collect();
            let given: Vec<_> = given.into_iter().map(|params| format!("{params:?}")).collect();
            assert_eq!(found, given, "{}", pack.id);
            rules += kinds.len();
        }
        assert!(rules > 200, "{rules} rules");
    }

    /// A rule that lists a parameter before its kind cannot be read beside
    /// the first pass; its pack is read again once the kinds are known,
    /// and says the same, unknown keys included.
    #[test]
    fn a_parameter_before_the_kind_is_read_once_the_kind_is_known() {
        let pack = |rule: &str| {
            format!(
                "pack: house\ntitle: House\nversion: 1.0.0\nsources:\n  - {{ id: s, title: S, url: https://example.org }}\nterms:\n  ad: {{ match: hashtag, any: ['#ad'] }}\nrules:\n  - id: house/r\n{rule}    category: prohibited-promotion\n    severity: info\n    message: m\n    help: h\n    source: s\n"
            )
        };
        let kind_first = pack("    kind: forbid-term\n    terms: [ad]\n    colour: red\n");
        let kind_later = pack("    terms: [ad]\n    kind: forbid-term\n    colour: red\n");
        let read = |text: String| {
            let source = rules::PackSource::user("house.yaml", text);
            let ahead = read_params_and_kinds(&source).map(|rules| rules.len());
            let errors = compile_sources(vec![source], MarketGroups::default(), &mut |_| Ok(()));
            let messages: Vec<String> = errors
                .err()
                .into_iter()
                .flatten()
                .flat_map(|error| error.problems)
                .map(|problem| problem.message)
                .collect();
            (ahead, messages)
        };
        let (first_ahead, first) = read(kind_first);
        let (later_ahead, later) = read(kind_later);
        assert_eq!((first_ahead, later_ahead), (Some(1), None));
        assert!(first.iter().any(|message| message.contains("unknown key `colour`")), "{first:?}");
        assert_eq!(first, later);
    }

    /// A configuration that names a rule of a pack left out finds it
    /// missing in the packs of the run's markets: every pack is read then.
    #[test]
    fn a_problem_with_the_packs_of_the_markets_reads_every_pack() {
        let gb = crate::post::Market::parse("GB").unwrap();
        let scope = RunScope { markets: vec![gb], packs: Vec::new() };
        let needs_fr = |book: &mut RuleBook| match book.rule("fr/missing-disclosure") {
            Some(_) => Ok(()),
            None => {
                let kind = crate::diag::FileKind::Config;
                Err(FileError { kind, path: "config.yaml".into(), problems: Vec::new() })
            }
        };
        let limits = Limits::default();
        let rules = compile_configured(true, Examples::Skip, &[], &limits, Some(&scope), needs_fr);
        let rules = rules.expect("every pack read");
        assert_eq!(rules.packs.len(), builtin(Examples::Skip).packs.len());
        let named = RunScope { packs: vec!["fr".into()], ..scope };
        let rules =
            compile_configured(true, Examples::Skip, &[], &limits, Some(&named), |_| Ok(()));
        let ids: Vec<&str> = rules.as_ref().unwrap().packs.iter().map(|p| p.id.as_str()).collect();
        assert!(ids.contains(&"fr") && ids.contains(&"gb") && !ids.contains(&"de"), "{ids:?}");
    }

    /// A run's first post gets a matcher of the term sets its markets' rules
    /// (and the global and platform packs') read; a post of another market
    /// then gets every set. Each example, checked with the sets of its own
    /// markets alone, finds what it finds with every set.
    #[test]
    fn an_example_checked_with_its_markets_sets_alone_finds_what_every_set_finds() {
        let rules = builtin(Examples::Read);
        let by_markets = examples_by_markets(&rules);
        let every_set = Engine::new(rules.clone());
        // Posts of two market sets: the second needs the matcher of every set.
        for posts in by_markets.values().filter(|posts| !posts[0].1.markets.is_empty()).take(2) {
            every_set.check(posts[0].1.clone());
        }
        for posts in by_markets.values() {
            let own_sets = Engine::new(rules.clone());
            for (rule, post) in posts {
                let expected = format!("{:?}", every_set.check(post.clone()));
                assert_eq!(format!("{:?}", own_sets.check(post.clone())), expected, "{rule}");
            }
        }
    }

    /// A post that says its relationship is checked without the regexes of
    /// the sets only its commercial-signals rules read. Each example, as
    /// written and as said to be each relationship, finds what it finds
    /// with every regex run.
    #[test]
    fn a_post_that_says_its_relationship_finds_what_it_finds_with_every_regex() {
        use crate::post::Relationship;

        let rules = builtin(Examples::Read);
        let engine = Engine::new(rules.clone());
        let (mut posts, mut with_findings) = (0, 0);
        for rule in &rules.rules {
            for example in rule.fail_examples.iter().chain(&rule.pass_examples) {
                let post = selftest::example_post(&rules, rule, example).expect("an example post");
                for &relationship in Relationship::ALL {
                    let post = crate::post::Post { relationship, ..post.clone() };
                    let expected = engine.check_running_every_regex(post.clone());
                    with_findings += usize::from(!expected.findings.is_empty());
                    let expected = format!("{expected:?}");
                    assert_eq!(format!("{:?}", engine.check(post)), expected, "{}", rule.id);
                    posts += 1;
                }
            }
        }
        assert!(posts > 8_000 && with_findings > 2_000, "{posts} posts, {with_findings} found");
    }
}
