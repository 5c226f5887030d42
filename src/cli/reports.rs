//! `check --report FORMAT=FILE`: more reports from the same run, beside the
//! `--format` one — SARIF for code scanning, annotations and a Markdown
//! summary from one check. Each file is written like `--output`: never
//! over what the run reads, through a temporary file renamed into place at
//! the end. `-` is standard output, when the main report is not there.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::output::{self, Pending, Reads};
use sponsorlint::finding::Checked;
use sponsorlint::report::{Format, ReportOptions, Reporter, Summary, reporter};

/// One `--report FORMAT=FILE`.
#[derive(Debug, Clone)]
pub struct ReportTarget {
    pub format: Format,
    /// `-` for standard output.
    pub path: PathBuf,
}

/// Parses `FORMAT=FILE` (clap's value parser).
pub(super) fn parse_target(value: &str) -> Result<ReportTarget, String> {
    let Some((format, path)) = value.split_once('=') else {
        return Err("expected FORMAT=FILE, e.g. sarif=sponsorlint.sarif or markdown=-".to_owned());
    };
    if path.is_empty() {
        return Err(format!("no file after '{format}='; `-` is standard output"));
    }
    let format = format.parse::<Format>().map_err(|error| error.to_string())?;
    Ok(ReportTarget { format, path: PathBuf::from(path) })
}

fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// A usage error when a report would go where it must not: over what the
/// run reads, onto another report's file, or onto standard output when
/// something else is written there (`stdout_taken`).
pub(super) fn refuse_clashes(
    targets: &[ReportTarget],
    others: &[&Path],
    stdout_taken: bool,
    reads: &Reads,
) -> Result<(), String> {
    let mut to_stdout = stdout_taken;
    for (index, target) in targets.iter().enumerate() {
        let shown = format!("--report {}={}", target.format.as_str(), target.path.display());
        if is_stdout(&target.path) {
            if to_stdout {
                return Err(format!(
                    "{shown}: standard output already carries a report or the fixed text; give --output FILE for the --format report, or a file here"
                ));
            }
            to_stdout = true;
            continue;
        }
        output::refuse_overwrite(&shown, &target.path, reads)?;
        let earlier = targets[..index].iter().map(|earlier| earlier.path.as_path());
        if others
            .iter()
            .copied()
            .chain(earlier)
            .any(|other| output::same_place(other, &target.path))
        {
            return Err(format!(
                "{shown}: this run already writes that file (--output, the baseline or another --report)"
            ));
        }
    }
    Ok(())
}

/// The `--report` reports of a run, fed the same records as the main one.
/// A report that cannot be written is dropped (its temporary file removed)
/// and named by [`Reports::finish`]; the others go on.
pub(super) struct Reports {
    open: Vec<Open>,
    failures: Vec<String>,
}

struct Open {
    reporter: Box<dyn Reporter>,
    /// Where the finished file goes; `None` for standard output.
    pending: Option<Pending>,
    path: PathBuf,
}

impl Reports {
    /// Opens every report; an error names the file that cannot be created.
    pub(super) fn open(
        targets: &[ReportTarget],
        options: &ReportOptions,
    ) -> Result<Reports, String> {
        let mut open = Vec::new();
        for target in targets {
            let mut options = options.clone();
            options.human.color = false;
            let (out, pending): (Box<dyn Write>, _) = if is_stdout(&target.path) {
                (Box::new(io::BufWriter::new(io::stdout())), None)
            } else {
                let (file, pending) = output::create(&target.path)
                    .map_err(|error| format!("cannot write {}: {error}", target.path.display()))?;
                (Box::new(io::BufWriter::new(file)), Some(pending))
            };
            let reporter = reporter(target.format, out, options);
            open.push(Open { reporter, pending, path: target.path.clone() });
        }
        Ok(Reports { open, failures: Vec::new() })
    }

    pub(super) fn record(&mut self, checked: &Checked) {
        let failures = &mut self.failures;
        self.open.retain_mut(|open| match open.reporter.record(checked) {
            Ok(()) => true,
            Err(error) => {
                failures.extend(failure(&open.path, &error));
                false
            }
        });
    }

    /// Finishes every report and puts its file in place; the messages of
    /// those that could not be written.
    pub(super) fn finish(self, summary: &Summary) -> Result<(), Vec<String>> {
        let mut failures = self.failures;
        for mut open in self.open {
            let finished = open.reporter.finish(summary);
            // The reporter holds the file: it must be closed before the rename.
            drop(open.reporter);
            let committed = finished.and_then(|()| open.pending.map_or(Ok(()), Pending::commit));
            if let Err(error) = committed {
                failures.extend(failure(&open.path, &error));
            }
        }
        if failures.is_empty() { Ok(()) } else { Err(failures) }
    }
}

/// What to say about a report that could not be written; nothing for a
/// closed standard output (`| head`), the reader's choice.
fn failure(path: &Path, error: &io::Error) -> Option<String> {
    match is_stdout(path) {
        true if error.kind() == io::ErrorKind::BrokenPipe => None,
        true => Some(format!("cannot write a report to standard output: {error}")),
        false => Some(format!("cannot write {}: {error}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_name_a_format_and_a_file() {
        let target = parse_target("SARIF=out dir/report.sarif").unwrap();
        assert_eq!((target.format, target.path), (Format::Sarif, "out dir/report.sarif".into()));
        let target = parse_target("markdown=a=b.md").unwrap();
        assert_eq!(target.path, PathBuf::from("a=b.md"));
        assert!(parse_target("sarif").unwrap_err().contains("FORMAT=FILE"));
        assert!(parse_target("sarif=").unwrap_err().contains("standard output"));
        let error = parse_target("xml=a.xml").unwrap_err();
        assert!(error.contains("unknown format 'xml'") && error.contains("markdown"), "{error}");
    }
}
