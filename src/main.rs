//! The `sponsorlint` command: parses arguments, runs the subcommand and
//! turns its result into the exit code. The command-line layer lives here,
//! in the binary, not in the library.

mod cli;

use std::process::ExitCode;

use clap::Parser;
use cli::{Cli, run};

fn main() -> ExitCode {
    run(Cli::parse())
}
