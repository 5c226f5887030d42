//! The files a run writes — the report (`--output`) and a recorded baseline:
//! never one the run reads, and always written through a temporary file in
//! the same folder that is renamed into place once complete, so a run cut
//! short leaves the old file whole (or none) rather than half a new one.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use sponsorlint::config::Config;
use sponsorlint::input::input_reading;

/// What a run reads besides its inputs, for [`refuse_overwrite`].
pub(super) struct Reads<'a> {
    pub inputs: &'a [PathBuf],
    pub packs: Vec<&'a Path>,
    pub config: &'a Config,
    /// The baseline the run filters through (`--baseline`), if any.
    pub baseline: Option<&'a Path>,
}

/// Why `target` (named by `what`, e.g. `--output`) must not be written: it
/// is an input, a file an input folder would read, a rule pack, the
/// configuration, the suppressions or the baseline of the run. Paths are
/// compared canonicalised; a target that does not exist yet by its folder.
pub(super) fn refuse_overwrite(what: &str, target: &Path, reads: &Reads) -> Result<(), String> {
    let Some(canonical) = canonical(target) else { return Ok(()) };
    let shown = target.display();
    if let Some(input) = input_reading(reads.inputs, &canonical) {
        let input_shown = input.display();
        return Err(if input.is_dir() {
            format!(
                "{what} {shown} is a file that the input folder {input_shown} would read; writing it would destroy it or feed the report back in; choose a file outside the folder, or one it does not read (such as a .sarif or a hidden file)"
            )
        } else {
            format!(
                "{what} {shown} is also an input of this run ({input_shown}); writing it would destroy it; choose another file"
            )
        });
    }
    for pack in &reads.packs {
        if pack_loads(pack, &canonical) {
            return Err(format!(
                "{what} {shown} is the rule pack {}; writing it would destroy it; choose another file",
                pack.display()
            ));
        }
    }
    let config = reads.config;
    let others = [
        (config.path.as_deref(), "the configuration file"),
        (config.suppressions.as_deref(), "the suppressions file"),
        (reads.baseline.or(config.baseline.as_deref()), "the baseline this run reads"),
    ];
    for (path, name) in others {
        if path.and_then(canonical_existing).is_some_and(|path| path == canonical) {
            return Err(format!(
                "{what} {shown} is {name}; writing it would destroy it; choose another file"
            ));
        }
    }
    Ok(())
}

/// Whether loading the pack path `pack` (a file, or a folder of `.yaml` and
/// `.yml` files) reads the file `target` (canonical).
fn pack_loads(pack: &Path, target: &Path) -> bool {
    let Some(pack) = canonical_existing(pack) else { return false };
    if pack == target {
        return true;
    }
    pack.is_dir()
        && target.starts_with(&pack)
        && target.extension().is_some_and(|ext| ext == "yaml" || ext == "yml")
}

/// Whether two paths name one file, existing or not.
pub(super) fn same_place(a: &Path, b: &Path) -> bool {
    a == b || canonical(a).is_some_and(|a| canonical(b).is_some_and(|b| a == b))
}

/// The canonical form of an existing path.
fn canonical_existing(path: &Path) -> Option<PathBuf> {
    path.canonicalize().ok()
}

/// The canonical form of a path that may not exist yet: its folder's,
/// joined with its name.
fn canonical(path: &Path) -> Option<PathBuf> {
    if let Some(existing) = canonical_existing(path) {
        return Some(existing);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    Some(canonical_existing(parent)?.join(name))
}

/// Whether an existing file can be replaced by a recorded baseline: it is
/// one already (it starts as `sponsorlint baseline` writes them). Anything
/// else is most likely an input whose path took the baseline's place.
pub(super) fn is_baseline_or_absent(path: &Path) -> bool {
    use std::io::Read as _;
    let Ok(file) = File::open(path) else { return true };
    let mut start = Vec::new();
    if file.take(4096).read_to_end(&mut start).is_err() {
        return false;
    }
    let text = String::from_utf8_lossy(&start);
    text.trim_start().starts_with('{')
        && text.contains("\"version\"")
        && text.contains("\"findings\"")
}

/// A file being written: a temporary file beside it, renamed over it by
/// [`Pending::commit`]. Dropped without a commit, the temporary file is
/// removed and the file is left as it was. Devices, pipes and other
/// non-regular files (`/dev/null`), and symbolic links (`/dev/stdout`, or a
/// link whose target must stay where it is), are written directly, in
/// place.
pub(super) enum Pending {
    Replace { temp: NamedTempFile, target: PathBuf },
    Direct,
}

/// Opens `path` for writing as [`Pending`]; the returned file is where the
/// content goes.
pub(super) fn create(path: &Path) -> io::Result<(File, Pending)> {
    let link = std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink());
    let existing = std::fs::metadata(path).ok();
    if link || existing.as_ref().is_some_and(|meta| !meta.is_file()) {
        return Ok((File::create(path)?, Pending::Direct));
    }
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".sponsorlint-").suffix(".tmp");
    // The permissions a new file would get (0666 less the umask), or the
    // replaced file's own.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let temp = builder.tempfile_in(folder)?;
    if let Some(meta) = existing {
        temp.as_file().set_permissions(meta.permissions())?;
    }
    let file = temp.as_file().try_clone()?;
    Ok((file, Pending::Replace { temp, target: path.to_path_buf() }))
}

impl Pending {
    /// Puts the complete file in place.
    pub(super) fn commit(self) -> io::Result<()> {
        match self {
            Pending::Replace { temp, target } => {
                temp.as_file().sync_all()?;
                temp.persist(&target).map(drop).map_err(|error| error.error)
            }
            Pending::Direct => Ok(()),
        }
    }
}

/// Writes a whole file through [`create`] and [`Pending::commit`].
pub(super) fn write_file(path: &Path, content: &[u8]) -> io::Result<()> {
    let (mut file, pending) = create(path)?;
    file.write_all(content)?;
    drop(file);
    pending.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_canonicalised_by_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().canonicalize().unwrap();
        std::fs::create_dir(folder.join("sub")).unwrap();
        let path = folder.join("sub/../new.json");
        assert_eq!(canonical(&path), Some(folder.join("new.json")));
        assert_eq!(canonical(&folder.join("missing/new.json")), None);
    }

    #[test]
    fn files_are_replaced_whole_and_keep_their_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.txt");
        write_file(&path, b"first").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path) & 0o600, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
            write_file(&path, b"second").unwrap();
            assert_eq!(mode(&path), 0o640);
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second");
        let (mut file, pending) = create(&path).unwrap();
        file.write_all(b"never committed").unwrap();
        drop((file, pending));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left");
    }

    #[cfg(unix)]
    #[test]
    fn links_and_devices_are_written_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink("real.txt", &link).unwrap();
        write_file(&link, b"through the link").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        let real = std::fs::read_to_string(dir.path().join("real.txt")).unwrap();
        assert_eq!(real, "through the link");
        write_file(Path::new("/dev/null"), b"nothing").unwrap();
    }

    #[test]
    fn only_a_baseline_may_be_replaced_by_a_baseline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        assert!(is_baseline_or_absent(&path));
        std::fs::write(&path, "{\n  \"version\": 1,\n  \"findings\": []\n}\n").unwrap();
        assert!(is_baseline_or_absent(&path));
        std::fs::write(&path, "{\"id\":\"a\",\"text\":\"#ad serum\"}\n").unwrap();
        assert!(!is_baseline_or_absent(&path));
        std::fs::write(&path, "").unwrap();
        assert!(!is_baseline_or_absent(&path));
    }
}
