//! Configuration, suppressions and baselines, end to end. Each test builds
//! a project in a temporary folder whose configuration loads only
//! `tests/data/packs/house.yaml` (copied in), so the built-in packs can
//! evolve without changing these tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

/// A temporary project: `house.yaml` at its root and a `drafts/` folder.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        let house = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/packs/house.yaml");
        std::fs::copy(house, dir.path().join("house.yaml")).expect("copy the house pack");
        std::fs::create_dir(dir.path().join("drafts")).expect("drafts folder");
        Project { dir }
    }

    /// A project whose `sponsorlint.yaml` uses only the house pack, plus `extra`.
    fn with_config(extra: &str) -> Project {
        let project = Project::new();
        project.write(
            "sponsorlint.yaml",
            &format!("packs:\n  builtin: false\n  paths: [house.yaml]\n{extra}"),
        );
        project
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn write(&self, relative: &str, text: &str) {
        std::fs::write(self.path(relative), text).expect("write a project file");
    }

    fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).expect("read a project file")
    }

    /// sponsorlint, run in `folder` of the project.
    fn run_in(&self, folder: &str) -> Command {
        let mut command = Command::cargo_bin("sponsorlint").expect("binary built");
        command.current_dir(self.path(folder)).env("NO_COLOR", "1").env_remove("COLUMNS");
        command
    }

    fn run(&self) -> Command {
        self.run_in(".")
    }
}

