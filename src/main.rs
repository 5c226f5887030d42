//! The `sponsorlint` command: parses arguments, runs the subcommand and
//! turns its result into the exit code. The command-line layer lives here,
//! in the binary, not in the library.

mod cli;

use std::process::ExitCode;

use clap::Parser;
use cli::{Cli, run};

/// jemalloc: with glibc's malloc, the checking threads and the writing
/// thread contend for its arenas (a checked post is freed on another
/// thread than the one that made it); see BENCHMARKS.md.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    run(Cli::parse())
}
