//! All YAML parsing through the YAML crate (serde-saphyr) lives here, so it
//! can be swapped without touching the rest of the rule code. A pack's
//! YAML is first parsed once by `read_once.rs`, which leaves to this
//! module every document or value it cannot read exactly as serde-saphyr
//! would; tests compare the two on every pack of the repository.

use std::ops::Range;

use serde::de::{DeserializeOwned, DeserializeSeed};

pub use super::spanned::Spanned;
use serde_saphyr::{MessageFormatter, UserMessageFormatter};

/// A YAML syntax or shape error, located in the source.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    /// Byte range in the source, when the parser knows it.
    pub span: Option<Range<usize>>,
}

/// Parses one YAML document into `T`, rejecting what `T` rejects.
pub fn parse<T: DeserializeOwned>(source: &str) -> Result<T, YamlError> {
    parse_with(source, serde_saphyr::Options::default())
}

/// [`parse`] with YAML 1.2 core booleans only (`true`/`false`): in a value
/// that may be a string or a list, `NO` (Norway) or `off` stays text
/// instead of turning into a YAML 1.1 boolean. For the configuration and
/// suppressions files.
pub fn parse_core<T: DeserializeOwned>(source: &str) -> Result<T, YamlError> {
    parse_with(source, serde_saphyr::options! { strict_booleans: true })
}

fn parse_with<T: DeserializeOwned>(
    source: &str,
    options: serde_saphyr::Options,
) -> Result<T, YamlError> {
    serde_saphyr::from_str_with_options(source, options).map_err(|error| located(source, &error))
}

/// Parses one YAML document with a seed: a reader that carries what it
/// needs to know (which kind each rule of a pack has) into the parse.
pub fn parse_seed<'de, S: DeserializeSeed<'de>>(
    source: &'de str,
    seed: S,
) -> Result<S::Value, YamlError> {
    serde_saphyr::with_deserializer_from_str_with_options(
        source,
        serde_saphyr::Options::default(),
        |deserializer| seed.deserialize(deserializer),
    )
    .map_err(|error| located(source, &error))
}

/// The error's location as a span, and its message in the user's terms
/// (the parser's user formatter: no internal names, no location suffix,
/// since the diagnostic shows the location itself).
fn located(source: &str, error: &serde_saphyr::Error) -> YamlError {
    let span = error.location().and_then(|location| location_bytes(source, &location));
    let message = match error.without_snippet() {
        // The parser's budget names its internal counters ("Nodes { … }").
        serde_saphyr::Error::Budget { .. } => {
            "the file is too large or too deeply nested to read as YAML".to_string()
        }
        other => UserMessageFormatter.format_message(other).into_owned(),
    };
    let message = message.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    YamlError { message, span }
}

/// The byte range of a spanned value in `source`.
pub fn span_of<T>(source: &str, value: &Spanned<T>) -> Option<Range<usize>> {
    location_bytes(source, &value.referenced)
}

fn location_bytes(source: &str, location: &serde_saphyr::Location) -> Option<Range<usize>> {
    if location.line() == 0 {
        return None;
    }
    let span = location.span();
    if let (Some(start), Some(len)) = (span.byte_offset(), span.byte_len()) {
        let start = usize::try_from(start).ok()?;
        let end = start + usize::try_from(len).ok()?;
        if end <= source.len() && source.is_char_boundary(start) && source.is_char_boundary(end) {
            return Some(start..end);
        }
    }
    // Fall back to line and column (1-based, in characters).
    let line_start = source
        .split_inclusive('\n')
        .take(usize::try_from(location.line()).ok()?.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let column = usize::try_from(location.column()).ok()?.saturating_sub(1);
    let start = source[line_start..]
        .char_indices()
        .nth(column)
        .map_or(source.len(), |(offset, _)| line_start + offset);
    Some(start..start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        name: Spanned<String>,
    }

    #[test]
    fn spans_point_at_the_value() {
        let source = "name: héllo\n";
        let doc: Doc = parse(source).unwrap();
        let span = span_of(source, &doc.name).unwrap();
        assert_eq!(&source[span], "héllo");
    }

    #[test]
    fn unknown_keys_are_located_errors() {
        let source = "name: a\nnmae: b\n";
        let error = parse::<Doc>(source).unwrap_err();
        assert!(error.message.contains("nmae"), "{}", error.message);
        let span = error.span.expect("a location");
        assert_eq!(source[..span.start].lines().count(), 1, "on line 2: {span:?}");
    }

    #[test]
    fn a_document_past_the_parser_budget_says_so_without_its_counters() {
        let source = format!("name: x\nitems:\n{}", "  - x\n".repeat(260_000));
        #[derive(Debug, Deserialize)]
        struct Items {
            #[allow(dead_code)]
            items: Vec<String>,
        }
        let error = parse::<Items>(&source).unwrap_err();
        assert_eq!(error.message, "the file is too large or too deeply nested to read as YAML");
    }
}
