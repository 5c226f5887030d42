//! YouTube Data API v3: a channel's uploads (`channels.list` → uploads
//! playlist → `playlistItems.list` pages → `videos.list` in batches of 50),
//! or given videos.

use reqwest::Url;
use serde_json::Value;

use super::client::{Client, HttpError};
use super::{FetchError, Next, Run, parse_json, post_object, text_at, time};

pub const DEFAULT_BASE: &str = "https://www.googleapis.com/youtube/v3";
pub const TOKEN_VARIABLE: &str = "YOUTUBE_API_KEY";
const NAME: &str = "YouTube";
/// `videos.list` takes at most 50 ids.
const BATCH: usize = 50;

/// What to fetch.
pub enum Target {
    /// A channel id (`UC…`): its uploads, newest first.
    Channel(String),
    /// Video ids.
    Videos(Vec<String>),
}

pub struct YouTube<'a> {
    pub client: &'a Client,
    pub base: Url,
    pub key: String,
}

impl YouTube<'_> {
    pub fn fetch(&self, target: &Target, run: &mut Run) -> Result<(), FetchError> {
        match target {
            Target::Videos(ids) => {
                for batch in ids.chunks(BATCH) {
                    if self.videos(batch, false, run)? == Next::Stop {
                        break;
                    }
                }
                Ok(())
            }
            Target::Channel(channel) => self.channel(channel, run),
        }
    }

    fn channel(&self, channel: &str, run: &mut Run) -> Result<(), FetchError> {
        let answer = self.call("channels", &[("part", "contentDetails"), ("id", channel)])?;
        let Some(uploads) = text_at(&answer, "/items/0/contentDetails/relatedPlaylists/uploads")
        else {
            return Err(FetchError::Refused(format!(
                "YouTube channel {channel} not found: check the channel id (it starts with UC; a @handle is not an id)"
            )));
        };
        let mut page_token: Option<String> = None;
        loop {
            let mut query = vec![
                ("part", "contentDetails"),
                ("playlistId", uploads.as_str()),
                ("maxResults", "50"),
            ];
            if let Some(token) = &page_token {
                query.push(("pageToken", token));
            }
            let page = self.call("playlistItems", &query)?;
            run.page();
            let items =
                page.get("items").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
            let ids: Vec<String> =
                items.iter().filter_map(|item| text_at(item, "/contentDetails/videoId")).collect();
            // The uploads playlist lists newest first: an older video ends it.
            if self.videos(&ids, true, run)? == Next::Stop {
                return Ok(());
            }
            page_token = text_at(&page, "/nextPageToken");
            if page_token.is_none() {
                return Ok(());
            }
        }
    }

    /// Fetches and writes the videos `ids` (at most 50).
    fn videos(
        &self,
        ids: &[String],
        newest_first: bool,
        run: &mut Run,
    ) -> Result<Next, FetchError> {
        if ids.is_empty() {
            return Ok(Next::More);
        }
        let joined = ids.join(",");
        let answer = self.call(
            "videos",
            &[("part", "snippet,contentDetails,paidProductPlacementDetails"), ("id", &joined)],
        )?;
        if !newest_first {
            run.page();
        }
        for item in answer.get("items").and_then(Value::as_array).into_iter().flatten() {
            let (post, published) = video_post(item);
            if run.post(post, published, newest_first)? == Next::Stop {
                return Ok(Next::Stop);
            }
        }
        Ok(Next::More)
    }

    fn call(&self, resource: &str, query: &[(&str, &str)]) -> Result<Value, FetchError> {
        let mut url = self
            .base
            .join(resource)
            .map_err(|error| FetchError::failed(NAME, error.to_string()))?;
        url.query_pairs_mut().extend_pairs(query).append_pair("key", &self.key);
        match self.client.get(&url) {
            Ok(reply) => parse_json(NAME, &reply.body),
            Err(error) => Err(refusal(error)),
        }
    }
}

/// One `videos.list` item as a post, and its publication time.
fn video_post(item: &Value) -> (serde_json::Map<String, Value>, Option<i64>) {
    let id = text_at(item, "/id");
    let published = text_at(item, "/snippet/publishedAt").as_deref().and_then(time::parse);
    // Only the owner may read the flag: absent means unknown, not "no".
    let paid = item
        .pointer("/paidProductPlacementDetails/hasPaidProductPlacement")
        .and_then(Value::as_bool);
    let post = post_object([
        ("id", id.clone().map(Value::from)),
        ("platform", Some("youtube".into())),
        ("title", text_at(item, "/snippet/title").map(Value::from)),
        ("text", Some(text_at(item, "/snippet/description").unwrap_or_default().into())),
        ("url", id.map(|id| format!("https://www.youtube.com/watch?v={id}").into())),
        ("author", text_at(item, "/snippet/channelTitle").map(Value::from)),
        ("published_at", published.map(|at| time::rfc3339(at).into())),
        (
            "duration_s",
            text_at(item, "/contentDetails/duration")
                .as_deref()
                .and_then(iso_duration)
                .map(Value::from),
        ),
        ("media", Some("video".into())),
        ("platform_label", (paid == Some(true)).then(|| "paid_partnership".into())),
    ]);
    (post, published)
}

