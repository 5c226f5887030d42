//! The suppressions and baseline of a `check` or `baseline` run: loading
//! them (`--baseline` over the configuration's `baseline:`), and what is
//! left at the end — notes, and the baseline file being recorded.

use std::path::Path;

use super::{EXIT_ERROR, report_file_error};
use sponsorlint::config::Config;
use sponsorlint::engine::RuleSet;
use sponsorlint::report::Summary;
use sponsorlint::triage::{Baseline, BaselineUse, Date, Suppressions, Triage};

/// The filter for a run; `recording` ignores any baseline and records one.
pub(super) fn prepare(
    baseline: Option<&Path>,
    config: &Config,
    rules: &RuleSet,
    recording: bool,
) -> Result<Triage, u8> {
    let suppressions = match &config.suppressions {
        Some(path) => {
            Some(Suppressions::load(path, rules, Date::today()).map_err(report_file_error)?)
        }
        None => None,
    };
    let baseline = match baseline.or(config.baseline.as_deref()) {
        _ if recording => BaselineUse::Record(Baseline::default()),
        Some(path) => BaselineUse::Filter(Baseline::load(path).map_err(report_file_error)?),
        None => BaselineUse::None,
    };
    Ok(Triage::new(suppressions, baseline))
}

/// Counts what was hidden into the summary, prints the notes with
/// `verbose`, and writes the baseline to `record_to`.
pub(super) fn conclude(
    triage: Triage,
    summary: &mut Summary,
    verbose: bool,
    record_to: Option<&Path>,
) -> Result<(), u8> {
    let leftovers = triage.finish(summary);
    if verbose {
        for note in &leftovers.notes {
            eprintln!("note: {note}");
        }
    }
    if let (Some(path), Some(baseline)) = (record_to, leftovers.recorded) {
        if let Err(error) = super::output::write_file(path, baseline.to_json().as_bytes()) {
            eprintln!("error: cannot write {}: {error}", path.display());
            return Err(EXIT_ERROR);
        }
        eprintln!("recorded {} findings in {}", baseline.count(), path.display());
    }
    Ok(())
}
