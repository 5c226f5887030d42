//! A small pure-Rust language guess (whatlang, trigram based) for posts that
//! do not state their language. Hashtags, mentions and links are left out,
//! since they are often English whatever the caption's language.

use std::sync::LazyLock;

use foldhash::HashMap;

use whatlang::{Detector, Lang};

use super::letters::is_letter;
use super::script::{self, Script};
use super::tokens;

mod alphabets;
mod latin;

/// Too few letters give unreliable guesses.
const MIN_LETTERS: usize = 12;

/// Bytes of a caption the detector reads.
const DETECTION_PREFIX: usize = 400;

/// The primary language subtag (`fr`) of a normalised text, when the guess
/// is reliable.
pub fn detect(normalized: &str) -> Option<String> {
    let prose = prose(normalized);
    if !enough_letters(&prose) {
        return None;
    }
    if let Some(language) = east_asian(&prose) {
        return Some(language.to_string());
    }
    function_words(&prose).or_else(|| trigrams(&prose)).map(str::to_string)
}

/// Whether enough of a normalised text is left, once the `labels` (byte
/// ranges) are taken out, to tell its language: a caption that is mostly
/// its label ("Mainos · code LUNA15", read as Spanish) says nothing of the
/// language its content is in.
pub fn detectable_without(normalized: &str, labels: &[std::ops::Range<usize>]) -> bool {
    let mut rest = String::with_capacity(normalized.len());
    let mut copied = 0;
    for label in labels {
        if let Some(before) = normalized.get(copied..label.start) {
            rest.push_str(before);
            rest.push(' ');
        }
        copied = copied.max(label.end);
    }
    rest.push_str(normalized.get(copied..).unwrap_or(""));
    enough_letters(&prose(&rest))
}

/// The text the detector reads: the first few hundred bytes (which tell the
/// language as well as the whole of a 2,200-character caption, at a
/// fraction of the cost), without hashtags, mentions and links: each
/// word's [`noise`] becomes a space.
fn prose(normalized: &str) -> std::borrow::Cow<'_, str> {
    let mut end = normalized.len().min(DETECTION_PREFIX);
    while !normalized.is_char_boundary(end) {
        end -= 1;
    }
    let text = &normalized[..end];
    let mut kept = String::new();
    let mut copied = 0;
    // Only a word holding `#`, `@`, `:` or `www.` can hold noise: the word
    // around each such place is looked at, and the others are kept
    // without a look. Normalising left one space as the only whitespace,
    // so words end at that byte.
    let bytes = text.as_bytes();
    let mut marks = memchr::memchr3_iter(b'#', b'@', b':', bytes).peekable();
    let mut links = tokens::WWW.find_iter(bytes).peekable();
    let mut looked_at = 0;
    while let Some(at) = match (marks.peek(), links.peek()) {
        (Some(&mark), Some(&link)) if link < mark => links.next(),
        (Some(_), _) => marks.next(),
        (None, _) => links.next(),
    } {
        if at < looked_at {
            continue;
        }
        let std::ops::Range { start, end } = tokens::run_around(bytes, at);
        looked_at = end;
        if let Some(noise) = noise(&bytes[start..end]) {
            if kept.is_empty() {
                // What is kept is never longer than the text.
                kept.reserve(text.len());
            }
            kept.push_str(&text[copied..start + noise]);
            kept.push(' ');
            copied = end;
        }
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    kept.push_str(&text[copied..]);
    std::borrow::Cow::Owned(kept)
}

/// Where the noise in a word (a run of non-whitespace) starts: the whole
/// word when it holds a link (`://` after something and before more);
/// else its first `#` or `@`, or `www.`, with more after it (a tag, a
/// mention, the domain of an e-mail address, a bare link). What the
/// pattern `[#@]\S+|\S+://\S+|www\.\S+` finds, by a look at each word's
/// bytes instead of a regex pass over the text (a test compares the two).
fn noise(word: &[u8]) -> Option<usize> {
    let mut first = None;
    for (at, &byte) in word.iter().enumerate() {
        let more = word.len() - at - 1;
        match byte {
            b':' if at > 0 && more > 2 && word[at..].starts_with(b"://") => return Some(0),
            b'#' | b'@' if first.is_none() && more > 0 => first = Some(at),
            b'w' if first.is_none() && more > 3 && word[at..].starts_with(b"www.") => {
                first = Some(at);
            }
            _ => {}
        }
    }
    first
}

fn enough_letters(prose: &str) -> bool {
    prose.chars().filter(|&c| is_letter(c)).take(MIN_LETTERS).count() == MIN_LETTERS
}

