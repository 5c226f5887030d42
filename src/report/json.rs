//! `json` and `jsonl`: the machine-readable contract (docs/guide.md). Both
//! formats write the same record per input record; `jsonl` streams them one
//! per line, `json` wraps them with a summary in one document.

mod compact;

use std::io::{self, Write};

use serde::Serialize;
use serde_json::value::RawValue;

use super::{Render, Reporter, Summary};
use crate::finding::{Checked, Evidence, Finding, Verdict};
use crate::post::{Market, Origin, Platform, Relationship};

/// The wire form of one record; field order is the key order of the contract.
#[derive(Serialize)]
#[serde(untagged)]
enum Record<'a> {
    Post {
        origin: &'a Origin,
        id: Option<&'a str>,
        verdict: Verdict,
        markets: &'a [Market],
        platform: Option<Platform>,
        relationship: Relationship,
        /// Present only when commercial signals overrode what the post said.
        #[serde(skip_serializing_if = "Option::is_none")]
        declared_relationship: Option<Relationship>,
        findings: &'a [Finding],
        /// What the text says about an unknown relationship.
        #[serde(skip_serializing_if = "Option::is_none")]
        evidence: Option<&'a Evidence>,
        #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
        extra: &'a serde_json::Map<String, serde_json::Value>,
    },
    Error {
        origin: &'a Origin,
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<&'a str>,
        verdict: Verdict,
        error: &'a str,
    },
}

impl<'a> From<&'a Checked> for Record<'a> {
    fn from(checked: &'a Checked) -> Self {
        match checked {
            Checked::Post(checked) => {
                let post = &checked.post;
                Record::Post {
                    origin: &post.origin,
                    id: post.id.as_deref(),
                    verdict: checked.verdict(),
                    markets: &post.markets,
                    platform: post.platform,
                    relationship: checked.relationship,
                    declared_relationship: (post.relationship != checked.relationship)
                        .then_some(post.relationship),
                    findings: &checked.findings,
                    evidence: checked.evidence.as_ref(),
                    extra: &post.extra,
                }
            }
            Checked::Error(error) => Record::Error {
                origin: &error.origin,
                id: error.id.as_deref(),
                verdict: Verdict::Error,
                error: &error.message,
            },
        }
    }
}

/// Bytes a line starts with room for, and more for each finding: nine lines
/// in ten fit (bench posts: 363 bytes without a finding, 1,402 with one,
/// 2,174 with two), so the buffer is seldom copied as it grows
/// (serde_json's own starts at 128).
const LINE_CAPACITY: usize = 512;
const FINDING_CAPACITY: usize = 1024;

/// Streams one record per line as it arrives.
pub struct JsonlReporter {
    out: Box<dyn Write>,
}

impl JsonlReporter {
    pub fn new(out: Box<dyn Write>) -> Self {
        JsonlReporter { out }
    }

    /// One record's line, newline included: serde_json's bytes, written by
    /// `compact` in fewer instructions.
    fn line(checked: &Checked) -> io::Result<Vec<u8>> {
        let findings = match checked {
            Checked::Post(post) => post.findings.len(),
            Checked::Error(_) => 0,
        };
        let mut line = Vec::with_capacity(LINE_CAPACITY + findings * FINDING_CAPACITY);
        compact::write(&mut line, &Record::from(checked))?;
        line.push(b'\n');
        Ok(line)
    }
}

impl Reporter for JsonlReporter {
    fn record(&mut self, checked: &Checked) -> io::Result<()> {
        self.record_rendered(JsonlReporter::line(checked))
    }

    fn render(&self) -> Option<Render> {
        Some(JsonlReporter::line)
    }

    fn record_rendered(&mut self, rendered: io::Result<Vec<u8>>) -> io::Result<()> {
        self.out.write_all(&rendered?)
    }

    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        self.out.flush()
    }
}

