//! `check --fix`, `--unsafe-fixes` and `--diff` end to end, on copies of
//! `tests/data/fix/in/` (one file per input format): the fixed files are
//! the golden ones in `tests/data/fix/fixed/` (`unsafe/` with unsafe fixes),
//! a second run changes nothing, `--diff` writes nothing and `git apply`
//! accepts its output, and a file is never overwritten unsafely.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;

const FORMATS: [&str; 6] =
    ["caption.txt", "draft.md", "posts.json", "posts.jsonl", "posts.csv", "posts.tsv"];

fn data(folder: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fix").join(folder)
}

/// A scratch folder holding a copy of the inputs.
fn inputs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in FORMATS {
        std::fs::copy(data("in").join(name), dir.path().join(name)).unwrap();
    }
    dir
}

fn sponsorlint(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("sponsorlint").expect("binary built");
    command.current_dir(dir).env("NO_COLOR", "1").args(["--no-config"]);
    command
}

fn read(path: impl AsRef<Path>) -> Vec<u8> {
    std::fs::read(path.as_ref()).unwrap_or_else(|error| panic!("{:?}: {error}", path.as_ref()))
}

/// Asserts each file of `dir` is byte for byte the one in `golden`.
fn assert_golden(dir: &Path, golden: &str, names: &[&str]) {
    for name in names {
        let (got, want) = (read(dir.join(name)), read(data(golden).join(name)));
        assert!(
            got == want,
            "{name} differs from tests/data/fix/{golden}/{name}:\n{}",
            String::from_utf8_lossy(&got)
        );
    }
}

#[test]
fn every_format_is_fixed_as_the_golden_files_say_and_a_second_fix_changes_nothing() {
    let dir = inputs();
    // One post keeps a finding that only an unsafe fix (moving a label) addresses.
    sponsorlint(dir.path())
        .args(["check", ".", "--fix", "--format", "jsonl"])
        .assert()
        .code(1)
        .stderr(contains("12 fixes applied, 2 findings remain"));
    assert_golden(dir.path(), "fixed", &FORMATS);
    // What is left is what a fresh check reports: no finding with a safe fix.
    let output = sponsorlint(dir.path())
        .args(["check", ".", "--format", "jsonl"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    for line in String::from_utf8(output).unwrap().lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        for finding in record["findings"].as_array().into_iter().flatten() {
            assert_ne!(finding["fix"]["applicability"], "safe", "{finding}");
        }
    }
    sponsorlint(dir.path())
        .args(["check", ".", "--fix", "--format", "jsonl"])
        .assert()
        .code(1)
        .stderr(contains("0 fixes applied, 2 findings remain"));
    assert_golden(dir.path(), "fixed", &FORMATS);
}

#[test]
fn unsafe_fixes_also_move_a_label_from_below_the_fold() {
    let dir = inputs();
    sponsorlint(dir.path())
        .args(["check", "posts.jsonl", "--unsafe-fixes", "--format", "jsonl"])
        .assert()
        .code(0)
        .stderr(contains("3 fixes applied, 0 findings remain"));
    assert_golden(dir.path(), "unsafe", &["posts.jsonl"]);
}

#[test]
fn diff_writes_nothing_and_git_apply_makes_the_fixed_files() {
    let dir = inputs();
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "--quiet"]);
    let output = sponsorlint(dir.path())
        .args(["check", ".", "--diff"])
        .assert()
        // As `check` would: the findings are still there.
        .code(1)
        .stderr(contains("12 fixes would be applied"))
        .get_output()
        .stdout
        .clone();
    let diff = String::from_utf8(output).unwrap();
    assert!(diff.contains("--- a/posts.csv\n+++ b/posts.csv\n"), "{diff}");
    assert!(!diff.contains('\x1b'), "no colour outside a terminal");
    assert_golden(dir.path(), "in", &FORMATS);
    std::fs::write(dir.path().join("fixes.patch"), &diff).unwrap();
    git(&["apply", "--check", "fixes.patch"]);
    git(&["apply", "fixes.patch"]);
    assert_golden(dir.path(), "fixed", &FORMATS);
}

