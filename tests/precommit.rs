//! The pre-commit hook (`.pre-commit-hooks.yaml`) run by real pre-commit in
//! a scratch git repository: of the staged files, only post files reach
//! the check. The hook is run as a `local` hook with `language: system` and
//! the test binary as its entry's command: pre-commit's `language: rust`
//! would first build the repository with `cargo install` (minutes), and
//! that build is the only difference.
//!
//! Needs pre-commit: `.ci/run` installs it in `target/ci-venv` (or set
//! `SPONSORLINT_PRE_COMMIT` to a pre-commit executable).

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn pre_commit() -> PathBuf {
    let program = std::env::var_os("SPONSORLINT_PRE_COMMIT")
        .map_or_else(|| Path::new(ROOT).join("target/ci-venv/bin/pre-commit"), PathBuf::from);
    let found = Command::new(&program).arg("--version").output();
    assert!(
        found.is_ok_and(|output| output.status.success()),
        "pre-commit is not installed at {}: run `python3 -m venv target/ci-venv && \
         target/ci-venv/bin/python -m pip install pre-commit` (as .ci/run does), or point \
         SPONSORLINT_PRE_COMMIT at it",
        program.display()
    );
    program
}

fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git").current_dir(repo).args(args).status().unwrap();
    assert!(status.success(), "git {args:?}");
}

/// The shipped hook as a local hook running the test binary.
fn local_hook_config(extra_args: &[&str]) -> String {
    let hooks: serde_json::Value = serde_saphyr::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join(".pre-commit-hooks.yaml")).unwrap(),
    )
    .unwrap();
    let mut hook = hooks[0].clone();
    let entry = hook["entry"].as_str().unwrap();
    let command = entry.strip_prefix("sponsorlint ").expect("the entry runs sponsorlint");
    hook["entry"] = format!("{} {command}", env!("CARGO_BIN_EXE_sponsorlint")).into();
    assert_eq!(hook["language"], "rust");
    hook["language"] = "system".into();
    hook["args"] = extra_args.iter().map(|arg| serde_json::Value::from(*arg)).collect();
    // JSON is YAML.
    serde_json::json!({"repos": [{"repo": "local", "hooks": [hook]}]}).to_string()
}

/// Runs the hook on every file of a repository; its exit code and the
/// files it reported.
fn run_hook(repo: &Path, extra_args: &[&str]) -> (i32, Vec<String>) {
    std::fs::write(repo.join(".pre-commit-config.yaml"), local_hook_config(extra_args)).unwrap();
    git(repo, &["add", "-A"]);
    let output = Command::new(pre_commit())
        .current_dir(repo)
        .env("PRE_COMMIT_HOME", repo.join(".cache-pre-commit"))
        .env("NO_COLOR", "1")
        .args(["run", "--all-files", "--color", "never"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut files: Vec<String> = stdout
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| {
            let record: serde_json::Value = serde_json::from_str(line).expect("a JSON result");
            record["origin"]["path"].as_str().unwrap().to_owned()
        })
        .collect();
    files.sort();
    (output.status.code().unwrap(), files)
}

fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    git(repo, &["init", "--quiet"]);
    for (file, text) in [
        ("README.md", "Use my code SAVE20 for 20% off"),
        ("CHANGELOG.md", "# Changelog"),
        ("package.json", "{\"name\": \"site\"}"),
        ("notes/ideas.txt", "Use my code SAVE20"),
        ("posts/serum.md", "---\nrelationship: paid\n---\nMy new favourite serum"),
        ("posts/trip.markdown", "#ad A weekend by the sea"),
        ("drafts/calendar.tsv", "Caption\tMarket\n#ad Sunny day\tGB\n"),
        ("content/blog/launch.json", "{\"text\": \"#ad Launch day\"}"),
        ("drafts/old/archived.md", "Old draft"),
    ] {
        let path = repo.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn the_hook_checks_only_post_files_by_the_default_globs() {
    let dir = repository();
    let (code, files) = run_hook(dir.path(), &["--format", "jsonl", "--country", "GB"]);
    assert_eq!(
        files,
        [
            "content/blog/launch.json",
            "drafts/calendar.tsv",
            "drafts/old/archived.md",
            "posts/serum.md",
            "posts/trip.markdown"
        ]
    );
    assert_eq!(code, 1, "posts/serum.md is a paid post without a label");
}

#[test]
fn the_hook_follows_the_configured_globs() {
    let dir = repository();
    std::fs::write(
        dir.path().join("sponsorlint.yaml"),
        "files:\n  include: ['posts/**', 'drafts/**', 'notes/**']\n  exclude: ['drafts/old/**']\n",
    )
    .unwrap();
    let (code, files) = run_hook(dir.path(), &["--format", "jsonl", "--country", "GB"]);
    assert_eq!(
        files,
        ["drafts/calendar.tsv", "notes/ideas.txt", "posts/serum.md", "posts/trip.markdown"]
    );
    assert_eq!(code, 1);
}
