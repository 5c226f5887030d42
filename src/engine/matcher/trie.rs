//! Literals in a double-array trie, walked from one place of a text. A
//! node is a slot of one array: its children sit at its base plus their
//! byte, and each slot names its parent, so a step is one look-up of one
//! cell. (An automaton's anchored step decodes its state and searches its
//! transitions: about fifty instructions a step on the bench captions.)

use std::collections::VecDeque;
use std::ops::Range;

use super::groups::Groups;

/// A slot's parent when no node holds it.
const FREE: u32 = u32::MAX;
/// The root's slot.
const ROOT: u32 = 0;
/// The parent written in the root's slot, so that no node takes it.
const ROOT_PARENT: u32 = u32::MAX - 1;
/// In a node's base: literals end at the node. `Trie::ends` knows it too;
/// the bit is kept so that a step where nothing ends reads only its cell,
/// not a second array.
const ENDS: u32 = 1 << 31;
/// Free slots tried for a node's children before they go past the last
/// child placed.
const TRIES: usize = 64;
/// Words of the free-slot bitmap looked through for those slots: with
/// [`TRIES`], placing every node stays linear in the literals' bytes.
const SCAN_WORDS: usize = 64;

#[derive(Debug, Clone, Copy)]
struct Cell {
    /// Where the node's children start (with [`ENDS`] when literals end
    /// at the node).
    base: u32,
    /// The slot of the node whose child this is, [`FREE`] or [`ROOT_PARENT`].
    parent: u32,
}

impl Cell {
    /// Where the node's children start.
    fn children(self) -> usize {
        (self.base & !ENDS) as usize
    }

    /// Whether literals end at the node.
    fn ends_here(self) -> bool {
        self.base & ENDS != 0
    }
}

#[derive(Debug)]
pub struct Trie {
    /// At least 256 past the largest base, so a step never looks past the
    /// end.
    cells: Vec<Cell>,
    /// The literals ending at each node where some do, by its slot.
    ends: Groups<u32>,
}

impl Trie {
    /// The trie of `literals`, each with the number it is reported by
    /// (empty ones are never found); `None` if it needs more slots than
    /// a base can number.
    pub fn new<'a>(literals: impl IntoIterator<Item = (&'a [u8], u32)>) -> Option<Trie> {
        // Sorted, the literals below a node are the run that shares its
        // path, those ending there first: no tree is built before the
        // array.
        let mut literals: Vec<(&[u8], u32)> =
            literals.into_iter().filter(|(bytes, _)| !bytes.is_empty()).collect();
        literals.sort_unstable();
        let mut cells = vec![Cell { base: 0, parent: FREE }; 256];
        cells[ROOT as usize].parent = ROOT_PARENT;
        let mut free = FreeSlots::default();
        free.grow(1, 256);
        let mut ends = Vec::new();
        let mut children: Vec<(u8, Range<usize>)> = Vec::new();
        // Every slot from here on is free.
        let mut frontier = 1;
        // A node: its slot, its depth, and the run of literals below it.
        let mut queue = VecDeque::from([(ROOT, 0, 0..literals.len())]);
        while let Some((slot, depth, below)) = queue.pop_front() {
            let mut at = below.start;
            while at < below.end && literals[at].0.len() == depth {
                ends.push((slot as usize, literals[at].1));
                at += 1;
            }
            let literals_end_here = at > below.start;
            children.clear();
            for (index, (bytes, _)) in (at..below.end).zip(&literals[at..below.end]) {
                let byte = bytes[depth];
                match children.last_mut() {
                    Some((last, run)) if *last == byte => run.end = index + 1,
                    _ => children.push((byte, index..index + 1)),
                }
            }
            let base = match children.first() {
                None => 0,
                Some(&(lowest, _)) => {
                    let base = free_base(&cells, &free, frontier, lowest, &children);
                    let needed = base + 256;
                    if needed >= ENDS as usize {
                        return None;
                    }
                    if cells.len() < needed {
                        free.grow(cells.len(), needed);
                        cells.resize(needed, Cell { base: 0, parent: FREE });
                    }
                    for (byte, run) in children.drain(..) {
                        let child = base + usize::from(byte);
                        cells[child].parent = slot;
                        free.take(child);
                        queue.push_back((child as u32, depth + 1, run));
                        frontier = frontier.max(child + 1);
                    }
                    base as u32
                }
            };
            cells[slot as usize].base = base | if literals_end_here { ENDS } else { 0 };
        }
        Some(Trie { cells, ends: Groups::new(ends) })
    }

    /// Whether some literal starts with `byte`.
    pub fn starts_with(&self, byte: u8) -> bool {
        let root = self.cells[ROOT as usize].children();
        self.cells[root + usize::from(byte)].parent == ROOT
    }

    /// Calls `found` with each literal that `bytes[start..]` starts with,
    /// and its range. Inlined: called out of line (as a change elsewhere
    /// in the check once made the compiler do), 20 k posts took 70 M more
    /// instructions (3.8 %), the call costing more than most walks.
    #[inline(always)]
    pub fn walk(&self, bytes: &[u8], start: usize, mut found: impl FnMut(u32, Range<usize>)) {
        let (mut node, mut base) = (ROOT, self.cells[ROOT as usize].children());
        let mut end = start;
        while let Some(&byte) = bytes.get(end) {
            end += 1;
            let slot = base + usize::from(byte);
            let cell = self.cells[slot];
            if cell.parent != node {
                return;
            }
            node = slot as u32;
            if cell.ends_here() {
                for &literal in self.ends.get(slot) {
                    found(literal, start..end);
                }
            }
            base = cell.children();
        }
    }
}

