//! Where pack texts come from: the packs built into the binary, files and
//! folders given by the user.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::builtin;
use crate::diag::{FileError, FileKind};

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

/// Gathers pack sources: the built-in ones (unless `builtin` is false) and
/// the files at `paths`. A given file that is also built in (checking
/// `rules/` itself) replaces its embedded copy, so edits are what is loaded.
pub fn gather(builtin: bool, paths: &[PathBuf]) -> Result<Vec<PackSource>, Vec<FileError>> {
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
