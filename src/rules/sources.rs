//! Where pack texts come from: the packs built into the binary, files and
//! folders given by the user.

use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use serde::de::{DeserializeOwned, DeserializeSeed};

use super::builtin;
use super::raw::RawScope;
use crate::diag::prebuilt::Prebuilt;
use crate::diag::read_once::read_once;
use crate::diag::yaml::{self, Spanned, YamlError};
use crate::diag::{FileError, FileKind, io_reason};
use crate::limits::display_size;
use crate::post::{Market, MarketGroups};

/// One rule pack file's text and where it came from.
#[derive(Debug, Clone)]
pub struct PackSource {
    /// Display name: `rules/countries/fr.yaml` or the user's path.
    pub name: String,
    /// Borrowed from the binary for a built-in pack.
    pub text: Arc<Cow<'static, str>>,
    pub builtin: bool,
    /// A built-in pack as build.rs read it (its rules without examples),
    /// which a check reads instead of parsing the YAML.
    pub prebuilt: Option<Arc<Prebuilt>>,
    /// Without `prebuilt`, the YAML read once on first use, which every
    /// later reading steps through (`diag::read_once`); `None` inside when
    /// only the YAML reader reads the document as it must be read.
    read_once: Arc<OnceLock<Option<Prebuilt>>>,
}

/// How the built-in packs are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Examples {
    /// From the form build.rs read, without the rules' examples: to check
    /// posts, where only the user's packs prove theirs.
    Skip,
    /// From their YAML, examples included: to run, count or show them.
    Read,
}

impl PackSource {
    /// The packs compiled into the binary (`rules/`, minus `rules/examples/`).
    pub fn builtin(examples: Examples) -> Vec<PackSource> {
        builtin::PACKS
            .iter()
            .map(|(name, text, read)| PackSource {
                name: (*name).to_string(),
                text: Arc::new(Cow::Borrowed(*text)),
                builtin: true,
                // `None`: build.rs could not read it; the YAML reader says why.
                prebuilt: read
                    .filter(|_| examples == Examples::Skip)
                    .map(|(texts, tree)| Arc::new(Prebuilt::new(texts, tree))),
                read_once: Arc::default(),
            })
            .collect()
    }

    /// A pack the user wrote, read from its YAML.
    pub fn user(name: impl Into<String>, text: String) -> PackSource {
        let text = Arc::new(Cow::Owned(text));
        PackSource {
            name: name.into(),
            text,
            builtin: false,
            prebuilt: None,
            read_once: Arc::default(),
        }
    }

