//! JSON values → the typed values of post keys, with errors that name the
//! type expected and the type found.

use serde_json::Value;

use crate::post::{Cue, UnknownValue};

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

fn expected(what: &str, found: &Value) -> String {
    format!("expected {what}, found {}", kind(found))
}

pub(super) fn string(value: Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text),
        other => Err(expected("a string", &other)),
    }
}

pub(super) fn boolean(value: Value) -> Result<bool, String> {
    value.as_bool().ok_or_else(|| expected("true or false", &value))
}

pub(super) fn number(value: Value) -> Result<f64, String> {
    value.as_f64().ok_or_else(|| expected("a number", &value))
}

pub(super) fn id(value: Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text),
        Value::Number(number) => Ok(number.to_string()),
        other => Err(expected("a string or a number", &other)),
    }
}

/// A string or a list of strings.
pub(super) fn strings(value: Value) -> Result<Vec<String>, String> {
    const WHAT: &str = "a string or a list of strings";
    match value {
        Value::String(text) => Ok(vec![text]),
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::String(text) => Ok(text),
                other => Err(format!("expected {WHAT}, found a list with {}", kind(&other))),
            })
            .collect(),
        other => Err(expected(WHAT, &other)),
    }
}

pub(super) fn vocabulary<T: std::str::FromStr<Err = UnknownValue>>(
    value: Value,
) -> Result<T, String> {
    string(value)?.parse().map_err(|error: UnknownValue| error.to_string())
}

/// A label name, or `true` for the usual paid-partnership tag.
pub(super) fn platform_label(value: Value) -> Result<Option<String>, String> {
    match value {
        Value::String(label) => Ok(Some(label)),
        Value::Bool(true) => Ok(Some("paid_partnership".to_owned())),
        Value::Bool(false) => Ok(None),
        other => Err(expected("a label such as \"paid_partnership\", or true", &other)),
    }
}

pub(super) fn cues(value: Value) -> Result<Vec<Cue>, String> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                serde_json::from_value(item).map_err(|error| format!("cue {index}: {error}"))
            })
            .collect(),
        other => Err(expected("a subtitle file path or a list of {start, end, text} cues", &other)),
    }
}
