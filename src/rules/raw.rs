//! The serde mirror of a rule pack file (schema version 1). Unknown keys are
//! rejected; values that later validation may reject carry their location.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diag::yaml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPack {
    #[serde(default)]
    pub schema_version: Option<Spanned<u32>>,
    pub pack: Spanned<String>,
    pub title: String,
    pub version: Spanned<String>,
    /// Date the law or code applies from (YYYY-MM-DD).
    #[serde(default)]
    pub effective: Option<Spanned<String>>,
    #[serde(default)]
    pub applies_to: RawScope,
    #[serde(default)]
    pub sources: Vec<RawSource>,
    #[serde(default)]
    pub terms: BTreeMap<String, Spanned<RawTermSet>>,
    #[serde(default)]
    pub platform: Option<RawPlatformFacts>,
    #[serde(default)]
    pub rules: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScope {
    #[serde(default)]
    pub countries: Vec<Spanned<String>>,
    #[serde(default)]
    pub platforms: Vec<Spanned<String>>,
    /// A baseline (the EU one): applies to a market only when no other
    /// country pack covers it.
    #[serde(default)]
    pub fallback: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub id: Spanned<String>,
    pub title: String,
    pub url: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTermSet {
    /// BCP 47 primary language subtag (`en`, `fr`), or `und` for none.
    #[serde(default)]
    pub language: Option<String>,
    #[serde(rename = "match")]
    pub mode: Spanned<String>,
    pub any: Vec<Spanned<String>>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPlatformFacts {
    #[serde(default)]
    pub fold: Option<RawFold>,
    #[serde(default)]
    pub max_length: Option<RawLength>,
    #[serde(default)]
    pub title_max_length: Option<RawLength>,
    /// The name of the platform's native paid-partnership label.
    #[serde(default)]
    pub label: Option<String>,
    /// Fields shown in full, before any "… more" (e.g. YouTube's title).
    #[serde(default)]
    pub visible_fields: Vec<Spanned<String>>,
}

/// A length limit: `2200`, or `{ characters: 2200, basis: commonly-cited }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawLength {
    Characters(u32),
    WithBasis {
        characters: u32,
        #[serde(default)]
        basis: Option<String>,
    },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFold {
    pub graphemes: u32,
    #[serde(default)]
    pub lines: Option<u32>,
    /// Where the figure comes from: `commonly-cited`, `official`, `measured`.
    #[serde(default)]
    pub basis: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWhen {
    #[serde(default)]
    pub relationship: Vec<Spanned<String>>,
    #[serde(default)]
    pub media: Vec<Spanned<String>>,
    #[serde(default)]
    pub platform: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFix {
    pub insert: String,
    #[serde(default)]
    pub at: Option<Spanned<String>>,
}

/// One rule. Kind-specific parameters are optional here; the kind's module
/// says which it needs and rejects the ones it does not use.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    pub category: Spanned<String>,
    pub severity: Spanned<String>,
    #[serde(default)]
    pub status: Option<Spanned<String>>,
    #[serde(default)]
    pub replaced_by: Option<String>,
    #[serde(default)]
    pub when: RawWhen,
    pub message: String,
    pub help: String,
    #[serde(default)]
    pub fix: Option<RawFix>,
    pub source: Spanned<String>,
    #[serde(default)]
    pub examples: RawExamples,

    // Kind parameters.
    #[serde(default)]
    pub terms: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub fields: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub ambiguous: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub required: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub signals: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub implies: Option<Spanned<String>>,
    #[serde(default)]
    pub stance: Option<Spanned<String>>,
    #[serde(default)]
    pub label: Option<Spanned<String>>,
    #[serde(default)]
    pub min_tags: Option<Spanned<u32>>,
    #[serde(default)]
    pub fold: Option<Spanned<RawFold>>,
    #[serde(default)]
    pub first: Option<Spanned<u32>>,
    #[serde(default)]
    pub flag: Option<Spanned<String>>,
    #[serde(default)]
    pub unless: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExamples {
    #[serde(default)]
    pub fail: Vec<Spanned<RawExample>>,
    #[serde(default)]
    pub pass: Vec<Spanned<RawExample>>,
}

/// A plain caption, or an object with post keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawExample {
    Text(String),
    Post(serde_json::Map<String, serde_json::Value>),
}

/// `rules/markets.yaml`: market groups such as `EU`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMarkets {
    pub groups: BTreeMap<String, Vec<Spanned<String>>>,
}
