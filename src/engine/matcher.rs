//! Every term of every loaded pack compiled into one matcher: one
//! aho-corasick automaton for words and phrases, hash lookups for hashtags,
//! one `RegexSet` for regex terms, a small list for link patterns, and brand
//! templates expanded per post. A post field is scanned once; each hit names
//! the term set it belongs to. A set's [`TermOptions`] (accents or spaces
//! optional) are spellings added when the matcher is built, so they cost
//! nothing per post.

use foldhash::HashMap;
use std::ops::Range;
use std::str::FromStr;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::memmem::Finder;
use regex::{Regex, RegexBuilder};

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use super::normalize::{Normalized, is_zero_width, normalize_term};
use super::script;
use super::tokens::{Hashtag, Link, Tokens};
use crate::finding::Field;

/// Index of a term set in the rule registry.
pub type SetId = u32;

/// Compiled regexes may not grow past this (bytes), so a pack cannot make
/// every post slow.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchMode {
    Hashtag,
    HashtagPrefix,
    Word,
    Phrase,
    Url,
    Regex,
}

impl FromStr for MatchMode {
    type Err = String;
    fn from_str(value: &str) -> Result<Self, String> {
        Ok(match value {
            "hashtag" => MatchMode::Hashtag,
            "hashtag-prefix" => MatchMode::HashtagPrefix,
            "word" => MatchMode::Word,
            "phrase" => MatchMode::Phrase,
            "url" => MatchMode::Url,
            "regex" => MatchMode::Regex,
            other => {
                return Err(format!(
                    "unknown match mode '{other}'; expected one of: hashtag, hashtag-prefix, word, phrase, url, regex"
                ));
            }
        })
    }
}

/// How the terms of a set may be spelled in a post besides as written (the
/// normalisation every term gets aside). Each option adds spellings of
/// every term when the matcher is built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TermOptions {
    /// A letter written with an accent also matches without it:
    /// "Publicité" matches "Publicite", "PUBLICITE" and "Publicité" with
    /// only some of its accents. An unaccented letter of the term still
    /// needs an unaccented letter in the text.
    pub accents_optional: bool,
    /// The words of a phrase also match run together or joined by `_`, as
    /// in hashtags: "paid partnership" matches "#PaidPartnership" and
    /// "#paid_partnership". The spaces next to `{brand}` stay.
    pub spaces_optional: bool,
}

impl TermOptions {
    /// The match modes each option applies to.
    pub const ACCENTS_MODES: &[MatchMode] =
        &[MatchMode::Hashtag, MatchMode::HashtagPrefix, MatchMode::Word, MatchMode::Phrase];
    pub const SPACES_MODES: &[MatchMode] = &[MatchMode::Word, MatchMode::Phrase];
}

/// At most this many accented letters per term with accents optional: each
/// doubles the spellings a term stands for.
pub const MAX_OPTIONAL_ACCENTS: usize = 8;

/// The base letter of a Latin, Greek or Cyrillic letter with diacritics
/// (é → e, ç → c, ü → u, ā → a, ά → α); `None` for every other character,
/// also for letters of their own such as ß, ø and ł, and for kana with a
/// voicing mark (が is not か).
fn without_accent(c: char) -> Option<char> {
    if c.is_ascii() {
        return None;
    }
    let mut parts: Vec<char> = Vec::with_capacity(3);
    decompose_canonical(c, |part| parts.push(part));
    match parts.split_first() {
        Some((&base, marks))
            if !marks.is_empty()
                && base < '\u{0530}'
                && marks.iter().all(|&mark| is_combining_mark(mark)) =>
        {
            Some(base)
        }
        _ => None,
    }
}

/// The spellings a term stands for under `options`, the term itself first
/// (normalised, as post text is). Spaces are only replaced between the
/// words of the text around `{brand}`, never next to the brand.
fn spellings(term: &str, options: TermOptions) -> Result<Vec<String>, String> {
    let normalized = normalize_term(term);
    let mut spellings = vec![normalized.clone()];
    if options.accents_optional {
        let accented: Vec<(usize, char, char)> = normalized
            .char_indices()
            .filter_map(|(at, c)| without_accent(c).map(|base| (at, c, base)))
            .collect();
        if accented.len() > MAX_OPTIONAL_ACCENTS {
            return Err(format!(
                "'{term}' has {} accented letters; with accents optional a term may have at most {MAX_OPTIONAL_ACCENTS}",
                accented.len()
            ));
        }
        // Every subset of the accents left out, the term as written first.
        for dropped in 1..1usize << accented.len() {
            let mut spelling = String::with_capacity(normalized.len());
            let mut copied = 0;
            for (bit, &(at, accented_letter, base)) in accented.iter().enumerate() {
                spelling.push_str(&normalized[copied..at]);
                spelling.push(if dropped & (1 << bit) != 0 { base } else { accented_letter });
                copied = at + accented_letter.len_utf8();
            }
            spelling.push_str(&normalized[copied..]);
            spellings.push(spelling);
        }
    }
    if options.spaces_optional {
        let spaced = spellings.len();
        for index in 0..spaced {
            for separator in ["", "_"] {
                let joined = join_words(&spellings[index], separator);
                if !spellings.contains(&joined) {
                    spellings.push(joined);
                }
            }
        }
    }
    Ok(spellings)
}

