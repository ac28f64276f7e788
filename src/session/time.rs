//! Event times: RFC 3339 as written, checked when read.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// A point in time as an event recorded it: the RFC 3339 text (kept as
/// written, so a log reads back exactly) and the instant it names. Ordered
/// by the instant.
#[derive(Clone, Debug)]
pub struct Timestamp {
    text: String,
    at: OffsetDateTime,
}

/// Why a text is not an RFC 3339 time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeError(String);

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not an RFC 3339 time", self.0)
    }
}

impl std::error::Error for TimeError {}

impl Timestamp {
    /// Reads an RFC 3339 time.
    pub fn parse(text: &str) -> Result<Timestamp, TimeError> {
        match OffsetDateTime::parse(text, &Rfc3339) {
            Ok(at) => Ok(Timestamp {
                text: text.to_owned(),
                at,
            }),
            Err(_) => Err(TimeError(text.chars().take(80).collect())),
        }
    }

    /// `seconds` since the epoch shown at `offset` seconds east of UTC (an
    /// offset that cannot be shown becomes UTC).
    pub fn from_unix(seconds: i64, offset: i32) -> Timestamp {
        let utc = OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let offset = UtcOffset::from_whole_seconds(offset).unwrap_or(UtcOffset::UTC);
        let at = utc.to_offset(offset);
        let text = at.format(&Rfc3339).unwrap_or_else(|_| seconds.to_string());
        Timestamp { text, at }
    }

    /// Now, in the local offset (UTC when it cannot be known).
    pub fn now() -> Timestamp {
        let utc = OffsetDateTime::now_utc();
        let offset = UtcOffset::current_local_offset().map_or(0, |o| o.whole_seconds());
        Timestamp::from_unix(utc.unix_timestamp(), offset)
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Seconds since the epoch.
    pub fn seconds(&self) -> i64 {
        self.at.unix_timestamp()
    }

    /// Seconds east of UTC of the offset it was written in.
    pub fn offset_seconds(&self) -> i32 {
        self.at.offset().whole_seconds()
    }

    /// `2026-11-24 07:21`, in the offset it was written in.
    pub fn short(&self) -> String {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            self.at.year(),
            u8::from(self.at.month()),
            self.at.day(),
            self.at.hour(),
            self.at.minute()
        )
    }

    /// `2026-11-24`, in the offset it was written in.
    pub fn date(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            self.at.year(),
            u8::from(self.at.month()),
            self.at.day()
        )
    }
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Timestamp {}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, &self.text).cmp(&(other.at, &other.text))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Seconds since the epoch of an RFC 3339 time, `None` when it is not one.
pub fn seconds(rfc3339: &str) -> Option<i64> {
    Timestamp::parse(rfc3339).ok().map(|t| t.seconds())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_back_as_written_and_order_by_instant() {
        let a = Timestamp::parse("2026-11-24T07:21:28+01:00").unwrap();
        let b = Timestamp::parse("2026-11-24T06:30:00Z").unwrap();
        assert_eq!(a.as_str(), "2026-11-24T07:21:28+01:00");
        assert_eq!(a.short(), "2026-11-24 07:21");
        assert!(b > a, "06:30Z is after 07:21+01:00");
        assert_eq!(Timestamp::from_unix(0, 0).as_str(), "1970-01-01T00:00:00Z");
        for bad in [
            "",
            "yesterday",
            "2026-11-24T07:21:28+01:00é",
            "2026-13-01T00:00:00Z",
            "２０２６-01-01",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad:?}");
        }
    }
}