    /// Reads the pack into `T`, from its prebuilt form when it has one,
    /// else from its YAML read once, else (or when that fails) by the YAML
    /// reader, which then says what is wrong.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, YamlError> {
        self.read(|tree| tree.parse(), || yaml::parse(&self.text))
    }

    /// [`PackSource::parse`] with a seed (see `yaml::parse_seed`).
    pub fn parse_seed<S, V>(&self, seed: S) -> Result<V, YamlError>
    where
        S: for<'v> DeserializeSeed<'v, Value = V> + Clone,
    {
        let for_yaml = seed.clone();
        self.read(|tree| tree.parse_seed(seed.clone()), || yaml::parse_seed(&self.text, for_yaml))
    }

    /// `from_tree` on the prebuilt form or the YAML read once, and
    /// `from_yaml` when there is neither or reading the one read once fails.
    fn read<V>(
        &self,
        from_tree: impl Fn(&Prebuilt) -> Result<V, YamlError>,
        from_yaml: impl FnOnce() -> Result<V, YamlError>,
    ) -> Result<V, YamlError> {
        if let Some(prebuilt) = &self.prebuilt {
            return from_tree(prebuilt);
        }
        match self.read_once.get_or_init(|| read_once(&self.text)) {
            Some(tree) => from_tree(tree).or_else(|_| from_yaml()),
            None => from_yaml(),
        }
    }

    /// Lets go of the YAML read once (for a large pack, megabytes), once
    /// the pack is compiled; a later reading parses it again.
    pub fn forget_read_once(&mut self) {
        self.read_once = Arc::default();
    }

    /// A pack file, or every `.yaml`/`.yml` file below a folder (sorted).
    /// A file larger than `max_bytes` is refused unread.
    pub fn from_path(path: &Path, max_bytes: u64) -> Result<Vec<PackSource>, FileError> {
        let read = |file: &Path| {
            let name = file.display().to_string();
            let unreadable = |reason: String| FileError::unreadable(FileKind::Pack, &name, &reason);
            let mut text = String::new();
            std::fs::File::open(file)
                .and_then(|opened| {
                    opened.take(max_bytes.saturating_add(1)).read_to_string(&mut text)
                })
                .map_err(|error| unreadable(io_reason(&error)))?;
            if text.len() as u64 > max_bytes {
                return Err(unreadable(format!(
                    "it is larger than the rule-pack limit of {}; raise it with --limit rule-pack=SIZE",
                    display_size(max_bytes)
                )));
            }
            Ok(PackSource::user(name, text))
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

/// Gathers pack sources: the built-in ones (unless `builtin` is false) and
/// the files at `paths`. A given file that is also built in (checking
/// `rules/` itself) replaces its embedded copy, so edits are what is loaded.
pub fn gather(
    builtin: bool,
    examples: Examples,
    paths: &[PathBuf],
    max_bytes: u64,
) -> Result<Vec<PackSource>, Vec<FileError>> {
    let mut sources = if builtin { PackSource::builtin(examples) } else { Vec::new() };
    let mut errors = Vec::new();
    for path in paths {
        match PackSource::from_path(path, max_bytes) {
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

/// The packs of `sources` a run reads when every post it checks is of one
/// of `markets`: the built-in country packs of other markets are left out,
/// unless `needed` names them. User packs, packs not scoped to countries
/// (global, platform and term packs) and fallback packs are always read.
pub fn within_markets(
    sources: Vec<PackSource>,
    markets: &[Market],
    needed: &[String],
    groups: &MarketGroups,
) -> Vec<PackSource> {
    /// What decides whether a pack is read: read alone, the rest of the
    /// prebuilt pack is stepped over.
    #[derive(Deserialize)]
    struct Header {
        pack: String,
        #[serde(default)]
        applies_to: RawScope,
    }
    let applies = |source: &PackSource| {
        // A pack that cannot be read is kept: reading it says what is wrong.
        let Ok(Header { pack, applies_to }) = source.parse::<Header>() else { return true };
        let of_a_market = |code: &Spanned<String>| {
            groups.resolve(&code.value).is_ok_and(|found| found.iter().any(|m| markets.contains(m)))
        };
        applies_to.fallback
            || applies_to.countries.is_empty()
            || needed.contains(&pack)
            || applies_to.countries.iter().any(of_a_market)
    };
    sources.into_iter().filter(|source| !source.builtin || applies(source)).collect()
}

/// `rules/fr.yaml` and `./rules/fr.yaml` name one file.
fn same_file(builtin: &str, given: &str) -> bool {
    let given = given.trim_start_matches("./");
    given == builtin || Path::new(given).ends_with(builtin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pack_over_the_limit_is_refused_unread_and_says_how_to_raise_it() {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("big.yaml");
        std::fs::write(&file, "pack: big\n".repeat(200)).unwrap();
        let error = PackSource::from_path(&file, 1024).unwrap_err();
        let message = &error.problems[0].message;
        assert!(message.contains("larger than the rule-pack limit of 1 KiB"), "{message}");
        assert!(message.contains("--limit rule-pack=SIZE"), "{message}");
        assert_eq!(PackSource::from_path(&file, 2000).unwrap()[0].text.len(), 2000);
    }

    #[test]
    fn a_missing_pack_says_so_in_plain_words() {
        let error = PackSource::from_path(Path::new("no/such/pack.yaml"), 1024).unwrap_err();
        let message = &error.problems[0].message;
        assert!(message.ends_with("there is no such file"), "{message}");
    }
}
