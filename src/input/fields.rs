//! Post keys → [`Post`]: the one place that knows the keys, their aliases and
//! their types, shared by every reader and by rule examples.

use serde_json::{Map, Value};

use crate::finding::RecordError;
use crate::post::{Cue, Media, Origin, Platform, Post, Relationship, UnknownValue};

use super::{Defaults, ReadContext};

/// The keys that carry the text, strongest first.
const TEXT_KEYS: [&str; 4] = ["text", "caption", "description", "body"];

/// Converts one JSON object (post keys) into a post, filling the defaults.
pub fn post_from_object(
    object: Map<String, Value>,
    origin: Origin,
    ctx: &ReadContext,
) -> Result<Post, RecordError> {
    build(object.into_iter().map(|(key, value)| (key, value, None)), origin, ctx)
}

/// Builds a post from `(key, value, offset)` entries, where `offset` is the
/// byte offset of the value in the file when the reader knows it. Every key
/// is read even after an error so the error still carries the post's id; the
/// first error is the one reported.
pub(super) fn build<K: AsRef<str>>(
    entries: impl IntoIterator<Item = (K, Value, Option<usize>)>,
    origin: Origin,
    ctx: &ReadContext,
) -> Result<Post, RecordError> {
    let mut fields = Fields::new(origin);
    let mut first_error = None;
    for (key, value, offset) in entries {
        let key = key.as_ref();
        if let Err(message) = fields.set(key, value, offset, ctx) {
            first_error.get_or_insert_with(|| format!("{key}: {message}"));
        }
    }
    match first_error {
        None => Ok(fields.finish(&ctx.defaults)),
        Some(message) => {
            Err(RecordError { origin: Box::new(fields.post.origin), id: fields.post.id, message })
        }
    }
}

/// A post under construction.
struct Fields {
    post: Post,
    /// Set when the post names its relationship, so the default does not
    /// override an explicit `unknown`.
    relationship: Option<Relationship>,
    /// Index in [`TEXT_KEYS`] of the key the text came from.
    text_rank: Option<usize>,
}

impl Fields {
    fn new(origin: Origin) -> Fields {
        Fields { post: Post { origin, ..Post::default() }, relationship: None, text_rank: None }
    }

    fn set(
        &mut self,
        key: &str,
        value: Value,
        offset: Option<usize>,
        ctx: &ReadContext,
    ) -> Result<(), String> {
        if value.is_null() {
            return Ok(());
        }
        let post = &mut self.post;
        match key {
            "id" => post.id = Some(id(value)?),
            "title" => post.title = Some(string(value)?),
            "platform" => post.platform = Some(vocabulary::<Platform>(value)?),
            "relationship" => self.relationship = Some(vocabulary::<Relationship>(value)?),
            "media" => post.media = Some(vocabulary::<Media>(value)?),
            "language" => post.language = Some(string(value)?),
            "country" => {
                for code in strings(value)? {
                    for market in ctx.groups.resolve(&code).map_err(|error| error.to_string())? {
                        if !post.markets.contains(&market) {
                            post.markets.push(market);
                        }
                    }
                }
            }
            "brand" => post.brands = strings(value)?,
            "platform_label" => post.platform_label = platform_label(value)?,
            "retouched" => post.retouched = boolean(value)?,
            "ai_generated" => post.ai_generated = boolean(value)?,
            "duration_s" => post.duration_s = Some(number(value)?),
            // A subtitle file path is resolved by the subtitle reader; until
            // then it is kept like any other uninterpreted key.
            "subtitles" if value.is_string() => {
                post.extra.insert(key.to_owned(), value);
            }
            "subtitles" => post.subtitles = cues(value)?,
            _ => match TEXT_KEYS.iter().position(|text_key| *text_key == key) {
                Some(rank) => {
                    let text = string(value)?;
                    if self.text_rank.is_none_or(|current| rank <= current) {
                        post.text = text;
                        self.text_rank = Some(rank);
                        if offset.is_some() {
                            post.origin.text_offset = offset;
                        }
                    }
                }
                None => {
                    post.extra.insert(key.to_owned(), value);
                }
            },
        }
        Ok(())
    }

    /// Fills what the post did not say from the defaults.
    fn finish(self, defaults: &Defaults) -> Post {
        let mut post = self.post;
        if post.markets.is_empty() {
            post.markets.clone_from(&defaults.markets);
        }
        post.platform = post.platform.or(defaults.platform);
        post.relationship =
            self.relationship.or(defaults.relationship).unwrap_or(Relationship::Unknown);
        post.media = post.media.or(defaults.media);
        if post.language.is_none() {
            post.language.clone_from(&defaults.language);
        }
        if post.brands.is_empty() {
            post.brands.clone_from(&defaults.brands);
        }
        post
    }
}

