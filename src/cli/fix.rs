//! `check --fix`, `--unsafe-fixes` and `--diff`: each post with a fix is
//! fixed as it is checked (by `sponsorlint::fix::plan`); at the end each
//! file's fixed texts are written into it, touching nothing else, or shown
//! as a unified diff. A file is only replaced whole, through a temporary
//! file renamed over it, and never when it changed while the run read it.

use std::collections::HashMap;
use std::fs::Metadata;
use std::io::Write as _;
use std::path::Path;
use std::time::SystemTime;

use sponsorlint::engine::Engine;
use sponsorlint::finding::CheckedPost;
use sponsorlint::fix::diff::unified_diff;
use sponsorlint::fix::files::{Layout, Replacement, TextChange, replacements, splice};
use sponsorlint::fix::plan::fix_post;
use sponsorlint::input::{InputFormat, ReadContext, sheet_text};

use super::output;

/// What the run does with the fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Write them into the files (`--fix`, `--unsafe-fixes`).
    Write,
    /// Print them as a diff; write nothing (`--diff`).
    Diff,
}

/// The fixes of a run, gathered file by file in input order.
pub(super) struct Fixer {
    mode: Mode,
    allow_unsafe: bool,
    forced: Option<InputFormat>,
    /// When the run started: a file modified after that changed under it.
    started: SystemTime,
    files: Vec<(String, Vec<TextChange>, usize)>,
    by_path: HashMap<String, usize>,
}

/// What [`Fixer::finish`] did.
pub(super) struct Outcome {
    /// Fixes written (or, with `--diff`, shown).
    pub applied: usize,
    /// Files that could not be fixed, each with why.
    pub failed: Vec<String>,
    /// What was written elsewhere than in place (a workbook's rows), or why
    /// a file is left out of the diff.
    pub notes: Vec<String>,
}

impl Fixer {
    pub(super) fn new(mode: Mode, allow_unsafe: bool, forced: Option<InputFormat>) -> Fixer {
        Fixer {
            mode,
            allow_unsafe,
            forced,
            started: SystemTime::now(),
            files: Vec::new(),
            by_path: HashMap::new(),
        }
    }

    /// Fixes one checked post. With `--fix` the post becomes the fixed one
    /// with what remains of its findings; with `--diff` it stays as checked.
    pub(super) fn fix(&mut self, engine: &Engine, checked: &mut CheckedPost) {
        // A text read from nowhere in the file (a blank cell, a Markdown
        // text from front matter) cannot be written back.
        let origin = &checked.post.origin;
        if origin.text_offset.is_none() && origin.column.is_none() {
            return;
        }
        let candidates = checked.findings.iter().filter_map(|finding| finding.fix.as_ref());
        if !candidates.clone().any(|fix| fix.applies(self.allow_unsafe)) {
            return;
        }
        let fixed = fix_post(engine, checked.clone(), self.allow_unsafe);
        if fixed.changed() {
            let origin = fixed.checked.post.origin.clone();
            let change = TextChange {
                origin,
                old: fixed.original.clone(),
                new: fixed.checked.post.text.clone(),
            };
            let next = self.files.len();
            let index = *self.by_path.entry(change.origin.path.clone()).or_insert(next);
            if index == next {
                self.files.push((change.origin.path.clone(), Vec::new(), 0));
            }
            self.files[index].1.push(change);
            self.files[index].2 += fixed.applied;
        }
        match self.mode {
            Mode::Write => *checked = fixed.checked,
            // Nothing to show, but a finding may say why its fix was not applied.
            Mode::Diff if !fixed.changed() => checked.findings = fixed.checked.findings,
            Mode::Diff => {}
        }
    }

