//! The macros of the generated shared crate (`shared/src/macros.rs`), which every form's
//! crate uses: a typed struct (`object!`) and a code-list enum (`code_list!`) from one line
//! per member or entry. The generated code states what differs per form; what is the same
//! for every struct and enum (the serde impls, `from_tree`, the code tables) is written once
//! here. Not compiled in the compiler: the generator copies it verbatim, and the generated
//! crate's tests compile it.

/// A typed struct of a submission's object, with its serde impls, `from_tree` (typed data of a
/// valid submission's tree) and `FromValue` (the tolerant read):
///
/// ```text
/// object! {
///     /// Doc of the struct
///     Name {
///         /// Doc of the member
///         member: Type = 0 "member" req text(),
///         other: Option<Type> = 1 "other" opt group(Other::from_tree),
///     }
/// }
/// ```
///
/// Each member has its slot (its index among the object's members that hold data), its name
/// in the submission, `req` or `opt`, and the function of `__conv` that reads its value from
/// its slot, with that function's further arguments. No closures: each would be a body of
/// its own for the compiler to check, per member of every form.
#[macro_export]
macro_rules! object {
    (
        $(#[$attr:meta])*
        $name:ident {
            $(
                $(#[$member_attr:meta])*
                $member:ident : $ty:ty = $slot:literal $key:literal $presence:ident $conversion:ident ( $($argument:expr),* ),
            )*
        }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $( $(#[$member_attr])* pub $member: $ty, )*
        }

        /// Written as the submission's JSON object (absent members are left out).
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                $( $crate::__member_entry!(map, $presence, $key, &self.$member); )*
                map.end()
            }
        }

        /// Read from the submission's JSON object; unknown and repeated members are errors.
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                #[allow(unused_mut)]
                let mut members = $crate::__runtime::json::Members::read(deserializer, $name::NAMES)?;
                ::std::result::Result::Ok($name {
                    $( $member: $crate::__member_read!(members, $presence, $slot)?, )*
                })
            }
        }

        impl $name {
            /// The names of the members in the submission, in slot order.
            #[doc(hidden)]
            pub const NAMES: &'static [&'static str] = &[$($key),*];

            /// From the members of its object, each converted with `FromValue`: what the
            /// tolerant read (`read_tolerant`) uses instead of serde's visitors.
            #[doc(hidden)]
            #[allow(unused_mut)]
            pub fn from_members(
                mut members: $crate::__runtime::json::Members,
            ) -> ::std::result::Result<Self, ::serde_json::Error> {
                ::std::result::Result::Ok($name {
                    $( $member: $crate::__member_take!(members, $presence, $slot)?, )*
                })
            }

            /// The typed data of a valid submission's object, read from its tree: each
            /// member from its slot (`None` only if the submission was not valid).
            #[doc(hidden)]
            #[allow(unused_variables)]
            pub fn from_tree(obj: &$crate::__runtime::tree::Obj) -> ::std::option::Option<Self> {
                ::std::option::Option::Some($name {
                    $( $member: $crate::__member_value!(obj.slots[$slot], $presence, $conversion($($argument),*)), )*
                })
            }
        }

        impl $crate::__runtime::json::FromValue for $name {
            fn from_value(value: ::serde_json::Value) -> ::std::result::Result<Self, ::serde_json::Error> {
                $crate::__runtime::json::object_from_value(value, $name::NAMES, $name::from_members)
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __member_take {
    ($members:ident, req, $index:literal) => {
        $members.take($index)
    };
    ($members:ident, opt, $index:literal) => {
        $members.take_optional($index)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __member_entry {
    ($map:ident, req, $key:literal, $value:expr) => {
        $map.serialize_entry($key, $value)?;
    };
    ($map:ident, opt, $key:literal, $value:expr) => {
        if let ::std::option::Option::Some(value) = $value {
            $map.serialize_entry($key, value)?;
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __member_value {
    ($slot:expr, req, $conversion:ident($($argument:expr),*)) => {
        $crate::__conv::$conversion(&$slot $(, $argument)*)?
    };
    ($slot:expr, opt, $conversion:ident($($argument:expr),*)) => {
        match &$slot {
            $crate::__runtime::tree::Slot::Absent => ::std::option::Option::None,
            slot => ::std::option::Option::Some($crate::__conv::$conversion(slot $(, $argument)*)?),
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __member_read {
    ($members:ident, req, $index:literal) => {
        $members.required($index)
    };
    ($members:ident, opt, $index:literal) => {
        $members.optional($index)
    };
}

/// A code list's enum: its entries in the list's order (variant, code, labels by language),
/// then the variants in the order of their sorted codes (what `from_code` searches):
///
/// ```text
/// code_list! {
///     /// Doc of the list
///     Name, "urn", "version",
///     [
///         /// Label of the entry
///         Variant = "code" [("de", "…"), ("en", "…")],
///     ]
///     sorted [Variant "code", …]
/// }
/// ```
#[macro_export]
macro_rules! code_list {
    (
        $(#[$attr:meta])*
        $name:ident, $urn:literal, $version:literal,
        [ $( $(#[$entry_attr:meta])* $variant:ident = $code:literal [$( ($lang:literal, $label:literal) ),*], )* ]
        sorted [ $( $sorted:ident $sorted_code:literal ),* $(,)? ]
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        // Variants spell the codes (`BF`, `C001`), which need not be camel case.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        pub enum $name {
            $( $(#[$entry_attr])* $variant, )*
        }

        impl $name {
            /// Every entry, in the code list's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            /// The code list's URN (empty if it has none).
            pub const URN: &'static str = $urn;
            /// The code list's version (empty if it has none).
            pub const VERSION: &'static str = $version;
            /// The codes, sorted (each once).
            pub const SORTED_CODES: &'static [&'static str] = &[$($sorted_code),*];
            /// The codes, in the order of the variants.
            const CODES: &'static [&'static str] = &[$($code),*];
            /// The labels by language, in the order of the variants.
            const LABELS: &'static [&'static [(&'static str, &'static str)]] = &[$(&[$(($lang, $label)),*]),*];
            /// The entries in the order of [`Self::SORTED_CODES`].
            const SORTED: &'static [$name] = &[$($name::$sorted),*];

            /// The code as it appears in a submission.
            pub fn code(self) -> &'static str {
                $name::CODES[self as usize]
            }

            /// The entry with this code, if the list has it.
            pub fn from_code(code: &str) -> ::std::option::Option<$name> {
                $name::SORTED_CODES.binary_search(&code).ok().map(|i| $name::SORTED[i])
            }

            /// The label in a language of the form.
            pub fn label(self, lang: &str) -> ::std::option::Option<&'static str> {
                $name::LABELS[self as usize].iter().find(|(l, _)| *l == lang).map(|(_, label)| *label)
            }
        }

        impl $crate::__runtime::json::FromValue for $name {
            fn from_value(value: ::serde_json::Value) -> ::std::result::Result<Self, ::serde_json::Error> {
                $crate::__runtime::json::code_from_value(value, $name::from_code)
            }
        }

        impl $crate::__runtime::json::CodeEntry for $name {
            fn from_code(code: &str) -> ::std::option::Option<$name> {
                $name::from_code(code)
            }
            fn code(&self) -> &'static str {
                $name::code(*self)
            }
        }

        /// Written as its code.
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        /// Read from its code; any other value is an error.
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                $crate::__runtime::json::code(deserializer, $name::from_code)
            }
        }
    };
}
