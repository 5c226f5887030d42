//! Regression tests for runs that lost data, hung or panicked: each test is
//! named after the defect it keeps fixed. Rules come from
//! `tests/data/packs/house.yaml` (`#ad` on paid posts) unless a test says
//! otherwise.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;

const HOUSE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/packs/house.yaml");

/// `sponsorlint` in `dir`, without colour or a configuration file.
fn sponsorlint(dir: &Path) -> Command {
    let mut command = bare(dir);
    command.arg("--no-config");
    command
}

/// `sponsorlint` in `dir`, without colour.
fn bare(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("sponsorlint").expect("binary built");
    command.current_dir(dir).env("NO_COLOR", "1").env_remove("COLUMNS");
    command
}

fn house() -> [&'static str; 3] {
    ["--no-builtin", "--rules", HOUSE]
}

/// A folder with two posts in `posts.jsonl` (one fails when paid) and a copy
/// of the house pack in `house.yaml`.
fn workspace() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    std::fs::write(root.join("posts.jsonl"), POSTS).unwrap();
    std::fs::copy(HOUSE, root.join("house.yaml")).unwrap();
    (dir, root)
}

const POSTS: &str = "{\"id\":\"a\",\"text\":\"#ad serum\"}\n{\"id\":\"b\",\"text\":\"serum\"}\n";

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn output_over_an_input_truncated_it() {
    let (_dir, root) = workspace();
    let refused = |args: &[&str], what: &str| {
        let assert = sponsorlint(&root)
            .args(["check", "--relationship", "paid"])
            .args(args)
            .assert()
            .code(2)
            .stdout("");
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
        assert!(stderr.contains(what), "expected {what:?} in {stderr}");
    };
    // The input itself, under another spelling of its path.
    refused(
        &["posts.jsonl", "--rules", "house.yaml", "--no-builtin", "-o", "./posts.jsonl"],
        "posts.jsonl",
    );
    assert_eq!(read(root.join("posts.jsonl")), POSTS);
    // A file that a folder given as input would read, existing or not yet.
    std::fs::create_dir(root.join("drafts")).unwrap();
    std::fs::write(root.join("drafts/a.txt"), "#ad hi").unwrap();
    refused(&["drafts", "--rules", "house.yaml", "--no-builtin", "-o", "drafts/a.txt"], "drafts");
    assert_eq!(read(root.join("drafts/a.txt")), "#ad hi");
    refused(
        &["drafts/", "--rules", "house.yaml", "--no-builtin", "-o", "drafts/report.json"],
        "drafts",
    );
    assert!(!root.join("drafts/report.json").exists());
    // The rule pack and the configuration file.
    refused(
        &["posts.jsonl", "--rules", "house.yaml", "--no-builtin", "-o", "house.yaml"],
        "rule pack",
    );
    assert_eq!(read(root.join("house.yaml")), read(HOUSE));
    std::fs::write(root.join("sponsorlint.yaml"), "fail-on: error\n").unwrap();
    let assert = bare(&root)
        .args(["--config", "sponsorlint.yaml", "check", "posts.jsonl", "-o", "sponsorlint.yaml"])
        .args(house())
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("configuration"), "{stderr}");
    assert_eq!(read(root.join("sponsorlint.yaml")), "fail-on: error\n");

    // What the folder walk does not read may be written there.
    sponsorlint(&root)
        .args(["check", "drafts", "-o", "drafts/report.sarif", "--format", "sarif"])
        .args(house())
        .assert()
        .code(0);
    assert!(read(root.join("drafts/report.sarif")).contains("\"version\":\"2.1.0\""));
}

