//! `sponsorlint fetch`: published posts from a platform's API (or public
//! pages) as JSONL in the input format, streamed as they arrive, so
//! `fetch … | check - --input-format jsonl` audits them.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value};

use super::EXIT_ERROR;
use super::output;
use sponsorlint::fetch::remote_pack::{self, RemotePack};
use sponsorlint::fetch::youtube::{Target, YouTube};
use sponsorlint::fetch::{Client, FetchError, Run, Settings, instagram, tiktok, time, youtube};

#[derive(Debug, Subcommand)]
pub enum FetchCommand {
    /// A YouTube channel's uploads or given videos (YouTube Data API v3,
    /// key in YOUTUBE_API_KEY)
    Youtube {
        /// Channel id (UC…): its uploads, newest first
        #[arg(
            long,
            value_name = "UC…",
            required_unless_present = "video",
            conflicts_with = "video"
        )]
        channel: Option<String>,
        /// Video ids
        #[arg(long, value_name = "ID", num_args = 1..)]
        video: Vec<String>,
        #[command(flatten)]
        window: Window,
        #[command(flatten)]
        common: Common,
    },
    /// An Instagram professional account's media (Instagram Graph API,
    /// token in INSTAGRAM_ACCESS_TOKEN)
    Instagram {
        /// The Instagram user id (numeric), as the Graph API knows it
        #[arg(long, value_name = "IG_USER_ID")]
        user: String,
        #[command(flatten)]
        window: Window,
        #[command(flatten)]
        common: Common,
    },
    /// The token owner's TikTok videos (TikTok Display API, token in
    /// TIKTOK_ACCESS_TOKEN)
    Tiktok {
        #[command(flatten)]
        window: Window,
        #[command(flatten)]
        common: Common,
    },
    /// Public pages: their og:title/og:description and oEmbed author
    Url {
        #[arg(value_name = "URL", required = true)]
        urls: Vec<String>,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Debug, Args)]
pub struct Window {
    /// Only posts published on or after DATE (2024-05-01 or RFC 3339)
    #[arg(long, value_name = "DATE", value_parser = parse_since)]
    since: Option<i64>,
    /// Stop after N posts
    #[arg(long, value_name = "N")]
    max: Option<u64>,
}

#[derive(Debug, Args)]
pub struct Common {
    /// Another base URL for the API (a proxy), version path included
    #[arg(long, value_name = "URL")]
    api_base: Option<String>,
    /// Write the posts to FILE (complete or not at all) instead of stdout
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Seconds one request may take, body included
    #[arg(long, default_value_t = 30.0, value_name = "SECS")]
    timeout: f64,
    /// Retries of a request after a 429, a 5xx or a failed connection
    #[arg(long, default_value_t = 3, value_name = "N")]
    retries: u32,
    /// Largest response read, e.g. 32MiB
    #[arg(long, default_value = "32MiB", value_name = "SIZE", value_parser = parse_size)]
    max_response: u64,
    /// Never show a progress bar
    #[arg(long)]
    no_progress: bool,
    /// Print each request (tokens hidden) on stderr
    #[arg(long, short)]
    verbose: bool,
}

fn parse_since(text: &str) -> Result<i64, String> {
    time::parse(text)
        .ok_or_else(|| format!("'{text}' is not a date such as 2024-05-01 or 2024-05-01T10:00:00Z"))
}

fn parse_size(text: &str) -> Result<u64, String> {
    sponsorlint::limits::parse_size(text).map_err(|error| error.to_string())
}

impl FetchCommand {
    /// The source's name, its `--since`/`--max` (not for pages) and options.
    fn parts(&self) -> (&'static str, Option<&Window>, &Common) {
        match self {
            FetchCommand::Youtube { window, common, .. } => ("youtube", Some(window), common),
            FetchCommand::Instagram { window, common, .. } => ("instagram", Some(window), common),
            FetchCommand::Tiktok { window, common } => ("tiktok", Some(window), common),
            FetchCommand::Url { common, .. } => ("url", None, common),
        }
    }

    /// The environment variable holding the source's token, if it needs one.
    fn token_variable(&self) -> Option<&'static str> {
        match self {
            FetchCommand::Youtube { .. } => Some(youtube::TOKEN_VARIABLE),
            FetchCommand::Instagram { .. } => Some(instagram::TOKEN_VARIABLE),
            FetchCommand::Tiktok { .. } => Some(tiktok::TOKEN_VARIABLE),
            FetchCommand::Url { .. } => None,
        }
    }
}

