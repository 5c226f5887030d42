//! Errors in the files sponsorlint reads besides posts — rule packs, the
//! configuration, suppressions and baselines: every problem of a file, each
//! pointing at its line and column.

use std::ops::Range;

use miette::{Diagnostic, NamedSource, SourceSpan};

use super::yaml::{Spanned, span_of};

/// One problem in a file.
#[derive(Debug, Clone, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(sponsorlint::problem))]
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

/// Which kind of file a [`FileError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pack,
    Config,
    Suppressions,
    Baseline,
}

impl FileKind {
    fn noun(self) -> &'static str {
        match self {
            FileKind::Pack => "rule pack",
            FileKind::Config => "configuration",
            FileKind::Suppressions => "suppressions file",
            FileKind::Baseline => "baseline",
        }
    }

    fn code(self) -> &'static str {
        match self {
            FileKind::Pack => "sponsorlint::invalid_pack",
            FileKind::Config => "sponsorlint::invalid_config",
            FileKind::Suppressions => "sponsorlint::invalid_suppressions",
            FileKind::Baseline => "sponsorlint::invalid_baseline",
        }
    }
}

/// All problems of one file.
#[derive(Debug, Clone, thiserror::Error)]
#[error("invalid {} {path}: {}", .kind.noun(), summary(.problems))]
pub struct FileError {
    pub kind: FileKind,
    pub path: String,
    pub problems: Vec<Problem>,
}

// By hand rather than derived: the code depends on the kind of file.
impl Diagnostic for FileError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        Some(Box::new(self.problems.iter().map(|problem| problem as &dyn Diagnostic)))
    }
}

fn summary(problems: &[Problem]) -> String {
    match problems.len() {
        1 => "1 problem".to_string(),
        many => format!("{many} problems"),
    }
}

impl FileError {
    pub fn unreadable(kind: FileKind, path: &str, reason: &str) -> FileError {
        FileError::whole_file(kind, path, format!("cannot read {path}: {reason}"))
    }

    /// A problem with a file as a whole, not at a place in it.
    pub fn whole_file(kind: FileKind, path: &str, message: String) -> FileError {
        FileError {
            kind,
            path: path.to_string(),
            problems: vec![Problem {
                message,
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

/// Collects the problems of one file.
#[derive(Debug)]
pub struct Problems<'a> {
    pub kind: FileKind,
    pub path: &'a str,
    pub source: &'a str,
    pub list: Vec<Problem>,
}

impl<'a> Problems<'a> {
    /// The problems of a rule pack.
    pub fn new(path: &'a str, source: &'a str) -> Problems<'a> {
        Problems::of(FileKind::Pack, path, source)
    }

    pub fn of(kind: FileKind, path: &'a str, source: &'a str) -> Problems<'a> {
        Problems { kind, path, source, list: Vec::new() }
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

    /// The byte range of a located YAML value in this file.
    pub fn span_of<T>(&self, value: &Spanned<T>) -> Option<Range<usize>> {
        span_of(self.source, value)
    }

    /// Takes over the problems an earlier pass found in the same file.
    pub fn continue_from(&mut self, earlier: &mut Vec<FileError>) {
        let path = self.path;
        if let Some(at) = earlier.iter().position(|error| error.path == path) {
            self.list.extend(earlier.swap_remove(at).problems);
        }
    }

    /// The problems in the order of the file.
    pub fn into_result(mut self) -> Result<(), FileError> {
        if self.list.is_empty() {
            return Ok(());
        }
        self.list.sort_by_key(|problem| (problem.line, problem.column));
        Err(FileError { kind: self.kind, path: self.path.to_string(), problems: self.list })
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
