//! Compact JSON written byte for byte as `serde_json::to_writer` writes it,
//! for the JSONL reporter. serde_json escapes a string by looking each of
//! its bytes up in a table, which took 6 % of the instructions of a JSONL
//! run; this writer tests eight bytes at a time for one to escape and copies
//! eight with one store (20 k posts: 141 M instructions writing strings
//! before, 93 M after). Numbers are still formatted by serde_json.
//!
//! `serde_json::value::RawValue` is not supported (a `Record` holds none):
//! it would come out as the object serde_json uses to pass it along.

use std::fmt::Display;
use std::io;

use serde::Serialize;
use serde::ser::{self, Impossible};

use crate::json_bytes;

/// Appends `value` to `out` as compact JSON.
pub(super) fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
    value.serialize(Compact { out })
}

/// Why a value cannot be written as JSON.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(super) struct Error(String);

impl ser::Error for Error {
    fn custom<T: Display>(message: T) -> Self {
        Error(message.to_string())
    }
}

impl From<Error> for io::Error {
    fn from(error: Error) -> Self {
        io::Error::new(io::ErrorKind::InvalidData, error)
    }
}

fn key_must_be_a_string() -> Error {
    Error("a JSON object key must be a string, a number, a bool or a character".into())
}

fn key_must_be_finite() -> Error {
    Error("a number used as a JSON object key must not be NaN or infinite".into())
}

/// `text` as a JSON string, escaped as serde_json escapes it. It is copied
/// a word of eight bytes at a time, each one store, and what follows an
/// escape or the end of the text dropped again: a report's strings are short
/// (12 bytes on average), and a call to `memcpy` for each run costs more.
fn write_str(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    let mut rest = text.as_bytes();
    while !rest.is_empty() {
        let (word, len) = match rest.first_chunk() {
            Some(word) => (u64::from_le_bytes(*word), 8),
            None => (padded_word(rest), rest.len()),
        };
        out.extend_from_slice(&word.to_le_bytes());
        match json_bytes::first_escaped(word) {
            Some(at) => {
                out.truncate(out.len() - 8 + at);
                write_escape(out, rest[at]);
                rest = &rest[at + 1..];
            }
            None => {
                out.truncate(out.len() - 8 + len);
                rest = &rest[len..];
            }
        }
    }
    out.push(b'"');
}

/// Fewer than eight bytes as a word, padded with spaces (which JSON does not
/// escape). They are read as their first and last two or four bytes, which
/// overlap: a copy of a length known only at run time would call `memcpy`,
/// for each string.
fn padded_word(short: &[u8]) -> u64 {
    let len = short.len();
    let bytes = if let (Some(first), Some(last)) = (short.first_chunk(), short.last_chunk()) {
        u64::from(u32::from_le_bytes(*first))
            | u64::from(u32::from_le_bytes(*last)) << (8 * (len - 4))
    } else if let (Some(first), Some(last)) = (short.first_chunk(), short.last_chunk()) {
        u64::from(u16::from_le_bytes(*first))
            | u64::from(u16::from_le_bytes(*last)) << (8 * (len - 2))
    } else {
        short.first().copied().map_or(0, u64::from)
    };
    bytes | SPACES << (8 * len)
}

/// Eight spaces: what a short string is padded with.
const SPACES: u64 = u64::from_le_bytes([b' '; 8]);

/// serde_json's escape of `byte`: the short one where JSON has one, else
/// `\u00XX` in lowercase hex.
fn write_escape(out: &mut Vec<u8>, byte: u8) {
    let short = match byte {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        b'\t' => b't',
        b'\n' => b'n',
        0x0c => b'f',
        b'\r' => b'r',
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let (high, low) = (HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xf)]);
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', high, low]);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', short]);
}

/// A number as serde_json writes it (NaN and the infinities as `null`).
fn write_number(out: &mut Vec<u8>, number: impl Serialize) -> Result<(), Error> {
    serde_json::to_writer(out, &number).map_err(ser::Error::custom)
}

/// `{"variant":`, which a variant with data opens with.
fn write_variant_key(out: &mut Vec<u8>, variant: &str) {
    out.push(b'{');
    write_str(out, variant);
    out.push(b':');
}

