//! The `record!` macro: one declaration, two structs and a schema.
//!
//! Each API record is declared once and expands to:
//! - the public struct: `Tsify`, every field always present, unset = `null` (so the TypeScript
//!   says `field: T | null`, never `field?:`), as the typing rule asks (each field has one
//!   type; see "How the client copes" in docs/API-NOTES.md);
//! - its [`Schema`] (`impl Wire`): the fields and their rules as data, for the one-pass
//!   transcoder the wasm client decodes with (`fallback a <- b.c;` declares that text field
//!   `a`, when unset, takes nested field `b.c`; the serde path applies it in the endpoint's
//!   `decode`);
//! - with the `testing` feature only (the serde decode path the tests hold the transcoder to):
//!   `Serialize` on the public struct, and a private wire twin, `Deserialize` with the lenient
//!   rules of [`crate::lenient`], where a missing optional field is simply unset and a missing
//!   required field is an error.
//!
//! One struct could not do both: serde needs `#[serde(default)]` to let a field be missing,
//! and tsify then marks it optional (`?:`) in the typings.
//!
//! The schema types live here, beside the macro that fills them in, so the records
//! (`api`, `error`) and the transcoder that reads their schemas both point down at this
//! module, and nothing here points up at them.

mod schema;

pub(crate) use schema::kind;
pub(crate) use schema::{fallback, index_of, names};
pub use schema::{wire_name, Field, Kind, Schema, Wire};

macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( fallback $target:ident <- $from:ident . $sub:ident; )?
            required {
                $( $(#[$rmeta:meta])* pub $rfield:ident : $rty:ty = $rde:tt, )*
            }
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty = $de:tt, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, tsify::Tsify)]
        #[cfg_attr(feature = "testing", derive(serde::Serialize))]
        #[tsify(missing_as_null)]
        pub struct $name {
            $( $(#[$rmeta])* pub $rfield: $rty, )*
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        #[cfg(feature = "testing")]
        const _: () = {
            #[derive(serde::Deserialize)]
            struct Wire {
                $( $(#[$rmeta])* #[serde(deserialize_with = $rde)] $rfield: $rty, )*
                $( $(#[$fmeta])* #[serde(default, deserialize_with = $de)] $field: $ty, )*
            }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    let w = Wire::deserialize($crate::record::ObjectOnly(d))?;
                    Ok($name {
                        $( $rfield: w.$rfield, )*
                        $( $field: w.$field, )*
                    })
                }
            }
        };

        impl $crate::record::Wire for $name {
            const SCHEMA: $crate::record::Schema = {
                const FIELDS: &[$crate::record::Field] = &[
                    $( $crate::record::Field {
                        name: $crate::record::wire_name(stringify!($rfield)),
                        kind: $crate::record::kind!($rde, $rty),
                    }, )*
                    $( $crate::record::Field {
                        name: $crate::record::wire_name(stringify!($field)),
                        kind: $crate::record::kind!($de, $ty),
                    }, )*
                ];
                #[allow(unused_mut, unused_assignments)]
                let mut fallback = None;
                $( fallback = Some($crate::record::fallback(
                    FIELDS,
                    stringify!($target),
                    stringify!($from),
                    stringify!($sub),
                )); )?
                $crate::record::Schema {
                    name: stringify!($name),
                    fields: FIELDS,
                    fallback,
                }
            };
        }
    };
}

pub(crate) use record;

/// A deserializer that reads a struct from a JSON object only. serde's derive would also take
/// an array (the fields by position), which no API response uses; the transcoder does not
/// accept it either, and both paths must agree.
#[cfg(feature = "testing")]
pub(crate) struct ObjectOnly<D>(pub D);

#[cfg(feature = "testing")]
impl<'de, D: serde::Deserializer<'de>> serde::Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(v)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(v)
    }

    fn deserialize_map<V: serde::de::Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(v)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct enum identifier
        ignored_any
    }
}
