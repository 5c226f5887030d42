//! The Spark example (`examples/spark/audit.py`) run for real in
//! `local[2]` with PySpark: every post in gives one result out, in input
//! order, and the per-market summary equals the one `sponsorlint check`
//! prints for the same file.
//!
//! Needs PySpark and Java 17. The test looks for the Python of a virtual
//! environment in `$SPONSORLINT_SPARK_PYTHON`, else `target/ci-venv`,
//! which `.ci/run` creates:
//!
//! ```text
//! python3 -m venv target/ci-venv
//! target/ci-venv/bin/python -m pip install pyspark==4.0.1
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The virtual environment's Python and its `spark-submit`, or a failure
/// that says how to install them.
fn pyspark() -> (PathBuf, PathBuf) {
    let python = std::env::var_os("SPONSORLINT_SPARK_PYTHON")
        .map_or_else(|| Path::new(ROOT).join("target/ci-venv/bin/python"), PathBuf::from);
    let found = Command::new(&python)
        .args(["-c", "import pyspark"])
        .output()
        .is_ok_and(|output| output.status.success());
    assert!(
        found,
        "PySpark is not installed for {}: run `python3 -m venv target/ci-venv && \
         target/ci-venv/bin/python -m pip install pyspark==4.0.1` (as .ci/run does), \
         or point SPONSORLINT_SPARK_PYTHON at a Python that has it",
        python.display()
    );
    let submit = python.with_file_name("spark-submit");
    assert!(submit.exists(), "no spark-submit beside {}", python.display());
    (python, submit)
}

