//! `sponsorlint check`: read posts, check them, report, and map the results
//! to an exit code.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::fix::{Fixer, Mode};
use super::output::{self, Reads};
use super::progress::Progress;
use super::reports::{ReportTarget, Reports, parse_target};
use super::values::{RuleIds, one_of};
use super::{EXIT_ERROR, EXIT_FINDINGS, PackArgs, load_rules_with};
use sponsorlint::batch::{Jobs, check_records};
use sponsorlint::config::Config;
use sponsorlint::engine::Engine;
use sponsorlint::engine::RuleSet;
use sponsorlint::finding::{Checked, RecordError, Severity};
use sponsorlint::input::{
    ColumnMapping, Defaults, InputFormat, Notices, RawRecord, ReadContext, input_sizes,
    read_inputs, read_stream,
};
use sponsorlint::packs::RunScope;
use sponsorlint::post::{Market, MarketGroups, Media, Platform, Relationship, UnknownValue};
use sponsorlint::report::{
    Format, HumanOptions, ReportOptions, RuleCatalogue, RuleInfo, RunInfo, Summary, reporter,
};
use sponsorlint::rules::{Rule, Status, builtin_market_groups};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files, folders (recursive) or `-` for stdin
    #[arg(value_name = "PATH|-", required = true)]
    pub paths: Vec<PathBuf>,
    /// Market(s) for posts that do not say: ISO codes or groups (FR,DE or EU)
    #[arg(long, value_name = "CC[,CC]", value_delimiter = ',')]
    pub country: Vec<String>,
    /// Platform for posts that do not say
    #[arg(long, value_name = "P", value_parser = one_of::<Platform>())]
    pub platform: Option<Platform>,
    /// Creator–brand relationship for posts that do not say
    #[arg(long, value_name = "R", value_parser = one_of::<Relationship>())]
    pub relationship: Option<Relationship>,
    /// Media type for posts that do not say
    #[arg(long, value_name = "M", value_parser = one_of::<Media>())]
    pub media: Option<Media>,
    /// Language (BCP 47) for posts that do not say; detected otherwise
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
    /// Output format
    #[arg(long, default_value = "human", value_name = "FORMAT", value_parser = one_of::<Format>())]
    pub format: Format,
    /// Write the report to FILE instead of stdout
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write a report in FORMAT to FILE (`-`: stdout) from the same
    /// run, e.g. --report sarif=out.sarif --report markdown=summary.md
    /// (repeatable)
    #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_target)]
    pub reports: Vec<ReportTarget>,
    /// Check only these rules: ids or categories (comma-separated, repeatable)
    #[arg(
        long,
        value_name = "ID|CATEGORY",
        value_delimiter = ',',
        value_parser = RuleIds { categories: true },
        hide_possible_values = true
    )]
    pub select: Vec<String>,
    /// Do not check these rules: ids or categories (comma-separated, repeatable)
    #[arg(
        long,
        value_name = "ID|CATEGORY",
        value_delimiter = ',',
        value_parser = RuleIds { categories: true },
        hide_possible_values = true
    )]
    pub ignore: Vec<String>,
    /// Lowest severity that makes the exit code 1 [default: error]
    #[arg(long, value_name = "LEVEL", value_parser = one_of::<Severity>())]
    pub fail_on: Option<Severity>,
    /// Exit 0 whenever the run completes, findings and unreadable records
    /// included (for pipes: Spark's `RDD.pipe`, Hadoop Streaming, Beam);
    /// usage errors and invalid configuration or packs still exit 2
    #[arg(long)]
    pub exit_zero: bool,
    /// Input format, overriding the file extension
    #[arg(long, value_name = "FORMAT", value_parser = one_of::<InputFormat>())]
    pub input_format: Option<InputFormat>,
    /// CSV/sheet column holding a post key: text=Caption,country=Market (repeatable)
    #[arg(long, value_name = "KEY=COLUMN", value_delimiter = ',')]
    pub map: Vec<ColumnMapping>,
    /// Sheet of XLSX/ODS workbooks to read (default: the first)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Row of CSV files and sheets that holds the header, counted from 1
    /// (default: the first that reads as one, below any title block)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub header_row: Option<u64>,
    /// Print only the summary line (human format)
    #[arg(long, short)]
    pub quiet: bool,
    /// Also list passing posts (csv format: a row with severity `pass`)
    #[arg(long)]
    pub all: bool,
    /// Never show a progress bar
    #[arg(long)]
    pub no_progress: bool,
    /// Colour in the human report: auto (on a terminal, unless NO_COLOR is
    /// set), always or never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Threads that check posts (0 = one per core, at most 4 per core); output order is kept
    #[arg(long, short, default_value_t = 0, value_name = "N")]
    pub jobs: usize,
    /// Also say which files were skipped and why, and which suppressions
    /// and baseline findings matched nothing
    #[arg(long, short)]
    pub verbose: bool,
    /// Report only findings not recorded in this baseline file
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Walk folders without regard to `.gitignore`, `.ignore` and git's
    /// excludes (hidden files are skipped all the same)
    #[arg(long)]
    pub no_ignore: bool,
    /// Apply the configuration's `files` globs (default: posts/**,
    /// drafts/**, content/**, _posts/**, _drafts/**) to files named on the
    /// command line too, skipping the others (for pre-commit and editors)
    #[arg(long)]
    pub force_exclude: bool,
    /// Apply the safe fixes to the files (stdin: print the fixed input, the report on stderr)
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Also apply the unsafe fixes, which rewrite the author's words (implies --fix)
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff (the report on stderr) and write nothing
    #[arg(long)]
    pub diff: bool,
    #[command(flatten)]
    pub packs: PackArgs,
}

