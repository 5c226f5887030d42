//! The closed set of rule kinds, one module each. A check looks at one
//! post's scan and says whether its rule fires, and where.

pub mod ambiguous_only;
pub mod commercial_signals;
pub mod forbid_term;
pub mod not_buried;
pub mod obfuscated_term;
pub mod platform_label;
pub mod require_label;
pub mod require_term;
pub mod same_language;
pub mod within_fold;
pub mod within_hashtags;

use std::cell::OnceCell;

use super::matcher::{Hit, SetId};
use super::scan::PostScan;
use crate::finding::Span;
use crate::post::Post;
use crate::rules::{PlatformFacts, TermSet};

/// A compiled rule kind with its parameters.
#[derive(Debug, Clone)]
pub enum Check {
    RequireTerm(require_term::RequireTerm),
    WithinFold(within_fold::WithinFold),
    NotBuried(not_buried::NotBuried),
    AmbiguousOnly(ambiguous_only::AmbiguousOnly),
    SameLanguage(same_language::SameLanguage),
    PlatformLabel(platform_label::PlatformLabel),
    CommercialSignals(commercial_signals::CommercialSignals),
    ObfuscatedTerm(obfuscated_term::ObfuscatedTerm),
    WithinHashtags(within_hashtags::WithinHashtags),
    RequireLabel(require_label::RequireLabel),
    ForbidTerm(forbid_term::ForbidTerm),
}