#[test]
fn baseline_over_an_input_truncated_it() {
    let (_dir, root) = workspace();
    std::fs::copy(root.join("posts.jsonl"), root.join("other.jsonl")).unwrap();
    // The baseline file name forgotten: the first input takes its place.
    sponsorlint(&root)
        .args(["baseline", "posts.jsonl", "other.jsonl", "--relationship", "paid"])
        .args(house())
        .assert()
        .code(2)
        .stderr(contains("posts.jsonl"))
        .stderr(contains("not a baseline"));
    assert_eq!(read(root.join("posts.jsonl")), POSTS);
    // The baseline file among the inputs.
    sponsorlint(&root)
        .args(["baseline", "posts.jsonl", "posts.jsonl", "--relationship", "paid"])
        .args(house())
        .assert()
        .code(2)
        .stderr(contains("posts.jsonl"));
    assert_eq!(read(root.join("posts.jsonl")), POSTS);
    // A new baseline, then the same one recorded again, are written.
    for _ in 0..2 {
        sponsorlint(&root)
            .args(["baseline", "baseline.json", "posts.jsonl", "--relationship", "paid"])
            .args(house())
            .assert()
            .code(0);
        assert!(read(root.join("baseline.json")).contains("\"findings\""));
    }
}

#[test]
fn output_was_truncated_first_so_a_cut_run_left_half_a_report() {
    use std::io::Write as _;
    use std::time::{Duration, Instant};

    let (_dir, root) = workspace();
    let report = root.join("report.jsonl");
    std::fs::write(&report, "old report\n").unwrap();
    let others = || -> Vec<String> {
        let names = std::fs::read_dir(&root)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned());
        let known = ["posts.jsonl", "house.yaml", "report.jsonl"];
        names.filter(|name| !known.contains(&name.as_str())).collect()
    };
    // A run that waits on its input: the report is being written.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("sponsorlint"))
        .current_dir(&root)
        .args(["--no-config", "check", "-", "--format", "jsonl", "-o", "report.jsonl"])
        .args(house())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"{\"id\":\"x\",\"text\":\"serum\"}\n").unwrap();
    stdin.flush().unwrap();
    let started = Instant::now();
    while others().is_empty()
        && read(&report) == "old report\n"
        && started.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(read(&report), "old report\n", "the report is replaced only when complete");
    // Cut short: the old report stays, whole.
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(read(&report), "old report\n");
    for leftover in others() {
        assert!(leftover.starts_with(".sponsorlint-"), "a hidden temporary file, not {leftover}");
    }

    // A run that ends replaces it, and leaves nothing else behind.
    for leftover in others() {
        std::fs::remove_file(root.join(leftover)).unwrap();
    }
    sponsorlint(&root)
        .args(["check", "-", "--format", "jsonl", "-o", "report.jsonl"])
        .args(house())
        .write_stdin("{\"id\":\"x\",\"text\":\"serum\"}\n")
        .assert()
        .code(0);
    assert!(read(&report).starts_with("{\"origin\""), "{}", read(&report));
    assert_eq!(others(), Vec::<String>::new());
}

/// The formats of `check --format`.
const FORMATS: [&str; 7] = ["human", "json", "jsonl", "sarif", "github", "junit", "csv"];

#[test]
fn a_finding_past_column_65535_panicked_the_human_report() {
    let (_dir, root) = workspace();
    // One line of 70,000 characters, its problem (an "#ad" buried in
    // trailing hashtags) at the end.
    let caption = format!("{} my new serum #a #b #c #ad", "x ".repeat(35_000));
    std::fs::write(root.join("wide.txt"), &caption).unwrap();
    let column = caption.find("#ad").unwrap() + 1;
    for format in FORMATS {
        let assert = sponsorlint(&root)
            .args(["check", "wide.txt", "--relationship", "paid", "--country", "GB"])
            .args(["--format", format])
            .assert()
            .code(1);
        let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
        if format == "human" {
            assert!(stdout.contains(&format!("text:1:{column}]")), "{stdout}");
            assert!(stdout.contains("#c #ad"), "{stdout}");
            assert!(stdout.lines().all(|line| line.chars().count() < 400), "lines are clipped");
        }
    }
}

