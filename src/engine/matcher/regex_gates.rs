//! The literals that start every match of a regex, which gate it (see
//! `regex_term.rs`). build.rs includes this file too, to work them out for
//! the built-in packs once, at build time: parsing the 56 built-in regexes
//! at every start cost 7 M instructions.

use regex_syntax::hir::{Hir, HirKind, Look};

/// The literals one of which starts every match of a regex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gates {
    pub literals: Vec<String>,
    /// Every match starts at a word boundary (the regex opens with `\b`,
    /// ASCII or Unicode, or another word-boundary assertion), so never
    /// between two ASCII letters or digits.
    pub at_word_boundary: bool,
}

/// The gates of `pattern`: `Ok(None)` when they cannot be listed (a leading
/// `\d` or `.`), an error message when the pattern does not parse.
pub fn regex_gates(pattern: &str) -> Result<Option<Gates>, String> {
    let hir = regex_syntax::Parser::new().parse(pattern).map_err(|error| error.to_string())?;
    Ok(literals(&hir).map(|literals| Gates { literals, at_word_boundary: at_word_boundary(&hir) }))
}

/// The literals every match of `hir` starts with, when there are few (the
/// extractor's limits) and none is empty.
fn literals(hir: &Hir) -> Option<Vec<String>> {
    let prefixes = regex_syntax::hir::literal::Extractor::new().extract(hir);
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

/// Whether every match of `hir` starts with a word-boundary assertion:
/// `\b`, `\<`, `\b{start}` or `\b{end}` and their half forms, ASCII or
/// Unicode — none holds between two ASCII letters or digits. `\B` does.
fn at_word_boundary(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Look(look) => matches!(
            look,
            Look::WordAscii
                | Look::WordUnicode
                | Look::WordStartAscii
                | Look::WordStartUnicode
                | Look::WordEndAscii
                | Look::WordEndUnicode
                | Look::WordStartHalfAscii
                | Look::WordStartHalfUnicode
                | Look::WordEndHalfAscii
                | Look::WordEndHalfUnicode
        ),
        HirKind::Concat(parts) => parts.first().is_some_and(at_word_boundary),
        HirKind::Capture(capture) => at_word_boundary(&capture.sub),
        HirKind::Alternation(branches) => branches.iter().all(at_word_boundary),
        _ => false,
    }
}
