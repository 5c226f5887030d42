//! `require-term`: at least one term of the sets appears in the chosen fields.

use super::{Ctx, Detection};
use crate::engine::matcher::SetId;
use crate::finding::Field;

/// Which fields of a post a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields {
    pub text: bool,
    pub title: bool,
    pub subtitles: bool,
}

impl Fields {
    pub const ALL: Fields = Fields { text: true, title: true, subtitles: true };

    pub fn contains(&self, field: Field) -> bool {
        match field {
            Field::Text => self.text,
            Field::Title => self.title,
            Field::Subtitle(_) => self.subtitles,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RequireTerm {
    pub terms: Vec<SetId>,
    pub fields: Fields,
}

impl RequireTerm {
    pub fn run(&self, ctx: &Ctx) -> Option<Detection> {
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
        RequireTerm { terms: vec![0], fields }.run(&fixture.ctx())
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