#[test]
fn a_problem_past_column_65535_panicked_pack_and_config_errors() {
    let (_dir, root) = workspace();
    // A term set on one line of 90,000 characters with an unknown key at
    // its end.
    let many: Vec<String> = (0..9000).map(|n| format!("\"#x{n}\"")).collect();
    let wide = read(HOUSE).replace(
        "  ad: { language: en, match: hashtag, any: [\"#ad\"] }",
        &format!(
            "  ad: {{ language: en, match: hashtag, any: [\"#ad\", {}], bogus: 1 }}",
            many.join(", ")
        ),
    );
    std::fs::write(root.join("wide.yaml"), &wide).unwrap();
    let line = wide.lines().find(|line| line.contains("bogus")).unwrap();
    let column = line.find("bogus").unwrap() + 1;
    for command in [
        &["rules", "test", "wide.yaml"][..],
        &["check", "posts.jsonl", "--no-builtin", "--rules", "wide.yaml"],
    ] {
        sponsorlint(&root)
            .args(command)
            .assert()
            .code(2)
            .stderr(contains(format!("wide.yaml:10:{column}")))
            .stderr(contains("bogus"));
    }
    // A configuration file written on one line.
    let brands: Vec<String> = (0..9000).map(|n| format!("brand{n}")).collect();
    let config = format!("{{brands: [{}], fail-on: sometimes}}\n", brands.join(", "));
    std::fs::write(root.join("wide-config.yaml"), &config).unwrap();
    let column = config.find("sometimes").unwrap() + 1;
    bare(&root)
        .args(["--config", "wide-config.yaml", "check", "posts.jsonl"])
        .args(house())
        .assert()
        .code(2)
        .stderr(contains(format!("wide-config.yaml:1:{column}")));
}

/// Runs `check FILE --format jsonl` and returns the records and exit code.
fn jsonl_of(root: &Path, file: &str, extra: &[&str]) -> (Vec<serde_json::Value>, i32) {
    let output = sponsorlint(root)
        .args(["check", file, "--format", "jsonl", "--relationship", "paid"])
        .args(house())
        .args(extra)
        .output()
        .unwrap();
    let records = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    (records, output.status.code().unwrap())
}

fn lines_and_verdicts(records: &[serde_json::Value]) -> Vec<(u64, String)> {
    records
        .iter()
        .map(|record| {
            let line = record["origin"]["line"].as_u64().unwrap();
            (line, record["verdict"].as_str().unwrap().to_owned())
        })
        .collect()
}

#[test]
fn an_unbalanced_csv_quote_swallowed_the_rows_up_to_the_next_quote() {
    let (_dir, root) = workspace();
    // Row 2 (line 3) opens a quote that only row 400 (line 401) closes.
    let mut rows = vec!["id,text".to_owned(), "1,#ad one".to_owned(), "2,\"#ad stray".to_owned()];
    rows.extend((3..400).map(|n| format!("{n},#ad row {n}")));
    rows.push("400,#ad closes\"".to_owned());
    rows.push("401,#ad last".to_owned());
    std::fs::write(root.join("stray.csv"), rows.join("\n") + "\n").unwrap();
    let (records, code) = jsonl_of(&root, "stray.csv", &[]);
    assert_eq!(code, 2);
    // Records in = results out + error records: every row, in order.
    let expected: Vec<(u64, String)> =
        (2..=402).map(|line| (line, if line == 3 { "error" } else { "pass" }.to_owned())).collect();
    assert_eq!(lines_and_verdicts(&records), expected);
    let error = records[1]["error"].as_str().unwrap();
    assert!(error.contains("line 3") && error.contains("200 lines"), "{error}");

    // The third line's stray quote is an error record; the rows after it
    // are read again.
    let stray_on_line_3 = |name: &str, content: &str| {
        std::fs::write(root.join(name), content).unwrap();
        let (records, code) = jsonl_of(&root, name, &[]);
        assert_eq!(code, 2);
        assert_eq!(
            lines_and_verdicts(&records),
            [(2, "pass"), (3, "error"), (4, "pass"), (5, "pass")].map(|(l, v)| (l, v.to_owned()))
        );
        records
    };
    // Never closed: reported where the quote opened.
    let records =
        stray_on_line_3("eof.csv", "text,id\n#ad ok,1\n\"#ad oops,2\n#ad next,3\n#ad last,4\n");
    assert!(records[1]["error"].as_str().unwrap().contains("never closed"));
    // Closed by the next row's own quote: the row's fields do not add up.
    stray_on_line_3(
        "count.csv",
        "id,text,country\n1,\"#ad hi, there\",FR\n2,\"#ad oops,GB\n3,#ad x,\"US\"\n4,#ad y,GB\n",
    );

    // A long caption over many lines is still one post.
    let caption: Vec<String> = (0..150).map(|n| format!("line {n}, with a comma")).collect();
    let file = format!("id,text\n1,\"#ad {}\"\n2,#ad next\n", caption.join("\n"));
    std::fs::write(root.join("long.csv"), file).unwrap();
    let (records, code) = jsonl_of(&root, "long.csv", &[]);
    assert_eq!(code, 0);
    assert_eq!(lines_and_verdicts(&records), [(2, "pass".to_owned()), (152, "pass".to_owned())]);
}

