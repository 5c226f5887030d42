//! Which files hold posts: the configuration's `files.include` and
//! `files.exclude` globs, matched against paths relative to the
//! configuration's folder. They pick the files of a folder walk and, with
//! `--force-exclude` (pre-commit, editors), the files named on the command
//! line too, so that README.md or package.json is never read as a post.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// Where named files are posts when the configuration has no
/// `files.include` and `--force-exclude` is given.
pub const DEFAULT_INCLUDE: &[&str] =
    &["posts/**", "drafts/**", "content/**", "_posts/**", "_drafts/**"];

/// [`DEFAULT_INCLUDE`] compiled once: every read context has a selection,
/// and compiling globs costs about 300 k instructions (a user pack's
/// examples, each read as a post, made thousands).
static DEFAULT_INCLUDE_SET: LazyLock<Option<GlobSet>> = LazyLock::new(|| {
    let defaults: Vec<String> = DEFAULT_INCLUDE.iter().map(|glob| glob.to_string()).collect();
    glob_set(&defaults).expect("the default globs are valid")
});

/// The configuration's file globs, compiled.
#[derive(Debug, Clone)]
pub struct FileSelection {
    /// The folder the globs are relative to; the working folder when `None`.
    base: Option<PathBuf>,
    include: Vec<String>,
    exclude: Vec<String>,
    include_set: Option<GlobSet>,
    exclude_set: Option<GlobSet>,
    /// Whether files named on the command line are selected too.
    pub force: bool,
}

impl Default for FileSelection {
    /// No globs of the configuration's: [`DEFAULT_INCLUDE`] alone.
    fn default() -> FileSelection {
        // Constant globs, compiled in the tests below.
        FileSelection::new(None, Vec::new(), Vec::new()).expect("the default globs are valid")
    }
}

impl PartialEq for FileSelection {
    fn eq(&self, other: &FileSelection) -> bool {
        (&self.base, &self.include, &self.exclude, self.force)
            == (&other.base, &other.include, &other.exclude, other.force)
    }
}

impl FileSelection {
    /// Compiles the globs; the error names the glob that is not one.
    pub fn new(
        base: Option<PathBuf>,
        include: Vec<String>,
        exclude: Vec<String>,
    ) -> Result<FileSelection, String> {
        Ok(FileSelection {
            base,
            include_set: glob_set(&include)?,
            exclude_set: glob_set(&exclude)?,
            include,
            exclude,
            force: false,
        })
    }

    /// Whether a file met in a folder walk is read: it matches
    /// `files.include` when there is one, and not `files.exclude`.
    pub fn admits_walked(&self, path: &Path) -> bool {
        self.admits(path, self.include_set.as_ref())
    }

    /// Whether a file named on the command line is read: always, unless
    /// `force`; then it must match `files.include` (or, without one,
    /// [`DEFAULT_INCLUDE`]) and not `files.exclude`.
    pub fn admits_named(&self, path: &Path) -> bool {
        if !self.force {
            return true;
        }
        let include = self.include_set.as_ref().or(DEFAULT_INCLUDE_SET.as_ref());
        self.admits(path, include)
    }

    fn admits(&self, path: &Path, include: Option<&GlobSet>) -> bool {
        if include.is_none() && self.exclude_set.is_none() {
            return true;
        }
        let cwd = std::env::current_dir().unwrap_or_default();
        let absolute = cwd.join(path);
        let base = self.base.as_ref().map_or(cwd.clone(), |base| cwd.join(base));
        let relative = absolute.strip_prefix(&base).unwrap_or(&absolute);
        include.is_none_or(|globs| globs.is_match(relative))
            && !self.exclude_set.as_ref().is_some_and(|globs| globs.is_match(relative))
    }
}

/// `None` for no globs. `*` stays within a folder; `**` crosses folders.
fn glob_set(globs: &[String]) -> Result<Option<GlobSet>, String> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut set = GlobSetBuilder::new();
    for glob in globs {
        let compiled = GlobBuilder::new(glob)
            .literal_separator(true)
            .build()
            .map_err(|error| format!("'{glob}' is not a glob: {}", error.kind()))?;
        set.add(compiled);
    }
    set.build().map(Some).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selection(include: &[&str], exclude: &[&str], force: bool) -> FileSelection {
        let strings = |globs: &[&str]| globs.iter().map(|glob| glob.to_string()).collect();
        let base = std::env::current_dir().unwrap().join("site");
        let mut selection = FileSelection::new(Some(base), strings(include), strings(exclude))
            .expect("valid globs");
        selection.force = force;
        selection
    }

    #[test]
    fn named_files_are_selected_only_when_forced_by_the_default_or_configured_globs() {
        let mut no_config = FileSelection::default();
        assert!(no_config.admits_named(Path::new("README.md")));
        no_config.force = true;
        assert!(no_config.admits_named(Path::new("drafts/a.md")));
        assert!(!no_config.admits_named(Path::new("README.md")));
        let unforced = selection(&[], &[], false);
        assert!(unforced.admits_named(Path::new("site/README.md")));
        let default = selection(&[], &["drafts/old/**"], true);
        assert!(default.admits_named(Path::new("site/posts/a.md")));
        assert!(default.admits_named(Path::new("site/content/blog/2024/b.markdown")));
        assert!(!default.admits_named(Path::new("site/README.md")));
        assert!(!default.admits_named(Path::new("site/package.json")));
        assert!(!default.admits_named(Path::new("site/drafts/old/c.md")), "excluded");
        assert!(!default.admits_named(Path::new("posts/outside-the-base.md")));
        let configured = selection(&["calendar/*.csv"], &[], true);
        assert!(configured.admits_named(Path::new("site/calendar/q1.csv")));
        assert!(!configured.admits_named(Path::new("site/calendar/2024/q1.csv")), "* is one level");
        assert!(
            !configured.admits_named(Path::new("site/posts/a.md")),
            "include replaces the default"
        );
    }

    #[test]
    fn walked_files_follow_configured_globs_only() {
        let none = selection(&[], &[], true);
        assert!(none.admits_walked(Path::new("site/notes/a.md")), "no default for walks");
        let exclude = selection(&[], &["**/*.draft.md"], false);
        assert!(!exclude.admits_walked(Path::new("site/posts/a.draft.md")));
        assert!(exclude.admits_walked(Path::new("site/posts/a.md")));
        assert!(FileSelection::new(None, vec!["posts/{a".into()], vec![]).is_err());
    }
}
