//! `check --format html` opened in a real browser: headless Chromium (the
//! Debian `chromium` package; `.ci/run` installs it). A missing browser is
//! a failure, not a skip.
//!
//! The page's own script, when the address ends in `#selftest=[…]`, applies
//! each filter and sort given there the way a user would and writes what
//! the page then shows — rows, summary counts, elements, links, script
//! errors and blocked loads — into a `<pre id="selftest">`, which
//! `--dump-dom` prints. Chromium's console log (stderr) must stay empty.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Posts whose every field the page shows carries markup, a control or
/// a bidirectional override; and ordinary ones around them.
const POSTS: &str = r##"{"id":"<script>alert(1)</script>","author":"\"><img src=x onerror=alert(2)>","country":"FR","platform":"instagram","relationship":"paid","text":"</style><script>alert(3)</script> new serum javascript:alert(4) \u202egnp.exe\u0000 end","published_at":"2026-01-05"}
{"id":"rtl-\u202e-id","author":"ana","country":"GB","platform":"tiktok","relationship":"paid","text":"gifted serum","published_at":"2026-02-10"}
{"id":"warn-1","author":"bob","country":"GB","platform":"instagram","relationship":"none","text":"serum #sp","published_at":"2026-02-11"}
{"id":"pass-1","author":"cat","country":"FR","platform":"instagram","relationship":"paid","text":"#ad serum"}
{"id":"pass-2","author":"ana","country":"DE","relationship":"none","text":"a walk"}
{"id":"bad-1","relationship":"payed","text":"x"}
{"id":"fail-2","author":"cat","country":"DE","platform":"youtube","relationship":"gifted","text":"thanks for the serum"}
"##;

/// A pack whose own strings are hostile too.
const PACK: &str = r##"pack: house
title: "<b>House</b></style>"
version: 1.0.0
sources:
  - id: house-style
    title: "</style><script>alert(5)</script>"
    url: 'https://example.com/a"onmouseover="alert(6)'
terms:
  ad: { language: en, match: hashtag, any: ["#ad"] }
  sp: { language: en, match: hashtag, any: ["#sp"] }
rules:
  - id: house/missing-ad
    kind: require-term
    category: missing-disclosure
    severity: error
    when: { relationship: [paid, gifted] }
    terms: [ad]
    message: "Sponsored post without #ad <script>alert(7)</script>"
    help: "\"><img src=x onerror=alert(8)> Start the caption with #ad."
    fix: { insert: "#ad ", at: start }
    source: house-style
    examples:
      fail: ["new serum"]
      pass: ["#ad new serum"]
  - id: house/ambiguous
    kind: ambiguous-only
    category: ambiguous-disclosure
    severity: warning
    ambiguous: [sp]
    terms: [ad]
    message: "Only #sp"
    help: "Use #ad."
    source: house-style
    examples:
      fail: [{ text: "serum #sp", relationship: none }]
      pass: [{ text: "#ad serum #sp", relationship: none }]
"##;

/// The browser, or a failure that says how to get it.
fn chromium() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "the HTML report tests need headless Chromium and found neither `chromium` nor \
         `chromium-browser` on PATH; install it with `apt-get install --no-install-recommends \
         chromium` (.ci/run does)"
    );
}

