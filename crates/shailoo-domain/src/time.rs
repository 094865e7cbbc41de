//! Time in the Kyrgyz Republic: Asia/Bishkek is UTC+6 all year (no daylight saving since 2005),
//! so a constant offset is exact and needs no time-zone database.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::Offset;

/// The offset of Asia/Bishkek from UTC, in hours.
pub const BISHKEK_UTC_OFFSET_HOURS: i8 = 6;

/// The offset every statutory deadline is expressed in.
pub fn bishkek() -> Offset {
    Offset::constant(BISHKEK_UTC_OFFSET_HOURS)
}

/// The local civil date and time in Bishkek of an instant.
pub fn to_bishkek(instant: Timestamp) -> DateTime {
    bishkek().to_datetime(instant)
}

/// The instant of a local Bishkek date and time.
pub fn from_bishkek(date: Date, time: Time) -> Timestamp {
    // Only civil values at the very ends of jiff's range can fail; clamp rather than panic.
    bishkek()
        .to_timestamp(date.to_datetime(time))
        .unwrap_or(Timestamp::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    #[test]
    fn bishkek_is_utc_plus_six() {
        let instant = from_bishkek(date(2024, 10, 7), time(18, 0, 0, 0));
        assert_eq!(instant.to_string(), "2024-10-07T12:00:00Z");
        assert_eq!(to_bishkek(instant), date(2024, 10, 7).at(18, 0, 0, 0));
    }
}
