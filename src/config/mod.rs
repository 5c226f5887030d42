//! The configuration file, `sponsorlint.yaml`: where it is found, what it
//! may say (every problem located at its line and column), and what it
//! changes — post defaults, which packs load, rule overrides, the
//! suppressions and baseline files. Command-line options override it; the
//! CLI does the merging, this module knows nothing of flags.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::diag::Problems;
use crate::diag::yaml::{self, Spanned, span_of};
use crate::diag::{FileError, FileKind};
use crate::fetch::remote_pack::RemotePack;
use crate::finding::Severity;
use crate::input::{ColumnMap, Defaults, FileSelection};
use crate::limits::{Limits, parse_size};
use crate::post::{Media, Platform, Relationship};

/// The names discovery looks for, in each folder from the working directory
/// up to the filesystem root.
pub const FILE_NAMES: [&str; 2] = ["sponsorlint.yaml", ".sponsorlint.yaml"];

mod overrides;
mod raw;

use raw::{RawConfig, RawDefaults, RawFiles, RawPacksSection, RawPlatformOverride};

/// What `sponsorlint init` writes.
pub const STARTER: &str = include_str!("starter.yaml");

/// A loaded configuration; [`Config::default`] is "no file".
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from.
    pub path: Option<PathBuf>,
    /// Its name and text, kept for diagnostics found after loading (rule
    /// overrides are checked once the packs are loaded).
    name: String,
    source: String,
    /// What a post gets when it does not say; markets already expanded.
    pub defaults: Defaults,
    /// Load the packs compiled into the binary.
    pub builtin_packs: bool,
    /// Extra pack files or folders, resolved against the file's folder.
    pub pack_paths: Vec<PathBuf>,
    /// Packs on the web, pinned by digest (`packs: [{url, sha256}]`).
    pub remote_packs: Vec<RemotePack>,
    pub rule_overrides: Vec<RuleOverride>,
    /// Platform figures that replace the packs' (a fold measured in-house).
    pub platform_overrides: Vec<PlatformOverride>,
    /// Column mappings for CSV and spreadsheets: post key → column name.
    pub columns: ColumnMap,
    /// The row of CSV files and sheets that holds the header (`header-row`).
    pub header_row: Option<u64>,
    pub fail_on: Option<Severity>,
    /// The suppressions file, resolved against the file's folder.
    pub suppressions: Option<PathBuf>,
    /// The baseline file, resolved against the file's folder.
    pub baseline: Option<PathBuf>,
    /// How much of one post, line or pack is read (`limits:`); the command
    /// line's `--limit` goes on top.
    pub limits: Limits,
    /// Which files hold posts (`files:`), relative to the file's folder.
    pub files: FileSelection,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            path: None,
            name: String::new(),
            source: String::new(),
            defaults: Defaults::default(),
            builtin_packs: true,
            pack_paths: Vec::new(),
            remote_packs: Vec::new(),
            rule_overrides: Vec::new(),
            platform_overrides: Vec::new(),
            columns: ColumnMap::default(),
            header_row: None,
            fail_on: None,
            suppressions: None,
            baseline: None,
            limits: Limits::default(),
            files: FileSelection::default(),
        }
    }
}

/// What the configuration does to one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    Severity(Severity),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleOverride {
    pub rule: String,
    pub setting: RuleSetting,
    /// Where the rule id is written, for errors found once packs are loaded.
    span: Option<Range<usize>>,
}

