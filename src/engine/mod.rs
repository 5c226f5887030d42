//! The engine: normalise and scan a post once, then evaluate the compiled
//! rules that apply to it. No I/O, no printing.

pub mod checks;
mod fixes;
mod fold;
pub mod language;
pub mod letters;
pub mod matcher;
pub mod normalize;
mod ruleset;
pub mod scan;
pub mod script;
pub mod tokens;

use foldhash::HashMap;
use std::cell::OnceCell;
use std::sync::{Arc, RwLock};

use checks::{Check, Ctx, Detection};
use matcher::{Groups, Matcher, SetBits, SetId};
use scan::PostScan;

use crate::finding::{CheckedPost, CueTime, Evidence, Finding, Level, Related, Severity};
use crate::post::{Market, Media, Platform, Post, Relationship};
pub use ruleset::RuleSet;

use crate::rules::Rule;

/// The rules of one market (or, for `None`, of the global and platform
/// packs) that apply to one kind of post, by rule index in pack order.
/// Plans are per market, not per market combination: a post aimed at FR
/// and DE reuses the FR and DE plans, so the cache stays small however
/// markets are combined.
#[derive(Debug, Default)]
struct Plan {
    /// `platform-label` rules: they decide whether the label counts.
    labels: Vec<usize>,
    /// `commercial-signals` rules: they may change the relationship.
    signals: Vec<usize>,
    /// Rules that run on every post (they fire on an absence).
    always: Vec<usize>,
    /// Rules that can only fire when one of their sets has a hit, in pack
    /// order.
    triggered: Vec<usize>,
    /// By set, the places in `triggered` of the rules it triggers.
    by_trigger: Groups<u32>,
    /// The sets its rules read but for `signals` (which weigh only a post
    /// that may hide its relationship), and the negating sets.
    reads: SetBits,
}

