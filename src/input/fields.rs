//! Post keys → [`Post`]: the one place that knows the keys, their aliases and
//! their types, shared by every reader and by rule examples.

use serde_json::{Map, Value};

use crate::finding::RecordError;
use crate::limits::over_limit;
use crate::post::{Media, Origin, Platform, Post, Relationship};

use super::values::{
    ValueError, boolean, cues, id, number, platform_label, string, strings, vocabulary,
};
use super::{Defaults, ReadContext};

/// The keys that carry the text, strongest first.
const TEXT_KEYS: [&str; 4] = ["text", "caption", "description", "body"];

/// Every post key of the input format, text aliases included. Keys sponsorlint
/// does not interpret (`url`, `author`, `published_at`) are kept in `extra`.
pub(super) const KEYS: [&str; 20] = [
    "id",
    "text",
    "caption",
    "description",
    "body",
    "title",
    "platform",
    "country",
    "language",
    "relationship",
    "brand",
    "media",
    "platform_label",
    "retouched",
    "ai_generated",
    "duration_s",
    "subtitles",
    "url",
    "author",
    "published_at",
];

/// The post key a column header or a `--map` key names, if any: matched
/// without regard to case or surrounding spaces, with inner spaces and
/// hyphens read as `_` (so "AI generated" is `ai_generated`).
pub(super) fn known_key(name: &str) -> Option<&'static str> {
    let wanted: String = name
        .trim()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c.to_ascii_lowercase() })
        .collect();
    KEYS.into_iter().find(|key| *key == wanted)
}

/// How strongly a text key holds the text: 0 for `text`, then `caption`,
/// `description`, `body`; `None` for other keys.
pub(super) fn text_rank(key: &str) -> Option<usize> {
    TEXT_KEYS.iter().position(|text_key| *text_key == key)
}

/// The key an alias stands for: `text` for every text alias, else the key.
pub(super) fn canonical(key: &str) -> &str {
    if TEXT_KEYS.contains(&key) { "text" } else { key }
}

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
    let mut builder = Builder::new(origin, ctx);
    for (key, value, offset) in entries {
        builder.key(key.as_ref(), Ok(value), offset.map_or(Place::Unknown, Place::Offset));
    }
    builder.finish().map_err(|failure| failure.error)
}

/// Where a value sits in its file, so the post's origin can point at its
/// text and an error at the value at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    Unknown,
    /// Byte offset of the value in the file.
    Offset(usize),
    /// 1-based column of the cell (CSV, sheets).
    Column(u64),
}

/// A post built from entries one at a time; see [`build`].
pub(super) struct Builder<'a> {
    fields: Fields,
    ctx: &'a ReadContext,
    /// The first error and the place of its value.
    first_error: Option<(KeyError, Place)>,
}

/// A post key whose value is wrong: `platform: unknown platform 'tiktoc'; …`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{key}: {error}")]
pub(super) struct KeyError {
    key: String,
    error: ValueError,
}

/// A record that could not become a post, and where the value at fault is.
#[derive(Debug)]
pub(super) struct Failure {
    pub(super) error: RecordError,
    pub(super) place: Place,
}

impl<'a> Builder<'a> {
    pub(super) fn new(origin: Origin, ctx: &'a ReadContext) -> Self {
        Builder { fields: Fields::new(origin), ctx, first_error: None }
    }

    /// Sets a post key; `value` is an error when the reader could not even
    /// convert it.
    pub(super) fn key(&mut self, key: &str, value: Result<Value, ValueError>, place: Place) {
        if let Err(error) = value.and_then(|value| self.fields.set(key, value, place, self.ctx)) {
            self.first_error
                .get_or_insert_with(|| (KeyError { key: key.to_owned(), error }, place));
        }
    }

    /// Where the post comes from.
    pub(super) fn origin(&self) -> &Origin {
        &self.fields.post.origin
    }

    /// Keeps a value in `extra` under its own name, whatever the name.
    pub(super) fn extra(&mut self, name: String, value: Value) {
        self.fields.post.extra.insert(name, value);
    }

    pub(super) fn finish(mut self) -> Result<Post, Failure> {
        let text_bytes = self.fields.post.text.len() as u64;
        let limit = self.ctx.limits.post_text;
        if self.first_error.is_none() && text_bytes > limit {
            let error = ValueError::TooLarge(over_limit(text_bytes, "post-text", limit));
            let error = KeyError { key: "text".to_string(), error };
            self.first_error = Some((error, Place::Unknown));
        }
        match self.first_error {
            None => Ok(self.fields.finish(&self.ctx.defaults)),
            Some((error, place)) => {
                let Post { origin, id, .. } = self.fields.post;
                let error =
                    RecordError { origin: Box::new(origin), id, message: error.to_string() };
                Err(Failure { error, place })
            }
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
        place: Place,
        ctx: &ReadContext,
    ) -> Result<(), ValueError> {
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
                    for &market in ctx.groups.resolve(&code)?.iter() {
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
                        match place {
                            Place::Offset(offset) => post.origin.text_offset = Some(offset),
                            Place::Column(column) => post.origin.column = Some(column),
                            Place::Unknown => {}
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::input::tests::context;
    use crate::post::{Cue, Market};

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
        // In the user's words, not serde's (`expected f64`, `struct Cue`).
        assert_eq!(
            error(json!({"subtitles": [{"start": 0, "end": 1, "text": "a"}, {"start": "0:01"}]})),
            "subtitles: cue 1: start: expected a number, found a string"
        );
        assert_eq!(
            error(json!({"subtitles": [5]})),
            "subtitles: cue 0: expected a {start, end, text} object, found a number"
        );
        assert_eq!(
            error(json!({"subtitles": [{"start": 0, "end": 1, "text": "a", "speaker": "x"}]})),
            "subtitles: cue 0: unknown field `speaker`, expected one of `start`, `end`, `text`"
        );
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
    fn known_keys_ignore_case_and_spaces_and_read_spaces_as_underscores() {
        assert_eq!(known_key(" Caption "), Some("caption"));
        assert_eq!(known_key("AI Generated"), Some("ai_generated"));
        assert_eq!(known_key("platform-label"), Some("platform_label"));
        assert_eq!(known_key("Published At"), Some("published_at"));
        assert_eq!(known_key("Market"), None);
        assert_eq!(canonical("body"), "text");
        assert_eq!(canonical("brand"), "brand");
    }

    #[test]
    fn platform_label_false_means_no_label() {
        assert_eq!(post(json!({"platform_label": false})).unwrap().platform_label, None);
        let label = post(json!({"platform_label": "branded_content"})).unwrap().platform_label;
        assert_eq!(label.as_deref(), Some("branded_content"));
    }
}
