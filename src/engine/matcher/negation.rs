//! Negation: the hits of a set marked `negates` ("not", "kein", "pas")
//! cancel the hits of other sets a few words after them in the same
//! sentence, so "this is not sponsored" holds no `sponsored`.

use std::ops::Range;

use super::{Hit, Matcher, ScannedField, SetId};
use crate::engine::letters::is_letter_or_digit;
use crate::finding::Field;

/// A negated hit starts within this many words after the negation ends:
/// "not sponsored", "not a sponsored post", but not "not at all a sponsored
/// post" — nor "never going back 🧴 Ad", where the label is the third word.
pub const NEGATION_REACH_WORDS: usize = 2;

/// What ends a negation's reach besides its words.
const SENTENCE_BREAKS: &[char] = &['.', '!', '?', ';', '。', '！', '？', '；'];

/// Line breaks also end it; normalised text holds them as plain spaces.
const LINE_BREAKS: &[char] = &['\n', '\r', '\u{0B}', '\u{0C}', '\u{85}', '\u{2028}', '\u{2029}'];

/// A hit that a negation cancelled, with the negation's hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negated {
    pub hit: Hit,
    pub negation: Hit,
}

/// Which sets negate, and which sets a negation may cancel, by set id.
#[derive(Debug, Default)]
pub(super) struct NegationSets {
    negating: Vec<bool>,
    negatable: Vec<bool>,
}

impl NegationSets {
    fn mark(flags: &mut Vec<bool>, set: SetId) {
        let index = set as usize;
        if flags.len() <= index {
            flags.resize(index + 1, false);
        }
        flags[index] = true;
    }

    pub(super) fn mark_negating(&mut self, set: SetId) {
        Self::mark(&mut self.negating, set);
    }

    pub(super) fn mark_negatable(&mut self, set: SetId) {
        Self::mark(&mut self.negatable, set);
    }

    pub(super) fn negating(&self, set: SetId) -> bool {
        self.negating.get(set as usize).copied().unwrap_or(false)
    }

    pub(super) fn negatable(&self, set: SetId) -> bool {
        self.negatable.get(set as usize).copied().unwrap_or(false)
    }
}

impl Matcher {
    /// Splits a post's hits, sorted by field and start, into those that
    /// stand and those a negation cancels; `original` is a field's original
    /// text. One pass: the negations still in reach are few, as each
    /// reaches only a few words.
    pub fn cancel_negated<'a>(
        &self,
        hits: Vec<Hit>,
        fields: &'a [ScannedField],
        original: impl Fn(Field) -> &'a str,
    ) -> (Vec<Hit>, Vec<Negated>) {
        // Most posts hold no negation: their hits all stand, as they are.
        if !hits.iter().any(|hit| self.negates(hit.set)) {
            return (hits, Vec::new());
        }
        let mut kept = Vec::with_capacity(hits.len());
        let mut negated = Vec::new();
        // Negations of the current field whose reach may hold a later hit.
        let mut reaching: Vec<(Range<usize>, Hit)> = Vec::new();
        let mut scanned: Option<&ScannedField> = None;
        let mut original_text = "";
        for hit in hits {
            if scanned.is_none_or(|scanned| scanned.field != hit.field) {
                reaching.clear();
                scanned = fields.iter().find(|scanned| scanned.field == hit.field);
                original_text = original(hit.field);
            }
            let Some(scanned) = scanned else {
                kept.push(hit);
                continue;
            };
            let start = hit.range.start;
            reaching.retain(|(reach, _)| reach.end > start);
            if self.negates(hit.set) {
                let from = hit.range.end;
                reaching.push((from..reach_end(scanned, original_text, from), hit.clone()));
                kept.push(hit);
            } else if let Some((_, negation)) = reaching
                .iter()
                .find(|(reach, _)| reach.contains(&start))
                .filter(|_| self.negatable(hit.set))
            {
                negated.push(Negated { hit, negation: negation.clone() });
            } else {
                kept.push(hit);
            }
        }
        (kept, negated)
    }
}

/// Where the reach of a negation ending at `from` ends: just into the
/// word [`NEGATION_REACH_WORDS`] after it, or at a sentence or line break.
/// An apostrophe inside a word ("isn't", "n'est") does not start another.
fn reach_end(scanned: &ScannedField, original: &str, from: usize) -> usize {
    let text = scanned.normalized.text.as_str();
    let Some(rest) = text.get(from..) else { return from };
    let mut words = 0;
    let mut in_word = false;
    for (offset, c) in rest.char_indices() {
        let at = from + offset;
        let line_break = c == ' '
            && original
                .get(scanned.normalized.original_gap(at..at + 1))
                .is_some_and(|gap| gap.contains(LINE_BREAKS));
        if SENTENCE_BREAKS.contains(&c) || line_break {
            return at;
        }
        let word_char = is_letter_or_digit(c) || (in_word && matches!(c, '\'' | '’'));
        if word_char && !in_word {
            words += 1;
            if words == NEGATION_REACH_WORDS {
                return at + c.len_utf8();
            }
        }
        in_word = word_char;
    }
    text.len()
}
