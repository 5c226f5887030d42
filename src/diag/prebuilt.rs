//! Reads a built-in pack in the form build.rs wrote: its YAML document as
//! JSON, scalars typed as YAML's core schema types them, rules without
//! their examples. Each value is converted to what its key expects, as the
//! YAML reader does, so one serde schema reads both. Locations are unknown:
//! the test suite proves the built-in packs from their YAML, and reading
//! both forms must give the same rules.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess,
    Visitor,
};
use serde_json::Value;
use std::sync::OnceLock;

use super::yaml::YamlError;

type Error = de::value::Error;

/// The name under which `Spanned<T>` asks for its value, and the key that
/// marks the value-and-locations map it then expects.
const SPANNED_NAME: &str = "__yaml_spanned";
const SPANNED_MARKER: &str = "__serde_saphyr_private_spanned";

/// A pack as build.rs wrote it. Its document is parsed once, for the two
/// passes over it (the keys every rule has, then each kind's parameters).
#[derive(Debug)]
pub struct Prebuilt {
    json: &'static str,
    document: OnceLock<Result<Value, YamlError>>,
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

    fn document(&self) -> Result<&Value, YamlError> {
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

/// One value of the document.
#[derive(Clone, Copy)]
struct Node<'de>(&'de Value);

impl<'de> Node<'de> {
    /// A scalar as text, for a key that expects text: `true` and `12`
    /// read as `"true"` and `"12"`, as in YAML.
    fn text(self) -> Option<std::borrow::Cow<'de, str>> {
        match self.0 {
            Value::String(text) => Some(text.as_str().into()),
            Value::Bool(value) => Some(value.to_string().into()),
            Value::Number(number) => Some(number.to_string().into()),
            Value::Null | Value::Array(_) | Value::Object(_) => None,
        }
    }

    fn invalid<T>(self, expected: &dyn de::Expected) -> Result<T, Error> {
        let unexpected = match self.0 {
            Value::Null => de::Unexpected::Unit,
            Value::Bool(value) => de::Unexpected::Bool(*value),
            Value::Number(_) => de::Unexpected::Other("number"),
            Value::String(text) => de::Unexpected::Str(text),
            Value::Array(_) => de::Unexpected::Seq,
            Value::Object(_) => de::Unexpected::Map,
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
            Value::Null => visitor.visit_unit(),
            Value::Bool(value) => visitor.visit_bool(*value),
            Value::Number(number) => match (number.as_u64(), number.as_i64(), number.as_f64()) {
                (Some(value), _, _) => visitor.visit_u64(value),
                (None, Some(value), _) => visitor.visit_i64(value),
                (None, None, Some(value)) => visitor.visit_f64(value),
                (None, None, None) => self.invalid(&visitor),
            },
            Value::String(text) => visitor.visit_borrowed_str(text),
            Value::Array(items) => visitor.visit_seq(Items(items.iter())),
            Value::Object(entries) => {
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
            (Value::String(text), _) => visitor.visit_borrowed_str(text),
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
            Value::Null => visitor.visit_none(),
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

struct Items<'de>(std::slice::Iter<'de, Value>);

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
    entries: serde_json::map::Iter<'de>,
    value: Option<&'de Value>,
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

/// A `Spanned<T>` asks for a map of its value and two locations, marked as
/// such; the locations are unknown (line 0).
struct SpannedNode<D>(D);

impl<'de, D: Deserializer<'de, Error = Error>> Deserializer<'de> for SpannedNode<D> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(SpannedEntries { value: Some(self.0), next: 0 })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct SpannedEntries<D> {
    value: Option<D>,
    next: usize,
}

const SPANNED_KEYS: [&str; 4] = [SPANNED_MARKER, "value", "referenced", "defined"];

impl<'de, D: Deserializer<'de, Error = Error>> MapAccess<'de> for SpannedEntries<D> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(key) = SPANNED_KEYS.get(self.next) else { return Ok(None) };
        self.next += 1;
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.next {
            1 => seed.deserialize(().into_deserializer()),
            2 => match self.value.take() {
                Some(value) => seed.deserialize(value),
                None => Err(de::Error::duplicate_field("value")),
            },
            _ => seed.deserialize(UnknownLocation),
        }
    }
}

/// A location at line 0, which the rest of the code reads as "unknown".
struct UnknownLocation;

impl<'de> Deserializer<'de> for UnknownLocation {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let fields = [("line", 0u32), ("column", 0u32)];
        visitor.visit_map(de::value::MapDeserializer::new(fields.into_iter()))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
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
