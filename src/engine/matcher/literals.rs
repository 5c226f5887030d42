//! Every occurrence of every literal of a matcher in a text, overlapping.
//!
//! The aho-corasick automaton finds them in one pass, but building it costs
//! about 400 instructions per byte of its literals: 6.5 M for one market's,
//! a quarter of checking one draft from a cold start. Looking literals up
//! at each place by its first byte and then its first two, three or four
//! bytes (binary searches) costs more per byte of text but nothing to
//! build. So a matcher looks literals up directly until the texts it has
//! scanned hold as many bytes as its literals do, and then builds the
//! automaton: the rent-or-buy rule, which never costs much more than twice
//! the cheaper of the two. A pre-commit hook checking one draft never
//! builds it; a spreadsheet of captions builds it after a few dozen posts.
//! Both ways find the same occurrences; only their order differs, and the
//! scan sorts hits.

use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

#[derive(Debug)]
pub struct Literals {
    literals: Vec<String>,
    /// By first byte, the literals that start with it.
    by_first_byte: Vec<Bucket>,
    /// Bytes of text to scan directly before the automaton is built.
    budget: usize,
    scanned: AtomicUsize,
    /// `None` inside: the automaton could not be built (more states than
    /// it can number), and no literal is found.
    automaton: OnceLock<Option<AhoCorasick>>,
}

impl Literals {
    /// The literals, looked up directly until texts as long as all of
    /// them together have been scanned.
    pub fn new(literals: Vec<String>) -> Literals {
        // Looking literals up directly costs about 165 instructions more
        // per byte of text than the automaton's pass (callgrind, 2,000
        // bench posts), building the automaton about 430 per byte of its
        // literals: equal bytes keep the direct way on the cheap side.
        let budget = literals.iter().map(String::len).sum();
        Literals::with_budget(literals, budget)
    }

    /// The literals, looked up directly for `budget` bytes of text.
    pub fn with_budget(literals: Vec<String>, budget: usize) -> Literals {
        let mut by_first_byte = vec![Bucket::default(); 256];
        for (index, literal) in literals.iter().enumerate() {
            let index = index as u32;
            let bytes = literal.as_bytes();
            let Some(&first) = bytes.first() else { continue };
            let bucket = &mut by_first_byte[usize::from(first)];
            match bytes.len() {
                1 => bucket.one_byte.push(index),
                length => {
                    let prefix = prefix(bytes);
                    bucket.by_prefix[length.min(4) - 2].push(Candidate { prefix, index });
                }
            }
        }
        for candidates in by_first_byte.iter_mut().flat_map(|bucket| &mut bucket.by_prefix) {
            candidates.sort_unstable_by_key(|candidate| candidate.prefix);
        }
        Literals {
            literals,
            by_first_byte,
            budget,
            scanned: AtomicUsize::new(0),
            automaton: OnceLock::new(),
        }
    }

    /// Calls `found` with the index and range of every occurrence of every
    /// literal in `text`, overlapping ones included, in no given order.
    pub fn find(&self, text: &str, found: impl FnMut(usize, Range<usize>)) {
        let automaton = match self.automaton.get() {
            Some(automaton) => automaton,
            None if self.scanned.fetch_add(text.len(), Ordering::Relaxed) < self.budget => {
                return self.find_directly(text, found);
            }
            None => self.automaton.get_or_init(|| self.build()),
        };
        if let Some(automaton) = automaton {
            find_with(automaton, text, found);
        }
    }

    fn build(&self) -> Option<AhoCorasick> {
        // The contiguous form runs as many instructions per post as the
        // noncontiguous one, but it is 0.4 MB instead of 1 MB for the
        // built-in literals, so it misses the cache less: 100 k posts took
        // 0.93× the wall time (8 paired runs, one job and two) for 3.5 M
        // instructions more to build. A DFA took 0.87× but was 20 MB and
        // 273 M instructions to build, and grows with a pack's terms.
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&self.literals)
            .ok()
    }

    fn find_directly(&self, text: &str, mut found: impl FnMut(usize, Range<usize>)) {
        let bytes = text.as_bytes();
        for (start, &first) in bytes.iter().enumerate() {
            let bucket = &self.by_first_byte[usize::from(first)];
            for &index in &bucket.one_byte {
                found(index as usize, start..start + 1);
            }
            if start + 1 == bytes.len() {
                continue;
            }
            let word = prefix(&bytes[start..]);
            for (candidates, mask) in bucket.by_prefix.iter().zip(PREFIX_MASKS) {
                let key = word & mask;
                let from = candidates.partition_point(|candidate| candidate.prefix < key);
                for candidate in candidates[from..].iter().take_while(|c| c.prefix == key) {
                    let literal = self.literals[candidate.index as usize].as_bytes();
                    if bytes[start..].starts_with(literal) {
                        found(candidate.index as usize, start..start + literal.len());
                    }
                }
            }
        }
    }
}

