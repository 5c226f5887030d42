//! The scripts written without spaces between words (Chinese, Japanese,
//! Thai) or with particles glued to words (Korean): word matching and
//! language detection both need to tell them apart from Latin text.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Kana,
    Han,
    Hangul,
    Thai,
}

/// The unspaced script `c` belongs to, if any.
pub fn unspaced(c: char) -> Option<Script> {
    match c {
        '\u{0E00}'..='\u{0E7F}' => Some(Script::Thai),
        '\u{3040}'..='\u{30FF}' // hiragana, katakana
        | '\u{31F0}'..='\u{31FF}' // katakana extensions
        | '\u{FF66}'..='\u{FF9F}' => Some(Script::Kana), // half-width katakana
        '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{20000}'..='\u{2FFFF}' => Some(Script::Han),
        '\u{1100}'..='\u{11FF}' // Hangul jamo
        | '\u{3130}'..='\u{318F}' // Hangul compatibility jamo
        | '\u{AC00}'..='\u{D7FF}' => Some(Script::Hangul), // syllables, jamo extended B
        _ => None,
    }
}
