//! Rule packs as data: the YAML schema, where pack texts come from
//! (built in, files, folders), and validation of everything a pack says
//! besides its rules' kind parameters, with located diagnostics. The result
//! is a [`RuleBook`]; the engine compiles it (term sets into its matcher,
//! each rule's kind parameters into a check).

mod builtin;
mod markets;
mod packs;
pub mod raw;
mod rule;
mod sources;

use std::ops::Range;

pub use markets::builtin_market_groups;
pub use packs::compile;
pub use sources::{Examples, PackSource, gather, within_markets};

use crate::diag::Problems;
use crate::diag::yaml::Spanned;
use crate::finding::{Category, Field, Severity};
use crate::post::{Market, MarketGroups, Media, Platform, Relationship};

#[derive(Debug, Clone)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub url: String,
}

#[derive(Debug)]
pub struct Pack {
    pub id: String,
    pub title: String,
    pub version: String,
    pub effective: Option<String>,
    /// Markets after group expansion; empty = not market-scoped.
    pub markets: Vec<Market>,
    /// The countries and groups as written (`EU`).
    pub scope_names: Vec<String>,
    pub platforms: Vec<Platform>,
    /// Applies to a market only when no other country pack covers it.
    pub fallback: bool,
    pub sources: Vec<Source>,
    /// Every rule of the pack in the order written, valid or not: what the
    /// engine needs to read the kind parameters of each.
    pub declared: Vec<DeclaredRule>,
    pub origin: PackSource,
}

/// A rule's kind as written, and the rule when it was valid.
#[derive(Debug, Clone)]
pub struct DeclaredRule {
    pub kind: String,
    pub kind_span: Option<Range<usize>>,
    /// Index into [`RuleBook::rules`]; `None` when the rule has problems.
    pub rule: Option<usize>,
}

/// A platform's length limit, in characters.
#[derive(Debug, Clone, PartialEq)]
pub struct Length {
    pub characters: u32,
    /// Where the figure comes from, e.g. `commonly-cited`.
    pub basis: Option<String>,
}

impl From<&raw::RawLength> for Length {
    fn from(raw: &raw::RawLength) -> Length {
        match raw {
            raw::RawLength::Characters(characters) => {
                Length { characters: *characters, basis: None }
            }
            raw::RawLength::WithBasis { characters, basis } => {
                Length { characters: *characters, basis: basis.clone() }
            }
        }
    }
}

/// How much of a caption a platform shows before "… more".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    pub graphemes: u32,
    pub lines: Option<u32>,
    /// Where the figure comes from, e.g. `commonly-cited`.
    pub basis: Option<String>,
}

impl From<&raw::RawFold> for Fold {
    fn from(raw: &raw::RawFold) -> Fold {
        Fold { graphemes: raw.graphemes, lines: raw.lines, basis: raw.basis.clone() }
    }
}

/// Which fields of a post a rule reads, or a platform always shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields {
    pub text: bool,
    pub title: bool,
    pub subtitles: bool,
}

impl Fields {
    pub const ALL: Fields = Fields { text: true, title: true, subtitles: true };
    pub const NONE: Fields = Fields { text: false, title: false, subtitles: false };

    pub fn contains(&self, field: Field) -> bool {
        match field {
            Field::Text => self.text,
            Field::Title => self.title,
            Field::Subtitle(_) => self.subtitles,
        }
    }

    /// Reads a list of field names, reporting unknown ones.
    pub fn parse(names: &[Spanned<String>], problems: &mut Problems) -> Fields {
        let mut fields = Fields::NONE;
        for name in names {
            match name.value.as_str() {
                "text" => fields.text = true,
                "title" => fields.title = true,
                "subtitles" => fields.subtitles = true,
                other => problems.add(
                    problems.span_of(name),
                    format!("unknown field '{other}'; expected text, title or subtitles"),
                    "unknown field",
                    None,
                ),
            }
        }
        fields
    }
}

/// Facts about a platform, from its pack's `platform:` section.
#[derive(Debug, Clone)]
pub struct PlatformFacts {
    pub fold: Option<Fold>,
    pub max_length: Option<Length>,
    pub title_max_length: Option<Length>,
    pub label: Option<String>,
    /// Fields shown in full whatever their length (YouTube's title).
    pub visible_fields: Fields,
}

