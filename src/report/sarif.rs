//! `sarif`: SARIF 2.1.0 (OASIS), for GitHub code scanning and other SARIF
//! viewers. Results stream out as records arrive (memory stays bounded),
//! and the rules that produced them, the notifications for unreadable
//! records and the summary follow at the end of their run — key order in a
//! JSON object carries no meaning.
//!
//! GitHub accepts at most 25,000 results per run and 20 runs per file, and
//! refuses two runs of one tool with the same category: a run holds at most
//! 25,000 results, the next ones go into a further run, and each run names
//! its own category (`sponsorlint/1/`, `sponsorlint/2/`, …; the part before
//! the last `/` is the category). Findings beyond 20 full runs are left out,
//! and the last run and stderr say how many.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::PathBuf;

use serde_json::{Map, Value, json};

use super::location::{self, COLUMN_KIND, Region};
use super::{Reporter, RuleCatalogue, RuleInfo, Summary, message_and_help};
use crate::finding::{Applicability, Checked, CheckedPost, Field, Finding, RecordError, Severity};
use crate::fingerprint::finding_fingerprint;
use crate::post::{Origin, Post};

/// The official location of the schema the output follows.
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The `partialFingerprints` key: the fingerprint's name and version, so a
/// change of method can never be mistaken for a change of finding.
const FINGERPRINT_KEY: &str = "sponsorlintFinding/v1";

/// What one SARIF file may hold.
#[derive(Debug, Clone, Copy)]
struct Limits {
    results_per_run: usize,
    runs: usize,
}

/// GitHub code scanning's limits on an uploaded file.
const GITHUB_LIMITS: Limits = Limits { results_per_run: 25_000, runs: 20 };

/// GitHub keeps at most 20 tags per rule.
const MAX_TAGS: usize = 20;

/// The artifact URI of posts read from standard input.
const STDIN_URI: &str = "stdin";

pub struct SarifReporter {
    out: Box<dyn Write>,
    catalogue: RuleCatalogue,
    base_dir: Option<PathBuf>,
    /// Rule ids in the order of their first result; `ruleIndex` is the
    /// position here and `tool.driver.rules` is written in this order.
    rules: Vec<String>,
    rule_index: HashMap<String, usize>,
    /// Notifications for records that could not be read.
    notifications: Vec<Value>,
    limits: Limits,
    /// Results in the current run.
    results: usize,
    /// Runs opened so far; 0 before the document starts.
    runs: usize,
    /// Findings left out once every run allowed is full.
    left_out: usize,
}

impl SarifReporter {
    pub fn new(out: Box<dyn Write>, catalogue: RuleCatalogue, base_dir: Option<PathBuf>) -> Self {
        Self::with_limits(out, catalogue, base_dir, GITHUB_LIMITS)
    }

    fn with_limits(
        out: Box<dyn Write>,
        catalogue: RuleCatalogue,
        base_dir: Option<PathBuf>,
        limits: Limits,
    ) -> Self {
        SarifReporter {
            out,
            catalogue,
            base_dir,
            rules: Vec::new(),
            rule_index: HashMap::new(),
            notifications: Vec::new(),
            limits,
            results: 0,
            runs: 0,
            left_out: 0,
        }
    }