    /// Writes each file's fixes (or prints their diff, in colour with
    /// `color`). `stdin` holds standard input as read, when it was an input:
    /// its fixed form is printed rather than written.
    pub(super) fn finish(self, stdin: Option<&[u8]>, ctx: &ReadContext, color: bool) -> Outcome {
        let mut outcome = Outcome { applied: 0, failed: Vec::new(), notes: Vec::new() };
        let mut stdout = std::io::stdout().lock();
        for (path, changes, applied) in &self.files {
            let result = if path == "-" {
                let input = stdin.unwrap_or_default();
                let layout = self.forced.map_or_else(|| sniffed(input), layout_of);
                self.fix_stream(path, input, layout, changes, &mut stdout, color)
            } else {
                self.fix_file(path, changes, ctx, &mut stdout, color, &mut outcome.notes)
            };
            match result {
                Ok(()) => outcome.applied += applied,
                Err(why) => outcome.failed.push(format!("{path}: {why}")),
            }
        }
        // Standard input without a fix is still printed whole with `--fix`.
        if self.mode == Mode::Write
            && !self.by_path.contains_key("-")
            && let Some(input) = stdin
            && let Err(error) = stdout.write_all(input)
        {
            outcome.failed.push(format!("standard output: {error}"));
        }
        outcome
    }

    fn fix_stream(
        &self,
        path: &str,
        input: &[u8],
        layout: Layout,
        changes: &[TextChange],
        out: &mut impl std::io::Write,
        color: bool,
    ) -> Result<(), String> {
        let replacements = replacements(layout, input, changes)?;
        let written = match self.mode {
            Mode::Write => out.write_all(&splice(input, &replacements)),
            Mode::Diff => {
                out.write_all(colored(&unified_diff(path, input, &replacements), color).as_bytes())
            }
        };
        written.map_err(|error| error.to_string())
    }

    fn fix_file(
        &self,
        path: &str,
        changes: &[TextChange],
        ctx: &ReadContext,
        out: &mut impl std::io::Write,
        color: bool,
        notes: &mut Vec<String>,
    ) -> Result<(), String> {
        let file = Path::new(path);
        let format = self.forced.or_else(|| InputFormat::from_path(file));
        let layout = match format {
            Some(format @ (InputFormat::Xlsx | InputFormat::Ods)) => {
                return self.fix_workbook(file, format, changes, ctx, notes);
            }
            None => return Err("its format is not known".into()),
            Some(format) => layout_of(format),
        };
        let before = std::fs::metadata(file).map_err(|error| error.to_string())?;
        if modified(&before) > Some(self.started) {
            return Err("the file changed during the run; it was not overwritten".into());
        }
        let content = std::fs::read(file).map_err(|error| error.to_string())?;
        let replacements: Vec<Replacement> = replacements(layout, &content, changes)?;
        if self.mode == Mode::Diff {
            let diff = unified_diff(&diff_name(file), &content, &replacements);
            return out.write_all(colored(&diff, color).as_bytes()).map_err(|e| e.to_string());
        }
        let fixed = splice(&content, &replacements);
        let (mut temp, pending) = output::create(file).map_err(|error| error.to_string())?;
        temp.write_all(&fixed).map_err(|error| error.to_string())?;
        drop(temp);
        // The last look before the rename: the file as it was read.
        let now = std::fs::metadata(file).map_err(|error| error.to_string())?;
        if modified(&now) != modified(&before) || now.len() != before.len() {
            return Err("the file changed during the run; it was not overwritten".into());
        }
        pending.commit().map_err(|error| error.to_string())
    }
}

impl Fixer {
    /// A workbook is never rewritten: all the rows of its sheet, texts
    /// fixed, go to `<name>.fixed.csv` beside it.
    fn fix_workbook(
        &self,
        file: &Path,
        format: InputFormat,
        changes: &[TextChange],
        ctx: &ReadContext,
        notes: &mut Vec<String>,
    ) -> Result<(), String> {
        // By the whole name: `a.xlsx` and `a.ods` beside it stay apart.
        let mut name = file.file_name().unwrap_or_default().to_os_string();
        name.push(".fixed.csv");
        let target = file.with_file_name(name);
        if self.mode == Mode::Diff {
            notes.push(format!(
                "{}: a workbook is not shown as a diff; --fix writes its rows to {}",
                file.display(),
                target.display()
            ));
            return Ok(());
        }
        let mut sheet = sheet_text(file, format, ctx)?;
        for change in changes {
            let origin = &change.origin;
            let place = origin.line.zip(origin.column).and_then(|(row, column)| {
                let row = usize::try_from(row.checked_sub(sheet.first_row)?).ok()?;
                let column = usize::try_from(column.checked_sub(sheet.first_column)?).ok()?;
                sheet.rows.get_mut(row)?.get_mut(column)
            });
            match place {
                Some(cell) if *cell == change.old => cell.clone_from(&change.new),
                _ => return Err(format!("{origin}: the cell no longer holds the text checked")),
            }
        }
        let mut csv = csv::Writer::from_writer(Vec::new());
        for row in &sheet.rows {
            csv.write_record(row).map_err(|error| error.to_string())?;
        }
        let bytes = csv.into_inner().map_err(|error| error.to_string())?;
        let (mut temp, pending) = output::create(&target).map_err(|error| error.to_string())?;
        temp.write_all(&bytes).map_err(|error| error.to_string())?;
        drop(temp);
        pending.commit().map_err(|error| error.to_string())?;
        notes.push(format!(
            "{}: a workbook is not rewritten; its rows, fixed, are in {}",
            file.display(),
            target.display()
        ));
        Ok(())
    }
}

