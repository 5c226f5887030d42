//! Hashtags, mentions and links of a normalised text. Hashtags follow X's
//! twitter-text grammar: `#` at the start or after a character that is not a
//! hashtag character nor `&`; a body of letters, marks, digits, `_` and the
//! middle dot with at least one letter; not followed by `#` or `://`; never
//! inside a link.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::char::is_combining_mark;

use super::letters::{is_letter, is_letter_or_digit};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hashtag {
    /// The whole tag, `#` included (normalised byte range).
    pub range: Range<usize>,
    /// The body after `#`.
    pub body: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub range: Range<usize>,
    pub host: Range<usize>,
    /// From the first `/` after the host up to `?`/`#` (may be empty).
    pub path: Range<usize>,
    /// The query string after `?`, without the `#fragment`.
    pub query: Range<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Tokens {
    pub hashtags: Vec<Hashtag>,
    /// `@handle` ranges, `@` included.
    pub mentions: Vec<Range<usize>>,
    pub links: Vec<Link>,
}

fn is_hashtag_char(c: char) -> bool {
    is_letter_or_digit(c) || c == '_' || c == '\u{00B7}' || is_combining_mark(c)
}

static LINK: LazyLock<Regex> = LazyLock::new(|| {
    // A scheme or `www.` link, or a bare domain followed by a path
    // (`amzn.to/3xYz`): bare words with a dot ("e.g.") are not links.
    // ASCII word boundaries: links start with ASCII, and a Unicode `\b`
    // sends the regex engine down a slow path on non-ASCII captions.
    Regex::new(
        r"(?:(?-u:\b)(?:https?://|www\.)[^\s<>]+|(?-u:\b)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}/[^\s<>]*)",
    )
    .expect("link pattern compiles")
});

impl Tokens {
    pub fn new(text: &str) -> Tokens {
        let links = find_links(text);
        let hashtags = find_hashtags(text, &links);
        let mentions = find_mentions(text, &links);
        Tokens { hashtags, mentions, links }
    }

    /// Whether `range` overlaps a link. Links are in text order and do not
    /// overlap, so a binary search finds the one link that can: checking a
    /// hit stays logarithmic however many links a caption holds.
    pub fn in_link(&self, range: &Range<usize>) -> bool {
        overlaps_link(&self.links, range)
    }

    /// Start of the trailing run of hashtags and mentions: the tags after it
    /// are separated by nothing but spaces, punctuation and emoji, and by no
    /// gap that `ends_paragraph` (a blank line sets a tag apart from the
    /// wall). `None` when the text does not end in tags.
    pub fn trailing_tags(
        &self,
        text: &str,
        ends_paragraph: impl Fn(Range<usize>) -> bool,
    ) -> Option<(usize, usize)> {
        let mut tags: Vec<Range<usize>> = self
            .hashtags
            .iter()
            .map(|tag| tag.range.clone())
            .chain(self.mentions.iter().cloned())
            .collect();
        tags.sort_by_key(|range| range.start);
        let mut cluster_start = None;
        let mut count = 0;
        let mut after = text.len();
        for tag in tags.iter().rev() {
            let gap = tag.end..after;
            if text[gap.clone()].chars().any(is_letter_or_digit)
                || (after < text.len() && ends_paragraph(gap))
            {
                break;
            }
            cluster_start = Some(tag.start);
            count += 1;
            after = tag.start;
        }
        cluster_start.map(|start| (start, count))
    }
}

/// See [`Tokens::in_link`]; `links` in text order, not overlapping.
fn overlaps_link(links: &[Link], range: &Range<usize>) -> bool {
    let first_ending_after = links.partition_point(|link| link.range.end <= range.start);
    links.get(first_ending_after).is_some_and(|link| link.range.start < range.end)
}

fn find_links(text: &str) -> Vec<Link> {
    link_matches(text)
        .into_iter()
        .map(|found| {
            let trimmed = found
                .as_str()
                .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', '"', '…']);
            let range = found.start()..found.start() + trimmed.len();
            split_link(text, range)
        })
        .collect()
}

/// The searcher for `www.`, built once rather than for each text: links
/// and the language detector's noise are looked for where it finds one.
pub(super) static WWW: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("www."));

/// The run of bytes between spaces (or the text's ends) that holds `at`.
pub(super) fn run_around(bytes: &[u8], at: usize) -> Range<usize> {
    let start = memchr::memrchr(b' ', &bytes[..at]).map_or(0, |space| space + 1);
    let end = memchr::memchr(b' ', &bytes[at..]).map_or(bytes.len(), |space| at + space);
    start..end
}

