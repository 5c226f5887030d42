//! Matching-oriented normalisation: NFKC, lower case, zero-width characters
//! dropped and whitespace runs folded to one space — with a map from every
//! normalised byte back to the original text, so spans always point at the
//! real characters.

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Characters that render as nothing and are used to dodge keyword filters.
pub fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{180E}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// A normalised copy of one field's text.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    pub text: String,
    /// For each byte of `text`: the original byte range it came from.
    origin: Vec<(u32, u32)>,
    original_len: usize,
    /// The original held a zero-width character (dropped here): without
    /// one, no match needed any ignored.
    pub zero_width: bool,
}

impl Normalized {
    pub fn new(original: &str) -> Normalized {
        let mut out = Normalized {
            text: String::with_capacity(original.len()),
            origin: Vec::with_capacity(original.len()),
            original_len: original.len(),
            zero_width: false,
        };
        let mut folded = String::new();
        let mut at = 0;
        while at < original.len() {
            // Most of a caption: runs of ASCII (copied without decoding)
            // and of characters folding leaves alone, with no combining
            // mark after them.
            let run_end = match original.as_bytes()[at].is_ascii() {
                true => out.push_ascii_run(original, at),
                false => out.push_stable_run(original, at),
            };
            at = if run_end > at { run_end } else { out.push_any_unit(original, at, &mut folded) };
        }
        out
    }

    /// The ASCII characters from `at`, lower-cased, each whitespace run
    /// folded to one space, up to the first non-ASCII character (or to the
    /// ASCII byte before it, when that character [`joins_previous`]).
    /// Returns where they end. The pieces between bytes that stop one
    /// ([`next_stop`]: above ASCII, below the space, a space after a
    /// space) are copied, lower-cased and mapped in bulk.
    fn push_ascii_run(&mut self, original: &str, at: usize) -> usize {
        let bytes = original.as_bytes();
        let mut piece = at;
        let mut from = at;
        loop {
            let space_before =
                if from > piece { bytes[from - 1] == b' ' } else { self.text.ends_with(' ') };
            let stop = next_stop(bytes, from, space_before);
            match bytes.get(stop) {
                None => {
                    self.push_ascii_piece(&original[piece..], piece);
                    return stop;
                }
                Some(byte) if !byte.is_ascii() => {
                    let joins = original[stop..].chars().next().is_some_and(joins_previous);
                    let end = if joins && stop > piece { stop - 1 } else { stop };
                    self.push_ascii_piece(&original[piece..end], piece);
                    return end;
                }
                Some(b'\t'..=b'\r' | b' ') => {
                    self.push_ascii_piece(&original[piece..stop], piece);
                    self.push_space(stop, stop + 1);
                    piece = stop + 1;
                }
                // Other control characters are copied as they are.
                Some(_) => {}
            }
            from = stop + 1;
        }
    }

    fn push_ascii_piece(&mut self, piece: &str, offset: usize) {
        let start = self.text.len();
        self.text.push_str(piece);
        self.text[start..].make_ascii_lowercase();
        let end = offset + piece.len();
        match (u32::try_from(offset), u32::try_from(end)) {
            (Ok(offset), Ok(end)) => self.origin.extend((offset..end).map(|at| (at, at + 1))),
            _ => self.origin.extend((offset..end).map(|at| (to_u32(at), to_u32(at + 1)))),
        }
    }

    /// The characters from `at` that are each a unit alone and left as
    /// they are (most of a caption outside ASCII: Hangul, kana, kanji,
    /// lower-case accented letters, emoji), copied without the checks of
    /// [`Self::push_any_unit`]. Returns where they end: before the first
    /// other character, or before the last of them when the character
    /// after it joins it.
    fn push_stable_run(&mut self, original: &str, at: usize) -> usize {
        let (mut end, mut last_width) = (at, 0);
        for c in original[at..].chars() {
            if !is_in_folding_stable_block(c) {
                if joins_previous(c) {
                    // The last character and the marks after it normalise
                    // together, every check made.
                    end -= last_width;
                    self.origin.truncate(self.origin.len() - last_width);
                }
                break;
            }
            last_width = c.len_utf8();
            let range = (to_u32(end), to_u32(end + last_width));
            self.origin.extend(std::iter::repeat_n(range, last_width));
            end += last_width;
        }
        self.text.push_str(&original[at..end]);
        end
    }

