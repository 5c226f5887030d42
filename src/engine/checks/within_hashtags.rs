//! `within-hashtags`: a disclosure given as a hashtag must be among the
//! post's first K hashtags (IT: the first three; KR: the first one), not
//! after a run of topic tags.

use serde::Deserialize;

use super::{CompileContext, Ctx, Detection, Kind, Sets, distinct};
use crate::diag::yaml::Spanned;
use crate::engine::matcher::{Hit, SetId};
use crate::finding::Field;

#[derive(Debug, Deserialize)]
pub struct Params {
    #[serde(default)]
    terms: Option<Vec<Spanned<String>>>,
    /// How many leading hashtags count.
    #[serde(default)]
    first: Option<Spanned<u32>>,
}

#[derive(Debug, Clone)]
pub struct WithinHashtags {
    pub terms: Sets,
    /// How many leading hashtags count.
    pub first: u32,
}

impl WithinHashtags {
    pub const DEFAULT_FIRST: u32 = 3;

}

impl Kind for WithinHashtags {
    const NAME: &'static str = "within-hashtags";
    type Params = Params;

    fn compile(params: Params, context: &mut CompileContext) -> Option<Self> {
        let first = match params.first {
            None => WithinHashtags::DEFAULT_FIRST,
            Some(first) if first.value == 0 => {
                context.problem(&first, "`first` must be at least 1", "zero hashtags");
                return None;
            }
            Some(first) => first.value,
        };
        Some(WithinHashtags { terms: context.sets("terms", params.terms), first })
    }

    fn trigger(&self) -> Option<&[SetId]> {
        Some(&self.terms)
    }

    fn term_sets(&self) -> Vec<(&'static str, &Sets)> {
        vec![("terms", &self.terms)]
    }

    fn describe(&self) -> String {
        format!(
            "Requires a disclosure given as a hashtag to be among the first {} hashtags.",
            self.first
        )
    }

    /// Fires only when every disclosure of the text is a hashtag and none is
    /// among the first `first` hashtags. A disclosure written as words, or
    /// in the title or video, is placed by other rules (`within-fold`).
    fn run(&self, ctx: &Ctx) -> Option<Detection> {
        if ctx.label_counts {
            return None;
        }
        let hashtags = &ctx.scan.text().tokens.hashtags;
        // A hit that starts inside a tag is that tag ("ad glowlab" over
        // "#ad #glowlab" is the `#ad`).
        let position = |hit: &Hit| {
            hashtags.iter().position(|tag| {
                tag.range.start <= hit.range.start && hit.range.start < tag.range.end
            })
        };
        let mut tagged: Vec<(usize, &Hit)> = Vec::new();
        for hit in ctx.scan.hits_of(&self.terms) {
            match (hit.field, position(hit)) {
                (Field::Text, Some(index)) => tagged.push((index, hit)),
                _ => return None,
            }
        }
        let (first_index, _) = *tagged.first()?;
        if first_index < self.first as usize {
            return None;
        }
        let hits: Vec<&Hit> = tagged.into_iter().map(|(_, hit)| hit).collect();
        Detection::at_hits(&distinct(hits), || {
            format!(
                "the first one is hashtag no. {} of {}; it must be among the first {}",
                first_index + 1,
                hashtags.len(),
                self.first
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::checks::testing::{fixture, text_post};
    use crate::engine::matcher::MatchMode;

    const SETS: &[(MatchMode, &str, &[&str])] = &[
        (MatchMode::Hashtag, "it", &["#pubblicità", "#adv"]),
        (MatchMode::Phrase, "it", &["pubblicità"]),
    ];

    fn run(text: &str, first: u32) -> Option<(String, String)> {
        let fixture = fixture(text_post(text), SETS);
        let detection = WithinHashtags { terms: vec![0, 1].into(), first }.run(&fixture.ctx())?;
        Some((fixture.flagged(&detection), detection.note.unwrap()))
    }

    #[test]
    fn fires_when_the_disclosure_tag_comes_after_the_first_k() {
        let (flagged, note) =
            run("Il mio siero preferito #skincare #glow #beauty #adv @glowlab", 3).unwrap();
        assert_eq!(flagged, "#adv");
        assert_eq!(note, "the first one is hashtag no. 4 of 4; it must be among the first 3");
        assert!(run("Il mio siero #skincare #adv", 1).is_some(), "KR: only the first tag counts");
    }

    #[test]
    fn accepts_a_leading_tag_and_leaves_worded_or_missing_disclosures_to_other_rules() {
        assert!(run("Il mio siero #skincare #glow #adv #beauty", 3).is_none());
        assert!(run("#Pubblicità Il mio siero #skincare", 1).is_none());
        assert!(run("Pubblicità · il mio siero #a #b #c #d #adv", 3).is_none(), "worded label");
        assert!(run("Il mio siero #skincare #glow #beauty #selfcare", 3).is_none(), "none at all");
    }

    #[test]
    fn a_phrase_over_two_tags_counts_as_its_first_tag() {
        let mut post = text_post("Il mio siero #a #b #c #adv #glowlab");
        post.brands = vec!["Glow Lab".into()];
        let fixture = fixture(post, &[(MatchMode::Phrase, "it", &["adv {brand}"])]);
        let check = WithinHashtags { terms: vec![0].into(), first: 3 };
        let detection = check.run(&fixture.ctx()).expect("the pair starts at tag no. 4");
        assert_eq!(fixture.flagged(&detection), "adv #glowlab");
        assert!(WithinHashtags { first: 4, ..check }.run(&fixture.ctx()).is_none());
    }

    #[test]
    fn mentions_and_links_are_not_hashtags() {
        assert!(run("@a @b @c @d #adv il mio siero", 3).is_none());
        assert!(run("https://x.it/#a #b #adv", 2).is_none(), "the anchor is no hashtag");
    }
}
