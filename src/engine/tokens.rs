//! Hashtags, mentions and links of a normalised text. Hashtags follow X's
//! twitter-text grammar: `#` at the start or after a character that is not a
//! hashtag character nor `&`; a body of letters, marks, digits, `_` and the
//! middle dot with at least one letter; not followed by `#` or `://`; never
//! inside a link.

use std::ops::Range;
use std::sync::LazyLock;

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

/// The links [`find_link`] finds, as a pattern: a scheme or `www.` link,
/// or a bare domain followed by a path (`amzn.to/3xYz`); bare words with a
/// dot ("e.g.") are not links. ASCII word boundaries: links start with
/// ASCII. Tests hold the scan to it.
#[cfg(test)]
static LINK: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(
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
            let trimmed = text[found.clone()]
                .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', '"', '…']);
            let range = found.start..found.start + trimmed.len();
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
fn link_matches(text: &str) -> Vec<Range<usize>> {
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
        while let Some(found) = find_link(&text[..end], from) {
            from = found.end;
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

/// The first link in `text` that starts at `from` or after (the byte
/// before `from` counts for its word boundary), as [`LINK`] finds it: at
/// the first place where either kind of link starts, a scheme or `www.`
/// link before a bare domain. A scan instead of the pattern: a search
/// cost some 1,300 instructions a post, most of it setting up.
fn find_link(text: &str, from: usize) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    // The run of domain characters the places being looked at are in, and
    // where in it a bare domain with a path may start.
    let mut domain = DomainRun::default();
    for start in from..bytes.len() {
        let byte = bytes[start];
        let word_start = start == 0 || !is_ascii_word(bytes[start - 1]);
        if !(byte.is_ascii_lowercase() || byte.is_ascii_digit()) || !word_start {
            continue;
        }
        let rest = &bytes[start..];
        let scheme =
            ["https://", "http://", "www."].iter().find(|s| rest.starts_with(s.as_bytes()));
        if let Some(scheme) = scheme {
            let end = link_tail_end(text, start + scheme.len());
            if end > start + scheme.len() {
                return Some(start..end);
            }
        }
        if start >= domain.end {
            domain = DomainRun::around(bytes, start);
        }
        if domain.starts.contains(&start) {
            return Some(start..link_tail_end(text, domain.end + 1));
        }
    }
    None
}

/// A maximal run of the characters a domain is written with (`a`–`z`,
/// digits, `-`, `.`), and the places in it where a domain that ends the
/// run, followed by `/`, may start: a label (letters and digits, a hyphen
/// only inside) or the rest of one, more labels after a dot each, and a
/// last label of two letters or more.
#[derive(Debug, Default)]
struct DomainRun {
    end: usize,
    starts: Range<usize>,
}

impl DomainRun {
    fn around(bytes: &[u8], at: usize) -> DomainRun {
        let is_domain = |byte: &u8| matches!(byte, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.');
        let end =
            at + bytes[at..].iter().position(|byte| !is_domain(byte)).unwrap_or(bytes.len() - at);
        let none = DomainRun { end, starts: 0..0 };
        if bytes.get(end) != Some(&b'/') {
            return none;
        }
        // The labels from the last back, while each is well formed; a
        // domain may start in the last label read (if it ends with a letter
        // or digit) or in any after it, but not in the last label of all.
        let run_start = bytes[..at].iter().rposition(|byte| !is_domain(byte)).map_or(0, |i| i + 1);
        let mut labels = bytes[run_start..end].rsplit(|&byte| byte == b'.');
        let Some(last) = labels.next() else { return none };
        if last.len() < 2 || !last.iter().all(u8::is_ascii_lowercase) {
            return none;
        }
        let last_start = end - last.len();
        let mut first_valid = last_start;
        let mut next_start = last_start;
        for label in labels {
            // `next_start - 1` is the dot before the next label.
            let label_start = next_start - 1 - label.len();
            let ends_well = label.last().is_some_and(|byte| *byte != b'-');
            if ends_well {
                first_valid = label_start;
            }
            if !ends_well || label.first() == Some(&b'-') {
                break;
            }
            next_start = label_start;
        }
        DomainRun { end, starts: first_valid..last_start }
    }
}

/// Where a link's tail from `at` ends: at the first whitespace, `<` or `>`.
fn link_tail_end(text: &str, at: usize) -> usize {
    end_of_run(text, at, |c| !c.is_whitespace() && c != '<' && c != '>')
}

/// A byte of a word to an ASCII word boundary: a letter, a digit or `_`.
fn is_ascii_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
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
/// bytes (most of a tag, a handle or a link) are taken as they are, not
/// decoded.
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

    /// Asserts that the links found in every text of up to `longest`
    /// `pieces` are those the pattern finds over the whole text; returns
    /// how many there were.
    fn links_as_the_pattern_finds_them(pieces: &[&str], longest: usize) -> usize {
        let mut links = 0;
        for text in crate::engine::every_text(pieces, longest) {
            let whole: Vec<_> = LINK.find_iter(&text).map(|found| found.range()).collect();
            assert_eq!(link_matches(&text), whole, "{text:?}");
            links += whole.len();
        }
        links
    }

    /// Every text of up to four pieces of links, words, spaces and
    /// what may stop a link: the scan over the runs that hold `/` or
    /// `www.` finds what the pattern finds over the whole text.
    #[test]
    fn links_found_in_their_words_are_those_found_in_the_whole_text() {
        let pieces =
            ["a", ".", "co", "/", "www.", "http", "://", " ", "\n", "<", "é", "#", "-", "x.co/"];
        let links = links_as_the_pattern_finds_them(&pieces, 4);
        assert!(links > 10_000, "{links}");
    }

    /// Every text of up to five pieces of domains: labels with hyphens at
    /// either end, empty labels, top-level labels of one letter, digits or
    /// capitals, word characters before a label, and what ends a path.
    #[test]
    fn bare_domains_are_found_by_the_scan_as_by_the_pattern() {
        let pieces =
            ["a", "b1", "-", ".", "co", "/", "_", "X", "https://", "\u{a0}", ">", "z.", "7"];
        let links = links_as_the_pattern_finds_them(&pieces, 5);
        assert!(links > 50_000, "{links}");
    }

    proptest::proptest! {
        /// Any text of the characters links are made of and stopped by:
        /// the scan finds what the pattern finds from any place.
        #[test]
        fn a_link_is_found_from_any_place_as_the_pattern_finds_it(
            text in "(https?://|www\\.|[a-z0-9._/<>-]|[A-Z_ ]|\n|é|\u{3000})*",
            from in 0usize..64,
        ) {
            let from = (0..=from.min(text.len())).rev().find(|&at| text.is_char_boundary(at));
            let from = from.unwrap_or(0);
            let expected = LINK.find_at(&text, from).map(|found| found.range());
            proptest::prop_assert_eq!(find_link(&text, from), expected);
        }
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