/// The spaces between words replaced by `separator`, except the spaces next
/// to `{brand}` (and at either end).
fn join_words(text: &str, separator: &str) -> String {
    let pieces: Vec<String> = text
        .split("{brand}")
        .map(|piece| {
            let words = piece.trim();
            let start = piece.len() - piece.trim_start().len();
            let end = start + words.len();
            format!("{}{}{}", &piece[..start], words.replace(' ', separator), &piece[end..])
        })
        .collect();
    pieces.join("{brand}")
}

/// One match of a term in one field of a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub set: SetId,
    pub field: Field,
    /// Byte range in the normalised field text.
    pub range: Range<usize>,
    /// Byte range in the original field text.
    pub original: Range<usize>,
    /// The match needed zero-width characters to be ignored.
    pub obfuscated: bool,
}

/// A field of a post, normalised and tokenised once.
#[derive(Debug, Clone)]
pub struct ScannedField {
    pub field: Field,
    pub normalized: Normalized,
    pub tokens: Tokens,
}

impl ScannedField {
    pub fn new(field: Field, original: &str) -> ScannedField {
        let normalized = Normalized::new(original);
        let tokens = Tokens::new(&normalized.text);
        ScannedField { field, normalized, tokens }
    }
}

#[derive(Debug, Clone)]
struct UrlPattern {
    /// Host labels; `*` is one label, or all the remaining ones at the end.
    host: Vec<String>,
    path_prefix: String,
    /// Query parameter name, and an optional value prefix.
    param: Option<(String, String)>,
}

impl UrlPattern {
    fn parse(term: &str) -> Result<UrlPattern, String> {
        let term = term.trim().to_ascii_lowercase();
        let term = term.trim_start_matches("https://").trim_start_matches("http://");
        let (location, param) = match term.split_once('?') {
            Some((location, param)) => (location, Some(param)),
            None => (term, None),
        };
        let (host, path) = match location.find('/') {
            Some(at) => (&location[..at], &location[at..]),
            None => (location, ""),
        };
        if host.is_empty() || host.split('.').any(str::is_empty) {
            return Err(format!(
                "'{term}' has no host; write e.g. amzn.to, amazon.*?tag or 7eer.net/c/"
            ));
        }
        let param = param.map(|param| match param.split_once('=') {
            Some((name, value)) => (name.to_string(), value.to_string()),
            None => (param.to_string(), String::new()),
        });
        Ok(UrlPattern {
            host: host.split('.').map(str::to_string).collect(),
            path_prefix: path.to_string(),
            param,
        })
    }

    /// `labels` are the link's host labels, split once for all patterns.
    fn matches(&self, text: &str, link: &Link, labels: &[&str]) -> bool {
        let host_ok = (0..labels.len()).any(|start| self.host_matches_from(&labels[start..]));
        host_ok
            && text[link.path.clone()].starts_with(&self.path_prefix)
            && self.param.as_ref().is_none_or(|(name, value_prefix)| {
                text[link.query.clone()].split('&').any(|pair| {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    key == name && value.starts_with(value_prefix.as_str())
                })
            })
    }

    fn host_matches_from(&self, labels: &[&str]) -> bool {
        let last = self.host.len() - 1;
        for (index, pattern) in self.host.iter().enumerate() {
            if index == last && pattern == "*" {
                return labels.len() > index;
            }
            match labels.get(index) {
                Some(label) if pattern == "*" || pattern == label => {}
                _ => return false,
            }
        }
        labels.len() == self.host.len()
    }
}

/// A term containing `{brand}`, expanded per post.
#[derive(Debug, Clone, PartialEq, Eq)]
struct BrandTerm {
    set: SetId,
    mode: MatchMode,
    before: String,
    after: String,
}