pub fn run(args: CheckArgs, config: &Config) -> u8 {
    run_checks(args, config, None)
}

/// `check`; with `record_to`, the `baseline` command, which records the
/// findings in that file instead of filtering them through a baseline.
pub(super) fn run_checks(args: CheckArgs, config: &Config, record_to: Option<&Path>) -> u8 {
    if let Err(message) = refuse_overwrites(&args, config, record_to) {
        eprintln!("error: {message}");
        return EXIT_ERROR;
    }
    // The packs are read with the built-in market groups, so posts are too.
    let groups = match builtin_market_groups() {
        Ok(groups) => groups,
        Err(error) => return super::report_file_error(error),
    };
    let markets = match countries(&args.country, &groups) {
        Ok(markets) => markets,
        Err(error) => {
            eprintln!("error: --country: {error}");
            return EXIT_ERROR;
        }
    };
    let context = ReadContext {
        defaults: config.fill_defaults(Defaults {
            markets,
            platform: args.platform,
            relationship: args.relationship,
            media: args.media,
            language: args.language.clone(),
            brands: Vec::new(),
        }),
        groups,
        limits: config.limits,
        // The command line's mappings win over the config file's.
        columns: {
            let mut columns = config.columns.clone();
            columns.extend(args.map.iter().cloned());
            columns
        },
        sheet: args.sheet.clone(),
        header_row: args.header_row.or(config.header_row),
        // Said whatever the format: a guess made while reading is the
        // user's to confirm.
        notices: Notices::new(|notice| eprintln!("{notice}")),
        no_ignore: args.no_ignore,
        files: {
            let mut files = config.files.clone();
            files.force = args.force_exclude;
            files
        },
    };
    let mut unknown = Vec::new();
    let examples = sponsorlint::rules::Examples::Skip;
    let scope = run_scope(&args, config, &context);
    let rules = match load_rules_with(&args.packs, config, examples, scope.as_ref(), |book| {
        unknown = super::select::apply(book, &args.select, &args.ignore);
    }) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    if !unknown.is_empty() {
        for message in unknown {
            eprintln!("error: {message}");
        }
        return EXIT_ERROR;
    }
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(Severity::Error);
    let mut triage =
        match super::triage::prepare(args.baseline.as_deref(), config, &rules, record_to.is_some())
        {
            Ok(triage) => triage,
            Err(code) => return code,
        };

    let mut fixer =
        fix_mode(&args).map(|mode| Fixer::new(mode, args.unsafe_fixes, args.input_format));
    let stdin = match read_stdin_to_fix(&args, fixer.is_some()) {
        Ok(stdin) => stdin,
        Err(code) => return code,
    };
    // With `--diff`, or fixing stdin, stdout carries the fixed text.
    let report_to_stderr =
        args.output.is_none() && (args.diff || stdin.is_some() && fixer.is_some());
    let to_terminal = args.output.is_none()
        && if report_to_stderr {
            std::io::stderr().is_terminal()
        } else {
            std::io::stdout().is_terminal()
        };
    // A report file is written beside its place and renamed into it at the
    // end, so a run cut short leaves the old one whole.
    let (out, pending): (Box<dyn Write>, _) = match &args.output {
        Some(path) => match output::create(path) {
            Ok((file, pending)) => (Box::new(std::io::BufWriter::new(file)), Some(pending)),
            Err(error) => {
                eprintln!("error: cannot write {}: {error}", path.display());
                return EXIT_ERROR;
            }
        },
        None if report_to_stderr => (Box::new(std::io::BufWriter::new(std::io::stderr())), None),
        None => (Box::new(std::io::BufWriter::new(std::io::stdout().lock())), None),
    };
    let options = ReportOptions {
        human: HumanOptions {
            color: match args.color {
                ColorChoice::Auto => to_terminal && colour_allowed(),
                ColorChoice::Always => true,
                ColorChoice::Never => false,
            },
            quiet: args.quiet,
            width: terminal_width(),
        },
        all_posts: args.all,
        // Only SARIF describes the rules: a catalogue of every rule was a
        // tenth of the memory a one-post check touched.
        rules: if output_formats(&args).any(|format| format == Format::Sarif) {
            rule_catalogue(&rules)
        } else {
            RuleCatalogue::default()
        },
        base_dir: std::env::current_dir().ok(),
        run: run_info(&rules, &args.paths),
    };
    let mut reports = match Reports::open(&args.reports, &options) {
        Ok(reports) => reports,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_ERROR;
        }
    };
    let mut report = reporter(args.format, out, options);

    // The rules and the matcher live until the process exits, which frees
    // them at no cost: dropping them took a twentieth of a one-post check.
    let engine = std::mem::ManuallyDrop::new(Engine::new(rules));
    let mut summary = Summary::default();
    let mut worst = None;
    let verbose = args.verbose;
    let mut on_note = |note: String| {
        if verbose {
            eprintln!("note: {note}");
        }
    };
    let mut progress = Progress::new(!args.quiet && !args.no_progress, || {
        input_sizes(&args.paths, args.no_ignore)
    });
    let records: Box<dyn Iterator<Item = RawRecord>> = match &stdin {
        Some(input) => Box::new(
            read_stream(input.as_slice(), "-".to_owned(), args.input_format, &context)
                .map(RawRecord::from),
        ),
        None => Box::new(read_inputs(&args.paths, args.input_format, &context, &mut on_note)),
    };
    // Triage runs here, in input order, so baseline counts are used up the
    // same way on every run whatever the number of jobs.
    let jobs = Jobs::new(args.jobs);
    if jobs.get() < args.jobs {
        eprintln!(
            "note: --jobs {} is more than {} threads per core; using {}",
            args.jobs,
            Jobs::PER_CORE,
            jobs.get()
        );
    }
    let render = report.render();
    let triage_one = |checked: &mut Checked| {
        if let Some(scope) = &scope {
            outside_scope(checked, scope);
        }
        if let Checked::Post(post) = checked {
            if let Some(fixer) = &mut fixer {
                fixer.fix(&engine, post);
            }
            triage.apply(post);
        }
    };
    let render_one = |checked: &Checked| render.map(|render| render(checked));
    let checked_all = check_records(
        &engine,
        records,
        &context,
        jobs,
        triage_one,
        render_one,
        |checked, rendered| {
            if let Some(progress) = &mut progress {
                progress.advance(&checked);
            }
            if let Checked::Post(post) = &checked {
                worst = worst.max(post.findings.iter().map(|finding| finding.severity).max());
            }
            summary.add(&checked);
            reports.record(&checked);
            match rendered {
                Some(rendered) => report.record_rendered(rendered),
                None => report.record(&checked),
            }
        },
    );
    if let Some(progress) = progress {
        progress.finish();
    }
    // The exit code the findings so far call for.
    let exit_zero = args.exit_zero;
    let exit_code = |summary: &Summary| {
        if exit_zero {
            0
        } else if summary.error > 0 {
            EXIT_ERROR
        } else if worst.is_some_and(|worst| worst >= fail_on) {
            EXIT_FINDINGS
        } else {
            0
        }
    };
    // A closed pipe (`| head`) ends the run: the reader has seen enough,
    // but what was found so far still sets the exit code.
    let closed = |error: &std::io::Error, summary: &Summary| {
        if error.kind() != std::io::ErrorKind::BrokenPipe {
            return super::output_failed(error);
        }
        if record_to.is_some() {
            eprintln!("error: the report was closed before the end; no baseline was recorded");
            return EXIT_ERROR;
        }
        exit_code(summary)
    };
    if let Err(error) = checked_all {
        return closed(&error, &summary);
    }
    if let Err(code) = super::triage::conclude(triage, &mut summary, verbose, record_to) {
        return code;
    }
    if let Err(error) = report.finish(&summary) {
        return closed(&error, &summary);
    }
    drop(report);
    if let (Some(path), Some(pending)) = (&args.output, pending)
        && let Err(error) = pending.commit()
    {
        eprintln!("error: cannot write {}: {error}", path.display());
        return EXIT_ERROR;
    }
    if let Err(failures) = reports.finish(&summary) {
        for failure in failures {
            eprintln!("error: {failure}");
        }
        return EXIT_ERROR;
    }
    if summary.posts == 0 {
        eprintln!("note: no posts in {}", inputs_named(&args.paths));
    }
    if let Some(fixer) = fixer {
        let color = match args.color {
            ColorChoice::Auto => std::io::stdout().is_terminal() && colour_allowed(),
            ColorChoice::Always => true,
            ColorChoice::Never => false,
        };
        let outcome = fixer.finish(stdin.as_deref(), &context, color);
        let remaining: usize = summary.findings_by_category.values().sum();
        let (verb, count) = match args.diff {
            true => ("would be applied", outcome.applied),
            false => ("applied", outcome.applied),
        };
        eprintln!(
            "{count} {} {verb}, {remaining} {} {}",
            plural(count, "fix", "fixes"),
            plural(remaining, "finding", "findings"),
            match (args.diff, remaining) {
                (true, _) => "found",
                (false, 1) => "remains",
                (false, _) => "remain",
            },
        );
        for note in &outcome.notes {
            eprintln!("note: {note}");
        }
        for failure in &outcome.failed {
            eprintln!("error: not fixed: {failure}");
        }
        if !outcome.failed.is_empty() {
            return EXIT_ERROR;
        }
    }
    exit_code(&summary)
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}

