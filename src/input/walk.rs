//! Folder walking: which files of a folder are read, in which order, and
//! their sizes for progress estimates. Folders are walked as ripgrep walks
//! them (the `ignore` crate): what `.gitignore` (in a git repository),
//! `.ignore`, `.git/info/exclude` and git's global excludes leave out is
//! skipped unless `--no-ignore`, and hidden entries always.

use std::path::{Path, PathBuf};

use ignore::{DirEntry, WalkBuilder};

use super::{InputFormat, cannot_read, file_error};
use crate::finding::RecordError;

pub(super) type Walk = ignore::Walk;

/// The entries of a folder as `read_inputs` reads them: sorted by name,
/// without hidden entries, what [`visible`] leaves out and, unless
/// `no_ignore`, what ignore files leave out.
pub(super) fn walk(path: &Path, no_ignore: bool) -> Walk {
    WalkBuilder::new(path)
        .standard_filters(!no_ignore)
        .hidden(true)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(visible)
        .build()
}

/// Walks past build output and the `~$name.xlsx` lock files Excel leaves
/// beside open workbooks, but never refuses a folder the user named.
fn visible(entry: &DirEntry) -> bool {
    let name = entry.file_name().as_encoded_bytes();
    let is_dir = entry.file_type().is_some_and(|kind| kind.is_dir());
    entry.depth() == 0 || !(name.starts_with(b"~$") || (name == b"target" && is_dir))
}

/// The files [`read_inputs`](super::read_inputs) will read and their sizes,
/// as their origins will name them, for progress estimates. `None` when
/// stdin is among the inputs (its size is unknown).
pub fn input_sizes(paths: &[PathBuf], no_ignore: bool) -> Option<Vec<(String, u64)>> {
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
        for entry in walk(path, no_ignore).flatten() {
            if entry.file_type().is_some_and(|kind| kind.is_file())
                && InputFormat::from_path(entry.path()).is_some()
            {
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
/// nothing. Ignore files are not consulted: a file they leave out today
/// may be read once they change.
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
        walk(path, true).flatten().any(|entry| {
            entry.path_is_symlink()
                && InputFormat::from_path(entry.path()).is_some()
                && entry.path().canonicalize().is_ok_and(|linked| linked == target)
        })
    })
}

/// Whether a folder walk picks the file at `relative` below the folder:
/// no part of the path is hidden or left out by [`visible`], and its
/// extension is an input format's.
fn walk_picks(relative: &Path) -> bool {
    let parts: Vec<&[u8]> =
        relative.components().map(|part| part.as_os_str().as_encoded_bytes()).collect();
    let Some((_, folders)) = parts.split_last() else { return false };
    let hidden = |name: &&[u8]| name.starts_with(b".") || name.starts_with(b"~$");
    !parts.iter().any(hidden)
        && !folders.contains(&&b"target"[..])
        && InputFormat::from_path(relative).is_some()
}

/// A folder that cannot be walked: an error record naming it.
pub(super) fn walk_error(error: &ignore::Error) -> RecordError {
    let path = error_path(error).map(|path| path.display().to_string()).unwrap_or_default();
    let message = match error.io_error() {
        Some(io_error) => cannot_read(&path, io_error),
        None => error.to_string(),
    };
    file_error(path, message)
}

fn error_path(error: &ignore::Error) -> Option<&Path> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errors) => errors.iter().find_map(error_path),
        _ => None,
    }
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

    /// The texts of the posts read from `root`, and the notes.
    fn walked(root: &Path, no_ignore: bool) -> (Vec<String>, Vec<String>) {
        let ctx = crate::input::ReadContext { no_ignore, ..Default::default() };
        let mut notes = Vec::new();
        let mut on_note = |note: String| notes.push(note);
        let inputs = [root.to_path_buf()];
        let texts = crate::input::read_inputs(&inputs, None, &ctx, &mut on_note)
            .map(|raw| raw.parse(&ctx).unwrap().text)
            .collect();
        (texts, notes)
    }

    #[test]
    fn ignore_files_leave_files_out_as_in_ripgrep_unless_no_ignore() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join(".git")).unwrap();
        fs::create_dir_all(root.join("drafts/old")).unwrap();
        fs::create_dir_all(root.join(".cache")).unwrap();
        fs::write(root.join(".gitignore"), "drafts/old/\n*.bak.md\n!keep.bak.md\n").unwrap();
        fs::write(root.join(".ignore"), "scratch.txt\n").unwrap();
        for (file, text) in [
            ("d.txt", "d"),
            ("drafts/a.md", "a"),
            ("drafts/old/b.md", "b"),
            ("keep.bak.md", "keep"),
            ("scratch.txt", "scratch"),
            ("x.bak.md", "x"),
            (".cache/c.txt", "hidden"),
        ] {
            fs::write(root.join(file), text).unwrap();
        }
        assert_eq!(walked(root, false).0, ["d", "a", "keep"]);
        assert_eq!(walked(root, true).0, ["d", "a", "b", "keep", "scratch", "x"]);

        // Outside a git repository `.gitignore` does not apply (as in
        // ripgrep), `.ignore` does; a pattern that is not a glob is a note.
        fs::remove_dir(root.join(".git")).unwrap();
        fs::write(root.join(".ignore"), "scratch{\nscratch.txt\n").unwrap();
        let (texts, notes) = walked(root, false);
        assert_eq!(texts, ["d", "a", "b", "keep", "x"]);
        assert!(notes.iter().any(|note| note.contains("scratch{")), "{notes:?}");
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