impl Check {
    pub const KINDS: &'static [&'static str] = &[
        "require-term",
        "within-fold",
        "not-buried",
        "ambiguous-only",
        "same-language",
        "platform-label",
        "commercial-signals",
        "obfuscated-term",
        "within-hashtags",
        "require-label",
        "forbid-term",
    ];

    pub fn kind(&self) -> &'static str {
        match self {
            Check::RequireTerm(_) => "require-term",
            Check::WithinFold(_) => "within-fold",
            Check::NotBuried(_) => "not-buried",
            Check::AmbiguousOnly(_) => "ambiguous-only",
            Check::SameLanguage(_) => "same-language",
            Check::PlatformLabel(_) => "platform-label",
            Check::CommercialSignals(_) => "commercial-signals",
            Check::ObfuscatedTerm(_) => "obfuscated-term",
            Check::WithinHashtags(_) => "within-hashtags",
            Check::RequireLabel(_) => "require-label",
            Check::ForbidTerm(_) => "forbid-term",
        }
    }

    pub fn run(&self, ctx: &Ctx) -> Option<Detection> {
        match self {
            Check::RequireTerm(check) => check.run(ctx),
            Check::WithinFold(check) => check.run(ctx),
            Check::NotBuried(check) => check.run(ctx),
            Check::AmbiguousOnly(check) => check.run(ctx),
            Check::SameLanguage(check) => check.run(ctx),
            Check::PlatformLabel(check) => check.run(ctx),
            Check::CommercialSignals(check) => check.run(ctx),
            Check::ObfuscatedTerm(check) => check.run(ctx),
            Check::WithinHashtags(check) => check.run(ctx),
            Check::RequireLabel(check) => check.run(ctx),
            Check::ForbidTerm(check) => check.run(ctx),
        }
    }

    /// A platform label that is `sufficient` only makes the label count as
    /// a disclosure for its pack's other rules; the rule itself never fires.
    pub fn never_fires(&self) -> bool {
        matches!(self, Check::PlatformLabel(label) if label.stance == platform_label::Stance::Sufficient)
    }

    /// The sets of which one must have a hit for the rule to fire, when
    /// there are such: the engine then runs the rule only on posts that
    /// hold one, so rules about terms a post lacks cost nothing.
    /// `None` for rules that fire on an absence (a missing term or label).
    pub fn trigger(&self) -> Option<&[SetId]> {
        match self {
            Check::RequireTerm(_) | Check::PlatformLabel(_) | Check::RequireLabel(_) => None,
            Check::WithinFold(check) => Some(&check.terms),
            Check::NotBuried(check) => Some(&check.terms),
            Check::AmbiguousOnly(check) => Some(&check.ambiguous),
            Check::SameLanguage(check) => Some(&check.terms),
            Check::CommercialSignals(check) => Some(&check.signals),
            Check::ObfuscatedTerm(check) => Some(&check.terms),
            Check::WithinHashtags(check) => Some(&check.terms),
            Check::ForbidTerm(check) => Some(&check.terms),
        }
    }

    /// The term sets the rule reads, by parameter name (for `explain`).
    pub fn term_sets(&self) -> Vec<(&'static str, &[SetId])> {
        match self {
            Check::RequireTerm(check) => vec![("terms", &check.terms)],
            Check::WithinFold(check) => vec![("terms", &check.terms)],
            Check::NotBuried(check) => vec![("terms", &check.terms)],
            Check::AmbiguousOnly(check) => {
                vec![("ambiguous", &check.ambiguous), ("terms", &check.terms)]
            }
            Check::SameLanguage(check) => {
                vec![("terms", &check.terms), ("required", &check.required)]
            }
            Check::PlatformLabel(check) => vec![("terms", &check.terms)],
            Check::CommercialSignals(check) => {
                vec![("signals", &check.signals), ("terms", &check.terms)]
            }
            Check::ObfuscatedTerm(check) => vec![("terms", &check.terms)],
            Check::WithinHashtags(check) => vec![("terms", &check.terms)],
            Check::RequireLabel(check) => vec![("terms", &check.terms)],
            Check::ForbidTerm(check) => {
                vec![("terms", &check.terms), ("unless", &check.unless)]
            }
        }
    }

    /// One sentence for `explain`: what the rule checks.
    pub fn describe(&self) -> String {
        match self {
            Check::RequireTerm(_) => "Requires one of the accepted disclosure terms in the post.".into(),
            Check::WithinFold(_) => {
                "Requires the first accepted disclosure to be visible before the caption is cut off by \"… more\".".into()
            }
            Check::NotBuried(check) => format!(
                "Flags a disclosure that appears only inside a trailing run of {}+ hashtags or mentions.",
                check.min_tags
            ),
            Check::AmbiguousOnly(_) => "Flags posts whose only disclosure terms are ones the source calls ambiguous.".into(),
            Check::SameLanguage(_) => {
                "Requires a disclosure in the post's own language (or the legally required wording).".into()
            }
            Check::PlatformLabel(check) => format!(
                "Decides how the platform's own paid-partnership label counts here: {}.",
                check.stance.as_str()
            ),
            Check::CommercialSignals(_) => {
                "Finds commercial signals (affiliate links, discount codes, shop/link-in-bio offers) in posts with an unknown relationship.".into()
            }
            Check::ObfuscatedTerm(_) => "Flags disclosure terms broken up with invisible (zero-width) characters.".into(),
            Check::WithinHashtags(check) => format!(
                "Requires a disclosure given as a hashtag to be among the first {} hashtags.",
                check.first
            ),
            Check::RequireLabel(check) => format!(
                "Requires one of the label terms when the post is marked `{}`.",
                check.flag
            ),
            Check::ForbidTerm(_) => {
                "Flags promotion of a banned category (unless an exception term is present).".into()
            }
        }
    }
}

/// Everything a check may look at for one post and one market.
pub struct Ctx<'a> {
    pub post: &'a Post,
    pub scan: &'a PostScan,
    /// The platform's paid-partnership label counts as a disclosure here.
    pub label_counts: bool,
    pub platform: Option<&'a PlatformFacts>,
    /// Every term set, by set id (for their languages).
    pub term_sets: &'a [TermSet],
    /// The post's language, detected on first use.
    pub language: &'a OnceCell<Option<String>>,
}

