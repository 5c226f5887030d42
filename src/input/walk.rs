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

/// The input among `paths` that reads the file `target` (canonical; it need
/// not exist yet): `target` itself, or a folder whose walk would pick it —
/// by its place below the folder and its extension, or through a symbolic
/// link in the folder. Stdin and inputs that cannot be resolved read
/// nothing.
pub fn input_reading<'a>(paths: &'a [PathBuf], target: &Path) -> Option<&'a Path> {
    paths.iter().map(PathBuf::as_path).find(|path| {
        if path.as_os_str() == "-" {
            return false;
        }
        let Ok(canonical) = path.canonicalize() else { return false };
        if canonical == target {
            return true;
        }
        if !canonical.is_dir() {
            return false;
        }
        if target.strip_prefix(&canonical).is_ok_and(walk_picks) {
            return true;
        }
        walk(path).flatten().any(|entry| {
            entry.path_is_symlink()
                && InputFormat::from_path(entry.path()).is_some()
                && entry.path().canonicalize().is_ok_and(|linked| linked == target)
        })
    })
}

/// Whether a folder walk picks the file at `relative` below the folder:
/// no part of the path is left out by [`visible`] and its extension is an
/// input format's.
fn walk_picks(relative: &Path) -> bool {
    let parts: Vec<&[u8]> =
        relative.components().map(|part| part.as_os_str().as_encoded_bytes()).collect();
    let Some((_, folders)) = parts.split_last() else { return false };
    let hidden = |name: &&[u8]| name.starts_with(b".") || name.starts_with(b"~$");
    !parts.iter().any(hidden)
        && !folders.contains(&&b"target"[..])
        && InputFormat::from_path(relative).is_some()
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

    use super::*;
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

    #[test]
    fn the_input_that_reads_a_file_is_found_whether_the_file_exists_or_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        fs::create_dir_all(root.join("posts/.cache")).unwrap();
        fs::write(root.join("posts/a.txt"), "a").unwrap();
        fs::write(root.join("single.jsonl"), "").unwrap();
        let inputs = [PathBuf::from("-"), root.join("single.jsonl"), root.join("posts")];
        let reading = |target: &str| input_reading(&inputs, &root.join(target));
        assert_eq!(reading("single.jsonl"), Some(inputs[1].as_path()));
        assert_eq!(reading("posts/a.txt"), Some(inputs[2].as_path()));
        assert_eq!(reading("posts/new/report.json"), Some(inputs[2].as_path()));
        assert_eq!(reading("posts/report.sarif"), None, "not an input format");
        assert_eq!(reading("posts/.cache/report.json"), None, "hidden");
        assert_eq!(reading("posts/target/report.json"), None, "build output");
        assert_eq!(reading("report.json"), None);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("elsewhere.json"), root.join("posts/link.json"))
                .unwrap();
            fs::write(root.join("elsewhere.json"), "[]").unwrap();
            assert_eq!(reading("elsewhere.json"), Some(inputs[2].as_path()), "through a link");
        }
    }
}
