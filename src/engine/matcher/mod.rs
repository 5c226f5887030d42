//! Every term of every loaded pack compiled into one matcher: one set of
//! literals for words and phrases (and the literals that open regex terms,
//! `regex_term.rs`), walked in a trie from where a word may start once the
//! posts scanned make building it pay (`literals.rs`, `trie.rs`), hash
//! lookups for hashtags, a small list
//! for link patterns, and brand templates expanded per post. A post field is
//! scanned once; each hit names the term set it belongs to. A set's
//! [`TermOptions`] (accents or spaces optional) are spellings added when the
//! matcher is built, so they cost nothing per post; a term's optional words
//! and alternatives (`[earn|get] a (small) commission`) are looked up where
//! the literals hold one of their first words (`gated.rs`). Hits of
//! negating sets cancel the hits that closely follow them (`negation.rs`).

mod brand;
mod gated;
mod groups;
mod literals;
mod negation;
mod regex_gates;
mod regex_term;
mod spelling;
mod trie;
mod url;
mod wordings;

use foldhash::HashMap;
use std::collections::hash_map::Entry;
use std::ops::Range;
use std::rc::Rc;
use std::str::FromStr;

pub use brand::Brand;
use brand::{BrandTerm, BrandTerms};
use gated::GatedTerm;
pub use groups::Groups;
use literals::{Literals, Reach};
use negation::NegationSets;
pub use negation::{NEGATION_REACH_WORDS, Negated};
use regex_term::RegexTerm;
use spelling::spellings;
pub use spelling::{MAX_OPTIONAL_ACCENTS, TermOptions};
use url::{UrlPattern, UrlPatterns};
pub use wordings::MAX_SPELLINGS;

use super::letters::is_letter_or_digit;
use super::normalize::{Normalized, is_zero_width, normalize_term};
use super::script;
use super::tokens::Tokens;
use crate::finding::Field;

/// Index of a term set in the rule registry.
pub type SetId = u32;

/// Term sets, one bit each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetBits(Vec<u64>);

impl SetBits {
    /// No sets, with room for those below `count` without growing.
    pub fn with_room(count: usize) -> SetBits {
        SetBits(vec![0; count.div_ceil(64)])
    }

    pub fn insert(&mut self, set: SetId) {
        let (word, bit) = (set as usize / 64, set % 64);
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1u64 << bit;
    }

    pub fn contains(&self, set: SetId) -> bool {
        self.0.get(set as usize / 64).is_some_and(|word| word & (1u64 << (set % 64)) != 0)
    }

    /// The sets, in id order: a step per set and per word, not per bit (a
    /// post holds a few dozen of some two thousand sets).
    pub fn iter(&self) -> impl Iterator<Item = SetId> + '_ {
        ones(self.0.iter().copied())
    }

    /// The sets both `self` and the bits of `other` hold, in id order.
    pub fn common_with<'a>(
        &'a self,
        other: impl Iterator<Item = u64> + 'a,
    ) -> impl Iterator<Item = SetId> + 'a {
        ones(self.0.iter().zip(other).map(|(bits, other)| bits & other))
    }

    /// [`Self::iter`], taking the bits along.
    pub fn into_sets(self) -> impl Iterator<Item = SetId> {
        ones(self.0.into_iter())
    }
}

/// The places of the bits set in `words`, in order.
fn ones(words: impl Iterator<Item = u64>) -> impl Iterator<Item = u32> {
    words.enumerate().flat_map(|(word, bits)| {
        let mut rest = bits;
        std::iter::from_fn(move || {
            let bit = (rest != 0).then(|| rest.trailing_zeros())?;
            rest &= rest - 1;
            Some(word as u32 * 64 + bit)
        })
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchMode {
    Hashtag,
    HashtagPrefix,
    HashtagSuffix,
    Word,
    Phrase,
    Url,
    Regex,
}

/// What is wrong with a term or a match mode, in the words of a pack's
/// author.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermError {
    #[error(
        "unknown match mode '{0}'; expected one of: hashtag, hashtag-prefix, hashtag-suffix, word, phrase, url, regex"
    )]
    UnknownMode(String),
    #[error("empty term")]
    Empty,
    #[error(
        "accents can only be optional in hashtag, hashtag-prefix, hashtag-suffix, word and phrase terms"
    )]
    AccentsMode,
    #[error("spaces can only be optional in word and phrase terms")]
    SpacesMode,
    #[error(
        "'{term}' has {count} accented letters; with accents optional a term may have at most {max}",
        max = MAX_OPTIONAL_ACCENTS
    )]
    TooManyAccents { term: String, count: usize },
    #[error("'{0}' is not a hashtag (one word, optional leading #)")]
    NotAHashtag(String),
    #[error("'{0}' has no host; write e.g. amzn.to, amazon.*?tag or 7eer.net/c/")]
    NoHost(String),
    #[error("invalid regex: {0}")]
    InvalidRegex(String),
    #[error(
        "{{brand}} is only allowed in hashtag, hashtag-prefix, hashtag-suffix, word and phrase terms"
    )]
    BrandMode,
    #[error("{{brand}} may appear only once in a term")]
    BrandTwice,
    #[error("'{0}' has a brace that is not part of {{brand}}; write the slot as {{brand}}")]
    BrokenBrandSlot(String),
    #[error("'{term}' {problem}")]
    Syntax { term: String, problem: String },
    #[error(
        "'{term}' stands for {count} spellings (its optional words and alternatives, times the \
         accents left out); a term may stand for at most {max}",
        max = MAX_SPELLINGS
    )]
    TooManySpellings { term: String, count: usize },
    #[error("(optional words) and [alternatives] are only allowed in word and phrase terms: '{0}'")]
    SyntaxMode(String),
}

