//! Reads each rule's kind parameters from its pack in a second pass over
//! the pack's YAML. The first pass (the `rules` module) reads the keys every
//! rule has; this one knows each rule's kind, hands the rule's other keys to
//! that kind's own `Params` type, and reports keys that are neither (each
//! at its own place, reading on). Values are read straight from the YAML
//! parser, so they keep their locations. The kinds are given by the first
//! pass, or found in each rule before its first parameter, so that the two
//! passes over a large pack can run side by side.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, IgnoredAny, IntoDeserializer, MapAccess, SeqAccess,
    Visitor,
};

use super::Params;
use crate::diag::yaml::{Spanned, YamlError};
use crate::rules::PackSource;
use crate::rules::raw::RawRule;

/// One rule's kind parameters as read.
#[derive(Debug)]
pub struct RuleParams {
    /// `None` for a rule of an unknown kind.
    pub params: Option<Params>,
    /// Keys that are neither common rule keys nor parameters of the kind.
    pub unknown_keys: Vec<Spanned<String>>,
    /// The kind's parameter names.
    pub expected: &'static [&'static str],
}

/// The parameters of a pack's rules, in the order of its `rules:` list,
/// given each rule's kind in that order.
pub fn read_params(source: &PackSource, kinds: &[&str]) -> Result<Vec<RuleParams>, YamlError> {
    let rules = source.parse_seed(PackSeed { kinds: Some(kinds) })?;
    Ok(rules.into_iter().flatten().map(|rule| rule.params).collect())
}

/// One rule's kind, as the rule says it, and its parameters.
#[derive(Debug)]
pub struct ReadRule {
    pub kind: String,
    pub params: RuleParams,
}

/// The parameters of a pack's rules with each rule's kind read from the
/// rule itself, so that this pass need not wait for the one that reads
/// what every rule says: a large pack's two passes can run side by side.
/// `None` when a rule lists a parameter before its `kind` (or has none),
/// or the pack cannot be read: then it is read again once the kinds are
/// known, and any problem is reported as that pass finds it.
pub fn read_params_and_kinds(source: &PackSource) -> Option<Vec<ReadRule>> {
    let rules = source.parse_seed(PackSeed { kinds: None }).ok()?;
    rules.into_iter().collect()
}

/// The pack: only its `rules:` list is read.
#[derive(Clone, Copy)]
struct PackSeed<'k> {
    /// Each rule's kind, in order; `None`: read from each rule.
    kinds: Option<&'k [&'k str]>,
}

impl<'de> DeserializeSeed<'de> for PackSeed<'_> {
    type Value = Vec<Option<ReadRule>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PackSeed<'_> {
    type Value = Vec<Option<ReadRule>>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a rule pack")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut params = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "rules" {
                params = map.next_value_seed(RulesSeed { kinds: self.kinds })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(params)
    }
}

struct RulesSeed<'k> {
    kinds: Option<&'k [&'k str]>,
}

impl<'de> DeserializeSeed<'de> for RulesSeed<'_> {
    type Value = Vec<Option<ReadRule>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RulesSeed<'_> {
    type Value = Vec<Option<ReadRule>>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a list of rules")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let Some(kinds) = self.kinds else {
            let mut rules = Vec::new();
            while let Some(rule) = seq.next_element_seed(RuleSeed { kind: None })? {
                rules.push(rule);
            }
            return Ok(rules);
        };
        let mut rules = Vec::with_capacity(kinds.len());
        for kind in kinds {
            match seq.next_element_seed(RuleSeed { kind: Some(kind) })? {
                Some(rule) => rules.push(rule),
                None => break,
            }
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(rules)
    }
}

/// One rule: its kind's parameters.
struct RuleSeed<'k> {
    /// `None`: read from the rule, before its first parameter.
    kind: Option<&'k str>,
}

impl<'de> DeserializeSeed<'de> for RuleSeed<'_> {
    type Value = Option<ReadRule>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RuleSeed<'_> {
    type Value = Option<ReadRule>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a rule")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (kind, pending) = match self.kind {
            Some(kind) => (kind.to_owned(), None),
            None => match kind_before_parameters(&mut map)? {
                Some(found) => found,
                None => return Ok(None),
            },
        };
        let mut unknown_keys = Vec::new();
        let mut expected: &'static [&'static str] = &[];
        let only =
            OnlyParams { map, pending, unknown_keys: &mut unknown_keys, expected: &mut expected };
        let params = Params::deserialize(&kind, only)?;
        Ok(Some(ReadRule { kind, params: RuleParams { params, unknown_keys, expected } }))
    }
}

