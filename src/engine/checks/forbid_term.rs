//! `forbid-term`: the post promotes a banned category (FR law 2023-451
//! art. 4: cosmetic surgery, nicotine, unregistered crypto services, …),
//! unless an exception term shows the promotion is allowed.

use serde::Deserialize;

use super::{CompileContext, Ctx, Detection, Kind, Sets, distinct};
use crate::diag::yaml::Spanned;
use crate::engine::matcher::SetId;

#[derive(Debug, Deserialize)]
pub struct Params {
    /// Terms that promote the banned category.
    #[serde(default)]
    terms: Option<Vec<Spanned<String>>>,
    /// Terms that lift the ban.
    #[serde(default)]
    unless: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Clone)]
pub struct ForbidTerm {
    pub terms: Sets,
    /// Terms that lift the ban (a registered provider, a domestic species…).
    pub unless: Sets,
}

impl Kind for ForbidTerm {
    const NAME: &'static str = "forbid-term";
    type Params = Params;

    fn compile(params: Params, context: &mut CompileContext) -> Option<Self> {
        let terms = context.sets("terms", params.terms);
        Some(ForbidTerm { terms, unless: context.optional_sets(params.unless) })
    }

    fn trigger(&self) -> Option<&[SetId]> {
        Some(&self.terms)
    }

    fn term_sets(&self) -> Vec<(&'static str, &Sets)> {
        vec![("terms", &self.terms), ("unless", &self.unless)]
    }

    fn describe(&self) -> String {
        "Flags promotion of a banned category (unless an exception term is present).".into()
    }

    fn run(&self, ctx: &Ctx) -> Option<Detection> {
        if ctx.scan.any(&self.unless) {
            return None;
        }
        let found = distinct(ctx.scan.hits_of(&self.terms));
        Detection::at_hits(&found, || format!("found {}", ctx.quote_hits(&found)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::checks::testing::{fixture, text_post};
    use crate::engine::matcher::MatchMode;

    const SETS: &[(MatchMode, &str, &[&str])] = &[
        (MatchMode::Phrase, "fr", &["injections d'acide hyaluronique", "puff"]),
        (MatchMode::Phrase, "fr", &["enregistré auprès de l'amf"]),
    ];

    fn run(text: &str) -> Option<(String, Option<String>)> {
        let fixture = fixture(text_post(text), SETS);
        let detection = ForbidTerm { terms: vec![0].into(), unless: vec![1].into() }.run(&fixture.ctx())?;
        Some((fixture.flagged(&detection), detection.note))
    }

    #[test]
    fn fires_on_a_banned_term_and_quotes_every_one() {
        let (flagged, note) =
            run("Publicité · mes injections d'acide hyaluronique et ma puff").unwrap();
        assert_eq!(flagged, "injections d'acide hyaluronique");
        assert_eq!(note.unwrap(), "found `injections d'acide hyaluronique`, `puff`");
    }

    #[test]
    fn an_exception_or_no_banned_term_passes() {
        assert!(run("Publicité · ma crème de jour").is_none());
        assert!(run("Ma puff, prestataire enregistré auprès de l'AMF").is_none());
    }
}
