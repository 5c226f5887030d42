//! `check --report FORMAT=FILE` (several reports from one run, each
//! written like `--output`) and `check --select`/`--ignore`.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn sponsorlint() -> Command {
    let mut command = Command::cargo_bin("sponsorlint").expect("binary built");
    command.current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1").env_remove("COLUMNS");
    command.args(["--no-config"]);
    command
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The report `format` of the fixtures, from a run of its own.
fn alone(format: &str) -> (Vec<u8>, i32) {
    let output = sponsorlint()
        .args(["check", "fixtures", "--no-progress", "--format", format])
        .output()
        .unwrap();
    (output.stdout, output.status.code().unwrap())
}

#[test]
fn one_run_writes_every_report_as_a_run_of_its_own_would() {
    let folder = tempfile::tempdir().unwrap();
    let reports = folder.path().join("out dir");
    std::fs::create_dir(&reports).unwrap();
    let sarif = reports.join("sponsor lint.sarif");
    let summary = reports.join("summary.md");
    let output = sponsorlint()
        .args(["check", "fixtures", "--no-progress", "--format", "github"])
        .arg(format!("--report=sarif={}", sarif.display()))
        .arg("--report")
        .arg(format!("markdown={}", summary.display()))
        .output()
        .unwrap();
    let (github, code) = alone("github");
    assert_eq!(output.status.code(), Some(code));
    assert_eq!(code, 1, "the fixtures have errors");
    assert_eq!(String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&github));
    assert_eq!(read(&sarif), String::from_utf8(alone("sarif").0).unwrap());
    let markdown = read(&summary);
    assert_eq!(markdown, String::from_utf8(alone("markdown").0).unwrap());
    assert!(
        markdown.starts_with("## sponsorlint") && markdown.contains("| fr/missing-disclosure |")
    );
    let names: Vec<_> = std::fs::read_dir(&reports).unwrap().collect();
    assert_eq!(names.len(), 2, "no temporary file is left");
}

