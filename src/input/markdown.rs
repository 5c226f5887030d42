//! `.md` files: optional YAML front matter with post keys, then the body,
//! which is the post's text.

use serde_json::{Map, Value};

use super::{ReadContext, Record, bom_len, fields, record_error};
use crate::diag::yaml;
use crate::post::Origin;

pub(super) fn read(text: &str, path: String, ctx: &ReadContext) -> Record {
    let start = bom_len(text);
    let mut lines = text[start..].split_inclusive('\n');
    let mut offset = start;
    let mut line = 1;
    let mut front = Map::new();
    if let Some(opening) = lines.next().filter(|first| is_fence(first)) {
        offset += opening.len();
        let yaml_start = offset;
        let yaml_end = loop {
            let Some(next) = lines.next() else {
                let origin = Origin { path, line: Some(1), ..Origin::default() };
                return Err(record_error(origin, "front matter has no closing `---` line"));
            };
            line += 1;
            let end = offset;
            offset += next.len();
            if is_fence(next) {
                break end;
            }
        };
        let yaml = &text[yaml_start..yaml_end];
        if !yaml.trim().is_empty() {
            // The YAML starts on line 2 of the file; a leading newline makes
            // the parser's line numbers the file's.
            let source = format!("\n{yaml}");
            front = yaml::parse::<Map<String, Value>>(&source).map_err(|error| {
                let line =
                    error.span.map_or(1, |span| 1 + source[..span.start].matches('\n').count());
                let origin =
                    Origin { path: path.clone(), line: Some(line as u64), ..Origin::default() };
                record_error(origin, format!("front matter: {}", error.message))
            })?;
        }
        line += 1;
        // One blank line between the front matter and the body is layout.
        for blank in ["\n", "\r\n"] {
            if text[offset..].starts_with(blank) {
                offset += blank.len();
                line += 1;
                break;
            }
        }
    }
    let body = &text[offset..];
    let origin = Origin {
        path,
        line: Some(line),
        text_offset: Some(offset),
        verbatim: true,
        ..Origin::default()
    };
    let mut post = fields::post_from_object(front, origin, ctx)?;
    if body.trim().is_empty() && !post.text.is_empty() {
        // The text came from a front matter key; the body holds none of it.
        post.origin.line = None;
        post.origin.text_offset = None;
        post.origin.verbatim = false;
    } else {
        post.text = body.to_owned();
    }
    Ok(post)
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tests::context;
    use crate::post::{Platform, Relationship};

    fn post(file: &str) -> Record {
        read(file, "draft.md".into(), &context())
    }

    #[test]
    fn front_matter_keys_and_body() {
        let file = "---\ntitle: Summer\nplatform: instagram\ncountry: [EU]\nrelationship: paid\n---\n\nThanks @acme #ad\n";
        let post = post(file).unwrap();
        assert_eq!(post.title.as_deref(), Some("Summer"));
        assert_eq!(post.platform, Some(Platform::Instagram));
        assert_eq!(post.relationship, Relationship::Paid);
        assert_eq!(post.markets.len(), 2, "EU expands");
        assert_eq!(post.text, "Thanks @acme #ad\n");
        let offset = post.origin.text_offset.unwrap();
        assert_eq!(&file[offset..], post.text);
        assert_eq!(post.origin.line, Some(8));
        assert_eq!(file.lines().nth(7), Some("Thanks @acme #ad"));
    }

    #[test]
    fn only_one_blank_line_is_trimmed_and_crlf_works() {
        let file = "---\r\nid: 7\r\n---\r\n\r\n\r\nBody\r\n";
        let post = post(file).unwrap();
        assert_eq!(post.id.as_deref(), Some("7"));
        assert_eq!(post.text, "\r\nBody\r\n");
        assert_eq!(&file[post.origin.text_offset.unwrap()..], post.text);
        assert_eq!(post.origin.line, Some(5));
    }

    #[test]
    fn without_front_matter_the_file_is_the_body() {
        let post = post("\u{feff}# Hi\n---\nmore").unwrap();
        assert_eq!(post.text, "# Hi\n---\nmore");
        assert_eq!(post.origin.text_offset, Some(3));
        assert_eq!(post.origin.line, Some(1));
    }

    #[test]
    fn a_bom_before_front_matter_is_skipped() {
        let file = "\u{feff}---\nbrand: Acme\n---\nBody";
        let post = post(file).unwrap();
        assert_eq!(post.brands, ["Acme"]);
        assert_eq!(&file[post.origin.text_offset.unwrap()..], "Body");
    }

    #[test]
    fn empty_front_matter_is_allowed() {
        assert_eq!(post("---\n---\nBody").unwrap().text, "Body");
    }

    #[test]
    fn front_matter_text_is_used_when_the_body_is_empty() {
        let post = post("---\ncaption: From YAML\n---\n\n").unwrap();
        assert_eq!(post.text, "From YAML");
        assert_eq!(post.origin.text_offset, None);
    }

    #[test]
    fn yaml_errors_carry_the_file_line() {
        let error = post("---\ntitle: ok\nplatform: [unclosed\n---\nBody").unwrap_err();
        assert!(error.message.starts_with("front matter: "), "{}", error.message);
        assert_eq!(error.origin.line, Some(3));
        assert!(!error.message.contains("line"), "the origin has the line: {}", error.message);
    }

    #[test]
    fn bad_values_are_error_records() {
        let error = post("---\nid: d1\nplatform: tiktoc\n---\nBody").unwrap_err();
        assert!(error.message.starts_with("platform: unknown platform 'tiktoc'"));
        assert_eq!(error.id.as_deref(), Some("d1"));
    }

    #[test]
    fn an_unclosed_front_matter_is_an_error() {
        let error = post("---\ntitle: x\nBody").unwrap_err();
        assert!(error.message.contains("no closing"), "{}", error.message);
    }
}
