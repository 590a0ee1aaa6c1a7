//! Where the serde path is in a document, so that its error for an integer outside the safe
//! range names the value (`orders[3].id: 9007199254740993 is outside ...`), as the
//! transcoder's does.
//!
//! [`Tracked`] wraps a deserializer and every visitor, sequence and map it hands out, keeping
//! the path of the current value as a chain of stack frames (keys are borrowed from the input
//! when it holds them unescaped, so nothing is allocated on the way). Only when a visitor
//! fails with [`OUT_OF_RANGE`] is the path written into the message; every other error, and
//! every value, passes through unchanged.

use crate::lenient::OUT_OF_RANGE;
use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// The path of a value: its keys and list indexes from the document's root.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Path<'a> {
    /// The document itself.
    Root,
    /// Member `key` of an object.
    Key(&'a Path<'a>, &'a str),
    /// Element `i` of a list.
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Path::Root => Ok(()),
            Path::Key(&Path::Root, k) => f.write_str(k),
            Path::Key(p, k) => write!(f, "{p}.{k}"),
            Path::Index(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}

/// `e`, with `path` in front when it is the out-of-range error.
fn named<E: de::Error>(e: E, path: &Path<'_>) -> E {
    if matches!(path, Path::Root) {
        return e;
    }
    let msg = e.to_string();
    if msg.contains(OUT_OF_RANGE) {
        E::custom(format_args!("{path}: {msg}"))
    } else {
        e
    }
}

/// A deserializer that knows the path of the value it reads.
pub(crate) struct Tracked<'a, D> {
    de: D,
    path: &'a Path<'a>,
}

impl<D> Tracked<'static, D> {
    /// `de` at the root of the document.
    pub(crate) fn root(de: D) -> Self {
        Tracked {
            de,
            path: &Path::Root,
        }
    }
}

impl<'a, D> Tracked<'a, D> {
    fn split<V>(self, v: V) -> (D, Wrap<'a, V>) {
        (self.de, Wrap { v, path: self.path })
    }
}

/// The `Deserializer` methods: each hands the wrapped deserializer's same method its visitor,
/// wrapped by the type's `split`.
macro_rules! forward_deserializer {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* v: V) -> Result<V::Value, Self::Error> {
            let (de, v) = self.split(v);
            de.$method($($arg,)* v)
        }
    )*};
}

