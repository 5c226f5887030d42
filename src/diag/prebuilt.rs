//! Reads a built-in pack in the form build.rs wrote (`packed.rs`): its
//! YAML document already read, scalars typed as YAML's core schema types
//! them, rules without their examples. Each value is converted to what its
//! key expects, as the YAML reader does, so one serde schema reads both.
//! Nothing is built: each pass (the keys every rule has, then each kind's
//! parameters) reads the bytes, borrowing their texts, and steps over what
//! it does not ask for. Locations are unknown: the test suite proves the
//! built-in packs from their YAML, and reading both forms must give the
//! same rules.
//!
//! A pack read from YAML at run time (`read_once.rs`) comes in the same
//! form with a place for each value, which a `Spanned` value reads as the
//! YAML reader's locations. Such a document is read strictly: a number or
//! a boolean only from a plain scalar of that type, text only from text,
//! so that any value the YAML reader might read otherwise is an error, and
//! the pack is then read by the YAML reader.

use std::borrow::Cow;

use serde::de::value::{BorrowedStrDeserializer, MapDeserializer, SeqDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess,
    Visitor,
};

use super::packed;
use super::spanned::SPANNED_NAME;
use super::yaml::YamlError;

type Error = de::value::Error;

/// A pack as build.rs wrote it, or as `read_once.rs` read it: its texts,
/// its tree and, read at run time, the places of its values.
#[derive(Debug)]
pub struct Prebuilt {
    texts: Cow<'static, str>,
    tree: Cow<'static, [u8]>,
    places: Option<Vec<Place>>,
}

/// Where a value was written, as the YAML reader's `Location` says it:
/// kept as numbers until a `Spanned` value asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// 1-based.
    pub line: u32,
    /// 1-based, in characters.
    pub column: u32,
    /// Characters before the value, and its length in characters.
    pub chars: (u32, u32),
    /// Bytes before the value, and its length in bytes.
    pub bytes: (u32, u32),
}

impl Prebuilt {
    pub fn new(texts: &'static str, tree: &'static [u8]) -> Prebuilt {
        Prebuilt { texts: Cow::Borrowed(texts), tree: Cow::Borrowed(tree), places: None }
    }

    /// A document read at run time, each value's tag marked
    /// [`packed::LOCATED`] and followed by the index of its place.
    pub fn located(texts: String, tree: Vec<u8>, places: Vec<Place>) -> Prebuilt {
        Prebuilt { texts: Cow::Owned(texts), tree: Cow::Owned(tree), places: Some(places) }
    }

    /// Reads the pack into `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, YamlError> {
        let doc = self.doc();
        T::deserialize(document(&self.tree, &doc)?).map_err(unlocated)
    }

    /// [`Prebuilt::parse`] with a seed (see `yaml::parse_seed`).
    pub fn parse_seed<S, V>(&self, seed: S) -> Result<V, YamlError>
    where
        S: for<'v> DeserializeSeed<'v, Value = V>,
    {
        let doc = self.doc();
        seed.deserialize(document(&self.tree, &doc)?).map_err(unlocated)
    }

    fn doc(&self) -> Doc<'_> {
        Doc { texts: &self.texts, places: self.places.as_deref() }
    }
}

/// The document: one value, the whole tree.
fn document<'de>(tree: &'de [u8], doc: &'de Doc<'de>) -> Result<Node<'de>, YamlError> {
    let mut rest = tree;
    match take_value(&mut rest, doc) {
        Ok(node) if rest.is_empty() => Ok(node),
        _ => Err(unlocated(damaged())),
    }
}

fn unlocated(error: Error) -> YamlError {
    YamlError { message: error.to_string(), span: None }
}

fn damaged() -> Error {
    de::Error::custom("the built-in pack is damaged; rebuild sponsorlint")
}

/// What every value of a document reads besides its own bytes: the
/// pack's texts, and the places of a document read at run time. Values
/// hold it by reference, so that they stay small to copy.
struct Doc<'de> {
    texts: &'de str,
    places: Option<&'de [Place]>,
}

impl Doc<'_> {
    /// Read at run time: strictly, and with places.
    fn strict(&self) -> bool {
        self.places.is_some()
    }
}