/// Writes one value; each value inside gets a `Compact` of its own over the
/// same buffer.
struct Compact<'a> {
    out: &'a mut Vec<u8>,
}

/// Number methods that hand their number to `$write` (`write_number`, or
/// `write_quoted_number` for a key).
macro_rules! numbers {
    ($write:ident: $($method:ident($type:ty)),*) => {$(
        fn $method(self, number: $type) -> Result<(), Error> {
            $write(self.out, number)
        }
    )*};
}

/// The integer methods, a value's and a key's.
macro_rules! integers {
    ($write:ident) => {
        numbers!($write:
            serialize_i8(i8),
            serialize_i16(i16),
            serialize_i32(i32),
            serialize_i64(i64),
            serialize_i128(i128),
            serialize_u8(u8),
            serialize_u16(u16),
            serialize_u32(u32),
            serialize_u64(u64),
            serialize_u128(u128)
        );
    };
}

/// The methods a value and an object key write alike: a string (a
/// character, a unit variant's name) escaped, a newtype struct as what it
/// holds.
macro_rules! strings {
    () => {
        fn serialize_char(self, value: char) -> Result<(), Error> {
            self.serialize_str(value.encode_utf8(&mut [0; 4]))
        }

        fn serialize_str(self, value: &str) -> Result<(), Error> {
            write_str(self.out, value);
            Ok(())
        }

        fn serialize_unit_variant(
            self,
            _name: &'static str,
            _index: u32,
            variant: &'static str,
        ) -> Result<(), Error> {
            self.serialize_str(variant)
        }

        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _name: &'static str,
            value: &T,
        ) -> Result<(), Error> {
            value.serialize(self)
        }
    };
}

impl<'a> ser::Serializer for Compact<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    integers!(write_number);
    numbers!(write_number: serialize_f32(f32), serialize_f64(f64));

    fn serialize_bool(self, value: bool) -> Result<(), Error> {
        self.out.extend_from_slice(if value { b"true" } else { b"false" });
        Ok(())
    }

    strings!();

    fn serialize_bytes(self, value: &[u8]) -> Result<(), Error> {
        let mut array = self.serialize_seq(Some(value.len()))?;
        for byte in value {
            array.element(byte)?;
        }
        array.close()
    }

    fn serialize_none(self) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        write_variant_key(self.out, variant);
        value.serialize(Compact { out: &mut *self.out })?;
        self.out.push(b'}');
        Ok(())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(Compound::open(self.out, b'[', b"]"))
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, Error> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        write_variant_key(self.out, variant);
        Ok(Compound::open(self.out, b'[', b"]}"))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(Compound::open(self.out, b'{', b"}"))
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a>, Error> {
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Error> {
        write_variant_key(self.out, variant);
        Ok(Compound::open(self.out, b'{', b"}}"))
    }
}

/// An array or object being written.
struct Compound<'a> {
    out: &'a mut Vec<u8>,
    /// What ends it: `]` or `}`, and a second `}` inside a variant's object.
    close: &'static [u8],
    /// No item written yet, so the next needs no comma before it.
    first: bool,
}

impl<'a> Compound<'a> {
    fn open(out: &'a mut Vec<u8>, open: u8, close: &'static [u8]) -> Self {
        out.push(open);
        Compound { out, close, first: true }
    }

    /// The buffer to write the next item to, after a comma if one came before.
    fn next_item(&mut self) -> &mut Vec<u8> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(Compact { out: self.next_item() })
    }

    fn close(self) -> Result<(), Error> {
        self.out.extend_from_slice(self.close);
        Ok(())
    }
}

/// The traits of arrays, whose items are written alike.
macro_rules! array_items {
    ($($trait:ident::$method:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Error;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.element(value)
            }

            fn end(self) -> Result<(), Error> {
                self.close()
            }
        }
    )*};
}

array_items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        key.serialize(MapKey { out: self.next_item() })?;
        self.out.push(b':');
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(Compact { out: &mut *self.out })
    }

    fn end(self) -> Result<(), Error> {
        self.close()
    }
}

/// The traits of objects with fields named in the code, written as a map's
/// entries.
macro_rules! struct_fields {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = Error;

            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                ser::SerializeMap::serialize_entry(self, key, value)
            }

            fn end(self) -> Result<(), Error> {
                self.close()
            }
        }
    )*};
}

