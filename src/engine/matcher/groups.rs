//! Lists of values under small integer keys (a trie's slots, term set
//! ids), where a key's list is found by counting the keys before it: a bit
//! per key and the count of keys before each word of bits make that a
//! load and a count of bits. A binary search of the keys, its steps
//! dependent and unpredictable, took a tenth of the trie's walk.

#[derive(Debug, Clone, Default)]
pub struct Groups<V> {
    keys: Vec<KeyWord>,
    /// Where each key's values start in `values`, by the key's rank; one
    /// more at the end.
    starts: Vec<u32>,
    /// The values, key by key, in key order.
    values: Vec<V>,
}

#[derive(Debug, Clone, Copy, Default)]
struct KeyWord {
    /// A bit per key of 64.
    bits: u64,
    /// The keys before these.
    before: u32,
}

impl<V: Ord> Groups<V> {
    /// The `(key, value)` pairs grouped by key, each group's values in
    /// order.
    pub fn new(mut pairs: Vec<(usize, V)>) -> Groups<V> {
        pairs.sort_unstable();
        let last_key = pairs.last().map_or(0, |(key, _)| *key);
        let mut keys = vec![KeyWord::default(); last_key / 64 + 1];
        let mut starts = Vec::new();
        let mut values = Vec::with_capacity(pairs.len());
        let mut previous = None;
        for (key, value) in pairs {
            if previous != Some(key) {
                keys[key / 64].bits |= 1 << (key % 64);
                starts.push(values.len() as u32);
                previous = Some(key);
            }
            values.push(value);
        }
        starts.push(values.len() as u32);
        let mut before = 0;
        for word in &mut keys {
            word.before = before;
            before += word.bits.count_ones();
        }
        Groups { keys, starts, values }
    }
}

impl<V> Groups<V> {
    /// The keys that have values, a bit each, 64 to a word.
    pub fn key_bits(&self) -> impl Iterator<Item = u64> + '_ {
        self.keys.iter().map(|word| word.bits)
    }

    /// The values under `key`, empty for a key with none.
    #[inline]
    pub fn get(&self, key: usize) -> &[V] {
        let Some(word) = self.keys.get(key / 64) else {
            return &[];
        };
        let bit = 1u64 << (key % 64);
        if word.bits & bit == 0 {
            return &[];
        }
        let rank = (word.before + (word.bits & (bit - 1)).count_ones()) as usize;
        &self.values[self.starts[rank] as usize..self.starts[rank + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn each_key_gives_its_values_in_order(
            pairs in proptest::collection::vec((0usize..300, 0u32..5), 0..60),
        ) {
            let groups = Groups::new(pairs.clone());
            for key in 0..400 {
                let mut expected: Vec<u32> =
                    pairs.iter().filter(|(k, _)| *k == key).map(|(_, v)| *v).collect();
                expected.sort_unstable();
                prop_assert_eq!(groups.get(key), expected.as_slice(), "key {}", key);
            }
        }
    }

    #[test]
    fn keys_at_the_edges_of_words() {
        let keys = [0, 63, 64, 127, 128, 1000];
        let groups = Groups::new(keys.iter().map(|&key| (key, key * 10)).collect());
        for key in 0..1100 {
            let expected: &[usize] = if keys.contains(&key) { &[key * 10][..] } else { &[] };
            assert_eq!(groups.get(key), expected, "{key}");
        }
        assert!(Groups::<u32>::new(Vec::new()).get(0).is_empty());
    }
}