/// The word a phrase's text ends with, ignoring trailing spaces ("to" of
/// "thanks to "); empty when it ends in punctuation.
fn last_word(text: &str) -> &str {
    let trimmed = text.trim_end();
    let start = trimmed
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(trimmed.len(), |(at, _)| at);
    &trimmed[start..]
}

/// The word a phrase's text starts with, ignoring leading spaces.
fn first_word(text: &str) -> &str {
    let trimmed = text.trim_start();
    let end = trimmed.find(|c: char| !c.is_alphanumeric()).unwrap_or(trimmed.len());
    &trimmed[..end]
}

/// Drops spaces and punctuation, as brand names are written in hashtags.
fn compact(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Collects terms while packs are compiled.
#[derive(Debug, Default)]
pub struct MatcherBuilder {
    literals: Vec<String>,
    literal_sets: Vec<Vec<SetId>>,
    literal_index: HashMap<String, usize>,
    hashtags: HashMap<String, Vec<SetId>>,
    prefixes: Vec<(String, SetId)>,
    urls: Vec<(UrlPattern, SetId)>,
    regexes: Vec<(Regex, SetId)>,
    brand_terms: Vec<BrandTerm>,
}

impl MatcherBuilder {
    /// Adds one term, spelled only as written; the error says what is wrong
    /// with it.
    pub fn add(&mut self, set: SetId, mode: MatchMode, term: &str) -> Result<(), String> {
        self.add_with(set, mode, TermOptions::default(), term)
    }

    /// Adds one term and the other spellings `options` allow.
    pub fn add_with(
        &mut self,
        set: SetId,
        mode: MatchMode,
        options: TermOptions,
        term: &str,
    ) -> Result<(), String> {
        if term.trim().is_empty() {
            return Err("empty term".to_string());
        }
        if options.accents_optional && !TermOptions::ACCENTS_MODES.contains(&mode) {
            return Err("accents can only be optional in hashtag, word and phrase terms".into());
        }
        if options.spaces_optional && !TermOptions::SPACES_MODES.contains(&mode) {
            return Err("spaces can only be optional in word and phrase terms".into());
        }
        if options == TermOptions::default() {
            return self.add_spelling(set, mode, term);
        }
        // The term as written first, so that its own problems are reported
        // in its own words.
        self.add_spelling(set, mode, term)?;
        for spelling in spellings(term, options)?.iter().skip(1) {
            self.add_spelling(set, mode, spelling)?;
        }
        Ok(())
    }

    fn add_spelling(&mut self, set: SetId, mode: MatchMode, term: &str) -> Result<(), String> {
        if term.contains("{brand}") {
            return self.add_brand_term(set, mode, term);
        }
        match mode {
            MatchMode::Hashtag | MatchMode::HashtagPrefix => {
                let body = hashtag_body(term)?;
                if mode == MatchMode::Hashtag {
                    let sets = self.hashtags.entry(body).or_default();
                    if !sets.contains(&set) {
                        sets.push(set);
                    }
                } else if !self.prefixes.contains(&(body.clone(), set)) {
                    self.prefixes.push((body, set));
                }
            }
            MatchMode::Word | MatchMode::Phrase => {
                let pattern = normalize_term(term);
                let index = *self.literal_index.entry(pattern.clone()).or_insert_with(|| {
                    self.literals.push(pattern);
                    self.literal_sets.push(Vec::new());
                    self.literals.len() - 1
                });
                if !self.literal_sets[index].contains(&set) {
                    self.literal_sets[index].push(set);
                }
            }
            MatchMode::Url => self.urls.push((UrlPattern::parse(term)?, set)),
            MatchMode::Regex => {
                let regex = RegexBuilder::new(term)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|error| format!("invalid regex: {error}"))?;
                self.regexes.push((regex, set));
            }
        }
        Ok(())
    }

    fn add_brand_term(&mut self, set: SetId, mode: MatchMode, term: &str) -> Result<(), String> {
        if matches!(mode, MatchMode::Url | MatchMode::Regex) {
            return Err(
                "{brand} is only allowed in hashtag, hashtag-prefix, word and phrase terms"
                    .to_string(),
            );
        }
        let (before, after) = term.split_once("{brand}").unwrap_or((term, ""));
        if after.contains("{brand}") {
            return Err("{brand} may appear only once in a term".to_string());
        }
        let (before, after) = if matches!(mode, MatchMode::Hashtag | MatchMode::HashtagPrefix) {
            (compact(&normalize_term(before)), compact(&normalize_term(after)))
        } else {
            (Normalized::new(before.trim_start()).text, Normalized::new(after.trim_end()).text)
        };
        let term = BrandTerm { set, mode, before, after };
        if !self.brand_terms.contains(&term) {
            self.brand_terms.push(term);
        }
        Ok(())
    }

    pub fn build(self) -> Matcher {
        let automaton =
            AhoCorasickBuilder::new().match_kind(MatchKind::Standard).build(&self.literals).ok();
        Matcher {
            automaton,
            literal_sets: self.literal_sets,
            hashtags: self.hashtags,
            prefixes: self.prefixes,
            urls: self.urls,
            regexes: self.regexes,
            brand_phrases: BrandPhrases::index(&self.brand_terms),
            brand_terms: self.brand_terms,
        }
    }
}

