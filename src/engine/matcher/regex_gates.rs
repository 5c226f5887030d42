//! The literals that start every match of a regex, which gate it (see
//! `regex_term.rs`). build.rs includes this file too, to work them out for
//! the built-in packs once, at build time: parsing the 56 built-in regexes
//! at every start cost 7 M instructions.

use regex_syntax::hir::literal::Extractor;

/// The gates of `pattern`: `Ok(None)` when they cannot be listed (a leading
/// `\d` or `.`), an error message when the pattern does not parse.
pub fn regex_gates(pattern: &str) -> Result<Option<Vec<String>>, String> {
    let hir = regex_syntax::Parser::new().parse(pattern).map_err(|error| error.to_string())?;
    Ok(gates(&hir))
}

/// The literals every match of `hir` starts with, when there are few (the
/// extractor's limits) and none is empty.
fn gates(hir: &regex_syntax::hir::Hir) -> Option<Vec<String>> {
    let prefixes = Extractor::new().extract(hir);
    let literals = prefixes.literals()?;
    if literals.is_empty() {
        return None;
    }
    literals
        .iter()
        .map(|literal| {
            let text = std::str::from_utf8(literal.as_bytes()).ok()?;
            (!text.is_empty()).then(|| text.to_string())
        })
        .collect()
}
