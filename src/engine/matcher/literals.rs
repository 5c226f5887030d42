//! Every occurrence of every literal of a matcher in a text that a term
//! can use: only where a word may start, unless the literal says otherwise.
//!
//! The automata find them in one pass, but building them costs about 215
//! instructions per byte of the literals (8.8 M for the built-in packs'
//! 41 k bytes), a large part of checking one draft from a cold start.
//! Looking literals up at each place by its first byte and then its first
//! two, three or four bytes (binary searches) costs more per byte of text
//! but nothing to build. So a matcher looks literals up directly until the texts it has
//! scanned hold as many bytes as its literals do, and then builds the
//! automata: the rent-or-buy rule, which never costs much more than twice
//! the cheaper of the two. A pre-commit hook checking one draft never
//! builds it; a spreadsheet of captions builds it after a few dozen posts.
//! Both ways find the same occurrences; only their order differs, and the
//! scan sorts hits.
//!
//! A word or phrase counts only where it starts a word, and most regexes
//! start with `\b`; so the literals are walked in a trie from each place a
//! word may start, never from inside a run of ASCII letters and digits
//! (half the bytes of the bench captions, in twenty languages), and not
//! through the failure transitions an overlapping search follows after
//! every byte. The few literals that count inside a word too, or are too
//! long to walk from every place, get an automaton of their own that
//! searches every place.

use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::trie::Trie;

/// Where an occurrence of a literal counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Only where a word may start: a word or phrase (whose hit must be
    /// word-bounded), or a gate of regexes that each start at a word
    /// boundary.
    WordStart,
    /// Inside a word too: a gate of a regex that may match there.
    Anywhere,
}

/// Literals longer than this are searched at every place, so that walking
/// from each word's start stays within this many steps a place.
const MAX_WALK: usize = 64;

#[derive(Debug)]
pub struct Literals {
    literals: Vec<String>,
    /// By literal: found at every place, not only where a word may start
    /// (it counts inside a word and starts with an ASCII letter or digit,
    /// or it is longer than [`MAX_WALK`]).
    everywhere: Vec<bool>,
    /// Some literal is found everywhere: known once, not looked for among
    /// thousands at each text (a user pack's examples are short texts).
    some_everywhere: bool,
    /// By first byte, the literals that start with it.
    by_first_byte: Vec<Bucket>,
    /// Bytes of text to scan directly before the automata are built.
    budget: usize,
    scanned: AtomicUsize,
    /// `None` inside: the automata could not be built (more states or
    /// slots than they can number), and no literal is found.
    automata: OnceLock<Option<Automata>>,
}

/// The built form of [`Literals`].
#[derive(Debug)]
struct Automata {
    /// The literals found where a word may start, walked from there.
    walked: Trie,
    /// By byte: [`IN_WORD`] and [`STARTS_WALK`], so that a place is passed
    /// over after one look-up: most places do not start a walked literal
    /// (a space, the rest of a character).
    byte_classes: [u8; 256],
    /// The literals found everywhere (none in the built-in packs), and by
    /// pattern its literal.
    everywhere: Option<(AhoCorasick, Vec<u32>)>,
}

impl Literals {
    /// The literals, looked up directly until texts as long as all of
    /// them together have been scanned.
    pub fn new(literals: Vec<(String, Reach)>) -> Literals {
        // Looking literals up directly costs at least 165 instructions more
        // per byte of text than the trie's pass (callgrind, 2,000 bench
        // posts, against the slower automaton the trie replaced), building
        // the trie about 215 per byte of its literals: equal bytes keep the
        // direct way on the cheap side.
        let budget = literals.iter().map(|(literal, _)| literal.len()).sum();
        Literals::with_budget(literals, budget)
    }