pub fn run(command: FetchCommand) -> u8 {
    let (source, window, common) = command.parts();
    let token = match command.token_variable() {
        Some(variable) => match std::env::var(variable) {
            Ok(token) if !token.trim().is_empty() => token.trim().to_owned(),
            _ => {
                eprintln!(
                    "error: {variable} is not set: put the {source} token in that environment variable (tokens are never read from the command line); see the guide's \"Brand audit\" section"
                );
                return EXIT_ERROR;
            }
        },
        None => String::new(),
    };
    let timeout = match Duration::try_from_secs_f64(common.timeout) {
        Ok(timeout) if !timeout.is_zero() => timeout,
        _ => {
            eprintln!("error: --timeout must be a positive number of seconds");
            return EXIT_ERROR;
        }
    };
    let settings = Settings {
        timeout,
        retries: common.retries,
        max_body: common.max_response,
        ..Settings::default()
    };
    let mut client = match Client::new(settings) {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_ERROR;
        }
    };
    client.keep_secret(&token);
    if common.verbose {
        client.log_requests(|line| eprintln!("note: {line}"));
    }

    let (mut out, pending): (Box<dyn Write>, _) = match &common.output {
        Some(path) => match output::create(path) {
            Ok((file, pending)) => (Box::new(std::io::BufWriter::new(file)), Some(pending)),
            Err(error) => {
                eprintln!("error: cannot write {}: {error}", path.display());
                return EXIT_ERROR;
            }
        },
        None => (Box::new(std::io::stdout().lock()), None),
    };
    let bar = progress_bar(!common.no_progress, source);
    let mut write = |post: &Map<String, Value>| {
        serde_json::to_writer(&mut out, post).map_err(std::io::Error::other)?;
        out.write_all(b"\n")?;
        // Streamed: a reader downstream sees each post as it arrives.
        out.flush()
    };
    let mut progress = |posts: u64, pages: u64| {
        if let Some(bar) = &bar {
            bar.set_message(format!("{source}: {posts} posts · {pages} pages"));
        }
    };
    let mut run = Run::new(
        window.and_then(|w| w.since),
        window.and_then(|w| w.max),
        &mut write,
        &mut progress,
    );
    let outcome = fetch(&command, &client, token, &mut run);
    let written = run.written();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    // A closed pipe (`| head`) is the reader's choice, not a failure.
    let reader_left = matches!(&outcome, Err(FetchError::Output(error)) if error.kind() == std::io::ErrorKind::BrokenPipe);
    if let Err(error) = &outcome
        && !reader_left
    {
        eprintln!("error: {}", client.redact(&error.to_string()));
        if written > 0 {
            let posts = if written == 1 { "post" } else { "posts" };
            eprintln!("note: the {written} {posts} fetched before the error were written");
        }
    }
    drop(out);
    if let Some(pending) = pending {
        // What was fetched is kept, even when the run stopped on an error.
        if let Err(error) = pending.commit() {
            eprintln!("error: {error}");
            return EXIT_ERROR;
        }
    }
    if outcome.is_ok() || reader_left { 0 } else { EXIT_ERROR }
}

fn fetch(
    command: &FetchCommand,
    client: &Client,
    token: String,
    run: &mut Run,
) -> Result<(), FetchError> {
    let base = |given: &Option<String>, default: &str| {
        sponsorlint::fetch::base_url(given.as_deref().unwrap_or(default))
            .map_err(FetchError::Refused)
    };
    match command {
        FetchCommand::Youtube { channel, video, common, .. } => {
            let target = match channel {
                Some(channel) => Target::Channel(channel.clone()),
                None => Target::Videos(video.clone()),
            };
            let base = base(&common.api_base, youtube::DEFAULT_BASE)?;
            YouTube { client, base, key: token }.fetch(&target, run)
        }
        FetchCommand::Instagram { user, common, .. } => {
            let base = base(&common.api_base, instagram::DEFAULT_BASE)?;
            instagram::Instagram { client, base, token }.fetch(user, run)
        }
        FetchCommand::Tiktok { common, .. } => {
            let base = base(&common.api_base, tiktok::DEFAULT_BASE)?;
            tiktok::TikTok { client, base, token }.fetch(run)
        }
        FetchCommand::Url { urls, .. } => {
            for url in urls {
                sponsorlint::fetch::url::fetch(client, url, run)?;
            }
            Ok(())
        }
    }
}

/// A spinner on stderr with posts and pages, only on a terminal.
fn progress_bar(enabled: bool, source: &str) -> Option<ProgressBar> {
    if !enabled || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner().with_message(format!("{source}: connecting"));
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} · {elapsed}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}

/// Pack paths with the remote packs among them (`--rules https://…#sha256=`
/// and the configuration's) replaced by their verified cached files, in
/// order; the configuration's remote packs go last before the command
/// line's. Every problem is printed; the exit code on failure.
pub(super) fn remote_packs(
    paths: Vec<PathBuf>,
    configured: &[RemotePack],
    max_bytes: u64,
) -> Result<Vec<PathBuf>, u8> {
    let given = |path: &PathBuf| path.to_str().is_some_and(RemotePack::is_address);
    if configured.is_empty() && !paths.iter().any(given) {
        return Ok(paths);
    }
    let Some(cache) = remote_pack::cache_dir() else {
        eprintln!(
            "error: no cache folder for remote rule packs: set SPONSORLINT_CACHE_DIR or HOME"
        );
        return Err(EXIT_ERROR);
    };
    let client =
        Client::new(Settings { max_body: max_bytes, ..Settings::default() }).map_err(|error| {
            eprintln!("error: {error}");
            EXIT_ERROR
        })?;
    let wanted =
        configured.iter().map(|pack| Err(Ok(pack.clone()))).chain(paths.into_iter().map(|path| {
            match path.to_str().filter(|text| RemotePack::is_address(text)) {
                Some(spec) => Err(RemotePack::parse(spec)),
                None => Ok(path),
            }
        }));
    let mut resolved = Vec::new();
    let mut failed = false;
    for item in wanted {
        let pack = match item {
            Ok(path) => Ok(path),
            Err(pack) => pack.and_then(|pack| pack.fetch(&client, &cache, max_bytes)),
        };
        match pack {
            Ok(file) => resolved.push(file),
            Err(error) => {
                eprintln!("error: {error}");
                failed = true;
            }
        }
    }
    if failed { Err(EXIT_ERROR) } else { Ok(resolved) }
}