/// One value of the document: its bytes in the tree, from its tag to its
/// end.
#[derive(Clone, Copy)]
struct Node<'de> {
    tree: &'de [u8],
    doc: &'de Doc<'de>,
}

/// A value's tag and what follows it.
enum Value<'de> {
    Null,
    Bool(bool),
    Number(&'de str),
    Text(&'de str),
    Word(&'de str),
    List(Items<'de>),
    Map(Entries<'de>),
}

/// A value's tag without [`packed::LOCATED`], and the bytes after the tag
/// and its place.
fn split_tag(tree: &[u8]) -> Result<(u8, Option<usize>, &[u8]), Error> {
    let (&tag, mut rest) = tree.split_first().ok_or_else(damaged)?;
    let place = match tag & packed::LOCATED {
        0 => None,
        _ => Some(packed::read_number(&mut rest).ok_or_else(damaged)?),
    };
    Ok((tag & !packed::LOCATED, place, rest))
}

/// Takes one whole value off the front of `tree`.
fn take_value<'de>(tree: &mut &'de [u8], doc: &'de Doc<'de>) -> Result<Node<'de>, Error> {
    let start = *tree;
    let (tag, _, mut rest) = split_tag(start)?;
    let mut length = || packed::read_number(&mut rest).ok_or_else(damaged);
    let body = match tag {
        packed::NULL | packed::FALSE | packed::TRUE => 0,
        packed::NUMBER | packed::TEXT | packed::WORD => {
            length()?;
            length()?;
            0
        }
        packed::LIST | packed::MAP => {
            length()?;
            length()?
        }
        _ => return Err(damaged()),
    };
    let rest = rest.get(body..).ok_or_else(damaged)?;
    let node = Node { tree: &start[..start.len() - rest.len()], doc };
    *tree = rest;
    Ok(node)
}

impl<'de> Node<'de> {
    /// Where the value was written, in a document read at run time.
    fn place(self) -> Result<Option<Place>, Error> {
        let Some(places) = self.doc.places else { return Ok(None) };
        match split_tag(self.tree)? {
            (_, Some(index), _) => places.get(index).copied().map(Some).ok_or_else(damaged),
            _ => Ok(None),
        }
    }

    fn value(self) -> Result<Value<'de>, Error> {
        let (tag, _, mut rest) = split_tag(self.tree)?;
        let mut length = || packed::read_number(&mut rest).ok_or_else(damaged);
        Ok(match tag {
            packed::NULL => Value::Null,
            packed::FALSE => Value::Bool(false),
            packed::TRUE => Value::Bool(true),
            packed::NUMBER | packed::TEXT | packed::WORD => {
                let start = length()?;
                let end = start.checked_add(length()?).ok_or_else(damaged)?;
                let text = self.doc.texts.get(start..end).ok_or_else(damaged)?;
                match tag {
                    packed::NUMBER => Value::Number(text),
                    packed::TEXT => Value::Text(text),
                    _ => Value::Word(text),
                }
            }
            packed::LIST | packed::MAP => {
                let count = length()?;
                length()?;
                let (doc, value) = (self.doc, None);
                if tag == packed::LIST {
                    Value::List(Items { rest, doc, count })
                } else {
                    Value::Map(Entries { rest, doc, count, value })
                }
            }
            _ => return Err(damaged()),
        })
    }

    /// A scalar as text, for a key that expects text: `true` and `12`
    /// read as `"true"` and `"12"`, as in YAML. Read strictly, only text.
    fn text(self) -> Result<Option<&'de str>, Error> {
        Ok(match self.value()? {
            Value::Text(text) | Value::Word(text) => Some(text),
            _ if self.doc.strict() => None,
            Value::Number(text) => Some(text),
            Value::Bool(true) => Some("true"),
            Value::Bool(false) => Some("false"),
            Value::Null | Value::List(_) | Value::Map(_) => None,
        })
    }

    /// A scalar's text for a key that expects a number; read strictly,
    /// only a number's.
    fn number_text(self) -> Result<Option<&'de str>, Error> {
        match self.value()? {
            Value::Number(text) => Ok(Some(text)),
            _ if self.doc.strict() => Ok(None),
            _ => self.text(),
        }
    }

    fn invalid<T>(self, expected: &dyn de::Expected) -> Result<T, Error> {
        let unexpected = match self.value()? {
            Value::Null => de::Unexpected::Unit,
            Value::Bool(value) => de::Unexpected::Bool(value),
            Value::Number(_) => de::Unexpected::Other("number"),
            Value::Text(text) | Value::Word(text) => de::Unexpected::Str(text),
            Value::List(_) => de::Unexpected::Seq,
            Value::Map(_) => de::Unexpected::Map,
        };
        Err(de::Error::invalid_type(unexpected, expected))
    }
}

