//! Terms holding `{brand}`, expanded per post: a post's brands are found
//! once per field, then the words around each place are compared with the
//! few terms whose words could surround it.

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use foldhash::HashMap;
use memchr::memmem::Finder;

use super::{MatchMode, SetId, TermError, word_bounded};
use crate::engine::letters::is_letter_or_digit;
use crate::engine::normalize::{Normalized, normalize_term};
use crate::engine::tokens::{Hashtag, Tokens};

/// A term containing `{brand}`, expanded per post, with every set that
/// holds it: "{brand}" is in a dozen markets' sets, and each place of the
/// brand is compared once for all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BrandTerm {
    sets: Vec<SetId>,
    mode: MatchMode,
    before: String,
    after: String,
    /// The last bytes of `before` and the first of `after`: most terms are
    /// compared with a place's words by comparing two numbers, with no call
    /// to `memcmp` (5 % of the time of a check) and no read of their texts.
    before_tail: EdgeBytes,
    after_head: EdgeBytes,
}

/// Up to eight bytes at one end of a text, as a number, and a mask of the
/// bytes there are. [`EdgeBytes::may_match`] never refuses a text that ends
/// (or starts) with the text they were made from, and for a text of up to
/// eight bytes it is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct EdgeBytes {
    bytes: u64,
    mask: u64,
}

/// The bytes [`EdgeBytes`] holds of a text.
const EDGE_BYTES: usize = 8;

impl EdgeBytes {
    /// The last bytes of `text`, the last one lowest.
    fn last(text: &str) -> EdgeBytes {
        let text = text.as_bytes();
        let count = text.len().min(EDGE_BYTES);
        let mut word = [0u8; EDGE_BYTES];
        word[EDGE_BYTES - count..].copy_from_slice(&text[text.len() - count..]);
        let mask = u64::MAX.checked_shr(64 - 8 * count as u32).unwrap_or(0);
        EdgeBytes { bytes: u64::from_be_bytes(word), mask }
    }

    /// The first bytes of `text`, the first one highest.
    fn first(text: &str) -> EdgeBytes {
        let text = text.as_bytes();
        let count = text.len().min(EDGE_BYTES);
        let mut word = [0u8; EDGE_BYTES];
        word[..count].copy_from_slice(&text[..count]);
        let mask = u64::MAX.checked_shl(64 - 8 * count as u32).unwrap_or(0);
        EdgeBytes { bytes: u64::from_be_bytes(word), mask }
    }

    /// Whether a text whose edge at the same end (its [`EdgeBytes::last`]
    /// or [`EdgeBytes::first`], as these were made) is `text_edge` may end
    /// or start with the bytes these were made from.
    fn may_match(self, text_edge: EdgeBytes) -> bool {
        text_edge.bytes & self.mask == self.bytes
    }
}

/// The word a phrase's text ends with, ignoring trailing spaces ("to" of
/// "thanks to "); empty when it ends in punctuation.
fn last_word(text: &str) -> &str {
    let trimmed = text.trim_end();
    let start = trimmed
        .char_indices()
        .rev()
        .take_while(|&(_, c)| is_letter_or_digit(c))
        .last()
        .map_or(trimmed.len(), |(at, _)| at);
    &trimmed[start..]
}

/// The word a phrase's text starts with, ignoring leading spaces.
fn first_word(text: &str) -> &str {
    let trimmed = text.trim_start();
    let end = trimmed.find(|c: char| !is_letter_or_digit(c)).unwrap_or(trimmed.len());
    &trimmed[..end]
}

