//! Reads a built-in pack in the form build.rs wrote: its YAML document as
//! JSON, scalars typed as YAML's core schema types them, rules without
//! their examples. Each value is converted to what its key expects, as the
//! YAML reader does, so one serde schema reads both. Locations are unknown:
//! the test suite proves the built-in packs from their YAML, and reading
//! both forms must give the same rules.

use serde::Deserialize;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess,
    Visitor,
};
use serde_json::Number;
use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use super::spanned::SPANNED_NAME;
use super::yaml::YamlError;

type Error = de::value::Error;

/// A pack as build.rs wrote it. Its document is parsed once, for the two
/// passes over it (the keys every rule has, then each kind's parameters).
#[derive(Debug)]
pub struct Prebuilt {
    json: &'static str,
    document: OnceLock<Result<Tree<'static>, YamlError>>,
}

impl Prebuilt {
    pub fn new(json: &'static str) -> Prebuilt {
        Prebuilt { json, document: OnceLock::new() }
    }

    /// Reads the pack into `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, YamlError> {
        T::deserialize(Node(self.document()?)).map_err(unlocated)
    }

    /// [`Prebuilt::parse`] with a seed (see `yaml::parse_seed`).
    pub fn parse_seed<S, V>(&self, seed: S) -> Result<V, YamlError>
    where
        S: for<'v> DeserializeSeed<'v, Value = V>,
    {
        seed.deserialize(Node(self.document()?)).map_err(unlocated)
    }

    fn document(&self) -> Result<&Tree<'static>, YamlError> {
        let parsed = self.document.get_or_init(|| {
            serde_json::from_str(self.json)
                .map_err(|error| YamlError { message: error.to_string(), span: None })
        });
        parsed.as_ref().map_err(Clone::clone)
    }
}

fn unlocated(error: Error) -> YamlError {
    YamlError { message: error.to_string(), span: None }
}

/// A JSON value, its strings borrowed from the embedded text when they
/// hold no escape: `serde_json::Value` copies every string, and building
/// and dropping the packs' values was a fifth of a check's start-up.
#[derive(Debug)]
enum Tree<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Tree<'a>>),
    /// Sorted by key, the last of equal keys kept, as `serde_json::Map`
    /// keeps them.
    Object(Vec<(Cow<'a, str>, Tree<'a>)>),
}