/// What the run does with fixes, if anything.
fn fix_mode(args: &CheckArgs) -> Option<Mode> {
    if args.diff {
        Some(Mode::Diff)
    } else if args.fix || args.unsafe_fixes {
        Some(Mode::Write)
    } else {
        None
    }
}

/// Standard input, read whole, when the run fixes it: its fixed form is
/// printed at the end. It must then be the only input.
fn read_stdin_to_fix(args: &CheckArgs, fixing: bool) -> Result<Option<Vec<u8>>, u8> {
    use std::io::Read as _;
    /// Standard input is held whole to print it fixed: at most this much.
    const MAX_STDIN: u64 = 256 << 20;
    if !fixing || !args.paths.iter().any(|path| path.as_os_str() == "-") {
        return Ok(None);
    }
    if args.paths.len() > 1 {
        eprintln!("error: with --fix or --diff, `-` (standard input) must be the only input");
        return Err(EXIT_ERROR);
    }
    let mut input = Vec::new();
    match std::io::stdin().lock().take(MAX_STDIN + 1).read_to_end(&mut input) {
        Ok(_) if input.len() as u64 > MAX_STDIN => {
            eprintln!("error: standard input is over 256 MiB; fix a file instead");
            Err(EXIT_ERROR)
        }
        Ok(_) => Ok(Some(input)),
        Err(error) => {
            eprintln!("error: cannot read standard input: {error}");
            Err(EXIT_ERROR)
        }
    }
}

