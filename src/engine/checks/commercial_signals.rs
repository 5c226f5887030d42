//! `commercial-signals`: for posts whose relationship is unknown (the audit
//! situation), weighs what makes them look commercial — affiliate links,
//! discount codes, gift and partnership wording, brand mentions, calls to
//! buy — into evidence. Strong evidence makes the market rules apply (at
//! "needs review"); weak evidence is an `info` finding. The signal kinds,
//! their weights and the thresholds are the pack's data.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor, value::MapAccessDeserializer};
use serde::Deserialize;

use super::{CompileContext, Ctx, Detection, Kind, Sets};
use crate::diag::yaml::Spanned;
use crate::engine::matcher::{Hit, SetId};
use foldhash::{HashMap, HashSet};

use crate::engine::scan::PostScan;
use crate::finding::{Evidence, Field, Level, Severity, Signal};
use crate::post::Relationship;

/// How far (in bytes of normalised text) a `near` signal may be from what
/// it must be near, unless the pack says.
const DEFAULT_NEAR_WITHIN: usize = 60;

/// Places of one signal kind named in the evidence; the kind counts once
/// however many there are.
const MAX_SIGNALS_SHOWN: usize = 10;

#[derive(Debug, Deserialize)]
pub struct Params {
    /// The signals: a term set's name (strong on its own), or a weighted
    /// signal kind.
    #[serde(default)]
    signals: Option<Vec<Spanned<RawSignal>>>,
    /// The accepted disclosure terms.
    #[serde(default)]
    terms: Option<Vec<Spanned<String>>>,
    /// The relationship the other rules assume once evidence is strong.
    #[serde(default)]
    implies: Option<Spanned<String>>,
    /// The sums of weights at which evidence is weak and strong.
    #[serde(default)]
    levels: Option<Spanned<RawLevels>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLevels {
    strong: i32,
    weak: i32,
}

/// One entry of `signals`: `affiliate-links`, or
/// `{ kind: gift-wording, terms: [gift-phrases], weight: 3, near: [brand-handles] }`.
#[derive(Debug)]
pub enum RawSignal {
    Set(String),
    Weighted(WeightedSignal),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightedSignal {
    kind: String,
    terms: Vec<Spanned<String>>,
    weight: i32,
    /// The signal counts only within `within` characters of a hit of one
    /// of these sets ("sent me" near a brand handle).
    #[serde(default)]
    near: Vec<Spanned<String>>,
    #[serde(default)]
    within: Option<usize>,
    /// Counts the hits of `terms` that a negation cancelled ("not
    /// sponsored") instead of those that stand.
    #[serde(default)]
    negated: bool,
    /// Counts a hit only when the caption also holds it as a hashtag: a
    /// handle repeated as a tag (`@acme … #acme`).
    #[serde(default)]
    echo: bool,
}

impl<'de> Deserialize<'de> for RawSignal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SignalVisitor;
        impl<'de> Visitor<'de> for SignalVisitor {
            type Value = RawSignal;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a term set's name, or { kind, terms, weight, near, within }")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<RawSignal, E> {
                Ok(RawSignal::Set(value.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawSignal, A::Error> {
                WeightedSignal::deserialize(MapAccessDeserializer::new(map))
                    .map(RawSignal::Weighted)
            }
        }
        deserializer.deserialize_any(SignalVisitor)
    }
}

#[derive(Debug, Clone)]
struct SignalKind {
    name: String,
    sets: Sets,
    weight: i32,
    near: Sets,
    within: usize,
    negated: bool,
    echo: bool,
}

#[derive(Debug, Clone)]
pub struct CommercialSignals {
    kinds: Vec<SignalKind>,
    /// Every set of every signal kind that counts standing hits: the rule
    /// runs only on posts with one.
    signal_sets: Sets,
    /// The sets whose denied hits count ("not sponsored").
    denied_sets: Sets,
    near_sets: Sets,
    pub terms: Sets,
    /// The relationship the other rules assume once evidence is strong.
    pub implies: Relationship,
    strong: i32,
    weak: i32,
}

impl CommercialSignals {
    /// Weighs the post's signals: each kind counts once, with its weight.
    pub fn evidence(&self, ctx: &Ctx) -> Evidence {
        let scan = ctx.scan;
        let mut total = 0;
        let mut signals = Vec::new();
        for kind in &self.kinds {
            let found: Vec<&Hit> = if kind.negated {
                scan.negated()
                    .iter()
                    .map(|negated| &negated.hit)
                    .filter(|hit| kind.sets.contains(&hit.set))
                    .collect()
            } else if !scan.any(&kind.sets) {
                // Most posts hold few kinds: build what a kind's hits are
                // compared with only when it has some.
                continue;
            } else {
                let nearby = (!kind.near.is_empty()).then(|| Nearby::new(scan.hits_of(&kind.near)));
                let tags = kind.echo.then(|| Tags::of(scan));
                scan.hits_of(&kind.sets)
                    .filter(|hit| nearby.as_ref().is_none_or(|nearby| nearby.reach(hit, kind.within)))
                    .filter(|hit| tags.as_ref().is_none_or(|tags| tags.repeat(hit)))
                    .collect()
            };
            if found.is_empty() {
                continue;
            }
            total += kind.weight;
            // A kind counts once; a few of its places are enough to show.
            for hit in super::distinct(found).into_iter().take(MAX_SIGNALS_SHOWN) {
                let signal =
                    Signal { kind: kind.name.clone(), text: ctx.hit_text(&hit).into(), span: hit.span() };
                signals.push(signal);
            }
        }
        signals.sort_by_key(|signal| (signal.span.field != Field::Text, signal.span.start));
        let level = if total >= self.strong {
            Level::Strong
        } else if total >= self.weak {
            Level::Weak
        } else {
            Level::None
        };
        Evidence { level, signals }
    }