#[test]
fn fixing_stdin_prints_the_fixed_input_and_reports_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let input = read(data("in").join("posts.jsonl"));
    sponsorlint(dir.path())
        .args(["check", "-", "--fix"])
        .write_stdin(input)
        .assert()
        .code(1)
        .stdout(String::from_utf8(read(data("fixed").join("posts.jsonl"))).unwrap())
        .stderr(contains("checked 4 posts"))
        .stderr(contains("2 fixes applied, 1 finding remains"));
    // Standard input without anything to fix comes back as it was.
    sponsorlint(dir.path())
        .args(["check", "-", "--fix", "--relationship", "paid"])
        .write_stdin("#ad my serum\n")
        .assert()
        .code(0)
        .stdout("#ad my serum\n");
}

#[test]
fn the_exit_code_follows_the_findings_that_remain() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Mon sérum préféré ✨").unwrap();
    let args = ["check", "a.txt", "--country", "FR", "--relationship", "paid"];
    sponsorlint(dir.path()).args(args).assert().code(1);
    sponsorlint(dir.path())
        .args(args)
        .arg("--fix")
        .assert()
        .code(0)
        .stderr(contains("1 fix applied, 0 findings remain"));
    assert_eq!(read(dir.path().join("a.txt")), "Publicité · Mon sérum préféré ✨".as_bytes());
}

#[test]
fn a_file_modified_during_the_run_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    std::fs::write(&path, "my serum").unwrap();
    // Modified "after" the run started, as an editor saving it meanwhile.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(later).unwrap();
    sponsorlint(dir.path())
        .args(["check", "a.txt", "--fix", "--relationship", "paid", "--country", "GB"])
        .assert()
        .code(2)
        .stderr(contains("error: not fixed: a.txt: the file changed during the run"));
    assert_eq!(read(&path), b"my serum");
}

#[cfg(unix)]
#[test]
fn a_fixed_file_keeps_its_permissions_and_no_temporary_file_is_left() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    std::fs::write(&path, "my serum").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    sponsorlint(dir.path())
        .args(["check", "a.txt", "--fix", "--relationship", "paid", "--country", "GB"])
        .assert()
        .code(0);
    assert_eq!(read(&path), b"#ad my serum");
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_fix_over_the_platform_length_is_not_applied_and_the_finding_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("my serum {}", "x".repeat(2189));
    assert_eq!(text.chars().count(), 2198);
    std::fs::write(dir.path().join("a.txt"), &text).unwrap();
    let output = sponsorlint(dir.path())
        .args(["check", "a.txt", "--fix", "--format", "jsonl", "--relationship", "paid"])
        .args(["--platform", "instagram", "--country", "GB"])
        .assert()
        .code(1)
        .stderr(contains("0 fixes applied"))
        .get_output()
        .stdout
        .clone();
    let record: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let message = record["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("(not fixed: the text would be 2202 characters, over instagram's 2200)"),
        "{message}"
    );
    assert_eq!(read(dir.path().join("a.txt")), text.as_bytes());
}

#[test]
fn fix_and_diff_do_not_go_together() {
    let dir = tempfile::tempdir().unwrap();
    sponsorlint(dir.path())
        .args(["check", "-", "--fix", "--diff"])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(contains("cannot be used with"));
}