fn hashtag_body(term: &str) -> Result<String, String> {
    let normalized = normalize_term(term);
    let body = normalized.strip_prefix('#').unwrap_or(&normalized);
    if body.is_empty() || body.contains(' ') || body.contains('#') {
        return Err(format!("'{term}' is not a hashtag (one word, optional leading #)"));
    }
    Ok(body.to_string())
}

/// The compiled form of all terms of all loaded packs.
#[derive(Debug)]
pub struct Matcher {
    automaton: Option<AhoCorasick>,
    literal_sets: Vec<Vec<SetId>>,
    hashtags: HashMap<String, Vec<SetId>>,
    prefixes: Vec<(String, SetId)>,
    urls: Vec<(UrlPattern, SetId)>,
    /// Each regex on its own rather than one `RegexSet`: a single regex
    /// skips a post with a literal prefilter (most posts hold none of a
    /// pattern's literals), while a set falls back to the slow PikeVM on
    /// non-ASCII text as soon as one pattern has a Unicode `\b`.
    regexes: Vec<(Regex, SetId)>,
    brand_terms: Vec<BrandTerm>,
    brand_phrases: BrandPhrases,
}

/// The word and phrase brand terms, by the last word before the brand (or,
/// for terms that start with the brand, the first word after it), so that
/// at each place of a brand only the few terms whose words could surround
/// it are compared.
#[derive(Debug, Default)]
struct BrandPhrases {
    by_word_before: HashMap<String, Vec<usize>>,
    by_word_after: HashMap<String, Vec<usize>>,
    /// Terms with no word on either side of the brand.
    always: Vec<usize>,
}

impl BrandPhrases {
    fn index(terms: &[BrandTerm]) -> BrandPhrases {
        let mut phrases = BrandPhrases::default();
        for (index, term) in terms.iter().enumerate() {
            if matches!(term.mode, MatchMode::Hashtag | MatchMode::HashtagPrefix) {
                continue;
            }
            let (before, after) = (last_word(&term.before), first_word(&term.after));
            if !before.is_empty() {
                phrases.by_word_before.entry(before.to_string()).or_default().push(index);
            } else if !after.is_empty() {
                phrases.by_word_after.entry(after.to_string()).or_default().push(index);
            } else {
                phrases.always.push(index);
            }
        }
        phrases
    }

    /// The terms that may match at a brand between `preceding` and `following`.
    fn candidates<'a>(
        &'a self,
        preceding: &str,
        following: &str,
    ) -> impl Iterator<Item = usize> + 'a {
        let before = self.by_word_before.get(last_word(preceding)).into_iter().flatten();
        let after = self.by_word_after.get(first_word(following)).into_iter().flatten();
        self.always.iter().chain(before).chain(after).copied()
    }
}

/// A post's brand, normalised once for all of the post's fields: as written
/// ("glow lab") and compacted as in tags and handles ("glowlab").
#[derive(Debug)]
pub struct Brand {
    compact: String,
    words_finder: Finder<'static>,
    compact_finder: Finder<'static>,
}

impl Brand {
    /// `None` for a brand with no letter or digit, which no term can hold.
    pub fn new(name: &str) -> Option<Brand> {
        let words = normalize_term(name);
        let compact = compact(&words);
        if compact.is_empty() {
            return None;
        }
        Some(Brand {
            words_finder: Finder::new(words.as_bytes()).into_owned(),
            compact_finder: Finder::new(compact.as_bytes()).into_owned(),
            compact,
        })
    }
}