#[test]
fn a_report_goes_to_stdout_only_when_nothing_else_does() {
    let folder = tempfile::tempdir().unwrap();
    let json = folder.path().join("report.json");
    let output = sponsorlint()
        .args(["check", "fixtures", "--no-progress", "--format", "json", "--output"])
        .arg(&json)
        .args(["--report", "markdown=-"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(output.stdout, alone("markdown").0);
    assert_eq!(read(&json).into_bytes(), alone("json").0);

    sponsorlint()
        .args(["check", "fixtures", "--report", "markdown=-"])
        .assert()
        .code(2)
        .stderr(contains("--report markdown=-: standard output already carries"));
    sponsorlint()
        .args(["check", "fixtures", "--output"])
        .arg(&json)
        .args(["--report", "markdown=-", "--report", "csv=-"])
        .assert()
        .code(2)
        .stderr(contains("--report csv=-"));
}

#[test]
fn a_report_never_replaces_an_input_or_another_report() {
    let folder = tempfile::tempdir().unwrap();
    let input = folder.path().join("posts.jsonl");
    std::fs::write(&input, "{\"text\":\"Sérum offert par @marque\",\"country\":\"FR\"}\n").unwrap();
    sponsorlint()
        .arg("check")
        .arg(&input)
        .arg(format!("--report=sarif={}", input.display()))
        .assert()
        .code(2)
        .stderr(contains("is also an input of this run"));
    assert!(read(&input).starts_with("{\"text\""), "the input is untouched");

    let report = folder.path().join("report.txt");
    sponsorlint()
        .arg("check")
        .arg(&input)
        .arg("--output")
        .arg(&report)
        .arg(format!("--report=sarif={}", report.display()))
        .assert()
        .code(2)
        .stderr(contains("this run already writes that file"));
    assert!(!report.exists());
}

#[test]
fn a_bad_report_value_says_what_is_expected() {
    sponsorlint()
        .args(["check", "fixtures", "--report", "xml=a.xml"])
        .assert()
        .code(2)
        .stderr(contains("unknown format 'xml'; expected one of:").and(contains("markdown")));
    sponsorlint()
        .args(["check", "fixtures", "--report", "report.sarif"])
        .assert()
        .code(2)
        .stderr(contains("expected FORMAT=FILE"));
}

/// The rules and categories of the findings of a `check fixtures` run
/// with `flags`.
fn rules_found(flags: &[&str]) -> Vec<(String, String)> {
    let output = sponsorlint()
        .args(["check", "fixtures", "--no-progress", "--format", "jsonl"])
        .args(flags)
        .output()
        .unwrap();
    assert!(output.status.code().unwrap() < 2, "{}", String::from_utf8_lossy(&output.stderr));
    let mut rules: Vec<(String, String)> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .flat_map(|line| {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            let findings = record["findings"].as_array().cloned().unwrap_or_default();
            findings.into_iter().map(|finding| {
                let text = |key: &str| finding[key].as_str().unwrap().to_owned();
                (text("rule"), text("category"))
            })
        })
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

fn ids(rules: &[(String, String)]) -> Vec<&str> {
    rules.iter().map(|(id, _)| id.as_str()).collect()
}

#[test]
fn select_and_ignore_take_rule_ids_and_categories() {
    let all = rules_found(&[]);
    assert!(ids(&all).contains(&"fr/missing-disclosure") && all.len() > 5, "{all:?}");
    assert_eq!(
        ids(&rules_found(&["--select", "fr/missing-disclosure"])),
        ["fr/missing-disclosure"]
    );

    // With the other rules off, rules they took precedence over may speak.
    let selected = rules_found(&["--select", "ambiguous-disclosure,gb/disclosure-buried"]);
    assert!(ids(&selected).contains(&"de/ambiguous-only"), "{selected:?}");
    assert!(ids(&selected).contains(&"gb/disclosure-buried"), "{selected:?}");
    for (id, category) in &selected {
        assert!(category == "ambiguous-disclosure" || id == "gb/disclosure-buried", "{id}");
    }

    let ignored = rules_found(&["--ignore", "missing-disclosure", "--ignore", "us/video-timing"]);
    assert!(ignored.len() > 5, "{ignored:?}");
    for (id, category) in &ignored {
        assert!(category != "missing-disclosure" && id != "us/video-timing", "{id}");
    }
    let both = rules_found(&["--select", "ambiguous-disclosure", "--ignore", "de/ambiguous-only"]);
    assert!(ids(&both).contains(&"fr/equivalent-mention"), "{both:?}");
    for (id, category) in &both {
        assert!(category == "ambiguous-disclosure" && id != "de/ambiguous-only", "{id}");
    }

    sponsorlint()
        .args(["check", "fixtures", "--select", "gb/ambigous"])
        .assert()
        .code(2)
        .stderr(contains(
            "error: --select: no loaded rule or category 'gb/ambigous'; did you mean gb/ambiguous-only?",
        ));
}

#[test]
fn a_closed_stdout_ends_only_the_report_written_there() {
    use std::io::{BufRead, BufReader, Write};
    let folder = tempfile::tempdir().unwrap();
    let input = folder.path().join("posts.jsonl");
    let mut posts = std::fs::File::create(&input).unwrap();
    for index in 0..20_000 {
        writeln!(posts, "{{\"id\":\"p{index}\",\"text\":\"Mon sérum @marque\",\"country\":\"FR\",\"relationship\":\"paid\"}}").unwrap();
    }
    drop(posts);
    let report = folder.path().join("report.json");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sponsorlint"))
        .args(["--no-config", "check", "--no-progress", "--format", "json", "--output"])
        .arg(&report)
        .args(["--report", "jsonl=-"])
        .arg(&input)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.contains("\"p0\""), "{first}");
    // The reader has seen enough: the pipe closes here.
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_str(&read(&report)).unwrap();
    assert_eq!(json["posts"].as_array().map(Vec::len), Some(20_000));
}
