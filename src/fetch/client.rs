//! The one HTTP client of `fetch` and remote packs: HTTPS only (plain HTTP
//! on loopback, for tests), a timeout and a size limit on every response,
//! retries with exponential backoff on 429 and 5xx honouring `Retry-After`,
//! and secrets kept out of every message it makes.

use std::io::Read;
use std::time::Duration;

use reqwest::Url;
use reqwest::blocking::{Client as Http, RequestBuilder, Response};

use crate::limits::display_size;

/// How requests are made.
#[derive(Debug, Clone)]
pub struct Settings {
    /// For the whole of one request, body included.
    pub timeout: Duration,
    /// Further tries after a 429, a 5xx or a failed connection.
    pub retries: u32,
    /// The largest response body read.
    pub max_body: u64,
    /// The longest wait before a retry, whatever `Retry-After` asks.
    pub max_wait: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timeout: Duration::from_secs(30),
            retries: 3,
            max_body: 32 << 20,
            max_wait: Duration::from_secs(60),
        }
    }
}

/// A response body that arrived whole, with its status.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Why a request gave no usable reply. Messages never hold a secret or a
/// query string.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The server answered with an error status (after any retries).
    #[error("the server answered {status}")]
    Status { status: u16, body: Vec<u8> },
    #[error("{0}")]
    Failed(String),
}

/// The client, and the secrets its messages must never show.
pub struct Client {
    http: Http,
    settings: Settings,
    secrets: Vec<String>,
    /// Called with each request's redacted method and URL (`--verbose`).
    log: Option<Box<RequestLog>>,
}

/// Receives one line per request sent.
type RequestLog = dyn Fn(&str);

impl Client {
    pub fn new(settings: Settings) -> Result<Client, HttpError> {
        let http = Http::builder()
            .timeout(settings.timeout)
            .user_agent(concat!("sponsorlint/", env!("CARGO_PKG_VERSION")))
            // A redirect could carry a token to another host or to plain HTTP.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| {
                HttpError::Failed(format!("cannot start HTTP: {}", error.without_url()))
            })?;
        Ok(Client { http, settings, secrets: Vec::new(), log: None })
    }

    /// A token the client sends: it is replaced by `***` in every message.
    pub fn keep_secret(&mut self, secret: &str) {
        if !secret.is_empty() {
            self.secrets.push(secret.to_owned());
        }
    }

    /// Reports every request (method and redacted URL) to `log`.
    pub fn log_requests(&mut self, log: impl Fn(&str) + 'static) {
        self.log = Some(Box::new(log));
    }

    pub fn get(&self, url: &Url) -> Result<Reply, HttpError> {
        self.send("GET", url, |http| http.get(url.clone()))
    }

    /// Sends the request `build` makes (again on each retry) and reads its
    /// reply whole; a 429 or 5xx is retried, other statuses are returned as
    /// [`HttpError::Status`].
    pub fn send(
        &self,
        method: &str,
        url: &Url,
        build: impl Fn(&Http) -> RequestBuilder,
    ) -> Result<Reply, HttpError> {
        allowed(url).map_err(HttpError::Failed)?;
        let shown = self.redact(&without_query(url));
        let mut attempt = 0;
        loop {
            if let Some(log) = &self.log {
                log(&format!("{method} {}", self.redact(&redacted_url(url))));
            }
            let outcome = build(&self.http).send().map_err(|error| self.describe(&error, &shown));
            let (retry_after, failure) = match outcome {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after = retry_after(&response);
                    let body = self.read_body(response, &shown);
                    match body {
                        Ok(body) if (200..300).contains(&status) => {
                            return Ok(Reply { status, body });
                        }
                        Ok(body) if status == 429 || status >= 500 => {
                            (retry_after, HttpError::Status { status, body })
                        }
                        Ok(body) => return Err(HttpError::Status { status, body }),
                        Err(error) => (None, error),
                    }
                }
                Err(message) => (None, HttpError::Failed(message)),
            };
            if attempt >= self.settings.retries {
                return Err(failure);
            }
            std::thread::sleep(backoff(attempt, retry_after, self.settings.max_wait));
            attempt += 1;
        }
    }

    /// Reads a body piece by piece, stopping past the size limit.
    fn read_body(&self, response: Response, shown: &str) -> Result<Vec<u8>, HttpError> {
        let limit = self.settings.max_body;
        if response.content_length().is_some_and(|length| length > limit) {
            return Err(too_large(shown, limit));
        }
        let mut body = Vec::new();
        response.take(limit.saturating_add(1)).read_to_end(&mut body).map_err(|error| {
            let cause = if is_timeout(&error) {
                format!(
                    "it did not arrive within {} s (--timeout)",
                    self.settings.timeout.as_secs_f64()
                )
            } else {
                "the connection ended before it was complete".to_owned()
            };
            HttpError::Failed(
                self.redact(&format!("the response from {shown} is incomplete: {cause}")),
            )
        })?;
        if body.len() as u64 > limit {
            return Err(too_large(shown, limit));
        }
        Ok(body)
    }

    fn describe(&self, error: &reqwest::Error, shown: &str) -> String {
        let what = if error.is_timeout() {
            format!(
                "no answer from {shown} within {} s (--timeout)",
                self.settings.timeout.as_secs_f64()
            )
        } else if error.is_connect() {
            format!("cannot connect to {shown}")
        } else {
            format!("the request to {shown} failed")
        };
        // The source chain explains (DNS, refused, TLS), without the URL.
        let mut cause = String::new();
        let mut source = std::error::Error::source(error);
        while let Some(inner) = source {
            cause = inner.to_string();
            source = inner.source();
        }
        let message = if cause.is_empty() { what } else { format!("{what}: {cause}") };
        self.redact(&message)
    }

    /// `text` with every secret replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        self.secrets.iter().fold(text.to_owned(), |text, secret| text.replace(secret, "***"))
    }
}

