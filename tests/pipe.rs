//! `check - --input-format jsonl --format jsonl --exit-zero` as a filter
//! for Spark's `RDD.pipe`, Hadoop Streaming and Beam: one output line per
//! non-blank input line, in order, nothing else on stdout; blank lines and
//! empty input give nothing; exit 0 whenever the run completed; no
//! configuration or environment needed.

use assert_cmd::Command;

const FILTER: [&str; 7] =
    ["check", "-", "--input-format", "jsonl", "--format", "jsonl", "--exit-zero"];

/// The binary with an empty environment, in an empty folder: what a Spark
/// executor gives a piped command at worst.
fn bare_filter() -> (Command, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::cargo_bin("sponsorlint").expect("binary built");
    command.env_clear().current_dir(dir.path()).args(FILTER);
    (command, dir)
}

fn lines(output: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8(output.to_vec())
        .expect("UTF-8 output")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON record"))
        .collect()
}

#[test]
fn one_line_out_per_non_blank_line_in_in_order_with_error_records_and_exit_0() {
    let mut input = String::new();
    let mut expected = Vec::new();
    for n in 0..400 {
        match n % 7 {
            // Blank and whitespace-only lines are not records.
            0 => input.push('\n'),
            1 => input.push_str("   \t\n"),
            // Unreadable lines are error records in their place.
            2 => {
                input.push_str("{not json\n");
                expected.push(format!("error@{}", input.lines().count()));
            }
            // Posts that fail (an error finding) and posts that pass.
            3 => {
                input.push_str(&format!(
                    r#"{{"id":"p{n}","text":"Use my code SAVE{n} for 20% off","country":"GB","relationship":"paid"}}"#
                ));
                input.push('\n');
                expected.push(format!("p{n}"));
            }
            _ => {
                input.push_str(&format!(
                    r##"{{"id":"p{n}","text":"#ad A day at the sea","country":"FR"}}"##
                ));
                input.push('\n');
                expected.push(format!("p{n}"));
            }
        }
    }
    let (mut command, _dir) = bare_filter();
    let output = command.args(["--jobs", "2"]).write_stdin(input).assert().code(0);
    let records = lines(&output.get_output().stdout);
    let seen: Vec<String> = records
        .iter()
        .map(|record| match record["verdict"].as_str() {
            Some("error") => format!("error@{}", record["origin"]["line"]),
            _ => record["id"].as_str().unwrap().to_owned(),
        })
        .collect();
    assert_eq!(seen, expected);
    assert!(records.iter().any(|record| record["verdict"] == "fail"), "some posts fail");
}

#[test]
fn without_exit_zero_the_same_input_exits_non_zero() {
    let input = "{\"text\":\"Use my code SAVE20\",\"country\":\"GB\",\"relationship\":\"paid\"}\n";
    let (mut command, _dir) = bare_filter();
    command.write_stdin(input).assert().code(0);
    let dir = tempfile::tempdir().unwrap();
    let mut plain = Command::cargo_bin("sponsorlint").unwrap();
    plain.env_clear().current_dir(dir.path()).args(&FILTER[..6]);
    plain.write_stdin(input).assert().code(1);
    plain.write_stdin("{not json\n").assert().code(2);
}

#[test]
fn empty_input_and_blank_lines_give_no_output() {
    for input in ["", "\n", "\n\n  \n\r\n"] {
        let (mut command, _dir) = bare_filter();
        let output = command.write_stdin(input).assert().code(0);
        assert!(output.get_output().stdout.is_empty(), "{input:?} gave output");
    }
}

#[test]
fn usage_errors_and_invalid_packs_still_exit_2() {
    let (mut command, dir) = bare_filter();
    command.args(["--country", "Atlantis"]).write_stdin("{\"text\":\"x\"}\n").assert().code(2);
    let pack = dir.path().join("broken.yaml");
    std::fs::write(&pack, "rules: [").unwrap();
    let (mut command, _other) = bare_filter();
    command.arg("--rules").arg(&pack).write_stdin("{\"text\":\"x\"}\n").assert().code(2);
}