/// Runs Chromium headless on `page` (a file) with `arguments`, in a fresh
/// profile; returns stdout and the console messages it logged.
fn browse(page: &Path, fragment: &str, arguments: &[&str]) -> (String, Vec<String>) {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(arguments)
        .arg(format!("file://{}{fragment}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).map(|_| text)
    });
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("chromium did not finish within 120 s on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let stdout = out.join().unwrap().unwrap();
    let stderr = err.join().unwrap().unwrap();
    // `[…:INFO:CONSOLE:12] "message", source: …` for anything the page logs.
    let console =
        stderr.lines().filter(|line| line.contains(":CONSOLE")).map(String::from).collect();
    (stdout, console)
}

/// What the page's self-test reported after `scenarios`.
fn selftest(page: &Path, scenarios: &Value) -> Value {
    let fragment = format!("#selftest={}", percent_encode(&scenarios.to_string()));
    let (dom, console) = browse(page, &fragment, &["--dump-dom"]);
    assert!(console.is_empty(), "the page logged to the console:\n{}", console.join("\n"));
    let start = dom.rfind("<pre id=\"selftest\">").unwrap_or_else(|| {
        panic!("the page's script did not run (blocked by its own CSP hash?):\n{dom}")
    });
    let text = &dom[start + "<pre id=\"selftest\">".len()..];
    let text = &text[..text.find("</pre>").unwrap()];
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    serde_json::from_str(&text).unwrap()
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// Runs `check` over the hostile posts and pack in `dir`; returns stdout.
fn check(dir: &Path, extra: &[&str]) -> Vec<u8> {
    let output = Command::new(env!("CARGO_BIN_EXE_sponsorlint"))
        .current_dir(dir)
        .args(["check", "posts.jsonl", "--no-builtin", "--rules", "pack.yaml", "--no-config"])
        .args(["--no-progress"])
        .args(extra)
        .output()
        .unwrap();
    // 2: the unreadable record.
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

/// The hostile run as JSON and as HTML: (JSON document, page path).
fn hostile_run(dir: &Path) -> (Value, PathBuf) {
    std::fs::write(dir.join("posts.jsonl"), POSTS).unwrap();
    std::fs::write(dir.join("pack.yaml"), PACK).unwrap();
    let json: Value = serde_json::from_slice(&check(dir, &["--format", "json"])).unwrap();
    check(dir, &["--format", "html", "--output", "report.html"]);
    (json, dir.join("report.html"))
}

/// Ids of the posts that need work (and unreadable records) in the JSON
/// report, those with a `verdict` among `verdicts`.
fn ids(json: &Value, keep: impl Fn(&Value) -> bool) -> Vec<String> {
    json["posts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|post| keep(post))
        .map(|post| post["id"].as_str().unwrap().to_owned())
        .collect()
}

fn needs_work(post: &Value) -> bool {
    matches!(post["verdict"].as_str(), Some("fail" | "warn" | "error"))
}

/// How the page shows an id: the override named.
fn shown(id: &str) -> String {
    id.replace('\u{202e}', "[U+202E]")
}

#[test]
fn the_page_agrees_with_json_keeps_payloads_as_text_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let (json, page) = hostile_run(dir.path());
    let scenarios = json!([
        { "q": "warn-1" },
        { "severity": "warning" },
        { "market": "GB" },
        { "platform": "youtube" },
        { "category": "missing-disclosure" },
        { "sort": "verdict" },
        { "sort": "id", "descending": true },
    ]);
    let report = selftest(&page, &scenarios);
    assert_eq!(report["problems"], json!([]), "script errors or blocked loads");

    // The summary shows the JSON summary's counts.
    let summary = &json["summary"];
    for key in ["posts", "pass", "warn", "fail", "error"] {
        assert_eq!(report["summary"][key], summary[key], "{key}: {report:#}");
    }
    assert_eq!(summary["fail"], 3, "the fixture has three failing posts");

    // Every post that needs work is listed, in input order, and no other.
    let listed: Vec<String> = ids(&json, needs_work).iter().map(|id| shown(id)).collect();
    assert_eq!(report["rows"], json!(listed));
    assert_eq!(report["visibleAfterReset"], listed.len());

    // The payloads are text: no element, handler or link came from them.
    let elements = &report["elements"];
    for (element, count) in
        [("script", 1), ("style", 1), ("img", 0), ("iframe", 0), ("object", 0), ("link", 0)]
    {
        assert_eq!(elements[element], count, "{element}: {elements}");
    }
    assert_eq!(elements["handlers"], 0, "no on… attribute");
    assert_eq!(elements["form"], 1);
    for link in report["links"].as_array().unwrap() {
        assert_eq!(link, "https://example.com/a\"onmouseover=\"alert(6)", "only the pack's source");
    }
    let texts = report["texts"].as_array().unwrap();
    let first = texts[0].as_str().unwrap();
    for payload in [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(2)>",
        "</style><script>alert(3)</script>",
        "javascript:alert(4)",
        "[U+202E]gnp.exe\u{fffd} end",
        "Sponsored post without #ad <script>alert(7)</script>",
        "\"><img src=x onerror=alert(8)> Start the caption with #ad.",
    ] {
        assert!(first.contains(payload), "{payload:?} not shown as text in {first:?}");
    }

    // Filters hide and show rows; "Show all" brings them all back.
    let with = |keep: &dyn Fn(&Value) -> bool| -> Value {
        json!(
            ids(&json, |post| post["verdict"] != "error" && needs_work(post) && keep(post))
                .iter()
                .map(|id| shown(id))
                .collect::<Vec<_>>()
        )
    };
    let has_finding = |post: &Value, key: &str, value: &str| {
        post["findings"].as_array().unwrap().iter().any(|finding| finding[key] == value)
    };
    let results = report["scenarios"].as_array().unwrap();
    assert_eq!(results[0], json!(["warn-1"]));
    assert_eq!(results[1], with(&|post| has_finding(post, "severity", "warning")));
    assert_eq!(results[2], with(&|post| post["markets"] == json!(["GB"])));
    assert_eq!(results[3], with(&|post| post["platform"] == "youtube"));
    assert_eq!(results[4], with(&|post| has_finding(post, "category", "missing-disclosure")));
    for filtered in &results[..5] {
        let count = filtered.as_array().unwrap().len();
        assert!(count > 0 && count < listed.len(), "a filter hides some rows: {filtered}");
    }
    // Sorting: the unreadable record first by verdict, then fails, then
    // warnings; by id descending.
    let by_verdict: Vec<&str> =
        results[5].as_array().unwrap().iter().map(|id| id.as_str().unwrap()).collect();
    assert_eq!(by_verdict.first(), Some(&"bad-1"));
    assert_eq!(by_verdict.last(), Some(&"warn-1"));
    let by_id: Vec<&str> =
        results[6].as_array().unwrap().iter().map(|id| id.as_str().unwrap()).collect();
    assert_eq!(by_id.len(), listed.len());
    assert_eq!(by_id.first(), Some(&"warn-1"), "{by_id:?}");
}

/// Chromium prints no DOM with scripts switched off, so the page is
/// loaded without its script: what a reader without JavaScript gets.
#[test]
fn the_page_is_complete_without_javascript() {
    let dir = tempfile::tempdir().unwrap();
    let (json, page) = hostile_run(dir.path());
    let html = std::fs::read_to_string(&page).unwrap();
    let (before, rest) = html.split_once("<script>").unwrap();
    let (_, after) = rest.split_once("</script>").unwrap();
    let without_script = dir.path().join("no-script.html");
    std::fs::write(&without_script, format!("{before}{after}")).unwrap();
    let (dom, console) = browse(&without_script, "", &["--dump-dom"]);
    assert!(console.is_empty(), "{console:?}");
    assert!(!dom.contains("<script"));
    let rows = dom.matches("<tr data-order=").count();
    assert_eq!(rows, ids(&json, needs_work).len());
    assert!(dom.contains("<form id=\"filters\" hidden"), "controls that need a script stay hidden");
    assert!(!dom.contains("<pre id=\"selftest\">"));
    assert!(dom.contains("<svg role=\"img\""), "the charts are in the page itself");
}

#[test]
fn a_screenshot_is_produced() {
    let dir = tempfile::tempdir().unwrap();
    let (_, page) = hostile_run(dir.path());
    let png = dir.path().join("report.png");
    let (_, console) = browse(
        &page,
        "",
        &[
            "--hide-scrollbars",
            "--window-size=1280,1600",
            &format!("--screenshot={}", png.display()),
        ],
    );
    assert!(console.is_empty(), "{console:?}");
    let bytes = std::fs::read(&png).expect("a screenshot was written");
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(bytes.len() > 20_000, "a page with content, not a blank one: {} bytes", bytes.len());
}