/// Drops spaces and punctuation, as brand names are written in hashtags.
fn compact(text: &str) -> String {
    text.chars().filter(|&c| is_letter_or_digit(c)).collect()
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
            if term.is_hashtag() {
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

thread_local! {
    /// Brands met lately on this thread, by name: a file of one brand's
    /// posts names it on every row, and building its searchers costs more
    /// than finding it in a caption. Emptied when full.
    static RECENT_BRANDS: RefCell<HashMap<String, Option<Rc<Brand>>>> =
        RefCell::new(HashMap::default());
}

/// Brand names kept per thread.
const RECENT_BRANDS_KEPT: usize = 64;

/// Names longer than this are built for each post and not kept: the names
/// kept stay small whatever a file holds.
const RECENT_BRAND_BYTES: usize = 256;

#[cfg(test)]
pub(super) fn recent_brands_kept() -> usize {
    RECENT_BRANDS.with_borrow(HashMap::len)
}

impl Brand {
    /// [`Brand::new`], built once for a name met lately on this thread.
    pub fn recent(name: &str) -> Option<Rc<Brand>> {
        if name.len() > RECENT_BRAND_BYTES {
            return Brand::new(name).map(Rc::new);
        }
        RECENT_BRANDS.with_borrow_mut(|recent| {
            if let Some(brand) = recent.get(name) {
                return brand.clone();
            }
            if recent.len() >= RECENT_BRANDS_KEPT {
                recent.clear();
            }
            let brand = Brand::new(name).map(Rc::new);
            recent.insert(name.to_string(), brand.clone());
            brand
        })
    }

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

impl BrandTerm {
    /// A `{brand}` term, or what is wrong with it.
    pub(super) fn parse(set: SetId, mode: MatchMode, term: &str) -> Result<BrandTerm, TermError> {
        if matches!(mode, MatchMode::Url | MatchMode::Regex) {
            return Err(TermError::BrandMode);
        }
        let (before, after) = term.split_once("{brand}").unwrap_or((term, ""));
        if after.contains("{brand}") {
            return Err(TermError::BrandTwice);
        }
        let is_hashtag = matches!(
            mode,
            MatchMode::Hashtag | MatchMode::HashtagPrefix | MatchMode::HashtagSuffix
        );
        let (before, after) = if is_hashtag {
            (compact(&normalize_term(before)), compact(&normalize_term(after)))
        } else {
            (Normalized::new(before.trim_start()).text, Normalized::new(after.trim_end()).text)
        };
        // A word's and a phrase's text around the brand are compared
        // alike: one term for both, compared once at each place.
        let mode = if mode == MatchMode::Word { MatchMode::Phrase } else { mode };
        Ok(BrandTerm {
            sets: vec![set],
            mode,
            before_tail: EdgeBytes::last(&before),
            after_head: EdgeBytes::first(&after),
            before,
            after,
        })
    }

    /// What two terms written alike share: the mode and the text around
    /// the brand.
    pub(super) fn wording(&self) -> (MatchMode, String, String) {
        (self.mode, self.before.clone(), self.after.clone())
    }

    /// Adds the sets of `term`, written alike, to this term's.
    pub(super) fn merge(&mut self, term: BrandTerm) {
        for set in term.sets {
            if !self.sets.contains(&set) {
                self.sets.push(set);
            }
        }
    }

    fn is_hashtag(&self) -> bool {
        matches!(
            self.mode,
            MatchMode::Hashtag | MatchMode::HashtagPrefix | MatchMode::HashtagSuffix
        )
    }

    /// Whether `preceding` ends with the words before the brand.
    fn ends(&self, preceding: &str, preceding_tail: EdgeBytes) -> bool {
        self.before_tail.may_match(preceding_tail)
            && preceding.len() >= self.before.len()
            && (self.before.len() <= EDGE_BYTES || preceding.ends_with(self.before.as_str()))
    }

    /// Whether `following` starts with the words after the brand.
    fn starts(&self, following: &str, following_head: EdgeBytes) -> bool {
        self.after_head.may_match(following_head)
            && following.len() >= self.after.len()
            && (self.after.len() <= EDGE_BYTES || following.starts_with(self.after.as_str()))
    }

    /// Whether a hashtag body matches this hashtag term filled with `brand`
    /// (compacted).
    fn matches_tag(&self, body: &str, brand: &str) -> bool {
        if self.mode == MatchMode::HashtagSuffix {
            // Longer than the whole it ends with: something before it.
            let rest = body
                .strip_suffix(self.after.as_str())
                .and_then(|rest| rest.strip_suffix(brand)?.strip_suffix(self.before.as_str()));
            return rest.is_some_and(|rest| !rest.is_empty());
        }
        let rest =
            body.strip_prefix(self.before.as_str()).and_then(|rest| rest.strip_prefix(brand));
        rest.is_some_and(|rest| match self.mode {
            MatchMode::Hashtag => rest == self.after,
            _ => rest.len() > self.after.len() && rest.starts_with(&self.after),
        })
    }
}

/// Every brand term of the loaded packs, indexed for scanning.
#[derive(Debug, Default)]
pub(super) struct BrandTerms {
    terms: Vec<BrandTerm>,
    /// The hashtag terms, by index: a tag of the brand is compared with these.
    hashtags: Vec<usize>,
    phrases: BrandPhrases,
}

/// The hashtags whose body holds one of the places (in text order) of a
/// compacted brand `len` bytes long. A compacted brand is letters and
/// digits, so no place runs across a tag's `#` or end, and the search of
/// the whole text found the first place within each body: one pass over
/// tags and places, where a search of each tag's body cost more than the
/// search of the text.
fn tags_holding<'a>(tags: &'a [Hashtag], places: &[usize], len: usize) -> Vec<&'a Hashtag> {
    let mut places = places.iter().peekable();
    let mut holding = Vec::new();
    for tag in tags {
        while places.next_if(|&&at| at < tag.body.start).is_some() {}
        if places.peek().is_some_and(|&&at| at + len <= tag.body.end) {
            holding.push(tag);
        }
    }
    holding
}

impl BrandTerms {
    pub(super) fn new(terms: Vec<BrandTerm>) -> BrandTerms {
        let hashtags = (0..terms.len()).filter(|&index| terms[index].is_hashtag()).collect();
        BrandTerms { phrases: BrandPhrases::index(&terms), hashtags, terms }
    }

    /// Pushes the hits of every brand term at the places of `brand`.
    pub(super) fn scan(
        &self,
        brand: &Brand,
        text: &str,
        tokens: &Tokens,
        push: &mut impl FnMut(&[SetId], Range<usize>),
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
        let compacted: Vec<usize> = brand.compact_finder.find_iter(text.as_bytes()).collect();
        // `@brand` and `#brand`: the compact form right after `@` or `#`.
        places.extend(
            compacted
                .iter()
                .filter(|&&at| at > 0 && matches!(text.as_bytes()[at - 1], b'@' | b'#'))
                .map(|&at| at - 1..at + compact_brand.len()),
        );
        let tagged = tags_holding(&tokens.hashtags, &compacted, compact_brand.len());
        if places.is_empty() && tagged.is_empty() {
            return;
        }
        if !tagged.is_empty() {
            for term in self.hashtags.iter().map(|&index| &self.terms[index]) {
                for tag in &tagged {
                    if term.matches_tag(&text[tag.body.clone()], compact_brand) {
                        push(&term.sets, tag.range.clone());
                    }
                }
            }
        }
        for place in &places {
            let (preceding, following) = (&text[..place.start], &text[place.end..]);
            let (preceding_tail, following_head) =
                (EdgeBytes::last(preceding), EdgeBytes::first(following));
            for index in self.phrases.candidates(preceding, following) {
                let term = &self.terms[index];
                if !term.ends(preceding, preceding_tail) || !term.starts(following, following_head)
                {
                    continue;
                }
                let range = place.start - term.before.len()..place.end + term.after.len();
                if word_bounded(text, &range) && !tokens.in_link(&range) {
                    push(&term.sets, range);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text of up to six pieces of tags, words and a brand that
    /// overlaps itself ("aa" in "aaa"), with and without accents: the tags
    /// found to hold the brand from the places in the whole text are those
    /// whose body a search of its own finds it in.
    #[test]
    fn tags_holding_a_brand_are_those_whose_body_holds_it() {
        let pieces = ["#", "a", "aa", "b", " ", "_", "é", "@", "-"];
        let texts = crate::engine::every_text(&pieces, 6);
        assert!(texts.len() > 500_000, "{}", texts.len());
        let mut holding = 0;
        for compact in ["aa", "ab", "éa"] {
            let finder = Finder::new(compact);
            for text in &texts {
                let tags = Tokens::new(text).hashtags;
                let places: Vec<usize> = finder.find_iter(text.as_bytes()).collect();
                let found = tags_holding(&tags, &places, compact.len());
                let searched: Vec<&Hashtag> = tags
                    .iter()
                    .filter(|tag| finder.find(text[tag.body.clone()].as_bytes()).is_some())
                    .collect();
                assert_eq!(found, searched, "{compact:?} in {text:?}");
                holding += found.len();
            }
        }
        assert!(holding > 30_000, "{holding}");
    }

    /// Texts of up to five pieces (one to three bytes each, so texts reach
    /// past the eight bytes a number holds), and longer ones, against every
    /// text of up to five pieces as the words before and after a brand: the
    /// comparisons by number agree with `ends_with` and `starts_with`
    /// whatever the lengths.
    #[test]
    fn edge_bytes_agree_with_whole_comparisons() {
        // A NUL byte reads as the zeros a short text is padded with.
        let pieces = ["a", " ", "\0", "é", "告"];
        let mut texts = vec![String::new()];
        let mut last_round = texts.clone();
        for _ in 0..5 {
            last_round = last_round
                .iter()
                .flat_map(|text| pieces.iter().map(move |piece| format!("{text}{piece}")))
                .collect();
            texts.extend(last_round.iter().cloned());
        }
        // Longer texts: each five-piece text twice and its first pieces again.
        let long: Vec<String> = last_round
            .iter()
            .map(|text| format!("{text}{text}{}", text.chars().take(3).collect::<String>()))
            .collect();
        let mut compared = 0;
        for affix in &texts {
            let term = BrandTerm {
                sets: vec![0],
                mode: MatchMode::Phrase,
                before: affix.clone(),
                after: affix.clone(),
                before_tail: EdgeBytes::last(affix),
                after_head: EdgeBytes::first(affix),
            };
            for text in texts.iter().step_by(7).chain(long.iter().step_by(29)) {
                assert_eq!(
                    term.ends(text, EdgeBytes::last(text)),
                    text.ends_with(affix.as_str()),
                    "{text:?} ends with {affix:?}"
                );
                assert_eq!(
                    term.starts(text, EdgeBytes::first(text)),
                    text.starts_with(affix.as_str()),
                    "{text:?} starts with {affix:?}"
                );
                compared += 1;
            }
        }
        assert!(compared > 500_000, "{compared}");
    }
}
