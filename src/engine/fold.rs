//! One finding per cause: in a post, each market keeps at most one finding
//! per category, and its missing-disclosure finding takes in the findings
//! it explains (an ambiguous tag, commercial signals, a wrong language, a
//! label below the fold) as `related` — including those of the global and
//! platform packs, which have no market.

use crate::finding::{Category, Finding, Related};

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
    // A market's missing disclosure explains findings listed before it too
    // (the global pack's come first), so which fold is decided over all of
    // them; among findings of one cause the first stays.
    let folds: Vec<bool> = findings
        .iter()
        .enumerate()
        .map(|(index, finding)| {
            findings.iter().enumerate().any(|(other_index, other)| {
                let explains = other.category == Category::MissingDisclosure
                    && finding.category != Category::MissingDisclosure;
                absorbs(other, finding) && (explains || other_index < index)
            })
        })
        .collect();
    let mut kept: Vec<Finding> = Vec::new();
    let mut folded: Vec<Finding> = Vec::new();
    for (finding, folds) in findings.into_iter().zip(folds) {
        if folds { folded.push(finding) } else { kept.push(finding) }
    }
    for finding in folded {
        let targets: Vec<usize> =
            (0..kept.len()).filter(|&index| absorbs(&kept[index], &finding)).collect();
        // Without a market, a finding folds into every market's finding.
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

/// Whether `finding` folds into `into`: a market's finding of the same
/// category, or a market's missing disclosure that explains it (its own
/// market's, or any market's for a finding without one, from the global
/// and platform packs). Findings without a market never take others in.
fn absorbs(into: &Finding, finding: &Finding) -> bool {
    let Some(market) = into.market else { return false };
    let same_market = finding.market == Some(market);
    (same_market && into.category == finding.category)
        || (into.category == Category::MissingDisclosure
            && (same_market || finding.market.is_none())
            && EXPLAINED_BY_MISSING.contains(&finding.category))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Severity, Span};
    use crate::post::Market;

    fn finding(rule: &str, market: Option<&str>, category: Category, at: usize) -> Finding {
        Finding {
            rule: rule.into(),
            category,
            severity: Severity::Warning,
            market: market.map(|code| Market::parse(code).unwrap()),
            message: format!("{rule} says so"),
            help: String::new(),
            source_url: String::new(),
            span: Span::text(at, at + 1),
            cue: None,
            related: Vec::new(),
            fix: None,
        }
    }

    fn rules(findings: &[Finding]) -> Vec<(&str, Vec<&str>)> {
        findings
            .iter()
            .map(|f| {
                let related = f.related.iter().filter_map(|r| r.rule.as_deref()).collect();
                (f.rule.as_str(), related)
            })
            .collect()
    }

    #[test]
    fn a_missing_disclosure_takes_in_what_it_explains_in_its_market_and_globally() {
        let folded = fold(vec![
            finding("global/commercial-signals", None, Category::UndisclosedCommercialSignals, 9),
            finding("gb/missing-disclosure", Some("GB"), Category::MissingDisclosure, 0),
            finding("gb/ambiguous-only", Some("GB"), Category::AmbiguousDisclosure, 5),
            finding("ie/missing-disclosure", Some("IE"), Category::MissingDisclosure, 0),
            finding("fr/ambiguous-only", Some("FR"), Category::AmbiguousDisclosure, 5),
        ]);
        assert_eq!(
            rules(&folded),
            [
                // In pack order: the global pack's finding first.
                ("gb/missing-disclosure", vec!["global/commercial-signals", "gb/ambiguous-only"]),
                ("ie/missing-disclosure", vec!["global/commercial-signals"]),
                // FR has no missing-disclosure finding: its own finding stands.
                ("fr/ambiguous-only", vec![]),
            ]
        );
        let related = &folded[0].related[1];
        assert_eq!(related.message.as_deref(), Some("gb/ambiguous-only says so"));
        assert_eq!(related.span, Span::text(5, 6));
    }

    #[test]
    fn one_finding_per_market_and_category_and_the_worse_severity_wins() {
        let mut error = finding("gb/denies-ad", Some("GB"), Category::MissingDisclosure, 3);
        error.severity = Severity::Error;
        error.related.push(Related::at(Span::text(7, 8)));
        let folded = fold(vec![
            finding("gb/missing-disclosure", Some("GB"), Category::MissingDisclosure, 0),
            error,
        ]);
        assert_eq!(
            rules(&folded),
            [("gb/missing-disclosure", vec!["gb/denies-ad", "gb/denies-ad"])]
        );
        assert_eq!(folded[0].severity, Severity::Error);
        assert_eq!(folded[0].related[1].span, Span::text(7, 8), "the folded finding's own places");
    }

    #[test]
    fn findings_without_a_market_stay_apart_when_no_market_explains_them() {
        let findings = vec![
            finding("global/no-market", None, Category::MissingDisclosure, 0),
            finding("global/commercial-signals", None, Category::UndisclosedCommercialSignals, 4),
            finding("house/signals", None, Category::UndisclosedCommercialSignals, 4),
        ];
        assert_eq!(fold(findings.clone()), findings);
    }
}