/// whatlang's guess among [`LANGUAGES`], when its confidence is at least
/// a half. A Latin-script text (most captions) is guessed by [`latin`],
/// which gives whatlang's answers for a fraction of the cost.
fn trigrams(prose: &str) -> Option<&'static str> {
    let script = match latin::clearly_latin(prose) {
        true => whatlang::Script::Latin,
        false => whatlang::detect_script(prose)?,
    };
    let (lang, confidence) = match script {
        whatlang::Script::Latin => latin::detect(prose, &ALLOWED)?,
        _ => DETECTOR.detect(prose).map(|info| (info.lang(), info.confidence()))?,
    };
    if confidence < 0.5 {
        return None;
    }
    two_letter(lang)
}

/// A caption whose common words are clearly of one language: a few
/// table lookups instead of a trigram guess (about 65,000 instructions
/// for a Latin-script caption). Only words that no other listed language
/// writes the same way count, and the winner needs [`FUNCTION_WORDS_MIN`]
/// of them and [`FUNCTION_WORDS_LEAD`] times the runner-up; otherwise the
/// trigrams decide.
fn function_words(prose: &str) -> Option<&'static str> {
    let mut counts = [0usize; FUNCTION_WORDS.len()];
    // Most words are longer than any function word, or empty (between two
    // characters that are not letters): neither is looked up.
    let short = |word: &&str| (1..=LONGEST_FUNCTION_WORD).contains(&word.len());
    for word in prose.split(|c: char| !is_letter(c)).filter(short) {
        if let Some(&language) = WORD_LANGUAGE.get(word) {
            counts[language] += 1;
        }
    }
    let (best, &top) = counts.iter().enumerate().max_by_key(|(_, count)| **count)?;
    let runner_up = counts.iter().enumerate().filter(|(i, _)| *i != best).map(|(_, c)| *c).max()?;
    (top >= FUNCTION_WORDS_MIN && top >= FUNCTION_WORDS_LEAD * runner_up.max(1))
        .then_some(FUNCTION_WORDS[best].0)
}

const FUNCTION_WORDS_MIN: usize = 4;
const FUNCTION_WORDS_LEAD: usize = 4;
/// The bytes of the longest word of [`FUNCTION_WORDS`] ("obrigada",
/// "también").
const LONGEST_FUNCTION_WORD: usize = 8;

/// Each function word's language, by index into [`FUNCTION_WORDS`].
static WORD_LANGUAGE: LazyLock<HashMap<&str, usize>> = LazyLock::new(|| {
    let by_language = FUNCTION_WORDS.iter().enumerate();
    by_language
        .flat_map(|(index, (_, words))| words.iter().map(move |word| (*word, index)))
        .collect()
});

/// Frequent words that only one of these languages writes so: "la", "de",
/// "en", "is", "die", "con" are left out.
const FUNCTION_WORDS: [(&str, &[&str]); 9] = [
    (
        "en",
        &[
            "about", "and", "are", "been", "but", "can", "from", "have", "just", "my", "our",
            "really", "that", "the", "this", "to", "what", "with", "you", "your",
        ],
    ),
    (
        "fr",
        &[
            "aux", "avec", "cette", "dans", "est", "et", "les", "mon", "nous", "pas", "pour",
            "sur", "très", "une", "vous",
        ],
    ),
    (
        "de",
        &[
            "auch", "auf", "der", "dich", "ein", "eine", "für", "ich", "ist", "mein", "meine",
            "mit", "nicht", "sehr", "und", "von", "wir", "zu",
        ],
    ),
    ("es", &["el", "gracias", "las", "los", "muy", "pero", "también", "y", "yo"]),
    ("it", &["anche", "che", "della", "gli", "mio", "molto", "nel", "questa", "questo", "sono"]),
    ("pt", &["isso", "minha", "muito", "não", "obrigada", "uma", "você"]),
    (
        "nl",
        &[
            "een", "het", "ik", "jullie", "maar", "met", "mijn", "niet", "ook", "van", "voor",
            "zijn",
        ],
    ),
    ("sv", &["att", "från", "för", "inte", "jag", "mycket", "och", "också", "till", "är"]),
    ("pl", &["bardzo", "dla", "jest", "jestem", "już", "mój", "moja", "nie", "się", "też", "że"]),
];

