//! `ambiguous-only`: the post's only disclosure terms are ones the source
//! calls ambiguous on their own (#sp, #spon, #collab, #thanks, …).

use serde::Deserialize;

use super::{CompileContext, Ctx, Detection, Kind, Sets, distinct};
use crate::diag::yaml::Spanned;
use crate::engine::matcher::SetId;

#[derive(Debug, Deserialize)]
pub struct Params {
    /// Terms the source calls unclear (`#sp`, `#collab`).
    #[serde(default)]
    ambiguous: Option<Vec<Spanned<String>>>,
    /// The accepted disclosure terms.
    #[serde(default)]
    terms: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Clone)]
pub struct AmbiguousOnly {
    pub ambiguous: Sets,
    pub terms: Sets,
}

impl Kind for AmbiguousOnly {
    const NAME: &'static str = "ambiguous-only";
    type Params = Params;

    fn compile(params: Params, context: &mut CompileContext) -> Option<Self> {
        let ambiguous = context.sets("ambiguous", params.ambiguous);
        Some(AmbiguousOnly { ambiguous, terms: context.sets("terms", params.terms) })
    }

    fn trigger(&self) -> Option<&[SetId]> {
        Some(&self.ambiguous)
    }

    fn term_sets(&self) -> Vec<(&'static str, &Sets)> {
        vec![("ambiguous", &self.ambiguous), ("terms", &self.terms)]
    }

    fn describe(&self) -> String {
        "Flags posts whose only disclosure terms are ones the source calls ambiguous.".into()
    }

    fn run(&self, ctx: &Ctx) -> Option<Detection> {
        if ctx.label_counts || ctx.scan.any(&self.terms) {
            return None;
        }
        let found = distinct(ctx.scan.hits_of(&self.ambiguous));
        Detection::at_hits(&found, || format!("found only {}", ctx.quote_hits(&found)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::checks::testing::{fixture, text_post};
    use crate::engine::matcher::MatchMode;

    const SETS: &[(MatchMode, &str, &[&str])] =
        &[(MatchMode::Hashtag, "en", &["#sp", "#collab"]), (MatchMode::Hashtag, "en", &["#ad"])];

    fn run(text: &str) -> Option<(String, usize, Option<String>)> {
        let fixture = fixture(text_post(text), SETS);
        let detection = AmbiguousOnly { ambiguous: vec![0].into(), terms: vec![1].into() }.run(&fixture.ctx())?;
        Some((fixture.flagged(&detection), detection.related.len(), detection.note))
    }

    #[test]
    fn fires_on_ambiguous_terms_alone_and_names_them() {
        let (flagged, related, note) = run("love it #sp #collab").unwrap();
        assert_eq!(flagged, "#sp");
        assert_eq!(related, 1);
        assert_eq!(note.unwrap(), "found only `#sp`, `#collab`");
    }

    #[test]
    fn quiet_with_an_accepted_term_or_nothing_at_all() {
        assert!(run("#ad love it #sp").is_none());
        assert!(run("love it").is_none());
    }
}