    /// The literals, looked up directly for `budget` bytes of text.
    pub fn with_budget(literals: Vec<(String, Reach)>, budget: usize) -> Literals {
        let everywhere: Vec<bool> = literals
            .iter()
            .map(|(literal, reach)| {
                let inside_words =
                    literal.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric);
                (*reach == Reach::Anywhere && inside_words) || literal.len() > MAX_WALK
            })
            .collect();
        let literals: Vec<String> = literals.into_iter().map(|(literal, _)| literal).collect();
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
            some_everywhere: everywhere.contains(&true),
            everywhere,
            by_first_byte,
            budget,
            scanned: AtomicUsize::new(0),
            automata: OnceLock::new(),
        }
    }

    /// Calls `found` with the index and range of every occurrence of a
    /// literal in `text` that starts where a word may start (see
    /// [`inside_word`]), and of every occurrence of a literal found
    /// everywhere; overlapping ones included, in no given order.
    pub fn find(&self, text: &str, found: impl FnMut(usize, Range<usize>)) {
        let automata = match self.automata.get() {
            Some(automata) => automata,
            None if self.scanned.fetch_add(text.len(), Ordering::Relaxed) < self.budget => {
                return self.find_directly(text, found);
            }
            None => self.automata.get_or_init(|| self.build()),
        };
        if let Some(automata) = automata {
            automata.find(text, found);
        }
    }

    fn build(&self) -> Option<Automata> {
        let mut everywhere = Vec::new();
        let mut everywhere_literals = Vec::new();
        let mut walked = Vec::new();
        for (index, literal) in self.literals.iter().enumerate() {
            match self.everywhere[index] {
                true => {
                    everywhere.push(literal.as_str());
                    everywhere_literals.push(index as u32);
                }
                false => walked.push((literal.as_bytes(), index as u32)),
            }
        }
        // A double-array trie steps in about 13 instructions where the
        // contiguous aho-corasick NFA walked before it took 48, and is
        // 0.16 MB instead of 0.4 MB: 100 k posts take 0.963× the time with
        // one job (10 paired runs). An anchored DFA took 1.03× the NFA's
        // time, its 20 MB table missing the cache.
        let walked = Trie::new(walked)?;
        let everywhere = match everywhere.is_empty() {
            true => None,
            false => Some((
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(&everywhere)
                    .ok()?,
                everywhere_literals,
            )),
        };
        let byte_classes = std::array::from_fn(|byte| {
            let in_word = if (byte as u8).is_ascii_alphanumeric() { IN_WORD } else { 0 };
            in_word | if walked.starts_with(byte as u8) { STARTS_WALK } else { 0 }
        });
        Some(Automata { walked, byte_classes, everywhere })
    }

    fn find_directly(&self, text: &str, mut found: impl FnMut(usize, Range<usize>)) {
        let bytes = text.as_bytes();
        for (start, &first) in bytes.iter().enumerate() {
            let word_start = !inside_word(bytes, start);
            if !word_start && !self.some_everywhere {
                continue;
            }
            let mut found = |index: u32, range| {
                if word_start || self.everywhere[index as usize] {
                    found(index as usize, range);
                }
            };
            let bucket = &self.by_first_byte[usize::from(first)];
            for &index in &bucket.one_byte {
                found(index, start..start + 1);
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
                        found(candidate.index, start..start + literal.len());
                    }
                }
            }
        }
    }
}