/// Japanese or Korean when their scripts outweigh Latin letters. whatlang
/// picks the script with the most characters first, and Japanese splits
/// its letters over three scripts: a few Latin words ("code LUNA15") would
/// otherwise outvote a Japanese caption. A kana, kanji or Hangul syllable
/// carries about as much as a short Latin word, so it weighs three letters.
fn east_asian(prose: &str) -> Option<&'static str> {
    // Most captions hold neither, and need no count. The bytes that may
    // start one also start other characters (U+FE0F, which follows many
    // emoji; CJK punctuation), so the character is looked at.
    let kana_or_hangul = |(at, byte)| {
        starts_kana_or_hangul(byte)
            && prose
                .get(at..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(|c| matches!(script::unspaced(c), Some(Script::Kana | Script::Hangul)))
    };
    // A first pass only looks for the bytes, with no early exit: the
    // compiler makes it a loop over many bytes at once.
    let maybe = prose.bytes().fold(false, |maybe, byte| maybe | starts_kana_or_hangul(byte));
    if !maybe || !prose.bytes().enumerate().any(kana_or_hangul) {
        return None;
    }
    east_asian_by_count(prose)
}

/// [`east_asian`] by counting every character's script.
fn east_asian_by_count(prose: &str) -> Option<&'static str> {
    let (mut kana, mut han, mut hangul, mut latin) = (0usize, 0usize, 0usize, 0usize);
    for c in prose.chars() {
        match script::unspaced(c) {
            Some(Script::Kana) => kana += 1,
            Some(Script::Han) => han += 1,
            Some(Script::Hangul) => hangul += 1,
            Some(Script::Thai) => {}
            None if c.is_ascii_alphabetic() || ('\u{C0}'..='\u{24F}').contains(&c) => latin += 1,
            None => {}
        }
    }
    const WEIGHT: usize = 3;
    if hangul > 0 && hangul * WEIGHT >= latin {
        Some("ko")
    } else if kana > 0 && (kana + han) * WEIGHT >= latin {
        Some("ja")
    } else {
        None
    }
}

/// Whether a UTF-8 byte may start a kana or Hangul character: they lie in
/// U+1100 … U+11FF, U+3040 … U+31FF, U+AC00 … U+D7FF and U+FF66 … U+FF9F.
fn starts_kana_or_hangul(byte: u8) -> bool {
    matches!(byte, 0xE1 | 0xE3 | 0xEA..=0xED | 0xEF)
}

/// The languages packs are written for, with their ISO 639-1 codes. The
/// detector considers only these: fewer candidates are both faster and
/// fewer wrong guesses (no Esperanto for a short Spanish caption).
const LANGUAGES: [(Lang, &str); 31] = [
    (Lang::Eng, "en"),
    (Lang::Fra, "fr"),
    (Lang::Deu, "de"),
    (Lang::Ita, "it"),
    (Lang::Spa, "es"),
    (Lang::Por, "pt"),
    (Lang::Nld, "nl"),
    (Lang::Swe, "sv"),
    (Lang::Dan, "da"),
    (Lang::Nob, "no"),
    (Lang::Fin, "fi"),
    (Lang::Pol, "pl"),
    (Lang::Ces, "cs"),
    (Lang::Slk, "sk"),
    (Lang::Slv, "sl"),
    (Lang::Hrv, "hr"),
    (Lang::Hun, "hu"),
    (Lang::Ron, "ro"),
    (Lang::Bul, "bg"),
    (Lang::Ell, "el"),
    (Lang::Lit, "lt"),
    (Lang::Lav, "lv"),
    (Lang::Est, "et"),
    (Lang::Jpn, "ja"),
    (Lang::Kor, "ko"),
    (Lang::Cmn, "zh"),
    (Lang::Hin, "hi"),
    (Lang::Rus, "ru"),
    (Lang::Ukr, "uk"),
    (Lang::Tur, "tr"),
    (Lang::Ara, "ar"),
];

static ALLOWED: LazyLock<Vec<Lang>> =
    LazyLock::new(|| LANGUAGES.iter().map(|(lang, _)| *lang).collect());

static DETECTOR: LazyLock<Detector> = LazyLock::new(|| Detector::with_allowlist(ALLOWED.clone()));

/// The lines of one of the data files copied from whatlang: a language's
/// ISO 639-3 code, a tab, then its data; `#` starts a comment line. A line
/// whose code whatlang does not know is skipped.
fn data_lines(text: &str) -> impl Iterator<Item = (Lang, &str)> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once('\t'))
        .filter_map(|(code, data)| Some((Lang::from_code(code)?, data)))
}

