//! The binary end to end: exit codes, bad input, bad packs, subcommands.
//! Most tests load only `tests/data/packs/house.yaml` (`--no-builtin`) so
//! they do not change when the built-in packs evolve.

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn sponsorlint() -> Command {
    let mut command = Command::cargo_bin("sponsorlint").expect("binary built");
    command.current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1").env_remove("COLUMNS");
    command
}

fn house() -> [&'static str; 3] {
    ["--no-builtin", "--rules", "tests/data/packs/house.yaml"]
}

/// Runs the command, checks its exit code and returns its stdout.
fn stdout_with_code(command: &mut Command, code: i32) -> Vec<u8> {
    command.assert().code(code).get_output().stdout.clone()
}

fn jsonl_records(output: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

#[test]
fn exit_0_when_nothing_reaches_the_threshold() {
    sponsorlint()
        .args(["check", "-", "--relationship", "paid"])
        .args(house())
        .write_stdin("#ad my new serum ✨")
        .assert()
        .code(0)
        .stdout(contains("checked 1 post: 1 pass"));
}

#[test]
fn exit_1_on_an_error_finding_with_a_miette_report() {
    sponsorlint()
        .args(["check", "-", "--relationship", "paid"])
        .args(house())
        .write_stdin("my new serum ✨")
        .assert()
        .code(1)
        .stdout(contains("house/missing-ad"))
        .stdout(contains("Sponsored post without #ad"))
        .stdout(contains("https://example.com/house-style"))
        .stdout(contains("1 fail"));
}

#[test]
fn fail_on_sets_the_threshold() {
    let warn_only = || {
        let mut command = sponsorlint();
        command
            .args(["check", "-", "--relationship", "none"])
            .args(house())
            .write_stdin("serum #sp");
        command
    };
    warn_only().assert().code(0);
    warn_only().args(["--fail-on", "warning"]).assert().code(1);
    warn_only().args(["--fail-on", "info"]).assert().code(1);
}

#[test]
fn exit_2_on_usage_errors() {
    sponsorlint().args(["check"]).assert().code(2);
    sponsorlint()
        .args(["check", "-", "--fail-on", "sometimes"])
        .assert()
        .code(2)
        .stderr(contains("sometimes"));
    sponsorlint()
        .args(["check", "-", "--platform", "myspace"])
        .assert()
        .code(2)
        .stderr(contains("instagram"));
    sponsorlint()
        .args(["check", "-", "--country", "UK"])
        .args(house())
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(contains("GB"));
}

#[test]
fn a_malformed_jsonl_line_is_an_error_record_and_the_rest_is_checked() {
    let output = stdout_with_code(
        sponsorlint()
            .args(["check", "tests/data/malformed.jsonl", "--format", "jsonl"])
            .args(house()),
        2,
    );
    let records = jsonl_records(&output);
    assert_eq!(records.len(), 3, "one record per line");
    assert_eq!(records[0]["verdict"], "pass");
    assert_eq!(records[1]["verdict"], "error");
    assert_eq!(records[1]["origin"]["line"], 2);
    assert!(records[1]["error"].as_str().unwrap().contains("EOF"), "{}", records[1]["error"]);
    assert_eq!(records[2]["verdict"], "fail");
    assert_eq!(records[2]["id"], "late");
}

#[test]
fn a_non_utf8_file_names_the_file_and_byte_offset() {
    sponsorlint()
        .args(["check", "tests/data/latin1.txt"])
        .args(house())
        .assert()
        .code(2)
        .stdout(contains("latin1.txt"))
        .stdout(contains("byte offset 3"));
}

#[test]
fn unknown_values_name_the_allowed_ones_and_missing_text_is_empty() {
    let output = stdout_with_code(
        sponsorlint()
            .args(["check", "tests/data/bad-values.jsonl", "--format", "jsonl"])
            .args(house()),
        2,
    );
    let records = jsonl_records(&output);
    let error = records[0]["error"].as_str().unwrap();
    assert!(error.contains("tiktoc") && error.contains("instagram, tiktok"), "{error}");
    assert_eq!(records[1]["verdict"], "fail", "no text = empty text, checked");
    assert_eq!(records[1]["findings"][0]["rule"], "house/missing-ad");
}

#[test]
fn json_document_has_summary_and_posts() {
    let output = stdout_with_code(
        sponsorlint()
            .args(["check", "tests/data/malformed.jsonl", "--format", "json"])
            .args(house()),
        2,
    );
    let document: serde_json::Value = serde_json::from_slice(&output).unwrap();
    assert_eq!(document["version"], 1);
    assert_eq!(document["summary"]["posts"], 3);
    assert_eq!(document["summary"]["error"], 1);
    assert_eq!(document["summary"]["findings_by_category"]["missing-disclosure"], 1);
    assert_eq!(document["posts"].as_array().unwrap().len(), 3);
}

#[test]
fn output_file_and_no_colour_without_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.txt");
    sponsorlint()
        .args(["check", "-", "--relationship", "paid", "--output"])
        .arg(&path)
        .args(house())
        .env_remove("NO_COLOR")
        .write_stdin("serum")
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty());
    let report = std::fs::read_to_string(&path).unwrap();
    assert!(report.contains("house/missing-ad"));
    assert!(!report.contains('\u{1b}'), "no ANSI escapes in a file");
}

