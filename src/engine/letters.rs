//! `char::is_alphabetic` and `char::is_alphanumeric` for the characters
//! captions are made of (ASCII, accented Latin letters, emoji, Greek,
//! Cyrillic, Japanese, Korean) without the Unicode table search, a few
//! hundred instructions a character, which then answers only for the rest.
//! Word boundaries, tokens and language detection ask for every character.

/// Blocks of letters only: Greek and Cyrillic lower case and basic
/// letters, kana, CJK ideographs and Hangul syllables. A test checks every
/// character of each against the Unicode tables.
const ONLY_LETTERS: [std::ops::RangeInclusive<char>; 6] = [
    '\u{03AC}'..='\u{03CE}',
    '\u{0410}'..='\u{044F}',
    '\u{3041}'..='\u{3096}',
    '\u{30A1}'..='\u{30FA}',
    '\u{4E00}'..='\u{9FFF}',
    '\u{AC00}'..='\u{D7A3}',
];

/// Blocks that hold no letter and no digit: punctuation, arrows,
/// technical and geometric symbols, emoji, variation selectors. A test
/// checks every character of each against the Unicode tables.
const NO_LETTERS_OR_DIGITS: [std::ops::RangeInclusive<char>; 5] = [
    '\u{2000}'..='\u{206F}',
    '\u{2190}'..='\u{23FF}',
    '\u{25A0}'..='\u{2775}',
    '\u{FE00}'..='\u{FE0F}',
    '\u{1F300}'..='\u{1FAFF}',
];

/// Whether `c` is alphabetic, as [`char::is_alphabetic`] says.
pub fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    known(c).unwrap_or_else(|| c.is_alphabetic())
}

/// Whether `c` is a letter or a digit, as [`char::is_alphanumeric`] says.
pub fn is_letter_or_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    known(c).unwrap_or_else(|| c.is_alphanumeric())
}

/// Whether a non-ASCII character common in captions is a letter (none of
/// them is a digit); `None` for the others.
fn known(c: char) -> Option<bool> {
    match c {
        // Latin-1 and Latin Extended-A and -B letters, but × and ÷.
        '\u{C0}'..='\u{24F}' => Some(!matches!(c, '\u{D7}' | '\u{F7}')),
        _ if NO_LETTERS_OR_DIGITS.iter().any(|block| block.contains(&c)) => Some(false),
        _ if ONLY_LETTERS.iter().any(|block| block.contains(&c)) => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agree_with_the_unicode_tables_for_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_letter_or_digit(c), c.is_alphanumeric(), "{c:?}");
        }
    }
}