/// A base at which every child of a node finds its slot free: the first
/// of [`TRIES`] free slots below `frontier` (within [`SCAN_WORDS`] words)
/// that fits the lowest child there, else the one that puts it at
/// `frontier`.
fn free_base(
    cells: &[Cell],
    free: &FreeSlots,
    frontier: usize,
    lowest: u8,
    children: &[(u8, Range<usize>)],
) -> usize {
    let lowest = usize::from(lowest);
    let fits = |base: usize| {
        children.iter().all(|&(byte, _)| {
            cells.get(base + usize::from(byte)).is_none_or(|cell| cell.parent == FREE)
        })
    };
    free.free_from(lowest)
        .take_while(|&slot| slot < frontier)
        .take(TRIES)
        .map(|slot| slot - lowest)
        .find(|&base| fits(base))
        .unwrap_or(frontier.max(lowest) - lowest)
}

/// The free slots, a bit each, so that runs of taken ones are passed 64
/// at a time, and the packed run past the root's children at once.
#[derive(Default)]
struct FreeSlots {
    words: Vec<u64>,
    /// The first word past the root's children with a free slot: the
    /// array fills from the front, and the slots below 256 that only
    /// children of low bytes can take stay free.
    packed_until: usize,
}

impl FreeSlots {
    /// The words of the root's children, which [`FreeSlots::packed_until`] passes over.
    const ROOT_WORDS: usize = 256 / 64;

    /// Slots `from..to` exist and are free.
    fn grow(&mut self, from: usize, to: usize) {
        self.words.resize(to.div_ceil(64), 0);
        for slot in from..to {
            self.words[slot / 64] |= 1 << (slot % 64);
        }
        self.packed_until = self.packed_until.max(FreeSlots::ROOT_WORDS);
    }

    fn take(&mut self, slot: usize) {
        self.words[slot / 64] &= !(1 << (slot % 64));
        while self.words.get(self.packed_until) == Some(&0) {
            self.packed_until += 1;
        }
    }

