//! Stable fingerprints of posts and findings, for SARIF
//! `partialFingerprints`, suppressions and baselines. They depend on what a
//! post says, never on where it sits in its file, so an edit elsewhere in
//! the file (or a reordered spreadsheet) leaves them unchanged.

use crate::finding::Finding;
use crate::post::Post;

/// FNV-1a, 64 bits: tiny, and stable across Rust versions and platforms
/// (unlike `DefaultHasher`), which stored fingerprints need.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        // A separator that cannot occur in text keeps ("ab","c") ≠ ("a","bc").
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// The post's text with whitespace runs folded and ends trimmed, so
/// re-wrapping a caption keeps its fingerprint.
fn folded_text(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// 16 hex digits of the post's text (title included).
pub fn text_fingerprint(post: &Post) -> String {
    let title = post.title.as_deref().map(folded_text).unwrap_or_default();
    format!("{:016x}", fnv1a(&[&folded_text(&post.text), &title]))
}

/// How suppressions and baselines name a post: its `id`, or
/// `text:<fingerprint>` when it has none.
pub fn post_key(post: &Post) -> String {
    match &post.id {
        Some(id) => id.clone(),
        None => format!("text:{}", text_fingerprint(post)),
    }
}

/// 16 hex digits naming one finding: the rule, the market, the post and the
/// text the finding points at.
pub fn finding_fingerprint(post: &Post, finding: &Finding) -> String {
    let flagged = finding
        .span
        .field
        .text_in(post)
        .and_then(|text| text.get(finding.span.start..finding.span.end))
        .unwrap_or("");
    let market = finding.market.map(|market| market.to_string()).unwrap_or_default();
    format!("{:016x}", fnv1a(&[&finding.rule, &market, &post_key(post), &folded_text(flagged)]))
}

/// 16 hex digits naming one finding at one place: [`finding_fingerprint`]
/// and the file, for consumers that merge equal fingerprints (GitLab Code
/// Quality), where the same post in two files is two issues.
pub fn located_fingerprint(path: &str, post: &Post, finding: &Finding) -> String {
    format!("{:016x}", fnv1a(&[path, &finding_fingerprint(post, finding)]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Category, Severity, Span};
    use crate::post::{Market, Origin};

    fn post(text: &str, line: u64) -> Post {
        let origin = Origin { path: "posts.jsonl".into(), line: Some(line), ..Origin::default() };
        Post::from_text(origin, text)
    }

    fn finding(rule: &str, start: usize, end: usize) -> Finding {
        Finding {
            rule: rule.into(),
            category: Category::MissingDisclosure,
            severity: Severity::Error,
            market: Market::parse("FR").ok(),
            message: "m".into(),
            help: "h".into(),
            source_url: String::new(),
            span: Span::text(start, end),
            cue: None,
            related: vec![],
            fix: None,
        }
    }

    #[test]
    fn fingerprints_ignore_the_position_in_the_file_and_whitespace() {
        let here = post("Mon sérum #sp", 3);
        let moved = post("Mon  sérum\n#sp ", 40);
        assert_eq!(text_fingerprint(&here), text_fingerprint(&moved));
        assert_eq!(
            finding_fingerprint(&here, &finding("fr/x", 11, 14)),
            finding_fingerprint(&moved, &finding("fr/x", 12, 15))
        );
        assert_eq!(
            text_fingerprint(&here),
            "04c22914ff03e9bc",
            "stored fingerprints must not change"
        );
    }

    #[test]
    fn fingerprints_change_with_rule_text_and_id() {
        let base = post("Mon sérum #sp", 3);
        let fingerprint = finding_fingerprint(&base, &finding("fr/x", 0, 3));
        assert_ne!(fingerprint, finding_fingerprint(&base, &finding("fr/y", 0, 3)));
        assert_ne!(
            fingerprint,
            finding_fingerprint(&post("Ton sérum #sp", 3), &finding("fr/x", 0, 3))
        );
        let mut with_id = base.clone();
        with_id.id = Some("p1".into());
        assert_eq!(post_key(&with_id), "p1");
        assert!(post_key(&base).starts_with("text:"));
        assert_ne!(fingerprint, finding_fingerprint(&with_id, &finding("fr/x", 0, 3)));
    }
}