/// Makes a named pipe (FIFO) at `path`.
#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn a_fifo_inside_a_checked_folder_hung_the_run() {
    use std::time::Duration;

    let (_dir, root) = workspace();
    std::fs::create_dir(root.join("drafts")).unwrap();
    std::fs::write(root.join("drafts/a.txt"), "#ad serum").unwrap();
    mkfifo(&root.join("drafts/b.txt"));
    sponsorlint(&root)
        .args(["check", "drafts", "--relationship", "paid", "--verbose"])
        .args(house())
        .timeout(Duration::from_secs(20))
        .assert()
        .code(0)
        .stdout(contains("checked 1 post:"))
        .stderr(contains("b.txt"))
        .stderr(contains("not a regular file"));

    // Named on the command line, a pipe is read as a stream, its format
    // sniffed as stdin's when its name has no known extension.
    let pipe = root.join("pipe");
    mkfifo(&pipe);
    let writer = {
        let pipe = pipe.clone();
        std::thread::spawn(move || std::fs::write(pipe, "{\"id\":\"p\",\"text\":\"serum\"}\n"))
    };
    let output = sponsorlint(&root)
        .args(["check", "pipe", "--relationship", "paid", "--format", "jsonl"])
        .args(house())
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let record: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(record["id"], "p");
}

#[test]
fn jobs_1000_spawned_1000_threads() {
    let (_dir, root) = workspace();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    sponsorlint(&root)
        .args(["check", "posts.jsonl", "--jobs", "1000"])
        .args(house())
        .assert()
        .code(0)
        .stderr(contains(format!(
            "--jobs 1000 is more than 4 threads per core; using {}",
            4 * cores
        )));
}

#[test]
fn a_closed_pipe_exited_0_after_failures() {
    use std::io::{BufRead as _, BufReader};

    let (_dir, root) = workspace();
    // Enough failing posts that the report outgrows any pipe buffer.
    let posts: String =
        (0..5000).map(|n| format!("{{\"id\":\"p{n}\",\"text\":\"serum {n}\"}}\n")).collect();
    std::fs::write(root.join("many.jsonl"), posts).unwrap();
    for format in ["jsonl", "human"] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("sponsorlint"))
            .current_dir(&root)
            .args([
                "--no-config",
                "check",
                "many.jsonl",
                "--relationship",
                "paid",
                "--format",
                format,
            ])
            .args(house())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // `| head -1`: one line, then the reader is gone.
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(1), "{format}: failures were found before the pipe closed");
    }
    // A baseline cut short is not recorded, and says so.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("sponsorlint"))
        .current_dir(&root)
        .args(["--no-config", "baseline", "b.json", "many.jsonl", "--relationship", "paid"])
        .args(["--format", "jsonl"])
        .args(house())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(2));
    assert!(!root.join("b.json").exists());
}

#[test]
fn empty_stdin_was_one_passing_post() {
    let (_dir, root) = workspace();
    for (input, forced) in [
        ("", None),
        ("  \n\n", None),
        ("", Some("txt")),
        ("\n\n\n", Some("jsonl")),
        ("", Some("json")),
    ] {
        let mut command = sponsorlint(&root);
        command.args(["check", "-"]).args(house()).write_stdin(input);
        if let Some(format) = forced {
            command.args(["--input-format", format]);
        }
        command.assert().code(0).stdout("").stderr(contains("no posts in standard input"));
    }
    // Machine formats still write a whole, empty document.
    let output = sponsorlint(&root)
        .args(["check", "-", "--format", "json"])
        .args(house())
        .write_stdin("")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let document: serde_json::Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(document["summary"]["posts"], 0);
    assert_eq!(document["posts"], serde_json::json!([]));
    sponsorlint(&root)
        .args(["check", "-", "--format", "jsonl"])
        .args(house())
        .write_stdin("\n \n")
        .assert()
        .code(0)
        .stdout("");
}

