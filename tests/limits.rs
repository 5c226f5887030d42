//! Size limits: a record past one is an error record naming the limit and
//! how to raise it, the run goes on, and memory stays bounded — even under
//! a hard memory cap, a huge input ends in error records, not an abort.

use std::process::Command as Process;

use assert_cmd::Command;

fn sponsorlint() -> Command {
    let mut command = Command::cargo_bin("sponsorlint").expect("binary built");
    command.env("NO_COLOR", "1").arg("--no-config");
    command
}

fn jsonl(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn a_post_text_past_the_limit_is_an_error_record_and_the_run_goes_on() {
    let long = "x".repeat(2 << 20);
    let input =
        format!("{{\"text\": \"#ad ok\"}}\n{{\"text\": \"{long}\"}}\n{{\"text\": \"#ad ok\"}}\n");
    let output = sponsorlint()
        .args(["check", "-", "--input-format", "jsonl", "--format", "jsonl", "--country", "US"])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "an unreadable record exits 2");
    let records = jsonl(&output.stdout);
    assert_eq!(records.len(), 3);
    assert_eq!(records[1]["verdict"], "error");
    let message = records[1]["error"].as_str().unwrap();
    assert!(message.contains("text: it is 2 MiB, over the post-text limit of 1 MiB"), "{message}");
    assert!(message.contains("--limit post-text=SIZE"), "{message}");
    assert_eq!(records[2]["verdict"], "pass");
    // Raised on the command line, the same post is checked.
    let output = sponsorlint()
        .args(["check", "-", "--input-format", "jsonl", "--format", "jsonl", "--country", "US"])
        .args(["--limit", "post-text=3MiB"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(jsonl(&output.stdout).iter().all(|record| record["verdict"] != "error"));
}

#[test]
fn a_jsonl_line_past_the_limit_is_skipped_unread_as_an_error_record() {
    let input = format!("{{\"text\": \"{}\"}}\n{{\"text\": \"#ad\"}}\n", "y".repeat(5 << 20));
    let output = sponsorlint()
        .args(["check", "-", "--input-format", "jsonl", "--format", "jsonl", "--country", "US"])
        .write_stdin(input)
        .output()
        .unwrap();
    let records = jsonl(&output.stdout);
    assert_eq!(records.len(), 2);
    let message = records[0]["error"].as_str().unwrap();
    assert!(message.contains("over the jsonl-line limit of 4 MiB"), "{message}");
    assert_eq!(records[1]["origin"]["line"], 2);
}

#[test]
fn limits_come_from_the_configuration_and_bad_ones_are_located() {
    let folder = tempfile::tempdir().unwrap();
    let config = folder.path().join("sponsorlint.yaml");
    std::fs::write(&config, "limits:\n  post-text: 10\n").unwrap();
    let output = Command::cargo_bin("sponsorlint")
        .unwrap()
        .args(["check", "-", "--format", "jsonl", "--config"])
        .arg(&config)
        .write_stdin("this caption is longer than ten bytes")
        .output()
        .unwrap();
    let records = jsonl(&output.stdout);
    assert!(records[0]["error"].as_str().unwrap().contains("over the post-text limit of 10 bytes"));
    std::fs::write(&config, "limits:\n  post-text: lots\n").unwrap();
    let output = Command::cargo_bin("sponsorlint")
        .unwrap()
        .args(["check", "-", "--config"])
        .arg(&config)
        .write_stdin("x")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("sponsorlint.yaml:2:14: 'lots' is not a size"), "{stderr}");
    let output = sponsorlint()
        .args(["check", "-", "--limit", "post-txt=1MiB"])
        .write_stdin("x")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown limit 'post-txt'"));
}

/// Under `ulimit -v` (virtual memory), files far larger than the limits
/// finish with error records: a 200 MB caption and a 200 MB JSONL line are
/// refused before they are held in memory.
#[test]
fn oversized_inputs_under_a_memory_cap_end_in_error_records() {
    let folder = tempfile::tempdir().unwrap();
    let caption = folder.path().join("huge.txt");
    let line = folder.path().join("huge.jsonl");
    let big = "#ad ".repeat(50 << 20);
    std::fs::write(&caption, &big).unwrap();
    std::fs::write(&line, format!("{{\"text\": \"{big}\"}}\n{{\"text\": \"#ad\"}}\n")).unwrap();
    let binary = assert_cmd::cargo::cargo_bin("sponsorlint");
    // 1 GiB of address space: far below what holding the files would take
    // with the engine's working copies, above what the binary needs.
    let script = format!(
        "ulimit -v 1048576; exec '{}' --no-config check '{}' '{}' --format jsonl --country US",
        binary.display(),
        caption.display(),
        line.display()
    );
    let output = Process::new("sh").args(["-c", &script]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    let records = jsonl(&output.stdout);
    assert_eq!(records.len(), 3, "one record per post, the huge ones as errors");
    let errors: Vec<&str> = records.iter().filter_map(|record| record["error"].as_str()).collect();
    assert_eq!(errors.len(), 2, "{records:?}");
    assert!(errors.iter().any(|error| error.contains("post-text limit")));
    assert!(errors.iter().any(|error| error.contains("jsonl-line limit")));
}

#[test]
fn a_workbook_part_past_the_limit_is_refused_before_it_is_uncompressed() {
    let output = sponsorlint()
        .args([
            "check",
            "tests/data/calendar.xlsx",
            "--format",
            "jsonl",
            "--limit",
            "sheet-part=1KiB",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let records = jsonl(&output.stdout);
    assert_eq!(records.len(), 1);
    let message = records[0]["error"].as_str().unwrap();
    assert!(message.contains(", uncompressed: it is"), "{message}");
    assert!(message.contains("over the sheet-part limit of 1 KiB"), "{message}");
    // Within the default limit the same workbook is read.
    let output = sponsorlint()
        .args(["check", "tests/data/calendar.xlsx", "--format", "jsonl", "--map", "country=Market"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(jsonl(&output.stdout).len() > 1);
}