fn jsonl_records(output: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

/// The rule ids of each post's findings, by post id.
fn findings_by_post(output: &[u8]) -> Vec<(String, Vec<String>)> {
    jsonl_records(output)
        .iter()
        .map(|record| {
            let rules = record["findings"]
                .as_array()
                .map(|findings| {
                    findings.iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
                })
                .unwrap_or_default();
            (record["id"].as_str().unwrap_or("").to_string(), rules)
        })
        .collect()
}

#[test]
fn the_configuration_is_found_from_a_subfolder() {
    let project = Project::with_config("defaults:\n  relationship: paid\n");
    project.write("drafts/a.txt", "my new serum ✨");
    // The post says nothing about its relationship: the configuration makes it paid.
    project
        .run_in("drafts")
        .args(["check", "a.txt"])
        .assert()
        .code(1)
        .stdout(contains("house/missing-ad"));
    // Without it, the built-in packs load and the relationship stays unknown.
    project
        .run_in("drafts")
        .args(["check", "a.txt", "--no-config", "--no-builtin", "--rules", "../house.yaml"])
        .assert()
        .code(0);
    // A hidden name is found too.
    std::fs::rename(project.path("sponsorlint.yaml"), project.path(".sponsorlint.yaml")).unwrap();
    project.run_in("drafts").args(["check", "a.txt"]).assert().code(1);
}

#[test]
fn an_explicit_config_file_resolves_its_paths_against_its_own_folder() {
    let project = Project::new();
    std::fs::create_dir(project.path("conf")).unwrap();
    project.write(
        "conf/team.yaml",
        "packs: {builtin: false, paths: [../house.yaml]}\ndefaults: {relationship: paid}\n",
    );
    project.write("drafts/a.txt", "my new serum ✨");
    project
        .run_in("drafts")
        .args(["--config", "../conf/team.yaml", "check", "a.txt"])
        .assert()
        .code(1)
        .stdout(contains("house/missing-ad"));
    project
        .run()
        .args(["check", "drafts/a.txt", "--config", "missing.yaml"])
        .assert()
        .code(2)
        .stderr(contains("cannot read missing.yaml"));
}

#[test]
fn command_line_flags_override_the_configuration() {
    let project = Project::with_config("defaults:\n  relationship: paid\nfail-on: warning\n");
    project.write("drafts/a.txt", "my new serum ✨");
    project.write("drafts/b.txt", "serum #sp");
    project.run().args(["check", "drafts/a.txt"]).assert().code(1);
    project.run().args(["check", "drafts/a.txt", "--relationship", "none"]).assert().code(0);
    // b.txt, as `none`, only gets the warning: the file's fail-on makes it fail…
    let b = ["check", "drafts/b.txt", "--relationship", "none"];
    project.run().args(b).assert().code(1).stdout(contains("house/ambiguous"));
    // …and the flag's threshold wins over the file's.
    project.run().args(b).args(["--fail-on", "error"]).assert().code(0);
}

#[test]
fn an_unknown_key_is_an_error_with_its_line_and_column() {
    let project = Project::with_config("defaults:\n  relationship: paid\n  platfrom: tiktok\n");
    project.write("drafts/a.txt", "my new serum ✨");
    project
        .run_in("drafts")
        .args(["check", "a.txt"])
        .assert()
        .code(2)
        .stderr(contains("invalid configuration ../sponsorlint.yaml"))
        .stderr(contains("../sponsorlint.yaml:6:3: unknown field `platfrom`"));
    let project = Project::with_config("defaults:\n  relationship: payed\n");
    project
        .run()
        .args(["rules", "list"])
        .assert()
        .code(2)
        .stderr(contains("sponsorlint.yaml:5:17: defaults.relationship: unknown relationship"));
}

#[test]
fn rules_can_be_turned_off_or_given_another_severity() {
    let project = Project::with_config(
        "defaults:\n  relationship: paid\nrules:\n  house/missing-ad: off\n  house/ambiguous: error\n",
    );
    project.write("drafts/a.txt", "my new serum ✨ #sp");
    let output = project
        .run()
        .args(["check", "drafts/a.txt", "--format", "jsonl"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let record = &jsonl_records(&output)[0];
    let findings = record["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{record}");
    assert_eq!(findings[0]["rule"], "house/ambiguous");
    assert_eq!(findings[0]["severity"], "error", "warning in the pack, error by the config");
    project
        .run()
        .args(["rules", "list"])
        .assert()
        .code(0)
        .stdout(contains("house/missing-ad").and(contains("off")));
    project
        .run()
        .args(["explain", "house/missing-ad"])
        .assert()
        .code(0)
        .stdout(contains("severity:  off (turned off by the configuration)"));
}

#[test]
fn an_override_of_an_unknown_rule_suggests_the_closest_ones() {
    let project = Project::with_config("rules:\n  house/misssing-ad: off\n");
    project
        .run()
        .args(["rules", "list"])
        .assert()
        .code(2)
        .stderr(contains("sponsorlint.yaml:5:3: rules: no loaded rule 'house/misssing-ad'"))
        .stderr(contains("did you mean house/missing-ad"));
}

#[test]
fn configured_brands_fill_posts_that_name_none() {
    let project = Project::new();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/examples/house-style.yaml");
    std::fs::copy(examples, project.path("house-style.yaml")).unwrap();
    project.write(
        "sponsorlint.yaml",
        "packs: {builtin: false, paths: [house-style.yaml]}\nbrands: [Glow Lab]\n",
    );
    let output = project
        .run()
        .args(["check", "-", "--format", "jsonl"])
        .write_stdin(
            "{\"text\":\"new serum\",\"country\":\"GB\",\"relationship\":\"gifted\"}\n\
             {\"text\":\"new serum\",\"country\":\"GB\",\"relationship\":\"gifted\",\"brand\":\"Acme\"}\n",
        )
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let records = jsonl_records(&output);
    let replacement = |record: &serde_json::Value| {
        record["findings"][0]["fix"]["edits"][0]["replacement"].clone()
    };
    assert_eq!(replacement(&records[0]), "#GiftedByGlowLab ");
    assert_eq!(replacement(&records[1]), "#GiftedByAcme ", "the post's own");
}

#[test]
fn init_writes_a_starter_that_loads_and_does_not_overwrite() {
    let project = Project::new();
    project.run().arg("init").assert().code(0).stderr(contains("wrote sponsorlint.yaml"));
    let starter = project.read("sponsorlint.yaml");
    assert!(starter.contains("fail-on: error"), "{starter}");
    project.write("drafts/a.txt", "#ad my new serum");
    // The file it wrote loads (an invalid configuration would exit 2).
    project.run_in("drafts").args(["check", "a.txt"]).assert().code(0);
    project
        .run()
        .arg("init")
        .assert()
        .code(2)
        .stderr(contains("sponsorlint.yaml already exists; use --force"));
    project.write("sponsorlint.yaml", "# mine\n");
    project.run().args(["init", "--force"]).assert().code(0);
    assert_eq!(project.read("sponsorlint.yaml"), starter);
    project.run().args(["init", "--config", "team.yaml"]).assert().code(0);
    assert_eq!(project.read("team.yaml"), starter, "--config names the file to write");
}

#[test]
fn init_runs_even_when_an_existing_configuration_is_broken() {
    let project = Project::new();
    project.write(".sponsorlint.yaml", "nonsense: [\n");
    project.run().args(["init", "--force"]).assert().code(0);
    assert!(!project.path("sponsorlint.yaml").exists(), "overwrites the hidden file, no twin");
    assert!(project.read(".sponsorlint.yaml").contains("fail-on"));
}

const CALENDAR: &str = r#"{"id":"p1","relationship":"paid","text":"my new serum"}
{"id":"p2","relationship":"paid","text":"serum day"}
{"id":"p3","relationship":"none","text":"walk #sp"}
{"relationship":"paid","text":"no id here"}
"#;

#[test]
fn suppressions_remove_findings_and_are_counted() {
    let project = Project::with_config("suppressions: accepted.yaml\n");
    project.write("drafts/posts.jsonl", CALENDAR);
    project.write(
        "accepted.yaml",
        "suppressions:\n\
         - post: p1\n  rule: house/missing-ad\n  reason: Legal approved (LEG-42)\n  expires: 2999-12-31\n\
         - post: p3\n  rule: house/ambiguous\n  reason: our own product\n\
         - post: p9\n  rule: house/ambiguous\n  reason: deleted post\n",
    );
    let output = project
        .run()
        .args(["check", "drafts/posts.jsonl", "--format", "jsonl", "--verbose"])
        .assert()
        .code(1)
        .stderr(contains("accepted.yaml:9: suppression of house/ambiguous for post p9 matched nothing in this run"))
        .get_output()
        .stdout
        .clone();
    let findings = findings_by_post(&output);
    assert_eq!(findings[0], ("p1".to_string(), vec![]));
    assert_eq!(findings[1], ("p2".to_string(), vec!["house/missing-ad".to_string()]));
    assert_eq!(findings[2], ("p3".to_string(), vec![]));
    project
        .run()
        .args(["check", "drafts/posts.jsonl", "--format", "json"])
        .assert()
        .code(1)
        .stdout(contains(r#""suppressed":2"#));
    project
        .run()
        .args(["check", "drafts/posts.jsonl"])
        .assert()
        .stdout(contains("findings hidden: 2 suppressed"));
}

#[test]
fn posts_without_an_id_are_suppressed_by_their_text_key() {
    let project = Project::with_config("suppressions: accepted.yaml\n");
    project.write("drafts/posts.jsonl", CALENDAR);
    project.write("accepted.yaml", "suppressions: []\n");
    // A baseline file shows the key of a post without an id.
    project.run().args(["baseline", "keys.json", "drafts/posts.jsonl"]).assert().code(0);
    let keys = project.read("keys.json");
    let fingerprint = keys.split("\"post\":\"text:").nth(1).expect("a text key");
    let key = format!("text:{}", &fingerprint[..16]);
    let run = || {
        let output = project
            .run()
            .args(["check", "drafts/posts.jsonl", "--format", "jsonl"])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        findings_by_post(&output)[3].1.clone()
    };
    assert_eq!(run(), ["house/missing-ad"]);
    project.write(
        "accepted.yaml",
        &format!(
            "suppressions:\n  - {{post: '{key}', rule: house/missing-ad, reason: draft only}}\n"
        ),
    );
    assert!(run().is_empty(), "suppressed by its text key");
}

#[test]
fn an_expired_suppression_is_reported_and_no_longer_suppresses() {
    let project = Project::with_config("suppressions: accepted.yaml\n");
    project.write("drafts/posts.jsonl", CALENDAR);
    project.write(
        "accepted.yaml",
        "suppressions:\n  - post: p1\n    rule: house/missing-ad\n    reason: until the launch\n    expires: 2001-02-03\n",
    );
    let output = project
        .run()
        .args(["check", "drafts/posts.jsonl", "--format", "jsonl"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let record = &jsonl_records(&output)[0];
    let rules: Vec<&str> = record["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["house/missing-ad", "sponsorlint/expired-suppression"]);
    let expired = &record["findings"][1];
    assert_eq!(expired["severity"], "warning");
    assert_eq!(expired["category"], "missing-disclosure");
    let message = expired["message"].as_str().unwrap();
    assert!(message.contains("accepted.yaml:2"), "{message}");
    assert!(message.contains("until the launch") && message.contains("2001-02-03"), "{message}");
}

#[test]
fn a_suppression_without_a_reason_is_rejected() {
    let project = Project::with_config("suppressions: accepted.yaml\n");
    project.write("drafts/a.txt", "#ad serum");
    project.write("accepted.yaml", "suppressions:\n  - post: p1\n    rule: house/missing-ad\n");
    project
        .run()
        .args(["check", "drafts/a.txt"])
        .assert()
        .code(2)
        .stderr(contains("invalid suppressions file"))
        .stderr(contains("accepted.yaml:2:5: a suppression needs a reason"));
}

#[test]
fn a_baseline_reports_only_new_findings() {
    let project = Project::with_config("");
    project.write("drafts/posts.jsonl", CALENDAR);
    // Recording succeeds although the posts have findings.
    project
        .run()
        .args(["baseline", "base.json", "drafts/", "--quiet"])
        .assert()
        .code(0)
        .stderr(contains("recorded 4 findings in base.json"));
    let recorded = project.read("base.json");
    assert_eq!(recorded.matches("\"count\":1").count(), 4, "{recorded}");

    // Nothing new: a clean run.
    project
        .run()
        .args(["check", "drafts/", "--baseline", "base.json"])
        .assert()
        .code(0)
        .stdout(contains("4 pass").and(contains("4 in the baseline")));

    // A new failing post, and a moved post (same text, other line): only the new one.
    let grown = format!(
        "{{\"id\":\"p4\",\"relationship\":\"paid\",\"text\":\"fresh drop\"}}\n{}",
        CALENDAR
    );
    project.write("drafts/posts.jsonl", &grown);
    let output = project
        .run()
        .args(["check", "drafts/", "--baseline", "base.json", "--format", "jsonl"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let reported: Vec<(String, Vec<String>)> =
        findings_by_post(&output).into_iter().filter(|(_, rules)| !rules.is_empty()).collect();
    assert_eq!(reported, [("p4".to_string(), vec!["house/missing-ad".to_string()])]);

    // The configuration's `baseline:` does the same; re-recording is stable.
    project.write(
        "sponsorlint.yaml",
        &format!("{}baseline: base.json\n", project.read("sponsorlint.yaml")),
    );
    project.run().args(["check", "drafts/"]).assert().code(1).stdout(contains("1 fail"));
    project.run().args(["baseline", "again.json", "drafts/"]).assert().code(0);
    let again = project.read("again.json");
    assert_eq!(again.lines().count(), recorded.lines().count() + 1, "{again}");
    project.run().args(["baseline", "again2.json", "drafts/"]).assert().code(0);
    assert_eq!(project.read("again2.json"), again, "the same findings write the same file");
}

#[test]
fn a_missing_or_broken_baseline_is_an_error() {
    let project = Project::with_config("");
    project.write("drafts/a.txt", "#ad serum");
    project
        .run()
        .args(["check", "drafts/a.txt", "--baseline", "none.json"])
        .assert()
        .code(2)
        .stderr(contains("cannot read none.json"))
        .stderr(contains("sponsorlint baseline none.json"));
    project.write("broken.json", "{\n  \"version\": 1,\n  \"findings\": [,]\n}\n");
    project
        .run()
        .args(["check", "drafts/a.txt", "--baseline", "broken.json"])
        .assert()
        .code(2)
        .stderr(contains("invalid baseline broken.json"))
        .stderr(contains("broken.json:3:"));
    project
        .run()
        .args(["baseline", "b.json", "drafts/", "--baseline", "broken.json"])
        .assert()
        .code(2);
}

#[test]
fn configured_columns_map_csv_headers_and_the_command_line_wins() {
    let project = Project::with_config("defaults:\n  relationship: paid\ncolumns:\n  text: Copy\n");
    project.write("drafts/calendar.csv", "ID,Copy,Draft\nc1,#ad my new serum,new serum\n");
    let records = |extra: &[&str]| {
        let output = project
            .run()
            .args(["check", "drafts/calendar.csv", "--format", "jsonl"])
            .args(extra)
            .output()
            .unwrap();
        findings_by_post(&output.stdout)
    };
    assert_eq!(records(&[]), [("c1".to_string(), vec![])], "the Copy column is the text");
    let drafted = records(&["--map", "text=Draft"]);
    assert_eq!(drafted, [("c1".to_string(), vec!["house/missing-ad".to_string()])]);

    let project = Project::with_config("columns:\n  captionz: Caption\n");
    project
        .run()
        .args(["rules", "list"])
        .assert()
        .code(2)
        .stderr(contains("sponsorlint.yaml:5:13: columns:"))
        .stderr(contains("captionz"));
}

#[test]
fn platform_figures_can_be_overridden_in_the_configuration() {
    let project = Project::with_config(
        "platforms:\n  instagram:\n    fold: { graphemes: 90, lines: 3 }\n    max_length: 2000\n",
    );
    let output = project.run().args(["rules", "list", "--platform", "instagram"]).output().unwrap();
    let header = String::from_utf8_lossy(&output.stdout).lines().next().unwrap_or("").to_string();
    assert!(
        header.contains("fold 90 graphemes / 3 lines (configured)")
            && header.contains("text max 2000 (configured)"),
        "{header}"
    );

    let project = Project::with_config("platforms:\n  instagramm:\n    max_length: 10\n");
    project
        .run()
        .args(["rules", "list"])
        .assert()
        .code(2)
        .stderr(contains("sponsorlint.yaml:5:3: platforms: unknown platform 'instagramm'"));
}
