//! The closed set of rule kinds, one module each. A kind's module owns its
//! YAML parameters (read from the pack, with locations for errors), its
//! compiled form and its evaluation: a check looks at one post's scan and
//! says whether its rule fires, and where. `kinds!` below is the one list.

mod compile;
mod params;

use std::cell::OnceCell;

pub use compile::{CompileContext, Sets};
pub use params::{ReadRule, RuleParams, read_params, read_params_and_kinds};

use super::matcher::{Hit, SetId};
use super::scan::PostScan;
use crate::finding::{DistinctParts, Severity, Span};
use crate::post::Post;
use crate::rules::{PlatformFacts, TermSet};

/// What every rule kind provides.
pub trait Kind: Sized {
    /// The kind's name in packs: `require-term`.
    const NAME: &'static str;
    /// The kind's parameters: the rule's keys besides the common ones.
    type Params: serde::de::DeserializeOwned;

    /// Validates the parameters, reporting problems in `context`.
    fn compile(params: Self::Params, context: &mut CompileContext) -> Option<Self>;

    /// Whether the rule fires on this post, and where.
    fn run(&self, ctx: &Ctx) -> Option<Detection>;

    /// The sets of which one must have a hit for the rule to fire: the
    /// engine then runs the rule only on posts that hold one, so rules
    /// about terms a post lacks cost nothing. `None` for rules that fire on
    /// an absence (a missing term or label).
    fn trigger(&self) -> Option<&[SetId]>;

    /// The term sets the rule reads, by parameter name (for `explain`).
    fn term_sets(&self) -> Vec<(&'static str, &Sets)>;

    /// One sentence for `explain`: what the rule checks.
    fn describe(&self) -> String;

    /// A rule that never fires (a platform label that is `sufficient`
    /// only makes the label count): it has pass examples only.
    fn never_fires(&self) -> bool {
        false
    }
}

/// The object-safe part of [`Kind`], for dispatch.
trait Evaluate {
    fn name(&self) -> &'static str;
    fn run(&self, ctx: &Ctx) -> Option<Detection>;
    fn trigger(&self) -> Option<&[SetId]>;
    fn term_sets(&self) -> Vec<(&'static str, &Sets)>;
    fn describe(&self) -> String;
    fn never_fires(&self) -> bool;
}

impl<K: Kind> Evaluate for K {
    fn name(&self) -> &'static str {
        K::NAME
    }
    fn run(&self, ctx: &Ctx) -> Option<Detection> {
        Kind::run(self, ctx)
    }
    fn trigger(&self) -> Option<&[SetId]> {
        Kind::trigger(self)
    }
    fn term_sets(&self) -> Vec<(&'static str, &Sets)> {
        Kind::term_sets(self)
    }
    fn describe(&self) -> String {
        Kind::describe(self)
    }
    fn never_fires(&self) -> bool {
        Kind::never_fires(self)
    }
}

/// Declares the kinds: a `Check` variant (the compiled rule) and a
/// `Params` variant (its parameters as read) per kind module.
macro_rules! kinds {
    ($($variant:ident($module:ident::$kind:ident)),* $(,)?) => {
        $(pub mod $module;)*

        /// A compiled rule kind with its parameters.
        #[derive(Debug, Clone)]
        pub enum Check {
            $($variant($module::$kind)),*
        }

        /// A rule's kind parameters as read from its pack.
        #[derive(Debug)]
        pub enum Params {
            $($variant(<$module::$kind as Kind>::Params)),*
        }

        impl Check {
            pub const KINDS: &'static [&'static str] = &[$(<$module::$kind as Kind>::NAME),*];

            fn evaluate(&self) -> &dyn Evaluate {
                match self {
                    $(Check::$variant(check) => check),*
                }
            }

            pub(crate) fn compile(params: Params, context: &mut CompileContext) -> Option<Check> {
                match params {
                    $(Params::$variant(params) => {
                        <$module::$kind as Kind>::compile(params, context).map(Check::$variant)
                    })*
                }
            }
        }

        impl Params {
            /// Reads the parameters of kind `kind`; `None` for an unknown
            /// kind, whose keys are skipped.
            fn deserialize<'de, D: serde::Deserializer<'de>>(
                kind: &str,
                deserializer: D,
            ) -> Result<Option<Params>, D::Error> {
                use serde::Deserialize;
                $(if kind == <$module::$kind as Kind>::NAME {
                    return <$module::$kind as Kind>::Params::deserialize(deserializer)
                        .map(|params| Some(Params::$variant(params)));
                })*
                serde::de::IgnoredAny::deserialize(deserializer).map(|_| None)
            }
        }
    };
}

kinds! {
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
    Notice(notice::Notice),
    VideoTiming(video_timing::VideoTiming),
}

impl Check {
    pub fn kind(&self) -> &'static str {
        self.evaluate().name()
    }

    pub fn run(&self, ctx: &Ctx) -> Option<Detection> {
        self.evaluate().run(ctx)
    }

    /// See [`Kind::never_fires`].
    pub fn never_fires(&self) -> bool {
        self.evaluate().never_fires()
    }

    /// See [`Kind::trigger`].
    pub fn trigger(&self) -> Option<&[SetId]> {
        self.evaluate().trigger()
    }

    /// See [`Kind::term_sets`].
    pub fn term_sets(&self) -> Vec<(&'static str, &Sets)> {
        self.evaluate().term_sets()
    }

    /// See [`Kind::describe`].
    pub fn describe(&self) -> String {
        self.evaluate().describe()
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
        let mut quoted = DistinctParts::default();
        for hit in hits {
            quoted.push(|text| {
                text.push('`');
                text.push_str(self.hit_text(hit));
                text.push('`');
            });
        }
        quoted.into_text()
    }
}

/// The hits with overlapping ones merged (a discount-code phrase matched
/// by two patterns is one signal), in text order.
pub fn distinct<'h>(hits: impl IntoIterator<Item = &'h Hit>) -> Vec<Hit> {
    let hits = hits.into_iter();
    let mut merged: Vec<Hit> = Vec::with_capacity(hits.size_hint().0);
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
    /// Replaces the rule's severity for this post (weak evidence is `info`).
    pub severity: Option<Severity>,
}

impl Detection {
    /// For rules about something absent: point at the start of the text.
    pub fn at_start(note: Option<String>) -> Detection {
        Detection { span: Span::text(0, 0), related: Vec::new(), note, severity: None }
    }

    /// Points at the first hit and relates the others; `None` without a
    /// hit. The note is written only then: most posts a rule runs on give
    /// it none, and a note quotes hits.
    pub fn at_hits(hits: &[Hit], note: impl FnOnce() -> String) -> Option<Detection> {
        let (first, rest) = hits.split_first()?;
        Some(Detection {
            span: first.span(),
            related: rest.iter().map(|hit| hit.span()).collect(),
            note: Some(note()),
            severity: None,
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
                pack: 0,
                language: Some(language.to_string()),
                mode: String::new(),
                mode_span: None,
                accents_optional: false,
                spaces_optional: false,
                negates: false,
                terms: terms.iter().map(|term| term.to_string()).collect(),
                term_spans: vec![None; terms.len()],
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