    /// Normalises the character at `start` together with the marks that
    /// follow it, and returns where the next character starts.
    fn push_any_unit(&mut self, original: &str, start: usize, folded: &mut String) -> usize {
        let mut chars = original[start..].chars();
        let Some(c) = chars.next() else { return original.len() };
        let mut end = start + c.len_utf8();
        if is_zero_width(c) {
            self.zero_width = true;
            return end;
        }
        if c.is_whitespace() {
            self.push_space(start, end);
            return end;
        }
        // A base character and the marks after it normalise together, so
        // "e" + U+0301 composes to "é", half-width ﾌﾟ to プ and decomposed
        // Hangul (as macOS pastes it) to 광.
        // Zero-width characters between the marks are part of the unit and
        // dropped from it, so the marks around them normalise together, as
        // they will when the text is normalised again without them.
        let base_end = end;
        for mark in chars.take_while(|&mark| joins_previous(mark)) {
            self.zero_width |= is_zero_width(mark);
            end += mark.len_utf8();
        }
        let unit = &original[start..end];
        if end == base_end && is_unchanged_by_folding(c) {
            // Emoji, CJK, lower-case accented letters: copied as they are.
            self.push_str(unit, start, end);
        } else {
            folded.clear();
            // NFKC again after lower-casing: `İ` lowers to `i` + U+0307, whose
            // marks NFKC may reorder, so a second pass would change them.
            let visible = unit.chars().filter(|&c| !is_zero_width(c));
            folded.extend(visible.nfkc().flat_map(char::to_lowercase).nfkc());
            self.push_folded(folded, start, end);
        }
        end
    }

    /// Whitespace runs fold to one space.
    fn push_space(&mut self, start: usize, end: usize) {
        if !self.text.ends_with(' ') {
            self.push_byte(b' ', start, end);
        }
    }

    /// What NFKC made of one unit: a space it produced (U+00AF `¯` becomes
    /// a space and a combining macron) folds into a run like any other, so
    /// normalising twice changes nothing.
    fn push_folded(&mut self, folded: &str, start: usize, end: usize) {
        let mut rest = folded;
        while let Some(space) = rest.find(char::is_whitespace) {
            self.push_str(&rest[..space], start, end);
            self.push_space(start, end);
            let width = rest[space..].chars().next().map_or(1, char::len_utf8);
            rest = &rest[space + width..];
        }
        self.push_str(rest, start, end);
    }

    fn push_byte(&mut self, byte: u8, start: usize, end: usize) {
        self.text.push(char::from(byte));
        self.origin.push((to_u32(start), to_u32(end)));
    }

    fn push_str(&mut self, piece: &str, start: usize, end: usize) {
        self.text.push_str(piece);
        let range = (to_u32(start), to_u32(end));
        self.origin.extend(std::iter::repeat_n(range, piece.len()));
    }

    /// Maps a byte range of the normalised text to the original text.
    pub fn original_range(&self, range: Range<usize>) -> Range<usize> {
        if range.start >= self.origin.len() {
            return self.original_len..self.original_len;
        }
        let start = self.origin[range.start].0 as usize;
        let end = if range.end > range.start {
            self.origin[(range.end - 1).min(self.origin.len() - 1)].1 as usize
        } else {
            start
        };
        start..end
    }

    /// The original text between the characters around a normalised range:
    /// unlike [`Self::original_range`], it covers a whole whitespace run that
    /// was folded into one space.
    pub fn original_gap(&self, range: Range<usize>) -> Range<usize> {
        let start = match range.start.checked_sub(1).and_then(|last| self.origin.get(last)) {
            Some(&(_, end)) => end as usize,
            None => 0,
        };
        let end =
            self.origin.get(range.end).map_or(self.original_len, |&(start, _)| start as usize);
        start..end.max(start)
    }
}

