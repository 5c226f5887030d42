//! The library's front door: load rule packs once, then check posts.

use std::path::PathBuf;
use std::sync::Arc;

use crate::diag::FileError;
use crate::engine::{Engine, RuleSet};
use crate::finding::{CheckedPost, Evidence, Finding, Verdict};
use crate::fix::plan::fix_post;
use crate::packs;
use crate::post::{Post, Relationship};

/// Checks posts against rule packs. Load it once and share it: checking
/// takes `&self`, and a `Checker` may be used from several threads.
#[derive(Debug)]
pub struct Checker {
    engine: Engine,
}

/// What the packs say about one post.
#[derive(Debug, Clone, PartialEq)]
pub struct PostResult {
    /// `fail` with an error finding, `warn` with warnings only, else `pass`.
    pub verdict: Verdict,
    /// The relationship the rules ran with: the post's own, or the one its
    /// commercial signals implied when it was `unknown`.
    pub relationship: Relationship,
    /// The findings, in pack order.
    pub findings: Vec<Finding>,
    /// When the relationship was unknown: the signals in the text that
    /// say it is commercial, and how strongly.
    pub evidence: Option<Evidence>,
}

/// Rule packs that could not be loaded: every problem of every file.
#[derive(Debug, thiserror::Error)]
#[error("{}", .errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct LoadError {
    /// One entry per file, each with its located problems.
    pub errors: Vec<FileError>,
}

impl Checker {
    /// The rule packs built into the binary: every market, platform and
    /// the global baseline.
    pub fn builtin() -> Result<Checker, LoadError> {
        Checker::with_packs(true, &[])
    }

    /// The built-in packs (unless `builtin` is false) and the pack files or
    /// folders at `paths`, whose own examples must pass.
    pub fn with_packs(builtin: bool, paths: &[PathBuf]) -> Result<Checker, LoadError> {
        let rules = packs::load(builtin, paths).map_err(|errors| LoadError { errors })?;
        Ok(Checker::from_rules(rules))
    }

    /// A checker for packs already loaded.
    pub fn from_rules(rules: Arc<RuleSet>) -> Checker {
        Checker { engine: Engine::new(rules) }
    }

    /// Fixes one post: its safe fixes (and with `allow_unsafe` the others),
    /// one at a time, each the one that leaves the fewest problems. Returns
    /// the fixed text (the post's own when nothing applied), how many fixes
    /// were applied, and the check of the fixed post.
    ///
    /// ```
    /// use sponsorlint::{Checker, Market, Post, Relationship, Verdict};
    ///
    /// let checker = Checker::builtin().expect("the built-in packs load");
    /// let mut post = Post::from_text(Default::default(), "Mon sérum préféré ✨");
    /// post.markets = vec![Market::parse("FR").unwrap(), Market::parse("BE").unwrap()];
    /// post.relationship = Relationship::Paid;
    ///
    /// let (text, applied, result) = checker.fix(&post, false);
    /// assert_eq!(text, "Publicité · Mon sérum préféré ✨");
    /// assert_eq!((applied, result.verdict), (1, Verdict::Pass));
    /// ```
    pub fn fix(&self, post: &Post, allow_unsafe: bool) -> (String, usize, PostResult) {
        let fixed = fix_post(&self.engine, self.engine.check(post.clone()), allow_unsafe);
        let text = fixed.checked.post.text.clone();
        (text, fixed.applied, PostResult::from(fixed.checked))
    }

    /// Checks one post against the packs of its markets and platform.
    pub fn check(&self, post: &Post) -> PostResult {
        PostResult::from(self.engine.check(post.clone()))
    }
}

impl From<CheckedPost> for PostResult {
    fn from(checked: CheckedPost) -> PostResult {
        PostResult {
            verdict: checked.verdict(),
            relationship: checked.relationship,
            findings: checked.findings,
            evidence: checked.evidence,
        }
    }
}
