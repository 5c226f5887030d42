//! Snapshots of the diagnostics a user sees for broken rule packs and broken
//! configuration files (`tests/data/broken/`): the real binary, run from the
//! repository root with relative paths, `NO_COLOR=1` and `COLUMNS=100`, its
//! exit code and stderr. A change in wording, location or layout shows up as
//! a reviewed diff in `tests/snapshots/`.

use assert_cmd::Command;

const BROKEN: &str = "tests/data/broken";

/// Runs `sponsorlint ARGS` on the post `x` from stdin and returns what the
/// user sees: the command, its exit code, stderr, and stdout if any.
fn run(args: &[&str]) -> String {
    let output = Command::cargo_bin("sponsorlint")
        .expect("binary built")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .args(args)
        .write_stdin("x")
        .output()
        .expect("runs");
    let code = output.status.code().map_or("none (killed)".to_string(), |code| code.to_string());
    let mut seen = format!("$ sponsorlint {}\nexit code: {code}\n", args.join(" "));
    seen += &format!("--- stderr\n{}", String::from_utf8_lossy(&output.stderr));
    if !output.stdout.is_empty() {
        seen += &format!("--- stdout\n{}", String::from_utf8_lossy(&output.stdout));
    }
    seen
}

/// `check` with only the broken pack `file` loaded.
fn pack(file: &str) -> String {
    run(&["check", "-", "--no-config", "--no-builtin", "--rules", &format!("{BROKEN}/{file}")])
}

/// `check` with the built-in packs and the broken pack `file`.
fn pack_with_builtin(file: &str) -> String {
    run(&["check", "-", "--no-config", "--rules", &format!("{BROKEN}/{file}")])
}

/// `check` with the broken configuration `file`.
fn config(file: &str) -> String {
    run(&["check", "-", "--config", &format!("{BROKEN}/{file}")])
}

/// One test, and one snapshot named after it, per broken file.
macro_rules! diagnostics {
    ($($name:ident: $how:ident($file:literal);)*) => {$(
        #[test]
        fn $name() {
            insta::with_settings!({ omit_expression => true }, {
                insta::assert_snapshot!($how($file));
            });
        }
    )*};
}

diagnostics! {
    // Rule packs: YAML and schema.
    pack_yaml_syntax_error: pack("yaml-syntax.yaml");
    pack_with_only_a_comment: pack("empty.yaml");
    pack_unknown_key: pack("unknown-key.yaml");
    pack_duplicate_key: pack("duplicate-key.yaml");
    pack_value_of_the_wrong_type: pack("wrong-type.yaml");
    pack_missing_field: pack("missing-field.yaml");
    // Rule packs: what the rules say.
    pack_unknown_rule_kind: pack("unknown-kind.yaml");
    pack_unknown_term_set: pack("unknown-term-set.yaml");
    pack_bad_regex: pack("bad-regex.yaml");
    pack_rule_id_outside_its_namespace: pack("id-namespace.yaml");
    pack_duplicate_rule_id: pack("duplicate-id.yaml");
    pack_rule_without_examples: pack("no-examples.yaml");
    pack_unknown_category: pack("unknown-category.yaml");
    pack_unknown_severity: pack("unknown-severity.yaml");
    pack_preview_rule_with_severity_error: pack("preview-error.yaml");
    pack_unknown_source: pack("unknown-source.yaml");
    pack_parameter_the_kind_does_not_use: pack("unused-parameter.yaml");
    pack_with_several_problems: pack("broken.yaml");
    pack_id_of_a_builtin_pack: pack_with_builtin("builtin-pack-id.yaml");
    // Rule packs: examples that do not behave as declared.
    pack_failing_example: pack("failing-example.yaml");
    pack_sufficient_label_still_reported: pack("sufficient-label.yaml");
    pack_sufficient_label_with_fail_examples: pack("sufficient-with-fail.yaml");
    // Configuration files.
    config_yaml_syntax_error: config("config-yaml-syntax.yaml");
    config_unknown_key: config("config-unknown-key.yaml");
    config_value_of_the_wrong_type: config("config-bad-type.yaml");
    config_unknown_country: config("config-unknown-country.yaml");
    config_override_of_an_unknown_rule: config("config-unknown-rule.yaml");
    config_override_with_an_unknown_severity: config("config-bad-severity.yaml");
    config_missing_pack_path: config("config-bad-pack-path.yaml");
}