/// Names a JSON value's type for error messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn expected(what: &str, found: &Value) -> String {
    format!("expected {what}, found {}", kind(found))
}

fn string(value: Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text),
        other => Err(expected("a string", &other)),
    }
}

fn boolean(value: Value) -> Result<bool, String> {
    value.as_bool().ok_or_else(|| expected("true or false", &value))
}

fn number(value: Value) -> Result<f64, String> {
    value.as_f64().ok_or_else(|| expected("a number", &value))
}

fn id(value: Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text),
        Value::Number(number) => Ok(number.to_string()),
        other => Err(expected("a string or a number", &other)),
    }
}

/// A string or a list of strings.
fn strings(value: Value) -> Result<Vec<String>, String> {
    const WHAT: &str = "a string or a list of strings";
    match value {
        Value::String(text) => Ok(vec![text]),
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::String(text) => Ok(text),
                other => Err(format!("expected {WHAT}, found a list with {}", kind(&other))),
            })
            .collect(),
        other => Err(expected(WHAT, &other)),
    }
}

fn vocabulary<T: std::str::FromStr<Err = UnknownValue>>(value: Value) -> Result<T, String> {
    string(value)?.parse().map_err(|error: UnknownValue| error.to_string())
}

/// A label name, or `true` for the usual paid-partnership tag.
fn platform_label(value: Value) -> Result<Option<String>, String> {
    match value {
        Value::String(label) => Ok(Some(label)),
        Value::Bool(true) => Ok(Some("paid_partnership".to_owned())),
        Value::Bool(false) => Ok(None),
        other => Err(expected("a label such as \"paid_partnership\", or true", &other)),
    }
}

