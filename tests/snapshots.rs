//! Snapshots of the human and JSON output for the bundled fixtures with the
//! built-in packs: a change in wording, spans or verdicts shows up in review.

use assert_cmd::Command;

fn check(format: &str) -> String {
    let output = Command::cargo_bin("sponsorlint")
        .expect("binary built")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .args(["check", "fixtures/", "--format", format])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1), "fixtures contain failing posts");
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

#[test]
fn human_output_for_the_fixtures() {
    insta::assert_snapshot!(check("human"));
}

#[test]
fn json_output_for_the_fixtures() {
    let document: serde_json::Value =
        serde_json::from_str(&check("json")).expect("one JSON document");
    insta::assert_json_snapshot!(document);
}
