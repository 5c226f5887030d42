//! Regex terms. Most posts hold none of a regex's literals, and compiling
//! every pack regex cost a third of the start-up, so each regex is run only
//! where a literal that starts every one of its matches ("use ", "code",
//! "クーポン") occurs — found among the matcher's literals, in the same
//! pass as the words — with a search anchored there; and the regex of a
//! proven pack is compiled the first time a post needs it.

use std::ops::Range;
use std::sync::OnceLock;

use regex_automata::meta::{self, Regex};
use regex_automata::nfa::thompson::WhichCaptures;
use regex_automata::{Anchored, Input};

use super::regex_gates::{Gates, regex_gates};
use super::{SetId, TermError};

include!(concat!(env!("OUT_DIR"), "/builtin_regex_gates.rs"));

/// Compiled regexes may not grow past this (bytes), so a pack cannot make
/// every post slow.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// At most this many anchored searches per regex and field; a post where a
/// regex's gates open more often is searched whole.
const MAX_ANCHORED_SEARCHES: usize = 32;

#[derive(Debug)]
pub struct RegexTerm {
    pub set: SetId,
    pattern: String,
    /// The literals every match starts with; `None` when they cannot be
    /// listed (a leading `\d` or `.`), and the regex runs over every field.
    gates: Option<Gates>,
    /// `None` inside: a proven pattern that failed to compile, which the
    /// test suite rules out for the built-in packs.
    compiled: OnceLock<Option<Regex>>,
}

impl RegexTerm {
    /// Reads `pattern`, and compiles it now unless `proven` (a built-in
    /// pack the test suite compiles): a pack's error is reported at load.
    pub fn new(set: SetId, pattern: &str, proven: bool) -> Result<RegexTerm, TermError> {
        let built_in = BUILTIN_REGEX_GATES
            .binary_search_by(|(built_in, _)| built_in.cmp(&pattern))
            .ok()
            .filter(|_| proven)
            .map(|index| BUILTIN_REGEX_GATES[index].1);
        let gates = match built_in {
            Some(gates) => gates.map(built_in_gates),
            None => regex_gates(pattern).map_err(TermError::InvalidRegex)?,
        };
        let term =
            RegexTerm { set, pattern: pattern.to_string(), gates, compiled: OnceLock::new() };
        if !proven {
            let regex = compile(pattern, term.gates.is_some())?;
            term.compiled.set(Some(regex)).expect("a new term is not compiled yet");
        }
        Ok(term)
    }

    pub fn gates(&self) -> Option<&[String]> {
        self.gates.as_ref().map(|gates| gates.literals.as_slice())
    }

    /// Every match starts at a word boundary, so its gates count only
    /// where a word may start.
    pub fn at_word_boundary(&self) -> bool {
        self.gates.as_ref().is_some_and(|gates| gates.at_word_boundary)
    }

    fn regex(&self) -> Option<&Regex> {
        self.compiled.get_or_init(|| compile(&self.pattern, self.gates.is_some()).ok()).as_ref()
    }

    /// Every match in `text`, left to right, not overlapping.
    pub fn find_all(&self, text: &str, mut found: impl FnMut(Range<usize>)) {
        if let Some(regex) = self.regex() {
            for matched in regex.find_iter(text) {
                found(matched.range());
            }
        }
    }

    /// The matches that start at `starts` (sorted, where a gate occurs),
    /// as [`RegexTerm::find_all`] would find them. An anchored search may
    /// read to the end of the text, so past [`MAX_ANCHORED_SEARCHES`]
    /// starts one search of the whole text keeps the time linear.
    pub fn find_at(
        &self,
        text: &str,
        starts: impl ExactSizeIterator<Item = usize>,
        mut found: impl FnMut(Range<usize>),
    ) {
        if starts.len() > MAX_ANCHORED_SEARCHES {
            return self.find_all(text, found);
        }
        let Some(regex) = self.regex() else { return };
        let mut end = 0;
        for start in starts {
            if start < end {
                continue;
            }
            let input = Input::new(text).range(start..).anchored(Anchored::Yes);
            if let Some(matched) = regex.find(input) {
                end = matched.end();
                found(matched.range());
            }
        }
    }
}

/// The gates of a built-in regex as build.rs wrote them.
fn built_in_gates((literals, at_word_boundary): BuiltinGates) -> Gates {
    Gates { literals: literals.iter().map(|gate| gate.to_string()).collect(), at_word_boundary }
}