macro_rules! numbers {
    ($($method:ident $visit:ident $type:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.number_text()?.and_then(|text| text.trim().parse::<$type>().ok()) {
                Some(number) => visitor.$visit(number),
                None => self.invalid(&visitor),
            }
        }
    )*};
}

impl<'de> Deserializer<'de> for Node<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value()? {
            Value::Null => visitor.visit_unit(),
            Value::Bool(value) => visitor.visit_bool(value),
            Value::Number(text) => {
                if let Ok(value) = text.parse::<u64>() {
                    visitor.visit_u64(value)
                } else if let Ok(value) = text.parse::<i64>() {
                    visitor.visit_i64(value)
                } else if let Ok(value) = text.parse::<f64>() {
                    visitor.visit_f64(value)
                } else {
                    self.invalid(&visitor)
                }
            }
            Value::Text(text) => visitor.visit_borrowed_str(text),
            // Text or a boolean: the YAML reader's to decide.
            Value::Word(_) => self.invalid(&visitor),
            Value::List(items) => visitor.visit_seq(items),
            Value::Map(entries) => visitor.visit_map(entries),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        // YAML 1.1 spellings too, as the pack reader accepts them; read
        // strictly, a plain `true` or `false` only.
        let value = match self.value()? {
            Value::Bool(value) => Some(value),
            _ if self.doc.strict() => None,
            _ => self.text()?.and_then(|text| match text.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "y" => Some(true),
                "false" | "no" | "off" | "n" => Some(false),
                _ => None,
            }),
        };
        match value {
            Some(value) => visitor.visit_bool(value),
            None => self.invalid(&visitor),
        }
    }

    numbers! {
        deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32, deserialize_i64 visit_i64 i64,
        deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32, deserialize_u64 visit_u64 u64,
        deserialize_f32 visit_f32 f32, deserialize_f64 visit_f64 f64,
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.text()? {
            Some(text) => visitor.visit_borrowed_str(text),
            None => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value()? {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        newtype_struct(self, self.place()?, name, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.text()? {
            Some(variant) => visitor.visit_enum(variant.into_deserializer()),
            None => self.invalid(&visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    /// Only a list, as the YAML reader reads it.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value()? {
            Value::List(items) => visitor.visit_seq(items),
            _ => self.invalid(&visitor),
        }
    }

    /// Only a map, as the YAML reader reads it (serde would take a struct's
    /// fields from a list in order too: `when: []`).
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value()? {
            Value::Map(entries) => visitor.visit_map(entries),
            _ => self.invalid(&visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! {
        i128 u128 bytes byte_buf unit unit_struct tuple tuple_struct
    }
}

/// A list's items not read yet.
struct Items<'de> {
    rest: &'de [u8],
    doc: &'de Doc<'de>,
    count: usize,
}

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.count == 0 {
            return Ok(None);
        }
        self.count -= 1;
        seed.deserialize(take_value(&mut self.rest, self.doc)?).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.count)
    }
}

/// A map's entries not read yet, and the value of the key just read.
struct Entries<'de> {
    rest: &'de [u8],
    doc: &'de Doc<'de>,
    count: usize,
    value: Option<Node<'de>>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.count == 0 {
            return Ok(None);
        }
        self.count -= 1;
        let key = take_value(&mut self.rest, self.doc)?;
        let Value::Text(text) = key.value()? else { return Err(damaged()) };
        let place = key.place()?;
        self.value = Some(take_value(&mut self.rest, self.doc)?);
        seed.deserialize(Key { text, place }).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value =
            self.value.take().ok_or_else(|| de::Error::custom("a value without its key"))?;
        seed.deserialize(value)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.count)
    }
}