/// A rule's kind, and the key of its first parameter if it has one.
type KindAndFirstKey = (String, Option<Spanned<String>>);

/// A rule's keys up to its first parameter: its kind, and the first
/// parameter's key (its value still to be read). `None`, the rest of the
/// rule skipped, when a parameter comes before the kind or there is none.
fn kind_before_parameters<'de, A: MapAccess<'de>>(
    map: &mut A,
) -> Result<Option<KindAndFirstKey>, A::Error> {
    let mut kind = None;
    while let Some(key) = map.next_key::<Spanned<String>>()? {
        if key.value == "kind" {
            kind = Some(map.next_value::<String>()?);
        } else if RawRule::KEYS.contains(&key.value.as_str()) {
            map.next_value::<IgnoredAny>()?;
        } else if kind.is_some() {
            return Ok(kind.map(|kind| (kind, Some(key))));
        } else {
            map.next_value::<IgnoredAny>()?;
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(None);
        }
    }
    Ok(kind.map(|kind| (kind, None)))
}

/// A rule's map seen as its kind's parameters: the common keys are
/// skipped, and a key that is neither common nor a parameter of the kind is
/// set aside with its location.
struct OnlyParams<'u, A> {
    map: A,
    /// A key already taken from `map` (whose value is not), to come first.
    pending: Option<Spanned<String>>,
    unknown_keys: &'u mut Vec<Spanned<String>>,
    /// Filled with the kind's parameter names.
    expected: &'u mut &'static [&'static str],
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for OnlyParams<'_, A> {
    type Error = A::Error;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        *self.expected = fields;
        let (map, pending, unknown_keys) = (self.map, self.pending, self.unknown_keys);
        visitor.visit_map(ParamsMap { map, pending, unknown_keys, fields: Some(fields) })
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        let (map, pending, unknown_keys) = (self.map, self.pending, self.unknown_keys);
        visitor.visit_map(ParamsMap { map, pending, unknown_keys, fields: None })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

struct ParamsMap<'u, A> {
    map: A,
    pending: Option<Spanned<String>>,
    unknown_keys: &'u mut Vec<Spanned<String>>,
    /// The kind's parameter names; `None` when any key is accepted (an
    /// unknown kind, whose keys are only skipped).
    fields: Option<&'static [&'static str]>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for ParamsMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = match self.pending.take() {
            Some(key) => Some(key),
            None => self.map.next_key::<Spanned<String>>()?,
        } {
            let name = key.value.as_str();
            if RawRule::KEYS.contains(&name) {
                self.map.next_value::<IgnoredAny>()?;
                continue;
            }
            if self.fields.is_some_and(|fields| !fields.contains(&name)) {
                self.map.next_value::<IgnoredAny>()?;
                self.unknown_keys.push(key);
                continue;
            }
            let key: de::value::StringDeserializer<A::Error> = key.value.into_deserializer();
            return seed.deserialize(key).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Debug;
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::diag::read_once::read_once;
    use crate::diag::yaml;
    use crate::rules::raw::RawPack;

    /// Every YAML file of the repository that may be a pack: the built-in
    /// packs, their examples, and the test packs, broken ones included.
    fn repository_yaml() -> Vec<(PathBuf, String)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
            let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
            entries.sort_by_key(|entry| entry.path());
            for path in entries.into_iter().map(|entry| entry.path()) {
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|ext| ext == "yaml" || ext == "yml") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    out.push((path, text));
                }
            }
        }
        let mut out = Vec::new();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for dir in ["rules", "tests/data", "fixtures"] {
            walk(&root.join(dir), &mut out);
        }
        out
    }

    /// Whether a document read once and by the YAML reader read alike
    /// (`false`: read once, it was refused, and the YAML reader decides);
    /// panics when only the reading once took it, or the two differ.
    fn read_alike<T: Debug>(
        once: Result<T, YamlError>,
        reader: Result<T, YamlError>,
        document: &str,
    ) -> bool {
        match (once, reader) {
            (Ok(once), Ok(reader)) => {
                assert_eq!(format!("{once:?}"), format!("{reader:?}"), "{document}");
                true
            }
            (Ok(_), Err(error)) => {
                panic!("read once, but the YAML reader says {}:\n{document}", error.message)
            }
            (Err(_), _) => false,
        }
    }

    #[test]
    fn every_pack_read_once_reads_as_the_yaml_reader_reads_it_locations_included() {
        let (mut alike, mut refused) = (0, 0);
        for (path, text) in repository_yaml() {
            let Some(read) = read_once(&text) else {
                // Only a broken file needs the YAML reader (duplicate keys,
                // bad syntax, no document).
                assert!(path.components().any(|part| part.as_os_str() == "broken"), "{path:?}");
                continue;
            };
            let named = format!("{}\n{text}", path.display());
            let seed = PackSeed { kinds: None };
            let pack = read_alike(read.parse::<RawPack>(), yaml::parse::<RawPack>(&text), &named);
            let params = read_alike(read.parse_seed(seed), yaml::parse_seed(&text, seed), &named);
            if pack && params { alike += 1 } else { refused += 1 }
        }
        assert!(alike >= 60 && refused > 0, "{alike} packs read alike, {refused} refused");
    }

    /// A value the YAML reader might read otherwise than it looks, in
    /// place of a pack's own.
    const AWKWARD: &[&str] = &[
        "~",
        "null",
        "",
        "yes",
        "No",
        "on",
        "OFF",
        "y",
        "true",
        "False",
        "1",
        "-7",
        "0",
        "007",
        "1.5",
        "-0.25",
        "0x1F",
        "0o17",
        "1e3",
        "1_000",
        ".inf",
        "'no'",
        "\"12\"",
        "2026.12.1",
        "plain words",
        "'quoted: text'",
        "\"tab\\there\"",
        "[a, b]",
        "[1, no, ~]",
        "{x: 1}",
        "[]",
        "{}",
        "#ad",
        "a #b",
        "\"\"",
        "''",
        "|\n  a block\n",
        ">\n  folded\n  lines\n",
    ];

    #[test]
    fn whatever_a_value_says_a_pack_read_once_is_read_as_the_yaml_reader_reads_it() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let packs = [
            "tests/data/packs/house.yaml",
            "tests/data/packs/term-syntax.yaml",
            "rules/platforms/tiktok.yaml",
        ];
        let mut state = 0x5EED_u64;
        let mut next = move |below: usize| {
            // splitmix64: a fixed sequence, so a failure is reproducible.
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) % below as u64) as usize
        };
        let (mut alike, mut refused, mut left) = (0, 0, 0);
        for pack in packs {
            let text = std::fs::read_to_string(root.join(pack)).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            let values: Vec<usize> = (0..lines.len())
                .filter(|&at| lines[at].split_once(": ").is_some_and(|(key, _)| !key.contains('#')))
                .collect();
            for _ in 0..300 {
                // One value replaced, or two; now and then a key, by one no
                // rule has (which a rule's parameters list as unknown).
                let mut changed_lines: Vec<String> =
                    lines.iter().map(|line| line.to_string()).collect();
                for _ in 0..1 + next(2) {
                    let at = values[next(values.len())];
                    let (key, value) = lines[at].split_once(": ").unwrap_or_default();
                    let indent = &key[..key.len() - key.trim_start().len()];
                    changed_lines[at] = match next(5) {
                        0 => format!("{indent}colour: {value}"),
                        _ => format!("{key}: {}", AWKWARD[next(AWKWARD.len())]),
                    };
                }
                let changed = changed_lines.join("\n") + "\n";
                let Some(read) = read_once(&changed) else {
                    left += 1;
                    continue;
                };
                let seed = PackSeed { kinds: None };
                let pack =
                    read_alike(read.parse::<RawPack>(), yaml::parse::<RawPack>(&changed), &changed);
                let params =
                    read_alike(read.parse_seed(seed), yaml::parse_seed(&changed, seed), &changed);
                if pack && params { alike += 1 } else { refused += 1 }
            }
        }
        // Enough of each way to say something.
        assert!(alike >= 20 && refused >= 20 && left >= 20, "{alike} {refused} {left}");
    }
}