/// Only the range of a match is used, so no capture groups are compiled;
/// and a gated regex is searched where its gates occur, so its own
/// literal prefilter would only cost start-up.
fn compile(pattern: &str, gated: bool) -> Result<Regex, TermError> {
    let config = meta::Config::new()
        .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
        .which_captures(WhichCaptures::Implicit)
        .auto_prefilter(!gated);
    meta::Builder::new().configure(config).build(pattern).map_err(|error| {
        TermError::InvalidRegex(match (error.size_limit(), error.syntax_error()) {
            (Some(limit), _) => format!("Compiled regex exceeds size limit of {limit} bytes."),
            (None, Some(syntax)) => syntax.to_string(),
            (None, None) => error.to_string(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where any gate of `term` starts in `text`, as the matcher finds them.
    fn gate_starts(term: &RegexTerm, text: &str) -> Vec<usize> {
        let mut starts: Vec<usize> = term
            .gates()
            .unwrap()
            .iter()
            .flat_map(|gate| text.match_indices(gate.as_str()).map(|(at, _)| at))
            .collect();
        starts.sort_unstable();
        starts.dedup();
        starts
    }

    #[test]
    fn a_search_at_the_gates_finds_what_a_search_of_the_whole_text_finds() {
        let patterns = [
            r"(?-u:\b)(?:use|using|enter|apply|with) (?:my |the )?code:? [a-z0-9]*[0-9][a-z0-9]*(?-u:\b)",
            r"(?-u:\b)(?:discount|promo|coupon|voucher) ?codes?(?-u:\b)",
            r"(?-u:\B)@[a-z0-9_][a-z0-9_.]*[a-z0-9_]",
            r"(?:수수료|커미션)[^.!?\n]{0,40}?받(?:아|았|고)",
            r"\bmy (sister|brother)(['’]s)? (company|brand)\b",
            r"aa|a",
        ];
        let texts = [
            "use code abc1 or use my code x9y and using code ok2; promo codes, coupon code",
            "x@brand_a @b @@cc.dd. user@mail.com (@brand.) @a",
            "수수료를 받아 커미션 받았 수수료 ...받고",
            "my sister's brand and my brother company. mysister brand",
            "aaaa aaa a",
            "",
            &"use code x1 ".repeat(100),
        ];
        for pattern in patterns {
            let term = RegexTerm::new(0, pattern, false).unwrap();
            assert!(term.gates().is_some(), "{pattern} has gates");
            for text in &texts {
                let (mut whole, mut gated) = (Vec::new(), Vec::new());
                term.find_all(text, |range| whole.push(range));
                term.find_at(text, gate_starts(&term, text).into_iter(), |range| gated.push(range));
                assert_eq!(gated, whole, "{pattern} on {text:?}");
            }
        }
    }

    #[test]
    fn the_gates_build_rs_found_are_those_a_parse_gives() {
        // Every regex of the built-in packs parses where build.rs runs.
        assert!(BUILTIN_REGEX_GATES.len() >= 50, "{} regexes", BUILTIN_REGEX_GATES.len());
        for &(pattern, gates) in BUILTIN_REGEX_GATES {
            let gates = gates.map(built_in_gates);
            assert_eq!(regex_gates(pattern).unwrap(), gates, "{pattern}");
            let term = RegexTerm::new(0, pattern, true).unwrap();
            assert_eq!(term.gates, gates, "{pattern}");
        }
    }

    #[test]
    fn a_regex_opening_with_a_word_boundary_is_marked() {
        let at_word_boundary =
            |pattern| RegexTerm::new(0, pattern, false).unwrap().at_word_boundary();
        for pattern in [r"\bad", r"(?-u:\b)ad", r"\b{start}ad", r"(\bad|\bpr)x", r"\b(?:ad|pr)"] {
            assert!(at_word_boundary(pattern), "{pattern}");
        }
        for pattern in [r"ad", r"\Bad", r"(?:\bad|pr)", r"x?\bad"] {
            assert!(!at_word_boundary(pattern), "{pattern}");
        }
    }

    /// What the mark promises, for every built-in regex that has it: no
    /// match starts right after an ASCII letter or digit, where the
    /// matcher no longer looks for its gates.
    #[test]
    fn a_marked_regex_never_matches_inside_a_word() {
        let marked: Vec<RegexTerm> = BUILTIN_REGEX_GATES
            .iter()
            .map(|&(pattern, _)| RegexTerm::new(0, pattern, true).unwrap())
            .filter(RegexTerm::at_word_boundary)
            .collect();
        assert!(marked.len() >= 30, "{} of the built-in regexes", marked.len());
        let mut searched = 0;
        for term in &marked {
            for gate in term.gates().unwrap() {
                for before in ["x", "9", "é", " "] {
                    let text = format!("{before}{gate}abc1 x9y @brand to try 받아 の提供");
                    let mut found = Vec::new();
                    term.find_at(&text, std::iter::once(before.len()), |range| found.push(range));
                    let inside_word = before.as_bytes()[0].is_ascii_alphanumeric()
                        && gate.as_bytes()[0].is_ascii_alphanumeric();
                    assert!(!inside_word || found.is_empty(), "{} in {text:?}", term.pattern);
                    searched += usize::from(inside_word);
                }
            }
        }
        assert!(searched > 500, "{searched} gates searched inside a word");
    }

    #[test]
    fn a_pattern_that_may_start_anywhere_has_no_gates() {
        for pattern in [r"\d+ ?% off", r".{3}code", r"x?"] {
            assert!(RegexTerm::new(0, pattern, false).unwrap().gates().is_none(), "{pattern}");
        }
    }

    #[test]
    fn a_proven_pattern_is_compiled_when_first_needed_and_others_at_once() {
        let proven = RegexTerm::new(0, "code [a-z]+", true).unwrap();
        assert!(proven.compiled.get().is_none());
        let mut found = Vec::new();
        proven.find_all("my code abc", |range| found.push(range));
        assert_eq!(found, vec![Range { start: 3, end: 11 }]);
        assert!(proven.compiled.get().is_some());

        assert!(RegexTerm::new(0, "code [a-z]+", false).unwrap().compiled.get().is_some());
        let error = RegexTerm::new(0, r"\w{1000}\w{1000}", false).unwrap_err().to_string();
        assert!(error.contains("exceeds size limit"), "{error}");
        assert!(RegexTerm::new(0, "(", true).is_err(), "syntax is checked even when proven");
    }
}