/// A map's key: text, also when read as a `Spanned<String>`.
struct Key<'de> {
    text: &'de str,
    place: Option<Place>,
}

impl<'de> Deserializer<'de> for Key<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_str(self.text)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let place = self.place;
        newtype_struct(self, place, name, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// A newtype struct reads its inner value, but `Spanned<T>` reads it as a
/// [`SpannedNode`], or a [`PlacedNode`] when its place is known.
fn newtype_struct<'de, D, V>(
    inner: D,
    place: Option<Place>,
    name: &str,
    visitor: V,
) -> Result<V::Value, Error>
where
    D: Deserializer<'de, Error = Error>,
    V: Visitor<'de>,
{
    match place {
        Some(place) if name == SPANNED_NAME => {
            visitor.visit_newtype_struct(PlacedNode(inner, place))
        }
        None if name == SPANNED_NAME => visitor.visit_newtype_struct(SpannedNode(inner)),
        _ => visitor.visit_newtype_struct(inner),
    }
}

/// A `Spanned<T>` whose place is known reads it as the YAML reader hands
/// it: a map of the value, where it is referenced and where it is defined
/// (the same place: a document read at run time has no aliases).
struct PlacedNode<D>(D, Place);

impl<'de, D: Deserializer<'de, Error = Error>> Deserializer<'de> for PlacedNode<D> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(PlacedEntries { value: Some(self.0), place: self.1, next: 0 })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct PlacedEntries<D> {
    value: Option<D>,
    place: Place,
    /// The entry whose key is read next.
    next: usize,
}

const PLACED_KEYS: [&str; 3] = ["value", "referenced", "defined"];

impl<'de, D: Deserializer<'de, Error = Error>> MapAccess<'de> for PlacedEntries<D> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(&key) = PLACED_KEYS.get(self.next) else { return Ok(None) };
        self.next += 1;
        seed.deserialize(BorrowedStrDeserializer::new(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.next {
            1 => seed.deserialize(
                self.value.take().ok_or_else(|| de::Error::custom("a value read twice"))?,
            ),
            _ => seed.deserialize(Part::Location(self.place)),
        }
    }
}

/// A YAML reader's `Location`, or a part of one, to be read by its own
/// `Deserialize`: serde-saphyr makes them only by reading them.
#[derive(Clone, Copy)]
enum Part {
    Location(Place),
    Span(Place),
    Number(u32),
    Pair(u32, u32),
}

impl<'de> IntoDeserializer<'de, Error> for Part {
    type Deserializer = Part;

    fn into_deserializer(self) -> Part {
        self
    }
}