fn too_large(shown: &str, limit: u64) -> HttpError {
    HttpError::Failed(format!(
        "the response from {shown} is larger than {}; raise it with --max-response",
        display_size(limit)
    ))
}

fn is_timeout(error: &std::io::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> =
        error.get_ref().map(|inner| inner as _);
    while let Some(inner) = source {
        if inner.downcast_ref::<reqwest::Error>().is_some_and(reqwest::Error::is_timeout) {
            return true;
        }
        source = inner.source();
    }
    error.kind() == std::io::ErrorKind::TimedOut
}

/// HTTPS, or plain HTTP to this machine only (no token crosses a network
/// in clear).
pub fn allowed(url: &Url) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(format!(
            "{} uses plain http://, which is refused (anyone on the way could read it); use https://",
            without_query(url)
        )),
        other => Err(format!("{} is not a web address (scheme {other}:)", without_query(url))),
    }
}

fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or("");
    let ip = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost" || ip.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The URL without its query, for messages.
pub fn without_query(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

/// The URL with the values of its credential parameters replaced, for
/// `--verbose` (the client's secrets are replaced besides).
fn redacted_url(url: &Url) -> String {
    const CREDENTIALS: [&str; 3] = ["key", "access_token", "token"];
    let mut shown = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(name, value)| {
            let value = if CREDENTIALS.contains(&name.as_ref()) { "***".into() } else { value };
            (name.into_owned(), value.into_owned())
        })
        .collect();
    if !pairs.is_empty() {
        shown.query_pairs_mut().clear().extend_pairs(pairs);
    }
    shown.to_string()
}

/// `Retry-After` in seconds, or as an HTTP date (the wait until then).
fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = super::time::parse_http_date(value)?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(u64::try_from(at).ok()?.saturating_sub(now)))
}

/// The wait before retry `attempt` (from 0): what `Retry-After` asks, else
/// 0.5 s doubled per attempt; never more than `max_wait`.
fn backoff(attempt: u32, retry_after: Option<Duration>, max_wait: Duration) -> Duration {
    let doubled = Duration::from_millis(500).saturating_mul(1 << attempt.min(16));
    retry_after.unwrap_or(doubled).min(max_wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_honours_retry_after_and_is_capped() {
        let cap = Duration::from_secs(60);
        assert_eq!(backoff(0, None, cap), Duration::from_millis(500));
        assert_eq!(backoff(2, None, cap), Duration::from_secs(2));
        assert_eq!(backoff(0, Some(Duration::from_secs(7)), cap), Duration::from_secs(7));
        assert_eq!(backoff(0, Some(Duration::from_secs(86_400)), cap), cap);
        assert_eq!(backoff(40, None, cap), cap);
    }

    #[test]
    fn plain_http_only_on_loopback() {
        for good in [
            "https://example.com/x",
            "http://127.0.0.1:8080/",
            "http://localhost/",
            "http://[::1]/",
        ] {
            assert!(allowed(&Url::parse(good).unwrap()).is_ok(), "{good}");
        }
        let refused = allowed(&Url::parse("http://example.com/p?key=SECRET").unwrap()).unwrap_err();
        assert!(refused.contains("plain http://"), "{refused}");
        assert!(!refused.contains("SECRET"), "{refused}");
        assert!(allowed(&Url::parse("file:///etc/passwd").unwrap()).is_err());
    }

    #[test]
    fn credentials_never_show_in_a_logged_url() {
        let url = Url::parse("https://h/v3/videos?part=snippet&key=SECRET&id=a").unwrap();
        let shown = redacted_url(&url);
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("part=snippet") && shown.contains("key=***"), "{shown}");
    }
}