/// The first byte from `from` that ends a piece of ASCII copied in bulk: one
/// above ASCII, a control character (whitespace among them), or a space
/// after a space (`space_before` says whether the byte before `from`
/// counts as one). Found eight bytes at a time: most pieces are words and
/// the single spaces between them.
fn next_stop(bytes: &[u8], from: usize, space_before: bool) -> usize {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    const LOW_BITS: u64 = !HIGH_BITS;
    const SPACES: u64 = 0x2020_2020_2020_2020;
    let mut space_before = space_before;
    let mut words = bytes[from..].chunks_exact(8);
    for (index, word) in words.by_ref().enumerate() {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let above_ascii = word & HIGH_BITS;
        // Adding 0x60 to a byte's low seven bits reaches its high bit from
        // 0x20 on, and carries into no other byte.
        let below_space = !((word & LOW_BITS) + 0x6060_6060_6060_6060) & HIGH_BITS;
        let not_space = word ^ SPACES;
        let space = !(((not_space & LOW_BITS) + LOW_BITS) | not_space) & HIGH_BITS;
        let after_space = (space << 8) | if space_before { 0x80 } else { 0 };
        let stops = above_ascii | below_space | (space & after_space);
        if stops != 0 {
            return from + index * 8 + stops.trailing_zeros() as usize / 8;
        }
        space_before = word >> 56 == u64::from(b' ');
    }
    let tail = bytes.len() - words.remainder().len();
    let stops = |(at, &byte): (usize, &u8)| {
        let before = if at == 0 { space_before } else { bytes[tail + at - 1] == b' ' };
        !byte.is_ascii() || byte < b' ' || byte == b' ' && before
    };
    words.remainder().iter().enumerate().position(stops).map_or(bytes.len(), |at| tail + at)
}

/// Whether `c` belongs to the unit of the character before it: a mark
/// that composes with it, or a zero-width character (dropped) before one.
fn joins_previous(c: char) -> bool {
    // Below U+0300 only the soft hyphen does: ASCII and Latin-1 letters
    // need no look-up.
    if c < '\u{300}' {
        return c == '\u{AD}';
    }
    is_zero_width(c) || composes_with_previous(c)
}

/// Whether NFKC and lower-casing leave a character on its own as it is.
fn is_unchanged_by_folding(c: char) -> bool {
    if is_in_folding_stable_block(c) {
        return true;
    }
    let mut lower = c.to_lowercase();
    lower.next() == Some(c)
        && lower.next().is_none()
        && is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes
}

/// Whether `c` is in one of the [`FOLDING_STABLE_BLOCKS`].
fn is_in_folding_stable_block(c: char) -> bool {
    FOLDING_STABLE_BLOCKS.iter().any(|block| block.contains(&c))
}

/// Blocks common in captions whose every character NFKC and lower-casing
/// leave as it is, and none of which joins the character before it: emoji,
/// symbols, lower-case Latin-1 and its middle dot (a separator: "Ad ·
/// …"), Greek and Cyrillic, kana with the prolonged sound mark, CJK and
/// Hangul.
/// They skip the NFKC quick-check table, a long `match`; a test checks each
/// character against the tables.
const FOLDING_STABLE_BLOCKS: [std::ops::RangeInclusive<char>; 10] = [
    '\u{1F300}'..='\u{1FAFF}',
    '\u{2600}'..='\u{27BF}',
    '\u{00DF}'..='\u{00FF}',
    '\u{00B7}'..='\u{00B7}',
    '\u{03AC}'..='\u{03CE}',
    '\u{0430}'..='\u{045F}',
    '\u{3041}'..='\u{3096}',
    '\u{30A1}'..='\u{30FC}',
    '\u{4E00}'..='\u{9FFF}',
    '\u{AC00}'..='\u{D7A3}',
];