/// What [`LINK`] finds in `text`, in order. Every link it finds holds a
/// `/` or `www.` and no space, so the pattern runs only over the runs
/// between spaces that hold one (with the text before as context for its
/// word boundary), not over the whole caption: most words hold neither.
fn link_matches(text: &str) -> Vec<regex::Match<'_>> {
    let bytes = text.as_bytes();
    let find_after = |from: usize, find: &dyn Fn(&[u8]) -> Option<usize>| {
        bytes.get(from..).and_then(find).map(|at| from + at)
    };
    let slash = |from: usize| find_after(from, &|rest| memchr::memchr(b'/', rest));
    let www = |from: usize| find_after(from, &|rest| WWW.find(rest));
    let (mut next_slash, mut next_www) = (slash(0), www(0));
    let mut matches = Vec::new();
    while let Some(hit) = next_slash.into_iter().chain(next_www).min() {
        let Range { start, end } = run_around(bytes, hit);
        let mut from = start;
        while let Some(found) = LINK.find_at(&text[..end], from) {
            from = found.end();
            matches.push(found);
        }
        // Searched for again only once passed, and never again once not
        // found: linear in the text however many runs hold a link.
        if next_slash.is_some_and(|at| at < end) {
            next_slash = slash(end);
        }
        if next_www.is_some_and(|at| at < end) {
            next_www = www(end);
        }
    }
    matches
}

fn split_link(text: &str, range: Range<usize>) -> Link {
    let raw = &text[range.clone()];
    let after_scheme = raw.find("://").map_or(0, |at| at + 3);
    let host_start = range.start + after_scheme;
    let rest = &text[host_start..range.end];
    let host_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = host_start..host_start + host_len;
    let after_host = &text[host.end..range.end];
    let path_len = after_host.find(['?', '#']).unwrap_or(after_host.len());
    let path = host.end..host.end + path_len;
    let query = if text[path.end..range.end].starts_with('?') {
        let query_text = &text[path.end + 1..range.end];
        let query_len = query_text.find('#').unwrap_or(query_text.len());
        path.end + 1..path.end + 1 + query_len
    } else {
        path.end..path.end
    };
    Link { range, host, path, query }
}

/// Hashtags or mentions a caption that has one gets room for at once: a
/// caption seldom holds more, and a vector grown from nothing is copied at
/// its fifth and its ninth.
const TAGS_CAPACITY: usize = 16;

fn find_hashtags(text: &str, links: &[Link]) -> Vec<Hashtag> {
    let mut tags = Vec::new();
    // An ASCII byte is never part of another character: a byte search.
    for at in memchr::memchr_iter(b'#', text.as_bytes()) {
        if let Some(before) = text[..at].chars().next_back()
            && (is_hashtag_char(before) || before == '&')
        {
            continue;
        }
        let body = at + 1..end_of_run(text, at + 1, is_hashtag_char);
        let body_len = body.len();
        let rest = &text[body.end..];
        let inside_link = overlaps_link(links, &(at..at + 1));
        if body_len == 0
            || !text[body.clone()].chars().any(is_letter)
            || rest.starts_with('#')
            || rest.starts_with("://")
            || inside_link
        {
            continue;
        }
        if tags.is_empty() {
            tags.reserve(TAGS_CAPACITY);
        }
        tags.push(Hashtag { range: at..body.end, body });
    }
    tags
}

/// Where the run of characters from `from` that `belongs` takes ends. ASCII
/// bytes (most of a tag or handle) are taken as they are, not decoded.
fn end_of_run(text: &str, from: usize, belongs: impl Fn(char) -> bool) -> usize {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(&byte) = bytes.get(at) {
        let c = match byte.is_ascii() {
            true => char::from(byte),
            false => text[at..].chars().next().unwrap_or_default(),
        };
        if !belongs(c) {
            break;
        }
        at += c.len_utf8();
    }
    at
}

