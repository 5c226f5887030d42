//! One scan of one post: every field normalised and tokenised once, and the
//! hits of every term set of every loaded pack. Rules only look things up.

use super::matcher::{Brand, Hit, Matcher, ScannedField, SetId};
use crate::finding::{Field, Span};
use crate::post::Post;

#[derive(Debug)]
pub struct PostScan {
    fields: Vec<ScannedField>,
    /// Sorted by field (text, title, subtitles) and position.
    hits: Vec<Hit>,
    /// Bit `set` is on when some hit belongs to that term set: most rules
    /// ask about sets a post does not contain, and learn it without a pass
    /// over the hits.
    present: Vec<u64>,
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
        let brands: Vec<Brand> = post.brands.iter().filter_map(|brand| Brand::new(brand)).collect();
        let mut hits = Vec::new();
        for scanned in &fields {
            matcher.scan(scanned, scanned.field.text_in(post).unwrap_or(""), &brands, &mut hits);
        }
        hits.sort_by_key(|hit| (field_order(hit.field), hit.range.start, hit.range.end, hit.set));
        hits.dedup();
        let mut present = Vec::new();
        for hit in &hits {
            let (word, bit) = (hit.set as usize / 64, hit.set % 64);
            if present.len() <= word {
                present.resize(word + 1, 0);
            }
            present[word] |= 1u64 << bit;
        }
        PostScan { fields, hits, present }
    }

    fn has(&self, set: SetId) -> bool {
        self.present.get(set as usize / 64).is_some_and(|word| word & (1u64 << (set % 64)) != 0)
    }

    /// The sets with at least one hit, in id order.
    pub fn present_sets(&self) -> impl Iterator<Item = SetId> + '_ {
        self.present.iter().enumerate().flat_map(|(word, bits)| {
            (0..64u32)
                .filter(move |bit| bits & (1u64 << bit) != 0)
                .map(move |bit| word as u32 * 64 + bit)
        })
    }

    /// Hits of any of `sets`, in order.
    pub fn hits_of<'a>(&'a self, sets: &'a [SetId]) -> impl Iterator<Item = &'a Hit> + 'a {
        let hits: &[Hit] = if self.any(sets) { &self.hits } else { &[] };
        hits.iter().filter(move |hit| sets.contains(&hit.set))
    }

    pub fn any(&self, sets: &[SetId]) -> bool {
        sets.iter().any(|&set| self.has(set))
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
