//! The CI formats end to end: `check --format sarif|github|junit|csv` on the
//! bundled fixtures, each output parsed back and compared with the JSON
//! report of the same run, so the formats agree with the contract whatever
//! the built-in packs find. SARIF is validated against the OASIS schema in
//! `../shared/schemas` (never copied into the repository).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// Runs `check` on `paths` in the repository root and returns stdout.
fn check(paths: &[&str], format: &str, extra: &[&str], code: i32) -> String {
    let output = Command::cargo_bin("sponsorlint")
        .expect("binary built")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .arg("check")
        .args(paths)
        .args(["--format", format])
        .args(extra)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(code), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The findings of a run as (origin path, line, rule, severity), from the
/// JSON report: what every other format must show.
fn findings(paths: &[&str], code: i32) -> Vec<(String, Option<u64>, String, String)> {
    let document: Value = serde_json::from_str(&check(paths, "json", &[], code)).unwrap();
    let mut findings = Vec::new();
    for post in document["posts"].as_array().unwrap() {
        for finding in post["findings"].as_array().into_iter().flatten() {
            findings.push((
                post["origin"]["path"].as_str().unwrap().to_owned(),
                post["origin"]["line"].as_u64(),
                finding["rule"].as_str().unwrap().to_owned(),
                finding["severity"].as_str().unwrap().to_owned(),
            ));
        }
    }
    findings
}

fn schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/sarif-schema-2.1.0.json")
}

/// Validates `document` against the SARIF 2.1.0 schema, or returns `None`
/// when the schema file is not there.
fn validate_sarif(document: &Value) -> Option<Result<(), String>> {
    let text = std::fs::read_to_string(schema_path()).ok()?;
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    // Some copies of the schema keep the root's rules under
    // `definitions/Root` and leave the top level unconstrained: validating
    // against the top level would then accept anything.
    let pointer = if schema.get("properties").is_some() { "" } else { "#/definitions/Root" };
    let url = "file:///sarif-schema-2.1.0.json";
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler.add_resource(url, schema).expect("schema added");
    let index = compiler.compile(&format!("{url}{pointer}"), &mut schemas).expect("compiles");
    Some(schemas.validate(document, index).map_err(|error| format!("{error:#}")))
}

/// Asserts `document` is valid SARIF, or says that it skips when the schema
/// is absent. Also proves the validator is not vacuous: a copy with a bad
/// level and a result without its required message must be refused.
fn assert_valid_sarif(document: &Value) {
    let Some(valid) = validate_sarif(document) else {
        println!("SKIPPED schema validation: no SARIF schema at {}", schema_path().display());
        return;
    };
    valid.unwrap();
    let mut broken = document.clone();
    let results = broken["runs"][0]["results"].as_array_mut().unwrap();
    results.push(serde_json::json!({ "ruleId": "x", "level": "fatal" }));
    let error = validate_sarif(&broken).unwrap().unwrap_err();
    assert!(error.contains("level") && error.contains("message"), "{error}");
}

