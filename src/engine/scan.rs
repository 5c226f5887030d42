//! One scan of one post: every field normalised and tokenised once, and the
//! hits of every term set of every loaded pack. Rules only look things up.

use super::matcher::{Hit, Matcher, ScannedField, SetId};
use crate::finding::{Field, Span};
use crate::post::Post;

#[derive(Debug)]
pub struct PostScan {
    fields: Vec<ScannedField>,
    /// Sorted by field (text, title, subtitles) and position.
    hits: Vec<Hit>,
}

impl PostScan {
    pub fn new(post: &Post, matcher: &Matcher) -> PostScan {
        let mut fields = vec![ScannedField::new(Field::Text, &post.text)];
        if let Some(title) = &post.title {
            fields.push(ScannedField::new(Field::Title, title));
        }
        for (index, cue) in post.subtitles.iter().enumerate() {
            fields.push(ScannedField::new(Field::Subtitle(index), &cue.text));
        }
        let mut hits = Vec::new();
        for scanned in &fields {
            matcher.scan(
                scanned,
                scanned.field.text_in(post).unwrap_or(""),
                &post.brands,
                &mut hits,
            );
        }
        hits.sort_by_key(|hit| (field_order(hit.field), hit.range.start, hit.range.end, hit.set));
        hits.dedup();
        PostScan { fields, hits }
    }

    /// Hits of any of `sets`, in order.
    pub fn hits_of<'a>(&'a self, sets: &'a [SetId]) -> impl Iterator<Item = &'a Hit> + 'a {
        self.hits.iter().filter(move |hit| sets.contains(&hit.set))
    }

    pub fn any(&self, sets: &[SetId]) -> bool {
        self.hits_of(sets).next().is_some()
    }

    /// The post's main text, scanned.
    pub fn text(&self) -> &ScannedField {
        &self.fields[0]
    }
}

fn field_order(field: Field) -> usize {
    match field {
        Field::Text => 0,
        Field::Title => 1,
        Field::Subtitle(index) => 2 + index,
    }
}

impl Hit {
    pub fn span(&self) -> Span {
        Span { start: self.original.start, end: self.original.end, field: self.field }
    }
}