#[test]
fn commercial_signals_make_an_unknown_post_commercial() {
    let output = stdout_with_code(
        sponsorlint()
            .args(["check", "-", "--format", "jsonl"])
            .args(house())
            .write_stdin("{\"text\":\"love it, use my code LUNA15\"}\n"),
        // Read from the text, the relationship calls for review, not a failure.
        0,
    );
    let record = &jsonl_records(&output)[0];
    assert_eq!(record["relationship"], "paid");
    assert_eq!(record["declared_relationship"], "unknown");
    let rules: Vec<(&str, &str)> = record["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(rules, vec![("house/missing-ad", "warning"), ("house/signals", "warning")]);
    assert_eq!(record["evidence"]["level"], "strong");
    assert_eq!(record["evidence"]["signals"][0]["text"], "use my code LUNA15");
}

#[test]
fn broken_packs_report_every_problem_with_a_location() {
    let assert = sponsorlint()
        .args(["check", "-", "--no-builtin", "--rules", "tests/data/broken/broken.yaml"])
        .write_stdin("x")
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    for expected in [
        "broken.yaml:3:10: version '1.0' is not semver",
        "broken.yaml:8:50: term set 'bad-regex': invalid regex",
        "broken.yaml:14:13: unknown term set 'adx'",
        "broken.yaml:23:15: unknown category 'not-a-category'",
        "broken.yaml:36:11: unknown flag 'retuched'",
        "broken.yaml:49:12: `first` must be at least 1",
        "broken.yaml:50:5: unknown key `unless`",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
}

#[test]
fn unknown_keys_and_failing_examples_are_pack_errors() {
    sponsorlint()
        .args(["rules", "test", "tests/data/broken/unknown-key.yaml"])
        .assert()
        .code(2)
        .stderr(contains("unknown-key.yaml:10"))
        .stderr(contains("termz"));
    sponsorlint()
        .args(["check", "-", "--no-builtin", "--rules", "tests/data/broken/failing-example.yaml"])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(contains("failing-example.yaml:18:14"))
        .stderr(contains("did not trigger it"));
}

#[test]
fn rules_test_runs_the_given_packs_examples() {
    sponsorlint()
        .args(["rules", "test", "tests/data/packs/house.yaml"])
        .assert()
        .code(0)
        .stdout(contains("6 passed, 0 failed (3 rules)"));
}

#[test]
fn rules_list_json_has_the_contract_fields() {
    let output = stdout_with_code(
        sponsorlint().args(["rules", "list", "--format", "json"]).args(house()),
        0,
    );
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&output).unwrap();
    assert_eq!(rules.len(), 3);
    let first = &rules[0];
    for key in [
        "id",
        "pack",
        "kind",
        "category",
        "severity",
        "markets",
        "platforms",
        "source_url",
        "examples",
    ] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
    assert_eq!(first["examples"]["pass"], 1);
}

#[test]
fn explain_shows_the_rule_and_unknown_ids_fail() {
    sponsorlint()
        .args(["explain", "house/missing-ad"])
        .args(house())
        .assert()
        .code(0)
        .stdout(contains("require-term"))
        .stdout(contains("https://example.com/house-style"))
        .stdout(contains("#ad new serum"));
    sponsorlint()
        .args(["explain", "house/nope"])
        .args(house())
        .assert()
        .code(2)
        .stderr(contains("house/missing-ad"));
    sponsorlint()
        .args(["explain", "sponsorlint/expired-suppression"])
        .args(house())
        .assert()
        .code(0)
        .stdout(contains("a suppression has expired"));
}

/// Denmark's brand-only set says what Belgium's, read earlier, says: a
/// post's scan holds their hits once, yet the rule names its own set.
#[test]
fn explain_names_the_sets_a_rule_names() {
    sponsorlint()
        .args(["explain", "dk/brand-tag-only"])
        .assert()
        .code(0)
        .stdout(contains("ambiguous: dk/dk-brand-only (phrase, und): {brand}"))
        .stdout(contains("be-brand-only").not());
}

#[test]
fn folders_are_walked_and_other_files_skipped_with_a_verbose_note() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "#ad hello").unwrap();
    std::fs::write(dir.path().join("notes.pdf"), "x").unwrap();
    std::fs::create_dir(dir.path().join(".hidden")).unwrap();
    std::fs::write(dir.path().join(".hidden/b.txt"), "hidden").unwrap();
    sponsorlint()
        .args(["check", "--verbose", "--relationship", "paid"])
        .arg(dir.path())
        .args(house())
        .assert()
        .code(0)
        .stdout(contains("checked 1 post:"))
        .stderr(contains("notes.pdf"));
}

