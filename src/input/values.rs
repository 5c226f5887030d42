//! JSON values → the typed values of post keys, with errors that name the
//! type expected and the type found.

use serde_json::Value;

use crate::post::{Cue, UnknownValue};

/// Why a value cannot be what its post key holds. The text is the sentence
/// the user reads after the key's name.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(super) enum ValueError {
    #[error("expected {expected}, found {found}")]
    WrongType { expected: &'static str, found: &'static str },
    #[error("expected {expected}, found a list with {found}")]
    WrongItem { expected: &'static str, found: &'static str },
    #[error(transparent)]
    Unknown(#[from] UnknownValue),
    #[error("cue {index}: {problem}")]
    Cue { index: usize, problem: CueProblem },
    /// A spreadsheet formula error such as `#N/A`.
    #[error("the cell holds the error {0}")]
    CellError(String),
    #[error("expected a number of seconds, found '{0}'")]
    NotSeconds(String),
    #[error("expected true, false, yes, no, 1 or 0, found '{0}'")]
    NotFlag(String),
    /// Past a size limit: the sentence says which and how to raise it.
    #[error("{0}")]
    TooLarge(String),
}

/// What is wrong with one subtitle cue.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(super) enum CueProblem {
    #[error("expected a {{start, end, text}} object, found {0}")]
    NotAnObject(&'static str),
    #[error("unknown field `{0}`, expected one of `start`, `end`, `text`")]
    UnknownField(String),
    #[error("missing field `{0}`")]
    Missing(&'static str),
    #[error("{field}: expected {expected}, found {found}")]
    WrongType { field: &'static str, expected: &'static str, found: &'static str },
}

/// Names a JSON value's type for error messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn expected(what: &'static str, found: &Value) -> ValueError {
    ValueError::WrongType { expected: what, found: kind(found) }
}

pub(super) fn string(value: Value) -> Result<String, ValueError> {
    match value {
        Value::String(text) => Ok(text),
        other => Err(expected("a string", &other)),
    }
}

pub(super) fn boolean(value: Value) -> Result<bool, ValueError> {
    value.as_bool().ok_or_else(|| expected("true or false", &value))
}

pub(super) fn number(value: Value) -> Result<f64, ValueError> {
    value.as_f64().ok_or_else(|| expected("a number", &value))
}

pub(super) fn id(value: Value) -> Result<String, ValueError> {
    match value {
        Value::String(text) => Ok(text),
        Value::Number(number) => Ok(number.to_string()),
        other => Err(expected("a string or a number", &other)),
    }
}

/// A string or a list of strings.
pub(super) fn strings(value: Value) -> Result<Vec<String>, ValueError> {
    const WHAT: &str = "a string or a list of strings";
    match value {
        Value::String(text) => Ok(vec![text]),
        Value::Array(items) => {
            // Pushed onto a new vector: collected in place, the strings
            // would be copied again when the allocation shrinks to fit them.
            let mut strings = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(text) => strings.push(text),
                    other => {
                        return Err(ValueError::WrongItem { expected: WHAT, found: kind(&other) });
                    }
                }
            }
            Ok(strings)
        }
        other => Err(expected(WHAT, &other)),
    }
}

pub(super) fn vocabulary<T: std::str::FromStr<Err = UnknownValue>>(
    value: Value,
) -> Result<T, ValueError> {
    Ok(string(value)?.parse()?)
}

/// A label name, or `true` for the usual paid-partnership tag.
pub(super) fn platform_label(value: Value) -> Result<Option<String>, ValueError> {
    match value {
        Value::String(label) => Ok(Some(label)),
        Value::Bool(true) => Ok(Some("paid_partnership".to_owned())),
        Value::Bool(false) => Ok(None),
        other => Err(expected("a label such as \"paid_partnership\", or true", &other)),
    }
}

pub(super) fn cues(value: Value) -> Result<Vec<Cue>, ValueError> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(index, item)| cue(item).map_err(|problem| ValueError::Cue { index, problem }))
            .collect(),
        other => Err(expected("a subtitle file path or a list of {start, end, text} cues", &other)),
    }
}

/// One `{start, end, text}` cue (seconds, seconds, the words).
fn cue(value: Value) -> Result<Cue, CueProblem> {
    let Value::Object(fields) = value else {
        return Err(CueProblem::NotAnObject(kind(&value)));
    };
    let (mut start, mut end, mut text) = (None, None, None);
    for (key, value) in fields {
        let wrong =
            |field, expected| CueProblem::WrongType { field, expected, found: kind(&value) };
        match key.as_str() {
            "start" => start = Some(value.as_f64().ok_or_else(|| wrong("start", "a number"))?),
            "end" => end = Some(value.as_f64().ok_or_else(|| wrong("end", "a number"))?),
            "text" => match value {
                Value::String(words) => text = Some(words),
                _ => return Err(wrong("text", "a string")),
            },
            _ => return Err(CueProblem::UnknownField(key)),
        }
    }
    Ok(Cue {
        start: start.ok_or(CueProblem::Missing("start"))?,
        end: end.ok_or(CueProblem::Missing("end"))?,
        text: text.ok_or(CueProblem::Missing("text"))?,
    })
}