#[test]
fn sarif_for_the_fixtures_is_valid_and_has_a_result_per_finding() {
    let expected = findings(&["fixtures/"], 1);
    let document: Value =
        serde_json::from_str(&check(&["fixtures/"], "sarif", &[], 1)).expect("one JSON document");
    assert_valid_sarif(&document);
    let run = &document["runs"][0];
    let results = run["results"].as_array().unwrap();
    let seen: Vec<(String, String)> = results
        .iter()
        .map(|result| {
            let location = &result["locations"][0]["physicalLocation"];
            (
                location["artifactLocation"]["uri"].as_str().unwrap().to_owned(),
                result["ruleId"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let wanted: Vec<(String, String)> =
        expected.iter().map(|(path, _, rule, _)| (path.clone(), rule.clone())).collect();
    assert_eq!(seen, wanted);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in results {
        let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], result["ruleId"]);
        // Every built-in rule cites a source: it is the rule's help page.
        assert!(rule["helpUri"].as_str().unwrap().starts_with("http"), "{rule}");
        assert!(rule["shortDescription"]["text"].as_str().is_some_and(|text| !text.is_empty()));
        assert!(result["partialFingerprints"]["sponsorlintFinding/v1"].is_string());
    }
    // Findings in Markdown bodies and .txt files point at the exact place.
    let note = results
        .iter()
        .find(|result| {
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "fixtures/note.txt"
        })
        .unwrap();
    let region = &note["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 1);
    // Its signals further along the line are related locations.
    let columns: Vec<u64> = note["relatedLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|related| related["physicalLocation"]["region"]["startColumn"].as_u64().unwrap())
        .collect();
    assert!(columns.iter().any(|&column| column > 1), "{note}");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn sarif_reports_unreadable_records_and_json_posts_and_stays_valid() {
    let folder = tempfile::tempdir().unwrap();
    let json = folder.path().join("posts array.json");
    let content = "[\n  {\"id\":\"j1\",\"relationship\":\"paid\",\"country\":\"GB\",\"text\":\"my serum\"}\n]";
    std::fs::write(&json, content).unwrap();
    let json = json.to_str().unwrap();
    let output = check(&["tests/data/malformed.jsonl", json], "sarif", &[], 2);
    let document: Value = serde_json::from_str(&output).unwrap();
    assert_valid_sarif(&document);
    let run = &document["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let notification = &run["invocations"][0]["toolExecutionNotifications"][0];
    let location = &notification["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "tests/data/malformed.jsonl");
    assert_eq!(location["region"]["startLine"], 2);
    // A file outside the working directory gets an absolute, encoded URI;
    // a JSON array element points at the line it starts on.
    let array = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|result| result["properties"]["postId"] == "j1")
        .expect("a finding for the JSON post");
    let location = &array["locations"][0]["physicalLocation"];
    let uri = location["artifactLocation"]["uri"].as_str().unwrap();
    assert!(uri.starts_with("file:///") && uri.ends_with("/posts%20array.json"), "{uri}");
    assert_eq!(location["region"]["startLine"], 2);
}

/// GitHub code scanning takes at most 25,000 results per run: 26,000
/// posts from stdin, each with at least one finding, fill a first run and
/// spill into a second with its own category, every result pointing at its
/// line of stdin.
#[test]
fn sarif_splits_runs_at_25000_results_and_locates_stdin_posts() {
    const POSTS: usize = 26_000;
    let mut input = String::with_capacity(POSTS * 80);
    for n in 0..POSTS {
        input.push_str(&format!(
            "{{\"id\":\"p{n}\",\"text\":\"Use my code SAVE{n}\",\"country\":\"GB\",\"relationship\":\"paid\"}}\n"
        ));
    }
    let output = Command::cargo_bin("sponsorlint")
        .expect("binary built")
        .args(["check", "-", "--input-format", "jsonl", "--format", "sarif"])
        .write_stdin(input)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let document: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_valid_sarif(&document);
    let runs = document["runs"].as_array().unwrap();
    let sizes: Vec<usize> =
        runs.iter().map(|run| run["results"].as_array().unwrap().len()).collect();
    let summary = &runs.last().unwrap()["properties"]["summary"];
    let findings: u64 = summary["findings_by_category"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_u64)
        .sum();
    assert!(findings as usize >= POSTS, "every post has a finding: {summary}");
    assert_eq!(sizes.iter().sum::<usize>() as u64, findings, "no finding lost");
    assert_eq!(sizes, [25_000, findings as usize - 25_000]);
    let categories: Vec<&str> =
        runs.iter().map(|run| run["automationDetails"]["id"].as_str().unwrap()).collect();
    assert_eq!(categories, ["sponsorlint/1/", "sponsorlint/2/"]);
    for run in runs {
        // Each run names the rules its own results point at.
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for result in run["results"].as_array().unwrap() {
            assert_eq!(
                rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"],
                result["ruleId"]
            );
        }
    }
    let last = runs[1]["results"].as_array().unwrap().last().unwrap();
    assert_eq!(last["properties"]["postId"], format!("p{}", POSTS - 1));
    let location = &last["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "stdin");
    assert_eq!(location["region"]["startLine"], POSTS);
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn github_annotates_every_finding_on_one_line_each() {
    let expected = findings(&["fixtures/"], 1);
    let output = check(&["fixtures/"], "github", &[], 1);
    let commands: Vec<&str> = output.lines().filter(|line| line.starts_with("::")).collect();
    assert_eq!(commands.len(), expected.len());
    for (command, (path, line, rule, severity)) in commands.iter().zip(&expected) {
        let level = match severity.as_str() {
            "info" => "notice",
            other => other,
        };
        assert!(command.starts_with(&format!("::{level} file={path},line=")), "{command}");
        if path.ends_with(".jsonl") {
            assert!(command.contains(&format!(",line={},", line.unwrap())), "{command}");
        }
        assert!(command.contains(&format!("title={rule}")), "{command}");
    }
    let summary = fixtures_summary();
    let count = |key: &str| summary[key].as_u64().unwrap();
    assert_eq!(
        output.lines().last().unwrap(),
        format!(
            "sponsorlint: checked {} posts: {} pass, {} warn, {} fail, {} error",
            count("posts"),
            count("pass"),
            count("warn"),
            count("fail"),
            count("error")
        )
    );
}

/// The summary of the JSON report of the fixtures: what every format must agree with.
fn fixtures_summary() -> Value {
    let document: Value = serde_json::from_str(&check(&["fixtures/"], "json", &[], 1)).unwrap();
    document["summary"].clone()
}

#[test]
fn junit_parses_back_with_a_suite_per_file() {
    let document: Value = serde_json::from_str(&check(&["fixtures/"], "json", &[], 1)).unwrap();
    let output = check(&["fixtures/"], "junit", &[], 1);
    let xml = roxmltree::Document::parse(&output).expect("well-formed XML");
    let root = xml.root_element();
    let total = |name: &str| root.attribute(name).unwrap().parse::<u64>().unwrap();
    let summary = &document["summary"];
    assert_eq!(total("tests"), summary["posts"].as_u64().unwrap());
    assert_eq!(total("failures"), summary["fail"].as_u64().unwrap());
    let skipped: u64 = root
        .children()
        .filter(|node| node.has_tag_name("testsuite"))
        .map(|suite| suite.attribute("skipped").unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(skipped, summary["warn"].as_u64().unwrap());
    assert_eq!(total("errors"), 0);
    let suites: Vec<&str> = root
        .children()
        .filter(|node| node.has_tag_name("testsuite"))
        .map(|suite| suite.attribute("name").unwrap())
        .collect();
    let mut files: Vec<&str> = document["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|post| post["origin"]["path"].as_str().unwrap())
        .collect();
    files.dedup();
    assert_eq!(suites, files);
}

/// Validates `xml` against Jenkins' `junit-10.xsd` with `xmllint`
/// (libxml2), returning its complaints on failure.
fn validate_junit(xml: &str) -> Result<(), String> {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/junit-10.xsd");
    assert!(schema.exists(), "no JUnit schema at {}", schema.display());
    let folder = tempfile::tempdir().unwrap();
    let report = folder.path().join("report.xml");
    std::fs::write(&report, xml).unwrap();
    let output = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&report)
        .output()
        .unwrap_or_else(|error| {
            panic!(
                "cannot run xmllint ({error}): the JUnit schema test needs it \
                 (Debian: apt-get install libxml2-utils; .ci/run installs it)"
            )
        });
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// Jenkins' JUnit plugin, and the tools that follow its schema, read what
/// `--format junit` writes: failures, skips and unreadable records alike.
#[test]
fn junit_validates_against_jenkins_schema() {
    let output = check(&["fixtures/", "tests/data/malformed.jsonl"], "junit", &[], 2);
    for element in ["<failure ", "<skipped ", "<error "] {
        assert!(output.contains(element), "the report has no {element}");
    }
    validate_junit(&output).unwrap_or_else(|errors| panic!("invalid JUnit:\n{errors}"));
    // The validator is not vacuous: an attribute the schema lacks is refused.
    let broken = output.replacen("<testcase ", "<testcase line=\"1\" ", 1);
    let errors = validate_junit(&broken).unwrap_err();
    assert!(errors.contains("'line'"), "{errors}");
}

#[test]
fn csv_parses_back_with_a_row_per_finding_and_all_adds_the_passing_posts() {
    let expected = findings(&["fixtures/"], 1);
    let rows = |output: &str| -> Vec<csv::StringRecord> {
        let mut reader = csv::Reader::from_reader(output.as_bytes());
        assert_eq!(&reader.headers().unwrap()[0], "file");
        reader.records().map(Result::unwrap).collect()
    };
    let findings = rows(&check(&["fixtures/"], "csv", &[], 1));
    let seen: Vec<(String, String, String)> = findings
        .iter()
        .map(|row| (row[0].to_owned(), row[5].to_owned(), row[7].to_owned()))
        .collect();
    let wanted: Vec<(String, String, String)> = expected
        .iter()
        .map(|(path, _, rule, severity)| (path.clone(), rule.clone(), severity.clone()))
        .collect();
    assert_eq!(seen, wanted);
    let all = rows(&check(&["fixtures/"], "csv", &["--all"], 1));
    let passing = all.iter().filter(|row| &row[7] == "pass").count();
    assert_eq!(all.len(), findings.len() + passing);
    assert_eq!(
        passing as u64,
        fixtures_summary()["pass"].as_u64().unwrap(),
        "the fixtures' passing posts"
    );
}
