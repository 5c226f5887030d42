//! whatlang's alphabet scores of a Latin-script text: how many of its
//! letters each language's alphabet holds. whatlang looks each character up
//! by binary search among every alphabet's letters and adds up a score per
//! language of all it knows; here a character is one table look-up (ASCII)
//! or hash look-up, and only the allowed languages are scored. The
//! arithmetic and the order of the result are whatlang's, so the scores
//! are too: a test compares them.

use std::cmp::Reverse;
use std::sync::LazyLock;

use foldhash::HashMap;
use whatlang::{Lang, Script};

use super::latin::is_stop_char;

/// How many characters of `lowercase` count (all but ASCII punctuation,
/// digits and controls), and the score (0 … 1) of each language of the
/// Latin script that is `allowed`, best first.
pub fn scores(lowercase: &str, allowed: &[Lang]) -> (usize, Vec<(Lang, f64)>) {
    let alphabets = &*ALPHABETS;
    let mut seen = vec![0usize; alphabets.letters.len()];
    let mut count = 0;
    for c in lowercase.chars().filter(|&c| !is_stop_char(c)) {
        count += 1;
        if let Some(letter) = alphabets.letter(c) {
            seen[letter] += 1;
        }
    }
    // Each occurrence of a letter is worth 2 to every language whose
    // alphabet has it; a letter every language has is counted once for all.
    let mut common = 0;
    let mut by_language = vec![0usize; alphabets.languages.len()];
    for (letter, &times) in seen.iter().enumerate().filter(|(_, times)| **times > 0) {
        match alphabets.letters[letter] {
            Owners::All => common += 2 * times,
            Owners::Some(mut languages) => {
                while languages != 0 {
                    by_language[languages.trailing_zeros() as usize] += 2 * times;
                    languages &= languages - 1;
                }
            }
        }
    }
    // Room for every language at once: collected through a filter, the
    // vector would grow from four.
    let mut raw: Vec<(Lang, usize)> = Vec::with_capacity(alphabets.languages.len());
    raw.extend(
        alphabets
            .languages
            .iter()
            .zip(by_language)
            .filter(|(lang, _)| allowed.contains(lang))
            .map(|(&lang, score)| (lang, (score + common).saturating_sub(count))),
    );
    raw.sort_unstable_by_key(|(_, score)| Reverse(*score));
    let scores = raw.into_iter().map(|(lang, score)| (lang, score as f64 / count as f64)).collect();
    (count, scores)
}

/// Which of the script's languages have a letter in their alphabet.
#[derive(Debug, Clone, Copy)]
enum Owners {
    All,
    /// One bit per language, by its index in `Alphabets::languages`.
    Some(u64),
}

/// `latin_alphabets.txt`, indexed by letter.
struct Alphabets {
    /// The languages of the Latin script, in whatlang's order, which
    /// decides between equal scores.
    languages: Vec<Lang>,
    /// By letter index, the languages whose alphabet holds it.
    letters: Vec<Owners>,
    /// The index of each ASCII letter (`usize::MAX`: none), and of the others.
    ascii: [usize; 128],
    others: HashMap<char, usize>,
}

impl Alphabets {
    fn letter(&self, c: char) -> Option<usize> {
        match self.ascii.get(c as usize) {
            Some(&letter) => (letter != usize::MAX).then_some(letter),
            None => self.others.get(&c).copied(),
        }
    }

    fn parse(text: &str) -> Alphabets {
        let languages = Script::Latin.langs().to_vec();
        let mut owners: Vec<(char, Vec<Lang>)> = Vec::new();
        for (lang, letters) in super::data_lines(text) {
            for c in letters.chars() {
                match owners.iter_mut().find(|(letter, _)| *letter == c) {
                    Some((_, langs)) => langs.push(lang),
                    None => owners.push((c, vec![lang])),
                }
            }
        }
        let mut alphabets = Alphabets {
            letters: Vec::with_capacity(owners.len()),
            ascii: [usize::MAX; 128],
            others: HashMap::default(),
            languages,
        };
        for (index, (c, langs)) in owners.into_iter().enumerate() {
            let bits = langs
                .iter()
                .filter_map(|lang| alphabets.languages.iter().position(|known| known == lang))
                .fold(0u64, |bits, position| bits | 1u64.checked_shl(position as u32).unwrap_or(0));
            let all = langs.len() == alphabets.languages.len();
            alphabets.letters.push(if all { Owners::All } else { Owners::Some(bits) });
            match alphabets.ascii.get_mut(c as usize) {
                Some(slot) => *slot = index,
                None => {
                    alphabets.others.insert(c, index);
                }
            }
        }
        alphabets
    }
}

static ALPHABETS: LazyLock<Alphabets> =
    LazyLock::new(|| Alphabets::parse(include_str!("latin_alphabets.txt")));

#[cfg(test)]
mod tests {
    use super::*;
    use whatlang::dev::{FilterList, LowercaseText, alphabet_latin_calculate_scores};

    #[test]
    fn the_scripts_languages_fit_the_bits_and_every_alphabet_is_read() {
        assert!(ALPHABETS.languages.len() <= 64, "{}", ALPHABETS.languages.len());
        let read = super::super::data_lines(include_str!("latin_alphabets.txt")).count();
        assert_eq!(read, 37);
        assert!(ALPHABETS.letter('a').is_some() && ALPHABETS.letter('ő').is_some());
        assert!(ALPHABETS.letter('#').is_none() && ALPHABETS.letter('✨').is_none());
    }

    /// The letters counted and each allowed language's score, in order,
    /// to the last bit, are whatlang's, for the allowed languages of the
    /// detector and for every language.
    #[test]
    fn scores_are_whatlangs() {
        let allowed: Vec<Lang> = super::super::LANGUAGES.iter().map(|(lang, _)| *lang).collect();
        let every = Lang::all().to_vec();
        let mut compared = 0;
        for text in super::super::latin::tests::latin_texts() {
            let lowercase = LowercaseText::new(&text);
            for languages in [&allowed, &every] {
                let theirs = alphabet_latin_calculate_scores(
                    &lowercase,
                    &FilterList::allow(languages.clone()),
                );
                let (count, ours) = scores(&lowercase, languages);
                let bits = |scores: &[(Lang, f64)]| -> Vec<(Lang, u64)> {
                    scores.iter().map(|(lang, score)| (*lang, score.to_bits())).collect()
                };
                assert_eq!((count, bits(&ours)), (theirs.count, bits(&theirs.scores)), "{text:?}");
                compared += 1;
            }
        }
        assert!(compared > 20_000, "{compared}");
    }
}