    /// The relationship a post with `evidence` is checked as: this rule's
    /// `implies` when the evidence is strong, else still unknown.
    pub fn implied(&self, evidence: &Evidence) -> Relationship {
        if evidence.level == Level::Strong { self.implies } else { Relationship::Unknown }
    }

    /// Whether the rule is for this post at all: its relationship is
    /// unknown, it is not by its own brand, and nothing discloses it.
    pub fn applies(&self, ctx: &Ctx) -> bool {
        ctx.post.may_hide_relationship()
            && !ctx.label_counts
            && !ctx.scan.any(&self.terms)
    }

    /// The finding for a post the rule applies to, from its weighed
    /// evidence: at the rule's severity when strong, `info` when weak.
    pub fn detect(&self, evidence: &Evidence) -> Option<Detection> {
        let severity = match evidence.level {
            Level::None => return None,
            Level::Weak => Some(Severity::Info),
            Level::Strong => None,
        };
        let (first, rest) = evidence.signals.split_first()?;
        Some(Detection {
            span: first.span,
            related: rest.iter().map(|signal| signal.span).collect(),
            note: Some(["needs review: ", &evidence.describe(), "; no ad label"].concat()),
            severity,
        })
    }
}

/// The caption's hashtags, for signals that count only when repeated as one.
struct Tags<'s> {
    text: &'s str,
    bodies: HashSet<&'s str>,
}

impl<'s> Tags<'s> {
    fn of(scan: &'s PostScan) -> Tags<'s> {
        let field = scan.text();
        let text = field.normalized.text.as_str();
        let bodies = field.tokens.hashtags.iter().map(|tag| &text[tag.body.clone()]).collect();
        Tags { text, bodies }
    }

    /// The caption also holds the hit's words, without `@`, as a hashtag.
    fn repeat(&self, hit: &Hit) -> bool {
        let Some(found) = (hit.field == Field::Text).then(|| self.text.get(hit.range.clone())).flatten()
        else {
            return false;
        };
        let word = found.trim_start_matches('@');
        self.bodies.contains(word)
    }
}

/// The hits a `near` signal must be close to, per field, by start, each
/// with the furthest end of the hits up to it: whether one is within reach
/// of a hit is then one binary search, so a caption with thousands of
/// handles and "thanks to"s stays linear.
struct Nearby {
    by_field: HashMap<Field, Vec<(usize, usize)>>,
}

impl Nearby {
    /// `hits` in scan order: by field, then start.
    fn new<'h>(hits: impl Iterator<Item = &'h Hit>) -> Nearby {
        let mut by_field: HashMap<Field, Vec<(usize, usize)>> = HashMap::default();
        for hit in hits {
            let starts = by_field.entry(hit.field).or_default();
            let furthest = starts.last().map_or(0, |&(_, end)| end).max(hit.range.end);
            starts.push((hit.range.start, furthest));
        }
        Nearby { by_field }
    }

    /// Some hit overlaps `hit` widened by `within` on both sides.
    fn reach(&self, hit: &Hit, within: usize) -> bool {
        let Some(starts) = self.by_field.get(&hit.field) else { return false };
        let before_end = starts.partition_point(|&(start, _)| start <= hit.range.end + within);
        before_end > 0 && starts[before_end - 1].1 + within >= hit.range.start
    }
}

impl Kind for CommercialSignals {
    const NAME: &'static str = "commercial-signals";
    type Params = Params;

