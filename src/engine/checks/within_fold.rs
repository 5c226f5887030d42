//! `within-fold`: the first accepted disclosure is fully visible before the
//! caption is cut off by "… more" — within the platform's grapheme AND line
//! limits. Counted in grapheme clusters (what users see), never bytes.

use unicode_segmentation::UnicodeSegmentation;

use serde::Deserialize;

use super::{CompileContext, Ctx, Detection, Kind, Sets};
use crate::diag::yaml::Spanned;
use crate::rules::Fold;
use crate::rules::raw::RawFold;
use crate::engine::matcher::SetId;
use crate::finding::Field;
use crate::post::Media;

#[derive(Debug, Deserialize)]
pub struct Params {
    /// The accepted disclosure terms.
    #[serde(default)]
    terms: Option<Vec<Spanned<String>>>,
    /// Overrides the platform's fold.
    #[serde(default)]
    fold: Option<Spanned<RawFold>>,
}

#[derive(Debug, Clone)]
pub struct WithinFold {
    pub terms: Sets,
    /// Overrides the platform's fold.
    pub fold: Option<Fold>,
}

impl Kind for WithinFold {
    const NAME: &'static str = "within-fold";
    type Params = Params;

    fn compile(params: Params, context: &mut CompileContext) -> Option<Self> {
        let fold = params.fold.map(|fold| Fold::from(&fold.value));
        Some(WithinFold { terms: context.sets("terms", params.terms), fold })
    }

    fn trigger(&self) -> Option<&[SetId]> {
        Some(&self.terms)
    }

    fn term_sets(&self) -> Vec<(&'static str, &Sets)> {
        vec![("terms", &self.terms)]
    }

    fn describe(&self) -> String {
        "Requires the first accepted disclosure to be visible before the caption is cut off by \"… more\".".into()
    }

    fn run(&self, ctx: &Ctx) -> Option<Detection> {
        let fold =
            self.fold.as_ref().or_else(|| ctx.platform.and_then(|facts| facts.fold.as_ref()))?;
        // A story's text sits on the picture, all of it at once: there is
        // no caption to cut off.
        if ctx.label_counts || ctx.post.media == Some(Media::Story) {
            return None;
        }
        let always_visible = |field: Field| {
            field != Field::Text && ctx.platform.is_some_and(|p| p.visible_fields.contains(field))
        };
        if ctx.scan.hits_of(&self.terms).any(|hit| always_visible(hit.field)) {
            return None;
        }
        let first = ctx.scan.hits_of(&self.terms).find(|hit| hit.field == Field::Text)?;
        let text = &ctx.post.text;
        let before_end = text.get(..first.original.end)?;
        let fits_graphemes = !exceeds_graphemes(before_end, fold.graphemes as usize);
        let line = text.get(..first.original.start)?.matches('\n').count();
        let fits_lines = fold.lines.is_none_or(|lines| line < lines as usize);
        if fits_graphemes && fits_lines {
            return None;
        }
        let shown = match fold.lines {
            Some(lines) => format!("{} characters and {lines} lines", fold.graphemes),
            None => format!("{} characters", fold.graphemes),
        };
        let position = if fits_graphemes {
            format!("it is on line {}", line + 1)
        } else {
            let start = graphemes_up_to(&text[..first.original.start], usize::MAX);
            format!("it starts at character {}", start + 1)
        };
        let basis = match fold.basis.as_deref() {
            Some(basis) => format!("by a {} figure, ", basis.replace('-', " ")),
            None => String::new(),
        };
        let note = match &self.fold {
            // The rule's own limit (IN: the first two lines), not the feed's.
            Some(_) => format!("{position}; it must be within the first {shown}"),
            None => format!("{position}; {basis}the feed shows about {shown} before \"… more\""),
        };
        Some(Detection { span: first.span(), related: Vec::new(), note: Some(note), severity: None })
    }
}

/// Whether `text` has more than `limit` grapheme clusters. Segmenting is
/// slow, so two bounds decide most captions first: a grapheme holds at least
/// one character, and at most one ASCII character except for CR LF.
fn exceeds_graphemes(text: &str, limit: usize) -> bool {
    if text.len() <= limit {
        return false;
    }
    let ascii = text.bytes().filter(u8::is_ascii).count();
    if ascii - text.matches("\r\n").count() > limit {
        return true;
    }
    text.chars().count() > limit && graphemes_up_to(text, limit) > limit
}