impl<'de> Deserializer<'de> for Part {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Part::Location(place) => visitor.visit_map(MapDeserializer::new(
                [
                    ("line", Part::Number(place.line)),
                    ("column", Part::Number(place.column)),
                    ("span", Part::Span(place)),
                ]
                .into_iter(),
            )),
            Part::Span(place) => visitor.visit_map(MapDeserializer::new(
                [
                    ("offset", Part::Number(place.chars.0)),
                    ("len", Part::Number(place.chars.1)),
                    ("byte_info", Part::Pair(place.bytes.0, place.bytes.1)),
                ]
                .into_iter(),
            )),
            Part::Number(number) => visitor.visit_u32(number),
            Part::Pair(first, second) => {
                visitor.visit_seq(SeqDeserializer::new([first, second].into_iter()))
            }
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// A `Spanned<T>` reads its value alone, as a one-item sequence: the
/// locations are unknown.
struct SpannedNode<D>(D);

impl<'de, D: Deserializer<'de, Error = Error>> Deserializer<'de> for SpannedNode<D> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_seq(OneValue(Some(self.0)))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct OneValue<D>(Option<D>);

impl<'de, D: Deserializer<'de, Error = Error>> SeqAccess<'de> for OneValue<D> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0.take().map(|value| seed.deserialize(value)).transpose()
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::diag::yaml::{self, Spanned};

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        name: Spanned<String>,
        flag: Spanned<String>,
        count: Spanned<u32>,
        on: bool,
        items: Vec<Spanned<Item>>,
        missing: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        word: String,
        weight: Option<i32>,
    }

    /// Writes documents as build.rs does, but by hand, texts not shared.
    #[derive(Default)]
    struct Writer {
        texts: String,
    }

    impl Writer {
        fn scalar(&mut self, tag: u8, text: &str) -> Vec<u8> {
            let mut out = vec![tag];
            packed::write_number(&mut out, self.texts.len());
            packed::write_number(&mut out, text.len());
            self.texts.push_str(text);
            out
        }

        fn map(&mut self, entries: Vec<(&str, Vec<u8>)>) -> Vec<u8> {
            let count = entries.len();
            let items: Vec<Vec<u8>> = entries
                .into_iter()
                .flat_map(|(key, value)| [self.scalar(packed::TEXT, key), value])
                .collect();
            container(packed::MAP, &items, count)
        }

        /// The document; texts and tree live as long as the test binary,
        /// as built-in packs do.
        fn finish(self, tree: Vec<u8>) -> Prebuilt {
            Prebuilt::new(String::leak(self.texts), Vec::leak(tree))
        }
    }

    fn container(tag: u8, items: &[Vec<u8>], count: usize) -> Vec<u8> {
        let body = items.concat();
        let mut out = vec![tag];
        packed::write_number(&mut out, count);
        packed::write_number(&mut out, body.len());
        out.extend(body);
        out
    }

    #[test]
    fn values_are_read_as_their_key_expects_with_unknown_locations() {
        let mut writer = Writer::default();
        let (word, weight) =
            (writer.scalar(packed::NUMBER, "7"), writer.scalar(packed::NUMBER, "-2"));
        let item = writer.map(vec![("word", word), ("weight", weight)]);
        let entries = vec![
            ("count", writer.scalar(packed::TEXT, "12")),
            ("flag", vec![packed::TRUE]),
            ("items", container(packed::LIST, &[item], 1)),
            ("missing", vec![packed::NULL]),
            ("name", writer.scalar(packed::TEXT, "NO")),
            ("on", writer.scalar(packed::TEXT, "yes")),
        ];
        let tree = writer.map(entries);
        let doc: Doc = writer.finish(tree).parse().unwrap();
        assert_eq!(doc.name.value, "NO");
        assert_eq!(doc.flag.value, "true");
        assert_eq!(doc.count.value, 12);
        assert!(doc.on);
        assert_eq!(doc.items[0].value, Item { word: "7".into(), weight: Some(-2) });
        assert_eq!(doc.missing, None);
        assert_eq!(doc.name.referenced.line(), 0, "unknown, so no span is shown");
        assert_eq!(yaml::span_of("", &doc.name), None);
    }

    #[test]
    fn a_wrong_shape_or_damaged_bytes_are_an_error_not_a_panic() {
        let document = |tree: &[u8]| {
            let mut writer = Writer::default();
            writer.scalar(packed::TEXT, "flagxnameé");
            writer.finish(tree.to_vec())
        };
        let mut writer = Writer::default();
        let list = container(packed::LIST, &[writer.scalar(packed::NUMBER, "1")], 1);
        let entries = vec![("flag", writer.scalar(packed::TEXT, "x")), ("name", list)];
        let tree = writer.map(entries);
        let error = writer.finish(tree.clone()).parse::<Doc>().unwrap_err();
        assert!(error.message.contains("invalid type"), "{}", error.message);
        for cut in 0..tree.len() {
            let error = document(&tree[..cut]).parse::<Doc>().unwrap_err();
            assert!(error.message.contains("damaged"), "cut at {cut}: {}", error.message);
        }
        let mut count_too_large = tree.clone();
        count_too_large[1] = 3;
        assert!(document(&count_too_large).parse::<Doc>().is_err());
        let text = |offset, length| {
            let mut out = vec![packed::TEXT];
            packed::write_number(&mut out, offset);
            packed::write_number(&mut out, length);
            out
        };
        assert_eq!(document(&text(4, 1)).parse::<String>().unwrap(), "x");
        assert!(document(&text(10, 1)).parse::<String>().is_err(), "inside a character");
        assert!(document(&text(5, 20)).parse::<String>().is_err(), "past the texts");
        assert!(document(&[9]).parse::<String>().is_err(), "unknown tag");
    }
}