    fn compile(params: Params, context: &mut CompileContext) -> Option<Self> {
        let (strong, weak) = match params.levels {
            None => (3, 1),
            Some(levels) if levels.value.weak < 1 || levels.value.weak > levels.value.strong => {
                context.problem(
                    &levels,
                    "`levels` needs 1 <= weak <= strong",
                    "weak must be at least 1 and at most strong",
                );
                return None;
            }
            Some(levels) => (levels.value.strong, levels.value.weak),
        };
        let Some(raw_signals) = params.signals.filter(|signals| !signals.is_empty()) else {
            context.missing("kind `commercial-signals` needs `signals`: term sets or weighted signal kinds");
            return None;
        };
        let mut kinds = Vec::new();
        for raw in raw_signals {
            let (referenced, defined) = (raw.referenced, raw.defined);
            let kind = match raw.value {
                RawSignal::Set(name) => {
                    let spanned = Spanned { value: name.clone(), referenced, defined };
                    let sets = context.optional_sets(Some(vec![spanned]));
                    SignalKind {
                        name,
                        sets,
                        weight: strong,
                        near: Sets::default(),
                        within: 0,
                        negated: false,
                        echo: false,
                    }
                }
                RawSignal::Weighted(signal) => SignalKind {
                    name: signal.kind,
                    sets: context.sets("terms", Some(signal.terms)),
                    weight: signal.weight,
                    near: context.optional_sets(Some(signal.near)),
                    within: signal.within.unwrap_or(DEFAULT_NEAR_WITHIN),
                    negated: signal.negated,
                    echo: signal.echo,
                },
            };
            kinds.push(kind);
        }
        let terms = context.sets("terms", params.terms);
        let implies = match params.implies {
            None => Relationship::Paid,
            Some(implies) => match implies.value.parse::<Relationship>() {
                Ok(relationship)
                    if !matches!(relationship, Relationship::Unknown | Relationship::None) =>
                {
                    relationship
                }
                Ok(_) => {
                    context.problem(&implies, "`implies` must be a commercial relationship", "not commercial");
                    return None;
                }
                Err(error) => {
                    context.problem(&implies, error.to_string(), "unknown relationship");
                    return None;
                }
            },
        };
        let sets_of = |negated: bool, near: bool| {
            Sets::union(
                kinds
                    .iter()
                    .filter(|kind| near || kind.negated == negated)
                    .map(|kind| if near { &kind.near } else { &kind.sets }),
            )
        };
        let (signal_sets, denied_sets, near_sets) =
            (sets_of(false, false), sets_of(true, false), sets_of(false, true));
        Some(CommercialSignals {
            kinds,
            signal_sets,
            denied_sets,
            near_sets,
            terms,
            implies,
            strong,
            weak,
        })
    }

    fn trigger(&self) -> Option<&[SetId]> {
        Some(&self.signal_sets)
    }

    fn term_sets(&self) -> Vec<(&'static str, &Sets)> {
        vec![
            ("signals", &self.signal_sets),
            ("denied", &self.denied_sets),
            ("near", &self.near_sets),
            ("terms", &self.terms),
        ]
    }

    fn describe(&self) -> String {
        let kinds: Vec<String> =
            self.kinds.iter().map(|kind| format!("{} ({:+})", kind.name, kind.weight)).collect();
        format!(
            "Weighs what makes a post with an unknown relationship look commercial: {}. \
             A sum of {} or more is strong evidence (the market's disclosure rules apply, \
             as warnings), {} or more is weak (an info finding).",
            kinds.join(", "),
            self.strong,
            self.weak
        )
    }

