//! The completion scripts in the real shells: `sponsorlint completions
//! SHELL` offers the closed values of the flags and the built-in rule ids.
//! Bash and fish are asked for completions the way they ask on Tab; zsh
//! loads its script (its completion system needs a terminal). They need
//! `bash`, `fish` and `zsh` on PATH (Debian packages; .ci/run installs
//! them).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

/// The script for `shell`, generated once per shell.
fn script(shell: &'static str) -> String {
    static SCRIPTS: Mutex<BTreeMap<&str, String>> = Mutex::new(BTreeMap::new());
    let mut scripts = SCRIPTS.lock().unwrap();
    scripts.entry(shell).or_insert_with(|| generate(shell)).clone()
}

fn generate(shell: &str) -> String {
    let output = assert_cmd::Command::cargo_bin("sponsorlint")
        .unwrap()
        .args(["completions", shell])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// Runs `code` with `shell -c`, the script saved as `script` beside it.
fn run(shell: &str, script: &str, code: &str) -> String {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("script"), script).unwrap();
    let output = Command::new(shell)
        .arg("-c")
        .arg(code)
        .current_dir(folder.path())
        .env("PATH", path_with_binary())
        .output()
        .unwrap_or_else(|error| {
            panic!("cannot run {shell} ({error}): the completion tests need it (Debian: apt-get install {shell}; .ci/run installs it)")
        });
    assert!(output.status.success(), "{shell}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// PATH with the built binary's folder first, as after an install.
fn path_with_binary() -> String {
    let binary = Path::new(env!("CARGO_BIN_EXE_sponsorlint"));
    format!("{}:{}", binary.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default())
}

/// What bash's completion function offers for the words of `line`, the last
/// one being completed.
fn bash_completes(line: &str) -> Vec<String> {
    let words: Vec<&str> = line.split(' ').collect();
    let quoted: Vec<String> = words.iter().map(|word| format!("'{word}'")).collect();
    let code = format!(
        "source ./script\nCOMP_WORDS=({})\nCOMP_CWORD={}\n_sponsorlint sponsorlint '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
        quoted.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len() - 2],
    );
    run("bash", &script("bash"), &code).lines().map(str::to_owned).collect()
}

fn fish_completes(line: &str) -> Vec<String> {
    let code = format!("source ./script; complete -C '{line}'");
    run("fish", &script("fish"), &code)
        .lines()
        .map(|line| line.split('\t').next().unwrap().to_owned())
        .collect()
}

#[test]
fn bash_completes_values_and_rule_ids() {
    let formats = bash_completes("sponsorlint check --format ");
    for format in ["human", "sarif", "gitlab", "markdown"] {
        assert!(formats.iter().any(|offered| offered == format), "{formats:?}");
    }
    assert_eq!(bash_completes("sponsorlint check --fail-on w"), ["warning"]);
    assert_eq!(bash_completes("sponsorlint check --platform inst"), ["instagram"]);
    assert_eq!(bash_completes("sponsorlint check --relationship own"), ["own_brand"]);
    assert_eq!(bash_completes("sponsorlint check --input-format x"), ["xlsx"]);

    let ids = bash_completes("sponsorlint explain gb/");
    assert!(ids.len() >= 5 && ids.iter().all(|id| id.starts_with("gb/")), "{ids:?}");
    assert!(ids.iter().any(|id| id == "gb/ambiguous-only"), "{ids:?}");
    let selected = bash_completes("sponsorlint check --select missing-");
    assert_eq!(selected, ["missing-disclosure", "missing-label"]);
    let ignored = bash_completes("sponsorlint check --ignore fr/missing");
    assert_eq!(ignored, ["fr/missing-disclosure"]);
}

#[test]
fn fish_completes_values_and_rule_ids() {
    let ids = fish_completes("sponsorlint explain gb/");
    assert!(ids.iter().any(|id| id == "gb/ambiguous-only"), "{ids:?}");
    assert!(ids.iter().all(|id| id.starts_with("gb/")), "{ids:?}");
    let platforms = fish_completes("sponsorlint check --platform ");
    assert!(platforms.iter().any(|platform| platform == "instagram"), "{platforms:?}");
    assert!(fish_completes("sponsorlint check --format ").contains(&"sarif".to_owned()));
    let selected = fish_completes("sponsorlint check --select gb/amb");
    assert_eq!(selected, ["gb/ambiguous-only"]);
}

#[test]
fn zsh_loads_its_script_with_the_values() {
    let script = script("zsh");
    // Outside a completion widget the script registers itself with compdef.
    let registered = run("zsh", &script, "compdef() { print -r -- \"$@\" }\nsource ./script");
    assert_eq!(registered.trim(), "_sponsorlint sponsorlint");
    for value in ["sarif", "gitlab", "warning", "instagram", "gb/ambiguous-only"] {
        assert!(script.contains(value), "zsh script lacks {value}");
    }
}

/// clap's PowerShell script completes commands and flag names only; the
/// rule ids after `explain` are added to it.
#[test]
fn powershell_offers_the_rule_ids_after_explain() {
    let script = script("powershell");
    let explain = script.split("'sponsorlint;explain' {").nth(1).unwrap();
    let block = explain.split("break").next().unwrap();
    assert!(block.contains("[CompletionResult]::new('gb/ambiguous-only'"), "{block}");
}

#[test]
fn rule_ids_are_offered_but_any_id_is_accepted() {
    // A rule of a user's pack is not in the built-in list; it still parses
    // (and is then found or not like any other id).
    let output = assert_cmd::Command::cargo_bin("sponsorlint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "explain",
            "house/missing-ad",
            "--no-builtin",
            "--rules",
            "tests/data/packs/house.yaml",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    // The hundreds of ids stay out of --help.
    let help = assert_cmd::Command::cargo_bin("sponsorlint")
        .unwrap()
        .args(["explain", "--help"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&help.stdout).contains("gb/ambiguous-only"));
}
