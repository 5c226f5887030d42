//! Country names in a spreadsheet's market column ("France", "UK") → the
//! market's code. The names are data, in `country_names.txt`.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::columns::loose;
use crate::post::Market;

const NAMES: &str = include_str!("country_names.txt");

/// The market a country name stands for, if the table knows the name.
pub(super) fn market_named(name: &str) -> Option<Market> {
    static TABLE: OnceLock<HashMap<String, Market>> = OnceLock::new();
    TABLE.get_or_init(table).get(&loose(name)).copied()
}

/// Name (as [`loose`] writes it) → market. A line that is not `CODE: names`
/// is a mistake in the table, which the tests catch; it is skipped here.
fn table() -> HashMap<String, Market> {
    entries()
        .filter_map(|(code, names)| Some((Market::parse(code).ok()?, names)))
        .flat_map(|(market, names)| names.map(move |name| (loose(name), market)))
        .collect()
}

/// `(code, names)` for each line of the table.
fn entries() -> impl Iterator<Item = (&'static str, impl Iterator<Item = &'static str>)> {
    NAMES.lines().filter(|line| !line.trim().is_empty() && !line.starts_with('#')).map(|line| {
        let (code, names) = line.split_once(':').unwrap_or((line, ""));
        (code.trim(), names.split(';').map(str::trim).filter(|name| !name.is_empty()))
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The code a name reads as; empty for an unknown name.
    fn code(name: &str) -> String {
        market_named(name).map_or_else(String::new, |market| market.as_str().to_owned())
    }

    #[test]
    fn names_read_as_codes_whatever_their_case_dots_and_spaces() {
        assert_eq!(code("UK"), "GB");
        assert_eq!(code(" u.k. "), "GB");
        assert_eq!(code("United  Kingdom"), "GB");
        assert_eq!(code("great-britain"), "GB");
        assert_eq!(code("England"), "GB");
        assert_eq!(code("FRANCE"), "FR");
        assert_eq!(code("Deutschland"), "DE");
        assert_eq!(code("österreich"), "AT");
        assert_eq!(code("España"), "ES");
        assert_eq!(code("日本"), "JP");
        assert_eq!(code("EL"), "GR");
        assert_eq!(code("Frankreich"), "");
        assert_eq!(code(""), "");
    }

    #[test]
    fn every_line_is_a_code_and_no_name_stands_for_two_markets() {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for (code, names) in entries() {
            assert!(Market::parse(code).is_ok(), "'{code}' is not a country code");
            let names: Vec<&str> = names.collect();
            assert!(!names.is_empty(), "{code} has no names");
            for name in names {
                if let Some(other) = seen.insert(loose(name), code) {
                    assert_eq!(other, code, "'{name}' stands for {other} and {code}");
                }
                // A cell's list is split on these before a name is looked up.
                assert!(!name.contains(','), "'{name}' would be split");
            }
        }
    }

    #[test]
    fn every_country_pack_has_names() {
        let countries = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/countries");
        let named: BTreeSet<&str> = entries().map(|(code, _)| code).collect();
        let mut packs = 0;
        for entry in std::fs::read_dir(countries).unwrap() {
            let file = entry.unwrap().file_name().into_string().unwrap();
            let Some(code) = file.strip_suffix(".yaml") else { continue };
            packs += 1;
            assert!(named.contains(code.to_uppercase().as_str()), "no names for {code}");
        }
        assert!(packs >= 30, "{packs} country packs");
    }
}
