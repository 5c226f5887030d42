//! `not-buried`: a disclosure that appears only inside the trailing run of
//! hashtags and mentions is buried — readers skim past tag walls.

use serde::Deserialize;

use super::{CompileContext, Ctx, Detection, Kind, Sets, distinct};
use crate::diag::yaml::Spanned;
use crate::engine::matcher::{Hit, SetId};
use crate::finding::Field;

#[derive(Debug, Deserialize)]
pub struct Params {
    #[serde(default)]
    terms: Option<Vec<Spanned<String>>>,
    /// The smallest trailing run of hashtags and mentions that buries a label.
    #[serde(default)]
    min_tags: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct NotBuried {
    pub terms: Sets,
    /// The smallest tag run that counts as a cluster.
    pub min_tags: u32,
}

impl NotBuried {
    pub const DEFAULT_MIN_TAGS: u32 = 3;

}

impl Kind for NotBuried {
    const NAME: &'static str = "not-buried";
    type Params = Params;

    fn compile(params: Params, context: &mut CompileContext) -> Option<Self> {
        let min_tags = params.min_tags.unwrap_or(NotBuried::DEFAULT_MIN_TAGS);
        Some(NotBuried { terms: context.sets("terms", params.terms), min_tags })
    }

    fn trigger(&self) -> Option<&[SetId]> {
        Some(&self.terms)
    }

    fn term_sets(&self) -> Vec<(&'static str, &Sets)> {
        vec![("terms", &self.terms)]
    }

    fn describe(&self) -> String {
        format!(
            "Flags a disclosure that appears only inside a trailing run of {}+ hashtags or mentions.",
            self.min_tags
        )
    }

    fn run(&self, ctx: &Ctx) -> Option<Detection> {
        if ctx.label_counts {
            return None;
        }
        let mut text_hits: Vec<&Hit> = Vec::new();
        for hit in ctx.scan.hits_of(&self.terms) {
            if hit.field != Field::Text {
                return None; // disclosed in the title or the video itself
            }
            text_hits.push(hit);
        }
        let scanned = ctx.scan.text();
        let normalized = &scanned.normalized;
        let blank_line = |gap| {
            let original = normalized.original_gap(gap);
            ctx.post.text.get(original).is_some_and(|gap| gap.matches('\n').count() >= 2)
        };
        let (cluster_start, tags) = scanned.tokens.trailing_tags(&normalized.text, blank_line)?;
        // A label that opens the post leads it, even when the whole post
        // is tags.
        if tags < self.min_tags as usize
            || text_hits.is_empty()
            || text_hits.iter().any(|hit| {
                let before = normalized.text.get(..hit.range.start).unwrap_or_default();
                hit.range.start < cluster_start || before.chars().all(|c| c.is_whitespace() || c == '#')
            })
        {
            return None;
        }
        Detection::at_hits(&distinct(text_hits), || {
            format!("it appears only among the {tags} hashtags and mentions at the end")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::checks::testing::{fixture, text_post};
    use crate::engine::matcher::MatchMode;

    fn run(text: &str) -> Option<String> {
        let fixture = fixture(text_post(text), &[(MatchMode::Hashtag, "en", &["#ad"])]);
        let detection = NotBuried { terms: vec![0].into(), min_tags: 3 }.run(&fixture.ctx())?;
        Some(fixture.flagged(&detection))
    }

    #[test]
    fn flags_a_disclosure_inside_the_trailing_tag_wall() {
        assert_eq!(
            run("Loving this serum ✨\n#skincare #glow @glowlab #ad #selfcare").unwrap(),
            "#ad"
        );
    }

    #[test]
    fn accepts_an_upfront_disclosure_or_a_short_tail() {
        assert!(run("#ad Loving this serum #skincare #glow #ad").is_none());
        assert!(run("Loving this serum #glow #ad").is_none(), "two tags are not a wall");
        assert!(
            run("Loving this serum #skincare #glow #selfcare").is_none(),
            "no disclosure at all"
        );
        assert!(run("Loving #ad this serum #skincare #glow #selfcare").is_none());
        assert!(
            run("New sneakers @stridelab\n\n#ad\n\n#running #sneakers #fitness").is_none(),
            "a blank line sets the label apart from the tag wall"
        );
        assert!(run("New sneakers\n\n#running #sneakers\n#fitness #ad").is_some());
        assert!(run("#ad #skincare #glow #selfcare").is_none(), "the label opens the post");
        assert!(run("#skincare #glow #ad #selfcare").is_some());
    }
}