    /// Opens the document up to the first run's results array, once.
    fn start(&mut self) -> io::Result<()> {
        if self.runs == 0 {
            self.runs = 1;
            write!(self.out, r#"{{"$schema":"{SCHEMA}","version":"2.1.0","runs":[{{"results":["#)?;
        }
        Ok(())
    }

    /// Ends the current run's results array and writes the rest of the run:
    /// its rules, its category, and `extra` members.
    fn close_run(&mut self, extra: Value) -> io::Result<()> {
        let rules: Vec<Value> = self.rules.iter().map(|id| self.descriptor(id)).collect();
        self.rules.clear();
        self.rule_index.clear();
        let mut driver = json!({
            "name": "sponsorlint",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        });
        if let Some(uri) = information_uri() {
            driver["informationUri"] = json!(uri);
        }
        let mut tail = json!({
            "tool": { "driver": driver },
            // The trailing `/` makes the whole id the category.
            "automationDetails": { "id": format!("sponsorlint/{}/", self.runs) },
            "columnKind": COLUMN_KIND,
        });
        if let (Some(tail), Value::Object(extra)) = (tail.as_object_mut(), extra) {
            tail.extend(extra);
        }
        // The run object's remaining members: `tail` without its braces.
        let tail = serde_json::to_string(&tail)?;
        let members = &tail[1..tail.len() - 1];
        write!(self.out, "\n],{members}}}")
    }

    /// Whether there is room for one more result, closing the full run and
    /// opening the next when one is allowed.
    fn make_room(&mut self) -> io::Result<bool> {
        if self.results < self.limits.results_per_run {
            return Ok(true);
        }
        if self.runs >= self.limits.runs {
            return Ok(false);
        }
        self.close_run(json!({}))?;
        self.runs += 1;
        self.results = 0;
        write!(self.out, r#",{{"results":["#)?;
        Ok(true)
    }

    fn rule_index(&mut self, rule: &str) -> usize {
        if let Some(&index) = self.rule_index.get(rule) {
            return index;
        }
        self.rules.push(rule.to_owned());
        self.rule_index.insert(rule.to_owned(), self.rules.len() - 1);
        self.rules.len() - 1
    }

    /// A `physicalLocation` object for a file and a region, or else a byte
    /// offset. Standard input is the artifact `stdin`, outside the
    /// repository's sources.
    fn physical_location(
        &self,
        origin: &Origin,
        region: Option<Region>,
        byte_offset: Option<usize>,
    ) -> Option<Value> {
        let artifact = match location::relative_path(&origin.path, self.base_dir.as_deref()) {
            None => json!({ "uri": STDIN_URI }),
            Some(path) => {
                let uri = location::uri(&path);
                let mut artifact = json!({ "uri": uri });
                if !uri.starts_with("file:") {
                    artifact["uriBaseId"] = json!("%SRCROOT%");
                }
                artifact
            }
        };
        let mut physical = json!({ "artifactLocation": artifact });
        if let Some(region) = region {
            physical["region"] = region_json(region);
        } else if let Some(offset) = byte_offset {
            physical["region"] = json!({ "byteOffset": offset });
        }
        Some(physical)
    }

    fn result(&mut self, checked: &CheckedPost, finding: &Finding) -> Value {
        let post = &checked.post;
        let primary = location::region(post, finding.span);
        let mut result = json!({
            "ruleId": finding.rule,
            "ruleIndex": self.rule_index(&finding.rule),
            "level": level(finding.severity),
            "message": { "text": message_and_help(&finding.message, &finding.help) },
            "partialFingerprints": { FINGERPRINT_KEY: finding_fingerprint(post, finding) },
        });
        // Without a line (an element of a JSON array), a finding in the
        // text can still point at where the text starts in the file.
        let text_offset = post.origin.text_offset.filter(|_| finding.span.field == Field::Text);
        if let Some(physical) = self.physical_location(&post.origin, primary, text_offset) {
            result["locations"] = json!([{ "physicalLocation": physical }]);
            let related: Vec<Value> = finding
                .related
                .iter()
                .filter_map(|related| Some((related, location::region(post, related.span)?)))
                .filter(|(_, region)| Some(*region) != primary)
                .filter_map(|(related, region)| {
                    Some((related, self.physical_location(&post.origin, Some(region), None)?))
                })
                .enumerate()
                .map(|(id, (related, physical))| {
                    // A folded finding says what it is; another place of the
                    // same finding repeats the category.
                    let text = match (&related.rule, &related.message) {
                        (Some(rule), Some(message)) => format!("{rule}: {message}"),
                        _ => finding.category.as_str().to_string(),
                    };
                    json!({ "id": id, "physicalLocation": physical, "message": { "text": text } })
                })
                .collect();
            if !related.is_empty() {
                result["relatedLocations"] = Value::Array(related);
            }
        }
        if let Some(fixes) = self.fixes(post, finding) {
            result["fixes"] = fixes;
        }
        let mut properties = Map::new();
        properties.insert("category".into(), json!(finding.category));
        if let Some(market) = finding.market {
            properties.insert("market".into(), json!(market));
        }
        if let Some(id) = &post.id {
            properties.insert("postId".into(), json!(id));
        }
        // Names the post where the region cannot (`posts.json[3]`).
        properties.insert("origin".into(), json!(post.origin.to_string()));
        if finding.span.field != Field::Text {
            properties.insert("field".into(), json!(finding.span.field));
        }
        if let Some(cue) = finding.cue {
            properties.insert("cue".into(), json!(cue));
        }
        // The audit's reason to look: what the text says about an unknown
        // relationship.
        if let Some(evidence) = checked.evidence.as_ref().filter(|e| !e.signals.is_empty()) {
            properties.insert("evidence".into(), json!(evidence));
        }
        result["properties"] = Value::Object(properties);
        result
    }

    /// The finding's fix as SARIF `fixes`: byte regions of the file, so only
    /// for a text that is the file's own bytes (`.txt`, a Markdown body);
    /// a JSON string or a CSV cell is escaped in the file, and standard
    /// input is no file to change.
    fn fixes(&self, post: &Post, finding: &Finding) -> Option<Value> {
        let fix = finding.fix.as_ref()?;
        location::relative_path(&post.origin.path, None)?;
        let offset = post.origin.text_offset.filter(|_| post.origin.verbatim)?;
        let physical = self.physical_location(&post.origin, None, None)?;
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .filter(|edit| edit.span.field == Field::Text)
            .map(|edit| {
                json!({
                    "deletedRegion": {
                        "byteOffset": offset + edit.span.start,
                        "byteLength": edit.span.end - edit.span.start,
                    },
                    "insertedContent": { "text": edit.replacement },
                })
            })
            .collect();
        if replacements.len() != fix.edits.len() {
            return None;
        }
        let description = match fix.applicability {
            Applicability::Safe => "Add the required disclosure",
            Applicability::Unsafe => "Rewrite the disclosure (unsafe: changes the author's words)",
        };
        Some(json!([{
            "description": { "text": description },
            "artifactChanges": [{
                "artifactLocation": physical["artifactLocation"],
                "replacements": replacements,
            }],
            "properties": { "applicability": fix.applicability },
        }]))
    }

    fn notification(&self, error: &RecordError) -> Value {
        let mut notification = json!({
            "level": "error",
            "message": { "text": format!("{}: {}", error.origin, error.message) },
            "descriptor": { "id": "unreadable-record" },
        });
        let region = location::record_region(&error.origin);
        if let Some(physical) = self.physical_location(&error.origin, region, None) {
            notification["locations"] = json!([{ "physicalLocation": physical }]);
        }
        if let Some(id) = &error.id {
            notification["properties"] = json!({ "postId": id });
        }
        notification
    }

    /// `tool.driver.rules[i]` for the rule of `ruleIndex` i.
    fn descriptor(&self, id: &str) -> Value {
        match self.catalogue.get(id) {
            Some(rule) => descriptor(rule),
            // A rule the catalogue does not know still gets a valid entry,
            // so ruleIndex stays right.
            None => json!({ "id": id, "name": id }),
        }
    }
}

impl Reporter for SarifReporter {
    fn record(&mut self, checked: &Checked) -> io::Result<()> {
        self.start()?;
        match checked {
            Checked::Post(post) => {
                for finding in &post.findings {
                    if !self.make_room()? {
                        self.left_out += 1;
                        continue;
                    }
                    let result = self.result(post, finding);
                    // One result per line keeps the file readable and diffable.
                    self.out.write_all(if self.results == 0 { b"\n" } else { b",\n" })?;
                    serde_json::to_writer(&mut self.out, &result)?;
                    self.results += 1;
                }
            }
            Checked::Error(error) => {
                let notification = self.notification(error);
                self.notifications.push(notification);
            }
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.start()?;
        if self.left_out > 0 {
            let Limits { results_per_run, runs } = self.limits;
            let message = format!(
                "{} more findings left out: a SARIF file for GitHub holds at most {runs} runs \
                 of {results_per_run} results; `--format json` or `--format human` shows them all",
                self.left_out
            );
            eprintln!("sponsorlint: warning: {message}");
            self.notifications.push(json!({
                "level": "warning",
                "message": { "text": message },
                "descriptor": { "id": "results-left-out" },
            }));
        }
        let mut invocation = json!({ "executionSuccessful": summary.error == 0 });
        if !self.notifications.is_empty() {
            invocation["toolExecutionNotifications"] =
                Value::Array(std::mem::take(&mut self.notifications));
        }
        self.close_run(json!({
            "invocations": [invocation],
            "properties": { "summary": summary },
        }))?;
        writeln!(self.out, "]}}")?;
        self.out.flush()
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn region_json(region: Region) -> Value {
    let mut json = json!({ "startLine": region.start_line });
    if region.end_line != region.start_line {
        json["endLine"] = json!(region.end_line);
    }
    if let Some((start, end)) = region.columns {
        json["startColumn"] = json!(start);
        json["endColumn"] = json!(end);
    }
    json
}

/// A `reportingDescriptor` for a rule of the catalogue.
fn descriptor(rule: &RuleInfo) -> Value {
    let source = match (rule.source_title.is_empty(), rule.source_url.is_empty()) {
        (false, false) => format!("Source: {} ({})", rule.source_title, rule.source_url),
        (true, false) => format!("Source: {}", rule.source_url),
        (false, true) => format!("Source: {}", rule.source_title),
        (true, true) => String::new(),
    };
    let help: Vec<&str> =
        [rule.help.as_str(), &source].into_iter().filter(|part| !part.is_empty()).collect();
    let mut descriptor = json!({
        "id": rule.id,
        "name": rule.id,
        "shortDescription": { "text": rule.message },
        "fullDescription": { "text": message_and_help(&rule.message, &rule.help) },
        "help": { "text": help.join("\n") },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "category": rule.category,
            "pack": rule.pack,
            "markets": rule.markets,
            "platforms": rule.platforms,
            "kind": rule.kind,
            "kindDescription": rule.kind_description,
            "preview": rule.preview,
            // GitHub code scanning filters alerts by tags.
            "tags": tags(rule),
        },
    });
    // helpUri must be an absolute URI; a pack may cite a source without one.
    if rule.source_url.starts_with("https://") || rule.source_url.starts_with("http://") {
        descriptor["helpUri"] = json!(rule.source_url);
    }
    descriptor
}

fn tags(rule: &RuleInfo) -> Vec<String> {
    let mut tags = vec!["sponsorlint".to_owned(), rule.category.as_str().to_owned()];
    tags.extend(rule.markets.iter().cloned());
    tags.extend(rule.platforms.iter().cloned());
    tags.truncate(MAX_TAGS);
    tags
}

/// Where users learn about sponsorlint: the repository or homepage set in
/// Cargo.toml, if any.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|uri| !uri.is_empty())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::tests::sample_catalogue;
    use super::super::{Format, HumanOptions, Shared, render, sample_results};
    use super::*;
    use crate::finding::{CheckedPost, Related, Span};
    use crate::post::{Post, Relationship};

    const OPTIONS: HumanOptions = super::super::PLAIN;

    fn sarif(results: &[Checked]) -> Value {
        let output = render(Format::Sarif, OPTIONS, results);
        serde_json::from_str(&output).expect("one JSON document")
    }

    #[test]
    fn sarif_snapshot() {
        insta::assert_json_snapshot!(sarif(&sample_results()));
    }

    #[test]
    fn results_reference_their_rules_and_unreadable_records_become_notifications() {
        let document = sarif(&sample_results());
        let run = &document["runs"][0];
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 5, "one result per finding");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 5, "every rule that produced a result, once");
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
        }
        let levels: Vec<&str> = results.iter().map(|r| r["level"].as_str().unwrap()).collect();
        assert_eq!(levels, ["error", "note", "warning", "error", "warning"]);
        let rule = &rules[0];
        assert_eq!(rule["id"], "fr/missing-disclosure");
        assert_eq!(rule["helpUri"], "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000047663185");
        assert_eq!(rule["defaultConfiguration"]["level"], "error");
        assert_eq!(rule["properties"]["category"], "missing-disclosure");
        assert!(rule["fullDescription"]["text"].as_str().unwrap().contains("at the start"));
        assert!(rules[1].get("helpUri").is_none(), "no source URL, no helpUri");
        let invocation = &run["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], false);
        let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
        assert_eq!(notes.len(), 1);
        assert_eq!(
            notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 18,
            "names the line of the unreadable record"
        );
        assert_eq!(run["columnKind"], "utf16CodeUnits");
    }

    /// The real limits (25,000 results, 20 runs) are reached end to end in
    /// tests/formats.rs; smaller ones show what happens past the last run.
    #[test]
    fn past_the_last_run_findings_are_left_out_and_counted() {
        let output = Shared::default();
        let limits = Limits { results_per_run: 2, runs: 2 };
        let mut reporter =
            SarifReporter::with_limits(Box::new(output.clone()), sample_catalogue(), None, limits);
        let mut summary = Summary::default();
        for checked in &sample_results() {
            summary.add(checked);
            reporter.record(checked).unwrap();
        }
        reporter.finish(&summary).unwrap();
        drop(reporter);
        let document: Value = serde_json::from_str(&output.take()).expect("one JSON document");
        let runs = document["runs"].as_array().unwrap();
        let sizes: Vec<usize> =
            runs.iter().map(|run| run["results"].as_array().unwrap().len()).collect();
        assert_eq!(sizes, [2, 2], "5 findings, room for 4");
        assert_eq!(runs[0]["automationDetails"]["id"], "sponsorlint/1/");
        assert_eq!(runs[1]["automationDetails"]["id"], "sponsorlint/2/");
        assert!(runs[0].get("invocations").is_none(), "the run's outcome is known at the end");
        let notes = runs[1]["invocations"][0]["toolExecutionNotifications"].as_array().unwrap();
        let left_out = notes.iter().find(|note| note["descriptor"]["id"] == "results-left-out");
        let text = left_out.expect("a notification")["message"]["text"].as_str().unwrap();
        assert!(text.starts_with("1 more findings left out"), "{text}");
    }

    #[test]
    fn markdown_findings_get_columns_and_fingerprints_survive_moves() {
        // A Markdown draft whose body starts on line 4, after front matter.
        let text = "Thanks @acme ✨\nMy routine #sp";
        let checked = |line: u64| {
            let post = Post {
                origin: Origin {
                    path: "drafts/acme.md".into(),
                    line: Some(line),
                    text_offset: Some(40),
                    verbatim: true,
                    ..Origin::default()
                },
                text: text.into(),
                ..Post::default()
            };
            let start = text.find("#sp").unwrap();
            let finding = Finding {
                rule: "gb/ambiguous-only".into(),
                category: crate::finding::Category::AmbiguousDisclosure,
                severity: Severity::Warning,
                market: None,
                message: "Only #sp".into(),
                help: String::new(),
                source_url: String::new(),
                span: Span::text(start, start + 3),
                cue: None,
                related: vec![Related::at(Span::text(7, 12))],
                fix: None,
            };
            Checked::Post(Box::new(CheckedPost {
                post,
                relationship: Relationship::Gifted,
                findings: vec![finding],
                evidence: None,
            }))
        };
        let here = sarif(&[checked(4)]);
        let result = &here["runs"][0]["results"][0];
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], "drafts/acme.md");
        assert_eq!(location["region"], json!({"startLine": 5, "startColumn": 12, "endColumn": 15}));
        let related = &result["relatedLocations"][0]["physicalLocation"]["region"];
        assert_eq!(related, &json!({"startLine": 4, "startColumn": 8, "endColumn": 13}));
        // Ten lines of front matter later, the same finding keeps its
        // fingerprint.
        let moved = sarif(&[checked(14)]);
        assert_eq!(
            moved["runs"][0]["results"][0]["partialFingerprints"],
            result["partialFingerprints"]
        );
        assert_eq!(
            moved["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            15
        );
    }
}
