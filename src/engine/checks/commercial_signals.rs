//! `commercial-signals`: for posts whose relationship is unknown, finds what
//! makes them commercial — affiliate links, discount codes, "link in bio"
//! offers — and flags them when no disclosure is present.

use serde::Deserialize;

use super::{CompileContext, Ctx, Detection, Kind, distinct};
use crate::diag::yaml::Spanned;
use crate::engine::matcher::SetId;
use crate::engine::scan::PostScan;
use crate::post::Relationship;

#[derive(Debug, Deserialize)]
pub struct Params {
    /// Signals that make a post commercial (affiliate links, codes).
    #[serde(default)]
    signals: Option<Vec<Spanned<String>>>,
    /// The accepted disclosure terms.
    #[serde(default)]
    terms: Option<Vec<Spanned<String>>>,
    /// The relationship the other rules assume once signals are found.
    #[serde(default)]
    implies: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct CommercialSignals {
    pub signals: Vec<SetId>,
    pub terms: Vec<SetId>,
    /// The relationship the other rules assume once signals are found.
    pub implies: Relationship,
}

impl CommercialSignals {
    /// The relationship a post with `declared` relationship is checked as.
    pub fn implied(&self, declared: Relationship, scan: &PostScan) -> Option<Relationship> {
        (declared == Relationship::Unknown && scan.any(&self.signals)).then_some(self.implies)
    }

}

impl Kind for CommercialSignals {
    const NAME: &'static str = "commercial-signals";
    type Params = Params;

    fn compile(params: Params, context: &mut CompileContext) -> Option<Self> {
        let signals = context.sets("signals", params.signals);
        let terms = context.sets("terms", params.terms);
        let implies = match params.implies {
            None => Relationship::Paid,
            Some(implies) => match implies.value.parse::<Relationship>() {
                Ok(relationship)
                    if !matches!(relationship, Relationship::Unknown | Relationship::None) =>
                {
                    relationship
                }
                Ok(_) => {
                    context.problem(&implies, "`implies` must be a commercial relationship", "not commercial");
                    return None;
                }
                Err(error) => {
                    context.problem(&implies, error.to_string(), "unknown relationship");
                    return None;
                }
            },
        };
        Some(CommercialSignals { signals, terms, implies })
    }

    fn trigger(&self) -> Option<&[SetId]> {
        Some(&self.signals)
    }

    fn term_sets(&self) -> Vec<(&'static str, &[SetId])> {
        vec![("signals", &self.signals), ("terms", &self.terms)]
    }

    fn describe(&self) -> String {
        "Finds commercial signals (affiliate links, discount codes, shop/link-in-bio offers) in posts with an unknown relationship.".into()
    }

    fn run(&self, ctx: &Ctx) -> Option<Detection> {
        if ctx.post.relationship != Relationship::Unknown
            || ctx.label_counts
            || ctx.scan.any(&self.terms)
        {
            return None;
        }
        let found = distinct(ctx.scan.hits_of(&self.signals));
        let note = format!("signals: {}", ctx.quote_hits(&found));
        Detection::at_hits(&found, Some(note))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::checks::testing::{fixture, text_post};
    use crate::engine::matcher::MatchMode;

    const SETS: &[(MatchMode, &str, &[&str])] = &[
        (MatchMode::Url, "und", &["amzn.to"]),
        (MatchMode::Regex, "en", &[r"\buse (?:my )?code [a-z0-9]{3,}"]),
        (MatchMode::Hashtag, "en", &["#ad"]),
    ];

    fn rule() -> CommercialSignals {
        CommercialSignals { signals: vec![0, 1], terms: vec![2], implies: Relationship::Paid }
    }

    #[test]
    fn names_every_signal_of_an_undisclosed_post() {
        let fixture = fixture(text_post("Obsessed! amzn.to/3xYz — use my code LUNA15"), SETS);
        let detection = rule().run(&fixture.ctx()).unwrap();
        assert_eq!(fixture.flagged(&detection), "amzn.to/3xYz");
        assert_eq!(detection.related.len(), 1);
        assert_eq!(detection.note.unwrap(), "signals: `amzn.to/3xYz`, `use my code LUNA15`");
        assert_eq!(rule().implied(Relationship::Unknown, &fixture.scan), Some(Relationship::Paid));
    }

    #[test]
    fn plain_personal_posts_and_disclosed_or_declared_posts_pass() {
        let personal = fixture(text_post("Sunday walk with the dog 🐶"), SETS);
        assert!(rule().run(&personal.ctx()).is_none());
        assert_eq!(rule().implied(Relationship::Unknown, &personal.scan), None);
        let disclosed = fixture(text_post("#ad use my code LUNA15"), SETS);
        assert!(rule().run(&disclosed.ctx()).is_none());
        let mut declared = text_post("use my code LUNA15");
        declared.relationship = Relationship::Paid;
        let declared = fixture(declared, SETS);
        assert!(rule().run(&declared.ctx()).is_none());
        assert_eq!(rule().implied(Relationship::Paid, &declared.scan), None);
    }
}
