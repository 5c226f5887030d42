//! CSV and workbook inputs end to end: one record per row, in order, with
//! the origins (file, line or sheet row, column) that diagnostics cite.
//! Rules come from `tests/data/packs/house.yaml` only (`#ad` on paid posts).
//! One test writes the workbooks again with openpyxl and odfpy (see
//! `workbook_python`).

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
        // "Publish date" is a synonym of published_at.
        json!({"Campaign": "Spring glow", "published_at": "2026-03-02"})
    );
}

#[test]
fn agency_sheets_are_read_below_their_title_with_merged_cells_synonyms_and_country_names() {
    for workbook in ["tests/data/agency.xlsx", "tests/data/agency.ods"] {
        let output = check()
            .args([workbook, "--relationship", "paid", "--format", "json"])
            .assert()
            .code(1)
            .get_output()
            .clone();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let posts = report["posts"].as_array().expect("posts");
        let rows: Vec<&Value> = posts.iter().map(|post| &post["origin"]["line"]).collect();
        assert_eq!(rows, [6, 7, 8, 9], "{workbook}: the sheet's own rows");
        assert!(posts.iter().all(|post| post["origin"]["sheet"] == "Plan"));
        let markets: Vec<&Value> = posts.iter().map(|post| &post["markets"][0]).collect();
        assert_eq!(markets, ["GB", "FR", "DE", "US"]);
        assert_eq!(posts[0]["extra"], json!({"author": "@luna", "published_at": "2026-04-01"}));
        // Row 6: "#ad …" for GB passes the house rule.
        assert_eq!(posts[0]["verdict"], "pass", "{workbook}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stderr.contains(&format!("note: {workbook}[Plan] row 5: read as the header, below a title block on rows 1 to 4")),
            "{stderr}"
        );
        assert_eq!(stderr.matches("warning: ").count(), 4, "one per country name: {stderr}");
        assert!(
            stderr.contains(&format!(
                "warning: {workbook}[Plan] row 7, column C (Market): 'France' read as FR"
            )),
            "{stderr}"
        );
        // The caption merged over D6:D7 is row 7's too, and the channel
        // merged over B6:B8 rows 7 and 8's.
        assert_eq!(posts[1]["origin"]["column"], 4);
        assert_eq!(posts[1]["verdict"], "pass", "the house rule sees row 6's #ad");
        assert_eq!(posts[2]["platform"], "instagram");
    }
}

/// The Python of a virtual environment with openpyxl and odfpy:
/// `$SPONSORLINT_WORKBOOK_PYTHON`, else `target/ci-venv`, which `.ci/run`
/// fills; a failure that says how to install them otherwise.
fn workbook_python() -> std::path::PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = std::env::var_os("SPONSORLINT_WORKBOOK_PYTHON")
        .map_or_else(|| root.join("target/ci-venv/bin/python"), Into::into);
    let found = std::process::Command::new(&python)
        .args(["-c", "import openpyxl, odf"])
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(
        found,
        "openpyxl and odfpy are not installed for {}: run `python3 -m venv target/ci-venv && \
         target/ci-venv/bin/python -m pip install openpyxl==3.1.5 odfpy==1.4.1` (as .ci/run \
         does), or point SPONSORLINT_WORKBOOK_PYTHON at a Python that has them",
        python.display()
    );
    python
}

/// The workbooks of `tests/data`, written again by today's openpyxl and
/// odfpy (the libraries agencies' scripts write sheets with), read as the
/// committed ones are: same posts, rows, columns, merged cells and notes.
#[test]
fn workbooks_written_now_by_openpyxl_and_odfpy_read_as_the_committed_ones() {
    let python = workbook_python();
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(python)
        .arg("tests/data/make_workbooks.py")
        .arg(dir.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success(), "make_workbooks.py failed");
    for name in ["calendar.xlsx", "calendar.ods", "agency.xlsx", "agency.ods"] {
        let read = |path: &std::path::Path| {
            let output = check()
                .arg(path)
                .args(["--relationship", "paid", "--format", "jsonl"])
                .assert()
                .get_output()
                .clone();
            let path = path.display().to_string();
            let text = String::from_utf8(output.stdout).unwrap().replace(&path, "WORKBOOK");
            let notes = String::from_utf8(output.stderr).unwrap().replace(&path, "WORKBOOK");
            (text, notes)
        };
        let committed = read(&std::path::Path::new("tests/data").join(name));
        let fresh = read(&dir.path().join(name));
        assert!(committed.0.lines().count() >= 4, "{name}: {}", committed.0);
        assert_eq!(fresh, committed, "{name}");
    }
}

#[test]
fn a_csv_title_block_and_header_row_keep_the_files_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tracker.csv");
    std::fs::write(
        &path,
        "Q3 tracker,,\n,,\nPost copy,Territory,Channel\n#ad one,United Kingdom,instagram\n\"two\nlines\",UK,tiktok\nno label,England,x\n",
    )
    .unwrap();
    let found = jsonl(check().arg(&path).args(["--relationship", "paid"]), 1);
    let given = jsonl(check().arg(&path).args(["--relationship", "paid", "--header-row", "3"]), 1);
    for records in [&found, &given] {
        let lines: Vec<&Value> = records.iter().map(|record| &record["origin"]["line"]).collect();
        assert_eq!(lines, [4, 5, 7]);
        assert_eq!(column(records, "verdict"), [json!("pass"), json!("fail"), json!("fail")]);
        assert!(records.iter().all(|record| record["markets"] == json!(["GB"])));
    }
    let output = check()
        .arg(&path)
        .args(["--relationship", "paid", "--header-row", "3", "--format", "jsonl"])
        .assert()
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("note:"), "the row was named: {stderr}");
    assert_eq!(stderr.matches("warning: ").count(), 3, "{stderr}");
    let errors = jsonl(check().arg(&path).args(["--header-row", "1"]), 2);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["origin"]["line"], 1);
    assert!(errors[0]["error"].as_str().unwrap().starts_with("no column holds the text"));
    let errors = jsonl(check().arg(&path).args(["--header-row", "2"]), 2);
    assert_eq!(
        errors[0]["error"],
        "--header-row 2: line 2 is blank or inside a quoted field; the next row is on line 3"
    );
}

#[test]
fn header_row_is_read_from_the_configuration_and_the_command_line_wins() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.csv"), "Title,\nCaption,Market\n#ad hi,FR\n").unwrap();
    std::fs::write(dir.path().join("sponsorlint.yaml"), "header-row: 1\n").unwrap();
    let mut command = Command::cargo_bin("sponsorlint").unwrap();
    command.current_dir(dir.path()).args(["check", "plan.csv"]);
    let records = jsonl(&mut command, 2);
    assert_eq!(records[0]["origin"]["line"], 1, "the configuration's row 1: no text column");
    let mut command = Command::cargo_bin("sponsorlint").unwrap();
    command.current_dir(dir.path()).args(["check", "plan.csv", "--header-row", "2"]);
    let records = jsonl(&mut command, 0);
    assert_eq!(records[0]["origin"]["line"], 3);
    assert_eq!(records[0]["markets"], json!(["FR"]));
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
