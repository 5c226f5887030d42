//! Folder walking: which files of a folder are read, in which order, and
//! their sizes for progress estimates.

use std::path::{Path, PathBuf};

use walkdir::{DirEntry, WalkDir};

use super::{InputFormat, cannot_read, file_error};
use crate::finding::RecordError;

pub(super) type Walk = walkdir::FilterEntry<walkdir::IntoIter, fn(&DirEntry) -> bool>;

/// The entries of a folder as `read_inputs` reads them: sorted by name,
/// without what [`visible`] leaves out.
pub(super) fn walk(path: &Path) -> Walk {
    let filter: fn(&DirEntry) -> bool = visible;
    WalkDir::new(path).sort_by_file_name().into_iter().filter_entry(filter)
}

/// Walks past hidden entries, build output and the `~$name.xlsx` lock files
/// Excel leaves beside open workbooks, but never refuses a folder the user
/// named.
fn visible(entry: &DirEntry) -> bool {
    let name = entry.file_name().as_encoded_bytes();
    entry.depth() == 0
        || !(name.starts_with(b".")
            || name.starts_with(b"~$")
            || (name == b"target" && entry.file_type().is_dir()))
}

/// The files [`read_inputs`](super::read_inputs) will read and their sizes,
/// as their origins will name them, for progress estimates. `None` when
/// stdin is among the inputs (its size is unknown).
pub fn input_sizes(paths: &[PathBuf]) -> Option<Vec<(String, u64)>> {
    let mut sizes = Vec::new();
    let size = |path: &Path| std::fs::metadata(path).map_or(0, |meta| meta.len());
    for path in paths {
        if path.as_os_str() == "-" {
            return None;
        }
        if !path.is_dir() {
            sizes.push((path.display().to_string(), size(path)));
            continue;
        }
        for entry in walk(path).flatten() {
            if entry.file_type().is_file() && InputFormat::from_path(entry.path()).is_some() {
                sizes.push((entry.path().display().to_string(), size(entry.path())));
            }
        }
    }
    Some(sizes)
}

pub(super) fn walk_error(error: &walkdir::Error) -> RecordError {
    let path = error.path().map(|path| path.display().to_string()).unwrap_or_default();
    let message = match error.io_error() {
        Some(io_error) => cannot_read(&path, io_error),
        None => error.to_string(),
    };
    file_error(path, message)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use crate::input::tests::read_all;

    #[test]
    fn folders_are_walked_in_name_order_skipping_hidden_and_target() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/.git")).unwrap();
        fs::create_dir_all(root.join("target")).unwrap();
        fs::write(root.join("b/2.txt"), "two").unwrap();
        fs::write(root.join("b/.git/x.txt"), "hidden").unwrap();
        fs::write(root.join("target/x.txt"), "build").unwrap();
        fs::write(root.join("a.md"), "---\nid: a\n---\none").unwrap();
        fs::write(root.join("c.jsonl"), "{\"text\": \"three\"}\n{\"text\": \"four\"}\n").unwrap();
        fs::write(root.join("d.csv"), "Caption\nfive\n").unwrap();
        fs::write(root.join("~$e.xlsx"), "Excel's lock file").unwrap();
        fs::write(root.join("notes.rtf"), "x").unwrap();
        fs::write(root.join(".hidden.txt"), "hidden").unwrap();

        let (records, notes) = read_all(&[root.to_path_buf()], None);
        let texts: Vec<&str> = records.iter().map(|r| r.as_ref().unwrap().text.as_str()).collect();
        assert_eq!(texts, ["one", "two", "three", "four", "five"]);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("notes.rtf"), "{notes:?}");
        let origin = &records[1].as_ref().unwrap().origin;
        assert_eq!(origin.path, root.join("b/2.txt").display().to_string());
    }
}