impl Automata {
    // Compiled on its own, not into the scan: 20 k posts then take 28 M
    // fewer instructions (1,568.4 -> 1,540.7 M) and 100 k posts 0.992x the
    // time. Inlined, how it compiled moved with changes elsewhere in the
    // scan (a change to the tokens once added 17 M here).
    #[inline(never)]
    fn find(&self, text: &str, mut found: impl FnMut(usize, Range<usize>)) {
        let bytes = text.as_bytes();
        let mut start = 0;
        while let Some(&byte) = bytes.get(start) {
            let class = self.byte_classes[usize::from(byte)];
            if class & STARTS_WALK != 0 {
                let found = &mut found;
                self.walked.walk(bytes, start, |literal, range| found(literal as usize, range));
            }
            start += 1;
            // The rest of a run of ASCII letters and digits is inside a
            // word: passed over with one look-up of the class table a
            // byte (20 k posts: 1,956.8 M instructions in all, against
            // 1,984.0 M with `is_ascii_alphanumeric` and 1,964.7 M eight
            // bytes at a time, which words too short leave no time to pay).
            if class & IN_WORD != 0 {
                while bytes
                    .get(start)
                    .is_some_and(|&byte| self.byte_classes[usize::from(byte)] & IN_WORD != 0)
                {
                    start += 1;
                }
            }
        }
        if let Some((automaton, literals)) = &self.everywhere {
            for matched in automaton.find_overlapping_iter(text) {
                let literal = literals[matched.pattern().as_usize()] as usize;
                found(literal, matched.start()..matched.end());
            }
        }
    }
}

/// A byte class: an ASCII letter or digit.
const IN_WORD: u8 = 1;
/// A byte class: some walked literal starts with the byte.
const STARTS_WALK: u8 = 2;