#[test]
fn the_example_house_pack_passes_its_own_examples_and_fills_the_brand_fix() {
    sponsorlint()
        .args(["rules", "test", "rules/examples/"])
        .assert()
        .code(0)
        .stdout(contains("4 passed, 0 failed"));
    let output = stdout_with_code(sponsorlint()
        .args(["check", "-", "--format", "jsonl", "--no-builtin", "--rules", "rules/examples/house-style.yaml"])
        .write_stdin("{\"text\":\"new serum\",\"brand\":\"Glow Lab\",\"country\":\"GB\",\"relationship\":\"gifted\"}\n"), 0);
    let record = &jsonl_records(&output)[0];
    assert_eq!(record["verdict"], "warn");
    assert_eq!(record["findings"][0]["fix"]["edits"][0]["replacement"], "#GiftedByGlowLab ");
    assert_eq!(record["findings"][0]["fix"]["applicability"], "safe");
}

#[test]
fn a_sufficient_platform_label_proves_the_label_counts_and_takes_no_fail_examples() {
    sponsorlint()
        .args(["rules", "test", "tests/data/broken/sufficient-label.yaml"])
        .assert()
        .code(2)
        .stderr(contains("sufficient-label.yaml:35:11"))
        .stderr(contains("is still reported by: suff/missing-ad"))
        .stdout(contains("3 passed, 1 failed (2 rules)"));
    sponsorlint()
        .args(["rules", "test", "tests/data/broken/sufficient-with-fail.yaml"])
        .assert()
        .code(2)
        .stderr(contains("sufficient-with-fail.yaml:9:9"))
        .stderr(contains("never fires"));
}

#[test]
fn output_order_is_the_same_with_one_or_two_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.jsonl");
    // Enough posts for several chunks, with failing, passing and broken ones.
    let lines: Vec<String> = (0..2500)
        .map(|index| match index % 5 {
            0 => format!("{{\"id\":\"p{index}\",\"text\":\"#ad serum {index}\"}}"),
            1 => format!("{{\"id\":\"p{index}\",\"text\":\"serum {index} #sp\"}}"),
            2 => "{not json".to_string(),
            _ => format!("{{\"id\":\"p{index}\",\"text\":\"serum {index}\",\"country\":\"FR\"}}"),
        })
        .collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    let run = |jobs: &str| {
        let output =
            stdout_with_code(
                sponsorlint()
                    .args(["check", "--format", "jsonl", "--relationship", "paid"])
                    .args(["--country", "GB", "--jobs", jobs, path.to_str().unwrap()]),
                2,
            );
        jsonl_records(&output)
    };
    let sequential = run("1");
    assert_eq!(sequential.len(), 2500);
    for (index, record) in sequential.iter().enumerate() {
        assert_eq!(record["origin"]["line"], index + 1, "record {index} out of order");
    }
    assert_eq!(run("2"), sequential);
}

