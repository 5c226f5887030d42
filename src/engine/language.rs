//! A small pure-Rust language guess (whatlang, trigram based) for posts that
//! do not state their language. Hashtags, mentions and links are left out,
//! since they are often English whatever the caption's language.

use std::sync::LazyLock;

use regex::Regex;
use whatlang::Lang;

static NOISE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[#@]\S+|\S+://\S+|www\.\S+").expect("noise pattern compiles"));

/// Too few letters give unreliable guesses.
const MIN_LETTERS: usize = 12;

/// The primary language subtag (`fr`) of a normalised text, when the guess
/// is reliable.
pub fn detect(normalized: &str) -> Option<String> {
    let prose = NOISE.replace_all(normalized, " ");
    if prose.chars().filter(|c| c.is_alphabetic()).count() < MIN_LETTERS {
        return None;
    }
    let info = whatlang::detect(&prose)?;
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    Some(two_letter(info.lang())?.to_string())
}

/// ISO 639-1 codes for the languages whatlang knows and packs use.
fn two_letter(lang: Lang) -> Option<&'static str> {
    Some(match lang {
        Lang::Eng => "en",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Ita => "it",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Nld => "nl",
        Lang::Swe => "sv",
        Lang::Dan => "da",
        Lang::Nob => "no",
        Lang::Fin => "fi",
        Lang::Pol => "pl",
        Lang::Ces => "cs",
        Lang::Slk => "sk",
        Lang::Slv => "sl",
        Lang::Hrv => "hr",
        Lang::Hun => "hu",
        Lang::Ron => "ro",
        Lang::Bul => "bg",
        Lang::Ell => "el",
        Lang::Lit => "lt",
        Lang::Lav => "lv",
        Lang::Est => "et",
        Lang::Jpn => "ja",
        Lang::Kor => "ko",
        Lang::Cmn => "zh",
        Lang::Hin => "hi",
        Lang::Rus => "ru",
        Lang::Ukr => "uk",
        Lang::Tur => "tr",
        Lang::Ara => "ar",
        _ => return None,
    })
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
    fn ignores_tags_and_gives_up_on_too_little_text() {
        assert_eq!(detect("#ad #skincare ✨"), None);
        assert_eq!(detect("ok"), None);
    }
}
