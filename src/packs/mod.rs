//! Rule packs ready for a run: gathered, validated into a rule book,
//! configured, compiled by the engine, and (for packs the user brought)
//! proven by their own examples. Also the coverage table of the loaded
//! packs. This sits above the engine because proving examples runs it.

pub mod coverage;
pub mod selftest;

use std::path::PathBuf;
use std::sync::Arc;

use crate::diag::FileError;
use crate::engine::RuleSet;
use crate::limits::Limits;
use crate::rules::{self, RuleBook};

/// Gathers and compiles packs, without running any examples.
pub fn compile_gathered(builtin: bool, paths: &[PathBuf]) -> Result<Arc<RuleSet>, Vec<FileError>> {
    compile_configured(builtin, paths, &Limits::default(), |_| Ok(())).map(Arc::new)
}

/// Loads packs for checking: the non-built-in packs' examples must pass
/// (the built-in ones are proven by the test suite and `rules test`).
pub fn load(builtin: bool, paths: &[PathBuf]) -> Result<Arc<RuleSet>, Vec<FileError>> {
    load_with(builtin, paths, &Limits::default(), |_| Ok(()))
}

/// [`load`], letting `configure` change rules (turn them off, change their
/// severity) before the set is shared. Turned-off rules skip their examples.
pub fn load_with(
    builtin: bool,
    paths: &[PathBuf],
    limits: &Limits,
    configure: impl FnOnce(&mut RuleBook) -> Result<(), FileError>,
) -> Result<Arc<RuleSet>, Vec<FileError>> {
    let rules = Arc::new(compile_configured(builtin, paths, limits, configure)?);
    let report = selftest::run(rules.clone(), |pack| !pack.origin.builtin);
    if report.failures.is_empty() { Ok(rules) } else { Err(report.failures) }
}

fn compile_configured(
    builtin: bool,
    paths: &[PathBuf],
    limits: &Limits,
    configure: impl FnOnce(&mut RuleBook) -> Result<(), FileError>,
) -> Result<RuleSet, Vec<FileError>> {
    let groups = rules::builtin_market_groups().map_err(|error| vec![error])?;
    let (book, problems) = rules::compile(rules::gather(builtin, paths, limits.rule_pack)?, groups);
    let mut rules = RuleSet::compile(book, problems)?;
    configure(rules.book_mut()).map_err(|error| vec![error])?;
    Ok(rules)
}
