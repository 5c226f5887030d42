//! `obfuscated-term`: a disclosure term that only matched once zero-width
//! characters were ignored — it may look like a disclosure to a reader yet
//! dodge platform and regulator keyword searches, or the reverse.

use serde::Deserialize;

use super::{CompileContext, Ctx, Detection, Kind, Sets, distinct};
use crate::diag::yaml::Spanned;
use crate::engine::matcher::SetId;

#[derive(Debug, Deserialize)]
pub struct Params {
    #[serde(default)]
    terms: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Clone)]
pub struct ObfuscatedTerm {
    pub terms: Sets,
}

impl Kind for ObfuscatedTerm {
    const NAME: &'static str = "obfuscated-term";
    type Params = Params;

    fn compile(params: Params, context: &mut CompileContext) -> Option<Self> {
        Some(ObfuscatedTerm { terms: context.sets("terms", params.terms) })
    }

    fn trigger(&self) -> Option<&[SetId]> {
        Some(&self.terms)
    }

    fn term_sets(&self) -> Vec<(&'static str, &Sets)> {
        vec![("terms", &self.terms)]
    }

    fn describe(&self) -> String {
        "Flags disclosure terms broken up with invisible (zero-width) characters.".into()
    }

    fn run(&self, ctx: &Ctx) -> Option<Detection> {
        let found = distinct(ctx.scan.obfuscated_hits_of(&self.terms));
        Detection::at_hits(&found, || {
            format!("{} contains invisible characters", ctx.quote_hits(&found))
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
        let detection = ObfuscatedTerm { terms: vec![0].into() }.run(&fixture.ctx())?;
        Some(fixture.flagged(&detection))
    }

    #[test]
    fn flags_zero_width_inside_a_term() {
        assert_eq!(run("#a\u{200B}d new serum").unwrap(), "#a\u{200B}d");
        assert_eq!(run("#\u{2060}ad").unwrap(), "#\u{2060}ad");
    }

    #[test]
    fn leaves_clean_terms_and_emoji_joiners_alone() {
        assert!(run("#ad 👩\u{200D}💻").is_none());
    }
}
