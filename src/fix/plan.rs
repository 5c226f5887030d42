//! Fixing one post: apply one fix at a time, each time the one that leaves
//! the fewest problems after checking again, until no fix is left or none
//! helps; every first step is tried, as the first label can change how the
//! post reads. So a label every market of the post accepts is chosen
//! when there is one, a label already present is never added again (its
//! finding is gone), and what remains is what a fresh check reports.

use crate::engine::Engine;
use crate::finding::{CheckedPost, Finding, Fix};

use super::apply_fixes;

/// Rounds of fixing per post: every round removes at least one finding.
const MAX_ROUNDS: usize = 8;
/// Fixes tried per round.
const MAX_CANDIDATES: usize = 8;

/// A post after fixing.
#[derive(Debug, Clone)]
pub struct FixedPost {
    /// The fixed post checked again (the original check when no fix applied).
    pub checked: CheckedPost,
    /// The text before fixing.
    pub original: String,
    /// How many fixes were applied.
    pub applied: usize,
}

impl FixedPost {
    pub fn changed(&self) -> bool {
        self.applied > 0
    }
}

/// Fixes `checked` (a post and its findings from `engine`): safe fixes, and
/// with `allow_unsafe` the others too. Each fix the post offers is tried
/// first in turn, then the best fix at each step; the outcome with the
/// fewest problems, then the fewest fixes, wins. (Which fix goes first can
/// matter: a label changes the language the post is read in.) A fix that
/// would make the text longer than the platform allows is not applied; its
/// finding says why.
pub fn fix_post(engine: &Engine, checked: CheckedPost, allow_unsafe: bool) -> FixedPost {
    let original = checked.post.text.clone();
    let limit = engine
        .rules()
        .platform_facts(checked.post.platform)
        .and_then(|facts| facts.max_length.as_ref())
        .map(|length| length.characters as usize);
    let mut planner = Planner { engine, allow_unsafe, limit, too_long: Vec::new() };
    let before = problems(&checked);
    let mut best: Option<(CheckedPost, usize)> = None;
    for fix in candidates(&checked, allow_unsafe).into_iter().take(MAX_CANDIDATES) {
        let Some(after) = planner.apply(&checked, &fix).filter(|after| problems(after) < before)
        else {
            continue;
        };
        let (result, applied) = planner.greedy(after);
        let score = (problems(&result), applied + 1);
        if best.as_ref().is_none_or(|(kept, count)| score < (problems(kept), *count)) {
            best = Some((result, applied + 1));
        }
        if score == (0, 1) {
            break;
        }
    }
    let (mut current, applied) = best.unwrap_or((checked, 0));
    if let Some(limit) = limit {
        say_why_not_applied(&mut current, &planner.too_long, limit);
    }
    FixedPost { checked: current, original, applied }
}

struct Planner<'a> {
    engine: &'a Engine,
    allow_unsafe: bool,
    /// The platform's maximum length, in characters.
    limit: Option<usize>,
    /// Fixes left out for the length they would make.
    too_long: Vec<(Fix, usize)>,
}

impl Planner<'_> {
    /// The post with `fix` applied, checked again; `None` when it does not
    /// apply or would be too long.
    fn apply(&mut self, current: &CheckedPost, fix: &Fix) -> Option<CheckedPost> {
        let result = apply_fixes(&current.post.text, [fix]);
        if result.applied == 0 {
            return None;
        }
        let length = result.text.chars().count();
        if self.limit.is_some_and(|limit| length > limit) {
            self.too_long.push((fix.clone(), length));
            return None;
        }
        let mut post = current.post.clone();
        post.text = result.text;
        Some(self.engine.check(post))
    }

    /// From `current`, applies at each step the fix that leaves the fewest
    /// problems, while one leaves fewer; the result and the fixes applied.
    fn greedy(&mut self, mut current: CheckedPost) -> (CheckedPost, usize) {
        let mut applied = 0;
        for _ in 1..MAX_ROUNDS {
            let before = problems(&current);
            let mut best: Option<(usize, CheckedPost)> = None;
            for fix in candidates(&current, self.allow_unsafe).into_iter().take(MAX_CANDIDATES) {
                let Some(rechecked) = self.apply(&current, &fix) else { continue };
                let left = problems(&rechecked);
                if left < before && best.as_ref().is_none_or(|(fewest, _)| left < *fewest) {
                    best = Some((left, rechecked));
                    if left == 0 {
                        break;
                    }
                }
            }
            let Some((_, rechecked)) = best else { break };
            current = rechecked;
            applied += 1;
        }
        (current, applied)
    }
}

/// The fixes `--fix` (or `--unsafe-fixes`) may apply to the post, once each.
fn candidates(checked: &CheckedPost, allow_unsafe: bool) -> Vec<Fix> {
    let mut fixes: Vec<Fix> = Vec::new();
    for fix in checked.findings.iter().filter_map(|finding| finding.fix.as_ref()) {
        if fix.applies(allow_unsafe) && !fixes.contains(fix) {
            fixes.push(fix.clone());
        }
    }
    fixes
}

/// The problems a check reports: each finding, and each finding of another
/// rule folded into one (its fix is only offered once the finding that
/// explained it is fixed).
fn problems(checked: &CheckedPost) -> usize {
    let folded = |finding: &Finding| finding.related.iter().filter(|r| r.rule.is_some()).count();
    checked.findings.iter().map(|finding| 1 + folded(finding)).sum()
}

/// Appends to each finding whose fix was too long why it was not applied.
fn say_why_not_applied(checked: &mut CheckedPost, too_long: &[(Fix, usize)], limit: usize) {
    let platform =
        checked.post.platform.map_or_else(|| "the platform".to_string(), |p| p.to_string());
    for finding in &mut checked.findings {
        let Some(fix) = &finding.fix else { continue };
        if let Some((_, length)) = too_long.iter().find(|(long, _)| long == fix) {
            finding.message.push_str(&format!(
                " (not fixed: the text would be {length} characters, over {platform}'s {limit})"
            ));
        }
    }
}