impl Config {
    /// The configuration for a run: the `explicit` file, none at all with
    /// `ignore`, or the one [`discover`]ed from `cwd`.
    pub fn find(explicit: Option<&Path>, ignore: bool, cwd: &Path) -> Result<Config, FileError> {
        let path = match explicit {
            Some(path) => Some(path.to_path_buf()),
            None if ignore => None,
            None => discover(cwd)?,
        };
        match path {
            Some(path) => Config::load(&path),
            None => Ok(Config::default()),
        }
    }

    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config, FileError> {
        let name = path.display().to_string();
        let source = std::fs::read_to_string(path)
            .map_err(|error| FileError::unreadable(FileKind::Config, &name, &error.to_string()))?;
        let folder = path.parent().unwrap_or(Path::new(""));
        let mut config = Config::parse(&name, source, folder)?;
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Validates a configuration's text; relative paths in it are resolved
    /// against `folder`.
    pub fn parse(name: &str, source: String, folder: &Path) -> Result<Config, FileError> {
        let mut problems = Problems::of(FileKind::Config, name, &source);
        let mut config = Config::default();
        match yaml::parse_core::<RawConfig>(&source) {
            Ok(raw) => config.read(raw, &source, folder, &mut problems),
            Err(error) => problems.add(error.span, error.message, "here", None),
        }
        problems.into_result()?;
        config.name = name.to_string();
        config.source = source;
        Ok(config)
    }

    fn read(&mut self, raw: RawConfig, source: &str, folder: &Path, problems: &mut Problems) {
        if let Some(defaults) = raw.defaults {
            self.read_defaults(defaults, source, problems);
        }
        if let Some(RawPacksSection(packs)) = raw.packs {
            self.builtin_packs = packs.builtin.unwrap_or(true);
            for path in packs.paths.unwrap_or_default() {
                self.pack_paths.extend(resolve(folder, source, &path, "packs.paths", problems));
            }
            for pack in packs.remote.unwrap_or_default() {
                match RemotePack::new(&pack.url.value, &pack.sha256.value) {
                    Ok(remote) => self.remote_packs.push(remote),
                    Err(error) => problems.add(
                        span_of(source, &pack.url),
                        format!("packs: {error}"),
                        "here",
                        None,
                    ),
                }
            }
        }
        let mut platforms: Vec<_> = raw.platforms.unwrap_or_default().into_iter().collect();
        platforms.sort_by_key(|(name, _)| span_of(source, name).map(|span| span.start));
        for (name, facts) in platforms {
            match name.value.parse::<Platform>() {
                Ok(platform) => {
                    self.platform_overrides.push(PlatformOverride { platform, facts: facts.value })
                }
                Err(error) => problems.add(
                    span_of(source, &name),
                    format!("platforms: {error}"),
                    "unknown platform",
                    None,
                ),
            }
        }
        let mut overrides: Vec<_> = raw.rules.unwrap_or_default().into_iter().collect();
        overrides.sort_by_key(|(rule, _)| span_of(source, rule).map(|span| span.start));
        for (rule, setting) in overrides {
            let parsed = match setting.value.trim().to_ascii_lowercase().as_str() {
                "off" => Ok(RuleSetting::Off),
                other => other.parse::<Severity>().map(RuleSetting::Severity),
            };
            match parsed {
                Ok(setting) => self.rule_overrides.push(RuleOverride {
                    span: span_of(source, &rule),
                    rule: rule.value,
                    setting,
                }),
                Err(_) => problems.add(
                    span_of(source, &setting),
                    format!("rule '{}': unknown setting '{}'", rule.value, setting.value),
                    "not off, error, warning or info",
                    Some(
                        "write `off` to turn the rule off, or a severity: error, warning, info"
                            .into(),
                    ),
                ),
            }
        }
        for brand in raw.brands.unwrap_or_default() {
            match brand.value.trim() {
                "" => {
                    problems.add(span_of(source, &brand), "brands: a brand is empty", "empty", None)
                }
                name => self.defaults.brands.push(name.to_string()),
            }
        }
        for (key, column) in raw.columns.unwrap_or_default() {
            match column.value.trim() {
                "" => problems.add(
                    span_of(source, &column),
                    format!("columns: '{key}' names no column"),
                    "empty",
                    None,
                ),
                name => {
                    if let Err(error) = self.columns.set(&key, name) {
                        problems.add(
                            span_of(source, &column),
                            format!("columns: {error}"),
                            "not a post key",
                            None,
                        );
                    }
                }
            }
        }
        if let Some(row) = raw.header_row {
            match row.value.trim().parse::<u64>() {
                Ok(number) if number > 0 => self.header_row = Some(number),
                _ => problems.add(
                    span_of(source, &row),
                    format!("header-row: expected a row number such as 3, found '{}'", row.value),
                    "not a row number",
                    Some("rows count from 1, as the spreadsheet shows them".into()),
                ),
            }
        }
        if let Some(level) = raw.fail_on {
            self.fail_on = parsed(source, &level, "fail-on", problems);
        }
        if let Some(path) = raw.suppressions {
            self.suppressions = resolve(folder, source, &path, "suppressions", problems);
        }
        if let Some(path) = raw.baseline {
            self.baseline = resolve(folder, source, &path, "baseline", problems);
        }
        if let Some(files) = raw.files {
            self.read_files(files, source, folder, problems);
        }
        for (name, size) in raw.limits.into_iter().flatten() {
            let set = parse_size(&size.value).and_then(|bytes| self.limits.set(&name, bytes));
            if let Err(error) = set {
                problems.add(span_of(source, &size), error.to_string(), "not a limit", None);
            }
        }
    }

    /// `files:` globs; each one that is not a glob is a problem at its place.
    fn read_files(&mut self, raw: RawFiles, source: &str, folder: &Path, problems: &mut Problems) {
        let mut valid = |globs: Option<Vec<Spanned<String>>>, key: &str| -> Vec<String> {
            let mut kept = Vec::new();
            for glob in globs.unwrap_or_default() {
                match FileSelection::new(None, vec![glob.value.clone()], Vec::new()) {
                    Ok(_) => kept.push(glob.value),
                    Err(error) => problems.add(
                        span_of(source, &glob),
                        format!("{key}: {error}"),
                        "here",
                        None,
                    ),
                }
            }
            kept
        };
        let include = valid(raw.include, "files.include");
        let exclude = valid(raw.exclude, "files.exclude");
        // Valid one by one, so valid together.
        if let Ok(files) = FileSelection::new(Some(folder.to_path_buf()), include, exclude) {
            self.files = files;
        }
    }

    fn read_defaults(&mut self, raw: RawDefaults, source: &str, problems: &mut Problems) {
        if let Some(country) = raw.country {
            let groups = crate::rules::builtin_market_groups().unwrap_or_default();
            for code in &country.value.0 {
                match groups.resolve(code) {
                    Ok(markets) => {
                        for &market in markets.iter() {
                            if !self.defaults.markets.contains(&market) {
                                self.defaults.markets.push(market);
                            }
                        }
                    }
                    Err(error) => problems.add(
                        span_of(source, &country),
                        format!("defaults.country: {error}"),
                        "not a country code or group",
                        None,
                    ),
                }
            }
        }
        let defaults = &mut self.defaults;
        if let Some(platform) = &raw.platform {
            defaults.platform = parsed::<Platform>(source, platform, "defaults.platform", problems);
        }
        if let Some(relationship) = &raw.relationship {
            defaults.relationship =
                parsed::<Relationship>(source, relationship, "defaults.relationship", problems);
        }
        if let Some(media) = &raw.media {
            defaults.media = parsed::<Media>(source, media, "defaults.media", problems);
        }
        if let Some(language) = raw.language {
            if is_language_tag(&language.value) {
                defaults.language = Some(language.value.clone());
            } else {
                problems.add(
                    span_of(source, &language),
                    format!("defaults.language: '{}' is not a BCP 47 language tag", language.value),
                    "not a language tag",
                    Some("write a tag such as en, fr, pt-BR".into()),
                );
            }
        }
    }

    /// Fills what the command line left unset (`flags`) from the
    /// configuration: the flags win field by field.
    pub fn fill_defaults(&self, flags: Defaults) -> Defaults {
        let ours = &self.defaults;
        Defaults {
            markets: if flags.markets.is_empty() { ours.markets.clone() } else { flags.markets },
            platform: flags.platform.or(ours.platform),
            relationship: flags.relationship.or(ours.relationship),
            media: flags.media.or(ours.media),
            language: flags.language.or_else(|| ours.language.clone()),
            brands: if flags.brands.is_empty() { ours.brands.clone() } else { flags.brands },
        }
    }
}

/// The configuration file that applies in `start`: the nearest folder, from
/// `start` up to the filesystem root, holding one of [`FILE_NAMES`]. Git
/// roots do not stop the search, so one file above several repositories
/// serves them all. The path is relative to `start` (`sponsorlint.yaml`,
/// `../../sponsorlint.yaml`), as diagnostics show it. Both names in one
/// folder is an error: which one wins would be a guess.
pub fn discover(start: &Path) -> Result<Option<PathBuf>, FileError> {
    for (depth, folder) in start.ancestors().enumerate() {
        let relative = PathBuf::from("../".repeat(depth));
        let found: Vec<&str> =
            FILE_NAMES.into_iter().filter(|name| folder.join(name).is_file()).collect();
        match found.as_slice() {
            [] => {}
            [name] => return Ok(Some(relative.join(name))),
            [first, second, ..] => {
                let message =
                    format!("both {first} and {second} exist in {}; keep one", folder.display());
                let path = relative.join(first).display().to_string();
                return Err(FileError::whole_file(FileKind::Config, &path, message));
            }
        }
    }
    Ok(None)
}

/// A path written in the file, relative to the file's `folder`.
fn resolve(
    folder: &Path,
    source: &str,
    path: &Spanned<String>,
    key: &str,
    problems: &mut Problems,
) -> Option<PathBuf> {
    if path.value.trim().is_empty() {
        problems.add(span_of(source, path), format!("{key}: the path is empty"), "empty", None);
        return None;
    }
    Some(folder.join(&path.value))
}

/// Parses a spanned value of a closed vocabulary, locating the error.
fn parsed<T: FromStr<Err: fmt::Display>>(
    source: &str,
    value: &Spanned<String>,
    key: &str,
    problems: &mut Problems,
) -> Option<T> {
    match value.value.parse::<T>() {
        Ok(parsed) => Some(parsed),
        Err(error) => {
            problems.add(span_of(source, value), format!("{key}: {error}"), "unknown value", None);
            None
        }
    }
}

/// A loose BCP 47 check: a 2–3 letter language, then alphanumeric subtags.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split(['-', '_']);
    let language = parts.next().unwrap_or("");
    (2..=3).contains(&language.len())
        && language.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|part| {
            (1..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// Figures for one platform that replace those of its pack.
#[derive(Debug, Clone)]
pub struct PlatformOverride {
    pub platform: Platform,
    facts: RawPlatformOverride,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::post::Market;

    fn parse(source: &str) -> Result<Config, FileError> {
        Config::parse("sponsorlint.yaml", source.to_string(), Path::new("/project"))
    }

    fn first_problem(source: &str) -> crate::diag::Problem {
        let error = parse(source).expect_err("invalid");
        assert_eq!(error.kind, FileKind::Config);
        error.problems.into_iter().next().expect("a problem")
    }

    #[test]
    fn every_key_is_read_and_paths_resolve_against_the_file_folder() {
        let config = parse(
            "defaults:\n  country: [NO, eu]\n  platform: instagram\n  relationship: paid\n  media: reel\n  language: pt-BR\n\
             packs:\n  builtin: false\n  paths: [house.yaml, packs/]\n\
             rules:\n  fr/missing-disclosure: off\n  us/ambiguous-disclosure: warning\n\
             brands: [Glow Lab]\ncolumns:\n  text: Caption\nheader-row: 3\n\
             fail-on: warning\nsuppressions: s.yaml\nbaseline: b.json\n",
        )
        .unwrap();
        let markets: Vec<&str> = config.defaults.markets.iter().map(Market::as_str).collect();
        assert_eq!(markets[0], "NO", "a bare NO is Norway, not a YAML 1.1 boolean");
        assert!(markets.contains(&"FR") && markets.contains(&"DE"), "EU expands: {markets:?}");
        assert_eq!(config.defaults.platform, Some(Platform::Instagram));
        assert_eq!(config.defaults.relationship, Some(Relationship::Paid));
        assert_eq!(config.defaults.media, Some(Media::Reel));
        assert_eq!(config.defaults.language.as_deref(), Some("pt-BR"));
        assert_eq!(config.defaults.brands, ["Glow Lab"]);
        assert!(!config.builtin_packs);
        assert_eq!(
            config.pack_paths,
            [PathBuf::from("/project/house.yaml"), PathBuf::from("/project/packs/")]
        );
        let overrides: Vec<(&str, RuleSetting)> =
            config.rule_overrides.iter().map(|o| (o.rule.as_str(), o.setting)).collect();
        assert_eq!(
            overrides,
            [
                ("fr/missing-disclosure", RuleSetting::Off),
                ("us/ambiguous-disclosure", RuleSetting::Severity(Severity::Warning))
            ]
        );
        let expected: ColumnMap = ["text=Caption".parse().unwrap()].into_iter().collect();
        assert_eq!(config.columns, expected);
        assert_eq!(config.header_row, Some(3));
        assert_eq!(config.fail_on, Some(Severity::Warning));
        assert_eq!(config.suppressions, Some(PathBuf::from("/project/s.yaml")));
        assert_eq!(config.baseline, Some(PathBuf::from("/project/b.json")));
    }

    #[test]
    fn an_empty_file_and_empty_sections_are_the_defaults() {
        for source in ["", "# nothing yet\n", "defaults:\npacks:\nrules:\n"] {
            let config = parse(source).unwrap();
            assert!(config.builtin_packs);
            assert_eq!(config.defaults, Defaults::default());
        }
        assert_eq!(parse("defaults: {country: FR}\n").unwrap().defaults.markets.len(), 1);
    }

    #[test]
    fn a_header_row_that_is_no_row_number_is_located() {
        for bad in ["0", "three", "-1"] {
            let problem = first_problem(&format!("columns:\n  text: Copy\nheader-row: {bad}\n"));
            assert_eq!((problem.line, problem.column), (3, 13), "{}", problem.message);
            assert!(
                problem.message.contains(&format!(
                    "header-row: expected a row number such as 3, found '{bad}'"
                )),
                "{}",
                problem.message
            );
        }
    }

    #[test]
    fn unknown_keys_are_located() {
        let problem = first_problem("defaults:\n  platform: x\n  contry: FR\n");
        assert_eq!((problem.line, problem.column), (3, 3), "{}", problem.message);
        assert!(problem.message.contains("contry"), "{}", problem.message);
        assert!(problem.message.starts_with("sponsorlint.yaml:3:3: "), "{}", problem.message);
        assert_eq!(first_problem("fail_on: error\n").line, 1);
    }

    #[test]
    fn file_globs_select_post_files_and_a_bad_glob_is_located() {
        let config = parse("files:\n  include: [posts/**]\n  exclude: ['posts/old/**']\n").unwrap();
        let folder = Path::new("/project");
        assert!(config.files.admits_walked(&folder.join("posts/a.md")));
        assert!(!config.files.admits_walked(&folder.join("posts/old/a.md")));
        assert!(!config.files.admits_walked(&folder.join("README.md")));
        let problem = first_problem("files:\n  exclude: [ok/**, 'bad{']\n");
        assert_eq!((problem.line, problem.column), (2, 20));
        assert!(
            problem.message.contains("files.exclude: 'bad{' is not a glob"),
            "{}",
            problem.message
        );
    }

    #[test]
    fn bad_values_are_located_and_name_the_allowed_ones() {
        let problem = first_problem("defaults:\n  platform: myspace\n");
        assert_eq!((problem.line, problem.column), (2, 13));
        assert!(problem.message.contains("instagram, tiktok"), "{}", problem.message);
        let error = parse("defaults:\n  country: [FR, UK]\n  language: '??'\nfail-on: sometimes\nrules:\n  a/b: loud\n")
            .unwrap_err();
        let located: Vec<(usize, &str)> =
            error.problems.iter().map(|p| (p.line, p.message.as_str())).collect();
        assert_eq!(located.len(), 4, "{located:#?}");
        let on_line = |line: usize| located.iter().find(|(at, _)| *at == line).unwrap().1;
        assert!(on_line(2).contains("'UK'") && on_line(2).contains("GB"), "{located:?}");
        assert!(on_line(3).contains("not a BCP 47"), "{located:?}");
        assert!(on_line(4).contains("sometimes"), "{located:?}");
        assert!(on_line(6).contains("a/b") && on_line(6).contains("loud"), "{located:?}");
        assert_eq!(first_problem("brands: ['']\n").line, 1);
        assert!(
            first_problem("packs: {paths: ['']}\n")
                .message
                .contains("packs.paths: the path is empty")
        );
        assert!(first_problem("defaults:\n  country: 5\n").message.contains("country code"));
    }

    #[test]
    fn flags_win_over_the_file_field_by_field() {
        let config =
            parse("defaults:\n  country: FR\n  platform: tiktok\n  media: reel\n").unwrap();
        let flags = Defaults {
            markets: vec![Market::parse("GB").unwrap()],
            platform: Some(Platform::Youtube),
            ..Defaults::default()
        };
        let merged = config.fill_defaults(flags);
        assert_eq!(merged.markets, [Market::parse("GB").unwrap()]);
        assert_eq!(merged.platform, Some(Platform::Youtube));
        assert_eq!(merged.media, Some(Media::Reel), "unset flags take the file's value");
        let merged = config.fill_defaults(Defaults::default());
        assert_eq!(merged.markets, [Market::parse("FR").unwrap()]);
    }

    #[test]
    fn the_starter_file_loads_and_its_examples_name_real_rules() {
        let config = parse(STARTER).unwrap();
        assert!(config.builtin_packs);
        assert_eq!(config.fail_on, Some(Severity::Error));
        let uncommented = STARTER.replace("  # us/", "  us/");
        let config = parse(&uncommented).unwrap();
        assert_eq!(config.rule_overrides.len(), 2, "{uncommented}");
        config.configure_rules(&mut crate::rules::builtin_book()).unwrap();
    }

    #[test]
    fn discovery_walks_up_and_refuses_two_names_in_one_folder() {
        let root = tempfile::tempdir().unwrap();
        let deep = root.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        let found = || discover(&deep).map(|path| path.map(|path| deep.join(path)));
        let inside = |path: &Path| {
            path.canonicalize().unwrap().starts_with(root.path().canonicalize().unwrap())
        };
        assert!(!found().unwrap().is_some_and(|path| inside(&path)), "nothing in the temp folder");
        std::fs::write(root.path().join(".sponsorlint.yaml"), "").unwrap();
        assert_eq!(discover(&deep).unwrap(), Some(PathBuf::from("../../.sponsorlint.yaml")));
        std::fs::write(root.path().join("a/sponsorlint.yaml"), "").unwrap();
        assert_eq!(discover(&deep).unwrap(), Some(PathBuf::from("../sponsorlint.yaml")));
        std::fs::write(deep.join("sponsorlint.yaml"), "").unwrap();
        assert_eq!(discover(&deep).unwrap(), Some(PathBuf::from("sponsorlint.yaml")));
        std::fs::write(root.path().join("a/b/.sponsorlint.yaml"), "").unwrap();
        let error = discover(&deep).unwrap_err();
        assert!(error.problems[0].message.contains("keep one"), "{}", error.problems[0].message);
    }
}