    fn run(&self, ctx: &Ctx) -> Option<Detection> {
        self.applies(ctx).then(|| self.detect(&self.evidence(ctx))).flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::checks::testing::{fixture, text_post};
    use crate::engine::matcher::MatchMode;

    const SETS: &[(MatchMode, &str, &[&str])] = &[
        (MatchMode::Url, "und", &["amzn.to"]),
        (MatchMode::Regex, "en", &[r"\buse (?:my )?code [a-z0-9]{3,}"]),
        (MatchMode::Hashtag, "en", &["#ad"]),
        (MatchMode::Phrase, "en", &["sent me", "link in bio"]),
        (MatchMode::Regex, "und", &[r"@[a-z0-9_]+"]),
    ];

    fn kind(name: &str, set: SetId, weight: i32, near: Vec<SetId>) -> SignalKind {
        SignalKind {
            name: name.into(),
            sets: vec![set].into(),
            weight,
            near: near.into(),
            within: 20,
            negated: false,
            echo: false,
        }
    }

    fn rule() -> CommercialSignals {
        CommercialSignals {
            kinds: vec![
                kind("affiliate-link", 0, 3, vec![]),
                kind("discount-code", 1, 3, vec![]),
                kind("gift-wording", 3, 3, vec![4]),
                kind("handle", 4, 1, vec![]),
            ],
            signal_sets: vec![0, 1, 3, 4].into(),
            denied_sets: vec![].into(),
            near_sets: vec![4].into(),
            terms: vec![2].into(),
            implies: Relationship::Paid,
            strong: 3,
            weak: 1,
        }
    }

    #[test]
    fn names_every_signal_of_an_undisclosed_post() {
        let fixture = fixture(text_post("Obsessed! amzn.to/3xYz — use my code LUNA15"), SETS);
        let detection = rule().run(&fixture.ctx()).unwrap();
        assert_eq!(fixture.flagged(&detection), "amzn.to/3xYz");
        assert_eq!(detection.related.len(), 1);
        assert_eq!(
            detection.note.unwrap(),
            "needs review: affiliate link `amzn.to/3xYz`, discount code `use my code LUNA15`; no ad label"
        );
        assert_eq!(detection.severity, None);
        let evidence = rule().evidence(&fixture.ctx());
        let implied = rule().implied(&evidence);
        assert_eq!((implied, evidence.level), (Relationship::Paid, Level::Strong));
    }

    #[test]
    fn near_signals_count_only_next_to_what_they_need() {
        let near = fixture(text_post("@glowlab sent me this serum"), SETS);
        assert_eq!(rule().evidence(&near.ctx()).level, Level::Strong);
        let far = fixture(
            text_post("My mum sent me this scarf, knitted all winter long by hand. Hi @anna"),
            SETS,
        );
        let evidence = rule().evidence(&far.ctx());
        assert_eq!(evidence.level, Level::Weak);
        assert_eq!(evidence.describe(), "handle `@anna`");
        let detection = rule().run(&far.ctx()).unwrap();
        assert_eq!(detection.severity, Some(Severity::Info));
    }

    #[test]
    fn a_kind_counts_once_and_shows_a_few_places() {
        let text = "use my code LUNA15 ".repeat(50) + "sent me @glowlab";
        let many = fixture(text_post(&text), SETS);
        let evidence = rule().evidence(&many.ctx());
        let codes = evidence.signals.iter().filter(|s| s.kind == "discount-code").count();
        assert_eq!(codes, MAX_SIGNALS_SHOWN);
        assert!(evidence.signals.iter().any(|s| s.kind == "gift-wording"), "near its handle");
        // Far from any handle: not counted, however many there are.
        let far = "sent me a postcard. ".repeat(20) + &"and then some more words ".repeat(6) + "@anna";
        let far = fixture(text_post(&far), SETS);
        assert!(rule().evidence(&far.ctx()).signals.iter().all(|s| s.kind != "gift-wording"));
    }

    #[test]
    fn a_handle_counts_again_when_repeated_as_a_hashtag() {
        let mut rule = rule();
        rule.kinds.push(SignalKind { echo: true, ..kind("handle-tag", 4, 2, vec![]) });
        let echoed = fixture(text_post("Brunch with @GlowLab 💛 #glowlab"), SETS);
        let evidence = rule.evidence(&echoed.ctx());
        assert_eq!(evidence.level, Level::Strong);
        assert_eq!(evidence.describe(), "handle `@GlowLab`, handle tag `@GlowLab`");
        let other = fixture(text_post("Brunch with @anna 💛 #glowlab"), SETS);
        assert_eq!(rule.evidence(&other.ctx()).describe(), "handle `@anna`", "no repeat");
    }

    #[test]
    fn plain_personal_posts_and_disclosed_or_declared_posts_pass() {
        let personal = fixture(text_post("Sunday walk with the dog 🐶"), SETS);
        assert!(rule().run(&personal.ctx()).is_none());
        assert_eq!(rule().evidence(&personal.ctx()).level, Level::None);
        let disclosed = fixture(text_post("#ad use my code LUNA15"), SETS);
        assert!(rule().run(&disclosed.ctx()).is_none());
        let mut declared = text_post("use my code LUNA15");
        declared.relationship = Relationship::Paid;
        let declared = fixture(declared, SETS);
        assert!(rule().run(&declared.ctx()).is_none());
        assert!(!rule().applies(&declared.ctx()), "a declared relationship is not weighed");
    }
}
