//! `platform-label`: how the platform's own paid-partnership label counts in
//! a market — `sufficient` on its own, `warn` (counts, but add a text
//! disclosure too), or `insufficient` (a text disclosure is still needed).

use serde::Deserialize;

use super::{CompileContext, Ctx, Detection, Kind, Sets};
use crate::diag::yaml::Spanned;
use crate::engine::matcher::SetId;
use crate::post::{Post, UnknownValue};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stance {
    Sufficient,
    Warn,
    Insufficient,
}

impl std::str::FromStr for Stance {
    type Err = UnknownValue;

    fn from_str(value: &str) -> Result<Stance, UnknownValue> {
        match value {
            "sufficient" => Ok(Stance::Sufficient),
            "warn" => Ok(Stance::Warn),
            "insufficient" => Ok(Stance::Insufficient),
            other => Err(UnknownValue {
                what: "stance",
                value: other.to_string(),
                allowed: "sufficient, warn, insufficient".to_string(),
            }),
        }
    }
}

impl Stance {
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Sufficient => "sufficient",
            Stance::Warn => "sufficient with conditions (warn)",
            Stance::Insufficient => "not sufficient on its own",
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Params {
    /// How the label counts: sufficient, warn or insufficient.
    #[serde(default)]
    stance: Option<Spanned<String>>,
    /// The disclosure terms that make a label unnecessary to mention.
    #[serde(default)]
    terms: Option<Vec<Spanned<String>>>,
    /// The `platform_label` value this rule is about.
    #[serde(default)]
    label: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PlatformLabel {
    pub stance: Stance,
    pub terms: Sets,
    /// The `platform_label` value this rule is about.
    pub label: String,
}

impl PlatformLabel {
    pub const DEFAULT_LABEL: &'static str = "paid_partnership";

    pub fn label_present(&self, post: &Post) -> bool {
        post.platform_label
            .as_deref()
            .is_some_and(|value| label_key(value) == label_key(&self.label))
    }

    /// Whether the label stands in for a text disclosure in this market.
    pub fn counts(&self, post: &Post) -> bool {
        self.stance != Stance::Insufficient && self.label_present(post)
    }

}

impl Kind for PlatformLabel {
    const NAME: &'static str = "platform-label";
    type Params = Params;

    fn compile(params: Params, context: &mut CompileContext) -> Option<Self> {
        let terms = context.sets("terms", params.terms);
        let label = params.label.unwrap_or_else(|| PlatformLabel::DEFAULT_LABEL.to_string());
        let Some(stance) = params.stance else {
            context.missing("kind `platform-label` needs `stance`: sufficient, warn or insufficient");
            return None;
        };
        match stance.value.parse::<Stance>() {
            Ok(parsed) => Some(PlatformLabel { stance: parsed, terms, label }),
            Err(error) => {
                context.problem(&stance, error.to_string(), "unknown stance");
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
        format!(
            "Decides how the platform's own paid-partnership label counts here: {}.",
            self.stance.as_str()
        )
    }

    fn never_fires(&self) -> bool {
        self.stance == Stance::Sufficient
    }

    fn run(&self, ctx: &Ctx) -> Option<Detection> {
        if self.stance == Stance::Sufficient
            || !self.label_present(ctx.post)
            || ctx.scan.any(&self.terms)
        {
            return None;
        }
        Some(Detection::at_start(Some(format!(
            "the post relies on the platform's '{}' label",
            self.label
        ))))
    }
}

/// "Paid partnership", "paid-partnership" and "paid_partnership" are one label.
fn label_key(value: &str) -> String {
    value.trim().to_lowercase().replace([' ', '-'], "_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::checks::testing::{fixture, text_post};
    use crate::engine::matcher::MatchMode;

    fn rule(stance: Stance) -> PlatformLabel {
        PlatformLabel { stance, terms: vec![0].into(), label: PlatformLabel::DEFAULT_LABEL.into() }
    }

    fn run(stance: Stance, text: &str, label: Option<&str>) -> Option<Detection> {
        let mut post = text_post(text);
        post.platform_label = label.map(str::to_string);
        let fixture = fixture(post, &[(MatchMode::Hashtag, "en", &["#ad"])]);
        rule(stance).run(&fixture.ctx())
    }

    #[test]
    fn stances_decide_whether_it_fires() {
        assert!(run(Stance::Sufficient, "serum", Some("paid_partnership")).is_none());
        assert!(run(Stance::Warn, "serum", Some("Paid partnership")).is_some());
        assert!(run(Stance::Insufficient, "serum", Some("paid_partnership")).is_some());
        assert!(run(Stance::Insufficient, "#ad serum", Some("paid_partnership")).is_none());
        assert!(run(Stance::Insufficient, "serum", None).is_none());
    }

    #[test]
    fn only_non_insufficient_labels_count() {
        let mut post = text_post("serum");
        post.platform_label = Some("paid_partnership".into());
        assert!(rule(Stance::Sufficient).counts(&post));
        assert!(rule(Stance::Warn).counts(&post));
        assert!(!rule(Stance::Insufficient).counts(&post));
        assert!(!rule(Stance::Sufficient).counts(&text_post("serum")));
    }
}
