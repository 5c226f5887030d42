//! `require-label`: when a post flag holds (`retouched`, `ai_generated`), a
//! given label must be present — FR « Images retouchées » / « Images
//! virtuelles». The flag comes from the input: it cannot be seen in text.

use super::{Ctx, Detection};
use crate::engine::matcher::SetId;
use crate::post::Flag;

#[derive(Debug, Clone)]
pub struct RequireLabel {
    pub flag: Flag,
    pub terms: Vec<SetId>,
}

impl RequireLabel {
    /// The platform's paid-partnership label is no substitute: it says
    /// "advertising", not "this image was altered".
    pub fn run(&self, ctx: &Ctx) -> Option<Detection> {
        if !ctx.post.flag(self.flag) || ctx.scan.any(&self.terms) {
            return None;
        }
        Some(Detection::at_start(Some(format!("the post is marked `{}`", self.flag))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::checks::testing::{fixture, text_post};
    use crate::engine::matcher::MatchMode;

    fn run(text: &str, retouched: bool, label_counts: bool) -> Option<Detection> {
        let mut post = text_post(text);
        post.retouched = retouched;
        let mut fixture =
            fixture(post, &[(MatchMode::Phrase, "fr", &["images retouchées", "image retouchée"])]);
        fixture.label_counts = label_counts;
        RequireLabel { flag: Flag::Retouched, terms: vec![0] }.run(&fixture.ctx())
    }

    #[test]
    fn a_flagged_post_without_the_label_fails_at_the_start() {
        let detection = run("Publicité · ma routine du soir", true, false).unwrap();
        assert_eq!((detection.span.start, detection.span.end), (0, 0));
        assert_eq!(detection.note.unwrap(), "the post is marked `retouched`");
        assert!(run("Publicité", true, true).is_some(), "the paid label does not say retouched");
    }

    #[test]
    fn the_label_or_an_unflagged_post_passes() {
        assert!(run("Publicité · Images retouchées · ma routine", true, false).is_none());
        assert!(run("Image retouchée. Publicité", true, false).is_none());
        assert!(run("Publicité · ma routine du soir", false, false).is_none());
    }
}
