//! The serde mirror of `sponsorlint.yaml`: what the file may say, with
//! locations for the values that validation may reject.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

use crate::diag::yaml::Spanned;
use crate::rules::raw::{RawFold, RawLength};

/// The serde mirror of the file. Sections are optional and may be empty
/// (a section whose every line is commented out is `null`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) defaults: Option<RawDefaults>,
    pub(super) packs: Option<RawPacksSection>,
    pub(super) rules: Option<HashMap<Spanned<String>, Spanned<String>>>,
    /// `limits: { post-text: 4MiB }`.
    pub(super) limits: Option<BTreeMap<String, Spanned<String>>>,
    pub(super) brands: Option<Vec<Spanned<String>>>,
    pub(super) columns: Option<BTreeMap<String, Spanned<String>>>,
    /// `header-row: 3`: the row of CSV files and sheets that holds the header.
    #[serde(rename = "header-row")]
    pub(super) header_row: Option<Spanned<String>>,
    #[serde(rename = "fail-on")]
    pub(super) fail_on: Option<Spanned<String>>,
    pub(super) suppressions: Option<Spanned<String>>,
    pub(super) baseline: Option<Spanned<String>>,
    pub(super) platforms: Option<HashMap<Spanned<String>, Spanned<RawPlatformOverride>>>,
    pub(super) files: Option<RawFiles>,
}

/// `files: { include: [posts/**], exclude: [drafts/old/**] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFiles {
    pub(super) include: Option<Vec<Spanned<String>>>,
    pub(super) exclude: Option<Vec<Spanned<String>>>,
}

/// `platforms: { instagram: { fold: {graphemes: 150, lines: 2} } }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlatformOverride {
    pub(super) fold: Option<RawFold>,
    pub(super) max_length: Option<RawLength>,
    pub(super) title_max_length: Option<RawLength>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDefaults {
    pub(super) country: Option<Spanned<Codes>>,
    pub(super) platform: Option<Spanned<String>>,
    pub(super) relationship: Option<Spanned<String>>,
    pub(super) media: Option<Spanned<String>>,
    pub(super) language: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPacks {
    pub(super) builtin: Option<bool>,
    pub(super) paths: Option<Vec<Spanned<String>>>,
    /// Packs on the web, pinned by digest.
    pub(super) remote: Option<Vec<RawRemotePack>>,
}

/// `{url: https://…/pack.yaml, sha256: HEX}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRemotePack {
    pub(super) url: Spanned<String>,
    pub(super) sha256: Spanned<String>,
}

/// `packs:` is a map (`builtin`, `paths`, `remote`), or a list of remote
/// packs alone: `packs: [{url, sha256}]`.
#[derive(Debug)]
pub(super) struct RawPacksSection(pub(super) RawPacks);

impl<'de> Deserialize<'de> for RawPacksSection {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawPacksSection, D::Error> {
        struct SectionVisitor;
        impl<'de> Visitor<'de> for SectionVisitor {
            type Value = RawPacksSection;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map with builtin, paths or remote, or a list of {url, sha256}")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<RawPacksSection, A::Error> {
                RawPacks::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawPacksSection)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawPacksSection, A::Error> {
                let mut remote = Vec::new();
                while let Some(pack) = seq.next_element::<RawRemotePack>()? {
                    remote.push(pack);
                }
                Ok(RawPacksSection(RawPacks { remote: Some(remote), ..RawPacks::default() }))
            }
        }
        deserializer.deserialize_any(SectionVisitor)
    }
}

/// `country: FR` or `country: [FR, DE]`.
#[derive(Debug)]
pub(super) struct Codes(pub(super) Vec<String>);

impl<'de> Deserialize<'de> for Codes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Codes, D::Error> {
        struct CodesVisitor;
        impl<'de> Visitor<'de> for CodesVisitor {
            type Value = Codes;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a country code or a list of country codes")
            }
            fn visit_str<E: de::Error>(self, code: &str) -> Result<Codes, E> {
                Ok(Codes(vec![code.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Codes, A::Error> {
                let mut codes = Vec::new();
                while let Some(code) = seq.next_element::<String>()? {
                    codes.push(code);
                }
                Ok(Codes(codes))
            }
        }
        deserializer.deserialize_any(CodesVisitor)
    }
}
