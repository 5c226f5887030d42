//! whatlang's guess for a Latin-script text, computed as whatlang computes
//! it (its combined method: which alphabets the letters belong to, scored
//! in `alphabets.rs`, and how far the text's trigrams are from each
//! language's) but with the trigram distances summed from the text's
//! side. whatlang walks the 300 trigrams of each of the 22 Latin-script
//! languages and looks each up among the text's: 6,600 look-ups, about
//! 300,000 instructions whatever the text's length. An index from a
//! trigram to the languages and ranks it has in their profiles lets each of
//! the text's few hundred trigrams make one look-up. The sums are the same
//! integers and the rest is whatlang's own arithmetic in its own order, so
//! the answers are whatlang's: the tests compare them, and every distance,
//! with whatlang's.

use std::cmp::Ordering;
use std::sync::LazyLock;

use foldhash::HashMap;
use whatlang::Lang;

use super::alphabets;

/// A trigram's three characters, 21 bits each, in a number that orders as
/// the characters do.
type Trigram = u64;

/// How far a trigram can be from its rank in a profile; a trigram the
/// text lacks counts this much.
const MAX_TRIGRAM_DISTANCE: u32 = 300;
const MAX_TOTAL_DISTANCE: u32 = MAX_TRIGRAM_DISTANCE * MAX_TRIGRAM_DISTANCE;
/// The text's most frequent trigrams that are compared.
const TEXT_TRIGRAMS: usize = 600;

/// The language whatlang finds for a Latin-script text among the languages
/// `allowed` (whose Latin-script ones are those of the profiles), with its
/// confidence.
pub fn detect(text: &str, allowed: &[Lang]) -> Option<(Lang, f64)> {
    let lowercase = lowercase(text);
    let (letters, alphabet_scores) = alphabets::scores(&lowercase, allowed);
    let (trigrams, trigram_scores) = trigram_scores(&lowercase);

    let mut languages: Vec<Lang> = alphabet_scores.iter().map(|(lang, _)| *lang).collect();
    for (lang, _) in &trigram_scores {
        if !languages.contains(lang) {
            languages.push(*lang);
        }
    }
    let alphabet_weight = (2.0 / 3.0 - letters as f64 / 300.0).clamp(1.0 / 3.0, 2.0 / 3.0);
    let trigram_weight = 1.0 - alphabet_weight;
    let score_in = |scores: &[(Lang, f64)], lang: Lang| {
        scores.iter().find(|(known, _)| *known == lang).map_or(0.0, |(_, score)| *score)
    };
    let mut scores: Vec<(Lang, f64)> = languages
        .into_iter()
        .map(|lang| {
            let alphabet = score_in(&alphabet_scores, lang);
            let trigram = score_in(&trigram_scores, lang);
            (lang, alphabet * alphabet_weight + trigram * trigram_weight)
        })
        .collect();
    scores.sort_unstable_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(Ordering::Less));

    let (lang, best) = *scores.first()?;
    let confidence = scores.get(1).map_or(1.0, |&(_, second)| confidence(best, second, trigrams));
    Some((lang, confidence))
}

/// `text.to_lowercase()`, with its runs of ASCII lowered in bulk: the
/// standard one lowers a character at a time once it has met one beyond
/// ASCII (most captions hold an accent or an emoji early on). Only a capital
/// sigma lowers by what follows it; a text with one is left to the
/// standard one.
fn lowercase(text: &str) -> String {
    if text.contains('Σ') {
        return text.to_lowercase();
    }
    let mut lowered = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest.bytes().position(|byte| !byte.is_ascii()).unwrap_or(rest.len());
        let start = lowered.len();
        lowered.push_str(&rest[..ascii]);
        lowered[start..].make_ascii_lowercase();
        let mut chars = rest[ascii..].chars();
        if let Some(c) = chars.next() {
            lowered.extend(c.to_lowercase());
        }
        rest = chars.as_str();
    }
    lowered
}

