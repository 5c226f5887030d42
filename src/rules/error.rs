//! Rule pack errors: every problem of a file, each pointing at its YAML
//! line and column.

use std::ops::Range;

use miette::{Diagnostic, NamedSource, SourceSpan};

/// One problem in a pack file.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(sponsorlint::pack))]
pub struct Problem {
    pub message: String,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: Option<String>,
    #[source_code]
    pub source_code: NamedSource<String>,
    /// 1-based line and column, also printed in the message header.
    pub line: usize,
    pub column: usize,
}

/// All problems of one pack file.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("invalid rule pack {path}: {}", summary(.problems))]
#[diagnostic(code(sponsorlint::invalid_pack))]
pub struct PackError {
    pub path: String,
    #[related]
    pub problems: Vec<Problem>,
}

fn summary(problems: &[Problem]) -> String {
    match problems.len() {
        1 => "1 problem".to_string(),
        many => format!("{many} problems"),
    }
}

impl PackError {
    pub fn unreadable(path: &str, reason: &str) -> PackError {
        PackError {
            path: path.to_string(),
            problems: vec![Problem {
                message: format!("cannot read {path}: {reason}"),
                span: None,
                label: String::new(),
                help: None,
                source_code: NamedSource::new(path, String::new()),
                line: 0,
                column: 0,
            }],
        }
    }
}

/// Collects the problems of one pack file.
#[derive(Debug)]
pub struct Problems<'a> {
    pub path: &'a str,
    pub source: &'a str,
    pub list: Vec<Problem>,
}

impl<'a> Problems<'a> {
    pub fn new(path: &'a str, source: &'a str) -> Problems<'a> {
        Problems { path, source, list: Vec::new() }
    }

    pub fn add(
        &mut self,
        span: Option<Range<usize>>,
        message: impl Into<String>,
        label: &str,
        help: Option<String>,
    ) {
        let (line, column) =
            span.as_ref().map_or((0, 0), |span| line_column(self.source, span.start));
        let message = message.into();
        self.list.push(Problem {
            message: if line > 0 {
                format!("{}:{line}:{column}: {message}", self.path)
            } else {
                format!("{}: {message}", self.path)
            },
            span: span.map(|span| SourceSpan::from(span.start..span.end.max(span.start))),
            label: label.to_string(),
            help,
            source_code: NamedSource::new(self.path, self.source.to_string()),
            line,
            column,
        });
    }

    pub fn into_result(self) -> Result<(), PackError> {
        if self.list.is_empty() {
            Ok(())
        } else {
            Err(PackError { path: self.path.to_string(), problems: self.list })
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}
