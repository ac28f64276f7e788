//! Identifiers: session ids, event ids and object ids as newtypes that are
//! checked when they are read, so that nothing downstream slices or prints
//! a forged one (a fetched session is somebody else's data).
//!
//! Generated ids are time-ordered UUIDv7 values in lowercase hex. What a
//! reader accepts is a little wider (letters, digits, `-` and `_`, at most
//! 64 of them) so that an id written by a newer version still reads; it is
//! always ASCII, so any prefix of it is a valid string.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// Why a text is not an id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdError {
    what: &'static str,
    text: String,
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not {}", self.text, self.what)
    }
}

impl std::error::Error for IdError {}

/// Whether `s` has the shape of a generated id (32 lowercase hex digits).
pub fn is_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Letters, digits, `-` and `_`; 1 to 64 of them.
fn is_token(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The first `n` characters of an ASCII id (all of it when shorter).
fn ascii_prefix(s: &str, n: usize) -> &str {
    // Ids are ASCII (checked on construction), so every index is a boundary.
    s.get(..n.min(s.len())).unwrap_or(s)
}

macro_rules! token_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A new time-ordered id (UUIDv7, 32 lowercase hex digits).
            pub fn generate() -> $name {
                $name(uuid::Uuid::now_v7().simple().to_string())
            }

            /// Checks `text` (as read from a ref or a file).
            pub fn parse(text: &str) -> Result<$name, IdError> {
                if is_token(text) {
                    Ok($name(text.to_owned()))
                } else {
                    Err(IdError {
                        what: $what,
                        text: text.chars().take(80).collect(),
                    })
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The first `n` characters.
            pub fn prefix(&self, n: usize) -> &str {
                ascii_prefix(&self.0, n)
            }

            /// The last `n` characters.
            pub fn suffix(&self, n: usize) -> &str {
                self.0.get(self.0.len().saturating_sub(n)..).unwrap_or(&self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                $name::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

token_id!(
    /// A session's id: the `<id>` of `refs/aura/sessions/<id>`.
    SessionId,
    "a session id"
);

token_id!(
    /// An event's id, unique across machines; objectives and blockers are
    /// named by the id of the event that created them.
    EventId,
    "an event id"
);

/// A git object id (a commit or a tree) in lowercase hex: 40 digits for
/// SHA-1, 64 for SHA-256. The domain keeps it as text; `store` turns it into
/// gix's type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Oid(String);

impl Oid {
    /// Checks `text`; upper-case digits are accepted and lowered.
    pub fn parse(text: &str) -> Result<Oid, IdError> {
        if (text.len() == 40 || text.len() == 64) && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Oid(text.to_ascii_lowercase()))
        } else {
            Err(IdError {
                what: "an object id",
                text: text.chars().take(80).collect(),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first `n` hex digits (`short(12)` is what listings show).
    pub fn short(&self, n: usize) -> &str {
        ascii_prefix(&self.0, n)
    }
}

impl fmt::Display for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Oid {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for Oid {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl<'de> Deserialize<'de> for Oid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Oid::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_hex_and_time_ordered() {
        let a = SessionId::generate();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = SessionId::generate();
        assert!(is_id(a.as_str()) && is_id(b.as_str()), "{a} {b}");
        assert!(a < b, "{a} !< {b}");
    }

    #[test]
    fn forged_ids_are_refused_not_sliced() {
        for bad in [
            "",
            "é",
            "0190aaaa\u{7}",
            "a b",
            "x".repeat(65).as_str(),
            "ab/cd",
            "日本語のid",
        ] {
            assert!(EventId::parse(bad).is_err(), "{bad:?}");
            assert!(SessionId::parse(bad).is_err(), "{bad:?}");
        }
        let id = EventId::parse("0190aaaa0000700080000000000000ff").unwrap();
        assert_eq!(id.prefix(100), id.as_str());
        assert_eq!(id.suffix(8), "000000ff");
        assert!(serde_json::from_str::<EventId>("\"ñ\"").is_err());
    }

    #[test]
    fn object_ids_are_full_hex() {
        let hex = "4b825dc642cb6eb9a060e54bf8d69288fbef4904";
        assert_eq!(Oid::parse(&hex.to_uppercase()).unwrap().as_str(), hex);
        assert_eq!(Oid::parse(hex).unwrap().short(7), "4b825dc");
        for bad in [
            "",
            "4b825dc",
            "zz825dc642cb6eb9a060e54bf8d69288fbef4904",
            "é4b825dc642cb6eb9a060e54bf8d69288fbef490",
        ] {
            assert!(Oid::parse(bad).is_err(), "{bad:?}");
        }
    }
}
