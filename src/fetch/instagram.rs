//! Instagram Graph API: `GET /{ig-user-id}/media`, following `paging.next`.

use reqwest::Url;
use serde_json::Value;

use super::client::{Client, HttpError};
use super::{FetchError, Next, Run, parse_json, post_object, text_at, time};

/// Any `vNN.N` works; this is the version the fields were checked against.
pub const DEFAULT_BASE: &str = "https://graph.facebook.com/v21.0";
pub const TOKEN_VARIABLE: &str = "INSTAGRAM_ACCESS_TOKEN";
const NAME: &str = "Instagram";
const FIELDS: &str = "id,caption,media_type,permalink,timestamp,username";

pub struct Instagram<'a> {
    pub client: &'a Client,
    pub base: Url,
    pub token: String,
}

impl Instagram<'_> {
    pub fn fetch(&self, user: &str, run: &mut Run) -> Result<(), FetchError> {
        let mut url = self
            .base
            .join(&format!("{}/media", urlencode_segment(user)))
            .map_err(|error| FetchError::failed(NAME, error.to_string()))?;
        url.query_pairs_mut().append_pair("fields", FIELDS).append_pair("limit", "100");
        loop {
            let page = self.call(url, user)?;
            run.page();
            for item in page.get("data").and_then(Value::as_array).into_iter().flatten() {
                let (post, published) = media_post(item);
                // The edge lists newest first.
                if run.post(post, published, true)? == Next::Stop {
                    return Ok(());
                }
            }
            let Some(next) = text_at(&page, "/paging/next") else { return Ok(()) };
            url = self.next_page(&next)?;
        }
    }

    /// `paging.next` carries the token in its query; it is only followed to
    /// the host the first page came from, and with our own token.
    fn next_page(&self, next: &str) -> Result<Url, FetchError> {
        let url = Url::parse(next)
            .map_err(|_| FetchError::failed(NAME, "paging.next is not a web address"))?;
        if url.origin() != self.base.origin() {
            return Err(FetchError::failed(
                NAME,
                format!(
                    "paging.next points to another host ({}); not sending the token there",
                    url.host_str().unwrap_or("none")
                ),
            ));
        }
        let mut clean = url.clone();
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(name, _)| name != "access_token")
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        clean.query_pairs_mut().clear().extend_pairs(kept);
        Ok(clean)
    }

    fn call(&self, mut url: Url, user: &str) -> Result<Value, FetchError> {
        url.query_pairs_mut().append_pair("access_token", &self.token);
        match self.client.get(&url) {
            Ok(reply) => parse_json(NAME, &reply.body),
            Err(error) => Err(refusal(error, user)),
        }
    }
}

fn urlencode_segment(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'-' | b'_' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// One media object as a post, and its publication time.
fn media_post(item: &Value) -> (serde_json::Map<String, Value>, Option<i64>) {
    let published = text_at(item, "/timestamp").as_deref().and_then(time::parse);
    let media = text_at(item, "/media_type").and_then(|kind| match kind.as_str() {
        "IMAGE" => Some("image"),
        "VIDEO" => Some("video"),
        "CAROUSEL_ALBUM" => Some("carousel"),
        "REELS" => Some("reel"),
        _ => None,
    });
    let post = post_object([
        ("id", text_at(item, "/id").map(Value::from)),
        ("platform", Some("instagram".into())),
        ("text", Some(text_at(item, "/caption").unwrap_or_default().into())),
        ("url", text_at(item, "/permalink").map(Value::from)),
        ("author", text_at(item, "/username").map(Value::from)),
        ("published_at", published.map(|at| time::rfc3339(at).into())),
        ("media", media.map(Value::from)),
    ]);
    (post, published)
}

/// What a Graph API error means for the user.
fn refusal(error: HttpError, user: &str) -> FetchError {
    let HttpError::Status { status, body } = &error else {
        return super::http_failed(NAME, error);
    };
    let answer: Value = serde_json::from_slice(body).unwrap_or_default();
    let code = answer.pointer("/error/code").and_then(Value::as_i64).unwrap_or(0);
    match (*status, code) {
        (_, 4 | 17 | 32 | 613) | (429, _) => FetchError::Refused(
            "Instagram rate limit reached: wait an hour and run again, or use another token".into(),
        ),
        (_, 190 | 102) | (401, _) => FetchError::Refused(format!(
            "Instagram refused the access token: it is invalid or has expired; get a new one and set {TOKEN_VARIABLE}"
        )),
        (_, 10 | 200..=299) | (403, _) => FetchError::Refused(format!(
            "Instagram: the token may not read {user}'s media: it needs the instagram_basic permission"
        )),
        (404, _) | (_, 100) => FetchError::Refused(format!(
            "Instagram user {user} not found: use the numeric Instagram user id, not the @name"
        )),
        _ => super::http_failed(NAME, error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_and_instagram_timestamps_map_to_the_input_keys() {
        let item = serde_json::json!({
            "id": "1", "caption": "Hi", "media_type": "CAROUSEL_ALBUM",
            "permalink": "https://www.instagram.com/p/x/", "timestamp": "2017-08-31T18:10:00+0000",
            "username": "glow"
        });
        let (post, _) = media_post(&item);
        assert_eq!(post["media"], "carousel");
        assert_eq!(post["published_at"], "2017-08-31T18:10:00Z");
        assert_eq!(post["author"], "glow");
        let (bare, published) = media_post(&serde_json::json!({"id": "2", "media_type": "IMAGE"}));
        assert_eq!(bare["text"], "");
        assert_eq!(published, None);
    }
}