macro_rules! all_deserializer_methods {
    () => {
        forward_deserializer! {
            deserialize_any(); deserialize_bool();
            deserialize_i8(); deserialize_i16(); deserialize_i32(); deserialize_i64();
            deserialize_i128();
            deserialize_u8(); deserialize_u16(); deserialize_u32(); deserialize_u64();
            deserialize_u128();
            deserialize_f32(); deserialize_f64(); deserialize_char();
            deserialize_str(); deserialize_string(); deserialize_bytes(); deserialize_byte_buf();
            deserialize_option(); deserialize_unit();
            deserialize_unit_struct(name: &'static str);
            deserialize_newtype_struct(name: &'static str);
            deserialize_seq(); deserialize_tuple(len: usize);
            deserialize_tuple_struct(name: &'static str, len: usize);
            deserialize_map();
            deserialize_struct(name: &'static str, fields: &'static [&'static str]);
            deserialize_enum(name: &'static str, variants: &'static [&'static str]);
            deserialize_identifier(); deserialize_ignored_any();
        }

        fn is_human_readable(&self) -> bool {
            self.de.is_human_readable()
        }
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Tracked<'_, D> {
    type Error = D::Error;
    all_deserializer_methods!();
}

/// The `Visitor` methods for scalars: each calls the wrapped visitor's same method, its
/// error through `$map`.
macro_rules! forward_scalars {
    ($map:ident) => {
        forward_scalars! { $map:
            visit_bool(bool); visit_i8(i8); visit_i16(i16); visit_i32(i32); visit_i64(i64);
            visit_i128(i128); visit_u8(u8); visit_u16(u16); visit_u32(u32); visit_u64(u64);
            visit_u128(u128); visit_f32(f32); visit_f64(f64); visit_char(char);
            visit_bytes(&[u8]); visit_borrowed_bytes(&'de [u8]); visit_byte_buf(Vec<u8>);
        }
    };
    ($map:ident: $($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, x: $ty) -> Result<Self::Value, E> {
            let ctx = self.ctx();
            Self::$map(self.v.$method(x), ctx)
        }
    )*};
}

/// A visitor of a value at `path`.
struct Wrap<'a, V> {
    v: V,
    path: &'a Path<'a>,
}

impl<'a, V> Wrap<'a, V> {
    fn ctx(&self) -> &'a Path<'a> {
        self.path
    }

    fn name<T, E: de::Error>(r: Result<T, E>, path: &Path<'_>) -> Result<T, E> {
        r.map_err(|e| named(e, path))
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.v.expecting(f)
    }

    forward_scalars!(name);

    forward_scalars! { name:
        visit_str(&str); visit_borrowed_str(&'de str); visit_string(String);
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Self::name(self.v.visit_none(), self.path)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Self::name(self.v.visit_unit(), self.path)
    }
    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        self.v.visit_some(Tracked {
            de,
            path: self.path,
        })
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        self.v.visit_newtype_struct(Tracked {
            de,
            path: self.path,
        })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.v.visit_seq(Seq {
            seq,
            path: self.path,
            i: 0,
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.v.visit_map(Map {
            map,
            path: self.path,
            key: Key::None,
        })
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.v.visit_enum(data)
    }
}

/// A seed whose value is at `path`.
struct Seed<'a, T> {
    seed: T,
    path: &'a Path<'a>,
}

impl<'de, T: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<'_, T> {
    type Value = T::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<T::Value, D::Error> {
        self.seed.deserialize(Tracked {
            de,
            path: self.path,
        })
    }
}

/// The elements of a list at `path`.
struct Seq<'a, A> {
    seq: A,
    path: &'a Path<'a>,
    i: usize,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<'_, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        let path = Path::Index(self.path, self.i);
        self.i = self.i.saturating_add(1);
        self.seq.next_element_seed(Seed { seed, path: &path })
    }

    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

/// The last key read: borrowed from the input when it can be.
enum Key<'de> {
    None,
    Borrowed(&'de str),
    Owned(String),
}

/// The members of an object at `path`.
struct Map<'a, 'de, A> {
    map: A,
    path: &'a Path<'a>,
    key: Key<'de>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<'_, 'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.key = Key::None;
        self.map.next_key_seed(KeySeed {
            seed,
            key: &mut self.key,
        })
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        let key = match &self.key {
            Key::None => "?",
            Key::Borrowed(k) => k,
            Key::Owned(k) => k.as_str(),
        };
        let path = Path::Key(self.path, key);
        self.map.next_value_seed(Seed { seed, path: &path })
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// A key's seed: its deserializer records the key's text in `key`.
struct KeySeed<'k, 'de, K> {
    seed: K,
    key: &'k mut Key<'de>,
}

impl<'de, K: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, 'de, K> {
    type Value = K::Value;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<K::Value, D::Error> {
        self.seed.deserialize(KeyDe { de, key: self.key })
    }
}

struct KeyDe<'k, 'de, D> {
    de: D,
    key: &'k mut Key<'de>,
}

impl<'k, 'de, D> KeyDe<'k, 'de, D> {
    fn split<V>(self, v: V) -> (D, KeyVisitor<'k, 'de, V>) {
        (self.de, KeyVisitor { v, key: self.key })
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyDe<'_, 'de, D> {
    type Error = D::Error;
    all_deserializer_methods!();
}

/// A key's visitor: notes the key's text, then visits as the wrapped one.
struct KeyVisitor<'k, 'de, V> {
    v: V,
    key: &'k mut Key<'de>,
}

impl<V> KeyVisitor<'_, '_, V> {
    fn ctx(&self) {}

    fn same<T, E>(r: Result<T, E>, _: ()) -> Result<T, E> {
        r
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeyVisitor<'_, 'de, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.v.expecting(f)
    }

    forward_scalars!(same);

    fn visit_str<E: de::Error>(self, x: &str) -> Result<Self::Value, E> {
        *self.key = Key::Owned(x.to_owned());
        self.v.visit_str(x)
    }
    fn visit_borrowed_str<E: de::Error>(self, x: &'de str) -> Result<Self::Value, E> {
        *self.key = Key::Borrowed(x);
        self.v.visit_borrowed_str(x)
    }
    fn visit_string<E: de::Error>(self, x: String) -> Result<Self::Value, E> {
        *self.key = Key::Owned(x.clone());
        self.v.visit_string(x)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.v.visit_none()
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.v.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        self.v.visit_some(de)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        self.v.visit_newtype_struct(de)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.v.visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.v.visit_map(map)
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.v.visit_enum(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Inner {
        #[serde(default, deserialize_with = "crate::lenient::opt_int")]
        n: Option<i64>,
        #[serde(default)]
        s: Option<String>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Outer {
        list: Vec<Inner>,
        #[serde(default)]
        one: Option<Inner>,
    }

    fn decode(json: &str) -> Result<Outer, String> {
        let mut de = serde_json::Deserializer::from_str(json);
        Outer::deserialize(Tracked::root(&mut de)).map_err(|e| e.to_string())
    }

    #[test]
    fn the_out_of_range_error_names_its_path() {
        let e = decode(r#"{"list":[{"n":1},{"n":9007199254740993}]}"#).unwrap_err();
        assert!(
            e.starts_with("list[1].n: 9007199254740993 is outside"),
            "{e}"
        );
        assert!(e.ends_with("at line 1 column 38"), "{e}");
        let e = decode(r#"{"list":[],"one":{"s":"x","n":"-1e300"}}"#).unwrap_err();
        assert!(e.starts_with("one.n: -1e300 is outside"), "{e}");
        // An escaped key is named by its text.
        let e = decode(r#"{"\u006cist":[{"\u006e":9007199254740993}]}"#).unwrap_err();
        assert!(e.starts_with("list[0].n: "), "{e}");
        // Other errors and values pass through unchanged.
        let plain = |json: &str| {
            serde_json::from_str::<Outer>(json)
                .map_err(|e| e.to_string())
                .map(|o| format!("{o:?}"))
        };
        for json in [
            r#"{"list":[{"n":"x"}]}"#,
            r#"{"list":[{"n":1.5}]}"#,
            r#"{"list":[{"s":5}]}"#,
            r#"{"list":{}}"#,
            r#"{"list":[{"n":1,"s":"a\"b"}],"one":null}"#,
            r#"{"list":[{"n":1}"#,
        ] {
            assert_eq!(
                decode(json).map(|o| format!("{o:?}")),
                plain(json),
                "{json}"
            );
        }
    }
}
