//! Fixes: applying a finding's edits to a text ([`apply_fixes`]), choosing
//! the fixes of one post so that every market is satisfied with the fewest
//! labels ([`plan`]), rewriting the post texts inside a file without
//! touching anything else ([`files`]), and showing the change as a unified
//! diff ([`diff`]). No I/O: the command reads and writes the files.

pub mod diff;
pub mod files;
pub mod plan;

use crate::finding::{Edit, Field, Fix};

/// The result of [`apply_fixes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The text with the fixes applied.
    pub text: String,
    /// Fixes applied.
    pub applied: usize,
    /// Fixes left out: they overlapped an earlier one, or pointed outside
    /// the text.
    pub skipped: usize,
}

/// Applies `fixes` to `text` (the post's main text), in order: a fix whose
/// edits overlap an applied one's, point into another field or outside the
/// text, is left out whole. Equal edits of two fixes count once, so two
/// markets asking for the same label get it once.
pub fn apply_fixes<'a>(text: &str, fixes: impl IntoIterator<Item = &'a Fix>) -> Applied {
    let mut accepted: Vec<&Edit> = Vec::new();
    let (mut applied, mut skipped) = (0, 0);
    for fix in fixes {
        let fits = fix.edits.iter().all(|edit| {
            let span = edit.span;
            span.field == Field::Text
                && span.start <= span.end
                && text.is_char_boundary(span.start)
                && text.is_char_boundary(span.end)
                && span.end <= text.len()
                && accepted.iter().all(|other| *other == edit || !overlaps(other, edit))
        });
        if fits && !fix.edits.is_empty() {
            for edit in &fix.edits {
                if !accepted.contains(&edit) {
                    accepted.push(edit);
                }
            }
            applied += 1;
        } else {
            skipped += 1;
        }
    }
    // Insertions before replacements starting at the same place.
    accepted.sort_by_key(|edit| (edit.span.start, edit.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for edit in accepted {
        out.push_str(&text[at..edit.span.start]);
        out.push_str(&edit.replacement);
        at = edit.span.end;
    }
    out.push_str(&text[at..]);
    Applied { text: out, applied, skipped }
}

/// Two edits overlap when they change a common byte, or insert at the same
/// place (their order would be a guess).
fn overlaps(a: &Edit, b: &Edit) -> bool {
    let (a, b) = (a.span, b.span);
    if a.start == a.end && b.start == b.end {
        return a.start == b.start;
    }
    a.start < b.end && b.start < a.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Applicability, Span};

    fn fix(edits: &[(usize, usize, &str)]) -> Fix {
        Fix {
            edits: edits
                .iter()
                .map(|&(start, end, text)| Edit {
                    span: Span::text(start, end),
                    replacement: text.into(),
                })
                .collect(),
            applicability: Applicability::Safe,
        }
    }

    #[test]
    fn edits_apply_in_text_order_whatever_the_fix_order() {
        let text = "love it #sp\n✨";
        let applied = apply_fixes(text, &[fix(&[(8, 11, "#ad")]), fix(&[(0, 0, "Publicité · ")])]);
        assert_eq!(applied.text, "Publicité · love it #ad\n✨");
        assert_eq!((applied.applied, applied.skipped), (2, 0));
    }

    #[test]
    fn an_equal_edit_counts_once_and_an_overlapping_fix_is_left_out() {
        let text = "nice #sp";
        let fixes = [fix(&[(0, 0, "#ad ")]), fix(&[(0, 0, "#ad ")]), fix(&[(0, 0, "Anzeige ")])];
        let applied = apply_fixes(text, &fixes);
        assert_eq!(applied.text, "#ad nice #sp");
        assert_eq!((applied.applied, applied.skipped), (2, 1));
        let applied = apply_fixes(text, &[fix(&[(5, 8, "#ad")]), fix(&[(6, 7, "x")])]);
        assert_eq!((applied.text.as_str(), applied.skipped), ("nice #ad", 1));
    }

    #[test]
    fn a_fix_outside_the_text_or_inside_a_character_is_left_out() {
        let applied = apply_fixes("é", &[fix(&[(1, 1, "x")]), fix(&[(0, 9, "x")])]);
        assert_eq!((applied.text.as_str(), applied.applied), ("é", 0));
    }

    #[test]
    fn a_move_inserts_where_it_deletes() {
        let applied = apply_fixes("#ad nice", &[fix(&[(0, 0, "Werbung "), (0, 4, "")])]);
        assert_eq!(applied.text, "Werbung nice");
    }
}
