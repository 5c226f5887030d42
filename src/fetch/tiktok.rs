//! TikTok Display API: `POST /v2/video/list/`, following `cursor` while
//! `has_more`.

use reqwest::Url;
use serde_json::{Value, json};

use super::client::{Client, HttpError, Reply};
use super::{FetchError, Next, Run, parse_json, post_object, text_at, time};

pub const DEFAULT_BASE: &str = "https://open.tiktokapis.com";
pub const TOKEN_VARIABLE: &str = "TIKTOK_ACCESS_TOKEN";
const NAME: &str = "TikTok";
const FIELDS: &str = "id,title,video_description,create_time,share_url,duration";
/// The most the endpoint returns per page.
const PAGE: u64 = 20;

pub struct TikTok<'a> {
    pub client: &'a Client,
    pub base: Url,
    pub token: String,
}

impl TikTok<'_> {
    pub fn fetch(&self, run: &mut Run) -> Result<(), FetchError> {
        let mut url = self
            .base
            .join("v2/video/list/")
            .map_err(|error| FetchError::failed(NAME, error.to_string()))?;
        url.query_pairs_mut().append_pair("fields", FIELDS);
        let mut cursor: Option<i64> = None;
        loop {
            let mut body = json!({ "max_count": PAGE });
            if let Some(cursor) = cursor {
                body["cursor"] = cursor.into();
            }
            let body = body.to_string();
            let reply = self.client.send("POST", &url, |http| {
                http.post(url.clone())
                    .bearer_auth(&self.token)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone())
            });
            let page = answer(reply)?;
            run.page();
            for item in page.pointer("/data/videos").and_then(Value::as_array).into_iter().flatten()
            {
                let (post, published) = video_post(item);
                // Listed by create_time, newest first.
                if run.post(post, published, true)? == Next::Stop {
                    return Ok(());
                }
            }
            let more = page.pointer("/data/has_more").and_then(Value::as_bool).unwrap_or(false);
            let next = page.pointer("/data/cursor").and_then(Value::as_i64);
            match next {
                // A cursor that does not move would loop for ever.
                Some(next) if more && cursor != Some(next) => cursor = Some(next),
                _ => return Ok(()),
            }
        }
    }
}

/// The page, or what TikTok's error object means for the user (it comes
/// with a 200 as well as with an error status).
fn answer(reply: Result<Reply, HttpError>) -> Result<Value, FetchError> {
    let (status, body) = match reply {
        Ok(reply) => (reply.status, reply.body),
        Err(HttpError::Status { status, body }) => (status, body),
        Err(error) => return Err(super::http_failed(NAME, error)),
    };
    let page = parse_json(NAME, &body).map_err(|error| {
        if (200..300).contains(&status) {
            error
        } else {
            super::http_failed(NAME, HttpError::Status { status, body: body.clone() })
        }
    })?;
    let code = text_at(&page, "/error/code").unwrap_or_else(|| "ok".into());
    let message = text_at(&page, "/error/message").unwrap_or_default();
    match code.as_str() {
        "ok" if (200..300).contains(&status) => Ok(page),
        "rate_limit_exceeded" => Err(FetchError::Refused(
            "TikTok rate limit reached: wait a minute and run again".into(),
        )),
        "access_token_invalid" => Err(FetchError::Refused(format!(
            "TikTok refused the access token: it is invalid or has expired; get a new one and set {TOKEN_VARIABLE}"
        ))),
        "scope_not_authorized" | "scope_permission_missed" => Err(FetchError::Refused(
            "TikTok: the access token lacks the video.list scope; authorise the app with it".into(),
        )),
        _ if status == 401 => Err(FetchError::Refused(format!(
            "TikTok refused the access token ({code}); set a valid {TOKEN_VARIABLE}"
        ))),
        _ => Err(FetchError::failed(NAME, format!("the API answered {status} {code}: {message}"))),
    }
}

/// One video object as a post, and its publication time.
fn video_post(item: &Value) -> (serde_json::Map<String, Value>, Option<i64>) {
    let published = item.get("create_time").and_then(Value::as_i64);
    let post = post_object([
        ("id", text_at(item, "/id").map(Value::from)),
        ("platform", Some("tiktok".into())),
        ("title", text_at(item, "/title").filter(|title| !title.is_empty()).map(Value::from)),
        ("text", Some(text_at(item, "/video_description").unwrap_or_default().into())),
        ("url", text_at(item, "/share_url").map(Value::from)),
        ("published_at", published.map(|at| time::rfc3339(at).into())),
        ("duration_s", item.get("duration").and_then(Value::as_u64).map(Value::from)),
        ("media", Some("video".into())),
    ]);
    (post, published)
}