impl<'de> Deserialize<'de> for Tree<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Tree<'de>, D::Error> {
        deserializer.deserialize_any(TreeVisitor)
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Tree<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Tree<'de>, E> {
        Ok(Tree::Null)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Tree<'de>, E> {
        Ok(Tree::Bool(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Tree<'de>, E> {
        Ok(Tree::Number(value.into()))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Tree<'de>, E> {
        Ok(Tree::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Tree<'de>, E> {
        Ok(Number::from_f64(value).map_or(Tree::Null, Tree::Number))
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Tree<'de>, E> {
        Ok(Tree::String(Cow::Borrowed(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Tree<'de>, E> {
        Ok(Tree::String(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E>(self, value: String) -> Result<Tree<'de>, E> {
        Ok(Tree::String(Cow::Owned(value)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Tree::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree<'de>, A::Error> {
        let mut entries: Vec<(Cow<'de, str>, Tree<'de>)> = Vec::new();
        while let Some(TreeKey(key)) = map.next_key()? {
            entries.push((key, map.next_value()?));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        // Of equal keys the last one, which the stable sort left last.
        let mut kept: Vec<(Cow<'de, str>, Tree<'de>)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match kept.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => kept.push(entry),
            }
        }
        Ok(Tree::Object(kept))
    }
}

/// An object's key, borrowed when it holds no escape.
struct TreeKey<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for TreeKey<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<TreeKey<'de>, D::Error> {
        match Tree::deserialize(deserializer)? {
            Tree::String(text) => Ok(TreeKey(text)),
            _ => Err(de::Error::custom("an object key that is not text")),
        }
    }
}

/// One value of the document.
#[derive(Clone, Copy)]
struct Node<'de>(&'de Tree<'de>);

impl<'de> Node<'de> {
    /// A scalar as text, for a key that expects text: `true` and `12`
    /// read as `"true"` and `"12"`, as in YAML.
    fn text(self) -> Option<std::borrow::Cow<'de, str>> {
        match self.0 {
            Tree::String(text) => Some(Cow::Borrowed(text)),
            Tree::Bool(value) => Some(value.to_string().into()),
            Tree::Number(number) => Some(number.to_string().into()),
            Tree::Null | Tree::Array(_) | Tree::Object(_) => None,
        }
    }

    fn invalid<T>(self, expected: &dyn de::Expected) -> Result<T, Error> {
        let unexpected = match self.0 {
            Tree::Null => de::Unexpected::Unit,
            Tree::Bool(value) => de::Unexpected::Bool(*value),
            Tree::Number(_) => de::Unexpected::Other("number"),
            Tree::String(text) => de::Unexpected::Str(text),
            Tree::Array(_) => de::Unexpected::Seq,
            Tree::Object(_) => de::Unexpected::Map,
        };
        Err(de::Error::invalid_type(unexpected, expected))
    }
}

macro_rules! numbers {
    ($($method:ident $visit:ident $type:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.text().and_then(|text| text.trim().parse::<$type>().ok()) {
                Some(number) => visitor.$visit(number),
                None => self.invalid(&visitor),
            }
        }
    )*};
}

impl<'de> Deserializer<'de> for Node<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Tree::Null => visitor.visit_unit(),
            Tree::Bool(value) => visitor.visit_bool(*value),
            Tree::Number(number) => match (number.as_u64(), number.as_i64(), number.as_f64()) {
                (Some(value), _, _) => visitor.visit_u64(value),
                (None, Some(value), _) => visitor.visit_i64(value),
                (None, None, Some(value)) => visitor.visit_f64(value),
                (None, None, None) => self.invalid(&visitor),
            },
            Tree::String(text) => visitor.visit_borrowed_str(text),
            Tree::Array(items) => visitor.visit_seq(Items(items.iter())),
            Tree::Object(entries) => {
                visitor.visit_map(Entries { entries: entries.iter(), value: None })
            }
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        // YAML 1.1 spellings too, as the pack reader accepts them.
        let value = self.text().and_then(|text| match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "y" => Some(true),
            "false" | "no" | "off" | "n" => Some(false),
            _ => None,
        });
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
        match (self.0, self.text()) {
            (Tree::String(text), _) => visitor.visit_borrowed_str(text),
            (_, Some(text)) => visitor.visit_str(&text),
            (_, None) => self.deserialize_any(visitor),
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
        match self.0 {
            Tree::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        newtype_struct(self, name, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.text() {
            Some(variant) => visitor.visit_enum(variant.into_owned().into_deserializer()),
            None => self.invalid(&visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i128 u128 bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
    }
}

struct Items<'de>(std::slice::Iter<'de, Tree<'de>>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0.next().map(|item| seed.deserialize(Node(item))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'de> {
    entries: std::slice::Iter<'de, (Cow<'de, str>, Tree<'de>)>,
    value: Option<&'de Tree<'de>>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        self.value = Some(value);
        seed.deserialize(Key(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value =
            self.value.take().ok_or_else(|| de::Error::custom("a value without its key"))?;
        seed.deserialize(Node(value))
    }
}

/// A map's key: text, also when read as a `Spanned<String>`.
struct Key<'de>(&'de str);

impl<'de> Deserializer<'de> for Key<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_str(self.0)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        newtype_struct(self, name, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// A newtype struct reads its inner value, but `Spanned<T>` reads it as a
/// [`SpannedNode`].
fn newtype_struct<'de, D, V>(inner: D, name: &str, visitor: V) -> Result<V::Value, Error>
where
    D: Deserializer<'de, Error = Error>,
    V: Visitor<'de>,
{
    if name == SPANNED_NAME {
        visitor.visit_newtype_struct(SpannedNode(inner))
    } else {
        visitor.visit_newtype_struct(inner)
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

    #[test]
    fn values_are_read_as_their_key_expects_with_unknown_locations() {
        let json = r#"{"name":"NO","flag":true,"count":"12","on":"yes","items":[{"word":7,"weight":-2}],"missing":null}"#;
        let doc: Doc = Prebuilt::new(json).parse().unwrap();
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
    fn a_wrong_shape_is_an_error_not_a_panic() {
        let error = Prebuilt::new(r#"{"name":[1],"flag":"x"}"#).parse::<Doc>().unwrap_err();
        assert!(error.message.contains("invalid type"), "{}", error.message);
        assert!(Prebuilt::new("not json").parse::<Doc>().is_err());
    }
}
