//! A rule's fix for one post: the wording for the post's language and
//! relationship, with `{brand}` filled, at the place the rule asks for.

use unicode_segmentation::UnicodeSegmentation;

use super::checks::Ctx;
use super::normalize::is_zero_width;
use crate::finding::{Edit, Field, Fix, Span};
use crate::rules::{FixAt, FixSpec};

/// The edits of `spec` for the post of `ctx`, whose finding points at
/// `span`; `None` when the fix cannot be written for this post (it needs a
/// brand the post does not name, or a span it does not have).
pub(super) fn fix_for(spec: &FixSpec, span: Span, ctx: &Ctx) -> Option<Fix> {
    let post = ctx.post;
    let language = if spec.languages.is_empty() { None } else { ctx.post_language() };
    let text = post.text.as_str();
    let mut edits = Vec::new();
    let wording = if spec.moves {
        // The label the author wrote, taken from where it is, with the `#`
        // of a hashtag it is the body of (else a bare `#` stays behind).
        let span = with_hashtag_sign(text, span);
        let moved = text.get(span.start..span.end).filter(|_| span.field == Field::Text)?;
        if moved.trim().is_empty() {
            return None;
        }
        edits.push(Edit { span: with_space_before(text, span), replacement: String::new() });
        format!("{moved} ")
    } else {
        expand_brand(spec.wording_for(language, post.relationship), &post.brands)?
    };
    let label = label_of(&wording);
    let placed = match spec.at {
        FixAt::Start => Edit::insert(0, wording.clone()),
        FixAt::End => Edit::insert(text.len(), after_text(text, label)),
        FixAt::BeforeFold => match first_line_end(text, label, ctx) {
            Some(end) => Edit::insert(end, format!(" {label}")),
            None => Edit::insert(0, wording.clone()),
        },
        FixAt::Hashtags(_) => match first_hashtag(text) {
            Some(at) => Edit::insert(at, format!("{label} ")),
            None => Edit::insert(text.len(), after_text(text, label)),
        },
        FixAt::AfterMentions => Edit::insert(after_opening(text), wording.clone()),
        FixAt::Span => {
            let found = text
                .get(span.start..span.end)
                .filter(|found| span.field == Field::Text && !found.is_empty())?;
            // `{plain}`: what the span says, without its invisible characters.
            let plain: String = found.chars().filter(|&c| !is_zero_width(c)).collect();
            Edit { span, replacement: wording.replace("{plain}", &plain) }
        }
    };
    edits.insert(0, placed);
    Some(Fix { edits, applicability: spec.applicability })
}

/// `span` widened by the `#` just before it, when it is a hashtag's body.
fn with_hashtag_sign(text: &str, span: Span) -> Span {
    let sign = span.start.checked_sub(1).filter(|&at| text.as_bytes().get(at) == Some(&b'#'));
    match sign {
        Some(at) if span.field == Field::Text => Span { start: at, ..span },
        _ => span,
    }
}

/// Fills `{brand}` in a fix with the post's first brand — glued into a
/// hashtag (`#GiftedBy{brand}` → `#GiftedByGlowLab`) or as written. A post
/// without a brand gets no fix rather than a wrong one.
pub(super) fn expand_brand(insert: &str, brands: &[String]) -> Option<String> {
    let Some((before, after)) = insert.split_once("{brand}") else {
        return Some(insert.to_string());
    };
    let brand = brands.first()?;
    let glued = before.chars().next_back().is_some_and(|c| !c.is_whitespace());
    let brand =
        if glued { brand.chars().filter(|c| c.is_alphanumeric()).collect() } else { brand.clone() };
    Some(format!("{before}{brand}{after}"))
}

/// The label itself, without the separator written after it for the start
/// of a caption: `Publicité · ` → `Publicité`.
fn label_of(wording: &str) -> &str {
    wording.trim().trim_end_matches(['·', '|', ':', '-', '–', '—']).trim_end()
}

/// The label as appended to `text`: after a space unless the text ends in one.
fn after_text(text: &str, label: &str) -> String {
    match text.chars().next_back() {
        Some(last) if !last.is_whitespace() => format!(" {label}"),
        _ => label.to_string(),
    }
}

/// The end of the first line, when the label fits before the platform's fold
/// there; `None` when it would not (or the first line is empty).
fn first_line_end(text: &str, label: &str, ctx: &Ctx) -> Option<usize> {
    let end = text.find(['\n', '\r']).unwrap_or(text.len());
    let line = text[..end].trim_end();
    if line.is_empty() {
        return None;
    }
    let end = line.len();
    let fold = ctx.platform.and_then(|facts| facts.fold.as_ref());
    let fits = fold.is_none_or(|fold| {
        let length = line.graphemes(true).count() + 1 + label.graphemes(true).count();
        length <= fold.graphemes as usize
    });
    fits.then_some(end)
}