/// The grapheme clusters of `text`, counted until there are more than
/// `cap`. Two characters that each stand alone (see [`stands_alone`]) always
/// have a cluster boundary between them, so the text is cut there, and only
/// the pieces that hold other characters (an emoji and its neighbours, an
/// accent) are segmented: segmenting costs a few hundred instructions a
/// character.
fn graphemes_up_to(text: &str, cap: usize) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut piece_start = 0;
    // Whether the piece since `piece_start` is one character, a cluster.
    let mut single = true;
    let mut previous_alone = false;
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        let (alone, width) = match byte {
            0..0x80 => (true, 1),
            // `at` is a character boundary: it moves by whole characters.
            _ => match text[at..].chars().next() {
                Some(c) => (stands_alone(c), c.len_utf8()),
                None => break,
            },
        };
        let crlf = byte == b'\n' && at > 0 && bytes[at - 1] == b'\r';
        if previous_alone && alone && !crlf {
            count += if single { 1 } else { text[piece_start..at].graphemes(true).count() };
            (piece_start, single) = (at, true);
            if count > cap {
                return count;
            }
        } else if at > piece_start {
            single = false;
        }
        previous_alone = alone;
        at += width;
    }
    match &text[piece_start..] {
        "" => count,
        _ if single => count + 1,
        rest => count + rest.graphemes(true).count(),
    }
}

