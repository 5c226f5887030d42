//! The commands shown in README.md and docs/guide.md, run as shown.
//!
//! Every ```` ```console ```` block of those files is a trycmd case: a
//! `$ sponsorlint …` line runs the binary built for this test, an optional
//! `? CODE` line right below it is the expected exit code (0 when absent),
//! and the lines after it are the expected output, stdout and stderr
//! together. `...` on a line of its own stands for any number of lines and
//! `[..]` for part of a line. Blocks in any other language (`sh`, `yaml`,
//! `json`, `text`) are not run, so every fence needs a language.
//!
//! Each file runs in a scratch folder of its own that holds copies of the
//! folders the docs read ([`INPUTS`]): commands that write files (`init`,
//! `baseline`, `--output`) leave the checkout alone, and a configuration
//! file in the checkout or above it changes nothing.
//!
//! After a deliberate change of output, update the docs with
//! `TRYCMD=overwrite cargo nextest run -E 'binary(docs)'`, then read the
//! diff: the `...` and `[..]` wildcards may need putting back.

use std::fs;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The folders the documented commands read, relative to the repository.
const INPUTS: &[&str] = &["fixtures", "rules", "tests/data", "docs/examples"];

#[test]
fn readme_commands() {
    run_console_blocks("README.md");
}

#[test]
fn guide_commands() {
    let scratch = run_console_blocks("docs/guide.md");
    // The guide shows the start of the baseline its own commands recorded.
    let recorded = fs::read_to_string(scratch.path().join("guide.in/sponsorlint-baseline.json"))
        .expect("the guide records sponsorlint-baseline.json");
    let guide = read("docs/guide.md");
    let shown = block_after(&guide, "The file starts like this:", "json");
    for line in shown.lines().filter(|line| line.contains("\"fingerprint\"")) {
        assert!(
            recorded.contains(line.trim()),
            "docs/guide.md shows a baseline line that the recorded file lacks: {line}\n{recorded}"
        );
    }
}

/// The quick start keeps the two commands a fresh machine needs, and the
/// test command is the one `.ci/run` runs.
#[test]
fn readme_quick_start_commands() {
    let readme = read("README.md");
    let quick_start = block_after(&readme, "## Quick start", "sh");
    assert!(quick_start.lines().any(|line| line == "cargo run -q -- check fixtures/"));
    assert!(quick_start.lines().any(|line| line == "cargo nextest run --no-fail-fast"));
    let ci = read(".ci/run");
    assert!(ci.lines().any(|line| line == "cargo nextest run --no-fail-fast"), ".ci/run changed");
}

/// The guide repeats the README's example files (which unit tests in `src/`
/// load) and shows the example house pack: the copies must not drift.
#[test]
fn guide_examples_match_their_sources() {
    let readme = read("README.md");
    let guide = read("docs/guide.md");
    for header in ["# sponsorlint.yaml\n", "# sponsorlint-suppressions.yaml\n"] {
        assert_eq!(
            example_from(&guide, header),
            example_from(&readme, header),
            "docs/guide.md and README.md differ in the example starting {header:?}"
        );
    }
    let pack = read("rules/examples/house-style.yaml");
    let pack = &pack[pack.find("pack: house\n").expect("the pack's first key")..];
    assert_eq!(example_from(&guide, "pack: house\n"), pack, "docs/guide.md's house pack");
}

/// Runs the console blocks of `doc` (relative to the repository) in a new
/// scratch folder, which is returned for further checks.
fn run_console_blocks(doc: &str) -> tempfile::TempDir {
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let name = Path::new(doc).file_name().expect("a file name");
    let case = scratch.path().join(name);
    fs::copy(Path::new(ROOT).join(doc), &case).expect("copy the doc");
    // trycmd runs a case's commands in the `.in` folder beside it.
    let workdir = case.with_extension("in");
    for input in INPUTS {
        copy_dir(&Path::new(ROOT).join(input), &workdir.join(input));
    }
    trycmd::TestCases::new()
        .register_bin("sponsorlint", PathBuf::from(env!("CARGO_BIN_EXE_sponsorlint")))
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .case(&case)
        .run();
    if std::env::var_os("TRYCMD").is_some_and(|mode| mode == "overwrite") {
        fs::copy(&case, Path::new(ROOT).join(doc)).expect("write the updated doc back");
    }
    scratch
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create a scratch folder");
    for entry in fs::read_dir(from).unwrap_or_else(|error| panic!("{}: {error}", from.display())) {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy a file");
        }
    }
}

fn read(path: &str) -> String {
    fs::read_to_string(Path::new(ROOT).join(path)).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// The body of the first ```` ```lang ```` block after `marker`.
fn block_after<'a>(text: &'a str, marker: &str, lang: &str) -> &'a str {
    let after = &text[text.find(marker).unwrap_or_else(|| panic!("{marker:?} not found"))..];
    let fence = format!("```{lang}\n");
    let start = after.find(&fence).unwrap_or_else(|| panic!("no {lang} block after {marker:?}"));
    let body = &after[start + fence.len()..];
    &body[..body.find("```").expect("a closing fence")]
}

/// The code-block text from `start` (included) to the end of its block.
fn example_from<'a>(text: &'a str, start: &str) -> &'a str {
    let from = &text[text.find(start).unwrap_or_else(|| panic!("{start:?} not found"))..];
    &from[..from.find("```").expect("a closing fence")]
}