/// The byte offset of the first hashtag: `#` at the start or after a blank,
/// followed by a letter or digit.
fn first_hashtag(text: &str) -> Option<usize> {
    let mut previous: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let starts_word = previous.is_none_or(char::is_whitespace);
        if c == '#' && starts_word && chars.peek().is_some_and(|(_, next)| next.is_alphanumeric()) {
            return Some(at);
        }
        previous = Some(c);
    }
    None
}

/// Where a label goes that may follow the @mentions or the quotation that
/// open `text`: after them and the blanks that follow; 0 when the post opens
/// with neither, or they end the line.
fn after_opening(text: &str) -> usize {
    let mut end = 0;
    loop {
        let rest = &text[end..];
        let mention = rest
            .strip_prefix('@')
            .is_some_and(|name| name.starts_with(|c: char| c.is_alphanumeric() || c == '_'));
        let taken = if mention {
            rest.find(char::is_whitespace).unwrap_or(rest.len())
        } else {
            match quotation(rest).filter(|_| end == 0) {
                Some(length) => length,
                None => return end,
            }
        };
        let after = &rest[taken..];
        let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
        if blanks == 0 {
            return end;
        }
        end += taken + blanks;
    }
}

/// The length of the quotation `text` opens with, closing quote included,
/// when it closes on its first line.
fn quotation(text: &str) -> Option<usize> {
    const QUOTES: [(char, char); 6] =
        [('"', '"'), ('“', '”'), ('„', '“'), ('«', '»'), ('「', '」'), ('‘', '’')];
    let opening = text.chars().next()?;
    let (_, closing) = QUOTES.iter().find(|(open, _)| *open == opening)?;
    let line = text.split('\n').next().unwrap_or_default();
    let close = line[opening.len_utf8()..].find(*closing)?;
    Some(opening.len_utf8() + close + closing.len_utf8())
}

/// `span` widened over one blank before it, so taking a word out leaves no
/// double space.
fn with_space_before(text: &str, span: Span) -> Span {
    let before = text[..span.start].chars().next_back();
    match before {
        Some(blank @ (' ' | '\t')) => Span { start: span.start - blank.len_utf8(), ..span },
        _ => span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_fill_in_the_brand() {
        let brands = vec!["Glow Lab".to_string()];
        assert_eq!(expand_brand("#GiftedBy{brand} ", &brands).unwrap(), "#GiftedByGlowLab ");
        assert_eq!(
            expand_brand("Prodotto inviato da {brand} · ", &brands).unwrap(),
            "Prodotto inviato da Glow Lab · "
        );
        assert_eq!(expand_brand("#ad ", &[]).unwrap(), "#ad ");
        assert_eq!(expand_brand("#GiftedBy{brand}", &[]), None);
    }

    #[test]
    fn labels_lose_their_start_separator() {
        assert_eq!(label_of("Publicité · "), "Publicité");
        assert_eq!(label_of("#ad "), "#ad");
        assert_eq!(label_of("【PR】"), "【PR】");
        assert_eq!(after_text("nice", "#ad"), " #ad");
        assert_eq!(after_text("nice\n", "#ad"), "#ad");
    }

    #[test]
    fn the_first_hashtag_is_a_hash_starting_a_word() {
        assert_eq!(first_hashtag("a#b no # c #tag"), Some(11));
        assert_eq!(first_hashtag("#top"), Some(0));
        assert_eq!(first_hashtag("C# and # only"), None);
    }

    #[test]
    fn a_label_may_follow_the_opening_mentions_or_quotation() {
        assert_eq!(after_opening("@glowlab @norrwear new serum"), 19);
        assert_eq!(after_opening("« Mon sérum » @glowlab la suite"), 26);
        assert_eq!(after_opening("new serum @glowlab"), 0);
        assert_eq!(after_opening("@glowlab\nnew serum"), 0);
        assert_eq!(after_opening("@ glowlab and \"unclosed"), 0);
        assert_eq!(after_opening("\"a\" \"b\" c"), 4);
    }

    #[test]
    fn a_moved_hashtag_body_takes_its_sign_along() {
        assert_eq!(with_hashtag_sign("nice #werbung x", Span::text(6, 13)), Span::text(5, 13));
        assert_eq!(with_hashtag_sign("nice #werbung x", Span::text(5, 13)), Span::text(5, 13));
        assert_eq!(with_hashtag_sign("werbung x", Span::text(0, 7)), Span::text(0, 7));
    }

    #[test]
    fn a_moved_word_takes_its_space_along() {
        assert_eq!(with_space_before("nice #ad", Span::text(5, 8)), Span::text(4, 8));
        assert_eq!(with_space_before("#ad", Span::text(0, 3)), Span::text(0, 3));
    }
}
