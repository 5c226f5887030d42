//! `same-language`: the disclosure is in the post's language — an English
//! "#ad" on a French caption does not tell French readers it is an ad — or
//! the legally required wording is used.

use std::ops::Range;

use serde::Deserialize;

use super::{CompileContext, Ctx, Detection, Kind, Sets, distinct};
use crate::diag::yaml::Spanned;
use crate::engine::language;
use crate::engine::matcher::{Hit, SetId};
use crate::finding::Field;

#[derive(Debug, Deserialize)]
pub struct Params {
    /// The accepted disclosure terms, each set with its language.
    #[serde(default)]
    terms: Option<Vec<Spanned<String>>>,
    /// Wording that always satisfies the rule, whatever the language.
    #[serde(default)]
    required: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Clone)]
pub struct SameLanguage {
    pub terms: Sets,
    /// Wording that always satisfies the rule, whatever the language.
    pub required: Sets,
}

impl Kind for SameLanguage {
    const NAME: &'static str = "same-language";
    type Params = Params;

    fn compile(params: Params, context: &mut CompileContext) -> Option<Self> {
        let terms = context.sets("terms", params.terms);
        Some(SameLanguage { terms, required: context.optional_sets(params.required) })
    }

    fn trigger(&self) -> Option<&[SetId]> {
        Some(&self.terms)
    }

    fn term_sets(&self) -> Vec<(&'static str, &Sets)> {
        vec![("terms", &self.terms), ("required", &self.required)]
    }

    fn describe(&self) -> String {
        "Requires a disclosure in the post's own language (or the legally required wording).".into()
    }

    fn run(&self, ctx: &Ctx) -> Option<Detection> {
        if ctx.label_counts || ctx.scan.any(&self.required) {
            return None;
        }
        let found: Vec<&Hit> = ctx.scan.hits_of(&self.terms).collect();
        if found.is_empty() {
            return None;
        }
        let language = ctx.post_language()?;
        if found.iter().any(|hit| ctx.set_language(hit.set) == Some(language)) {
            return None;
        }
        if ctx.post.language.is_none() {
            // A guess made mostly from the label is no guess at the content's.
            let mut labels: Vec<Range<usize>> = found
                .iter()
                .filter(|hit| hit.field == Field::Text)
                .map(|hit| hit.range.clone())
                .collect();
            labels.sort_by_key(|label| label.start);
            if !language::detectable_without(&ctx.scan.text().normalized.text, &labels) {
                return None;
            }
        }
        let found_languages: Vec<&str> = {
            let mut languages: Vec<&str> =
                found.iter().filter_map(|hit| ctx.set_language(hit.set)).collect();
            languages.dedup();
            languages
        };
        let found = distinct(found);
        Detection::at_hits(&found, || {
            format!(
                "the post is in '{language}', the disclosure {} is in '{}'",
                ctx.quote_hits(&found),
                found_languages.join("', '")
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
        (MatchMode::Hashtag, "en", &["#ad"]),
        (MatchMode::Phrase, "fr", &["publicité"]),
        (MatchMode::Phrase, "fr", &["collaboration commerciale"]),
    ];

    fn run(text: &str, language: Option<&str>) -> Option<Detection> {
        let mut post = text_post(text);
        post.language = language.map(str::to_string);
        let fixture = fixture(post, SETS);
        SameLanguage { terms: vec![0, 1].into(), required: vec![2].into() }.run(&fixture.ctx())
    }

    #[test]
    fn flags_an_english_tag_on_a_french_post() {
        let detection =
            run("Mon sérum préféré pour l'hiver, je l'adore #ad", Some("fr-FR")).unwrap();
        assert!(detection.note.unwrap().contains("'fr'"));
    }

    #[test]
    fn a_caption_that_is_mostly_its_label_has_no_language_to_differ_from() {
        let sets = &[(MatchMode::Phrase, "fi", &["mainos"][..])];
        let run = |text: &str| {
            let fixture = fixture(text_post(text), sets);
            SameLanguage { terms: vec![0].into(), required: vec![].into() }.run(&fixture.ctx())
        };
        let label_and_code = "Mainos · code LUNA15 👨‍👩‍👧 👨‍👩‍👧 👨‍👩‍👧";
        let normalized = crate::engine::normalize::Normalized::new(label_and_code).text;
        assert_eq!(language::detect(&normalized).as_deref(), Some("es"), "read whole: Spanish");
        assert!(run(label_and_code).is_none());
        let english = "Mainos · This is my new favourite serum and I use it every single morning, \
                       my skin has never been softer than it is with this";
        let normalized = crate::engine::normalize::Normalized::new(english).text;
        assert_eq!(language::detect(&normalized).as_deref(), Some("en"));
        assert!(run(english).is_some(), "enough content besides the label");
    }

    #[test]
    fn detects_the_language_when_the_post_does_not_say() {
        let text = "Mon sérum préféré pour l'hiver, je l'utilise tous les matins et ma peau est tellement plus douce #ad";
        assert!(run(text, None).is_some());
    }

    #[test]
    fn accepts_matching_or_required_wording_and_skips_unknown_languages() {
        assert!(run("Publicité · Mon sérum préféré #ad", Some("fr")).is_none());
        assert!(run("Collaboration commerciale #ad", Some("fr")).is_none());
        assert!(run("My favourite serum #ad", Some("en")).is_none());
        assert!(run("#ad ✨✨", None).is_none(), "too little text to detect");
        assert!(run("Mon sérum préféré", Some("fr")).is_none(), "nothing to judge");
    }
}
