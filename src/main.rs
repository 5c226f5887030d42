use std::process::ExitCode;

use clap::Parser;
use sponsorlint::cli::{Cli, run};

fn main() -> ExitCode {
    run(Cli::parse())
}