impl FromStr for MatchMode {
    type Err = TermError;
    fn from_str(value: &str) -> Result<Self, TermError> {
        Ok(match value {
            "hashtag" => MatchMode::Hashtag,
            "hashtag-prefix" => MatchMode::HashtagPrefix,
            "hashtag-suffix" => MatchMode::HashtagSuffix,
            "word" => MatchMode::Word,
            "phrase" => MatchMode::Phrase,
            "url" => MatchMode::Url,
            "regex" => MatchMode::Regex,
            other => return Err(TermError::UnknownMode(other.to_string())),
        })
    }
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

/// Collects terms while packs are compiled.
#[derive(Debug, Default)]
pub struct MatcherBuilder {
    literals: Vec<String>,
    literal_sets: Vec<Vec<SetId>>,
    /// By literal: the regexes (indices into `regexes`) it opens.
    literal_gates: Vec<Vec<usize>>,
    /// By literal: the terms of optional words (indices into `gated`) it
    /// opens.
    literal_gated: Vec<Vec<usize>>,
    /// By literal: where its occurrences count.
    literal_reach: Vec<Reach>,
    literal_index: HashMap<String, usize>,
    hashtags: HashMap<String, Vec<SetId>>,
    prefixes: Vec<(String, SetId)>,
    suffixes: Vec<(String, SetId)>,
    urls: UrlPatterns,
    regexes: Vec<RegexTerm>,
    gated: Vec<GatedTerm>,
    /// Sets of built-in packs the test suite proves: their regexes are
    /// compiled when a post first needs them, not at load.
    proven: Vec<SetId>,
    brand_terms: Vec<BrandTerm>,
    /// Brand terms by their wording, so that the sets of terms written
    /// alike share one.
    brand_index: HashMap<(MatchMode, String, String), usize>,
    negation: NegationSets,
}

impl MatcherBuilder {
    /// Adds one term, spelled only as written; the error says what is wrong
    /// with it.
    pub fn add(&mut self, set: SetId, mode: MatchMode, term: &str) -> Result<(), TermError> {
        self.add_with(set, mode, TermOptions::default(), term)
    }

    /// Adds one term and the other spellings `options` allow.
    pub fn add_with(
        &mut self,
        set: SetId,
        mode: MatchMode,
        options: TermOptions,
        term: &str,
    ) -> Result<(), TermError> {
        if term.trim().is_empty() {
            return Err(TermError::Empty);
        }
        if options.accents_optional && !TermOptions::ACCENTS_MODES.contains(&mode) {
            return Err(TermError::AccentsMode);
        }
        if options.spaces_optional && !TermOptions::SPACES_MODES.contains(&mode) {
            return Err(TermError::SpacesMode);
        }
        if !matches!(mode, MatchMode::Url | MatchMode::Regex) {
            self.negation.mark_negatable(set);
        }
        if !matches!(mode, MatchMode::Url | MatchMode::Regex) && wordings::has_syntax(term) {
            if !matches!(mode, MatchMode::Word | MatchMode::Phrase) {
                return Err(TermError::SyntaxMode(term.to_string()));
            }
            let wordings = wordings::wordings(term)?;
            let count = spelling_count(term, &wordings, options)?;
            if count > MAX_SPELLINGS {
                return Err(TermError::TooManySpellings { term: term.to_string(), count });
            }
            if wordings.iter().any(|wording| wording.contains("{brand}")) {
                for wording in &wordings {
                    self.add_wording(set, mode, options, wording)?;
                }
            } else {
                self.add_gated(set, options, &wordings)?;
            }
            return Ok(());
        }
        self.add_wording(set, mode, options, term)
    }