impl Default for PlatformFacts {
    fn default() -> Self {
        PlatformFacts {
            fold: None,
            max_length: None,
            title_max_length: None,
            label: None,
            visible_fields: Fields::NONE,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Stable,
    /// Facts not yet confirmed: never an error.
    Preview,
}

/// Filters on the post.
#[derive(Debug, Clone, Default)]
pub struct When {
    pub relationship: Vec<Relationship>,
    pub media: Vec<Media>,
    pub platform: Vec<Platform>,
    /// Only posts without a market (`markets: none`).
    pub no_market: bool,
}

impl When {
    /// Whether a post of this relationship, media and platform passes the
    /// filters; `no_market`: the post names no market.
    pub fn matches(
        &self,
        relationship: Relationship,
        media: Option<Media>,
        platform: Option<Platform>,
        no_market: bool,
    ) -> bool {
        (!self.no_market || no_market)
            && (self.relationship.is_empty() || self.relationship.contains(&relationship))
            && (self.media.is_empty() || media.is_some_and(|media| self.media.contains(&media)))
            && (self.platform.is_empty()
                || platform.is_some_and(|platform| self.platform.contains(&platform)))
    }
}

/// Where a fix puts its wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAt {
    /// At the very start, as written (`Publicité · `).
    Start,
    /// At the end, after a space.
    End,
    /// At the end of the first line when that is within the platform's
    /// fold, otherwise at the start.
    BeforeFold,
    /// Before the first hashtag, so that it is among the first this many.
    Hashtags(u32),
    /// At the start, but after the @mentions or the quotation that open the
    /// post, where the market accepts the label there.
    AfterMentions,
    /// In place of the finding's span.
    Span,
}

/// A rule's fix, as data: what to write, where, and whether it is safe.
#[derive(Debug, Clone)]
pub struct FixSpec {
    pub wording: String,
    /// The wording for a post in another language, by primary subtag.
    pub languages: Vec<(String, String)>,
    /// The wording for a gifted post.
    pub gifted: Option<String>,
    pub at: FixAt,
    /// The finding's span is taken out: the label moves.
    pub moves: bool,
    pub applicability: crate::finding::Applicability,
}

impl FixSpec {
    /// The wording for a post in `language` with `relationship`.
    pub fn wording_for(&self, language: Option<&str>, relationship: Relationship) -> &str {
        if relationship == Relationship::Gifted
            && let Some(gifted) = &self.gifted
        {
            return gifted;
        }
        let by_language = language.and_then(|language| {
            self.languages.iter().find(|(code, _)| code == language).map(|(_, text)| text)
        });
        by_language.unwrap_or(&self.wording)
    }
}

/// A rule's own example post, kept as written for `rules test`.
#[derive(Debug, Clone)]
pub struct Example {
    pub post: raw::RawExample,
    /// Byte range of the example in its pack file.
    pub span: Option<Range<usize>>,
}

/// One rule as its pack declares it. Its kind parameters are read by the
/// engine, which compiles the rule's check from the pack text.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    /// Position in [`RuleBook::rules`].
    pub index: usize,
    /// Where the id is written in the pack.
    pub id_span: Option<Range<usize>>,
    /// Index into [`RuleBook::packs`].
    pub pack: usize,
    /// The rule's kind (`require-term`).
    pub kind: String,
    pub category: Category,
    pub severity: Severity,
    /// False when the configuration turned the rule off: it is never planned.
    pub enabled: bool,
    pub status: Status,
    pub when: When,
    pub message: String,
    pub help: String,
    pub fix: Option<FixSpec>,
    pub source: Source,
    pub replaced_by: Option<String>,
    pub pass_examples: Vec<Example>,
    pub fail_examples: Vec<Example>,
}

/// A named list of terms with one match mode.
#[derive(Debug)]
pub struct TermSet {
    /// `pack/name`.
    pub name: String,
    /// Index into [`RuleBook::packs`].
    pub pack: usize,
    pub language: Option<String>,
    /// The match mode as written (`hashtag`, `phrase`…) and where.
    pub mode: String,
    pub mode_span: Option<Range<usize>>,
    /// `accents: optional`: accented letters also match without the accent.
    pub accents_optional: bool,
    /// `spaces: optional`: a phrase's words also match run together or
    /// joined by `_`.
    pub spaces_optional: bool,
    /// `negates: true`: the set's hits cancel the hits of other sets a few
    /// words after them in the same sentence ("not sponsored").
    pub negates: bool,
    pub terms: Vec<String>,
    /// Where each term is written, in the order of `terms`.
    pub term_spans: Vec<Option<Range<usize>>>,
}

/// All loaded packs, validated: what the engine compiles.
#[derive(Debug)]
pub struct RuleBook {
    pub packs: Vec<Pack>,
    pub rules: Vec<Rule>,
    /// In declaration order: a set's position is its id.
    pub term_sets: Vec<TermSet>,
    pub groups: MarketGroups,
    pub platforms: Vec<(Platform, PlatformFacts)>,
}

impl RuleBook {
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }

    /// Up to three rule ids close to `id`, closest first, for "did you mean".
    pub fn similar_ids(&self, id: &str) -> Vec<&str> {
        let mut close: Vec<(f64, &str)> = self
            .rules
            .iter()
            .map(|rule| (strsim::jaro_winkler(id, &rule.id), rule.id.as_str()))
            .filter(|(score, _)| *score > 0.8)
            .collect();
        close.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        close.into_iter().take(3).map(|(_, id)| id).collect()
    }

    /// The help for a file naming a rule that is not loaded.
    pub fn unknown_rule_help(&self, id: &str) -> String {
        let list = "`sponsorlint rules list` shows every loaded rule";
        match self.similar_ids(id).as_slice() {
            [] => list.to_string(),
            close => format!("did you mean {}? {list}", close.join(", ")),
        }
    }

    pub fn pack_of(&self, rule: &Rule) -> &Pack {
        &self.packs[rule.pack]
    }

    /// Whether a market-scoped pack applies to `market`: it lists it, and
    /// if it is a fallback (the EU baseline), no country pack covers it.
    pub fn applies_in(&self, pack: &Pack, market: Market) -> bool {
        pack.markets.contains(&market)
            && !(pack.fallback
                && self.packs.iter().any(|other| {
                    !other.fallback && other.platforms.is_empty() && other.markets.contains(&market)
                }))
    }

    pub fn platform_facts(&self, platform: Option<Platform>) -> Option<&PlatformFacts> {
        let platform = platform?;
        self.platforms.iter().find(|(name, _)| *name == platform).map(|(_, facts)| facts)
    }
}

/// The built-in packs as a rule book, for tests of what reads one.
#[cfg(test)]
pub(crate) fn builtin_book() -> RuleBook {
    let groups = builtin_market_groups().expect("built-in market groups");
    let (book, errors) = compile(PackSource::builtin(Examples::Read), groups);
    assert!(errors.is_empty(), "built-in packs: {errors:?}");
    book
}
