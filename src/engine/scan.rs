//! One scan of one post: every field normalised and tokenised once, and the
//! hits of every term set of every loaded pack. Rules only look things up.

use std::rc::Rc;

use super::matcher::{Brand, Hit, Matcher, Negated, ScannedField, SetBits, SetId};
use crate::finding::{Field, Span};
use crate::post::Post;

#[derive(Debug)]
pub struct PostScan {
    fields: Vec<ScannedField>,
    /// Sorted by field (text, title, subtitles) and position.
    hits: Vec<Hit>,
    /// The term sets some hit belongs to: most rules ask about sets a post
    /// does not contain, and learn it without a pass over the hits.
    present: SetBits,
    /// Hits that a negation cancelled ("not sponsored"): in no set's bits.
    negated: Vec<Negated>,
    /// Some hit needed zero-width characters ignored: most posts have
    /// none, and the rule that looks for them need not read the hits.
    obfuscated: bool,
}

impl PostScan {
    pub fn new(post: &Post, matcher: &Matcher) -> PostScan {
        PostScan::with_regexes_of(post, matcher, None)
    }

    /// [`PostScan::new`], running the regexes of the sets `regex_sets`
    /// wants only (`None`: of every set): the sets the rules checking the
    /// post read.
    pub fn with_regexes_of(
        post: &Post,
        matcher: &Matcher,
        regex_sets: Option<&dyn Fn(SetId) -> bool>,
    ) -> PostScan {
        let mut fields = vec![ScannedField::new(Field::Text, &post.text)];
        if let Some(title) = &post.title {
            fields.push(ScannedField::new(Field::Title, title));
        }
        for (index, cue) in post.subtitles.iter().enumerate() {
            fields.push(ScannedField::new(Field::Subtitle(index), &cue.text));
        }
        let brands: Vec<Rc<Brand>> =
            post.brands.iter().filter_map(|brand| Brand::recent(brand)).collect();
        // Room for the hits of nearly every post, so that the vector
        // seldom grows (a bench post has 14).
        let mut hits = Vec::with_capacity(64);
        // Fields in order, and each field's hits by place and set. Hits with
        // equal keys are equal: a field, a place and a set give the rest.
        for scanned in &fields {
            let first = hits.len();
            let original = scanned.field.text_in(post).unwrap_or("");
            matcher.scan(scanned, original, &brands, regex_sets, &mut hits);
            hits[first..].sort_by_key(|hit| (hit.range.start, hit.range.end, hit.set));
        }
        hits.dedup();
        let original = |field: Field| field.text_in(post).unwrap_or("");
        let (hits, negated) = matcher.cancel_negated(hits, &fields, original);
        let greatest = hits.iter().map(|hit| hit.set as usize + 1).max();
        let mut present = SetBits::with_room(greatest.unwrap_or(0));
        for hit in &hits {
            present.insert(hit.set);
        }
        let obfuscated = hits.iter().any(|hit| hit.obfuscated);
        PostScan { fields, hits, present, negated, obfuscated }
    }

    fn has(&self, set: SetId) -> bool {
        self.present.contains(set)
    }

    /// The sets with at least one hit.
    pub fn present_sets(&self) -> &SetBits {
        &self.present
    }

    /// Hits of any of `sets`, in order.
    pub fn hits_of<'a>(&'a self, sets: &'a [SetId]) -> impl Iterator<Item = &'a Hit> + 'a {
        let hits: &[Hit] = if self.any(sets) { &self.hits } else { &[] };
        hits.iter().filter(move |hit| sets.contains(&hit.set))
    }

    /// The hits a negation cancelled, in order, each with the set it
    /// belongs to and the negation's hit: "this is not sponsored".
    pub fn negated(&self) -> &[Negated] {
        &self.negated
    }

    /// Hits of any of `sets` that needed zero-width characters ignored,
    /// in order.
    pub fn obfuscated_hits_of<'a>(
        &'a self,
        sets: &'a [SetId],
    ) -> impl Iterator<Item = &'a Hit> + 'a {
        // No set's hits to read when no hit at all was obfuscated.
        let sets: &[SetId] = if self.obfuscated { sets } else { &[] };
        self.hits_of(sets).filter(|hit| hit.obfuscated)
    }

    pub fn any(&self, sets: &[SetId]) -> bool {
        sets.iter().any(|&set| self.has(set))
    }

    /// The post's main text, scanned.
    pub fn text(&self) -> &ScannedField {
        &self.fields[0]
    }
}

