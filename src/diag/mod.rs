//! Errors located in a file that sponsorlint reads besides posts — rule
//! packs, the configuration, suppressions, baselines and Markdown front
//! matter — and the YAML parsing that finds their locations.

mod error;
pub mod yaml;

pub use error::{FileError, FileKind, Problem, Problems, line_column};
