//! CSV and workbook inputs end to end: one record per row, in order, with
//! the origins (file, line or sheet row, column) that diagnostics cite.
//! Rules come from `tests/data/packs/house.yaml` only (`#ad` on paid posts).

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::{Value, json};

fn check() -> Command {
    let mut command = Command::cargo_bin("sponsorlint").expect("binary built");
    command.current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1");
    command.args(["check", "--no-builtin", "--rules", "tests/data/packs/house.yaml"]);
    command
}

fn jsonl(command: &mut Command, code: i32) -> Vec<Value> {
    let output = command.args(["--format", "jsonl"]).assert().code(code).get_output().clone();
    let text = String::from_utf8(output.stdout).expect("UTF-8 output");
    text.lines().map(|line| serde_json::from_str(line).expect("each line is JSON")).collect()
}

fn column(records: &[Value], key: &str) -> Vec<Value> {
    records.iter().map(|record| record[key].clone()).collect()
}

#[test]
fn a_csv_file_is_one_record_per_row_in_order_with_its_first_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calendar.csv");
    // Excel-style: a BOM and CRLF line ends.
    let file: Vec<u8> = [
        &b"\xef\xbb\xbfID,Caption,Market,Notes\r\n"[..],
        b"a1,\"#ad first, with a comma\",US,keep\r\n", // line 2
        b"a2,\"no label\r\nsecond line\",GB,\r\n",     // lines 3-4
        b"\r\n",                                       // line 5: blank
        b"a3,too,many,cells,here\r\n",                 // line 6: ragged
        b"a4,caf\xe9,US,\r\n",                         // line 7: not UTF-8
        b"a5,\"#ad say \"\"hi\"\"\",XX,\r\n",          // line 8: unknown country
        b"a6,#ad last,US,\r\n",                        // line 9
    ]
    .concat();
    std::fs::write(&path, file).unwrap();

    let records =
        jsonl(check().arg(&path).args(["--map", "country=Market", "--relationship", "paid"]), 2);
    assert_eq!(
        column(&records, "verdict"),
        [
            json!("pass"),
            json!("fail"),
            json!("error"),
            json!("error"),
            json!("error"),
            json!("pass")
        ]
    );
    let lines: Vec<Value> = records.iter().map(|record| record["origin"]["line"].clone()).collect();
    assert_eq!(lines, [json!(2), json!(3), json!(6), json!(7), json!(8), json!(9)]);
    let path = path.display().to_string();
    assert!(records.iter().all(|record| record["origin"]["path"] == path.as_str()));

    assert_eq!(records[0]["origin"]["column"], 2);
    assert_eq!(records[0]["markets"], json!(["US"]));
    assert_eq!(records[0]["extra"], json!({"Notes": "keep"}));
    assert_eq!(records[1]["findings"][0]["rule"], "house/missing-ad");
    assert_eq!(records[2]["error"], "the row has 5 fields but the header has 4 fields");
    assert_eq!(
        records[3]["error"],
        "column 2 (Caption): not UTF-8 (byte 0xE9 at line 7); save the file as UTF-8"
    );
    assert_eq!(records[3]["origin"]["column"], 2);
    let error = records[4]["error"].as_str().unwrap();
    assert!(error.starts_with("column 3 (Market): country: unknown country 'XX'"), "{error}");
    assert_eq!(records[4]["id"], "a5");
}

#[test]
fn the_fixture_calendar_needs_no_mapping() {
    let records = jsonl(check().arg("fixtures/calendar.csv"), 1);
    assert_eq!(records.len(), 8);
    let ids: Vec<&str> = records.iter().map(|record| record["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["csv-101", "csv-102", "csv-103", "csv-104", "csv-105", "csv-106", "csv-107", "csv-108"]
    );
    // Multi-line captions push the later rows down.
    let lines: Vec<u64> =
        records.iter().map(|record| record["origin"]["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [2, 5, 6, 7, 9, 10, 12, 13]);
    assert_eq!(records[7]["markets"], json!(["FR", "BE"]));
    assert_eq!(
        records[0]["extra"],
        json!({"Campaign": "Spring glow", "Publish date": "2026-03-02"})
    );
}

#[test]
fn workbooks_report_sheet_rows_and_take_map_and_sheet() {
    for workbook in ["tests/data/calendar.xlsx", "tests/data/calendar.ods"] {
        let records =
            jsonl(check().args([workbook, "--map", "country=Market", "--relationship", "paid"]), 1);
        assert_eq!(column(&records, "id"), [json!("17"), json!("18"), json!("19"), json!("20")]);
        assert_eq!(
            records[2]["origin"],
            json!({"path": workbook, "sheet": "Calendar", "line": 7, "column": 3})
        );
        assert_eq!(records[2]["markets"], json!(["US"]));
        assert_eq!(records[2]["verdict"], "fail");

        let archive = jsonl(check().args([workbook, "--sheet", "Archive"]), 0);
        assert_eq!(archive[0]["origin"]["sheet"], "Archive");

        check()
            .args([workbook, "--sheet", "Drafts"])
            .assert()
            .code(2)
            .stdout(contains("no sheet named 'Drafts'; the sheets are: Calendar, Archive"));
    }
}

#[test]
fn bad_mappings_are_usage_errors() {
    check()
        .args(["fixtures/calendar.csv", "--map", "txt=Caption"])
        .assert()
        .code(2)
        .stderr(contains("unknown post key 'txt'"));
    check()
        .args(["fixtures/calendar.csv", "--map", "country"])
        .assert()
        .code(2)
        .stderr(contains("expected KEY=COLUMN"));
}

#[test]
fn csv_from_stdin_needs_the_input_format() {
    let records = jsonl(
        check()
            .args(["-", "--input-format", "csv", "--relationship", "paid"])
            .write_stdin("caption,id\n\"#ad hi\",s1\nno label,s2\n"),
        1,
    );
    assert_eq!(column(&records, "verdict"), [json!("pass"), json!("fail")]);
    assert_eq!(records[1]["origin"], json!({"path": "-", "line": 3, "column": 1}));
}