/// The inputs as a sentence names them: `standard input`, `drafts/, a.csv`.
fn inputs_named(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths
        .iter()
        .map(|path| match path.as_os_str() == "-" {
            true => "standard input".to_owned(),
            false => path.display().to_string(),
        })
        .collect();
    names.join(", ")
}

/// A usage error when the run would write over what it reads: `--output`,
/// or the baseline being recorded, is an input, a file an input folder
/// would read, a rule pack, the configuration, the suppressions or the
/// baseline; or the baseline to record replaces a file that is not one.
fn refuse_overwrites(
    args: &CheckArgs,
    config: &Config,
    record_to: Option<&Path>,
) -> Result<(), String> {
    let reads = Reads {
        inputs: &args.paths,
        packs: config.pack_paths.iter().chain(&args.packs.rules).map(PathBuf::as_path).collect(),
        config,
        baseline: if record_to.is_some() { None } else { args.baseline.as_deref() },
    };
    if let Some(output) = &args.output {
        output::refuse_overwrite("--output", output, &reads)?;
    }
    let stdout_taken = args.output.is_none()
        || args.diff
        || fix_mode(args).is_some() && args.paths.iter().any(|path| path.as_os_str() == "-");
    let others: Vec<&Path> = args.output.iter().map(PathBuf::as_path).chain(record_to).collect();
    super::reports::refuse_clashes(&args.reports, &others, stdout_taken, &reads)?;
    if let Some(baseline) = record_to {
        output::refuse_overwrite("the baseline file", baseline, &reads)?;
        if args.output.as_deref().is_some_and(|output| output::same_place(output, baseline)) {
            return Err(format!(
                "--output {} is the baseline file being recorded; choose another file",
                baseline.display()
            ));
        }
        if !output::is_baseline_or_absent(baseline) {
            return Err(format!(
                "{} exists and is not a baseline file; the baseline file comes first: `sponsorlint baseline FILE PATHS...` (to replace that file anyway, delete it first)",
                baseline.display()
            ));
        }
    }
    Ok(())
}