/// `text` in UTF-16 with its byte-order mark.
fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
    }
    bytes
}

#[test]
fn utf16_files_were_rejected_as_invalid_utf8() {
    let (_dir, root) = workspace();
    let files = [
        ("post.txt", "#ad crème ✨\nline two"),
        ("draft.md", "---\nid: m\n---\n#ad crème 👍🏽"),
        ("posts.json", "[{\"id\": \"j\", \"text\": \"#ad crème\"}]"),
        (
            "lines.jsonl",
            "{\"id\": \"l1\", \"text\": \"#ad one\"}\r\n{\"id\": \"l2\", \"text\": \"#ad two\"}\r\n",
        ),
        ("calendar.csv", "id,text\r\nc1,\"#ad crème, \"\"quoted\"\"\"\r\nc2,#ad two\r\n"),
        ("calendar.tsv", "id\ttext\r\nt1\t#ad crème\r\n"),
    ];
    for big_endian in [false, true] {
        for (name, text) in files {
            std::fs::write(root.join(name), utf16(text, big_endian)).unwrap();
            let (records, code) = jsonl_of(&root, name, &[]);
            assert_eq!(code, 0, "{name} (big endian: {big_endian}): {records:?}");
            assert!(records.iter().all(|record| record["verdict"] == "pass"), "{records:?}");
        }
        // Excel's "Unicode text" export: UTF-16 LE, tab-separated, .txt.
        let export = "ID\tCaption\tCountry\r\n1\t#ad Glow serum\tGB\r\n2\tGlow serum\tGB\r\n";
        std::fs::write(root.join("export.txt"), utf16(export, big_endian)).unwrap();
        let (records, code) = jsonl_of(&root, "export.txt", &["--input-format", "tsv"]);
        assert_eq!(code, 1);
        let ids: Vec<&str> = records.iter().map(|record| record["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(records[1]["origin"]["line"], 3);
    }
    // On stdin too, sniffed after decoding.
    let output = sponsorlint(&root)
        .args(["check", "-", "--format", "jsonl"])
        .args(house())
        .write_stdin(utf16("\n{\"id\": \"s\", \"text\": \"#ad crème\"}\n", false))
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let record: serde_json::Value = serde_json::from_slice(&output).unwrap();
    assert_eq!((record["id"].as_str(), record["origin"]["line"].as_u64()), (Some("s"), Some(2)));
    // Not UTF-8 nor UTF-16: an error naming the byte and where it is.
    std::fs::write(root.join("latin1.csv"), b"id,text\n1,#ad ok\n2,#ad caf\xe9\n3,#ad fine\n")
        .unwrap();
    let (records, code) = jsonl_of(&root, "latin1.csv", &[]);
    assert_eq!(code, 2);
    assert_eq!(
        records[1]["error"],
        "column 2 (text): not UTF-8 (byte 0xE9 at line 3); save the file as UTF-8"
    );
    std::fs::write(root.join("latin1.txt"), b"#ad\nfine\ncaf\xe9").unwrap();
    let (records, _) = jsonl_of(&root, "latin1.txt", &[]);
    assert_eq!(
        records[0]["error"],
        "not UTF-8 (byte 0xE9 at line 3, byte offset 12); save the file as UTF-8"
    );
    assert_eq!(records[0]["origin"]["line"], 3);
}

/// JSONL posts with every character that can break a report: C0 and C1
/// controls, DEL, an escape sequence, `]]>`, `%` escapes, line breaks,
/// U+2028, the non-characters U+FFFE/U+FFFF, and lone surrogates.
const HOSTILE: &str = concat!(
    r#"{"id":"p\u0000\u0001\u001b[31m]]>%0A%\n\r\u2028\ufffe\uffff\u0085\u007f,x:y::","#,
    r#""text":"serum \u0000\u0007 ]]> %25 \u001b[2J\u009b end \ud800 \udc00 \ud83d\ude00","#,
    r#""author":"\u0000x]]>\ufffe"}"#,
    "\n",
    r#"{"id":"e\u0000]]>","platform":"tik\u0000]]>%\n\u001b[31m\ufffe"}"#,
    "\n",
    r##"{"id":"s","text":"#ad \ud800 lone"}"##,
    "\n",
);

/// Control characters a report may not carry raw (tab and line breaks are
/// each format's own business).
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| {
            (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                || matches!(c, '\u{fffe}' | '\u{ffff}')
        })
        .collect()
}

#[test]
fn control_characters_and_lone_surrogates_broke_the_outputs() {
    let (_dir, root) = workspace();
    std::fs::write(root.join("hostile.jsonl"), HOSTILE).unwrap();
    let run = |format: &str| {
        let output = sponsorlint(&root)
            .args(["check", "hostile.jsonl", "--relationship", "paid", "--format", format])
            .args(house())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{format}");
        String::from_utf8(output.stdout).expect("UTF-8")
    };

    // The lone surrogates became U+FFFD and their posts were checked.
    let jsonl = run("jsonl");
    let records: Vec<serde_json::Value> =
        jsonl.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    let verdicts: Vec<&str> = records.iter().map(|r| r["verdict"].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["fail", "error", "pass"]);
    assert_eq!(records[0]["extra"]["author"], "\u{0}x]]>\u{fffe}");

    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["summary"]["posts"], 3);
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 1);

    let junit = run("junit");
    let document = roxmltree::Document::parse(&junit).expect("well-formed XML");
    let cases: Vec<_> =
        document.descendants().filter(|node| node.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), 3);
    assert!(cases[0].attribute("name").unwrap().contains("]]>"));

    let csv = run("csv");
    assert_eq!(raw_controls(&csv), [], "{csv:?}");
    let mut reader = ::csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<::csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "a finding and an unreadable record");
    assert!(
        rows[0][2].starts_with("p\u{fffd}\u{fffd}\u{fffd}[31m]]>%0A%\n\r\u{2028}"),
        "{:?}",
        &rows[0][2]
    );

    let github = run("github");
    assert_eq!(raw_controls(&github), [], "{github:?}");
    for line in github.lines() {
        assert!(line.starts_with("::") || line.starts_with("sponsorlint: "), "{line:?}");
    }
    assert!(github.contains("post p\u{fffd}\u{fffd}\u{fffd}[31m]]>%250A%25%0A%0D"), "{github}");

    let human = run("human");
    assert_eq!(raw_controls(&human), [], "no escape sequence reaches a terminal: {human:?}");
    assert!(
        human.contains("· post p\u{fffd}\u{fffd}\u{fffd}[31m]]>%0A%\u{fffd}\u{fffd}"),
        "{human}"
    );
}