/// Characters that NFKC merges into the character before them.
fn composes_with_previous(c: char) -> bool {
    is_combining_mark(c)
        || matches!(c,
            '\u{FF9E}' | '\u{FF9F}'      // half-width katakana voicing marks
            | '\u{1160}'..='\u{11FF}'    // Hangul medial vowels and final consonants
            // Compatibility and half-width Hangul vowels: NFKC makes them
            // medial vowels, which compose with the consonant before them.
            | '\u{314F}'..='\u{3164}'
            | '\u{3187}'..='\u{318E}'
            | '\u{FFC2}'..='\u{FFDC}'
            | '\u{D7B0}'..='\u{D7FF}')
}

fn to_u32(offset: usize) -> u32 {
    // Posts are far below 4 GiB; saturate rather than panic on absurd input.
    u32::try_from(offset).unwrap_or(u32::MAX)
}

/// Normalises a term the same way as post text (for building patterns).
pub fn normalize_term(term: &str) -> String {
    let term = term.trim();
    // Most terms are written normalised already: lower-case ASCII words
    // with single spaces. Building the matcher normalises thousands.
    let normal = !term.contains("  ")
        && term
            .bytes()
            .all(|byte| byte == b' ' || byte.is_ascii_graphic() && !byte.is_ascii_uppercase());
    if normal {
        return term.to_string();
    }
    Normalized::new(term).text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text of up to six pieces from ASCII letters, whitespace, a
    /// control character, a precomposed accent and a zero-width space (which
    /// leaves a space before a run): copied in bulk, each
    /// run of ASCII comes out as it does character by character.
    #[test]
    fn ascii_runs_copied_in_bulk_equal_character_by_character() {
        let pieces = ["a", "B", " ", "\t", "\n", "\u{1}", "é", "\u{200B}"];
        let mut texts = vec![String::new()];
        for _ in 0..6 {
            let longer: Vec<String> = texts
                .iter()
                .filter(|text| text.chars().count() == texts.last().unwrap().chars().count())
                .flat_map(|text| pieces.iter().map(move |piece| format!("{text}{piece}")))
                .collect();
            texts.extend(longer);
        }
        assert!(texts.len() > 250_000, "{}", texts.len());
        for original in &texts {
            let (mut text, mut origin) = (String::new(), Vec::<(u32, u32)>::new());
            // The bytes of the last character written, when a zero-width
            // character after it joins it (it does after all but spaces).
            let mut joins: Option<usize> = None;
            for (at, c) in original.char_indices() {
                let end = (at + c.len_utf8()) as u32;
                if is_zero_width(c) {
                    if let Some(bytes) = joins {
                        let last = origin.len() - bytes;
                        origin[last..].iter_mut().for_each(|range| range.1 = end);
                    }
                    continue;
                }
                joins = None;
                if c.is_whitespace() {
                    if text.ends_with(' ') {
                        continue;
                    }
                    text.push(' ');
                } else {
                    text.push(c.to_ascii_lowercase());
                    joins = Some(c.len_utf8());
                }
                origin.extend(std::iter::repeat_n((at as u32, end), c.len_utf8()));
            }
            let normalized = Normalized::new(original);
            assert_eq!((&normalized.text, &normalized.origin), (&text, &origin), "{original:?}");
        }
    }

    /// Every text of up to four pieces, zero-width characters alone, after
    /// a letter, between combining marks and inside an emoji sequence:
    /// the text says it held one exactly when it did.
    #[test]
    fn a_text_knows_whether_it_held_a_zero_width_character() {
        let pieces =
            ["a", " ", "é", "\u{301}", "\u{200B}", "\u{200D}", "\u{AD}", "\u{FEFF}", "👩", "ﾌ", "ﾟ"];
        let mut held = 0;
        for text in crate::engine::every_text(&pieces, 4) {
            let holds = text.chars().any(is_zero_width);
            assert_eq!(Normalized::new(&text).zero_width, holds, "{text:?}");
            held += usize::from(holds);
        }
        assert!(held > 10_000, "{held}");
    }

    #[test]
    fn terms_written_normalised_are_kept_as_they_are() {
        for term in
            ["earn a commission", "#ad", "  ad  ", "Paid", "a  b", "a\tb", "café", "x\u{200B}y"]
        {
            assert_eq!(normalize_term(term), Normalized::new(term.trim()).text, "{term:?}");
        }
    }

    /// Every text of up to four pieces from ASCII, whitespace, characters
    /// of the stable blocks and beside them, marks, jamo, half-width kana
    /// and zero-width characters: with the shortcuts for ASCII runs and
    /// for characters alone in their unit, it comes out as when every
    /// unit takes every check.
    #[test]
    fn shortcuts_give_what_every_check_gives() {
        let pieces = [
            "a", "B", " ", "\n", "\u{1}", "é", "É", "ł", "Ł", "İ", "\u{301}", "\u{200B}", "\u{AD}",
            "가", "\u{1100}", "\u{1161}", "ﾌ", "ﾟ", "😀", "\u{FE0F}", "中", "ω", "Я", "ｱ",
            "\u{3000}", "·", "ー",
        ];
        let texts = crate::engine::every_text(&pieces, 4);
        assert!(texts.len() > 500_000, "{}", texts.len());
        for original in &texts {
            let mut every_check = Normalized { original_len: original.len(), ..Default::default() };
            let (mut at, mut folded) = (0, String::new());
            while at < original.len() {
                at = every_check.push_any_unit(original, at, &mut folded);
            }
            let shortcut = Normalized::new(original);
            assert_eq!(
                (&shortcut.text, &shortcut.origin, shortcut.zero_width),
                (&every_check.text, &every_check.origin, every_check.zero_width),
                "{original:?}"
            );
        }
    }

    /// Every text of up to nine bytes of a letter, a space, a control
    /// character and a byte above ASCII, from every place, with
    /// and without a space before: the stop found eight bytes at a time is
    /// the one a byte at a time finds.
    #[test]
    fn stops_found_by_words_are_those_found_by_bytes() {
        let texts = crate::engine::every_byte_text(&[b"a", b" ", b"\x01", b"\xC3"], 9);
        assert!(texts.len() > 300_000, "{}", texts.len());
        for bytes in &texts {
            for from in 0..=bytes.len() {
                for space_before in [false, true] {
                    let stops = |at: usize| {
                        let before = if at == from { space_before } else { bytes[at - 1] == b' ' };
                        !bytes[at].is_ascii() || bytes[at] < b' ' || bytes[at] == b' ' && before
                    };
                    let by_bytes = (from..bytes.len()).find(|&at| stops(at)).unwrap_or(bytes.len());
                    assert_eq!(next_stop(bytes, from, space_before), by_bytes, "{bytes:?} {from}");
                }
            }
        }
    }

    #[test]
    fn folding_stable_blocks_hold_only_characters_folding_leaves_alone() {
        for c in FOLDING_STABLE_BLOCKS.iter().flat_map(|block| block.clone()) {
            assert!(!joins_previous(c) && !c.is_whitespace(), "{c:?} is not a unit alone");
            let mut lower = c.to_lowercase();
            assert_eq!((lower.next(), lower.next()), (Some(c), None), "{c:?} has a lower case");
            assert_eq!(
                is_nfkc_quick(std::iter::once(c)),
                IsNormalized::Yes,
                "{c:?} changes under NFKC"
            );
        }
    }

    fn roundtrip(original: &str, needle: &str) -> String {
        let normalized = Normalized::new(original);
        let at = normalized.text.find(needle).expect("needle in normalised text");
        original[normalized.original_range(at..at + needle.len())].to_string()
    }

    #[test]
    fn half_width_kana_and_decomposed_hangul_compose() {
        assert_eq!(Normalized::new("ﾌﾟﾛﾓｰｼｮﾝ").text, "プロモーション");
        let decomposed: String = "광고".nfd().collect();
        assert_ne!(decomposed, "광고");
        assert_eq!(Normalized::new(&decomposed).text, "광고");
    }

    #[test]
    fn a_gap_covers_the_whole_folded_whitespace_run() {
        let original = "caption\n\n #ad";
        let normalized = Normalized::new(original);
        assert_eq!(normalized.text, "caption #ad");
        assert_eq!(normalized.original_range(7..8), 7..8, "the folded space maps to one char");
        assert_eq!(&original[normalized.original_gap(7..8)], "\n\n ");
        assert_eq!(normalized.original_gap(0..0), 0..0);
        assert_eq!(normalized.original_gap(11..11), original.len()..original.len());
    }

    #[test]
    fn fancy_fonts_and_full_width_fold_to_ascii() {
        assert_eq!(Normalized::new("𝗔𝗗 ＃ａｄ").text, "ad #ad");
        assert_eq!(roundtrip("x 𝗔𝗗 y", "ad"), "𝗔𝗗");
        assert_eq!(roundtrip("＃ａｄ", "#ad"), "＃ａｄ");
    }

    #[test]
    fn zero_width_characters_are_dropped_but_kept_in_the_span() {
        let original = "#a\u{200B}d now";
        assert_eq!(Normalized::new(original).text, "#ad now");
        assert_eq!(roundtrip(original, "#ad"), "#a\u{200B}d");
    }

    #[test]
    fn combining_accents_compose() {
        let original = "Publicite\u{0301} !";
        assert_eq!(Normalized::new(original).text, "publicité !");
        assert_eq!(roundtrip(original, "publicité"), "Publicite\u{0301}");
    }

    #[test]
    fn whitespace_runs_fold_to_one_space() {
        let original = "Paid \n\t partnership";
        assert_eq!(Normalized::new(original).text, "paid partnership");
        assert_eq!(roundtrip(original, "paid partnership"), original);
    }

    /// Language detection splits normalised words at spaces alone.
    #[test]
    fn a_space_is_the_only_whitespace_left() {
        let spacey = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace() || std::iter::once(*c).nfkc().any(char::is_whitespace));
        let mut checked = 0;
        for c in spacey {
            for text in [
                format!("{c}"),
                format!("a{c}b"),
                format!("a {c} b"),
                format!("e\u{301}{c}\u{301}"),
            ] {
                let normalized = Normalized::new(&text).text;
                assert!(
                    normalized.chars().all(|c| c == ' ' || !c.is_whitespace()),
                    "{text:?} → {normalized:?}"
                );
                checked += 1;
            }
        }
        assert!(checked > 100, "{checked} texts");
    }

    #[test]
    fn emoji_zwj_sequences_survive_and_map_back() {
        let original = "👩\u{200D}💻 Werbung 👍🏽";
        let normalized = Normalized::new(original);
        assert!(normalized.text.contains("werbung"));
        assert_eq!(roundtrip(original, "werbung"), "Werbung");
    }

    #[test]
    fn empty_ranges_and_out_of_bounds_are_safe() {
        let normalized = Normalized::new("ab");
        assert_eq!(normalized.original_range(5..6), 2..2);
        assert_eq!(normalized.original_range(1..1), 1..1);
        assert_eq!(Normalized::new("").original_range(0..0), 0..0);
    }

    /// Found by the `normalize` fuzz target: soft hyphens between combining
    /// marks kept the marks apart the first time and let them reorder the
    /// second.
    #[test]
    fn marks_around_a_zero_width_character_normalise_together() {
        for text in [
            "\u{0} \u{1fdd}\u{32a}\u{36a}\u{ad}\u{ad}\u{32a}\u{32a}\u{36a}\u{36a}\u{0}\u{0}\u{32a}",
            "e\u{300}\u{ad}\u{316}",
            "x\u{200b}\u{301}\u{316}",
        ] {
            let once = Normalized::new(text).text;
            assert_eq!(Normalized::new(&once).text, once, "{text:?}");
        }
    }
}
