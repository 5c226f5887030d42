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
    /// What every rule of the pack says unless it says otherwise.
    #[serde(default)]
    pub defaults: RawDefaults,
    #[serde(default)]
    pub rules: Vec<Spanned<RawRule>>,
}

/// `defaults:` — values for the rules of the pack that do not give their
/// own: each filter of `when` on its own, and `severity`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    #[serde(default)]
    pub when: RawWhen,
    #[serde(default)]
    pub severity: Option<Spanned<String>>,
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
    /// `optional`: accented letters also match without their accent.
    #[serde(default)]
    pub accents: Option<Spanned<String>>,
    /// `optional`: a phrase's words also match run together or joined by `_`.
    #[serde(default)]
    pub spaces: Option<Spanned<String>>,
    /// `true`: the set's hits ("not", "kein") cancel the hits of other sets
    /// a few words after them. Read as text so that a wrong value is said
    /// at its place with the choices.
    #[serde(default)]
    pub negates: Option<Spanned<String>>,
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

/// Filters on the post. A filter that is not given is `None`: a rule then
/// takes its pack's default, if any; an empty list is no filter at all.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWhen {
    #[serde(default)]
    pub relationship: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub media: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub platform: Option<Vec<Spanned<String>>>,
    /// `none`: only posts that name no market (and got none from the
    /// command line or configuration).
    #[serde(default)]
    pub markets: Option<Spanned<String>>,
}

/// `fix:` — insert a label somewhere, or replace the finding's span.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFix {
    #[serde(default)]
    pub insert: Option<String>,
    /// Replaces the finding's span (an ambiguous tag, an obfuscated label).
    #[serde(default)]
    pub replace: Option<String>,
    /// The wording for a post in another language: `fr: "Publicité · "`.
    #[serde(default)]
    pub languages: BTreeMap<String, String>,
    /// The wording for a gifted post, where the market has a gift label.
    #[serde(default)]
    pub gifted: Option<String>,
    /// `start`, `end`, `before-fold`, `hashtags` or `after-mentions`.
    #[serde(default)]
    pub at: Option<Spanned<String>>,
    /// With `at: hashtags`: the label goes among the first this many hashtags.
    #[serde(default)]
    pub hashtags: Option<u32>,
    /// `true`: the finding's span (a label too far down) is taken out
    /// where it is, so the label moves rather than appearing twice.
    #[serde(default, rename = "move")]
    pub moves: bool,
    /// `safe` or `unsafe`; inserting is safe, replacing and moving unsafe,
    /// unless said.
    #[serde(default)]
    pub applicability: Option<Spanned<String>>,
}

/// What every rule says, whatever its kind. The rule's other keys are its
/// kind's parameters: the engine reads them (and rejects unknown ones) in a
/// second pass over the pack, so unknown keys are let through here.
#[derive(Debug, Deserialize)]
pub struct RawRule {
    pub id: Spanned<String>,
    pub kind: Spanned<String>,
    pub category: Spanned<String>,
    /// Required unless the pack has a default severity.
    #[serde(default)]
    pub severity: Option<Spanned<String>>,
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
}

impl RawRule {
    /// The keys of [`RawRule`]: every other key of a rule is a parameter
    /// of its kind.
    pub const KEYS: &[&str] = &[
        "id",
        "kind",
        "category",
        "severity",
        "status",
        "replaced_by",
        "when",
        "message",
        "help",
        "fix",
        "source",
        "examples",
    ];
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

#[cfg(test)]
mod tests {
    use serde::de::{self, Deserializer, Error as _, Visitor};

    use super::*;

    /// Captures the field names serde hands to `deserialize_struct`.
    struct FieldProbe<'a>(&'a mut &'static [&'static str]);

    impl<'de> Deserializer<'de> for FieldProbe<'_> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(Self::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(Self::Error::custom("probed"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    #[test]
    fn the_rule_keys_are_the_fields_of_a_rule() {
        let mut fields: &'static [&'static str] = &[];
        assert!(RawRule::deserialize(FieldProbe(&mut fields)).is_err());
        assert_eq!(fields, RawRule::KEYS);
    }
}
