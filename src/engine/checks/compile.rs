//! What a kind needs to validate its parameters: where the rule's kind is
//! written, term sets by name, and the pack's problem list.

use std::collections::BTreeSet;

use foldhash::HashMap;
use std::ops::{Deref, Range};

use crate::diag::Problems;
use crate::diag::yaml::Spanned;
use crate::engine::matcher::SetId;

/// Handed to [`super::Kind::compile`].
pub struct CompileContext<'a, 'p> {
    /// The rule's kind as written, and where.
    pub kind: &'a str,
    pub kind_span: Option<Range<usize>>,
    /// The id of the rule's pack, for set names written without one.
    pub pack_id: &'a str,
    /// Every term set by its qualified name (`pack/set`).
    pub set_ids: &'a HashMap<&'a str, SetId>,
    /// By set id: the set whose hits a post's scan holds for it (see [`Sets`]).
    pub scanned_as: &'a [SetId],
    pub problems: &'a mut Problems<'p>,
}

impl CompileContext<'_, '_> {
    /// Reports a problem at a value of the rule.
    pub fn problem<T>(&mut self, at: &Spanned<T>, message: impl Into<String>, label: &str) {
        let span = self.problems.span_of(at);
        self.problems.add(span, message, label, None);
    }

    /// Reports a missing parameter, at the rule's kind.
    pub fn missing(&mut self, message: impl Into<String>) {
        let span = self.kind_span.clone();
        self.problems.add(span, message, "missing parameter", None);
    }

    /// A required list of term sets, by parameter name.
    pub fn sets(&mut self, name: &str, value: Option<Vec<Spanned<String>>>) -> Sets {
        match value {
            Some(names) if !names.is_empty() => self.optional_sets(Some(names)),
            _ => {
                let kind = self.kind;
                self.missing(format!("kind `{kind}` needs `{name}`: a list of term sets"));
                Sets::default()
            }
        }
    }

    /// An optional list of term sets.
    pub fn optional_sets(&mut self, value: Option<Vec<Spanned<String>>>) -> Sets {
        let names = value.unwrap_or_default();
        let mut ids = Vec::with_capacity(names.len());
        // Each name qualified in one buffer: a `format!` per name cost
        // about 4 % of checking one post from a cold start.
        let mut qualified = String::with_capacity(64);
        for name in names {
            qualified.clear();
            if !name.value.contains('/') {
                qualified.push_str(self.pack_id);
                qualified.push('/');
            }
            qualified.push_str(&name.value);
            match self.set_ids.get(qualified.as_str()) {
                Some(id) => ids.push(*id),
                None => {
                    let help = format!(
                        "sets of this pack: {}; sets of other packs are written pack/set",
                        self.own_set_names().join(", ")
                    );
                    let span = self.problems.span_of(&name);
                    self.problems.add(
                        span,
                        format!("unknown term set '{}'", name.value),
                        "unknown term set",
                        Some(help),
                    );
                }
            }
        }
        Sets { scanned: ids.iter().map(|&id| self.scanned_as[id as usize]).collect(), written: ids }
    }

    fn own_set_names(&self) -> Vec<&str> {
        let prefix = format!("{}/", self.pack_id);
        let names: BTreeSet<&str> =
            self.set_ids.keys().filter_map(|key| key.strip_prefix(&prefix)).collect();
        names.into_iter().collect()
    }
}

/// The term sets a rule reads in one parameter. A set defined exactly as an
/// earlier one (nine country packs say `{brand}` alike) has no hits of its
/// own: a post's scan holds one hit per place for all of them, under the
/// first one's id. So a check looks hits up by the sets as scanned (what
/// the list derefs to), and `explain` names them as written.
#[derive(Debug, Clone, Default)]
pub struct Sets {
    scanned: Vec<SetId>,
    written: Vec<SetId>,
}

impl Deref for Sets {
    type Target = [SetId];

    fn deref(&self) -> &[SetId] {
        &self.scanned
    }
}

impl Sets {
    /// The sets as the rule names them.
    pub fn written(&self) -> &[SetId] {
        &self.written
    }

    /// Every set of `lists`, each once, in id order.
    pub fn union<'s>(lists: impl IntoIterator<Item = &'s Sets>) -> Sets {
        let mut union = Sets::default();
        for list in lists {
            union.scanned.extend_from_slice(&list.scanned);
            union.written.extend_from_slice(&list.written);
        }
        for ids in [&mut union.scanned, &mut union.written] {
            ids.sort_unstable();
            ids.dedup();
        }
        union
    }
}

/// Sets that are scanned as written, for tests that build checks by hand.
#[cfg(test)]
impl From<Vec<SetId>> for Sets {
    fn from(ids: Vec<SetId>) -> Sets {
        Sets { scanned: ids.clone(), written: ids }
    }
}
