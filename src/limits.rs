//! How much sponsorlint reads of one thing before it says "too large":
//! every limit has a default, and `--limit NAME=SIZE` or the configuration's
//! `limits:` raise or lower it. A record past a limit becomes an error
//! record naming the limit, and the run goes on.

use std::fmt;

/// The limits of one run, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// One post's text (caption, body, cell).
    pub post_text: u64,
    /// One line of a JSONL file.
    pub jsonl_line: u64,
    /// One part of an XLSX/ODS file (a sheet, the shared strings) once
    /// uncompressed: a small file can hold gigabytes.
    pub sheet_part: u64,
    /// One rule pack file.
    pub rule_pack: u64,
}

const MIB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Limits {
        Limits { post_text: MIB, jsonl_line: 4 * MIB, sheet_part: 256 * MIB, rule_pack: 4 * MIB }
    }
}

/// The limits by name, as `--limit` and the configuration write them.
const NAMES: [&str; 4] = ["post-text", "jsonl-line", "sheet-part", "rule-pack"];

impl Limits {
    /// Sets the limit called `name`.
    pub fn set(&mut self, name: &str, bytes: u64) -> Result<(), LimitError> {
        let slot = match name {
            "post-text" => &mut self.post_text,
            "jsonl-line" => &mut self.jsonl_line,
            "sheet-part" => &mut self.sheet_part,
            "rule-pack" => &mut self.rule_pack,
            other => return Err(LimitError::UnknownName(other.to_string())),
        };
        *slot = bytes;
        Ok(())
    }

    /// Applies `NAME=SIZE` (as `--limit` takes it).
    pub fn apply(&mut self, setting: &str) -> Result<(), LimitError> {
        let (name, size) =
            setting.split_once('=').ok_or_else(|| LimitError::NotASetting(setting.to_string()))?;
        self.set(name.trim(), parse_size(size)?)
    }
}

/// `1048576`, `512KiB`, `4MiB`, `1GiB` (also `KB`, `MB`, `GB` as binary
/// units, and `k`, `m`, `g`).
pub fn parse_size(text: &str) -> Result<u64, LimitError> {
    let text = text.trim();
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: u64 = number.parse().map_err(|_| LimitError::NotASize(text.to_string()))?;
    let scale = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => MIB,
        "g" | "gb" | "gib" => 1024 * MIB,
        _ => return Err(LimitError::NotASize(text.to_string())),
    };
    number.checked_mul(scale).ok_or_else(|| LimitError::NotASize(text.to_string()))
}

/// "it is 3 MiB, over the post-text limit of 1 MiB; raise it with …".
pub fn over_limit(size: u64, name: &str, limit: u64) -> String {
    format!(
        "it is {}, over the {name} limit of {}; raise it with --limit {name}=SIZE",
        display_size(size),
        display_size(limit)
    )
}

/// A size in the unit that reads best: `4 MiB`, `512 KiB`, `100 bytes`.
pub fn display_size(bytes: u64) -> String {
    match bytes {
        b if b >= MIB && b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b >= 1024 && b % 1024 == 0 => format!("{} KiB", b / 1024),
        b => format!("{b} bytes"),
    }
}

/// A `--limit` or `limits:` setting that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitError {
    UnknownName(String),
    NotASetting(String),
    NotASize(String),
}

impl fmt::Display for LimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitError::UnknownName(name) => {
                write!(f, "unknown limit '{name}'; the limits are: {}", NAMES.join(", "))
            }
            LimitError::NotASetting(text) => {
                write!(f, "'{text}' is not a limit setting; write NAME=SIZE, e.g. post-text=4MiB")
            }
            LimitError::NotASize(text) => {
                write!(f, "'{text}' is not a size; write e.g. 1048576, 512KiB, 4MiB or 1GiB")
            }
        }
    }
}

impl std::error::Error for LimitError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_with_or_without_a_unit() {
        assert_eq!(parse_size("1048576"), Ok(MIB));
        assert_eq!(parse_size("512KiB"), Ok(512 * 1024));
        assert_eq!(parse_size(" 4 MiB "), Ok(4 * MIB));
        assert_eq!(parse_size("1g"), Ok(1024 * MIB));
        assert!(parse_size("4 parsecs").is_err());
        assert!(parse_size("99999999999999999999GiB").is_err(), "overflow is an error");
        assert_eq!(display_size(4 * MIB), "4 MiB");
        assert_eq!(display_size(100), "100 bytes");
    }

    #[test]
    fn settings_name_a_limit() {
        let mut limits = Limits::default();
        limits.apply("post-text=2MiB").unwrap();
        assert_eq!(limits.post_text, 2 * MIB);
        let error = limits.apply("post-txt=2MiB").unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown limit 'post-txt'; the limits are: post-text, jsonl-line, sheet-part, rule-pack"
        );
        assert!(limits.apply("post-text").unwrap_err().to_string().contains("NAME=SIZE"));
    }
}