/// 40,000 hidden characters in one caption made a finding with 40,000
/// underlined places, whose layout took minutes; the report underlines 20
/// and says how many more there are.
#[test]
fn forty_thousand_related_places_took_minutes_to_lay_out() {
    let caption = "a\u{200b}d ".repeat(40_000);
    let output = assert_cmd::Command::cargo_bin("sponsorlint")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(["--no-config", "check", "-", "--country", "US", "--platform", "instagram"])
        .write_stdin(caption)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.contains("39979 more places are not underlined here"), "{report}");
    let underlined =
        report.lines().filter(|line| line.contains("╰── obfuscated-disclosure")).count();
    assert!(underlined <= 21, "{underlined} labels");
}

/// Found by the `read_workbook` fuzz target: calamine overflowed on a
/// damaged XLSX and the run panicked (in a build with overflow checks);
/// the file is now one error record and the other inputs are checked.
#[test]
fn a_damaged_workbook_panicked_the_reader() {
    let output = assert_cmd::Command::cargo_bin("sponsorlint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--no-config", "check", "tests/data/damaged.xlsx", "fixtures/note.txt"])
        .args(["--format", "jsonl", "--country", "US"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let records: Vec<&str> = stdout.lines().collect();
    assert_eq!(records.len(), 2, "{stdout}");
    assert!(records[0].contains("the workbook is damaged and cannot be read"), "{stdout}");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
}
