//! `require-term`: at least one term of the sets appears in the chosen fields.

use serde::Deserialize;

use super::{CompileContext, Ctx, Detection, Kind, Sets};
use crate::diag::yaml::Spanned;
use crate::engine::matcher::SetId;
use crate::rules::Fields;

#[derive(Debug, Deserialize)]
pub struct Params {
    /// The accepted disclosure terms.
    #[serde(default)]
    terms: Option<Vec<Spanned<String>>>,
    /// Where to look (default: text, title and subtitles).
    #[serde(default)]
    fields: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Clone)]
pub struct RequireTerm {
    pub terms: Sets,
    pub fields: Fields,
}

impl Kind for RequireTerm {
    const NAME: &'static str = "require-term";
    type Params = Params;

    fn compile(params: Params, context: &mut CompileContext) -> Option<Self> {
        let fields = params.fields.map_or(Fields::ALL, |names| Fields::parse(&names, context.problems));
        Some(RequireTerm { terms: context.sets("terms", params.terms), fields })
    }

    fn trigger(&self) -> Option<&[SetId]> {
        None
    }

    fn term_sets(&self) -> Vec<(&'static str, &Sets)> {
        vec![("terms", &self.terms)]
    }

    fn describe(&self) -> String {
        "Requires one of the accepted disclosure terms in the post.".into()
    }

    fn run(&self, ctx: &Ctx) -> Option<Detection> {
        if ctx.label_counts {
            return None;
        }
        let present = ctx.scan.hits_of(&self.terms).any(|hit| self.fields.contains(hit.field));
        (!present).then(|| Detection::at_start(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::checks::testing::{fixture, text_post};
    use crate::engine::matcher::MatchMode;

    const SETS: &[(MatchMode, &str, &[&str])] = &[(MatchMode::Hashtag, "en", &["#ad"])];

    fn run(post: crate::post::Post, fields: Fields, label_counts: bool) -> Option<Detection> {
        let mut fixture = fixture(post, SETS);
        fixture.label_counts = label_counts;
        RequireTerm { terms: vec![0].into(), fields }.run(&fixture.ctx())
    }

    #[test]
    fn fires_without_a_term_and_points_at_the_start() {
        let detection = run(text_post("new serum from @glowlab ✨"), Fields::ALL, false).unwrap();
        assert_eq!((detection.span.start, detection.span.end), (0, 0));
        assert!(run(text_post("#ad new serum"), Fields::ALL, false).is_none());
    }

    #[test]
    fn reads_only_the_chosen_fields() {
        let mut post = text_post("new serum");
        post.title = Some("#ad review".into());
        assert!(run(post.clone(), Fields::ALL, false).is_none());
        assert!(run(post, Fields { text: true, title: false, subtitles: false }, false).is_some());
    }

    #[test]
    fn a_counting_platform_label_satisfies_it() {
        assert!(run(text_post("new serum"), Fields::ALL, true).is_none());
    }
}