#[test]
fn a_workbook_is_never_rewritten_and_its_fixed_rows_go_to_a_csv_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let workbook = dir.path().join("calendar.xlsx");
    std::fs::copy(data("../").join("calendar.xlsx"), &workbook).unwrap();
    let before = read(&workbook);
    // Each post's market is its `Market` cell: the GB and DE posts pass,
    // the US and FR ones get their markets' labels.
    sponsorlint(dir.path())
        .args(["check", "calendar.xlsx", "--fix", "--quiet"])
        .assert()
        .code(0)
        .stderr(contains("2 fixes applied, 0 findings remain"))
        .stderr(contains("its rows, fixed, are in calendar.xlsx.fixed.csv"));
    assert_eq!(read(&workbook), before);
    let fixed = String::from_utf8(read(dir.path().join("calendar.xlsx.fixed.csv"))).unwrap();
    assert!(fixed.starts_with("ID,Caption,Market,"), "{fixed}");
    assert!(fixed.contains("\n19,#ad My new serum ✨ link in bio,US,tiktok,"), "{fixed}");
    assert!(fixed.contains("\n20,Images retouchées · Publicité · Mon teint du jour"), "{fixed}");
    // The CSV reads back as the same posts, now passing.
    sponsorlint(dir.path())
        .args(["check", "calendar.xlsx.fixed.csv", "--quiet"])
        .assert()
        .code(0)
        .stdout(contains("checked 4 posts: 4 pass"));
}

#[test]
fn a_caption_merged_over_two_rows_is_fixed_in_the_row_that_fails_only() {
    for name in ["agency.xlsx", "agency.ods"] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(data("../").join(name), dir.path().join(name)).unwrap();
        sponsorlint(dir.path())
            .args(["check", name, "--fix", "--relationship", "paid", "--quiet"])
            .assert()
            .code(0)
            .stderr(contains("2 fixes applied, 0 findings remain"));
        let fixed = String::from_utf8(read(dir.path().join(format!("{name}.fixed.csv")))).unwrap();
        // D6:D7 holds one caption: the GB row keeps it, the FR row is fixed.
        assert!(fixed.contains("\n@luna,instagram,UK,#ad Spring glow serum,"), "{fixed}");
        assert!(
            fixed.contains("\n@luna,instagram,France,Publicité · #ad Spring glow serum,"),
            "{fixed}"
        );
    }
}

#[test]
fn sarif_fixes_are_byte_replacements_that_make_the_fixed_file() {
    let dir = inputs();
    let output = sponsorlint(dir.path())
        .args(["check", "draft.md", "--format", "sarif"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let document: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let result = &document["runs"][0]["results"][0];
    let change = &result["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "draft.md");
    assert_eq!(result["fixes"][0]["properties"]["applicability"], "safe");
    let mut file = read(dir.path().join("draft.md"));
    let mut replacements: Vec<&serde_json::Value> =
        change["replacements"].as_array().unwrap().iter().collect();
    // From the end, so earlier offsets stay true.
    replacements.sort_by_key(|r| std::cmp::Reverse(r["deletedRegion"]["byteOffset"].as_u64()));
    for replacement in replacements {
        let start = replacement["deletedRegion"]["byteOffset"].as_u64().unwrap() as usize;
        let length = replacement["deletedRegion"]["byteLength"].as_u64().unwrap() as usize;
        let text = replacement["insertedContent"]["text"].as_str().unwrap().as_bytes();
        file.splice(start..start + length, text.iter().copied());
    }
    assert_eq!(file, read(data("fixed").join("draft.md")));
}

#[test]
fn each_placement_puts_the_label_where_its_pack_example_says() {
    // The pack's fail examples say their fixed text; `rules test` checks it.
    let dir = tempfile::tempdir().unwrap();
    sponsorlint(dir.path())
        .args(["rules", "test"])
        .arg(data("packs").join("placements.yaml"))
        .assert()
        .code(0)
        .stdout(contains("12 passed, 0 failed (4 rules)"));
    // A wrong `fixed` text is caught.
    let pack = std::fs::read_to_string(data("packs").join("placements.yaml")).unwrap();
    let wrong = dir.path().join("wrong.yaml");
    std::fs::write(&wrong, pack.replace("my serum #ad ✨", "my serum #ad ✨ !")).unwrap();
    sponsorlint(dir.path())
        .args(["rules", "test", "wrong.yaml"])
        .assert()
        .code(2)
        .stderr(contains("wrong.yaml: 1 problem"))
        .stderr(contains("is fixed to \"my serum"));
}