/// The literals that start with one byte: those of that byte alone, and
/// those of two, three, and four or more bytes, each sorted by their first
/// bytes as a number. A place is looked up by binary search in each, so
/// many literals that share their first bytes (`#brand1` … `#brand500`)
/// cost a few comparisons, not one each.
#[derive(Debug, Clone, Default)]
struct Bucket {
    one_byte: Vec<u32>,
    by_prefix: [Vec<Candidate>; 3],
}

/// The masks of the first two, three and four bytes of a prefix.
const PREFIX_MASKS: [u32; 3] = [0xFFFF_0000, 0xFFFF_FF00, 0xFFFF_FFFF];

/// A literal of two bytes or more, with its first four bytes as a number.
#[derive(Debug, Clone)]
struct Candidate {
    prefix: u32,
    index: u32,
}

/// The first four bytes of `bytes` as a big-endian number, zeros past
/// its end.
fn prefix(bytes: &[u8]) -> u32 {
    let mut word = [0u8; 4];
    let length = bytes.len().min(4);
    word[..length].copy_from_slice(&bytes[..length]);
    u32::from_be_bytes(word)
}

fn find_with(automaton: &AhoCorasick, text: &str, mut found: impl FnMut(usize, Range<usize>)) {
    for matched in automaton.find_overlapping_iter(text) {
        found(matched.pattern().as_usize(), matched.start()..matched.end());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every occurrence, sorted, as `literals` finds them.
    pub fn occurrences(literals: &Literals, text: &str) -> Vec<(usize, Range<usize>)> {
        let mut all = Vec::new();
        literals.find(text, |index, range| all.push((index, range)));
        all.sort_by_key(|(index, range)| (range.start, range.end, *index));
        all
    }

    /// The same literals, looked up directly and by the automaton.
    pub fn both_ways(literals: &[String]) -> (Literals, Literals) {
        (
            Literals::with_budget(literals.to_vec(), usize::MAX),
            Literals::with_budget(literals.to_vec(), 0),
        )
    }

    #[test]
    fn direct_look_ups_find_what_the_automaton_finds() {
        let literals: Vec<String> =
            ["ad", "adv", "dv", "d", "é", "aé", "éé", "#ad", "広告", "告"].map(String::from).into();
        let (direct, automaton) = both_ways(&literals);
        // Texts from every pair and triple of pieces, so that literals
        // overlap, nest and repeat.
        let pieces = ["a", "d", "v", "é", "#", " ", "広", "告", "adv"];
        let mut texts = vec![String::new()];
        for first in pieces {
            for second in pieces {
                for third in pieces {
                    texts.push(format!("{first}{second}{third}"));
                }
            }
        }
        let mut found = 0;
        for text in &texts {
            let expected = occurrences(&automaton, text);
            assert_eq!(occurrences(&direct, text), expected, "{text:?}");
            found += expected.len();
        }
        assert!(found > 500, "the texts hold many occurrences: {found}");
        assert!(direct.automaton.get().is_none(), "never built within its budget");
    }

    /// Many literals that share their first bytes, of every length class.
    #[test]
    fn literals_sharing_their_first_bytes_are_found_by_their_prefix() {
        let mut literals: Vec<String> = vec!["z".into(), "zq".into(), "zq1".into()];
        literals.extend((0..300).flat_map(|i| [format!("zq{i}a"), format!("zq{i}b xk")]));
        let (direct, automaton) = both_ways(&literals);
        let mut found = 0;
        for text in ["zq12a x", "zq1", "zzq299b xk zq0a", "zq", "z", "xzq7", "zq30a zq300a"] {
            let expected = occurrences(&automaton, text);
            assert_eq!(occurrences(&direct, text), expected, "{text:?}");
            found += expected.len();
        }
        assert!(found > 20, "{found} occurrences");
    }

    /// The literals of every term set of the built-in packs, looked up in
    /// every example of their rules, normalised as a scan does.
    #[test]
    fn both_ways_find_the_same_in_every_built_in_example() {
        use crate::engine::normalize::Normalized;
        use crate::engine::ruleset::tests::{builtin_example_texts, builtin_with_examples};

        let rules = builtin_with_examples();
        let matcher = rules.matcher(None);
        assert!(matcher.literals.literals.len() > 1000);
        let (direct, automaton) = both_ways(&matcher.literals.literals);
        let texts = builtin_example_texts(&rules);
        assert!(texts.len() > 1000, "{} examples", texts.len());
        let mut found = 0;
        for text in &texts {
            let normalized = Normalized::new(text).text;
            let expected = occurrences(&automaton, &normalized);
            assert_eq!(occurrences(&direct, &normalized), expected, "{normalized:?}");
            found += expected.len();
        }
        assert!(found > 5_000, "{found} occurrences");
    }

    #[test]
    fn the_automaton_is_built_once_the_budget_is_spent() {
        let literals = Literals::new(vec!["sponsored".to_string()]);
        let text = "#sponsored by acme";
        assert_eq!(occurrences(&literals, text), [(0, 1..10)]);
        assert!(literals.automaton.get().is_none(), "18 bytes scanned, budget 9");
        assert_eq!(occurrences(&literals, text), [(0, 1..10)]);
        assert!(literals.automaton.get().is_some());
    }
}