/// The file's name in a diff: relative to the working folder where it is
/// inside it, as `git apply` wants; else without its leading `/`.
fn diff_name(file: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let relative = cwd.as_deref().and_then(|cwd| file.strip_prefix(cwd).ok()).unwrap_or(file);
    relative.to_string_lossy().trim_start_matches('/').to_owned()
}

fn modified(meta: &Metadata) -> Option<SystemTime> {
    meta.modified().ok()
}

fn layout_of(format: InputFormat) -> Layout {
    match format {
        InputFormat::Json | InputFormat::Jsonl => Layout::Json,
        InputFormat::Csv => Layout::Delimited(b','),
        InputFormat::Tsv => Layout::Delimited(b'\t'),
        _ => Layout::Verbatim,
    }
}

/// The layout of standard input as its reader sniffs it: JSON when it
/// starts with `{` or `[`, text otherwise.
fn sniffed(input: &[u8]) -> Layout {
    match input.iter().find(|byte| !byte.is_ascii_whitespace()) {
        Some(b'{' | b'[') => Layout::Json,
        _ => Layout::Verbatim,
    }
}

/// A diff in a terminal's colours: removed lines red, added green, hunk
/// headers cyan, file names bold.
fn colored(diff: &str, color: bool) -> String {
    if !color {
        return diff.to_string();
    }
    let mut out = String::with_capacity(diff.len() + 64);
    for line in diff.split_inclusive('\n') {
        let (text, end) = line.strip_suffix('\n').map_or((line, ""), |text| (text, "\n"));
        let code = if text.starts_with("---") || text.starts_with("+++") {
            "1"
        } else if text.starts_with('-') {
            "31"
        } else if text.starts_with('+') {
            "32"
        } else if text.starts_with("@@") {
            "36"
        } else {
            ""
        };
        match code {
            "" => out.push_str(line),
            code => out.push_str(&format!("\x1b[{code}m{text}\x1b[0m{end}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_in_colour_marks_each_kind_of_line_and_keeps_the_text() {
        let diff = "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-old\n+new\n same\n";
        assert_eq!(colored(diff, false), diff);
        let shown = colored(diff, true);
        assert!(shown.contains("\x1b[31m-old\x1b[0m\n\x1b[32m+new\x1b[0m\n same\n"), "{shown:?}");
        assert!(shown.starts_with("\x1b[1m--- a/f\x1b[0m\n\x1b[1m+++ b/f\x1b[0m\n\x1b[36m@@"));
        let plain: String = shown
            .replace("\x1b[0m", "")
            .split("\x1b[")
            .map(|part| part.trim_start_matches(|c: char| c.is_ascii_digit() || c == 'm'))
            .collect();
        assert_eq!(plain, diff);
    }

    #[test]
    fn a_diff_names_files_as_git_apply_wants() {
        assert_eq!(diff_name(Path::new("posts/a.txt")), "posts/a.txt");
        let inside = std::env::current_dir().unwrap().join("posts/a.txt");
        assert_eq!(diff_name(&inside), "posts/a.txt");
        assert_eq!(diff_name(Path::new("/elsewhere/a.txt")), "elsewhere/a.txt");
    }

    #[test]
    fn standard_input_is_json_when_it_starts_like_json() {
        assert_eq!(sniffed(b"  \n{\"text\":1}"), Layout::Json);
        assert_eq!(sniffed(b"[]"), Layout::Json);
        assert_eq!(sniffed(b"hello {"), Layout::Verbatim);
    }
}