#[test]
fn completions_and_man_pages_come_from_the_clap_definitions() {
    let bash = stdout_with_code(sponsorlint().args(["completions", "bash"]), 0);
    let bash = String::from_utf8_lossy(&bash);
    assert!(bash.contains("_sponsorlint()") && bash.contains("--fail-on"), "{bash}");
    let fish = stdout_with_code(sponsorlint().args(["completions", "fish"]), 0);
    assert!(String::from_utf8_lossy(&fish).contains("complete -c sponsorlint"));
    sponsorlint().args(["completions", "tcsh"]).assert().code(2).stderr(contains("bash"));

    let page = stdout_with_code(sponsorlint().arg("man"), 0);
    let page = String::from_utf8_lossy(&page);
    assert!(page.contains(".TH sponsorlint 1") && page.contains("check"), "{page}");
    let dir = tempfile::tempdir().unwrap();
    sponsorlint().args(["man", "--out"]).arg(dir.path()).assert().code(0);
    let check_page = std::fs::read_to_string(dir.path().join("sponsorlint-check.1")).unwrap();
    assert!(check_page.contains("fail\\-on"), "{check_page}");
}

/// The flags a shipped integration passes to `sponsorlint check`.
fn check_flags_in(script: &str) -> Vec<String> {
    script
        .lines()
        .filter(|line| line.contains("check"))
        .flat_map(|line| line.split_whitespace())
        .filter(|word| word.starts_with("--"))
        .map(|word| word.trim_matches('"').to_string())
        .collect()
}

#[test]
fn the_github_action_and_pre_commit_hook_use_real_flags() {
    let help = stdout_with_code(sponsorlint().args(["check", "--help"]), 0);
    let help = String::from_utf8_lossy(&help).to_string();
    let root = env!("CARGO_MANIFEST_DIR");
    let action: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(format!("{root}/action.yml")).unwrap())
            .unwrap();
    let scripts: Vec<&str> = action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|step| step["run"].as_str())
        .collect();
    let hooks: serde_json::Value = serde_saphyr::from_str(
        &std::fs::read_to_string(format!("{root}/.pre-commit-hooks.yaml")).unwrap(),
    )
    .unwrap();
    let entry = hooks[0]["entry"].as_str().unwrap();
    assert!(entry.starts_with("sponsorlint check"), "{entry}");
    let flags: Vec<String> =
        scripts.iter().copied().chain([entry]).flat_map(check_flags_in).collect();
    assert!(flags.contains(&"--format".to_string()), "{flags:?}");
    for flag in flags {
        assert!(help.contains(&flag), "{flag} is not a flag of `sponsorlint check`");
    }
}

#[test]
fn gitignored_files_are_skipped_unless_no_ignore() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join(".gitignore"), "old.txt\n").unwrap();
    std::fs::write(dir.path().join("new.txt"), "#ad serum").unwrap();
    std::fs::write(dir.path().join("old.txt"), "#ad serum").unwrap();
    let files = |extra: &[&str]| -> Vec<String> {
        let mut command = sponsorlint();
        command.args(["check", "--format", "jsonl"]).args(house()).arg(dir.path()).args(extra);
        let records = jsonl_records(&stdout_with_code(&mut command, 0));
        let name = |record: &serde_json::Value| {
            let path = std::path::PathBuf::from(record["origin"]["path"].as_str().unwrap());
            path.file_name().unwrap().to_string_lossy().into_owned()
        };
        records.iter().map(name).collect()
    };
    assert_eq!(files(&[]), ["new.txt"]);
    assert_eq!(files(&["--no-ignore"]), ["new.txt", "old.txt"]);
}

