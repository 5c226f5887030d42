//! Every occurrence of every literal of a matcher in a text that a term
//! can use: only where a word may start, unless the literal says otherwise.
//!
//! The automaton finds them in one pass, but building it costs about 400
//! instructions per byte of its literals: 6.5 M for one market's, a
//! quarter of checking one draft from a cold start. Looking literals up
//! at each place by its first byte and then its first two, three or four
//! bytes (binary searches) costs more per byte of text but nothing to
//! build. So a matcher looks literals up directly until the texts it has
//! scanned hold as many bytes as its literals do, and then builds the
//! automaton: the rent-or-buy rule, which never costs much more than twice
//! the cheaper of the two. A pre-commit hook checking one draft never
//! builds it; a spreadsheet of captions builds it after a few dozen posts.
//! Both ways find the same occurrences; only their order differs, and the
//! scan sorts hits.
//!
//! A word or phrase counts only where it starts a word, and most regexes
//! start with `\b`; so the automaton is walked from each place a word may
//! start, never from inside a run of ASCII letters and digits (half the
//! bytes of the bench captions, in twenty languages), and not through the
//! failure transitions an overlapping search follows after every byte. The few literals that count
//! inside a word too, or are too long to walk from every place, get an
//! automaton of their own that searches every place.

use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::nfa::contiguous;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, MatchKind};

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
    /// By first byte, the literals that start with it.
    by_first_byte: Vec<Bucket>,
    /// Bytes of text to scan directly before the automaton is built.
    budget: usize,
    scanned: AtomicUsize,
    /// `None` inside: an automaton could not be built (more states than
    /// it can number), and no literal is found.
    automata: OnceLock<Option<Automata>>,
}

/// The built form of [`Literals`].
#[derive(Debug)]
struct Automata {
    /// The literals found where a word may start, walked from there.
    walked: contiguous::NFA,
    /// By pattern of `walked`, its literal.
    walked_literals: Vec<u32>,
    /// By byte: the state a walk from a place that holds it steps to
    /// first, dead where no walked literal starts with it. Most places do
    /// not start one (a space, the rest of a character), and are passed
    /// over in one look-up.
    first_step: [StateID; 256],
    /// By byte: [`IN_WORD`] and [`STARTS_WALK`], so that a place is passed
    /// over after one look-up.
    byte_classes: [u8; 256],
    /// The literals found everywhere (none in the built-in packs), and by
    /// pattern its literal.
    everywhere: Option<(AhoCorasick, Vec<u32>)>,
}

impl Literals {
    /// The literals, looked up directly until texts as long as all of
    /// them together have been scanned.
    pub fn new(literals: Vec<(String, Reach)>) -> Literals {
        // Looking literals up directly costs about 165 instructions more
        // per byte of text than the automaton's pass (callgrind, 2,000
        // bench posts), building the automaton about 430 per byte of its
        // literals: equal bytes keep the direct way on the cheap side.
        let budget = literals.iter().map(|(literal, _)| literal.len()).sum();
        Literals::with_budget(literals, budget)
    }

    /// The literals, looked up directly for `budget` bytes of text.
    pub fn with_budget(literals: Vec<(String, Reach)>, budget: usize) -> Literals {
        let everywhere = literals
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
        let (mut walked, mut walked_literals) = (Vec::new(), Vec::new());
        let (mut everywhere, mut everywhere_literals) = (Vec::new(), Vec::new());
        for (index, literal) in self.literals.iter().enumerate() {
            let (patterns, indices) = match self.everywhere[index] {
                true => (&mut everywhere, &mut everywhere_literals),
                false => (&mut walked, &mut walked_literals),
            };
            patterns.push(literal.as_str());
            indices.push(index as u32);
        }
        // The contiguous form is 0.4 MB instead of 1 MB for the built-in
        // literals, so it misses the cache less: 100 k posts took 0.93× the
        // wall time (8 paired runs, one job and two). A DFA took 0.87× when
        // the automaton searched the whole text; walked only from where a
        // word may start, an anchored DFA takes 1.03× (8 pairs) and is 20 MB
        // and 97 M instructions to build.
        let walked = contiguous::NFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&walked)
            .ok()?;
        let start = walked.start_state(Anchored::Yes).ok()?;
        let first_step =
            std::array::from_fn(|byte| walked.next_state(Anchored::Yes, start, byte as u8));
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
            in_word | if walked.is_dead(first_step[byte]) { 0 } else { STARTS_WALK }
        });
        Some(Automata { walked, walked_literals, first_step, byte_classes, everywhere })
    }

    fn find_directly(&self, text: &str, mut found: impl FnMut(usize, Range<usize>)) {
        let bytes = text.as_bytes();
        let some_everywhere = self.everywhere.contains(&true);
        for (start, &first) in bytes.iter().enumerate() {
            let word_start = !inside_word(bytes, start);
            if !word_start && !some_everywhere {
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
    fn find(&self, text: &str, mut found: impl FnMut(usize, Range<usize>)) {
        let bytes = text.as_bytes();
        // `inside_word` from the class of the byte before, one look-up a
        // byte: calling it at each place took 1.017× the time (8 paired
        // runs), and a look-up each for the class and the first step 1 %
        // more instructions than one.
        let mut previous = 0;
        for (start, &byte) in bytes.iter().enumerate() {
            let class = self.byte_classes[usize::from(byte)];
            let inside_word = previous & class & IN_WORD != 0;
            previous = class;
            if class & STARTS_WALK != 0 && !inside_word {
                self.walk(bytes, start, self.first_step[usize::from(byte)], &mut found);
            }
        }
        if let Some((automaton, literals)) = &self.everywhere {
            for matched in automaton.find_overlapping_iter(text) {
                let literal = literals[matched.pattern().as_usize()] as usize;
                found(literal, matched.start()..matched.end());
            }
        }
    }

    /// Walks the literals from `start`, whose first byte led to `state`.
    /// An anchored walk follows no failure transition: it stops at the
    /// first byte that no literal from `start` continues with.
    fn walk(
        &self,
        bytes: &[u8],
        start: usize,
        mut state: StateID,
        found: &mut impl FnMut(usize, Range<usize>),
    ) {
        let nfa = &self.walked;
        let mut length = 1;
        loop {
            if nfa.is_special(state) {
                if nfa.is_dead(state) {
                    return;
                }
                // A state's matches include the literals that end there but
                // start later (its suffixes), which other places report.
                for index in 0..nfa.match_len(state) {
                    let pattern = nfa.match_pattern(state, index);
                    if nfa.pattern_len(pattern) == length {
                        let literal = self.walked_literals[pattern.as_usize()] as usize;
                        found(literal, start..start + length);
                    }
                }
            }
            let Some(&byte) = bytes.get(start + length) else { return };
            state = nfa.next_state(Anchored::Yes, state, byte);
            length += 1;
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