fn cues(value: Value) -> Result<Vec<Cue>, String> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(index, item)| {
                serde_json::from_value(item).map_err(|error| format!("cue {index}: {error}"))
            })
            .collect(),
        other => Err(expected("a subtitle file path or a list of {start, end, text} cues", &other)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::input::tests::context;
    use crate::post::Market;

    fn post(value: Value) -> Result<Post, RecordError> {
        let Value::Object(object) = value else { panic!("not an object") };
        post_from_object(object, Origin::default(), &context())
    }

    fn error(value: Value) -> String {
        post(value).unwrap_err().message
    }

    fn markets(post: &Post) -> Vec<&str> {
        post.markets.iter().map(Market::as_str).collect()
    }

    #[test]
    fn text_aliases_rank_text_caption_description_body() {
        let both = json!({"body": "b", "caption": "c", "description": "d"});
        assert_eq!(post(both).unwrap().text, "c");
        let all = json!({"caption": "c", "text": "t", "body": "b"});
        assert_eq!(post(all).unwrap().text, "t");
        assert_eq!(post(json!({"text": null, "body": "b"})).unwrap().text, "b");
        assert_eq!(post(json!({"id": 1})).unwrap().text, "");
    }

    #[test]
    fn reads_every_key() {
        let post = post(json!({
            "id": 42, "text": "hi", "title": "T", "platform": "Instagram",
            "country": ["fr", "DE", "FR"], "language": "fr", "relationship": "gifted",
            "brand": "Acme", "media": "reel", "platform_label": true, "retouched": true,
            "ai_generated": false, "duration_s": 12.5,
            "subtitles": [{"start": 0, "end": 1.5, "text": "hello"}],
            "url": "https://x", "author": "me", "custom": {"a": 1}, "published_at": null
        }))
        .unwrap();
        assert_eq!(post.id.as_deref(), Some("42"));
        assert_eq!(post.title.as_deref(), Some("T"));
        assert_eq!(post.platform, Some(Platform::Instagram));
        assert_eq!(markets(&post), ["FR", "DE"]);
        assert_eq!(post.language.as_deref(), Some("fr"));
        assert_eq!(post.relationship, Relationship::Gifted);
        assert_eq!(post.brands, ["Acme"]);
        assert_eq!(post.media, Some(Media::Reel));
        assert_eq!(post.platform_label.as_deref(), Some("paid_partnership"));
        assert!(post.retouched && !post.ai_generated);
        assert_eq!(post.duration_s, Some(12.5));
        assert_eq!(post.subtitles, [Cue { start: 0.0, end: 1.5, text: "hello".into() }]);
        let extra: Vec<&str> = post.extra.keys().map(String::as_str).collect();
        assert_eq!(extra, ["author", "custom", "url"]);
    }

    #[test]
    fn a_subtitle_path_is_kept_in_extra() {
        let post = post(json!({"subtitles": "clip.srt"})).unwrap();
        assert!(post.subtitles.is_empty());
        assert_eq!(post.extra["subtitles"], "clip.srt");
    }

    #[test]
    fn groups_expand_and_dedupe_in_order() {
        let post = post(json!({"country": ["IT", "eu"]})).unwrap();
        assert_eq!(markets(&post), ["IT", "FR", "DE"]);
    }

    #[test]
    fn defaults_fill_only_what_the_post_does_not_say() {
        let mut ctx = context();
        ctx.defaults = Defaults {
            markets: vec![Market::parse("GB").unwrap()],
            platform: Some(Platform::Tiktok),
            relationship: Some(Relationship::Paid),
            media: Some(Media::Video),
            language: Some("en".into()),
            brands: vec!["Acme".into()],
        };
        let Value::Object(bare) = json!({"text": "x"}) else { unreachable!() };
        let post = post_from_object(bare, Origin::default(), &ctx).unwrap();
        assert_eq!(markets(&post), ["GB"]);
        assert_eq!(post.platform, Some(Platform::Tiktok));
        assert_eq!(post.relationship, Relationship::Paid);
        assert_eq!(post.media, Some(Media::Video));
        assert_eq!(post.language.as_deref(), Some("en"));
        assert_eq!(post.brands, ["Acme"]);

        let Value::Object(said) = json!({"country": "fr", "platform": "x",
            "relationship": "unknown", "media": "image", "language": "fr", "brand": "Glow"})
        else {
            unreachable!()
        };
        let post = post_from_object(said, Origin::default(), &ctx).unwrap();
        assert_eq!(markets(&post), ["FR"]);
        assert_eq!(post.platform, Some(Platform::X));
        assert_eq!(post.relationship, Relationship::Unknown);
        assert_eq!(post.media, Some(Media::Image));
        assert_eq!(post.language.as_deref(), Some("fr"));
        assert_eq!(post.brands, ["Glow"]);
    }

    #[test]
    fn without_defaults_the_relationship_is_unknown() {
        assert_eq!(post(json!({})).unwrap().relationship, Relationship::Unknown);
    }

    #[test]
    fn unknown_values_name_the_key_the_value_and_the_allowed_ones() {
        let message = error(json!({"platform": "tiktoc"}));
        assert!(message.starts_with("platform: unknown platform 'tiktoc'; expected one of: "));
        assert!(message.contains("instagram, tiktok"), "{message}");
        assert!(error(json!({"relationship": "sponsor"})).starts_with("relationship: unknown"));
        assert!(error(json!({"media": "gif"})).starts_with("media: unknown media 'gif'"));
        let message = error(json!({"country": ["FR", "UK"]}));
        assert!(message.starts_with("country: unknown country 'UK'"), "{message}");
        assert!(message.contains("GB"), "{message}");
    }

    #[test]
    fn wrong_types_name_the_key_and_the_expected_type() {
        assert_eq!(
            error(json!({"retouched": "yes"})),
            "retouched: expected true or false, found a string"
        );
        assert_eq!(
            error(json!({"country": 5})),
            "country: expected a string or a list of strings, found a number"
        );
        assert_eq!(
            error(json!({"brand": ["a", 1]})),
            "brand: expected a string or a list of strings, found a list with a number"
        );
        assert_eq!(error(json!({"text": ["a"]})), "text: expected a string, found a list");
        assert_eq!(
            error(json!({"duration_s": "9"})),
            "duration_s: expected a number, found a string"
        );
        assert_eq!(
            error(json!({"id": true})),
            "id: expected a string or a number, found a boolean"
        );
        let message = error(json!({"subtitles": [{"start": 0, "text": "a"}]}));
        assert!(message.starts_with("subtitles: cue 0: missing field `end`"), "{message}");
    }

    #[test]
    fn errors_keep_the_id_even_when_it_comes_later() {
        let entries = [("platform", json!("nope")), ("media", json!("nope")), ("id", json!("p1"))];
        let entries = entries.into_iter().map(|(key, value)| (key, value, None));
        let error = build(entries, Origin::default(), &context()).unwrap_err();
        assert_eq!(error.id.as_deref(), Some("p1"));
        assert!(error.message.starts_with("platform: "), "{}", error.message);
    }

    #[test]
    fn platform_label_false_means_no_label() {
        assert_eq!(post(json!({"platform_label": false})).unwrap().platform_label, None);
        let label = post(json!({"platform_label": "branded_content"})).unwrap().platform_label;
        assert_eq!(label.as_deref(), Some("branded_content"));
    }
}
