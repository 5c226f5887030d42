//! Spellings a term stands for besides the one written: accents left out,
//! words run together. Worked out when the matcher is built.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use super::{MatchMode, TermError};
use crate::engine::normalize::normalize_term;

/// How the terms of a set may be spelled in a post besides as written (the
/// normalisation every term gets aside). Each option adds spellings of
/// every term when the matcher is built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TermOptions {
    /// A letter written with an accent also matches without it:
    /// "Publicité" matches "Publicite", "PUBLICITE" and "Publicité" with
    /// only some of its accents. An unaccented letter of the term still
    /// needs an unaccented letter in the text.
    pub accents_optional: bool,
    /// The words of a phrase also match run together or joined by `_`, as
    /// in hashtags: "paid partnership" matches "#PaidPartnership" and
    /// "#paid_partnership". The spaces next to `{brand}` stay.
    pub spaces_optional: bool,
}

impl TermOptions {
    /// The match modes each option applies to.
    pub const ACCENTS_MODES: &[MatchMode] = &[
        MatchMode::Hashtag,
        MatchMode::HashtagPrefix,
        MatchMode::HashtagSuffix,
        MatchMode::Word,
        MatchMode::Phrase,
    ];
    pub const SPACES_MODES: &[MatchMode] = &[MatchMode::Word, MatchMode::Phrase];
}

/// At most this many accented letters per term with accents optional: each
/// doubles the spellings a term stands for.
pub const MAX_OPTIONAL_ACCENTS: usize = 8;

/// The base letter of a Latin, Greek or Cyrillic letter with diacritics
/// (é → e, ç → c, ü → u, ā → a, ά → α); `None` for every other character,
/// also for letters of their own such as ß, ø and ł, and for kana with a
/// voicing mark (が is not か).
pub(super) fn without_accent(c: char) -> Option<char> {
    if c.is_ascii() {
        return None;
    }
    let mut parts: Vec<char> = Vec::with_capacity(3);
    decompose_canonical(c, |part| parts.push(part));
    match parts.split_first() {
        Some((&base, marks))
            if !marks.is_empty()
                && base < '\u{0530}'
                && marks.iter().all(|&mark| is_combining_mark(mark)) =>
        {
            Some(base)
        }
        _ => None,
    }
}

/// How many letters of `term` have an accent that may be left out.
pub(super) fn accented_letters(term: &str) -> usize {
    normalize_term(term).chars().filter(|&c| without_accent(c).is_some()).count()
}

/// The spellings a term stands for under `options`, the term itself first
/// (normalised, as post text is). Spaces are only replaced between the
/// words of the text around `{brand}`, never next to the brand.
pub(super) fn spellings(term: &str, options: TermOptions) -> Result<Vec<String>, TermError> {
    let normalized = normalize_term(term);
    let mut spellings = vec![normalized.clone()];
    if options.accents_optional {
        let accented: Vec<(usize, char, char)> = normalized
            .char_indices()
            .filter_map(|(at, c)| without_accent(c).map(|base| (at, c, base)))
            .collect();
        if accented.len() > MAX_OPTIONAL_ACCENTS {
            return Err(TermError::TooManyAccents {
                term: term.to_string(),
                count: accented.len(),
            });
        }
        // Every subset of the accents left out, the term as written first.
        for dropped in 1..1usize << accented.len() {
            let mut spelling = String::with_capacity(normalized.len());
            let mut copied = 0;
            for (bit, &(at, accented_letter, base)) in accented.iter().enumerate() {
                spelling.push_str(&normalized[copied..at]);
                spelling.push(if dropped & (1 << bit) != 0 { base } else { accented_letter });
                copied = at + accented_letter.len_utf8();
            }
            spelling.push_str(&normalized[copied..]);
            spellings.push(spelling);
        }
    }
    if options.spaces_optional {
        let spaced = spellings.len();
        for index in 0..spaced {
            for separator in ["", "_"] {
                let joined = join_words(&spellings[index], separator);
                if !spellings.contains(&joined) {
                    spellings.push(joined);
                }
            }
        }
    }
    Ok(spellings)
}

/// The spaces between words replaced by `separator`, except the spaces next
/// to `{brand}` (and at either end).
pub(super) fn join_words(text: &str, separator: &str) -> String {
    let pieces: Vec<String> = text
        .split("{brand}")
        .map(|piece| {
            let words = piece.trim();
            let start = piece.len() - piece.trim_start().len();
            let end = start + words.len();
            format!("{}{}{}", &piece[..start], words.replace(' ', separator), &piece[end..])
        })
        .collect();
    pieces.join("{brand}")
}
