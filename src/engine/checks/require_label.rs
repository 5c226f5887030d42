//! `require-label`: when a post flag holds (`retouched`, `ai_generated`), a
//! given label must be present — FR « Images retouchées » / « Images
//! virtuelles». The flag comes from the input: it cannot be seen in text.

use serde::Deserialize;

use super::{CompileContext, Ctx, Detection, Kind, Sets};
use crate::diag::yaml::Spanned;
use crate::engine::matcher::SetId;
use crate::post::Flag;

#[derive(Debug, Deserialize)]
pub struct Params {
    /// The post flag that calls for the label (`retouched`, `ai_generated`).
    #[serde(default)]
    flag: Option<Spanned<String>>,
    /// The accepted labels.
    #[serde(default)]
    terms: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Clone)]
pub struct RequireLabel {
    pub flag: Flag,
    pub terms: Sets,
}

impl Kind for RequireLabel {
    const NAME: &'static str = "require-label";
    type Params = Params;

    fn compile(params: Params, context: &mut CompileContext) -> Option<Self> {
        let terms = context.sets("terms", params.terms);
        let Some(flag) = params.flag else {
            let flags: Vec<&str> = Flag::ALL.iter().map(|flag| flag.as_str()).collect();
            context.missing(format!("kind `require-label` needs `flag`: one of {}", flags.join(", ")));
            return None;
        };
        match flag.value.parse::<Flag>() {
            Ok(parsed) => Some(RequireLabel { flag: parsed, terms }),
            Err(error) => {
                context.problem(&flag, error.to_string(), "unknown flag");
                None
            }
        }
    }

    fn trigger(&self) -> Option<&[SetId]> {
        None
    }

    fn term_sets(&self) -> Vec<(&'static str, &Sets)> {
        vec![("terms", &self.terms)]
    }

    fn describe(&self) -> String {
        format!("Requires one of the label terms when the post is marked `{}`.", self.flag)
    }

    /// The platform's paid-partnership label is no substitute: it says
    /// "advertising", not "this image was altered".
    fn run(&self, ctx: &Ctx) -> Option<Detection> {
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
        RequireLabel { flag: Flag::Retouched, terms: vec![0].into() }.run(&fixture.ctx())
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
