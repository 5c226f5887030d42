//! One finding per cause: in a post, each market keeps at most one finding
//! per category, and its missing-disclosure finding takes in the findings
//! it explains (an ambiguous tag, commercial signals, a wrong language, a
//! label below the fold) as `related` — including those of the global and
//! platform packs, which have no market.

use crate::finding::{Category, Finding, Related};
use crate::post::Market;

/// The categories a missing disclosure explains: with no accepted label at
/// all, "only an ambiguous tag" or "label below the fold" say nothing more.
const EXPLAINED_BY_MISSING: [Category; 5] = [
    Category::AmbiguousDisclosure,
    Category::UndisclosedCommercialSignals,
    Category::WrongLanguage,
    Category::DisclosureBelowFold,
    Category::DisclosureBuried,
];

/// Folds `findings` (in pack order) so that each cause is reported once.
pub fn fold(findings: Vec<Finding>) -> Vec<Finding> {
    // The markets whose missing-disclosure finding explains the others.
    let mut missing: Vec<Market> = findings
        .iter()
        .filter(|f| f.category == Category::MissingDisclosure)
        .filter_map(|f| f.market)
        .collect();
    missing.dedup();
    let explained = |finding: &Finding| {
        EXPLAINED_BY_MISSING.contains(&finding.category)
            && match finding.market {
                Some(market) => missing.contains(&market),
                None => !missing.is_empty(),
            }
    };

    let mut kept: Vec<Finding> = Vec::new();
    let mut folded: Vec<Finding> = Vec::new();
    for finding in findings {
        // Only a market's own findings share a cause; findings without a
        // market come from different packs (global, platform, a house pack).
        let same_cause = finding.market.is_some()
            && kept.iter().any(|k| k.market == finding.market && k.category == finding.category);
        if same_cause || explained(&finding) {
            folded.push(finding);
        } else {
            kept.push(finding);
        }
    }
    for finding in folded {
        let targets: Vec<usize> = kept
            .iter()
            .enumerate()
            .filter(|(_, k)| {
                (k.market.is_some() && k.market == finding.market && k.category == finding.category)
                    || (k.category == Category::MissingDisclosure
                        && (k.market == finding.market || finding.market.is_none())
                        && k.market.is_some()
                        && EXPLAINED_BY_MISSING.contains(&finding.category))
            })
            .map(|(index, _)| index)
            .collect();
        // A finding folds into its own market's (or, without a market, every
        // market's) finding; where there is none it stays.
        let Some((&last, rest)) = targets.split_last() else {
            kept.push(finding);
            continue;
        };
        for &index in rest {
            take_in(&mut kept[index], finding.clone());
        }
        take_in(&mut kept[last], finding);
    }
    kept
}

/// Adds `other` to `finding` as related: its place with its rule and
/// message, then its own further places. The more severe of the two wins,
/// so folding never hides an error.
fn take_in(finding: &mut Finding, other: Finding) {
    finding.severity = finding.severity.max(other.severity);
    finding.related.push(Related {
        rule: Some(other.rule.clone()),
        message: Some(other.message),
        span: other.span,
    });
    finding.related.extend(other.related.into_iter().map(|related| Related {
        rule: related.rule.or_else(|| Some(other.rule.clone())),
        ..related
    }));
}
