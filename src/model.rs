//! The `record!` macro: one declaration, two structs.
//!
//! Each API record is declared once and expands to:
//! - the public struct: `Serialize` + `Tsify`, every field always present, unset = `null`
//!   (so the TypeScript says `field: T | null`, never `field?:`), as DESIGN.md's typing rule
//!   asks;
//! - a private wire twin: `Deserialize` with the lenient decoders of [`crate::decode`], where a
//!   missing optional field is simply unset and a missing required field is an error.
//!
//! One struct could not do both: serde needs `#[serde(default)]` to let a field be missing,
//! and tsify then marks it optional (`?:`) in the typings.

macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            required {
                $( $(#[$rmeta:meta])* pub $rfield:ident : $rty:ty = $rde:literal, )*
            }
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty = $de:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, serde::Serialize, tsify::Tsify)]
        #[tsify(missing_as_null)]
        pub struct $name {
            $( $(#[$rmeta])* pub $rfield: $rty, )*
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        const _: () = {
            #[derive(serde::Deserialize)]
            struct Wire {
                $( $(#[$rmeta])* #[serde(deserialize_with = $rde)] $rfield: $rty, )*
                $( $(#[$fmeta])* #[serde(default, deserialize_with = $de)] $field: $ty, )*
            }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    let w = Wire::deserialize(d)?;
                    Ok($name {
                        $( $rfield: w.$rfield, )*
                        $( $field: w.$field, )*
                    })
                }
            }
        };
    };
}

pub(crate) use record;
