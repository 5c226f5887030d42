//! Triage: what happens to a checked post between the engine and the
//! reporters. Suppressions remove accepted findings (and report expired
//! ones), then a baseline removes the findings it recorded — or, when
//! recording one, collects them. Posts must pass through in input order, so
//! a baseline's counts are used up the same way on every run.

pub mod baseline;
pub mod date;
pub mod suppress;

pub use baseline::Baseline;
pub use date::Date;
pub use suppress::{EXPIRED_RULE, Suppressions};

use crate::finding::CheckedPost;
use crate::report::Summary;

/// What a run does with a baseline.
#[derive(Debug, Default)]
pub enum BaselineUse {
    #[default]
    None,
    /// Report only findings it does not absorb.
    Filter(Baseline),
    /// Record every finding that survives the suppressions.
    Record(Baseline),
}

/// The filter every checked post goes through before it is reported.
#[derive(Debug, Default)]
pub struct Triage {
    suppressions: Option<Suppressions>,
    baseline: BaselineUse,
    suppressed: usize,
    baselined: usize,
}

/// What is left once every post went through.
#[derive(Debug)]
pub struct Leftovers {
    /// Suppressions that did nothing, and baseline findings that no longer
    /// occur: worth a note with `--verbose`.
    pub notes: Vec<String>,
    /// The baseline to write, when recording.
    pub recorded: Option<Baseline>,
}

impl Triage {
    pub fn new(suppressions: Option<Suppressions>, baseline: BaselineUse) -> Triage {
        Triage { suppressions, baseline, ..Triage::default() }
    }

    /// Filters one post's findings, in input order.
    pub fn apply(&mut self, checked: &mut CheckedPost) {
        if let Some(suppressions) = &mut self.suppressions {
            self.suppressed += suppressions.apply(checked);
        }
        match &mut self.baseline {
            BaselineUse::None => {}
            BaselineUse::Filter(baseline) => self.baselined += baseline.absorb(checked),
            BaselineUse::Record(baseline) => baseline.record(checked),
        }
    }

    /// Puts the counts in the summary and hands back what is left.
    pub fn finish(self, summary: &mut Summary) -> Leftovers {
        summary.suppressed = self.suppressed;
        summary.baselined = self.baselined;
        let mut notes = self.suppressions.as_ref().map(Suppressions::unused).unwrap_or_default();
        let mut recorded = None;
        match self.baseline {
            BaselineUse::Filter(baseline) if baseline.count() > 0 => notes.push(format!(
                "{} baseline findings no longer occur; record the baseline again to drop them",
                baseline.count()
            )),
            BaselineUse::Record(baseline) => recorded = Some(baseline),
            _ => {}
        }
        Leftovers { notes, recorded }
    }
}
