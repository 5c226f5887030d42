//! Market groups (`EU`, `EEA`): `rules/markets.yaml`.

use std::sync::OnceLock;

use super::builtin;
use super::raw::RawMarkets;
use crate::diag::yaml::{self, span_of};
use crate::diag::{FileError, Problems};
use crate::post::{Market, MarketGroups};

/// The market groups that ship with the binary (`rules/markets.yaml`),
/// read once per process: a check asks for them more than once (its
/// `--country`, the configuration, the packs), and reading them was a
/// twentieth of checking one draft.
pub fn builtin_market_groups() -> Result<MarketGroups, FileError> {
    static GROUPS: OnceLock<Result<MarketGroups, FileError>> = OnceLock::new();
    GROUPS.get_or_init(|| market_groups(builtin::MARKETS_NAME, builtin::MARKETS)).clone()
}

/// Parses a market groups file.
fn market_groups(name: &str, source: &str) -> Result<MarketGroups, FileError> {
    let mut problems = Problems::new(name, source);
    let mut groups = MarketGroups::default();
    match yaml::parse::<RawMarkets>(source) {
        Ok(raw) => {
            for (group, members) in raw.groups {
                let mut markets = Vec::new();
                for member in members {
                    match Market::parse(&member.value) {
                        Ok(market) => markets.push(market),
                        Err(error) => problems.add(
                            span_of(source, &member),
                            error.to_string(),
                            "not a country code",
                            None,
                        ),
                    }
                }
                groups.0.insert(group.to_ascii_uppercase(), markets);
            }
        }
        Err(error) => problems.add(error.span, error.message, "here", None),
    }
    problems.into_result().map(|()| groups)
}