impl Ctx<'_> {
    /// The post's language as a lower-case primary subtag (`fr`), from its
    /// `language` key or detected from the text.
    pub fn post_language(&self) -> Option<&str> {
        self.language
            .get_or_init(|| match &self.post.language {
                Some(tag) => tag.split(['-', '_']).next().map(str::to_ascii_lowercase),
                None => super::language::detect(&self.scan.text().normalized.text),
            })
            .as_deref()
    }

    pub fn set_language(&self, set: SetId) -> Option<&str> {
        self.term_sets.get(set as usize).and_then(|term_set| term_set.language.as_deref())
    }

    /// The original text a hit covers.
    pub fn hit_text(&self, hit: &Hit) -> &str {
        hit.field.text_in(self.post).and_then(|text| text.get(hit.original.clone())).unwrap_or("")
    }

    /// "`#sp`, `#collab`" — the texts of some hits, for messages.
    pub fn quote_hits<'h>(&self, hits: impl IntoIterator<Item = &'h Hit>) -> String {
        let mut quoted: Vec<String> = Vec::new();
        for hit in hits {
            let text = format!("`{}`", self.hit_text(hit));
            if !quoted.contains(&text) {
                quoted.push(text);
            }
        }
        quoted.join(", ")
    }
}

/// The hits with overlapping ones merged (a discount-code phrase matched
/// by two patterns is one signal), in text order.
pub fn distinct<'h>(hits: impl IntoIterator<Item = &'h Hit>) -> Vec<Hit> {
    let mut merged: Vec<Hit> = Vec::new();
    for hit in hits {
        match merged.last_mut() {
            Some(last)
                if last.field == hit.field
                    && hit.original.start < last.original.end.max(last.original.start + 1) =>
            {
                last.original.end = last.original.end.max(hit.original.end);
                last.range.end = last.range.end.max(hit.range.end);
                last.obfuscated |= hit.obfuscated;
            }
            _ => merged.push(hit.clone()),
        }
    }
    merged
}

/// Where and why a rule fired.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    pub span: Span,
    pub related: Vec<Span>,
    /// Specifics appended to the rule's message (what was found, where).
    pub note: Option<String>,
}

impl Detection {
    /// For rules about something absent: point at the start of the text.
    pub fn at_start(note: Option<String>) -> Detection {
        Detection { span: Span::text(0, 0), related: Vec::new(), note }
    }

    /// Points at the first hit and relates the others.
    pub fn at_hits(hits: &[Hit], note: Option<String>) -> Option<Detection> {
        let (first, rest) = hits.split_first()?;
        Some(Detection {
            span: first.span(),
            related: rest.iter().map(|hit| hit.span()).collect(),
            note,
        })
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Builds a scan and context from a few terms, for the kinds' tests.

    use std::cell::OnceCell;

    use super::*;
    use crate::engine::matcher::{MatchMode, MatcherBuilder};

    pub struct Fixture {
        pub post: Post,
        pub scan: PostScan,
        pub term_sets: Vec<TermSet>,
        pub language: OnceCell<Option<String>>,
        pub platform: Option<PlatformFacts>,
        pub label_counts: bool,
    }

    /// `sets[i]` is set `i`: a match mode, a language and its terms.
    pub fn fixture(post: Post, sets: &[(MatchMode, &str, &[&str])]) -> Fixture {
        let mut builder = MatcherBuilder::default();
        for (id, (mode, _, terms)) in sets.iter().enumerate() {
            for term in *terms {
                builder.add(id as SetId, *mode, term).unwrap();
            }
        }
        let scan = PostScan::new(&post, &builder.build());
        let term_sets = sets
            .iter()
            .enumerate()
            .map(|(id, (_, language, terms))| TermSet {
                name: format!("test/{id}"),
                language: Some(language.to_string()),
                mode: String::new(),
                terms: terms.iter().map(|term| term.to_string()).collect(),
            })
            .collect();
        Fixture {
            post,
            scan,
            term_sets,
            language: OnceCell::new(),
            platform: None,
            label_counts: false,
        }
    }

    pub fn text_post(text: &str) -> Post {
        Post::from_text(Default::default(), text)
    }

    impl Fixture {
        pub fn ctx(&self) -> Ctx<'_> {
            Ctx {
                post: &self.post,
                scan: &self.scan,
                label_counts: self.label_counts,
                platform: self.platform.as_ref(),
                term_sets: &self.term_sets,
                language: &self.language,
            }
        }

        /// The original text under a detection's primary span.
        pub fn flagged(&self, detection: &Detection) -> String {
            let text = detection.span.field.text_in(&self.post).unwrap_or("");
            text[detection.span.start..detection.span.end].to_string()
        }
    }
}