/// Seconds of an ISO 8601 duration as YouTube writes them: `PT1H2M3S`, `P1DT2M`.
fn iso_duration(text: &str) -> Option<u64> {
    let rest = text.strip_prefix('P')?;
    let (mut seconds, mut number, mut in_time) = (0u64, String::new(), false);
    for c in rest.chars() {
        match c {
            'T' => in_time = true,
            '0'..='9' => number.push(c),
            unit => {
                let value: u64 = std::mem::take(&mut number).parse().ok()?;
                let scale = match (unit, in_time) {
                    ('W', false) => 604_800,
                    ('D', false) => 86_400,
                    ('H', true) => 3600,
                    ('M', true) => 60,
                    ('S', true) => 1,
                    _ => return None,
                };
                seconds = seconds.checked_add(value.checked_mul(scale)?)?;
            }
        }
    }
    number.is_empty().then_some(seconds)
}

/// What YouTube's error answer means for the user.
fn refusal(error: HttpError) -> FetchError {
    let HttpError::Status { status, body } = &error else {
        return super::http_failed(NAME, error);
    };
    let answer: Value = serde_json::from_slice(body).unwrap_or_default();
    // Google says an invalid key in `details` (API_KEY_INVALID) under the
    // generic reason `badRequest`.
    let key_invalid = answer
        .pointer("/error/details")
        .and_then(Value::as_array)
        .is_some_and(|details| details.iter().any(|detail| detail["reason"] == "API_KEY_INVALID"));
    let reason = match text_at(&answer, "/error/errors/0/reason") {
        _ if key_invalid => "keyInvalid".to_owned(),
        reason => reason.unwrap_or_default(),
    };
    let message = text_at(&answer, "/error/message").unwrap_or_default();
    match (*status, reason.as_str()) {
        (_, "quotaExceeded" | "dailyLimitExceeded") | (429, _) => FetchError::Refused(
            "YouTube quota exceeded: try again after midnight Pacific time or use another key"
                .into(),
        ),
        (401, _) | (_, "keyInvalid" | "keyExpired" | "forbidden" | "accessNotConfigured") => {
            FetchError::Refused(format!(
                "YouTube refused the API key ({reason_or_status}): check {TOKEN_VARIABLE}, and that the YouTube Data API v3 is enabled for its project",
                reason_or_status =
                    if reason.is_empty() { status.to_string() } else { reason.clone() }
            ))
        }
        (404, _) | (_, "videoNotFound" | "playlistNotFound" | "channelNotFound") => {
            FetchError::Refused(format!(
                "YouTube: not found ({message}): check the channel or video ids"
            ))
        }
        _ => super::http_failed(NAME, error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_seconds() {
        assert_eq!(iso_duration("PT1H2M3S"), Some(3723));
        assert_eq!(iso_duration("PT45S"), Some(45));
        assert_eq!(iso_duration("P1DT1M"), Some(86_460));
        assert_eq!(iso_duration("P0D"), Some(0));
        assert_eq!(iso_duration("1H"), None);
        assert_eq!(iso_duration("PT5"), None);
    }

    #[test]
    fn a_video_maps_to_the_input_keys_and_an_absent_flag_is_no_label() {
        let item: Value = serde_json::json!({
            "id": "abc",
            "snippet": {"publishedAt": "2024-05-01T10:00:00Z", "title": "T", "description": "D", "channelTitle": "C"},
            "contentDetails": {"duration": "PT1M"},
            "paidProductPlacementDetails": {"hasPaidProductPlacement": true}
        });
        let (post, published) = video_post(&item);
        assert_eq!(published, time::parse("2024-05-01T10:00:00Z"));
        assert_eq!(post["platform_label"], "paid_partnership");
        assert_eq!(post["duration_s"], 60);
        assert_eq!(post["url"], "https://www.youtube.com/watch?v=abc");
        let (unflagged, _) = video_post(&serde_json::json!({"id": "x", "snippet": {}}));
        assert!(!unflagged.contains_key("platform_label"));
        assert_eq!(unflagged["text"], "");
    }
}
