//! The command line: clap definitions and one module per subcommand.

mod baseline;
mod check;
mod explain;
mod fetch;
mod fix;
mod generate;
mod init;
mod output;
mod progress;
mod reports;
mod rules;
mod select;
mod triage;
mod values;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use sponsorlint::config::Config;

/// Checks sponsored social-media posts for missing or inadequate
/// advertising disclosure.
#[derive(Debug, Parser)]
#[command(name = "sponsorlint", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Which configuration file applies (for check, baseline, rules and explain).
#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Configuration file [default: sponsorlint.yaml or .sponsorlint.yaml
    /// here or in a folder above]
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Use no configuration file
    #[arg(long, global = true)]
    pub no_config: bool,
    /// Raise or lower a size limit: post-text (1MiB), jsonl-line (4MiB),
    /// sheet-part (256MiB) or rule-pack (4MiB), e.g. --limit post-text=4MiB
    #[arg(long = "limit", global = true, value_name = "NAME=SIZE")]
    pub limits: Vec<String>,
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
        #[arg(value_parser = values::RuleIds { categories: false }, hide_possible_values = true)]
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
    /// Record the current findings in a baseline file; `check --baseline`
    /// then reports only new ones
    Baseline(baseline::BaselineArgs),
    /// Fetch published posts from a platform's API as JSONL, to pipe into
    /// `check - --input-format jsonl`
    #[command(subcommand)]
    Fetch(fetch::FetchCommand),
    /// Write a commented starter sponsorlint.yaml in the current folder (or
    /// the `--config` file)
    Init(init::InitArgs),
}

/// Which rule packs to load.
#[derive(Debug, Clone, Args)]
pub struct PackArgs {
    /// Extra rule pack file or folder, or a pinned pack on the web
    /// (https://…/pack.yaml#sha256=HEX) (repeatable)
    #[arg(long = "rules", value_name = "FILE|DIR|URL")]
    pub rules: Vec<PathBuf>,
    /// Do not load the built-in packs
    #[arg(long)]
    pub no_builtin: bool,
}

/// Exit codes: 0 nothing at or above `--fail-on`, 1 findings at or above it, 2 usage or input errors.
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

pub fn run(cli: Cli) -> ExitCode {
    let config = &cli.config;
    let code = match cli.command {
        Command::Check(args) => with_config(config, |config| check::run(args, config)),
        Command::Baseline(args) => with_config(config, |config| baseline::run(args, config)),
        Command::Rules(command) => rules::run(command, config),
        Command::Explain { rule, packs } => {
            with_config(config, |config| explain::run(&rule, &packs, config))
        }
        Command::Init(args) => init::run(&args, config.config.as_deref()),
        Command::Fetch(command) => fetch::run(command),
        Command::Completions { shell } => generate::completions(shell),
        Command::Man { out } => generate::man(out.as_deref()),
    };
    ExitCode::from(code)
}

/// Runs a command that uses the configuration. Only those read it, so a
/// broken file does not stop `init` or `rules test`.
fn with_config(args: &ConfigArgs, command: impl FnOnce(&Config) -> u8) -> u8 {
    match load_config(args) {
        Ok(config) => command(&config),
        Err(code) => code,
    }
}

/// The configuration `--config`/`--no-config` select, or the one found
/// upward from the working directory.
fn load_config(args: &ConfigArgs) -> Result<Config, u8> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut config =
        Config::find(args.config.as_deref(), args.no_config, &cwd).map_err(report_file_error)?;
    for setting in &args.limits {
        if let Err(error) = config.limits.apply(setting) {
            eprintln!("error: --limit: {error}");
            return Err(EXIT_ERROR);
        }
    }
    Ok(config)
}

/// Loads packs — the configuration's, then the command line's on top — and
/// applies the configuration's rule overrides, printing every problem to
/// stderr on failure. `examples`: whether the built-in packs' examples are
/// read.
fn load_rules(
    packs: &PackArgs,
    config: &Config,
    examples: sponsorlint::rules::Examples,
) -> Result<std::sync::Arc<sponsorlint::engine::RuleSet>, u8> {
    load_rules_with(packs, config, examples, None, |_| {})
}

/// [`load_rules`] within a run's `scope`, then `more` on the rules as the
/// configuration has set them (`check --select`).
fn load_rules_with(
    packs: &PackArgs,
    config: &Config,
    examples: sponsorlint::rules::Examples,
    scope: Option<&sponsorlint::packs::RunScope>,
    mut more: impl FnMut(&mut sponsorlint::rules::RuleBook),
) -> Result<std::sync::Arc<sponsorlint::engine::RuleSet>, u8> {
    let builtin = config.builtin_packs && !packs.no_builtin;
    let paths: Vec<PathBuf> = config.pack_paths.iter().chain(&packs.rules).cloned().collect();
    let paths = fetch::remote_packs(paths, &config.remote_packs, config.limits.rule_pack)?;
    sponsorlint::packs::load_with(builtin, examples, &paths, &config.limits, scope, |rules| {
        config.configure_rules(rules)?;
        more(rules);
        Ok(())
    })
    .map_err(|errors| {
        for error in errors {
            report_file_error(error);
        }
        EXIT_ERROR
    })
}

/// Prints a file's problems; the exit code of an invalid file. The source
/// is clipped around each problem: miette panics on columns past 65,535.
fn report_file_error(error: sponsorlint::diag::FileError) -> u8 {
    eprintln!("{:?}", miette::Report::new(sponsorlint::report::Clipped::new(&error)));
    EXIT_ERROR
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