impl Matcher {
    /// All hits of all term sets in one field; `original` is the field's
    /// original text.
    pub fn scan(
        &self,
        scanned: &ScannedField,
        original: &str,
        brands: &[Brand],
        hits: &mut Vec<Hit>,
    ) {
        let text = scanned.normalized.text.as_str();
        let tokens = &scanned.tokens;
        let mut push = |set: SetId, range: Range<usize>| {
            let original_range = scanned.normalized.original_range(range.clone());
            let obfuscated = original[original_range.clone()].chars().any(is_zero_width);
            hits.push(Hit {
                set,
                field: scanned.field,
                range,
                original: original_range,
                obfuscated,
            });
        };

        if let Some(automaton) = &self.automaton {
            for found in automaton.find_overlapping_iter(text) {
                let range = found.start()..found.end();
                if word_bounded(text, &range) && !tokens.in_link(&range) {
                    for &set in &self.literal_sets[found.pattern().as_usize()] {
                        push(set, range.clone());
                    }
                }
            }
        }
        for tag in &tokens.hashtags {
            let body = &text[tag.body.clone()];
            if let Some(sets) = self.hashtags.get(body) {
                for &set in sets {
                    push(set, tag.range.clone());
                }
            }
            for (prefix, set) in &self.prefixes {
                if body.len() > prefix.len() && body.starts_with(prefix.as_str()) {
                    push(*set, tag.range.clone());
                }
            }
        }
        for link in &tokens.links {
            let labels: Vec<&str> =
                text[link.host.clone()].trim_end_matches('.').split('.').collect();
            for (pattern, set) in &self.urls {
                if pattern.matches(text, link, &labels) {
                    push(*set, link.range.clone());
                }
            }
        }
        for (regex, set) in &self.regexes {
            for found in regex.find_iter(text) {
                push(*set, found.range());
            }
        }
        for brand in brands {
            self.scan_brand(brand, text, tokens, &mut push);
        }
    }

    fn scan_brand(
        &self,
        brand: &Brand,
        text: &str,
        tokens: &Tokens,
        push: &mut impl FnMut(SetId, Range<usize>),
    ) {
        let compact_brand = brand.compact.as_str();
        // Every brand term holds the brand, as written or compacted (as in
        // tags and handles). So find the brand's few places in the text once,
        // then compare each term's words around them: no search is built
        // per term, and a text without the brand costs two substring searches.
        let mut places: Vec<Range<usize>> = brand
            .words_finder
            .find_iter(text.as_bytes())
            .map(|at| at..at + brand.words_finder.needle().len())
            .collect();
        // `@brand` and `#brand`: the compact form right after `@` or `#`.
        places.extend(
            brand
                .compact_finder
                .find_iter(text.as_bytes())
                .filter(|&at| at > 0 && matches!(text.as_bytes()[at - 1], b'@' | b'#'))
                .map(|at| at - 1..at + compact_brand.len()),
        );
        let tagged: Vec<&Hashtag> = tokens
            .hashtags
            .iter()
            .filter(|tag| brand.compact_finder.find(text[tag.body.clone()].as_bytes()).is_some())
            .collect();
        if places.is_empty() && tagged.is_empty() {
            return;
        }
        if !tagged.is_empty() {
            let tag_terms = self
                .brand_terms
                .iter()
                .filter(|term| matches!(term.mode, MatchMode::Hashtag | MatchMode::HashtagPrefix));
            for term in tag_terms {
                for tag in &tagged {
                    let body = &text[tag.body.clone()];
                    let rest = body
                        .strip_prefix(term.before.as_str())
                        .and_then(|rest| rest.strip_prefix(compact_brand));
                    let hit = rest.is_some_and(|rest| match term.mode {
                        MatchMode::Hashtag => rest == term.after,
                        _ => rest.len() > term.after.len() && rest.starts_with(&term.after),
                    });
                    if hit {
                        push(term.set, tag.range.clone());
                    }
                }
            }
        }
        for place in &places {
            let (preceding, following) = (&text[..place.start], &text[place.end..]);
            for index in self.brand_phrases.candidates(preceding, following) {
                let term = &self.brand_terms[index];
                if !preceding.ends_with(term.before.as_str())
                    || !following.starts_with(term.after.as_str())
                {
                    continue;
                }
                let range = place.start - term.before.len()..place.end + term.after.len();
                if word_bounded(text, &range) && !tokens.in_link(&range) {
                    push(term.set, range);
                }
            }
        }
    }
}

