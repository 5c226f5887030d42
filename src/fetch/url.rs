//! A public page as a generic post: its `og:title` and `og:description`,
//! and the author and title of the oEmbed endpoint the page links, if any.

use reqwest::Url;
use serde_json::Value;

use super::client::Client;
use super::{FetchError, Run, parse_json, post_object, text_at};

const NAME: &str = "page";

pub fn fetch(client: &Client, address: &str, run: &mut Run) -> Result<(), FetchError> {
    let url = Url::parse(address).map_err(|error| {
        FetchError::failed(NAME, format!("{address} is not a web address: {error}"))
    })?;
    let reply = client.get(&url).map_err(|error| super::http_failed(NAME, error))?;
    run.page();
    let html = String::from_utf8_lossy(&reply.body);
    let tags = Tags::read(&html);
    let oembed = match tags.oembed.as_deref().and_then(|href| url.join(href).ok()) {
        Some(endpoint) => {
            let reply = client.get(&endpoint).map_err(|error| super::http_failed(NAME, error))?;
            Some(parse_json(NAME, &reply.body)?)
        }
        None => None,
    };
    let from_oembed =
        |key: &str| oembed.as_ref().and_then(|answer| text_at(answer, &format!("/{key}")));
    let post = post_object([
        ("id", Some(address.into())),
        ("platform", platform_of(&url).map(Value::from)),
        ("title", tags.title.or_else(|| from_oembed("title")).map(Value::from)),
        ("text", Some(tags.description.unwrap_or_default().into())),
        ("url", Some(address.into())),
        ("author", from_oembed("author_name").map(Value::from)),
    ]);
    run.post(post, None, false).map(|_| ())
}

/// The platform a page's host belongs to, when it is one the packs know.
fn platform_of(url: &Url) -> Option<&'static str> {
    let host = url.host_str()?.trim_start_matches("www.").trim_start_matches("m.");
    match host {
        "youtube.com" | "youtu.be" => Some("youtube"),
        "instagram.com" => Some("instagram"),
        "tiktok.com" => Some("tiktok"),
        "facebook.com" => Some("facebook"),
        "x.com" | "twitter.com" => Some("x"),
        "linkedin.com" => Some("linkedin"),
        _ => None,
    }
}

/// What a page's `<meta>` and `<link>` tags say.
#[derive(Debug, Default, PartialEq)]
struct Tags {
    title: Option<String>,
    description: Option<String>,
    oembed: Option<String>,
}

impl Tags {
    fn read(html: &str) -> Tags {
        let mut tags = Tags::default();
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            rest = &rest[at + 1..];
            let end = rest.find('>').unwrap_or(rest.len());
            let tag = &rest[..end];
            rest = &rest[end..];
            let name: String = tag
                .chars()
                .take_while(char::is_ascii_alphabetic)
                .collect::<String>()
                .to_ascii_lowercase();
            let attributes = attributes(&tag[name.len()..]);
            let get = |wanted: &str| {
                attributes.iter().find(|(name, _)| name == wanted).map(|(_, value)| value.clone())
            };
            match name.as_str() {
                "meta" => {
                    let content = get("content");
                    match get("property").or_else(|| get("name")).as_deref() {
                        Some("og:title") => tags.title = tags.title.take().or(content),
                        Some("og:description") => {
                            tags.description = tags.description.take().or(content);
                        }
                        _ => {}
                    }
                }
                "link" if get("type").as_deref() == Some("application/json+oembed") => {
                    tags.oembed = tags.oembed.take().or(get("href"));
                }
                // The head is over: the body's tags are not the page's.
                "body" => break,
                _ => {}
            }
        }
        tags
    }
}

/// `name="value"` pairs of a tag, names lowercased, values unescaped.
fn attributes(mut text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    loop {
        text = text.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        let name_end =
            text.find(|c: char| c == '=' || c.is_whitespace() || c == '/').unwrap_or(text.len());
        if name_end == 0 {
            return found;
        }
        let name = text[..name_end].to_ascii_lowercase();
        text = text[name_end..].trim_start();
        let Some(after) = text.strip_prefix('=') else {
            found.push((name, String::new()));
            continue;
        };
        let after = after.trim_start();
        let (value, remainder) = match after.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let inner = &after[1..];
                let close = inner.find(quote).unwrap_or(inner.len());
                (&inner[..close], inner.get(close + 1..).unwrap_or(""))
            }
            _ => {
                let close = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..close], &after[close..])
            }
        };
        found.push((name, unescape(value)));
        text = remainder;
    }
}

/// The HTML character references pages use in attribute values.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // A reference is short; `;` is ASCII, so its byte offset is a boundary.
        let end = rest.as_bytes().iter().take(12).position(|byte| *byte == b';');
        let decoded = end.and_then(|end| {
            let entity = &rest[1..end];
            let character = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|digits| digits.parse().ok()))
                    .and_then(char::from_u32),
            };
            character.map(|character| (character, end))
        });
        match decoded {
            Some((character, end)) => {
                out.push(character);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_graph_and_oembed_tags_are_read_with_their_entities() {
        let html = r#"<html><head><title>x</title>
            <meta property="og:title" content="Glow &amp; Co">
            <META name='og:description' content="Gifted by @glow &#8212; thanks &#x1F49B;"/>
            <link rel="alternate" type="application/json+oembed" href="/oembed?url=a&amp;format=json">
            </head><body><meta property="og:title" content="not this"></body>"#;
        let tags = Tags::read(html);
        assert_eq!(tags.title.as_deref(), Some("Glow & Co"));
        assert_eq!(tags.description.as_deref(), Some("Gifted by @glow — thanks 💛"));
        assert_eq!(tags.oembed.as_deref(), Some("/oembed?url=a&format=json"));
        assert_eq!(Tags::read("no tags < at all"), Tags::default());
        assert_eq!(unescape("a & b &bogus; &#xZZ;"), "a & b &bogus; &#xZZ;");
        // A multi-byte character where a reference would have to end.
        assert_eq!(unescape("&aaaaaaaaaé"), "&aaaaaaaaaé");
    }

    proptest::proptest! {
        #[test]
        fn any_page_text_is_read_without_panicking(html in "(<meta|<link| |=|'|\"|&#?x?[0-9a-f]{0,3};?|é|💛|>|[a-z:+]{1,6})*") {
            let _ = Tags::read(&html);
            let _ = unescape(&html);
        }
    }
}