/// Whether whatlang finds `text` to be of the Latin script, when its bytes
/// alone make that clear: it holds more ASCII letters and characters of
/// U+0080 … U+027F (all of which whatlang counts as Latin) than other
/// non-ASCII characters (at least as many as whatlang counts for any other
/// script). Two counts of bytes instead of whatlang's look at each
/// character's script (about 6,600 instructions for a caption).
pub fn clearly_latin(text: &str) -> bool {
    // A byte of 0xC2 … 0xC9 starts a character of U+0080 … U+027F, one of
    // 0xCA or more a character past it.
    let latin =
        bytes_where(text, |byte| byte.is_ascii_alphabetic() || (0xC2..=0xC9).contains(&byte));
    latin > bytes_where(text, |byte| byte >= 0xCA)
}

/// How many bytes of `text` are `counted`. Each run of up to 255 bytes is
/// counted in a byte, which lets the compiler count 16 bytes at once:
/// counted in a `usize`, it took two at a time.
fn bytes_where(text: &str, counted: impl Fn(u8) -> bool) -> usize {
    let runs = text.as_bytes().chunks(usize::from(u8::MAX));
    let count_run =
        |run: &[u8]| run.iter().fold(0u8, |count, &byte| count + u8::from(counted(byte)));
    runs.map(|run| usize::from(count_run(run))).sum()
}

/// How sure the best score is over the second, given how many trigrams or
/// letters they rest on.
fn confidence(best: f64, second: f64, count: usize) -> f64 {
    if best == 0.0 {
        return 0.0;
    }
    if second == 0.0 {
        return best;
    }
    let confident_rate = (3.0 / count as f64) + 0.015;
    let rate = (best - second) / second;
    if rate > confident_rate { 1.0 } else { rate / confident_rate }
}

/// The number of distinct trigrams compared, and each profile's score
/// (0 far … 1 near), best first.
fn trigram_scores(lowercase: &str) -> (usize, Vec<(Lang, f64)>) {
    let (count, mut by_distance) = distances(lowercase);
    by_distance.sort_unstable_by_key(|(_, distance)| *distance);
    let max_distance = count as u32 * MAX_TRIGRAM_DISTANCE;
    let scores = by_distance
        .into_iter()
        .map(|(lang, distance)| {
            (lang, f64::from(max_distance - distance) / f64::from(max_distance))
        })
        .collect();
    (count, scores)
}

/// The number of distinct trigrams compared, and each profile's distance
/// from them, in the profiles' order.
fn distances(lowercase: &str) -> (usize, Vec<(Lang, u32)>) {
    let ranked = ranked_trigrams(lowercase);
    let profiles = &*PROFILES;
    let mut distances: Vec<u32> =
        profiles.sizes.iter().map(|size| size * MAX_TRIGRAM_DISTANCE).collect();
    for (rank, trigram) in ranked.iter().enumerate() {
        for &(language, at) in profiles.by_trigram.get(trigram).into_iter().flatten() {
            let distance = &mut distances[usize::from(language)];
            *distance = *distance - MAX_TRIGRAM_DISTANCE + (rank as u32).abs_diff(u32::from(at));
        }
    }
    let count = ranked.len() as u32;
    let by_language = profiles.languages.iter().zip(distances).map(|(&lang, mut distance)| {
        // A text of fewer trigrams than a profile cannot match most of it:
        // the trigrams it could not have are not held against it. At most
        // `count` of a profile's (distinct) trigrams match, so the others
        // leave at least this much to take off.
        if MAX_TRIGRAM_DISTANCE > count {
            distance =
                distance.saturating_sub((MAX_TRIGRAM_DISTANCE - count) * MAX_TRIGRAM_DISTANCE);
        }
        (lang, distance.min(MAX_TOTAL_DISTANCE))
    });
    (ranked.len(), by_language.collect())
}

/// The text's distinct trigrams, most frequent first (ties: the greater
/// trigram first), at most [`TEXT_TRIGRAMS`]. Punctuation and digits count
/// as spaces, the text is read as if a space stood before and after it, and
/// a trigram whose middle is a space counts only between two letters.
fn ranked_trigrams(lowercase: &str) -> Vec<Trigram> {
    let mut counts: HashMap<Trigram, u32> = HashMap::default();
    counts.reserve(lowercase.len() + 1);
    let mut chars = lowercase.chars().map(|c| if is_stop_char(c) { ' ' } else { c });
    let (mut first, mut second) = (' ', chars.next().unwrap_or(' '));
    for third in chars.chain([' ']) {
        if !(second == ' ' && (first == ' ' || third == ' ')) {
            *counts.entry(pack(first, second, third)).or_default() += 1;
        }
        (first, second) = (second, third);
    }
    let mut counted: Vec<(u32, Trigram)> =
        counts.into_iter().map(|(trigram, count)| (count, trigram)).collect();
    counted.sort_unstable_by(|a, b| b.cmp(a));
    counted.into_iter().take(TEXT_TRIGRAMS).map(|(_, trigram)| trigram).collect()
}