fn find_mentions(text: &str, links: &[Link]) -> Vec<Range<usize>> {
    let mut mentions = Vec::new();
    for at in memchr::memchr_iter(b'@', text.as_bytes()) {
        if let Some(before) = text[..at].chars().next_back()
            && (is_letter_or_digit(before) || before == '_' || before == '.')
        {
            continue; // e-mail addresses and the like
        }
        let body_end = end_of_run(text, at + 1, |c| is_letter_or_digit(c) || c == '_' || c == '.');
        // A trailing dot ends the sentence, not the handle.
        let handle = text[at + 1..body_end].trim_end_matches('.');
        if handle.is_empty() || overlaps_link(links, &(at..at + 1)) {
            continue;
        }
        if mentions.is_empty() {
            mentions.reserve(TAGS_CAPACITY);
        }
        mentions.push(at..at + 1 + handle.len());
    }
    mentions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(text: &str) -> Vec<&str> {
        let tokens = Tokens::new(text);
        tokens.hashtags.iter().map(|tag| &text[tag.body.clone()]).collect()
    }

    #[test]
    fn hashtags_follow_the_twitter_grammar() {
        assert_eq!(bodies("#ad love it #Glow_Lab"), vec!["ad", "Glow_Lab"]);
        assert_eq!(bodies("x#ad"), Vec::<&str>::new(), "glued to a letter");
        assert_eq!(bodies("&#ad"), Vec::<&str>::new(), "HTML entity");
        assert_eq!(bodies("#2024"), Vec::<&str>::new(), "digits only");
        assert_eq!(bodies("#ad#ad"), Vec::<&str>::new(), "followed by #");
        assert_eq!(bodies("(#ad)"), vec!["ad"]);
        assert_eq!(bodies("#pubblicità"), vec!["pubblicità"]);
        assert_eq!(bodies("#광고 👍"), vec!["광고"]);
        assert_eq!(bodies("👍#ad"), vec!["ad"], "emoji is not a hashtag character");
    }

    #[test]
    fn a_hash_inside_a_link_is_not_a_hashtag() {
        assert_eq!(bodies("see https://example.com/#ad now"), Vec::<&str>::new());
        assert_eq!(bodies("www.shop.com/page#sponsored"), Vec::<&str>::new());
    }

    #[test]
    fn links_split_into_host_path_and_query() {
        let text = "buy it: https://www.amazon.de/dp/B0?tag=me-21&x=1. thanks";
        let tokens = Tokens::new(text);
        let link = &tokens.links[0];
        assert_eq!(&text[link.range.clone()], "https://www.amazon.de/dp/B0?tag=me-21&x=1");
        assert_eq!(&text[link.host.clone()], "www.amazon.de");
        assert_eq!(&text[link.path.clone()], "/dp/B0");
        assert_eq!(&text[link.query.clone()], "tag=me-21&x=1");
        let bare = Tokens::new("shop amzn.to/3xyz now, e.g. this");
        assert_eq!(bare.links.len(), 1);
        assert_eq!(&"shop amzn.to/3xyz now, e.g. this"[bare.links[0].host.clone()], "amzn.to");
    }

    #[test]
    fn mentions_skip_email_addresses() {
        let text = "thanks @glow.lab. mail me@x.com";
        let tokens = Tokens::new(text);
        let found: Vec<&str> = tokens.mentions.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(found, vec!["@glow.lab"]);
    }

    #[test]
    fn trailing_tags_stop_at_words() {
        let text = "great serum, love it ✨ #skincare #glow @glowlab #ad";
        let tokens = Tokens::new(text);
        let (start, count) = tokens.trailing_tags(text, |_| false).unwrap();
        assert_eq!(&text[start..start + 9], "#skincare");
        assert_eq!(count, 4);
        assert_eq!(Tokens::new("#ad my words").trailing_tags("#ad my words", |_| false), None);
    }

    /// Every text of up to four pieces of links, words, spaces and
    /// what may stop a link: the pattern run over the runs that hold `/`
    /// or `www.` finds what it finds over the whole text.
    #[test]
    fn links_found_in_their_words_are_those_found_in_the_whole_text() {
        let pieces =
            ["a", ".", "co", "/", "www.", "http", "://", " ", "\n", "<", "é", "#", "-", "x.co/"];
        let mut links = 0;
        for text in crate::engine::every_text(&pieces, 4) {
            let whole: Vec<_> = LINK.find_iter(&text).map(|found| found.range()).collect();
            let in_words: Vec<_> = link_matches(&text).iter().map(|found| found.range()).collect();
            assert_eq!(in_words, whole, "{text:?}");
            links += whole.len();
        }
        assert!(links > 10_000, "{links}");
    }

    #[test]
    fn a_link_is_found_by_search_like_by_a_scan() {
        let text = "#a https://x.co/#b @c www.y.org/@d e #f amzn.to/3x #g";
        let tokens = Tokens::new(text);
        assert_eq!(bodies(text), vec!["a", "f", "g"]);
        assert_eq!(tokens.mentions.len(), 1);
        for start in 0..text.len() {
            for end in start..=text.len() {
                let scan = tokens
                    .links
                    .iter()
                    .any(|link| link.range.start < end && start < link.range.end);
                assert_eq!(tokens.in_link(&(start..end)), scan, "{start}..{end}");
            }
        }
    }
}
