//! `sponsorlint check`: read posts, check them, report, and map the results
//! to an exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;

use super::{EXIT_ERROR, EXIT_FINDINGS, PackArgs, load_rules};
use crate::engine::Engine;
use crate::finding::{Checked, Severity};
use crate::input::{ColumnMapping, Defaults, InputFormat, ReadContext, read_inputs};
use crate::post::{Media, Platform, Relationship};
use crate::report::{Format, HumanOptions, Summary, reporter};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files, folders (recursive) or `-` for stdin
    #[arg(value_name = "PATH|-", required = true)]
    pub paths: Vec<PathBuf>,
    /// Market(s) for posts that do not say: ISO codes or groups (FR,DE or EU)
    #[arg(long, value_name = "CC[,CC]", value_delimiter = ',')]
    pub country: Vec<String>,
    /// Platform for posts that do not say
    #[arg(long, value_name = "P")]
    pub platform: Option<Platform>,
    /// Creator–brand relationship for posts that do not say
    #[arg(long, value_name = "R")]
    pub relationship: Option<Relationship>,
    /// Media type for posts that do not say
    #[arg(long, value_name = "M")]
    pub media: Option<Media>,
    /// Language (BCP 47) for posts that do not say; detected otherwise
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
    /// Output format
    #[arg(long, default_value = "human", value_name = "FORMAT")]
    pub format: Format,
    /// Write the report to FILE instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1
    #[arg(long, default_value = "error", value_name = "LEVEL")]
    pub fail_on: Severity,
    /// Input format, overriding the file extension (needed for some stdin)
    #[arg(long, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,
    /// CSV/sheet column holding a post key: text=Caption,country=Market (repeatable)
    #[arg(long, value_name = "KEY=COLUMN", value_delimiter = ',')]
    pub map: Vec<ColumnMapping>,
    /// Sheet of XLSX/ODS workbooks to read (default: the first)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Print only the summary (human format)
    #[arg(long, short)]
    pub quiet: bool,
    /// Never show a progress bar
    #[arg(long)]
    pub no_progress: bool,
    /// Also say which files were skipped and why
    #[arg(long, short)]
    pub verbose: bool,
    #[command(flatten)]
    pub packs: PackArgs,
}

pub fn run(args: CheckArgs) -> u8 {
    let rules = match load_rules(&args.packs) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let mut markets = Vec::new();
    for code in &args.country {
        match rules.groups.resolve(code) {
            Ok(found) => markets.extend(found),
            Err(error) => {
                eprintln!("error: --country: {error}");
                return EXIT_ERROR;
            }
        }
    }
    markets.dedup();
    let context = ReadContext {
        defaults: Defaults {
            markets,
            platform: args.platform,
            relationship: args.relationship,
            media: args.media,
            language: args.language.clone(),
        },
        groups: rules.groups.clone(),
        columns: args.map.iter().cloned().collect(),
        sheet: args.sheet.clone(),
    };

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let out: Box<dyn Write> = match &args.output {
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Box::new(std::io::BufWriter::new(file)),
            Err(error) => {
                eprintln!("error: cannot write {}: {error}", path.display());
                return EXIT_ERROR;
            }
        },
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let options = HumanOptions {
        color: to_terminal && colour_allowed(),
        quiet: args.quiet,
        width: terminal_width(),
    };
    let mut report = reporter(args.format, out, options);

    let engine = Engine::new(rules);
    let mut summary = Summary::default();
    let mut worst = None;
    let verbose = args.verbose;
    let mut on_note = |note: String| {
        if verbose {
            eprintln!("note: {note}");
        }
    };
    for record in read_inputs(&args.paths, args.input_format, &context, &mut on_note) {
        let checked = match record {
            Ok(post) => Checked::Post(Box::new(engine.check(post))),
            Err(error) => Checked::Error(error),
        };
        if let Checked::Post(post) = &checked {
            worst = worst.max(post.findings.iter().map(|finding| finding.severity).max());
        }
        summary.add(&checked);
        if let Err(error) = report.record(&checked) {
            return super::output_failed(&error);
        }
    }
    if let Err(error) = report.finish(&summary) {
        return super::output_failed(&error);
    }
    if summary.error > 0 {
        EXIT_ERROR
    } else if worst.is_some_and(|worst| worst >= args.fail_on) {
        EXIT_FINDINGS
    } else {
        0
    }
}

/// `NO_COLOR` (any non-empty value) turns colour off: https://no-color.org
fn colour_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|columns| columns.parse().ok()).unwrap_or(100)
}