/// Whether `at` is inside a run of ASCII letters and digits, after its
/// first: a word cannot start there by any measure — a term's word
/// boundary, a regex's ASCII or Unicode `\b` — so no literal is walked
/// from there.
fn inside_word(bytes: &[u8], at: usize) -> bool {
    at > 0 && bytes[at - 1].is_ascii_alphanumeric() && bytes[at].is_ascii_alphanumeric()
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

    /// The occurrences that count, sorted: every one of a literal that
    /// counts anywhere or is too long to walk, and the others where a word
    /// may start (not after an ASCII letter or digit when it starts with
    /// one).
    fn counted(literals: &[(String, Reach)], text: &str) -> Vec<(usize, Range<usize>)> {
        let bytes = text.as_bytes();
        let mut all = Vec::new();
        for start in 0..bytes.len() {
            let after_alphanumeric = start > 0 && bytes[start - 1].is_ascii_alphanumeric();
            for (index, (literal, reach)) in literals.iter().enumerate() {
                let counts = *reach == Reach::Anywhere
                    || literal.len() > MAX_WALK
                    || !(after_alphanumeric && literal.as_bytes()[0].is_ascii_alphanumeric());
                if counts && bytes[start..].starts_with(literal.as_bytes()) {
                    all.push((index, start..start + literal.len()));
                }
            }
        }
        all.sort_by_key(|(index, range)| (range.start, range.end, *index));
        all
    }

    /// The same literals, looked up directly and by the automata.
    pub fn both_ways(literals: &[(String, Reach)]) -> (Literals, Literals) {
        (
            Literals::with_budget(literals.to_vec(), usize::MAX),
            Literals::with_budget(literals.to_vec(), 0),
        )
    }

    fn reaching(literals: &[&str], reach: Reach) -> Vec<(String, Reach)> {
        literals.iter().map(|literal| (literal.to_string(), reach)).collect()
    }

    #[test]
    fn both_ways_find_the_occurrences_that_count() {
        let mut literals = reaching(
            &["ad", "adv", "dv", "d", "é", "aé", "éé", "#ad", "広告", "告"],
            Reach::WordStart,
        );
        literals.extend(reaching(&["v", "dva", "#a", "é#"], Reach::Anywhere));
        let long = "d".repeat(MAX_WALK + 1);
        literals.push((long.clone(), Reach::WordStart));
        let (direct, built) = both_ways(&literals);
        // Texts from every pair and triple of pieces, so that literals
        // overlap, nest and repeat, inside words and at their starts.
        let pieces = ["a", "d", "v", "é", "#", " ", "広", "告", "adv", "1"];
        let mut texts = vec![String::new(), format!("a{long}d"), format!(" {long}")];
        for first in pieces {
            for second in pieces {
                for third in pieces {
                    texts.push(format!("{first}{second}{third}"));
                }
            }
        }
        let (mut found, mut inside_words) = (0, 0);
        for text in &texts {
            let expected = counted(&literals, text);
            assert_eq!(occurrences(&built, text), expected, "{text:?}");
            assert_eq!(occurrences(&direct, text), expected, "{text:?}");
            found += expected.len();
            inside_words += expected
                .iter()
                .filter(|(_, range)| inside_word(text.as_bytes(), range.start))
                .count();
        }
        assert!(found > 1000, "the texts hold many occurrences: {found}");
        assert!(inside_words > 100, "some count inside a word: {inside_words}");
        assert!(direct.automata.get().is_none(), "never built within its budget");
    }

    /// Many literals that share their first bytes, of every length class.
    #[test]
    fn literals_sharing_their_first_bytes_are_found_by_their_prefix() {
        let mut literals = reaching(&["z", "zq", "zq1"], Reach::WordStart);
        for i in 0..300 {
            literals.push((format!("zq{i}a"), Reach::WordStart));
            literals.push((format!("zq{i}b xk"), Reach::Anywhere));
        }
        let (direct, built) = both_ways(&literals);
        let mut found = 0;
        for text in ["zq12a x", "zq1", "zzq299b xk zq0a", "zq", "z", "xzq7", "zq30a zq300a"] {
            let expected = counted(&literals, text);
            assert_eq!(occurrences(&built, text), expected, "{text:?}");
            assert_eq!(occurrences(&direct, text), expected, "{text:?}");
            found += expected.len();
        }
        assert!(found >= 20, "{found} occurrences");
    }

    /// The literals of every term set of the built-in packs, looked up in
    /// every example of their rules, normalised as a scan does.
    #[test]
    fn both_ways_find_the_same_in_every_built_in_example() {
        use crate::engine::normalize::Normalized;
        use crate::engine::ruleset::tests::{builtin_example_texts, builtin_with_examples};

        let rules = builtin_with_examples();
        let matcher = rules.matcher(None);
        let literals = &matcher.literals;
        assert!(literals.literals.len() > 1000);
        assert!(!literals.everywhere.contains(&true), "every built-in literal is walked");
        let reaches = literals.literals.iter().map(|literal| (literal.clone(), Reach::WordStart));
        let (direct, built) = both_ways(&reaches.collect::<Vec<_>>());
        let texts = builtin_example_texts(&rules);
        assert!(texts.len() > 1000, "{} examples", texts.len());
        let mut found = 0;
        for text in &texts {
            let normalized = Normalized::new(text).text;
            let expected = occurrences(&built, &normalized);
            assert_eq!(occurrences(&direct, &normalized), expected, "{normalized:?}");
            found += expected.len();
        }
        assert!(found > 4_000, "{found} occurrences");
    }

    /// What walking only from where a word may start relies on: a term's
    /// hit that starts right after an ASCII letter or digit is never
    /// word-bounded, whatever follows.
    #[test]
    fn no_hit_inside_a_word_is_word_bounded() {
        let letters_and_digits = (0..=127u8).filter(u8::is_ascii_alphanumeric).map(char::from);
        let mut checked = 0;
        for before in letters_and_digits.clone() {
            for first in letters_and_digits.clone() {
                let text = format!("{before}{first}d é-x 広告");
                for end in (2..=text.len()).filter(|&end| text.is_char_boundary(end)) {
                    assert!(!super::super::word_bounded(&text, &(1..end)), "{text:?} 1..{end}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 30_000, "{checked} ranges");
    }

    #[test]
    fn the_automata_are_built_once_the_budget_is_spent() {
        let literals = Literals::new(reaching(&["sponsored"], Reach::WordStart));
        let text = "#sponsored by acme";
        assert_eq!(occurrences(&literals, text), [(0, 1..10)]);
        assert!(literals.automata.get().is_none(), "18 bytes scanned, budget 9");
        assert_eq!(occurrences(&literals, text), [(0, 1..10)]);
        assert!(literals.automata.get().is_some());
    }
}