#[test]
fn color_flag_overrides_the_terminal_guess_and_man_pages_list_exit_statuses() {
    let report = |color: &str| {
        let mut command = sponsorlint();
        command.args(["check", "fixtures/note.txt", "--country", "GB", "--color", color]);
        String::from_utf8(stdout_with_code(&mut command, 0)).unwrap()
    };
    // NO_COLOR is set for every test command; an explicit --color wins.
    assert!(report("always").contains("\u{1b}["), "colour on request");
    assert!(!report("never").contains("\u{1b}["));
    assert!(!report("auto").contains("\u{1b}["), "not a terminal");
    sponsorlint()
        .args(["check", "-", "--color", "sometimes"])
        .assert()
        .code(2)
        .stderr(contains("auto").and(contains("always")).and(contains("never")));

    let page = String::from_utf8(stdout_with_code(sponsorlint().arg("man"), 0)).unwrap();
    assert!(page.contains(".SH \"EXIT STATUS\"") && page.contains("exit\\-zero"), "{page}");
    let dir = tempfile::tempdir().unwrap();
    sponsorlint().args(["man", "--out"]).arg(dir.path()).assert().code(0);
    let check_page = std::fs::read_to_string(dir.path().join("sponsorlint-check.1")).unwrap();
    assert!(check_page.contains(".SH \"EXIT STATUS\""), "{check_page}");
}

/// `.txt` drafts and subtitles checked for known markets, and `.md` drafts
/// whose front matter may name others, read only the built-in packs of
/// those markets; they are checked exactly as when every pack is read (a
/// folder may hold posts of any market, so reading it reads every pack).
/// Also with a configuration that changes a rule of a pack the markets do
/// not use.
#[test]
fn drafts_for_known_markets_are_checked_as_with_every_pack() {
    let dir = tempfile::tempdir().unwrap();
    let drafts = [
        ("gb.txt", "Loving my new serum from @glowco! Use code GLOW20 for 20% off #skincare"),
        ("fr.txt", "Mon sérum préféré pour l'hiver, je l'utilise tous les matins #ad"),
        ("de.txt", "Werbung · Mein neues Lieblingsserum von @glowco, Code GLOW20"),
        ("late.txt", "Three weeks in and my skin is glowing, best serum ever. #gifted #ad"),
        // Markdown drafts whose front matter names markets of its own.
        ("it.md", "---\ncountry: IT\n---\nIl mio siero preferito di @glowco, codice GLOW20"),
        ("es-us.md", "---\ncountry: [ES, US]\nbrand: Glow Co\n---\n\nMi sérum favorito #ad"),
        ("plain.md", "# Morning\n\nLoving my new serum from @glowco #gifted"),
        ("clip.srt", "1\n00:00:01,000 --> 00:00:03,000\nThis serum from @glowco changed it all\n"),
    ];
    std::fs::create_dir(dir.path().join("drafts")).unwrap();
    for (name, text) in drafts {
        std::fs::write(dir.path().join("drafts").join(name), text).unwrap();
    }
    std::fs::write(dir.path().join("fr-warns.yaml"), "rules:\n  fr/missing-disclosure: warning\n")
        .unwrap();
    let files: Vec<String> = drafts.iter().map(|(name, _)| format!("drafts/{name}")).collect();
    let mut compared = 0;
    for config in [&["--no-config"][..], &["--config", "fr-warns.yaml"]] {
        for country in ["GB", "FR", "DE", "EU", "BE,NL"] {
            for relationship in ["paid", "unknown"] {
                let common = ["--country", country, "--relationship", relationship];
                let run = |inputs: &[String]| {
                    let mut command = Command::cargo_bin("sponsorlint").unwrap();
                    command.current_dir(dir.path()).arg("check").args(inputs).args(common);
                    let output = command.args(config).args(["--format", "jsonl"]).output().unwrap();
                    let mut records = jsonl_records(&output.stdout);
                    records.sort_by_key(|record| record["origin"]["path"].to_string());
                    records
                };
                let every_pack = run(&["drafts".to_string()]);
                assert_eq!(every_pack.len(), drafts.len());
                assert_eq!(run(&files), every_pack, "{config:?} {country} {relationship}");
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 20);
}
