//! Rule packs: the YAML schema, loading (built in, files, folders),
//! validation with located diagnostics, and compilation into a [`RuleSet`]
//! that the engine evaluates.

mod builtin;
mod compile;
pub mod coverage;

pub mod raw;
pub mod selftest;

use std::path::Path;
use std::sync::Arc;

use crate::diag::{FileError, FileKind};
pub use compile::compile;

use crate::engine::checks::Check;
use crate::engine::checks::require_term::Fields;
use crate::engine::checks::within_fold::Fold;
use crate::engine::matcher::Matcher;
use crate::finding::{Category, Severity};
use crate::post::{Market, MarketGroups, Media, Platform, Relationship};

/// One rule pack file's text and where it came from.
#[derive(Debug, Clone)]
pub struct PackSource {
    /// Display name: `rules/countries/fr.yaml` or the user's path.
    pub name: String,
    pub text: Arc<String>,
    pub builtin: bool,
}

impl PackSource {
    /// The packs compiled into the binary (`rules/`, minus `rules/examples/`).
    pub fn builtin() -> Vec<PackSource> {
        builtin::PACKS
            .iter()
            .map(|(name, text)| PackSource {
                name: (*name).to_string(),
                text: Arc::new((*text).to_string()),
                builtin: true,
            })
            .collect()
    }

    /// A pack file, or every `.yaml`/`.yml` file below a folder (sorted).
    pub fn from_path(path: &Path) -> Result<Vec<PackSource>, FileError> {
        let read = |file: &Path| {
            std::fs::read_to_string(file)
                .map(|text| PackSource {
                    name: file.display().to_string(),
                    text: Arc::new(text),
                    builtin: false,
                })
                .map_err(|error| {
                    FileError::unreadable(
                        FileKind::Pack,
                        &file.display().to_string(),
                        &error.to_string(),
                    )
                })
        };
        if !path.is_dir() {
            return Ok(vec![read(path)?]);
        }
        let mut files: Vec<_> = walkdir::WalkDir::new(path)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| {
                entry.file_type().is_file()
                    && entry.path().extension().is_some_and(|ext| ext == "yaml" || ext == "yml")
                    && entry.file_name() != "markets.yaml"
            })
            .map(|entry| entry.into_path())
            .collect();
        files.sort();
        files.iter().map(|file| read(file)).collect()
    }
}

/// The market groups that ship with the binary (`rules/markets.yaml`).
pub fn builtin_market_groups() -> Result<MarketGroups, FileError> {
    compile::market_groups(builtin::MARKETS_NAME, builtin::MARKETS)
}

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
    pub origin: PackSource,
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

impl From<&raw::RawFold> for Fold {
    fn from(raw: &raw::RawFold) -> Fold {
        Fold { graphemes: raw.graphemes, lines: raw.lines, basis: raw.basis.clone() }
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
            visible_fields: Fields { text: false, title: false, subtitles: false },
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
}

impl When {
    pub fn matches(
        &self,
        relationship: Relationship,
        media: Option<Media>,
        platform: Option<Platform>,
    ) -> bool {
        (self.relationship.is_empty() || self.relationship.contains(&relationship))
            && (self.media.is_empty() || media.is_some_and(|media| self.media.contains(&media)))
            && (self.platform.is_empty()
                || platform.is_some_and(|platform| self.platform.contains(&platform)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAt {
    Start,
    End,
}

#[derive(Debug, Clone)]
pub struct FixSpec {
    pub insert: String,
    pub at: FixAt,
}

/// A rule's own example post, kept as written for `rules test`.
#[derive(Debug, Clone)]
pub struct Example {
    pub post: raw::RawExample,
    /// Byte range of the example in its pack file.
    pub span: Option<std::ops::Range<usize>>,
}

#[derive(Debug)]
pub struct Rule {
    pub id: String,
    /// Index into [`RuleSet::packs`].
    pub pack: usize,
    pub check: Check,
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

/// A term set, after compilation.
#[derive(Debug)]
pub struct TermSet {
    /// `pack/name`.
    pub name: String,
    pub language: Option<String>,
    pub mode: String,
    pub terms: Vec<String>,
}

/// All loaded packs, compiled.
#[derive(Debug)]
pub struct RuleSet {
    pub packs: Vec<Pack>,
    pub rules: Vec<Rule>,
    /// By set id.
    pub term_sets: Vec<TermSet>,
    pub matcher: Matcher,
    pub groups: MarketGroups,
    pub platforms: Vec<(Platform, PlatformFacts)>,
}

impl RuleSet {
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

/// Gathers pack sources: the built-in ones (unless `builtin` is false) and
/// the files at `paths`. A given file that is also built in (checking
/// `rules/` itself) replaces its embedded copy, so edits are what is loaded.
pub fn gather(
    builtin: bool,
    paths: &[std::path::PathBuf],
) -> Result<Vec<PackSource>, Vec<FileError>> {
    let mut sources = if builtin { PackSource::builtin() } else { Vec::new() };
    let mut errors = Vec::new();
    for path in paths {
        match PackSource::from_path(path) {
            Ok(found) => {
                for source in found {
                    sources.retain(|known| !known.builtin || !same_file(&known.name, &source.name));
                    sources.push(source);
                }
            }
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() { Ok(sources) } else { Err(errors) }
}

/// `rules/fr.yaml` and `./rules/fr.yaml` name one file.
fn same_file(builtin: &str, given: &str) -> bool {
    let given = given.trim_start_matches("./");
    given == builtin || Path::new(given).ends_with(builtin)
}

/// Gathers and compiles packs, without running any examples.
pub fn compile_gathered(
    builtin: bool,
    paths: &[std::path::PathBuf],
) -> Result<Arc<RuleSet>, Vec<FileError>> {
    let groups = builtin_market_groups().map_err(|error| vec![error])?;
    Ok(Arc::new(compile(gather(builtin, paths)?, groups)?))
}

/// Loads packs for checking: the non-built-in packs' examples must pass
/// (the built-in ones are proven by the test suite and `rules test`).
pub fn load(builtin: bool, paths: &[std::path::PathBuf]) -> Result<Arc<RuleSet>, Vec<FileError>> {
    load_with(builtin, paths, |_| Ok(()))
}

/// [`load`], letting `configure` change rules (turn them off, change their
/// severity) before the set is shared. Turned-off rules skip their examples.
pub fn load_with(
    builtin: bool,
    paths: &[std::path::PathBuf],
    configure: impl FnOnce(&mut RuleSet) -> Result<(), FileError>,
) -> Result<Arc<RuleSet>, Vec<FileError>> {
    let groups = builtin_market_groups().map_err(|error| vec![error])?;
    let mut rules = compile(gather(builtin, paths)?, groups)?;
    configure(&mut rules).map_err(|error| vec![error])?;
    let rules = Arc::new(rules);
    let report = selftest::run(rules.clone(), |pack| !pack.origin.builtin);
    if report.failures.is_empty() { Ok(rules) } else { Err(report.failures) }
}