    /// Marks `set` as proven by the test suite (a built-in pack): its
    /// regexes are compiled when a post first needs them, not now.
    pub fn proven(&mut self, set: SetId) {
        self.proven.push(set);
    }

    /// The index of `literal` among the literals looked for, added if new.
    fn literal(&mut self, literal: String) -> usize {
        *self.literal_index.entry(literal.clone()).or_insert_with(|| {
            self.literals.push(literal);
            self.literal_sets.push(Vec::new());
            self.literal_gates.push(Vec::new());
            self.literal_gated.push(Vec::new());
            self.literal_reach.push(Reach::WordStart);
            self.literals.len() - 1
        })
    }

    /// Marks `set` as negating: its hits cancel the hits of other sets
    /// that follow them closely (see [`NEGATION_REACH_WORDS`]).
    pub fn negates(&mut self, set: SetId) {
        self.negation.mark_negating(set);
    }

    /// Adds one wording (a term without optional words or alternatives)
    /// and its other spellings.
    fn add_wording(
        &mut self,
        set: SetId,
        mode: MatchMode,
        options: TermOptions,
        term: &str,
    ) -> Result<(), TermError> {
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

    /// Adds the wordings of a term of optional words and alternatives as
    /// one [`GatedTerm`], opened by their first words.
    fn add_gated(
        &mut self,
        set: SetId,
        options: TermOptions,
        wordings: &[String],
    ) -> Result<(), TermError> {
        let mut all = Vec::new();
        for wording in wordings {
            check_brand_slot(wording)?;
            // Normalised, as the literals looked for are.
            all.extend(spellings(wording, options)?);
        }
        let term = GatedTerm::new(set, all);
        let gates: Vec<String> = term.gates().into_iter().map(str::to_string).collect();
        for gate in gates {
            let literal = self.literal(gate);
            self.literal_gated[literal].push(self.gated.len());
        }
        self.gated.push(term);
        Ok(())
    }

    fn add_spelling(&mut self, set: SetId, mode: MatchMode, term: &str) -> Result<(), TermError> {
        if mode != MatchMode::Regex {
            check_brand_slot(term)?;
        }
        if term.contains("{brand}") {
            let term = BrandTerm::parse(set, mode, term)?;
            match self.brand_index.entry(term.wording()) {
                Entry::Occupied(known) => self.brand_terms[*known.get()].merge(term),
                Entry::Vacant(new) => {
                    new.insert(self.brand_terms.len());
                    self.brand_terms.push(term);
                }
            }
            return Ok(());
        }
        match mode {
            MatchMode::Hashtag | MatchMode::HashtagPrefix | MatchMode::HashtagSuffix => {
                let body = hashtag_body(term)?;
                let affixes = match mode {
                    MatchMode::HashtagPrefix => &mut self.prefixes,
                    MatchMode::HashtagSuffix => &mut self.suffixes,
                    _ => {
                        let sets = self.hashtags.entry(body).or_default();
                        if !sets.contains(&set) {
                            sets.push(set);
                        }
                        return Ok(());
                    }
                };
                if !affixes.contains(&(body.clone(), set)) {
                    affixes.push((body, set));
                }
            }
            MatchMode::Word | MatchMode::Phrase => {
                let index = self.literal(normalize_term(term));
                if !self.literal_sets[index].contains(&set) {
                    self.literal_sets[index].push(set);
                }
            }
            MatchMode::Url => self.urls.add(UrlPattern::parse(term)?, set),
            MatchMode::Regex => {
                let regex = RegexTerm::new(set, term, self.proven.contains(&set))?;
                let index = self.regexes.len();
                for gate in regex.gates().unwrap_or_default() {
                    let literal = self.literal(gate.clone());
                    self.literal_gates[literal].push(index);
                    if !regex.at_word_boundary() {
                        self.literal_reach[literal] = Reach::Anywhere;
                    }
                }
                self.regexes.push(regex);
            }
        }
        Ok(())
    }

    pub fn build(self) -> Matcher {
        Matcher {
            literals: Literals::new(self.literals.into_iter().zip(self.literal_reach).collect()),
            literal_sets: self.literal_sets,
            literal_gates: self.literal_gates,
            literal_gated: self.literal_gated,
            gated: self.gated,
            hashtags: self.hashtags,
            prefixes: self.prefixes,
            suffixes: self.suffixes,
            urls: self.urls,
            ungated: (0..self.regexes.len())
                .filter(|&index| self.regexes[index].gates().is_none())
                .collect(),
            regexes: self.regexes,
            brand_terms: BrandTerms::new(self.brand_terms),
            negation: self.negation,
        }
    }
}

/// How many spellings the wordings of `term` stand for before the spaces
/// option (which at most triples them): accents left out multiply them.
fn spelling_count(
    term: &str,
    wordings: &[String],
    options: TermOptions,
) -> Result<usize, TermError> {
    if !options.accents_optional {
        return Ok(wordings.len());
    }
    let mut count = 0usize;
    for wording in wordings {
        let accented = spelling::accented_letters(wording);
        if accented > MAX_OPTIONAL_ACCENTS {
            return Err(TermError::TooManyAccents { term: term.to_string(), count: accented });
        }
        count += 1 << accented;
    }
    Ok(count)
}

/// Braces in a term are the `{brand}` slot and nothing else.
fn check_brand_slot(term: &str) -> Result<(), TermError> {
    let has_brace = memchr::memchr2(b'{', b'}', term.as_bytes()).is_some();
    if has_brace && term.replace("{brand}", "").contains(['{', '}']) {
        return Err(TermError::BrokenBrandSlot(term.to_string()));
    }
    Ok(())
}

fn hashtag_body(term: &str) -> Result<String, TermError> {
    let normalized = normalize_term(term);
    let body = normalized.strip_prefix('#').unwrap_or(&normalized);
    if body.is_empty() || body.contains(' ') || body.contains('#') {
        return Err(TermError::NotAHashtag(term.to_string()));
    }
    Ok(body.to_string())
}

/// The compiled form of all terms of all loaded packs.
#[derive(Debug)]
pub struct Matcher {
    literals: Literals,
    literal_sets: Vec<Vec<SetId>>,
    /// By literal: the regexes it opens.
    literal_gates: Vec<Vec<usize>>,
    /// By literal: the terms of optional words it opens.
    literal_gated: Vec<Vec<usize>>,
    gated: Vec<GatedTerm>,
    hashtags: HashMap<String, Vec<SetId>>,
    prefixes: Vec<(String, SetId)>,
    suffixes: Vec<(String, SetId)>,
    urls: UrlPatterns,
    /// Each regex on its own rather than one `RegexSet`, which falls back
    /// to the slow PikeVM on non-ASCII text as soon as one pattern has a
    /// Unicode `\b`.
    regexes: Vec<RegexTerm>,
    /// The regexes without gates, run over every field.
    ungated: Vec<usize>,
    brand_terms: BrandTerms,
    negation: NegationSets,
}

impl Matcher {
    /// Whether the hits of `set` cancel the hits of other sets after them.
    pub fn negates(&self, set: SetId) -> bool {
        self.negation.negating(set)
    }