/// Runs the audit job on `input` with the test binary shipped by
/// `--files`; returns the output folder's results (concatenated in
/// partition order) and its summary.
fn audit(input: &Path, out: &Path, extra: &[&str]) -> (Vec<serde_json::Value>, serde_json::Value) {
    let (python, submit) = pyspark();
    let venv_bin = python.parent().unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut search = vec![venv_bin.to_path_buf()];
    search.extend(std::env::split_paths(&path));
    let output = Command::new(&submit)
        .env("PATH", std::env::join_paths(search).unwrap())
        .env("PYSPARK_PYTHON", &python)
        .env("PYSPARK_DRIVER_PYTHON", &python)
        .args(["--master", "local[2]", "--conf", "spark.ui.enabled=false", "--files"])
        .arg(env!("CARGO_BIN_EXE_sponsorlint"))
        .arg(Path::new(ROOT).join("examples/spark/audit.py"))
        .args(extra)
        .arg(input)
        .arg(out)
        .output()
        .expect("spark-submit runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the Spark job failed:\n{stderr}");

    let mut parts: Vec<PathBuf> = std::fs::read_dir(out.join("results"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.file_name().unwrap().to_string_lossy().starts_with("part-"))
        .collect();
    parts.sort();
    let results = parts
        .iter()
        .flat_map(|part| {
            let text = std::fs::read_to_string(part).unwrap();
            text.lines().map(|line| serde_json::from_str(line).unwrap()).collect::<Vec<_>>()
        })
        .collect();
    let summary = std::fs::read_to_string(out.join("summary/part-00000")).unwrap();
    (results, serde_json::from_str(&summary).unwrap())
}

/// The verdict and market tables of `sponsorlint check`'s own summary:
/// `(table, row) → counts`.
fn check_summary(input: &Path) -> BTreeMap<(String, String), Vec<u64>> {
    let output = Command::new(env!("CARGO_BIN_EXE_sponsorlint"))
        .env("NO_COLOR", "1")
        .args(["check", "--no-progress", "--no-config"])
        .arg(input)
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let mut tables = BTreeMap::new();
    for block in text.split("\n\n") {
        let mut lines = block.lines();
        let Some(header) = lines.next() else { continue };
        let title = header.split_whitespace().next().unwrap_or_default();
        if title != "verdict" && title != "market" {
            continue;
        }
        for line in lines {
            let mut cells = line.split_whitespace();
            let name = cells.next().unwrap().to_owned();
            let counts = cells.map(|cell| cell.parse().unwrap()).collect();
            tables.insert((title.to_owned(), name), counts);
        }
    }
    tables
}

fn spark_summary(summary: &serde_json::Value) -> BTreeMap<(String, String), Vec<u64>> {
    let mut tables = BTreeMap::new();
    for (verdict, posts) in summary["verdicts"].as_object().unwrap() {
        tables.insert(("verdict".to_owned(), verdict.clone()), vec![posts.as_u64().unwrap()]);
    }
    for row in summary["markets"].as_array().unwrap() {
        let counts = vec![row["posts"].as_u64().unwrap(), row["failing"].as_u64().unwrap()];
        tables.insert(("market".to_owned(), row["market"].as_str().unwrap().to_owned()), counts);
    }
    tables
}

#[test]
fn the_spark_job_gives_one_result_per_post_in_order_and_checks_own_summary() {
    let dir = tempfile::tempdir().unwrap();
    let (python, _) = pyspark();
    let generated = Command::new(&python)
        .arg(Path::new(ROOT).join("bench/gen_corpus.py"))
        .args(["--posts", "2000", "--seed", "19", "--out"])
        .arg(dir.path().join("corpus"))
        .status()
        .unwrap();
    assert!(generated.success());
    // Blank lines, an unreadable line and a post without a market, as real
    // exports have them.
    let corpus = std::fs::read_to_string(dir.path().join("corpus.jsonl")).unwrap();
    let mut input = String::new();
    for (n, line) in corpus.lines().enumerate() {
        input.push_str(line);
        input.push('\n');
        if n % 500 == 3 {
            input.push_str("\n{\"id\": \"broken\", \"text\": \n");
            input.push_str("{\"id\": \"nowhere\", \"text\": \"Use my code SAVE for 20% off\"}\n");
        }
    }
    let input_path = dir.path().join("posts.jsonl");
    std::fs::write(&input_path, &input).unwrap();
    let records_in = input.lines().filter(|line| !line.trim().is_empty()).count();

    let (results, summary) = audit(&input_path, &dir.path().join("out"), &[]);

    assert_eq!(results.len(), records_in, "one result per non-blank line");
    assert_eq!(summary["records_in"], records_in);
    assert_eq!(summary["records_out"], records_in);
    let ids_in: Vec<String> = input
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line)
                .map_or("(error)".to_owned(), |post| post["id"].as_str().unwrap().to_owned())
        })
        .collect();
    let ids_out: Vec<String> = results
        .iter()
        .map(|result| result["id"].as_str().unwrap_or("(error)").to_owned())
        .collect();
    assert_eq!(ids_out, ids_in, "results keep the input order");

    let expected = check_summary(&input_path);
    assert!(expected.contains_key(&("market".to_owned(), "(none)".to_owned())), "{expected:?}");
    assert_eq!(expected[&("verdict".to_owned(), "error".to_owned())], [4]);
    assert_eq!(spark_summary(&summary), expected);
}

#[test]
fn empty_partitions_and_blank_lines_give_no_results() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("few.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"a\", \"text\": \"#ad Sunny day\", \"country\": \"GB\"}\n\n\n\
         {\"id\": \"b\", \"text\": \"Hello\", \"country\": \"FR\"}\n",
    )
    .unwrap();
    // Eight partitions of four lines: most are empty or blank.
    let (results, summary) = audit(&input, &dir.path().join("out"), &["--min-partitions", "8"]);
    let ids: Vec<&str> = results.iter().map(|result| result["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(summary["records_out"], 2);
    assert_eq!(summary["records_in"], 2);
    let parts = std::fs::read_dir(dir.path().join("out/results")).unwrap();
    let empty_parts = parts
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.file_name().unwrap().to_string_lossy().starts_with("part-"))
        .filter(|path| std::fs::metadata(path).unwrap().len() == 0)
        .count();
    assert!(empty_parts >= 4, "{empty_parts} empty partitions");
}