/// When the human report is in colour (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `NO_COLOR` (any non-empty value) turns colour off: https://no-color.org
fn colour_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|columns| columns.parse().ok()).unwrap_or(100)
}

/// The markets `--country` names (ISO codes or groups such as `EU`).
fn countries(codes: &[String], groups: &MarketGroups) -> Result<Vec<Market>, UnknownValue> {
    let mut markets = Vec::new();
    for code in codes {
        markets.extend_from_slice(&groups.resolve(code)?);
    }
    markets.dedup();
    Ok(markets)
}

/// The format of standard output and of every `--report` file.
fn output_formats(args: &CheckArgs) -> impl Iterator<Item = Format> + '_ {
    std::iter::once(args.format).chain(args.reports.iter().map(|target| target.format))
}

/// The markets of every post, when the run can know them before it reads
/// the packs: each input is a file of one post, a draft or a video's
/// subtitles, read once now (within the post-text limit) for its markets:
/// the `--country` or configured ones, or those a Markdown draft's front
/// matter names. The run then reads only the built-in packs of those
/// markets: half of a one-draft check's start-up (the pre-commit case).
/// Not when the user brings packs (their examples may be of any market),
/// selects rules, suppresses findings by rule, or asks for a report that
/// lists the packs or rules it loaded (SARIF, HTML); nor when a file cannot
/// be read as a post or names no market.
fn run_scope(args: &CheckArgs, config: &Config, context: &ReadContext) -> Option<RunScope> {
    let one_post_files = !args.paths.is_empty()
        && args.paths.iter().all(|path| {
            let format = args.input_format.or_else(|| InputFormat::from_path(path));
            path.is_file() && format.is_some_and(InputFormat::holds_one_post)
        });
    let own_packs = !args.packs.rules.is_empty()
        || !config.pack_paths.is_empty()
        || !config.remote_packs.is_empty();
    let lists_rules =
        output_formats(args).any(|format| matches!(format, Format::Sarif | Format::Html));
    let selects = !args.select.is_empty() || !args.ignore.is_empty();
    if !one_post_files || own_packs || lists_rules || selects || config.suppressions.is_some() {
        return None;
    }
    // Read as the run will read them, without saying twice what reading says.
    let quiet = ReadContext { notices: Notices::default(), ..context.clone() };
    let mut markets: Vec<Market> = Vec::new();
    for record in read_inputs(&args.paths, args.input_format, &quiet, &mut |_| {}) {
        let post = record.parse(&quiet).ok()?;
        if post.markets.is_empty() {
            return None;
        }
        for market in post.markets {
            if !markets.contains(&market) {
                markets.push(market);
            }
        }
    }
    // The packs of the rules the configuration turns off or changes.
    let packs = config.rule_overrides.iter().filter_map(|wanted| wanted.rule.split_once('/'));
    let packs = packs.map(|(pack, _)| pack.to_owned()).collect();
    (!markets.is_empty()).then_some(RunScope { markets, packs })
}