    /// The free slots from `slot` on, in order, within the next
    /// [`SCAN_WORDS`] words (the packed run passed at once).
    fn free_from(&self, slot: usize) -> impl Iterator<Item = usize> + '_ {
        let mut word = slot / 64;
        let mut bits = self.words.get(word).map_or(0, |bits| bits & (u64::MAX << (slot % 64)));
        let mut words_left = SCAN_WORDS;
        std::iter::from_fn(move || {
            while bits == 0 {
                words_left = words_left.checked_sub(1)?;
                word += 1;
                if (FreeSlots::ROOT_WORDS..self.packed_until).contains(&word) {
                    word = self.packed_until;
                }
                bits = *self.words.get(word)?;
            }
            let slot = word * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            Some(slot)
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// What a walk finds, by brute force.
    fn prefixes_at(literals: &[&str], text: &str, start: usize) -> Vec<(u32, Range<usize>)> {
        let rest = &text.as_bytes()[start..];
        let mut found: Vec<(u32, Range<usize>)> = (0..literals.len() as u32)
            .filter(|&index| {
                let literal = literals[index as usize].as_bytes();
                !literal.is_empty() && rest.starts_with(literal)
            })
            .map(|index| (index, start..start + literals[index as usize].len()))
            .collect();
        found.sort_by_key(|(index, range)| (range.end, *index));
        found
    }

    fn walked(trie: &Trie, text: &str, start: usize) -> Vec<(u32, Range<usize>)> {
        let mut found = Vec::new();
        trie.walk(text.as_bytes(), start, |literal, range| found.push((literal, range)));
        found.sort_by_key(|(index, range)| (range.end, *index));
        found
    }

    #[test]
    fn a_walk_finds_every_literal_the_text_starts_with_there() {
        // Shared prefixes, a literal twice, an empty one, every byte value
        // (a root with 256 children), non-ASCII and NUL bytes.
        let mut literals =
            vec!["", "a", "ad", "adv", "advert", "ad", "b", "é", "éé", "広告", "\0x"];
        let every_byte: Vec<String> =
            (0..128u8).map(|byte| format!("{}z", char::from(byte))).collect();
        literals.extend(every_byte.iter().map(String::as_str));
        let trie =
            Trie::new(literals.iter().enumerate().map(|(i, l)| (l.as_bytes(), i as u32))).unwrap();
        let texts = ["advert ad", "aadvz", "éé広告", "\0x\0z", "zz", "", "b a ad adv"];
        let mut found = 0;
        for text in texts {
            for start in 0..text.len() {
                let expected = prefixes_at(&literals, text, start);
                assert_eq!(walked(&trie, text, start), expected, "{text:?} from {start}");
                found += expected.len();
            }
        }
        assert!(found > 20, "{found}");
        for byte in 0..=255u8 {
            let starts = literals.iter().any(|literal| literal.as_bytes().first() == Some(&byte));
            assert_eq!(trie.starts_with(byte), starts, "{byte}");
        }
    }

    #[test]
    fn many_literals_with_few_and_many_children_each_find_their_place() {
        let literals: Vec<String> = (0..3000u32)
            .map(|i| format!("{}{}", char::from(b'a' + (i % 26) as u8), i * 7919 % 10007))
            .chain((0..200u32).map(|i| format!("#{i:x}")))
            .collect();
        let trie =
            Trie::new(literals.iter().enumerate().map(|(i, l)| (l.as_bytes(), i as u32))).unwrap();
        let as_str: Vec<&str> = literals.iter().map(String::as_str).collect();
        for literal in &literals {
            let text = format!("{literal}5 x");
            assert_eq!(walked(&trie, &text, 0), prefixes_at(&as_str, &text, 0), "{text:?}");
        }
    }

    #[test]
    fn nodes_with_children_far_apart_leave_the_array_dense() {
        // Every string of up to six pieces: each branching node has
        // children at 0x61, 0x7A, 0xC3 and 0xE5, the hardest to fit.
        let all = crate::engine::every_text(&["a", "z", "é", "告"], 6);
        let trie =
            Trie::new(all.iter().enumerate().map(|(i, l)| (l.as_bytes(), i as u32))).unwrap();
        // 9,556 nodes in 9,795 cells when written.
        let nodes = trie.cells.iter().filter(|cell| cell.parent != FREE).count();
        assert!(trie.cells.len() <= 2 * nodes + 512, "{nodes} nodes in {} cells", trie.cells.len());
        let as_str: Vec<&str> = all.iter().map(String::as_str).collect();
        for literal in all.iter().step_by(97) {
            assert_eq!(walked(&trie, literal, 0), prefixes_at(&as_str, literal, 0));
        }
    }

    proptest! {
        #[test]
        fn a_walk_finds_what_brute_force_finds(
            literals in proptest::collection::vec("[ab\u{e9}#]{0,5}", 0..40),
            text in "[ab\u{e9}# ]{0,24}",
        ) {
            let as_str: Vec<&str> = literals.iter().map(String::as_str).collect();
            let trie =
                Trie::new(as_str.iter().enumerate().map(|(i, l)| (l.as_bytes(), i as u32))).unwrap();
            for start in 0..text.len() {
                prop_assert_eq!(walked(&trie, &text, start), prefixes_at(&as_str, &text, start));
            }
        }
    }
}