/// What whatlang reads as a space: ASCII punctuation, digits and controls.
pub(super) fn is_stop_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{40}' | '\u{5B}'..='\u{60}' | '\u{7B}'..='\u{7E}')
}

fn pack(first: char, second: char, third: char) -> Trigram {
    (u64::from(first) << 42) | (u64::from(second) << 21) | u64::from(third)
}

/// The profiles of `latin_trigrams.txt`, indexed by trigram.
struct Profiles {
    /// In whatlang's order, which decides between equal distances.
    languages: Vec<Lang>,
    /// Trigrams in each profile.
    sizes: Vec<u32>,
    /// Each trigram's places: the language (an index into `languages`)
    /// and its rank in that language's profile.
    by_trigram: HashMap<Trigram, Vec<(u8, u16)>>,
}

static PROFILES: LazyLock<Profiles> =
    LazyLock::new(|| Profiles::parse(include_str!("latin_trigrams.txt")));

impl Profiles {
    fn parse(text: &str) -> Profiles {
        let mut profiles =
            Profiles { languages: Vec::new(), sizes: Vec::new(), by_trigram: HashMap::default() };
        for (lang, trigrams) in super::data_lines(text) {
            let language = profiles.languages.len() as u8;
            let mut size = 0;
            for (rank, trigram) in trigrams.split('|').enumerate() {
                let mut chars = trigram.chars();
                let (Some(a), Some(b), Some(c)) = (chars.next(), chars.next(), chars.next()) else {
                    continue;
                };
                profiles.by_trigram.entry(pack(a, b, c)).or_default().push((language, rank as u16));
                size += 1;
            }
            profiles.languages.push(lang);
            profiles.sizes.push(size);
        }
        profiles
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::engine::ruleset::tests::{builtin_example_texts, builtin_with_examples};
    use whatlang::dev::{LowercaseText, RawLangInfo, raw_detect};

    /// Texts to compare with whatlang: the real posts of the regulator
    /// tests, every example of the built-in rules, each also cut short
    /// (few trigrams, where the alphabets weigh most and distances tie),
    /// and pseudo-random strings of letters, accents and punctuation.
    fn texts() -> Vec<String> {
        let mut texts = Vec::new();
        let regulator_posts = [
            include_str!("../../../tests/regulators/posts.jsonl"),
            include_str!("../../../tests/regulators/instagram_captions.jsonl"),
            include_str!("../../../tests/regulators/youtube_sentences.jsonl"),
        ];
        for line in regulator_posts.iter().flat_map(|posts| posts.lines()) {
            let post: serde_json::Value = serde_json::from_str(line).unwrap();
            texts.push(post["text"].as_str().unwrap().to_string());
        }
        texts.extend(builtin_example_texts(&builtin_with_examples()));
        // Long texts, of more distinct trigrams than are compared.
        let every_char: Vec<char> = texts.join(" ").chars().collect();
        texts.extend(every_char.chunks(8_000).map(|chunk| chunk.iter().collect::<String>()));
        let cut: Vec<String> = texts
            .iter()
            .flat_map(|text| [12, 40, 120].map(|chars| text.chars().take(chars).collect()))
            .collect();
        texts.extend(cut);
        let pieces =
            ["a", "e", "o", "n", "s", "t", "é", "ä", "ø", "ą", "ş", "ő", " ", "-", "th", "ij"];
        let mut state = 7u64;
        for _ in 0..3_000 {
            let mut text = String::new();
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            for _ in 0..(state >> 59) + 1 {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                text.push_str(pieces[(state >> 60) as usize]);
            }
            texts.push(text);
        }
        texts
    }

    pub(in crate::engine::language) fn latin_texts() -> Vec<String> {
        let texts = texts();
        let latin: Vec<String> = texts
            .into_iter()
            .filter(|text| whatlang::detect_script(text) == Some(whatlang::Script::Latin))
            .collect();
        assert!(latin.len() > 10_000, "{} Latin-script texts", latin.len());
        latin
    }

    #[test]
    fn the_profiles_are_those_of_the_latin_script_languages_the_detector_allows() {
        let allowed: Vec<Lang> = super::super::LANGUAGES
            .iter()
            .map(|(lang, _)| *lang)
            .filter(|lang| whatlang::Script::Latin.langs().contains(lang))
            .collect();
        let mut profiles = PROFILES.languages.clone();
        profiles.sort_by_key(|lang| lang.code());
        let mut expected = allowed;
        expected.sort_by_key(|lang| lang.code());
        assert_eq!(profiles, expected);
        assert!(PROFILES.sizes.iter().all(|&size| size == MAX_TRIGRAM_DISTANCE));
        let places: usize = PROFILES.by_trigram.values().map(Vec::len).sum();
        assert_eq!(places, 22 * 300);
        for places in PROFILES.by_trigram.values() {
            let mut languages: Vec<u8> = places.iter().map(|(language, _)| *language).collect();
            languages.dedup();
            assert_eq!(languages.len(), places.len(), "a trigram twice in one profile");
        }
    }

    #[test]
    fn texts_are_lowered_as_the_standard_lowers_them() {
        let pieces = ["a", "Q", "É", "é", "İ", "ẞ", "ǅ", "Σ", "Ω", "🙂", " ", "1"];
        for text in crate::engine::every_text(&pieces, 4).into_iter().chain(texts()) {
            assert_eq!(lowercase(&text), text.to_lowercase(), "{text:?}");
        }
    }

    /// A text the bytes call clearly Latin is one whatlang calls Latin, and
    /// most Latin-script texts are clearly so.
    #[test]
    fn clearly_latin_texts_are_latin_to_whatlang() {
        let pieces = ["a", "Z", "é", "ʀ", "ʰ", "ж", "α", "中", "ア", "가", "ب", "🙂", " ", "1"];
        for text in crate::engine::every_text(&pieces, 4) {
            if clearly_latin(&text) {
                let script = whatlang::detect_script(&text);
                assert_eq!(script, Some(whatlang::Script::Latin), "{text:?}");
            }
        }
        let (mut clear, mut latin) = (0, 0);
        for text in texts() {
            let script = whatlang::detect_script(&text);
            if clearly_latin(&text) {
                assert_eq!(script, Some(whatlang::Script::Latin), "{text:?}");
                clear += 1;
            }
            latin += usize::from(script == Some(whatlang::Script::Latin));
        }
        assert!(clear * 10 > latin * 9, "{clear} of {latin} Latin-script texts");
    }

    /// Each language's distance from each text is whatlang's: the profiles
    /// are its profiles and the sums its sums.
    #[test]
    fn every_distance_is_whatlangs() {
        let mut compared = 0;
        for text in latin_texts() {
            let RawLangInfo::MultiScript(combined) = raw_detect(&text).lang_info.unwrap() else {
                panic!("{text:?} is not read as a Latin-script text");
            };
            let theirs = &combined.trigram_raw_outcome;
            let (count, ours) = distances(&LowercaseText::new(&text));
            assert_eq!(count, theirs.trigrams_count, "{text:?}");
            for (lang, distance) in ours {
                let their = theirs.raw_distances.iter().find(|(known, _)| *known == lang);
                assert_eq!(Some(distance), their.map(|(_, d)| *d), "{lang:?} for {text:?}");
                compared += 1;
            }
        }
        assert!(compared > 250_000, "{compared}");
    }

    /// The language and its confidence, to the last bit, are whatlang's.
    #[test]
    fn answers_are_whatlangs() {
        let allowed = &*super::super::ALLOWED;
        let mut languages = std::collections::BTreeSet::new();
        for text in latin_texts() {
            let ours = detect(&text, allowed);
            let theirs = super::super::DETECTOR.detect(&text);
            let theirs = theirs.map(|info| (info.lang(), info.confidence()));
            assert_eq!(
                ours.map(|(lang, c)| (lang, c.to_bits())),
                theirs.map(|(lang, c)| (lang, c.to_bits())),
                "{text:?}"
            );
            languages.extend(ours.map(|(lang, _)| lang.code()));
        }
        assert!(languages.len() >= 15, "{languages:?}");
    }
}
