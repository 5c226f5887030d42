//! The GitHub Action's Check step (`action.yml`), run as GitHub runs it —
//! `bash --noprofile --norc -eo pipefail` with the step's environment —
//! against the built binary, in a folder whose names hold spaces: one run
//! of `check` writes the SARIF report, the annotations and the job summary,
//! and the exit code goes to the step's outputs.

use std::path::Path;
use std::process::Command;

/// The Check step of action.yml: its script and the names of its
/// environment variables.
fn check_step() -> (String, Vec<String>) {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/action.yml")).unwrap();
    let action: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let steps = action["runs"]["steps"].as_array().unwrap();
    let step = steps.iter().find(|step| step["id"] == "check").expect("a step with id check");
    let env = step["env"].as_object().unwrap().keys().cloned().collect();
    (step["run"].as_str().unwrap().to_owned(), env)
}

struct Run {
    stdout: String,
    outputs: String,
    summary: String,
}

/// Runs the step in `workspace` with the action's inputs as `inputs`
/// (step environment name, value).
fn run_step(workspace: &Path, inputs: &[(&str, &str)]) -> Run {
    let (script, declared) = check_step();
    let runner = tempfile::tempdir().unwrap();
    let script_path = runner.path().join("check.sh");
    std::fs::write(&script_path, &script).unwrap();
    let outputs = runner.path().join("output");
    let summary = runner.path().join("step summary.md");
    std::fs::write(&summary, "Written by an earlier step.\n").unwrap();
    let mut command = Command::new("bash");
    command
        .args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script_path)
        .current_dir(workspace)
        .env("SPONSORLINT", env!("CARGO_BIN_EXE_sponsorlint"))
        .env("RUNNER_TEMP", runner.path())
        .env("GITHUB_OUTPUT", &outputs)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("NO_COLOR", "1");
    for (name, value) in inputs {
        assert!(declared.iter().any(|known| known == name), "the step has no input {name}");
        command.env(name, value);
    }
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The step itself succeeds: a later step fails the job on the exit code.
    assert!(output.status.success(), "{stderr}");
    let leftovers: Vec<_> = std::fs::read_dir(runner.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("sponsorlint-summary"))
        .collect();
    assert!(leftovers.is_empty(), "temporary summary left: {leftovers:?}");
    Run {
        stdout: String::from_utf8(output.stdout).unwrap(),
        outputs: std::fs::read_to_string(&outputs).unwrap(),
        summary: std::fs::read_to_string(&summary).unwrap(),
    }
}

/// A workspace with posts in folders whose names hold spaces.
fn workspace() -> tempfile::TempDir {
    let workspace = tempfile::tempdir().unwrap();
    let drafts = workspace.path().join("Spring drafts");
    std::fs::create_dir(&drafts).unwrap();
    std::fs::write(drafts.join("serum launch.txt"), "Mon sérum préféré @marque code LUNA15\n")
        .unwrap();
    std::fs::write(drafts.join("disclosed.txt"), "Publicité · Mon sérum préféré @marque\n")
        .unwrap();
    std::fs::create_dir(workspace.path().join("out dir")).unwrap();
    workspace
}

const INPUTS: [(&str, &str); 6] = [
    ("PATHS", "Spring drafts/serum launch.txt\nSpring drafts/disclosed.txt\n"),
    ("ARGS", "--country FR --relationship paid"),
    ("FAIL_ON", "error"),
    ("SARIF", "out dir/sponsor lint.sarif"),
    ("ANNOTATIONS", "true"),
    ("JOB_SUMMARY", "true"),
];

#[test]
fn one_check_writes_sarif_annotations_and_the_job_summary() {
    let workspace = workspace();
    let run = run_step(workspace.path(), &INPUTS);
    assert_eq!(run.outputs, "exit-code=1\n");

    let annotations: Vec<&str> =
        run.stdout.lines().filter(|line| line.starts_with("::error ")).collect();
    assert_eq!(annotations.len(), 1, "{}", run.stdout);
    assert!(annotations[0].contains("file=Spring drafts/serum launch.txt"), "{}", annotations[0]);
    assert!(annotations[0].contains("fr/missing-disclosure"), "{}", annotations[0]);

    let sarif =
        std::fs::read_to_string(workspace.path().join("out dir/sponsor lint.sarif")).unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0]["ruleId"], "fr/missing-disclosure");

    let (earlier, added) = run.summary.split_once("## sponsorlint").expect("summary appended");
    assert_eq!(earlier, "Written by an earlier step.\n");
    assert!(added.contains("| 2 | 1 | 0 | 1 | 0 |"), "{added}");
    assert!(
        added.contains("| Spring drafts/serum launch.txt:1 |  | fr/missing-disclosure |"),
        "{added}"
    );
}

#[test]
fn without_annotations_or_summary_the_log_gets_the_human_report() {
    let workspace = workspace();
    std::fs::write(workspace.path().join("one.txt"), "Mon sérum préféré @marque code LUNA15\n")
        .unwrap();
    std::fs::write(workspace.path().join("two.txt"), "Publicité · Mon sérum @marque\n").unwrap();
    let mut inputs = INPUTS;
    // One line: paths separated by spaces.
    inputs[0].1 = "one.txt two.txt";
    inputs[4].1 = "false";
    inputs[5].1 = "false";
    let run = run_step(workspace.path(), &inputs);
    assert_eq!(run.outputs, "exit-code=1\n");
    assert!(!run.stdout.contains("::error"), "{}", run.stdout);
    assert!(run.stdout.contains("one.txt") && run.stdout.contains("fr/missing-disclosure"));
    assert!(run.stdout.contains("2 posts"), "{}", run.stdout);
    assert_eq!(run.summary, "Written by an earlier step.\n");
    assert!(workspace.path().join("out dir/sponsor lint.sarif").exists());

    // An unreadable input is exit code 2, and the summary still says so.
    inputs[0].1 = "one.txt\nmissing file.txt";
    inputs[5].1 = "true";
    let run = run_step(workspace.path(), &inputs);
    assert_eq!(run.outputs, "exit-code=2\n");
    assert!(run.summary.contains("## sponsorlint"), "{}", run.summary);
}

#[test]
fn the_sarif_upload_is_pinned_by_commit() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/action.yml")).unwrap();
    let line = text.lines().find(|line| line.contains("codeql-action/upload-sarif@")).unwrap();
    let pin = line.split('@').nth(1).unwrap();
    let (sha, comment) = pin.split_once(" # ").expect("a `# vX.Y.Z` comment after the SHA");
    assert!(sha.len() == 40 && sha.bytes().all(|byte| byte.is_ascii_hexdigit()), "{line}");
    assert!(comment.starts_with('v') && comment.split('.').count() == 3, "{line}");
}