    /// Whether a negation can cancel the hits of `set`: not of url and
    /// regex sets, whose hits are no words to negate, nor of negating sets.
    pub fn negatable(&self, set: SetId) -> bool {
        self.negation.negatable(set) && !self.negation.negating(set)
    }

    /// All hits of all term sets in one field; `original` is the field's
    /// original text. Regexes, the dearest terms to run, run only for the
    /// sets `regex_sets` wants (`None`: every set).
    pub fn scan(
        &self,
        scanned: &ScannedField,
        original: &str,
        brands: &[Rc<Brand>],
        regex_sets: Option<&dyn Fn(SetId) -> bool>,
        hits: &mut Vec<Hit>,
    ) {
        let text = scanned.normalized.text.as_str();
        let tokens = &scanned.tokens;
        // One hit per set of `sets`, all at one place.
        let mut push = |sets: &[SetId], range: Range<usize>| {
            let original_range = scanned.normalized.original_range(range.clone());
            let obfuscated = scanned.normalized.zero_width
                && original[original_range.clone()].chars().any(is_zero_width);
            hits.extend(sets.iter().map(|&set| Hit {
                set,
                field: scanned.field,
                range: range.clone(),
                original: original_range.clone(),
                obfuscated,
            }));
        };

        // (regex, where one of its gates starts). Most captions open a few
        // (a `code`, a `%`, a link): room for them at once, not grown.
        let mut opened: Vec<(usize, usize)> = Vec::with_capacity(16);
        self.literals.find(text, |literal, range| {
            opened.extend(self.literal_gates[literal].iter().map(|&regex| (regex, range.start)));
            for term in self.literal_gated[literal].iter().map(|&term| &self.gated[term]) {
                term.matches_at(text, range.start, |range| {
                    if word_bounded(text, &range) && !tokens.in_link(&range) {
                        push(std::slice::from_ref(&term.set), range);
                    }
                });
            }
            let sets = &self.literal_sets[literal];
            if !sets.is_empty() && word_bounded(text, &range) && !tokens.in_link(&range) {
                push(sets, range);
            }
        });
        for tag in &tokens.hashtags {
            let body = &text[tag.body.clone()];
            if let Some(sets) = self.hashtags.get(body) {
                push(sets, tag.range.clone());
            }
            for (prefix, set) in &self.prefixes {
                if body.len() > prefix.len() && body.starts_with(prefix.as_str()) {
                    push(std::slice::from_ref(set), tag.range.clone());
                }
            }
            for (suffix, set) in &self.suffixes {
                if body.len() > suffix.len() && body.ends_with(suffix.as_str()) {
                    push(std::slice::from_ref(set), tag.range.clone());
                }
            }
        }
        for link in &tokens.links {
            self.urls.scan(text, link, |set| push(&[set], link.range.clone()));
        }
        // The regexes a post's sets need: those without gates, and those
        // whose gates occur (most posts open few of the 55 built-in ones).
        let wanted = |regex: &RegexTerm| regex_sets.is_none_or(|wanted| wanted(regex.set));
        for regex in self.ungated.iter().map(|&index| &self.regexes[index]).filter(|r| wanted(r)) {
            regex.find_all(text, |range| push(std::slice::from_ref(&regex.set), range));
        }
        opened.sort_unstable();
        opened.dedup();
        for run in opened.chunk_by(|a, b| a.0 == b.0) {
            let regex = &self.regexes[run[0].0];
            if wanted(regex) {
                let starts = run.iter().map(|&(_, start)| start);
                regex.find_at(text, starts, |range| {
                    push(std::slice::from_ref(&regex.set), range);
                });
            }
        }
        for brand in brands {
            self.brand_terms.scan(brand, text, tokens, &mut push);
        }
    }
}

/// True when the match does not continue a word on either side. A hyphen
/// between letters joins a compound: "ad" is not a word of "ad-free".
/// Scripts written without spaces between words (Chinese, Japanese, Thai)
/// or with particles glued on (Korean) have no boundary to check:
/// 「広告です」 holds 広告 and 「광고입니다」 holds 광고.
fn word_bounded(text: &str, range: &Range<usize>) -> bool {
    // Most edges and their neighbours are ASCII, where the bytes tell
    // (decoding characters for the general case cost ~200 instructions).
    let bytes = text.as_bytes();
    if !range.is_empty() {
        let byte = |at: Option<usize>| at.and_then(|at| bytes.get(at)).copied();
        let before = |back: usize| byte(range.start.checked_sub(back));
        let after = |ahead: usize| byte(Some(range.end + ahead));
        let joined_before = ascii_joins(bytes[range.start], before(1), before(2));
        let joined_after = ascii_joins(bytes[range.end - 1], after(0), after(1));
        if let (Some(joined_before), Some(joined_after)) = (joined_before, joined_after) {
            return !joined_before && !joined_after;
        }
    }
    word_bounded_by_characters(text, range)
}

/// [`word_bounded`], from the characters at the match's edges.
fn word_bounded_by_characters(text: &str, range: &Range<usize>) -> bool {
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

/// What [`continues_word`] or [`joined_by_hyphen`] say of an ASCII `edge`
/// byte of a match, its `neighbour` and the byte `beyond` that; `None`
/// when a byte that counts is not ASCII. It says their rule again for
/// bytes: calling them on the bytes as characters gave back 16 M of the
/// 20 M instructions this saves on 20,000 posts. A test holds the two
/// ways together.
fn ascii_joins(edge: u8, neighbour: Option<u8>, beyond: Option<u8>) -> Option<bool> {
    let word = |byte: u8| byte.is_ascii_alphanumeric();
    match neighbour {
        _ if !edge.is_ascii() => None,
        None => Some(false),
        Some(neighbour) if !neighbour.is_ascii() => None,
        Some(b'-') => match beyond {
            None => Some(false),
            Some(beyond) if !beyond.is_ascii() => None,
            Some(beyond) => Some(word(edge) && word(beyond)),
        },
        Some(neighbour) => Some(word(edge) && word(neighbour)),
    }
}

/// Whether two adjacent characters belong to one word.
fn continues_word(edge: Option<char>, neighbour: Option<char>) -> bool {
    match (edge, neighbour) {
        (Some(edge), Some(neighbour)) => {
            is_letter_or_digit(edge)
                && is_letter_or_digit(neighbour)
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
mod tests;