/// A post whose markets the run's packs were not read for (its draft
/// changed after it was first read) becomes an error record rather than
/// a verdict missing those markets' rules.
fn outside_scope(checked: &mut Checked, scope: &RunScope) {
    let Checked::Post(post) = checked else { return };
    let post = &post.post;
    if post.markets.iter().all(|market| scope.markets.contains(market)) {
        return;
    }
    *checked = Checked::Error(RecordError {
        origin: Box::new(post.origin.clone()),
        id: post.id.clone(),
        message: "the file changed while it was being checked (it now names other markets); \
                  check it again"
            .to_owned(),
    });
}

/// What the HTML report's header says about this run.
fn run_info(rules: &RuleSet, paths: &[PathBuf]) -> RunInfo {
    RunInfo {
        date: utc_now(),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        packs: rules.packs.iter().map(|pack| (pack.id.clone(), pack.version.clone())).collect(),
        inputs: paths.iter().map(|path| path.display().to_string()).collect(),
    }
}

/// The time now as `2026-03-14 09:30 UTC`.
fn utc_now() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0);
    let (days, second_of_day) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = sponsorlint::calendar::civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        second_of_day / 3_600,
        second_of_day / 60 % 60
    )
}

/// What reporters may know of the loaded rules (they never see the rule set).
fn rule_catalogue(rules: &RuleSet) -> RuleCatalogue {
    let info = |rule: &Rule| {
        let pack = rules.pack_of(rule);
        RuleInfo {
            id: rule.id.clone(),
            message: rule.message.clone(),
            help: rule.help.clone(),
            category: rule.category,
            severity: rule.severity,
            kind: rules.check(rule).kind().to_owned(),
            kind_description: rules.check(rule).describe(),
            pack: pack.id.clone(),
            markets: pack.scope_names.clone(),
            platforms: pack.platforms.iter().map(ToString::to_string).collect(),
            source_title: rule.source.title.clone(),
            source_url: rule.source.url.clone(),
            preview: rule.status == Status::Preview,
        }
    };
    rules.rules.iter().map(info).collect()
}

#[cfg(test)]
mod tests {
    use sponsorlint::finding::CheckedPost;
    use sponsorlint::post::{Post, Relationship};

    use super::*;

    #[test]
    fn a_post_naming_a_market_whose_packs_were_not_read_is_an_error_record() {
        let groups = builtin_market_groups().unwrap();
        let market = |code: &str| groups.resolve(code).unwrap()[0];
        let scope = RunScope { markets: vec![market("GB"), market("FR")], packs: Vec::new() };
        let checked = |markets: Vec<Market>| {
            let post = Post { id: Some("d1".into()), markets, ..Post::default() };
            let post = CheckedPost {
                post,
                relationship: Relationship::Paid,
                findings: Vec::new(),
                evidence: None,
            };
            let mut checked = Checked::Post(Box::new(post));
            outside_scope(&mut checked, &scope);
            checked
        };
        assert!(matches!(checked(vec![market("FR")]), Checked::Post(_)));
        assert!(matches!(checked(Vec::new()), Checked::Post(_)), "no market: global packs");
        let Checked::Error(error) = checked(vec![market("GB"), market("DE")]) else {
            panic!("a DE post checked with the packs of GB and FR");
        };
        assert_eq!(error.id.as_deref(), Some("d1"));
        assert!(error.message.contains("changed while it was being checked"), "{}", error.message);
    }
}