impl Hit {
    pub fn span(&self) -> Span {
        Span { start: self.original.start, end: self.original.end, field: self.field }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::matcher::{MatchMode, MatcherBuilder};

    const NEGATIONS: &[&str] = &[
        "not", "no", "never", "isn't", "is not", "wasn't", "nicht", "kein", "keine", "non", "pas",
        "ni", "niet", "geen", "inte", "ej",
    ];

    /// Set 0 negates; set 1 is `sponsored`-like phrases, 2 hashtags, 3 a
    /// url set, 4 a `{brand}` phrase, 5 a hashtag suffix.
    fn matcher() -> Matcher {
        let mut builder = MatcherBuilder::default();
        builder.negates(0);
        for negation in NEGATIONS {
            builder.add(0, MatchMode::Phrase, negation).unwrap();
        }
        for phrase in ["sponsored", "paid partnership", "gesponsert", "sponsorisé"] {
            builder.add(1, MatchMode::Phrase, phrase).unwrap();
        }
        builder.add(2, MatchMode::Hashtag, "#ad").unwrap();
        builder.add(3, MatchMode::Url, "rstyle.me").unwrap();
        builder.add(4, MatchMode::Phrase, "gifted by {brand}").unwrap();
        builder.add(5, MatchMode::HashtagSuffix, "partner").unwrap();
        builder.build()
    }

    fn scan(text: &str) -> PostScan {
        let mut post = Post::from_text(Default::default(), text);
        post.brands = vec!["Glow Lab".into()];
        PostScan::new(&post, &matcher())
    }

    /// The text of the hits of `sets` that stand, and of those negated.
    fn split(text: &str, sets: &[SetId]) -> (Vec<String>, Vec<String>) {
        let scan = scan(text);
        let stand = scan.hits_of(sets).map(|hit| text[hit.original.clone()].to_string()).collect();
        let negated = scan
            .negated()
            .iter()
            .filter(|negated| sets.contains(&negated.hit.set))
            .map(|negated| text[negated.hit.original.clone()].to_string())
            .collect();
        (stand, negated)
    }

    #[test]
    fn a_negation_cancels_the_hits_just_after_it() {
        for text in [
            "This video is NOT sponsored",
            "not a sponsored post",
            "no paid partnership here",
            "Das ist nicht gesponsert",
            "non sponsorisé",
            "ce n'est pas sponsorisé",
            "isn't a sponsored thing",
        ] {
            let (stand, negated) = split(text, &[1]);
            assert!(stand.is_empty(), "{text}: {stand:?}");
            assert_eq!(negated.len(), 1, "{text}");
        }
        let scan = scan("This video is NOT sponsored");
        assert!(!scan.any(&[1]), "the negated set is not present");
        assert!(scan.any(&[0]), "the negation's own hits stay");
        let negated = &scan.negated()[0];
        assert_eq!((negated.hit.set, negated.negation.set), (1, 0));
        assert_eq!(negated.negation.range.end, 17, "'is not' or 'not'");
    }

    #[test]
    fn a_negation_reaches_two_words_within_its_sentence() {
        assert_eq!(split("not a sponsored post", &[1]).1, ["sponsored"], "second word");
        assert_eq!(split("never going back 🧴 sponsored", &[1]).0, ["sponsored"], "third word");
        assert_eq!(split("#ad not sponsored by anyone else", &[2]).0, ["#ad"], "before it");
        assert_eq!(split("Not today! #ad", &[2]).0, ["#ad"]);
        assert_eq!(split("no way; sponsored", &[1]).0, ["sponsored"]);
        assert_eq!(split("not\nsponsored", &[1]).0, ["sponsored"], "a line break ends it");
        assert_eq!(split("not #ad", &[2]).1, ["#ad"], "a hashtag is negated too");
    }

    #[test]
    fn a_negation_cancels_brand_and_suffix_hits_but_not_links() {
        assert_eq!(split("not gifted by Glow Lab", &[4]).1, ["gifted by Glow Lab"]);
        assert_eq!(split("not a #GlowLabPartner", &[5]).1, ["#GlowLabPartner"]);
        assert_eq!(split("not https://rstyle.me/x", &[3]).0, ["https://rstyle.me/x"]);
    }

    #[test]
    fn without_a_negating_set_nothing_is_cancelled() {
        let mut builder = MatcherBuilder::default();
        builder.add(0, MatchMode::Phrase, "not").unwrap();
        builder.add(1, MatchMode::Phrase, "sponsored").unwrap();
        let scan =
            PostScan::new(&Post::from_text(Default::default(), "not sponsored"), &builder.build());
        assert!(scan.any(&[1]) && scan.negated().is_empty());
    }

    #[test]
    fn negations_in_other_fields_do_not_reach_across() {
        let mut post = Post::from_text(Default::default(), "sponsored");
        post.title = Some("not".into());
        let scan = PostScan::new(&post, &matcher());
        assert!(scan.any(&[1]));
    }
}