struct_fields!(SerializeStruct, SerializeStructVariant);

/// Writes an object key as serde_json's `MapKeySerializer` does: a string as
/// it is; a number, bool or character as a string; a unit variant as its
/// name; a newtype struct or `Some` as what it holds. It refuses whatever
/// serde_json refuses.
struct MapKey<'a> {
    out: &'a mut Vec<u8>,
}

/// A number key: in quotes, as serde_json writes it.
fn write_quoted_number(out: &mut Vec<u8>, number: impl Serialize) -> Result<(), Error> {
    out.push(b'"');
    write_number(out, number)?;
    out.push(b'"');
    Ok(())
}

/// Methods for the keys serde_json refuses.
macro_rules! refused_keys {
    ($($method:ident($($argument:ty),*) -> $ok:ty),*) => {$(
        fn $method(self, $(_: $argument),*) -> Result<$ok, Error> {
            Err(key_must_be_a_string())
        }
    )*};
}

impl ser::Serializer for MapKey<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    integers!(write_quoted_number);

    fn serialize_f32(self, number: f32) -> Result<(), Error> {
        if !number.is_finite() {
            return Err(key_must_be_finite());
        }
        write_quoted_number(self.out, number)
    }

    fn serialize_f64(self, number: f64) -> Result<(), Error> {
        if !number.is_finite() {
            return Err(key_must_be_finite());
        }
        write_quoted_number(self.out, number)
    }

    fn serialize_bool(self, value: bool) -> Result<(), Error> {
        self.serialize_str(if value { "true" } else { "false" })
    }

    strings!();

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(key_must_be_a_string())
    }

    refused_keys!(
        serialize_bytes(&[u8]) -> (),
        serialize_none() -> (),
        serialize_unit() -> (),
        serialize_unit_struct(&'static str) -> (),
        serialize_seq(Option<usize>) -> Impossible<(), Error>,
        serialize_tuple(usize) -> Impossible<(), Error>,
        serialize_tuple_struct(&'static str, usize) -> Impossible<(), Error>,
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Impossible<(), Error>,
        serialize_map(Option<usize>) -> Impossible<(), Error>,
        serialize_struct(&'static str, usize) -> Impossible<(), Error>,
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Impossible<(), Error>
    );
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde::Serializer;
    use serde_json::{Map, Value};

    use super::*;

    fn ours<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
        let mut out = Vec::new();
        write(&mut out, value)?;
        Ok(String::from_utf8(out).unwrap())
    }

    fn assert_written_as_serde_json<T: Serialize + ?Sized>(value: &T) {
        assert_eq!(ours(value).unwrap(), serde_json::to_string(value).unwrap());
    }

    /// A map with keys of any type, in the order given.
    struct Entries<K, V>(Vec<(K, V)>);

    impl<K: Serialize, V: Serialize> Serialize for Entries<K, V> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_map(self.0.iter().map(|(key, value)| (key, value)))
        }
    }

    /// Serialised with `serialize_bytes`, which no type of the standard
    /// library calls.
    struct Bytes(&'static [u8]);

    impl Serialize for Bytes {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(self.0)
        }
    }

    #[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    enum Key {
        Unit,
    }

    #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
    struct Named(String);

    #[derive(Serialize)]
    struct Marker;

    #[derive(Serialize)]
    enum Shape {
        Unit,
        Newtype(Option<u8>),
        Tuple(i32, &'static str),
        NoFields(),
        Struct { on: bool, at: Option<f64>, named: Named },
        EmptyStruct {},
    }

    #[derive(Serialize)]
    struct Nothing {}

    #[test]
    fn every_shape_is_written_as_serde_json_writes_it() {
        assert_written_as_serde_json(&[
            Shape::Unit,
            Shape::Newtype(Some(7)),
            Shape::Newtype(None),
            Shape::Tuple(-3, "a\"b"),
            Shape::NoFields(),
            Shape::Struct { on: true, at: None, named: Named("x".into()) },
            Shape::EmptyStruct {},
        ]);
        assert_written_as_serde_json(&(
            (),
            Marker,
            Nothing {},
            Named("\u{1f}".into()),
            'é',
            '\n',
            Bytes(b"\0\x7f\xff"),
            Bytes(b""),
            Vec::<u8>::new(),
            BTreeMap::<String, u8>::new(),
            (f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f32::NAN, -0.0f64, 1e300, 0.1f32),
            (i128::MIN, u128::MAX, false),
        ));
    }

    #[test]
    fn keys_that_are_not_strings_are_written_as_serde_json_writes_them() {
        assert_written_as_serde_json(&BTreeMap::from([(-1i64, 0), (u64::MAX as i64, 1)]));
        assert_written_as_serde_json(&BTreeMap::from([(u64::MAX, 'a'), (0, 'b')]));
        assert_written_as_serde_json(&BTreeMap::from([(false, 0), (true, 1)]));
        assert_written_as_serde_json(&BTreeMap::from([('"', 0), ('\n', 1), ('ü', 2)]));
        assert_written_as_serde_json(&BTreeMap::from([(Key::Unit, 0)]));
        assert_written_as_serde_json(&BTreeMap::from([(Named("\\".into()), 0)]));
        assert_written_as_serde_json(&Entries(vec![(1.5f64, 0), (-0.0, 1), (1e21, 2)]));
        assert_written_as_serde_json(&Entries(vec![(0.1f32, 0)]));
        assert_written_as_serde_json(&Entries(vec![(Some(3u8), 0)]));
    }

    #[test]
    fn keys_serde_json_refuses_are_refused() {
        fn assert_refused<K: Serialize>(key: K) {
            let map = Entries(vec![(key, 0)]);
            assert!(serde_json::to_string(&map).is_err());
            let error = ours(&map).unwrap_err();
            assert_eq!(io::Error::from(error).kind(), io::ErrorKind::InvalidData);
        }
        assert_refused(vec![1]);
        assert_refused((1, 2));
        assert_refused(BTreeMap::from([(1, 2)]));
        assert_refused(Nothing {});
        assert_refused(Shape::Newtype(None));
        assert_refused(Shape::Tuple(0, ""));
        assert_refused(Shape::EmptyStruct {});
        assert_refused(Bytes(b"a"));
        assert_refused(None::<u8>);
        assert_refused(());
        assert_refused(Marker);
        assert_refused(f64::NAN);
        assert_refused(f32::INFINITY);
        assert_eq!(
            ours(&Entries(vec![(vec![1], 0)])).unwrap_err().to_string(),
            "a JSON object key must be a string, a number, a bool or a character"
        );
    }

    #[test]
    fn every_ascii_byte_is_escaped_as_serde_json_escapes_it_at_any_place() {
        for byte in 0..0x80u8 {
            for len in 1..=17 {
                for at in 0..len {
                    let mut text = vec![b'a'; len];
                    text[at] = byte;
                    let text = String::from_utf8(text).unwrap();
                    assert_written_as_serde_json(&text);
                }
            }
        }
    }

    /// Characters of every kind escaping tells apart, so that strings have
    /// escapes at every place of a word of eight bytes and in its tail.
    fn any_text() -> impl Strategy<Value = String> {
        let character = prop_oneof![
            (0u8..0x20).prop_map(char::from),
            Just('"'),
            Just('\\'),
            Just('\u{7f}'),
            (0x20u8..0x7f).prop_map(char::from),
            any::<char>(),
        ];
        proptest::collection::vec(character, 0..40).prop_map(String::from_iter)
    }

    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            Just(Value::from(-0.0)),
            any_text().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                proptest::collection::vec((any_text(), inner), 0..8)
                    .prop_map(|entries| Value::Object(Map::from_iter(entries))),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_json_value_is_written_as_serde_json_writes_it(value in any_value()) {
            prop_assert_eq!(ours(&value).unwrap(), serde_json::to_string(&value).unwrap());
        }

        /// Numbers `Value` cannot hold: NaN, the infinities, `f32`, 128 bits.
        #[test]
        fn any_number_is_written_as_serde_json_writes_it(
            numbers in (
                proptest::num::f64::ANY,
                proptest::num::f32::ANY,
                any::<i128>(),
                any::<u128>(),
                any::<i8>(),
            ),
        ) {
            prop_assert_eq!(ours(&numbers).unwrap(), serde_json::to_string(&numbers).unwrap());
        }
    }
}