/// True when the match does not continue a word on either side. A hyphen
/// between letters joins a compound: "ad" is not a word of "ad-free".
/// Scripts written without spaces between words (Chinese, Japanese, Thai)
/// or with particles glued on (Korean) have no boundary to check:
/// 「広告です」 holds 広告 and 「광고입니다」 holds 광고.
fn word_bounded(text: &str, range: &Range<usize>) -> bool {
    let matched = &text[range.clone()];
    let first = matched.chars().next();
    let last = matched.chars().next_back();
    let before = || text[..range.start].chars().rev();
    let after = || text[range.end..].chars();
    !continues_word(first, before().next())
        && !continues_word(last, after().next())
        && !joined_by_hyphen(first, before())
        && !joined_by_hyphen(last, after())
}

/// Whether two adjacent characters belong to one word.
fn continues_word(edge: Option<char>, neighbour: Option<char>) -> bool {
    match (edge, neighbour) {
        (Some(edge), Some(neighbour)) => {
            edge.is_alphanumeric()
                && neighbour.is_alphanumeric()
                && script::unspaced(edge).is_none()
                && script::unspaced(neighbour).is_none()
        }
        _ => false,
    }
}

/// `edge` is followed (or preceded) by a hyphen and a letter of one word.
fn joined_by_hyphen(edge: Option<char>, mut beyond: impl Iterator<Item = char>) -> bool {
    beyond.next() == Some('-') && continues_word(edge, beyond.next())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(terms: &[(MatchMode, &str)]) -> Matcher {
        let mut builder = MatcherBuilder::default();
        for (set, (mode, term)) in terms.iter().enumerate() {
            builder.add(set as SetId, *mode, term).unwrap();
        }
        builder.build()
    }

    /// The original text of every hit, with its set.
    fn hits(matcher: &Matcher, text: &str, brands: &[&str]) -> Vec<(SetId, String)> {
        let scanned = ScannedField::new(Field::Text, text);
        let brands: Vec<Brand> = brands.iter().filter_map(|brand| Brand::new(brand)).collect();
        let mut found = Vec::new();
        matcher.scan(&scanned, text, &brands, &mut found);
        found.iter().map(|hit| (hit.set, text[hit.original.clone()].to_string())).collect()
    }

    #[test]
    fn hashtag_mode_is_exact_and_case_insensitive() {
        let m = matcher(&[(MatchMode::Hashtag, "#ad")]);
        assert_eq!(hits(&m, "#AD love", &[]), vec![(0, "#AD".into())]);
        assert_eq!(hits(&m, "＃ａｄ", &[]), vec![(0, "＃ａｄ".into())]);
        assert_eq!(hits(&m, "#𝗔𝗗", &[]), vec![(0, "#𝗔𝗗".into())]);
        assert!(hits(&m, "#adventure x#ad https://a.com/#ad", &[]).is_empty());
    }

    #[test]
    fn hashtag_prefix_needs_more_after_the_prefix() {
        let m = matcher(&[(MatchMode::HashtagPrefix, "#SuppliedBy")]);
        assert_eq!(hits(&m, "#SuppliedByAcme", &[]).len(), 1);
        assert!(hits(&m, "#SuppliedBy", &[]).is_empty());
    }

    #[test]
    fn words_and_phrases_are_bounded_and_whitespace_insensitive() {
        let m = matcher(&[(MatchMode::Word, "ad"), (MatchMode::Phrase, "paid partnership")]);
        assert_eq!(hits(&m, "Ad: new serum", &[]), vec![(0, "Ad".into())]);
        assert!(hits(&m, "adorable bad", &[]).is_empty());
        assert!(hits(&m, "finally ad-free, pre-ad and ad-hoc", &[]).is_empty(), "compounds");
        assert_eq!(hits(&m, "Ad - new serum", &[]), vec![(0, "Ad".into())]);
        assert_eq!(hits(&m, "new serum -ad", &[]), vec![(0, "ad".into())]);
        assert_eq!(
            hits(&m, "Paid\n  Partnership with x", &[]),
            vec![(1, "Paid\n  Partnership".into())]
        );
        assert!(hits(&m, "see https://x.com/ad/page", &[]).is_empty(), "not inside links");
    }

    #[test]
    fn words_need_no_boundary_in_scripts_written_without_spaces() {
        let m = matcher(&[
            (MatchMode::Word, "広告"),
            (MatchMode::Word, "pr"),
            (MatchMode::Word, "광고"),
        ]);
        assert_eq!(hits(&m, "【広告です】新しい美容液", &[]), vec![(0, "広告".into())]);
        assert_eq!(hits(&m, "PR案件です", &[]), vec![(1, "PR".into())]);
        assert_eq!(hits(&m, "광고입니다 오늘 소개할 제품", &[]), vec![(2, "광고".into())]);
        assert!(hits(&m, "april prices", &[]).is_empty(), "Latin words keep their boundaries");
    }

    #[test]
    fn url_patterns_match_host_path_and_parameter() {
        let m = matcher(&[
            (MatchMode::Url, "amazon.*?tag"),
            (MatchMode::Url, "7eer.net/c/"),
            (MatchMode::Url, "rstyle.me"),
        ]);
        assert_eq!(hits(&m, "https://www.amazon.co.uk/dp/1?tag=x-21", &[]).len(), 1);
        assert!(hits(&m, "https://www.amazon.com/dp/1", &[]).is_empty(), "no tag");
        assert_eq!(hits(&m, "go 7eer.net/c/123/abc", &[]).len(), 1);
        assert!(hits(&m, "go 7eer.net/d/123", &[]).is_empty());
        assert_eq!(hits(&m, "https://rstyle.me/+abc", &[]).len(), 1);
        assert!(hits(&m, "https://notrstyle.me/x", &[]).is_empty());
    }

    #[test]
    fn regex_terms_run_on_normalised_text() {
        let m = matcher(&[(MatchMode::Regex, r"\buse (?:my )?code [a-z0-9]{3,}")]);
        assert_eq!(hits(&m, "USE MY CODE LUNA15 ✨", &[]), vec![(0, "USE MY CODE LUNA15".into())]);
    }

    #[test]
    fn brand_terms_expand_per_post() {
        let m = matcher(&[
            (MatchMode::Hashtag, "#GiftedBy{brand}"),
            (MatchMode::Phrase, "thanks to {brand} for the free"),
        ]);
        assert_eq!(hits(&m, "#GiftedByGlowLab", &["Glow Lab"]).len(), 1);
        assert_eq!(hits(&m, "#giftedbyglowlab", &["Glow Lab"]).len(), 1);
        assert!(hits(&m, "#GiftedByOtherCo", &["Glow Lab"]).is_empty());
        assert!(hits(&m, "#GiftedByGlowLab", &[]).is_empty(), "no brand, no match");
        assert_eq!(hits(&m, "Thanks to Glow Lab for the free serum", &["Glow Lab"]).len(), 1);
        assert_eq!(hits(&m, "thanks to @glowlab for the free serum", &["Glow Lab"]).len(), 1);
    }

    #[test]
    fn zero_width_matches_are_marked_obfuscated() {
        let m = matcher(&[(MatchMode::Hashtag, "#ad")]);
        let text = "#a\u{200B}d";
        let scanned = ScannedField::new(Field::Text, text);
        let mut found = Vec::new();
        m.scan(&scanned, text, &[], &mut found);
        assert_eq!(found.len(), 1);
        assert!(found[0].obfuscated);
    }

    fn matcher_with(mode: MatchMode, options: TermOptions, terms: &[&str]) -> Matcher {
        let mut builder = MatcherBuilder::default();
        for term in terms {
            builder.add_with(0, mode, options, term).unwrap();
        }
        builder.build()
    }

    const ACCENTS: TermOptions = TermOptions { accents_optional: true, spaces_optional: false };
    const SPACES: TermOptions = TermOptions { accents_optional: false, spaces_optional: true };
    const BOTH: TermOptions = TermOptions { accents_optional: true, spaces_optional: true };

    fn matched(matcher: &Matcher, text: &str, brands: &[&str]) -> Vec<String> {
        hits(matcher, text, brands).into_iter().map(|(_, found)| found).collect()
    }

    #[test]
    fn optional_accents_may_each_be_left_out() {
        let m = matcher_with(MatchMode::Phrase, ACCENTS, &["Publicité", "partenariat rémunéré"]);
        for text in ["Publicité", "Publicite", "PUBLICITE", "PUBLICITÉ", "publicite\u{0301}"] {
            assert_eq!(matched(&m, text, &[]), [text], "{text}");
        }
        for text in ["partenariat remunere", "partenariat rémuneré", "Partenariat Remunéré"] {
            assert_eq!(matched(&m, text, &[]).len(), 1, "{text}");
        }
        assert!(matched(&m, "publicitè publicitéé", &[]).is_empty(), "another accent is no match");
        let plain = matcher_with(MatchMode::Phrase, ACCENTS, &["publicite"]);
        assert!(matched(&plain, "publicité", &[]).is_empty(), "an unaccented term stays so");
    }

    #[test]
    fn optional_accents_in_hashtags_and_brand_terms() {
        let m = matcher_with(MatchMode::Hashtag, ACCENTS, &["#commandité", "#produitreçu"]);
        assert_eq!(matched(&m, "#commandite #Commandité #produitrecu", &[]).len(), 3);
        let prefix = matcher_with(MatchMode::HashtagPrefix, ACCENTS, &["#offertpar"]);
        assert_eq!(matched(&prefix, "#offertparGlowLab", &[]).len(), 1);
        let brand = matcher_with(MatchMode::Phrase, ACCENTS, &["envoyée par {brand}"]);
        assert_eq!(matched(&brand, "envoyee par @glowlab", &["Glow Lab"]).len(), 1);
        assert_eq!(matched(&brand, "Envoyée par Glow Lab", &["Glow Lab"]).len(), 1);
    }

    #[test]
    fn optional_accents_leave_letters_of_their_own_alone() {
        assert_eq!(without_accent('é'), Some('e'));
        assert_eq!(without_accent('ç'), Some('c'));
        assert_eq!(without_accent('ă'), Some('a'));
        assert_eq!(without_accent('ά'), Some('α'));
        for own in ['ß', 'ø', 'ł', 'æ', 'a', '広', 'が', '광'] {
            assert_eq!(without_accent(own), None, "{own}");
        }
        let m = matcher_with(MatchMode::Word, ACCENTS, &["広告"]);
        assert_eq!(matched(&m, "広告です", &[]).len(), 1);
    }

    #[test]
    fn optional_spaces_match_words_run_together_or_joined_by_underscores() {
        let m = matcher_with(MatchMode::Phrase, SPACES, &["paid partnership"]);
        for text in [
            "paid partnership",
            "Paid\npartnership",
            "#PaidPartnership",
            "#paid_partnership",
            "paidpartnership",
        ] {
            assert_eq!(matched(&m, text, &[]).len(), 1, "{text}");
        }
        assert!(matched(&m, "paid-partnership #paidpartnerships", &[]).is_empty());
        assert!(matched(&m, "https://x.com/paidpartnership", &[]).is_empty());
    }

    #[test]
    fn optional_spaces_keep_the_space_next_to_the_brand() {
        let m = matcher_with(MatchMode::Phrase, SPACES, &["prodotto fornito da {brand}"]);
        assert_eq!(matched(&m, "#prodottofornitoda @glowlab", &["Glow Lab"]).len(), 1);
        assert_eq!(matched(&m, "prodotto fornito da Glow Lab", &["Glow Lab"]).len(), 1);
        assert!(matched(&m, "#prodottofornitodaglowlab", &["Glow Lab"]).is_empty());
        assert_eq!(join_words("thanks to {brand} for the free", ""), "thanksto {brand} forthefree");
    }

    #[test]
    fn both_options_combine() {
        let m = matcher_with(MatchMode::Phrase, BOTH, &["colaboración pagada"]);
        for text in [
            "Colaboración pagada",
            "colaboracion pagada",
            "#ColaboracionPagada",
            "#colaboraciónpagada",
            "#colaboracion_pagada",
        ] {
            assert_eq!(matched(&m, text, &[]).len(), 1, "{text}");
        }
        assert_eq!(spellings("Colaboración pagada", BOTH).unwrap().len(), 6);
    }

    #[test]
    fn options_are_refused_where_they_mean_nothing() {
        let mut builder = MatcherBuilder::default();
        assert!(builder.add_with(0, MatchMode::Regex, ACCENTS, "publicit[eé]").is_err());
        assert!(builder.add_with(0, MatchMode::Url, ACCENTS, "rstyle.me").is_err());
        assert!(builder.add_with(0, MatchMode::Hashtag, SPACES, "#ad").is_err());
        let many = "éééééééééé";
        assert!(
            builder.add_with(0, MatchMode::Word, ACCENTS, many).unwrap_err().contains("at most 8")
        );
    }

    #[test]
    fn bad_terms_are_explained() {
        let mut builder = MatcherBuilder::default();
        assert!(builder.add(0, MatchMode::Regex, "(").unwrap_err().contains("invalid regex"));
        assert!(builder.add(0, MatchMode::Hashtag, "two words").is_err());
        assert!(builder.add(0, MatchMode::Url, "?tag").is_err());
        assert!(builder.add(0, MatchMode::Regex, "{brand}x").is_err());
    }
}
