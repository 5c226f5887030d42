//! A value read from a pack or configuration with where it was written.
//!
//! The YAML reader (serde-saphyr) hands a value asked for under
//! [`SPANNED_NAME`] as a map: a marker, the value, and two locations. A
//! built-in pack read in the form build.rs wrote has no locations and hands
//! the value alone, as a one-item sequence, so it pays nothing for them
//! (serde-saphyr's own `Spanned` would need a marker map and two location
//! maps made up for every value: a tenth of a check's start-up).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
pub use serde_saphyr::Location;

/// The newtype name under which a deserializer is asked for a value with
/// its locations.
pub const SPANNED_NAME: &str = "__yaml_spanned";

/// `value` as written at `referenced` (where it is used: an alias, or the
/// value itself) and `defined` (where an anchored value was written).
/// Unknown locations are at line 0.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub referenced: Location,
    pub defined: Location,
}

impl<T> Spanned<T> {
    /// `value` without a known location.
    pub fn unlocated(value: T) -> Spanned<T> {
        Spanned { value, referenced: Location::UNKNOWN, defined: Location::UNKNOWN }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Spanned<T>, D::Error> {
        deserializer.deserialize_newtype_struct(SPANNED_NAME, Wrapper(PhantomData))
    }
}

struct Wrapper<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for Wrapper<T> {
    type Value = Spanned<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<Spanned<T>, D::Error> {
        inner.deserialize_any(Located(PhantomData))
    }
}

struct Located<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for Located<T> {
    type Value = Spanned<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }

    /// The YAML reader's form: the marker, `value`, `referenced`, `defined`.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Spanned<T>, A::Error> {
        let (mut value, mut referenced, mut defined) = (None, None, None);
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::Marker => {
                    map.next_value::<IgnoredAny>()?;
                }
                Field::Value => value = Some(map.next_value()?),
                Field::Referenced => referenced = Some(map.next_value()?),
                Field::Defined => defined = Some(map.next_value()?),
            }
        }
        Ok(Spanned {
            value: value.ok_or_else(|| de::Error::missing_field("value"))?,
            referenced: referenced.unwrap_or(Location::UNKNOWN),
            defined: defined.unwrap_or(Location::UNKNOWN),
        })
    }

    /// A prebuilt pack's form: the value alone.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Spanned<T>, A::Error> {
        let value = seq.next_element()?.ok_or_else(|| de::Error::missing_field("value"))?;
        Ok(Spanned::unlocated(value))
    }
}

enum Field {
    Marker,
    Value,
    Referenced,
    Defined,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Field, D::Error> {
        deserializer.deserialize_identifier(FieldVisitor)
    }
}

struct FieldVisitor;

impl Visitor<'_> for FieldVisitor {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value with its locations")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Field, E> {
        match key {
            "__serde_saphyr_private_spanned" => Ok(Field::Marker),
            "value" => Ok(Field::Value),
            "referenced" => Ok(Field::Referenced),
            "defined" => Ok(Field::Defined),
            other => Err(de::Error::unknown_field(other, &["value", "referenced", "defined"])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Doc {
        name: Spanned<String>,
        list: Vec<Spanned<u32>>,
        alias: Spanned<String>,
    }

    #[test]
    fn yaml_values_keep_where_they_were_written() {
        let doc: Doc =
            crate::diag::yaml::parse("name: first\nlist:\n  - 1\n  - &two 2\nalias: second\n")
                .unwrap();
        assert_eq!(doc.name.value, "first");
        assert_eq!((doc.name.referenced.line(), doc.name.referenced.column()), (1, 7));
        assert_eq!(doc.list.iter().map(|item| item.value).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(doc.list[1].referenced.line(), 4);
        assert_eq!(doc.alias.referenced.line(), 5);
    }

    #[test]
    fn an_alias_is_referenced_where_it_is_used_and_defined_where_it_was_written() {
        let doc: Doc = crate::diag::yaml::parse("name: &n first\nlist: []\nalias: *n\n").unwrap();
        assert_eq!(doc.alias.value, "first");
        assert_eq!(doc.alias.referenced.line(), 3);
        assert_eq!(doc.alias.defined.line(), 1);
    }
}