/// A character no grapheme rule joins to a neighbour that also stands
/// alone: ASCII (but for CR before LF, which the caller checks), the
/// letters of the scripts captions are mostly written in (Latin, Greek,
/// Cyrillic, Hebrew, Arabic, Devanagari, Thai, kana, CJK ideographs, Hangul
/// syllables), punctuation, arrows, symbols and most emoji; not accents,
/// vowel signs, joiners, variation selectors, skin tones, flags or Hangul
/// jamo. A test checks each one against the segmenter.
fn stands_alone(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{7F}'
        | '\u{A0}'..='\u{AC}'
        | '\u{AE}'..='\u{24F}'
        | '\u{386}'..='\u{3FF}'
        | '\u{400}'..='\u{482}'
        | '\u{48A}'..='\u{4FF}'
        | '\u{5D0}'..='\u{5EA}'
        | '\u{621}'..='\u{64A}'
        | '\u{905}'..='\u{939}'
        | '\u{E01}'..='\u{E30}'
        | '\u{2010}'..='\u{2027}'
        | '\u{2030}'..='\u{205E}'
        | '\u{2190}'..='\u{21FF}'
        | '\u{2600}'..='\u{27BF}'
        | '\u{3000}'..='\u{3029}'
        | '\u{3030}'..='\u{303F}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30A1}'..='\u{30FA}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{FF01}'..='\u{FF5E}'
        | '\u{1F300}'..='\u{1F3FA}'
        | '\u{1F400}'..='\u{1F64F}'
        | '\u{1F680}'..='\u{1F6FF}'
        | '\u{1F900}'..='\u{1F9FF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Fields;
    use crate::engine::checks::testing::{fixture, text_post};
    use crate::engine::matcher::MatchMode;
    use crate::rules::PlatformFacts;

    #[test]
    fn grapheme_bounds_agree_with_segmenting() {
        let texts = [
            "plain ascii caption",
            "line one\r\nline two\r\n\r\nthree",
            "e\u{301}te\u{301} cafe\u{301}",
            "family 👨\u{200D}👩\u{200D}👧 and 💪🏻 flags 🇫🇷🇩🇪",
            "\u{600}1 prepended digit, 한국어 and decomposed \u{1100}\u{1161}",
            "美容液がお気に入り",
            "",
        ];
        for text in texts {
            let count = text.graphemes(true).count();
            assert_eq!(graphemes_up_to(text, usize::MAX), count, "{text:?}");
            for limit in 0..=count + 2 {
                assert_eq!(exceeds_graphemes(text, limit), count > limit, "{text:?} {limit}");
            }
        }
    }

    /// Each character said to stand alone, between two of the others of
    /// each kind (ASCII, Latin, Greek, Cyrillic, kana, ideographs, Hangul
    /// syllables with and without a final), is a cluster of its own.
    #[test]
    fn characters_that_stand_alone_are_clusters_of_their_own() {
        let partners = ['a', '\n', '\u{200B}', 'é', 'д', 'が', '美', '가', '각', 'क', '😀', '✨'];
        let mut checked = 0;
        for c in (0..=0x10FFFF).filter_map(char::from_u32).filter(|&c| stands_alone(c)) {
            for partner in partners {
                let text = format!("{partner}{c}{partner}");
                let expected = if c == '\r' && partner == '\n' { 2 } else { 3 };
                assert_eq!(text.graphemes(true).count(), expected, "{c:?} {partner:?}");
            }
            checked += 1;
        }
        assert!(checked > 35_000, "{checked}");
    }

    proptest::proptest! {
        #[test]
        fn cutting_between_characters_that_stand_alone_counts_as_segmenting_does(
            text in "[a \\r\\n#1\u{600}\u{301}\u{200D}\u{1F1EB}\u{1F1F7}👨👍\u{1F3FD}é가각\u{1161}\u{1100}\u{11A8}дλ\u{483}美が\u{3099}·✨😀\u{FE0F}—क\u{93F}\u{E01}\u{E33}]{0,40}",
            cap in 0usize..50,
        ) {
            let count = text.graphemes(true).count();
            let counted = graphemes_up_to(&text, cap);
            proptest::prop_assert_eq!(counted.min(cap + 1), count.min(cap + 1));
        }
    }

    fn facts(graphemes: u32, lines: Option<u32>) -> PlatformFacts {
        PlatformFacts {
            fold: Some(Fold { graphemes, lines, basis: None }),
            visible_fields: Fields { text: false, title: true, subtitles: false },
            ..PlatformFacts::default()
        }
    }

    fn run(post: crate::post::Post, facts: PlatformFacts) -> Option<Detection> {
        let mut fixture = fixture(post, &[(MatchMode::Hashtag, "en", &["#ad"])]);
        fixture.platform = Some(facts);
        WithinFold { terms: vec![0].into(), fold: None }.run(&fixture.ctx())
    }

    #[test]
    fn stories_have_no_fold() {
        let mut story = text_post("line one\nline two\nline three #ad");
        assert!(run(story.clone(), facts(10, Some(2))).is_some());
        story.media = Some(Media::Story);
        assert!(run(story, facts(10, Some(2))).is_none());
    }

    #[test]
    fn passes_when_the_whole_term_fits() {
        assert!(run(text_post("#ad great serum"), facts(10, Some(2))).is_none());
        // "12345 #ad" is 9 graphemes: fits in 9, not in 8.
        assert!(run(text_post("12345 #ad"), facts(9, None)).is_none());
        assert!(run(text_post("12345 #ad"), facts(8, None)).is_some());
    }

    #[test]
    fn counts_grapheme_clusters_not_bytes_or_code_points() {
        // Five family emoji (each a ZWJ sequence of 7 code points) + space.
        let text = format!("{} #ad", "👨\u{200D}👩\u{200D}👧\u{200D}👦".repeat(5));
        assert!(run(text_post(&text), facts(9, None)).is_none());
        assert!(run(text_post(&text), facts(8, None)).is_some());
    }

    #[test]
    fn counts_line_breaks() {
        let detection = run(text_post("one\ntwo\nthree #ad"), facts(125, Some(2))).unwrap();
        assert!(detection.note.unwrap().contains("line 3"));
        assert!(run(text_post("one\ntwo #ad"), facts(125, Some(2))).is_none());
    }

    #[test]
    fn a_rule_fold_overrides_the_platform_and_says_it_is_the_rule_limit() {
        let mut fixture =
            fixture(text_post("one\ntwo\nthree #ad"), &[(MatchMode::Hashtag, "en", &["#ad"])]);
        fixture.platform = Some(facts(400, None));
        let rule_fold = Fold { graphemes: 125, lines: Some(2), basis: None };
        let check = WithinFold { terms: vec![0].into(), fold: Some(rule_fold) };
        let note = check.run(&fixture.ctx()).unwrap().note.unwrap();
        assert_eq!(note, "it is on line 3; it must be within the first 125 characters and 2 lines");
        let note = run(text_post(&format!("{} #ad", "x".repeat(20))), facts(10, None))
            .unwrap()
            .note
            .unwrap();
        assert_eq!(
            note,
            "it starts at character 22; the feed shows about 10 characters before \"… more\""
        );
    }

    #[test]
    fn skips_without_a_fold_or_a_term_and_accepts_visible_fields() {
        let fixture = fixture(text_post("x #ad"), &[(MatchMode::Hashtag, "en", &["#ad"])]);
        assert!(
            WithinFold { terms: vec![0].into(), fold: None }.run(&fixture.ctx()).is_none(),
            "no fold known"
        );
        assert!(run(text_post("no disclosure"), facts(5, None)).is_none());
        let mut post = text_post(&format!("{} #ad", "x".repeat(50)));
        post.title = Some("#ad review".into());
        assert!(run(post, facts(10, None)).is_none());
    }
}
