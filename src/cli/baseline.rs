//! `sponsorlint baseline FILE PATHS...`: run a check and record its
//! findings in FILE, so that `check --baseline FILE` reports only new ones.

use std::path::PathBuf;

use clap::Args;

use super::check::{CheckArgs, run_checks};
use super::{EXIT_ERROR, EXIT_FINDINGS};
use sponsorlint::config::Config;

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// The baseline file to write (JSON)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub check: CheckArgs,
}

pub fn run(args: BaselineArgs, config: &Config) -> u8 {
    if args.check.baseline.is_some() {
        eprintln!(
            "error: --baseline filters a check; `sponsorlint baseline` records every finding"
        );
        return EXIT_ERROR;
    }
    if args.check.fix || args.check.unsafe_fixes || args.check.diff {
        eprintln!("error: `sponsorlint baseline` records findings; fix posts with `check --fix`");
        return EXIT_ERROR;
    }
    match run_checks(args.check, config, Some(&args.file)) {
        // Recording the findings is the point: they do not fail the command.
        EXIT_FINDINGS => 0,
        code => code,
    }
}
