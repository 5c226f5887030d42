//! Posts from the platforms' official APIs, and rule packs from the web.
//! Each source writes posts as JSON objects with the input format's keys
//! (`id`, `platform`, `title`, `text`, `url`, `author`, `published_at`,
//! `duration_s`, `media`, `platform_label`), one at a time as they arrive.
//! Nothing here knows rules or readers: the command line pipes the posts
//! into `check`, and hands remote packs to the pack loader as cached files.

pub mod client;
pub mod instagram;
pub mod remote_pack;
pub mod tiktok;
pub mod time;
pub mod url;
pub mod youtube;

use serde_json::{Map, Value};

pub use client::{Client, HttpError, Settings};

/// Why fetching stopped early. Every message names the source and says
/// what to do, and never holds a token.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The platform refused: quota, token, or what was asked for is not there.
    #[error("{0}")]
    Refused(String),
    /// No usable reply (network, timeout, size, an answer not in the
    /// documented shape).
    #[error("{source_name}: {message}")]
    Failed { source_name: &'static str, message: String },
    /// The posts could not be written.
    #[error("cannot write the posts: {0}")]
    Output(std::io::Error),
}

impl FetchError {
    pub(crate) fn failed(source_name: &'static str, message: impl Into<String>) -> FetchError {
        FetchError::Failed { source_name, message: message.into() }
    }
}

/// What to keep of a source's posts, and where they go.
pub struct Run<'a> {
    /// Keep posts published at or after this instant (Unix seconds).
    pub since: Option<i64>,
    /// Stop after this many posts.
    pub max: Option<u64>,
    written: u64,
    pages: u64,
    write: &'a mut dyn FnMut(&Map<String, Value>) -> std::io::Result<()>,
    progress: &'a mut dyn FnMut(u64, u64),
}

/// Whether a source should go on after a post.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    More,
    /// `--max` reached, or (in a newest-first list) a post older than `--since`.
    Stop,
}

impl<'a> Run<'a> {
    /// `write` receives each kept post; `progress` the posts and pages so far.
    pub fn new(
        since: Option<i64>,
        max: Option<u64>,
        write: &'a mut dyn FnMut(&Map<String, Value>) -> std::io::Result<()>,
        progress: &'a mut dyn FnMut(u64, u64),
    ) -> Run<'a> {
        Run { since, max, written: 0, pages: 0, write, progress }
    }

    pub fn written(&self) -> u64 {
        self.written
    }

    /// Whether `--max` posts are written already.
    pub fn full(&self) -> bool {
        self.max.is_some_and(|max| self.written >= max)
    }

    /// Counts a page of the API's answer.
    pub(crate) fn page(&mut self) {
        self.pages += 1;
        (self.progress)(self.written, self.pages);
    }

    /// Writes a post unless it is older than `--since` (`published`: its
    /// Unix time, if known). In newest-first lists an older post ends the
    /// listing; `newest_first` says whether the source's list is one.
    pub(crate) fn post(
        &mut self,
        post: Map<String, Value>,
        published: Option<i64>,
        newest_first: bool,
    ) -> Result<Next, FetchError> {
        if self.full() {
            return Ok(Next::Stop);
        }
        if let (Some(since), Some(published)) = (self.since, published)
            && published < since
        {
            return Ok(if newest_first { Next::Stop } else { Next::More });
        }
        (self.write)(&post).map_err(FetchError::Output)?;
        self.written += 1;
        (self.progress)(self.written, self.pages);
        Ok(if self.full() { Next::Stop } else { Next::More })
    }
}

/// A post object from the keys that have a value.
pub(crate) fn post_object(
    keys: impl IntoIterator<Item = (&'static str, Option<Value>)>,
) -> Map<String, Value> {
    keys.into_iter().filter_map(|(key, value)| Some((key.to_owned(), value?))).collect()
}

/// The string at `pointer` in a JSON answer.
pub(crate) fn text_at(value: &Value, pointer: &str) -> Option<String> {
    value.pointer(pointer).and_then(Value::as_str).map(str::to_owned)
}

/// Parses an API's JSON answer, or says the answer is not the documented one.
pub(crate) fn parse_json(source_name: &'static str, body: &[u8]) -> Result<Value, FetchError> {
    serde_json::from_slice(body).map_err(|error| {
        FetchError::failed(
            source_name,
            format!("the answer is not the JSON the API documents ({error}); is --api-base right?"),
        )
    })
}

/// A failed request as a [`FetchError`], when the source has nothing more
/// specific to say about it.
pub(crate) fn http_failed(source_name: &'static str, error: HttpError) -> FetchError {
    match error {
        HttpError::Status { status, body } => {
            let detail = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
            FetchError::failed(source_name, format!("the API answered {status}: {}", detail.trim()))
        }
        HttpError::Failed(message) => FetchError::failed(source_name, message),
    }
}

/// An `--api-base` with a trailing slash, so paths join under it.
pub fn base_url(base: &str) -> Result<reqwest::Url, String> {
    let with_slash = if base.ends_with('/') { base.to_owned() } else { format!("{base}/") };
    let url =
        reqwest::Url::parse(&with_slash).map_err(|error| format!("--api-base {base}: {error}"))?;
    client::allowed(&url)?;
    Ok(url)
}