fn two_letter(lang: Lang) -> Option<&'static str> {
    LANGUAGES.iter().find(|(known, _)| *known == lang).map(|(_, code)| *code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_common_caption_languages() {
        assert_eq!(
            detect("mon sérum préféré pour l'hiver, je l'utilise tous les matins").as_deref(),
            Some("fr")
        );
        assert_eq!(
            detect("mein lieblingsserum für den winter, ich benutze es jeden morgen").as_deref(),
            Some("de")
        );
        assert_eq!(
            detect("my favourite serum for the winter, i use it every single morning").as_deref(),
            Some("en")
        );
        assert_eq!(
            detect("오늘 소개할 제품은 정말 좋은 세럼입니다 매일 아침 사용해요").as_deref(),
            Some("ko")
        );
    }

    #[test]
    fn japanese_and_korean_win_over_a_few_latin_words() {
        let japanese = "【pr】 新しい美容液がお気に入りです code luna26 code luna29 code summer15 朝のスキンケア";
        assert_eq!(detect(japanese).as_deref(), Some("ja"));
        assert_eq!(detect("광고 신상 세럼 정말 좋아요 code luna15 use it").as_deref(), Some("ko"));
        assert_eq!(
            detect("my favourite serum, 美容液, for the winter mornings").as_deref(),
            Some("en"),
            "a few kanji in an English caption"
        );
    }

    #[test]
    fn every_kana_and_hangul_character_starts_with_a_byte_the_fast_test_knows() {
        let mut buffer = [0; 4];
        let mut found = 0;
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            if matches!(script::unspaced(c), Some(Script::Kana | Script::Hangul)) {
                let first = c.encode_utf8(&mut buffer).as_bytes()[0];
                assert!(starts_kana_or_hangul(first), "{c:?} starts with {first:#x}");
                found += 1;
            }
        }
        assert!(found > 11_000, "{found}");
    }

    /// Every text of up to four pieces of kana, Hangul, kanji, Latin
    /// letters and the characters that share their first bytes (U+FE0F
    /// after an emoji, CJK punctuation, full-width letters): the look for
    /// a kana or Hangul character decides as the whole count does.
    #[test]
    fn captions_without_kana_or_hangul_are_passed_over_as_the_count_would() {
        let pieces = ["a", "가", "ᄀ", "ア", "ｱ", "中", "❤\u{FE0F}", "「", "Ａ", "ꀀ", " "];
        for text in crate::engine::every_text(&pieces, 4) {
            assert_eq!(east_asian(&text), east_asian_by_count(&text), "{text:?}");
        }
    }

    #[test]
    fn function_words_are_of_one_language_each() {
        let mut seen = std::collections::HashSet::new();
        for (_, words) in FUNCTION_WORDS {
            for word in words {
                assert!(seen.insert(*word), "{word} is listed twice");
            }
        }
        assert_eq!(WORD_LANGUAGE.len(), seen.len());
        assert_eq!(seen.iter().map(|word| word.len()).max(), Some(LONGEST_FUNCTION_WORD));
    }

    #[test]
    fn clear_function_words_decide_and_a_mix_is_left_to_the_trigrams() {
        let english = "can't wait to get home and finish that cardigan, you know what i mean";
        assert_eq!(function_words(english), Some("en"));
        assert_eq!(
            function_words("ich bin so froh, das ist mein neues serum und es ist sehr gut"),
            Some("de")
        );
        let mixed = "the serum and the cream, ich liebe es und das ist mein favorit";
        assert_eq!(function_words(mixed), None, "no clear lead");
        assert_eq!(function_words("the serum"), None, "too few words");
        assert_eq!(detect(english).as_deref(), Some("en"), "whatlang alone finds it unreliable");
    }

    /// Every text of up to five pieces of the characters the noise is made
    /// of, spaces among them, normalised as the detector's texts are: cut
    /// as the pattern it stands for cuts it.
    #[test]
    fn noise_is_cut_where_its_pattern_matches() {
        let pattern = regex::Regex::new(r"[#@]\S+|\S+://\S+|www\.\S+").unwrap();
        let pieces = ["#", "@", ":", "/", "://", "www.", "w", "é", " ", "\u{B}", "\u{3000}", "a"];
        let mut compared = 0;
        for text in crate::engine::every_text(&pieces, 5) {
            let text = crate::engine::normalize::Normalized::new(&text).text;
            assert_eq!(prose(&text), pattern.replace_all(&text, " "), "{text:?}");
            compared += 1;
        }
        assert_eq!(compared, 12 + 144 + 1_728 + 20_736 + 248_832);
    }

    #[test]
    fn enough_letters_means_the_minimum_or_more_whatever_else_is_between() {
        let letters = |count: usize| "é1 ".repeat(count);
        assert!(!enough_letters(&letters(MIN_LETTERS - 1)));
        assert!(enough_letters(&letters(MIN_LETTERS)));
        assert!(enough_letters(&letters(MIN_LETTERS * 30)));
    }

    #[test]
    fn ignores_tags_and_gives_up_on_too_little_text() {
        assert_eq!(detect("#ad #skincare ✨"), None);
        assert_eq!(detect("ok"), None);
    }
}
