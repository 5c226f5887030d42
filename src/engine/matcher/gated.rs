//! Terms with optional words and alternatives. One such term stands for up
//! to [`MAX_SPELLINGS`](super::MAX_SPELLINGS) wordings; made literals of
//! the matcher, seventeen English commission phrases were 3,256 of its
//! 5,777 and a third of the start-up. So the matcher looks only for the
//! first word of each wording (with the space after it), and where one
//! occurs the term's wordings that start there are looked up in its sorted
//! list.

use std::collections::BTreeSet;
use std::ops::Range;

use super::SetId;

#[derive(Debug)]
pub struct GatedTerm {
    pub set: SetId,
    /// Every spelling of every wording, normalised, sorted and distinct.
    spellings: Vec<String>,
}

impl GatedTerm {
    pub fn new(set: SetId, mut spellings: Vec<String>) -> GatedTerm {
        spellings.sort_unstable();
        spellings.dedup();
        GatedTerm { set, spellings }
    }

    /// The literals one of which starts every match: each spelling up to and
    /// including its first space (the whole spelling when it has none).
    pub fn gates(&self) -> BTreeSet<&str> {
        self.spellings
            .iter()
            .map(|spelling| spelling.find(' ').map_or(spelling.as_str(), |at| &spelling[..=at]))
            .collect()
    }

    /// The range of every spelling found in `text` at `start`, shortest
    /// first. The sorted list is narrowed one byte at a time, so the work is
    /// bounded by the longest spelling, not by their number.
    pub fn matches_at(&self, text: &str, start: usize, mut found: impl FnMut(Range<usize>)) {
        let rest = &text.as_bytes()[start..];
        let (mut low, mut high) = (0, self.spellings.len());
        let mut depth = 0;
        loop {
            // Spellings of this length sort before the longer ones that
            // share their bytes.
            while low < high && self.spellings[low].len() == depth {
                found(start..start + depth);
                low += 1;
            }
            if low == high || depth == rest.len() {
                return;
            }
            let byte = rest[depth];
            let candidates = &self.spellings[low..high];
            let first = candidates.partition_point(|spelling| spelling.as_bytes()[depth] < byte);
            let end = candidates.partition_point(|spelling| spelling.as_bytes()[depth] <= byte);
            (low, high) = (low + first, low + end);
            depth += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(spellings: &[&str]) -> GatedTerm {
        GatedTerm::new(0, spellings.iter().map(|spelling| spelling.to_string()).collect())
    }

    fn found(term: &GatedTerm, text: &str, start: usize) -> Vec<&'static str> {
        let mut ranges = Vec::new();
        term.matches_at(text, start, |range| ranges.push(range));
        ranges.into_iter().map(|range| &*text[range].to_string().leak()).collect()
    }

    #[test]
    fn every_spelling_starting_there_is_found_shortest_first() {
        let term = term(&["earn commission", "earn commissions", "earn a commission", "get paid"]);
        assert_eq!(found(&term, "i earn commissions!", 2), ["earn commission", "earn commissions"]);
        assert_eq!(found(&term, "we earn a commission", 3), ["earn a commission"]);
        assert!(found(&term, "we earn a commission", 0).is_empty());
        assert!(found(&term, "earn comm", 0).is_empty(), "text ends inside a spelling");
        assert_eq!(found(&term, "get paid", 0), ["get paid"]);
    }

    #[test]
    fn gates_are_first_words_with_their_space() {
        let term = term(&["earn a fee", "earn fees", "gets paid", "commission"]);
        assert_eq!(term.gates().into_iter().collect::<Vec<_>>(), ["commission", "earn ", "gets "]);
    }

    #[test]
    fn non_ascii_spellings_end_on_character_boundaries() {
        let term = term(&["rémunéré par", "rémunérée par"]);
        assert_eq!(found(&term, "je suis rémunérée par x", 8), ["rémunérée par"]);
    }
}
