//! The command line: clap definitions and one module per subcommand.

mod check;
mod explain;
mod generate;
mod progress;
mod rules;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Checks sponsored social-media posts for missing or inadequate
/// advertising disclosure.
#[derive(Debug, Parser)]
#[command(name = "sponsorlint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check posts in files, folders (recursive) or `-` (stdin)
    Check(check::CheckArgs),
    /// List or test rules
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// Explain a rule: what it checks, why, its source and examples
    Explain {
        /// A rule id such as `fr/missing-disclosure`
        rule: String,
        #[command(flatten)]
        packs: PackArgs,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the man page, or write one page per subcommand into a folder
    Man {
        /// Folder to write sponsorlint.1, sponsorlint-check.1, … into
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// Which rule packs to load.
#[derive(Debug, Clone, Args)]
pub struct PackArgs {
    /// Extra rule pack file or folder (repeatable)
    #[arg(long = "rules", value_name = "FILE|DIR")]
    pub rules: Vec<PathBuf>,
    /// Do not load the built-in packs
    #[arg(long)]
    pub no_builtin: bool,
}

/// Exit codes of DESIGN.md.
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Rules(command) => rules::run(command),
        Command::Explain { rule, packs } => explain::run(&rule, &packs),
        Command::Completions { shell } => generate::completions(shell),
        Command::Man { out } => generate::man(out.as_deref()),
    };
    ExitCode::from(code)
}

/// Loads packs, printing every pack problem to stderr on failure.
fn load_rules(packs: &PackArgs) -> Result<std::sync::Arc<crate::rules::RuleSet>, u8> {
    crate::rules::load(!packs.no_builtin, &packs.rules).map_err(|errors| {
        for error in errors {
            eprintln!("{:?}", miette::Report::new(error));
        }
        EXIT_ERROR
    })
}

/// Writes a command's whole output; a closed pipe is not an error.
fn write_stdout(text: &str) -> u8 {
    use std::io::Write as _;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(error) => output_failed(&error),
    }
}

fn output_failed(error: &std::io::Error) -> u8 {
    // A closed pipe (`| head`) is the reader's choice, not our failure.
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        return 0;
    }
    eprintln!("error: cannot write the report: {error}");
    EXIT_ERROR
}
