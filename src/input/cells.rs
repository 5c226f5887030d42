//! Spreadsheet and CSV cells → values of post keys: a cell is typed as its
//! key wants (lists, flags, seconds), or kept in `extra` with its own type.

use std::borrow::Cow;

use serde_json::Value;

use super::fields::canonical;
use super::values::ValueError;

/// A spreadsheet or CSV cell that is not empty.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    Bool(bool),
    /// A formula error such as `#N/A`.
    Error(Cow<'a, str>),
}

/// The value of a cell under a post key, typed as the key wants: lists split
/// on `,` or `;`, flags from true/false/yes/no/1/0, whole numbers without
/// `.0`. A value of the wrong type is left for the post's fields to name.
pub(super) fn cell_value(key: &str, cell: Cell<'_>) -> Result<Value, ValueError> {
    match (canonical(key), cell) {
        (_, Cell::Error(code)) => Err(ValueError::CellError(code.into_owned())),
        ("retouched" | "ai_generated", cell) => flag(&cell).map(Value::Bool),
        ("platform_label", Cell::Text(text)) => Ok(match word_flag(&text) {
            Some(on) => Value::Bool(on),
            None => Value::String(text.trim().to_owned()),
        }),
        ("platform_label", cell) => flag(&cell).map(Value::Bool),
        ("duration_s", Cell::Number(seconds)) => Ok(Value::from(seconds)),
        ("duration_s", Cell::Text(text)) => match text.trim().parse::<f64>() {
            Ok(seconds) if seconds.is_finite() => Ok(Value::from(seconds)),
            _ => Err(ValueError::NotSeconds(text.into_owned())),
        },
        (_, Cell::Bool(on)) => Ok(Value::Bool(on)),
        ("country" | "brand", cell) => Ok(Value::Array(
            cell_text(cell)
                .split([',', ';'])
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| Value::String(item.to_owned()))
                .collect(),
        )),
        // The text is checked as written, spaces and all.
        ("text", cell) => Ok(Value::String(cell_text(cell).into_owned())),
        (_, cell) => Ok(Value::String(cell_text(cell).trim().to_owned())),
    }
}

/// A cell kept in `extra`: numbers and flags keep their JSON type.
pub(super) fn cell_json(cell: Cell<'_>) -> Value {
    match cell {
        Cell::Number(number) if is_whole(number) => Value::from(number as i64),
        Cell::Number(number) => Value::from(number),
        Cell::Bool(on) => Value::Bool(on),
        Cell::Text(text) | Cell::Error(text) => Value::String(text.into_owned()),
    }
}

fn cell_text(cell: Cell<'_>) -> Cow<'_, str> {
    match cell {
        Cell::Text(text) | Cell::Error(text) => text,
        // `Display` writes 17.0 as "17": a numeric id 17 is "17".
        Cell::Number(number) => Cow::Owned(number.to_string()),
        Cell::Bool(on) => Cow::Borrowed(if on { "true" } else { "false" }),
    }
}

/// Whole and within the range where `f64` holds integers exactly.
fn is_whole(number: f64) -> bool {
    number.fract() == 0.0 && number.abs() < 9_007_199_254_740_992.0
}

fn word_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

fn flag(cell: &Cell<'_>) -> Result<bool, ValueError> {
    match cell {
        Cell::Bool(on) => Ok(*on),
        Cell::Number(number) if *number == 1.0 => Ok(true),
        Cell::Number(number) if *number == 0.0 => Ok(false),
        Cell::Text(text) => word_flag(text).ok_or_else(|| ValueError::NotFlag(text.to_string())),
        other => Err(ValueError::NotFlag(cell_text(other.clone()).into_owned())),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The value, or the error as the user reads it.
    fn value(key: &str, cell: Cell<'_>) -> Result<Value, String> {
        cell_value(key, cell).map_err(|error| error.to_string())
    }

    #[test]
    fn cells_are_typed_by_their_key() {
        let text = |text: &'static str| Cell::Text(Cow::Borrowed(text));
        assert_eq!(value("id", Cell::Number(17.0)), Ok(json!("17")));
        assert_eq!(value("title", Cell::Number(1.5)), Ok(json!("1.5")));
        assert_eq!(value("caption", text("  two\nlines ")), Ok(json!("  two\nlines ")));
        assert_eq!(value("platform", text(" TikTok ")), Ok(json!("TikTok")));
        assert_eq!(value("country", text("FR; de,,IT ")), Ok(json!(["FR", "de", "IT"])));
        assert_eq!(value("brand", text("Glow Lab")), Ok(json!(["Glow Lab"])));
        for (cell, on) in [(text("Yes"), true), (text("0"), false), (Cell::Number(1.0), true)] {
            assert_eq!(value("ai_generated", cell), Ok(json!(on)));
        }
        assert_eq!(value("retouched", Cell::Bool(true)), Ok(json!(true)));
        assert_eq!(
            value("retouched", Cell::Number(2.0)),
            Err("expected true, false, yes, no, 1 or 0, found '2'".into())
        );
        assert_eq!(value("platform_label", text("no")), Ok(json!(false)));
        assert_eq!(value("platform_label", text("branded_content")), Ok(json!("branded_content")));
        assert_eq!(value("duration_s", text(" 30 ")), Ok(json!(30.0)));
        assert_eq!(
            value("duration_s", text("30s")),
            Err("expected a number of seconds, found '30s'".into())
        );
        assert_eq!(value("url", Cell::Bool(true)), Ok(json!(true)));
        assert_eq!(
            value("text", Cell::Error(Cow::Borrowed("#REF!"))),
            Err("the cell holds the error #REF!".into())
        );
        assert_eq!(cell_json(Cell::Number(1200.0)), json!(1200));
        assert_eq!(cell_json(Cell::Number(0.25)), json!(0.25));
        assert_eq!(cell_json(Cell::Error(Cow::Borrowed("#N/A"))), json!("#N/A"));
    }
}
