//! sponsorlint checks sponsored social-media posts for missing or
//! inadequate advertising disclosure ("#ad", "Publicité", "Werbung"…), with
//! rule packs per country and platform that cite the law behind each rule.
//!
//! The library is the engine the `sponsorlint` command uses. Load the packs
//! once with [`Checker::builtin`] (or [`Checker::with_packs`] for your own),
//! then [`Checker::check`] each [`Post`]:
//!
//! ```
//! use sponsorlint::{Checker, Market, Post, Relationship, Severity, Verdict};
//!
//! let checker = Checker::builtin().expect("the built-in packs load");
//! let mut post = Post::from_text(Default::default(), "Mon sérum préféré @marque ✨");
//! post.markets = vec![Market::parse("FR").unwrap()];
//! post.relationship = Relationship::Paid;
//!
//! let result = checker.check(&post);
//! assert_eq!(result.verdict, Verdict::Fail);
//! let finding = &result.findings[0];
//! assert_eq!(finding.rule, "fr/missing-disclosure");
//! assert_eq!(finding.severity, Severity::Error);
//!
//! post.text = format!("Publicité · {}", post.text);
//! assert_eq!(checker.check(&post).verdict, Verdict::Pass);
//! ```
//!
//! Modules not re-exported here are the command's own building blocks:
//! public so the command and the tests can use them, but not a stable API.

#![warn(missing_docs)]

mod checker;

pub use checker::{Checker, LoadError, PostResult};
pub use finding::{
    Applicability, Category, Edit, Evidence, Field, Finding, Fix, Level, Severity, Signal, Span,
    Verdict,
};
pub use fix::{Applied, apply_fixes};
pub use post::{Market, Media, Platform, Post, Relationship};

/// The README's Rust example runs as a doctest, so it cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExample;

#[doc(hidden)]
pub mod batch;
#[doc(hidden)]
pub mod calendar;
#[doc(hidden)]
pub mod config;
#[doc(hidden)]
pub mod diag;
#[doc(hidden)]
pub mod engine;
#[doc(hidden)]
pub mod fetch;
#[doc(hidden)]
pub mod finding;
#[doc(hidden)]
pub mod fingerprint;
#[doc(hidden)]
pub mod fix;
#[doc(hidden)]
pub mod input;
#[doc(hidden)]
pub mod json_bytes;
#[doc(hidden)]
pub mod limits;
#[doc(hidden)]
pub mod packs;
#[doc(hidden)]
pub mod post;
#[doc(hidden)]
pub mod report;
#[doc(hidden)]
pub mod rules;
#[doc(hidden)]
pub mod triage;
