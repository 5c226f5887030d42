//! The engine: normalise and scan a post once, then evaluate the compiled
//! rules that apply to it. No I/O, no printing.

pub mod checks;
pub mod language;
pub mod matcher;
pub mod normalize;
pub mod scan;
pub mod tokens;

use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use checks::{Check, Ctx, Detection};
use scan::PostScan;

use crate::finding::{CheckedPost, Finding, Fix, Span};
use crate::post::{Market, Media, Platform, Post, Relationship};
use crate::rules::{FixAt, Rule, RuleSet};

/// One rule to run, for one market (`None` for global and platform rules).
#[derive(Debug, Clone, Copy)]
struct Planned {
    rule: usize,
    market: Option<Market>,
}

/// The rules that apply to one kind of post, in evaluation order.
#[derive(Debug, Default)]
struct Plan {
    /// `platform-label` rules: they decide whether the label counts.
    labels: Vec<Planned>,
    /// `commercial-signals` rules: they may change the relationship.
    signals: Vec<Planned>,
    all: Vec<Planned>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PlanKey {
    markets: Vec<Market>,
    platform: Option<Platform>,
    relationship: Relationship,
    media: Option<Media>,
}

/// Checks posts against a [`RuleSet`]. Cheap to share between threads.
#[derive(Debug)]
pub struct Engine {
    rules: Arc<RuleSet>,
    plans: RwLock<HashMap<PlanKey, Arc<Plan>>>,
}

impl Engine {
    pub fn new(rules: Arc<RuleSet>) -> Engine {
        Engine { rules, plans: RwLock::new(HashMap::new()) }
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Checks one post.
    pub fn check(&self, post: Post) -> CheckedPost {
        let rules = &*self.rules;
        let scan = PostScan::new(&post, &rules.matcher);
        let declared = post.relationship;
        let mut plan = self.plan(&post, declared);
        let mut relationship = declared;
        for planned in &plan.signals {
            if let Check::CommercialSignals(check) = &rules.rules[planned.rule].check
                && let Some(implied) = check.implied(declared, &scan)
            {
                relationship = implied;
                plan = self.plan(&post, relationship);
                break;
            }
        }

        let platform = rules.platform_facts(post.platform);
        let language = OnceCell::new();
        let label_counts = |market: Option<Market>| {
            match market {
            // Outside a market's own stance, the platform's declaration is
            // the platform-native disclosure the global baseline asks for.
            None => post.platform_label.is_some(),
            Some(_) => plan.labels.iter().any(|planned| {
                planned.market == market
                    && matches!(&rules.rules[planned.rule].check, Check::PlatformLabel(check) if check.counts(&post))
            }),
        }
        };
        let mut findings = Vec::new();
        for planned in &plan.all {
            let rule = &rules.rules[planned.rule];
            let ctx = Ctx {
                post: &post,
                scan: &scan,
                label_counts: label_counts(planned.market),
                platform,
                term_sets: &rules.term_sets,
                language: &language,
            };
            if let Some(detection) = rule.check.run(&ctx) {
                findings.push(finding(rule, planned.market, detection, &post));
            }
        }
        CheckedPost { post, relationship, findings }
    }

    fn plan(&self, post: &Post, relationship: Relationship) -> Arc<Plan> {
        let key = PlanKey {
            markets: post.markets.clone(),
            platform: post.platform,
            relationship,
            media: post.media,
        };
        if let Some(plan) = self.plans.read().ok().and_then(|plans| plans.get(&key).cloned()) {
            return plan;
        }
        let plan = Arc::new(build_plan(&self.rules, &key));
        if let Ok(mut plans) = self.plans.write() {
            plans.insert(key, plan.clone());
        }
        plan
    }
}

fn build_plan(rules: &RuleSet, key: &PlanKey) -> Plan {
    let mut plan = Plan::default();
    for (index, rule) in rules.rules.iter().enumerate() {
        if !rule.enabled {
            continue;
        }
        let pack = rules.pack_of(rule);
        if !pack.platforms.is_empty()
            && !key.platform.is_some_and(|platform| pack.platforms.contains(&platform))
        {
            continue;
        }
        if !rule.when.matches(key.relationship, key.media, key.platform) {
            continue;
        }
        let markets: Vec<Option<Market>> = if pack.markets.is_empty() {
            vec![None]
        } else {
            key.markets
                .iter()
                .filter(|market| rules.applies_in(pack, **market))
                .map(|market| Some(*market))
                .collect()
        };
        for market in markets {
            let planned = Planned { rule: index, market };
            match rule.check {
                Check::PlatformLabel(_) => plan.labels.push(planned),
                Check::CommercialSignals(_) => plan.signals.push(planned),
                _ => {}
            }
            plan.all.push(planned);
        }
    }
    plan
}

/// Fills `{brand}` in a fix with the post's first brand — glued into a
/// hashtag (`#GiftedBy{brand}` → `#GiftedByGlowLab`) or as written. A post
/// without a brand gets no fix rather than a wrong one.
fn expand_brand(insert: &str, brands: &[String]) -> Option<String> {
    let Some((before, after)) = insert.split_once("{brand}") else {
        return Some(insert.to_string());
    };
    let brand = brands.first()?;
    let glued = before.chars().next_back().is_some_and(|c| !c.is_whitespace());
    let brand =
        if glued { brand.chars().filter(|c| c.is_alphanumeric()).collect() } else { brand.clone() };
    Some(format!("{before}{brand}{after}"))
}

fn finding(rule: &Rule, market: Option<Market>, detection: Detection, post: &Post) -> Finding {
    let message = match detection.note {
        Some(note) => format!("{} ({note})", rule.message),
        None => rule.message.clone(),
    };
    let fix = rule.fix.as_ref().and_then(|fix| {
        let at = match fix.at {
            FixAt::Start => 0,
            FixAt::End => post.text.len(),
        };
        Some(Fix {
            span: Span::text(at, at),
            replacement: expand_brand(&fix.insert, &post.brands)?,
        })
    });
    Finding {
        rule: rule.id.clone(),
        category: rule.category,
        severity: rule.severity,
        market,
        message,
        help: rule.help.clone(),
        source_url: rule.source.url.clone(),
        span: detection.span,
        related: detection.related,
        fix,
    }
}

#[cfg(test)]
mod tests {
    use super::expand_brand;

    #[test]
    fn fixes_fill_in_the_brand() {
        let brands = vec!["Glow Lab".to_string()];
        assert_eq!(expand_brand("#GiftedBy{brand} ", &brands).unwrap(), "#GiftedByGlowLab ");
        assert_eq!(
            expand_brand("Prodotto inviato da {brand} · ", &brands).unwrap(),
            "Prodotto inviato da Glow Lab · "
        );
        assert_eq!(expand_brand("#ad ", &[]).unwrap(), "#ad ");
        assert_eq!(expand_brand("#GiftedBy{brand}", &[]), None);
    }
}