impl Plan {
    /// The rules to run on a post with hits of `present` sets: those that
    /// always run, then the triggered ones, each once. (Findings are put in
    /// pack order afterwards, so the order here does not matter.)
    fn rules_for<'a>(&'a self, present: &'a SetBits) -> impl Iterator<Item = usize> + 'a {
        // A bit per triggered rule, set by each of its sets that has a hit:
        // read in order, the bits give each rule once, in pack order, with
        // no list of them to gather, sort and deduplicate.
        let mut fired = SetBits::with_room(self.triggered.len());
        // A post's sets are matched with those that trigger a rule a word of
        // bits at a time, not each looked up (a branch either way,
        // mispredicted).
        for set in present.common_with(self.by_trigger.key_bits()) {
            self.by_trigger.get(set as usize).iter().for_each(|&place| fired.insert(place));
        }
        let fired = fired.into_sets().map(|place| self.triggered[place as usize]);
        self.always.iter().copied().chain(fired)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct PlanKey {
    market: Option<Market>,
    platform: Option<Platform>,
    relationship: Relationship,
    media: Option<Media>,
    /// The post names no market at all.
    no_market: bool,
}

/// What one `commercial-signals` rule found in a post whose relationship is
/// unknown.
struct Weighed {
    /// The rule's index.
    rule: usize,
    relationship: Relationship,
    evidence: Evidence,
}

/// Checks posts against a [`RuleSet`]. Cheap to share between threads.
#[derive(Debug)]
pub struct Engine {
    rules: Arc<RuleSet>,
    plans: RwLock<HashMap<PlanKey, Arc<Plan>>>,
    /// By market (`None`: the global and platform packs), the enabled rules
    /// of the packs that apply there, whatever the post: each plan of the
    /// market picks from these, not from every rule of every pack.
    scopes: RwLock<HashMap<Option<Market>, Arc<Vec<usize>>>>,
    /// The matcher posts are scanned with, built when the first post comes.
    matcher: RwLock<Option<Arc<ScopedMatcher>>>,
}

/// A matcher of the term sets that the rules of some markets read. The
/// first post's markets are often all a run meets (a draft checked before
/// it is published: its country's sets, not the 1,300 terms of the other
/// countries'); a post of another market then gets the matcher of every
/// set, which serves any post.
#[derive(Debug)]
struct ScopedMatcher {
    matcher: Matcher,
    /// The markets it serves; `None`: every market.
    markets: Option<Vec<Market>>,
}

impl ScopedMatcher {
    fn serves(&self, markets: &[Market]) -> bool {
        self.markets.as_ref().is_none_or(|served| markets.iter().all(|m| served.contains(m)))
    }
}

impl Engine {
    pub fn new(rules: Arc<RuleSet>) -> Engine {
        Engine {
            rules,
            plans: RwLock::default(),
            scopes: RwLock::default(),
            matcher: RwLock::default(),
        }
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Checks one post.
    pub fn check(&self, post: Post) -> CheckedPost {
        self.check_with(post, false)
    }

    /// [`Engine::check`], running the regexes of every set, which must
    /// change no result.
    #[cfg(test)]
    pub(crate) fn check_running_every_regex(&self, post: Post) -> CheckedPost {
        self.check_with(post, true)
    }

    fn check_with(&self, post: Post, every_regex: bool) -> CheckedPost {
        let rules = &*self.rules;
        let matcher = self.matcher_for(&post.markets);
        let declared = post.relationship;
        let mut plans = self.plans(&post, declared);
        // A brand's own account needs no creator's disclosure: its text is
        // not weighed for a hidden relationship.
        let weighs = post.may_hide_relationship();
        // Nor is a post's that says its relationship: only its plans' rules
        // read its hits, and the regexes of sets no other rule reads
        // (discount codes, handles) are not run.
        // A set is read when some plan reads it: asked of the plans for the
        // few regexes a post opens, not gathered into one set of all.
        let read_by_plans = |set: SetId| plans.iter().any(|(_, plan)| plan.reads.contains(set));
        let regex_sets =
            (!weighs && !every_regex).then_some(&read_by_plans as &dyn Fn(SetId) -> bool);
        let scan = PostScan::with_regexes_of(&post, &matcher.matcher, regex_sets);
        let platform = rules.platform_facts(post.platform);
        let language = OnceCell::new();
        let ctx_with = |label_counts| Ctx {
            post: &post,
            scan: &scan,
            label_counts,
            platform,
            term_sets: &rules.term_sets,
            language: &language,
        };

        let mut weighed =
            if weighs { self.weigh_evidence(&plans, &ctx_with(false)) } else { Vec::new() };
        // The strongest evidence decides (the first on a tie).
        let strongest = (0..weighed.len()).reduce(|best, next| {
            match weighed[best].evidence.level >= weighed[next].evidence.level {
                true => best,
                false => next,
            }
        });
        let relationship = strongest.map_or(declared, |strongest| weighed[strongest].relationship);
        if relationship != declared {
            plans = self.plans(&post, relationship);
        }

        let mut found: Vec<(usize, usize, Finding)> = Vec::new();
        for (position, (market, plan)) in plans.iter().enumerate() {
            let label_counts = match market {
                // Outside a market's own stance, the platform's declaration
                // is the platform-native disclosure the global baseline asks for.
                None => post.platform_label.is_some(),
                Some(_) => plan.labels.iter().any(|&index| {
                    matches!(rules.rule_at(index), (_, Check::PlatformLabel(check)) if check.counts(&post))
                }),
            };
            let ctx = ctx_with(label_counts);
            for index in plan.rules_for(scan.present_sets()) {
                let (rule, check) = rules.rule_at(index);
                // A signals rule's evidence was weighed once, above.
                let detection = match (check, weighed.iter().find(|w| w.rule == index)) {
                    (Check::CommercialSignals(signals), Some(weighed)) => {
                        signals.applies(&ctx).then(|| signals.detect(&weighed.evidence)).flatten()
                    }
                    _ => check.run(&ctx),
                };
                if let Some(mut detection) = detection {
                    // A relationship read from the text is a reason to
                    // review the post, not proof of a breach.
                    if relationship != declared {
                        let severity = detection.severity.unwrap_or(rule.severity);
                        detection.severity = Some(severity.min(Severity::Warning));
                    }
                    found.push((index, position, finding(rule, *market, detection, &ctx)));
                }
            }
        }
        // Findings in pack order, and per rule in the post's market order.
        found.sort_by_key(|(index, position, _)| (*index, *position));
        // Extended into a new vector: collected in place, the findings
        // would be copied again when the allocation shrinks to fit them.
        let mut findings = Vec::with_capacity(found.len());
        findings.extend(found.into_iter().map(|(_, _, finding)| finding));
        let findings = fold::fold(findings);
        // Taken from the weighed, not copied: they are not read again.
        let evidence = weighs.then(|| match strongest {
            Some(strongest) => weighed.swap_remove(strongest).evidence,
            None => Evidence { level: Level::None, signals: Vec::new() },
        });
        CheckedPost { post, relationship, findings, evidence }
    }

    /// The evidence each `commercial-signals` rule of the post's plans
    /// finds, and the relationship it implies (`unknown` unless strong).
    fn weigh_evidence(&self, plans: &[(Option<Market>, Arc<Plan>)], ctx: &Ctx) -> Vec<Weighed> {
        let mut weighed = Vec::new();
        for (_, plan) in plans {
            for &rule in &plan.signals {
                if let (_, Check::CommercialSignals(check)) = self.rules.rule_at(rule) {
                    let evidence = check.evidence(ctx);
                    let relationship = check.implied(&evidence);
                    weighed.push(Weighed { rule, relationship, evidence });
                }
            }
        }
        weighed
    }

    /// The global plan, then one plan per market of the post.
    fn plans(&self, post: &Post, relationship: Relationship) -> Vec<(Option<Market>, Arc<Plan>)> {
        std::iter::once(None)
            .chain(post.markets.iter().copied().map(Some))
            .map(|market| {
                let key = PlanKey {
                    market,
                    platform: post.platform,
                    relationship,
                    media: post.media,
                    no_market: post.markets.is_empty(),
                };
                (market, self.plan(key))
            })
            .collect()
    }

    /// A matcher of every term set the rules of `markets` (and the global
    /// and platform packs) read.
    fn matcher_for(&self, markets: &[Market]) -> Arc<ScopedMatcher> {
        let current = self.matcher.read().ok().and_then(|current| current.clone());
        if let Some(current) = &current
            && current.serves(markets)
        {
            return current.clone();
        }
        let scoped = Arc::new(match current {
            None => ScopedMatcher {
                matcher: self.rules.matcher(Some(&self.sets_read_in(markets))),
                markets: Some(markets.to_vec()),
            },
            Some(_) => ScopedMatcher { matcher: self.rules.matcher(None), markets: None },
        });
        // Threads that began together may each have built one; a matcher of
        // every set is never replaced by a narrower one.
        if let Ok(mut current) = self.matcher.write()
            && current.as_ref().is_none_or(|current| current.markets.is_some())
        {
            *current = Some(scoped.clone());
        }
        scoped
    }

    /// By set id: whether a rule of the global and platform packs or of
    /// `markets` reads the set, or the set negates (its hits cancel others').
    fn sets_read_in(&self, markets: &[Market]) -> Vec<bool> {
        let rules = &*self.rules;
        let mut read: Vec<bool> = rules.term_sets.iter().map(|set| set.negates).collect();
        for market in std::iter::once(None).chain(markets.iter().copied().map(Some)) {
            for &index in self.scope(market).iter() {
                for (_, sets) in rules.rule_at(index).1.term_sets() {
                    for &set in sets.iter() {
                        read[set as usize] = true;
                    }
                }
            }
        }
        read
    }

    fn plan(&self, key: PlanKey) -> Arc<Plan> {
        cached(&self.plans, key, || build_plan(&self.rules, &key, &self.scope(key.market)))
    }

    /// The rules of `market` (see [`scope`]), found once.
    fn scope(&self, market: Option<Market>) -> Arc<Vec<usize>> {
        cached(&self.scopes, market, || scope(&self.rules, market))
    }
}

/// The value of `key` in `cache`, built and kept on first use.
fn cached<K: Eq + std::hash::Hash, V>(
    cache: &RwLock<HashMap<K, Arc<V>>>,
    key: K,
    build: impl FnOnce() -> V,
) -> Arc<V> {
    if let Some(value) = cache.read().ok().and_then(|cache| cache.get(&key).cloned()) {
        return value;
    }
    let value = Arc::new(build());
    if let Ok(mut cache) = cache.write() {
        cache.insert(key, value.clone());
    }
    value
}

/// The enabled rules of the packs that apply in `market`, in pack order.
fn scope(rules: &RuleSet, market: Option<Market>) -> Vec<usize> {
    let in_scope = |rule: &Rule| {
        let pack = rules.pack_of(rule);
        match market {
            None => pack.markets.is_empty(),
            Some(market) => rules.applies_in(pack, market),
        }
    };
    let rules = rules.rules.iter().enumerate();
    rules.filter(|(_, rule)| rule.enabled && in_scope(rule)).map(|(index, _)| index).collect()
}

/// The rules of `scope` (see [`scope`]) that apply to the posts of `key`.
fn build_plan(rules: &RuleSet, key: &PlanKey, scope: &[usize]) -> Plan {
    let mut plan = Plan::default();
    let mut triggers = Vec::new();
    for (id, set) in rules.term_sets.iter().enumerate() {
        if set.negates {
            plan.reads.insert(id as SetId);
        }
    }
    for &index in scope {
        let rule = &rules.rules[index];
        let pack = rules.pack_of(rule);
        if !pack.platforms.is_empty()
            && !key.platform.is_some_and(|platform| pack.platforms.contains(&platform))
        {
            continue;
        }
        if !rule.when.matches(key.relationship, key.media, key.platform, key.no_market) {
            continue;
        }
        let check = rules.check(rule);
        match check {
            Check::PlatformLabel(_) => plan.labels.push(index),
            Check::CommercialSignals(_) => plan.signals.push(index),
            _ => {}
        }
        if !matches!(check, Check::CommercialSignals(_)) {
            for (_, sets) in check.term_sets() {
                sets.iter().for_each(|&set| plan.reads.insert(set));
            }
        }
        match check.trigger() {
            None => plan.always.push(index),
            Some(sets) => {
                let place = plan.triggered.len() as u32;
                plan.triggered.push(index);
                triggers.extend(sets.iter().map(|&set| (set as usize, place)));
            }
        }
    }
    plan.by_trigger = Groups::new(triggers);
    plan
}

fn finding(rule: &Rule, market: Option<Market>, detection: Detection, ctx: &Ctx) -> Finding {
    let message = match detection.note {
        // Joined in a string of their length: `format!` would start from
        // none and grow it several times.
        Some(note) => [rule.message.as_str(), " (", &note, ")"].concat(),
        None => rule.message.clone(),
    };
    let fix = rule.fix.as_ref().and_then(|fix| fixes::fix_for(fix, detection.span, ctx));
    Finding {
        rule: rule.id.clone(),
        category: rule.category,
        severity: detection.severity.unwrap_or(rule.severity),
        market,
        message,
        help: rule.help.clone(),
        source_url: rule.source.url.clone(),
        span: detection.span,
        cue: CueTime::of(ctx.post, detection.span.field),
        related: detection.related.into_iter().map(Related::at).collect(),
        fix,
    }
}

/// Every text of one to `longest` pieces, each from `pieces`, shorter texts
/// first: for tests that compare two ways of doing one thing wherever the
/// characters they are made of can meet.
#[cfg(test)]
pub(crate) fn every_text(pieces: &[&str], longest: usize) -> Vec<String> {
    let pieces: Vec<&[u8]> = pieces.iter().map(|piece| piece.as_bytes()).collect();
    let texts = every_byte_text(&pieces, longest).into_iter();
    texts.map(|bytes| String::from_utf8(bytes).expect("pieces of text")).collect()
}

/// [`every_text`] of bytes, which need not be UTF-8.
#[cfg(test)]
pub(crate) fn every_byte_text(pieces: &[&[u8]], longest: usize) -> Vec<Vec<u8>> {
    let mut all = Vec::new();
    let mut texts = vec![Vec::new()];
    for _ in 0..longest {
        texts = texts
            .iter()
            .flat_map(|text: &Vec<u8>| pieces.iter().map(move |piece| [text, *piece].concat()))
            .collect();
        all.extend(texts.iter().cloned());
    }
    all
}
