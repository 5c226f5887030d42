//! Errors located in a file that sponsorlint reads besides posts — rule
//! packs, the configuration, suppressions, baselines and Markdown front
//! matter — and the YAML parsing that finds their locations.

mod error;
mod packed;
pub mod prebuilt;
pub mod read_once;
pub mod spanned;
pub mod yaml;

pub use error::{FileError, FileKind, Problem, Problems, line_column};

/// Why a file could not be read, in the user's words (no "os error 2").
pub fn io_reason(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "there is no such file".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::IsADirectory => "it is a folder".to_string(),
        ErrorKind::InvalidData => "it is not UTF-8 text; save it as UTF-8".to_string(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    }
}