/// Writes one document at the end, since the summary comes first in it.
pub struct JsonReporter {
    out: Box<dyn Write>,
    /// Records serialised on arrival, so the posts themselves need not be kept.
    records: Vec<Box<RawValue>>,
}

impl JsonReporter {
    pub fn new(out: Box<dyn Write>) -> Self {
        JsonReporter { out, records: Vec::new() }
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    summary: &'a Summary,
    posts: &'a [Box<RawValue>],
}

impl Reporter for JsonReporter {
    fn record(&mut self, checked: &Checked) -> io::Result<()> {
        self.records.push(serde_json::value::to_raw_value(&Record::from(checked))?);
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        let document = Document { version: 1, summary, posts: &self.records };
        serde_json::to_writer(&mut self.out, &document)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::fmt;

    use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
    use serde_json::Value;

    use super::super::{Format, HumanOptions, render, sample_results};
    use super::Record;

    const OPTIONS: HumanOptions = super::super::PLAIN;

    #[test]
    fn jsonl_snapshot() {
        insta::assert_snapshot!(render(Format::Jsonl, OPTIONS, &sample_results()));
    }

    #[test]
    fn jsonl_lines_are_the_bytes_serde_json_writes() {
        let mut expected = Vec::new();
        for checked in &sample_results() {
            serde_json::to_writer(&mut expected, &Record::from(checked)).unwrap();
            expected.push(b'\n');
        }
        let output = render(Format::Jsonl, OPTIONS, &sample_results());
        assert_eq!(output, String::from_utf8(expected).unwrap());
    }

    #[test]
    fn json_snapshot() {
        let output = render(Format::Json, OPTIONS, &sample_results());
        assert!(output.ends_with("}\n"));
        serde_json::from_str::<Value>(&output).unwrap();
        insta::assert_snapshot!(output);
    }

    #[test]
    fn json_posts_are_the_jsonl_records() {
        let json = render(Format::Json, OPTIONS, &sample_results());
        let jsonl = render(Format::Jsonl, OPTIONS, &sample_results());
        let document: Value = serde_json::from_str(&json).unwrap();
        let lines: Vec<Value> =
            jsonl.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
        assert_eq!(document["posts"], Value::Array(lines));
    }

    /// The top-level keys of a JSON object in document order (a parsed `Map`
    /// cannot tell: serde_json's `preserve_order` is off).
    struct Keys(Vec<String>);

    impl<'de> Deserialize<'de> for Keys {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct InOrder;
            impl<'de> Visitor<'de> for InOrder {
                type Value = Keys;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a JSON object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                    let mut keys = Vec::new();
                    while let Some((key, IgnoredAny)) = map.next_entry()? {
                        keys.push(key);
                    }
                    Ok(Keys(keys))
                }
            }
            deserializer.deserialize_map(InOrder)
        }
    }

    #[test]
    fn jsonl_lines_parse_back_with_the_contract_keys_in_order() {
        let output = render(Format::Jsonl, OPTIONS, &sample_results());
        let keys: Vec<Vec<String>> = output
            .lines()
            .map(|line| {
                serde_json::from_str::<Value>(line).unwrap();
                serde_json::from_str::<Keys>(line).unwrap().0
            })
            .collect();
        let post = [
            "origin",
            "id",
            "verdict",
            "markets",
            "platform",
            "relationship",
            "declared_relationship",
            "findings",
            "evidence",
            "extra",
        ];
        // Optional keys are left out where they do not apply.
        let without = |absent: &[&str]| -> Vec<String> {
            post.iter().filter(|key| !absent.contains(key)).map(|key| key.to_string()).collect()
        };
        assert_eq!(
            keys,
            [
                without(&["extra"]),
                without(&["declared_relationship", "evidence", "extra"]),
                without(&["declared_relationship", "evidence"]),
                without(&["declared_relationship", "evidence", "extra"]),
                vec!["origin".into(), "id".into(), "verdict".into(), "error".into()],
            ]
        );
    }
}
