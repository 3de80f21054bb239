//! The replay window, and the timestamp formats senders use.
//!
//! All arithmetic is done in `i128`, so no timestamp a sender can write
//! (`u64::MAX` milliseconds, negative seconds) and no tolerance a user can
//! configure overflows or panics.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::Error;

/// Whole units since the UNIX epoch, negative before it, truncated toward
/// negative infinity the way the senders' own clocks read.
///
/// `whole` reads a `Duration` in the unit, truncated (`as_secs`,
/// `as_millis`): no 128-bit division on the verify path. A time before the
/// epoch that is not a whole number of units is one unit further back.
#[inline]
fn since_epoch(now: SystemTime, whole: fn(&Duration) -> u128, unit: Duration) -> i128 {
    // A Duration holds at most ~1.8e28 ns: every count fits an i128.
    match now.duration_since(UNIX_EPOCH) {
        Ok(after) => whole(&after) as i128,
        Err(before) => {
            let before = before.duration();
            let units = whole(&before) as i128;
            let exact = before.as_nanos() % unit.as_nanos() == 0;
            -(units + i128::from(!exact))
        }
    }
}

/// `now` in whole milliseconds since the UNIX epoch.
pub(crate) fn unix_millis(now: SystemTime) -> i128 {
    since_epoch(now, Duration::as_millis, Duration::from_millis(1))
}

/// `now` in whole seconds since the UNIX epoch, floored as the senders'
/// own `time()` reads it.
pub(crate) fn unix_secs(now: SystemTime) -> i128 {
    since_epoch(now, |d| u128::from(d.as_secs()), Duration::from_secs(1))
}

/// The one window comparison: `timestamp` and `now` in the same unit,
/// `tolerance` in that unit too, both ends inclusive.
#[inline]
fn check_window(timestamp: i128, now: i128, tolerance: i128) -> Result<(), Error> {
    if now - timestamp > tolerance {
        Err(Error::TimestampTooOld)
    } else if timestamp - now > tolerance {
        Err(Error::TimestampInFuture)
    } else {
        Ok(())
    }
}

/// Checks that `timestamp` lies within `tolerance` of `now`, both inclusive
/// and both counted in milliseconds since the UNIX epoch.
///
/// # Errors
///
/// [`Error::TimestampTooOld`] or [`Error::TimestampInFuture`].
#[inline]
pub(crate) fn check_window_millis(
    timestamp: i128,
    now: SystemTime,
    tolerance: Duration,
) -> Result<(), Error> {
    // A Duration holds at most ~1.8e22 ms: far inside i128.
    check_window(timestamp, unix_millis(now), tolerance.as_millis() as i128)
}

/// Checks that `timestamp` (UNIX seconds) lies within `tolerance` of `now`,
/// both inclusive. `now` is floored to whole seconds and `tolerance`
/// truncated to whole seconds, as Stripe's, Slack's and the Standard
/// Webhooks libraries compare: a timestamp exactly `tolerance` old is
/// accepted.
///
/// # Errors
///
/// [`Error::TimestampTooOld`] or [`Error::TimestampInFuture`].
#[inline]
pub(crate) fn check_window_secs(
    timestamp: i128,
    now: SystemTime,
    tolerance: Duration,
) -> Result<(), Error> {
    check_window(timestamp, unix_secs(now), i128::from(tolerance.as_secs()))
}

/// Parses a UNIX timestamp in whole seconds as senders put it in a header:
/// one to 20 ASCII digits (leading zeros allowed), no sign, no spaces, no
/// fraction. Twenty digits hold every `u64` and still fit an `i128`, so
/// the window arithmetic cannot overflow.
#[inline]
pub(crate) fn parse_unix_secs(digits: &[u8]) -> Option<i128> {
    if digits.len() > 20 {
        return None;
    }
    decimal(digits)
}

/// The value of eight ASCII digits, `None` if any byte is not one: checked
/// and combined in one 64-bit word (pairs, then fours, then the eight)
/// rather than digit by digit, whose chain of multiplications was most of
/// the time of reading a 10-digit timestamp.
#[inline]
fn eight_digits(text: [u8; 8]) -> Option<u64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // The first digit is the lowest byte. A byte below `0` wraps to 0xd0
    // or more; one above `9` leaves 10 or more, which `+ 0x76` lifts to
    // 0x80 or more: either sets its top bit. (Borrows and carries between
    // bytes only follow a byte that is flagged.)
    let d = u64::from_le_bytes(text).wrapping_sub(0x30 * ONES);
    if (d | d.wrapping_add(0x76 * ONES)) & (0x80 * ONES) != 0 {
        return None;
    }
    // Each step joins neighbours: 10·a + b in every 16-bit lane (at most
    // 99), 100·ab + cd in every 32-bit lane (at most 9999), then the eight.
    let d = (d * 10 + (d >> 8)) & 0x00ff_00ff_00ff_00ff;
    let d = (d * 100 + (d >> 16)) & 0x0000_ffff_0000_ffff;
    Some((d * 10_000 + (d >> 32)) & 0xffff_ffff)
}

/// The value of a non-empty run of ASCII digits (at most 38, which fits an
/// `i128`); `None` for anything else. Also reads the JSON body's integer
/// members (Linear's `webhookTimestamp`).
#[inline]
pub(crate) fn decimal(digits: &[u8]) -> Option<i128> {
    if digits.is_empty() || digits.len() > 38 {
        return None;
    }
    // Up to 19 digits cannot overflow a u64 (10^19 - 1 < 2^64): the common
    // case runs in 64-bit arithmetic, eight digits at a time.
    let (head, tail) = digits.split_at(digits.len().min(19));
    let (eights, rest) = head.as_chunks::<8>();
    let mut short = 0u64;
    for eight in eights {
        short = short * 100_000_000 + eight_digits(*eight)?;
    }
    for &d in rest {
        if !d.is_ascii_digit() {
            return None;
        }
        short = short * 10 + u64::from(d - b'0');
    }
    let mut value = i128::from(short);
    for &d in tail {
        if !d.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i128::from(d - b'0');
    }
    Some(value)
}

/// The `SystemTime` `count` units after (before, if negative) the UNIX
/// epoch, if the platform can represent it.
fn from_unix(count: i128, unit: fn(u64) -> Duration) -> Option<SystemTime> {
    let offset = unit(u64::try_from(count.unsigned_abs()).ok()?);
    if count >= 0 {
        UNIX_EPOCH.checked_add(offset)
    } else {
        UNIX_EPOCH.checked_sub(offset)
    }
}

/// The `SystemTime` of a UNIX timestamp in seconds, if the platform can
/// represent it.
pub(crate) fn from_unix_secs(secs: i128) -> Option<SystemTime> {
    from_unix(secs, Duration::from_secs)
}

/// Whole UNIX seconds of a signing time, as senders write it in a header.
///
/// # Errors
///
/// [`Error::InvalidConfig`] when `at` is before the UNIX epoch, which no
/// scheme can express.
pub(crate) fn signing_secs(at: SystemTime) -> Result<u64, Error> {
    at.duration_since(UNIX_EPOCH)
        .map(|since| since.as_secs())
        .map_err(|_| Error::InvalidConfig("signing time is before the UNIX epoch"))
}

/// Whole UNIX milliseconds of a signing time.
///
/// # Errors
///
/// As [`signing_secs`].
pub(crate) fn signing_millis(at: SystemTime) -> Result<u128, Error> {
    at.duration_since(UNIX_EPOCH)
        .map(|since| since.as_millis())
        .map_err(|_| Error::InvalidConfig("signing time is before the UNIX epoch"))
}

/// A signing time as an RFC 3339 date-time in UTC with milliseconds
/// (`2024-05-01T12:00:00.123Z`), the civil date computed from days since
/// the epoch (Howard Hinnant's `civil_from_days`).
///
/// # Errors
///
/// As [`signing_secs`], or when the year is past 9999.
pub(crate) fn format_rfc3339_millis(at: SystemTime) -> Result<String, Error> {
    let millis = signing_millis(at)?;
    let secs = millis / 1000;
    let days = (secs / 86_400) as i128;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i128::from(month <= 2);
    if year > 9999 {
        return Err(Error::InvalidConfig("signing time is past the year 9999"));
    }
    Ok(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        millis % 1000
    ))
}

/// The `SystemTime` of a millisecond UNIX timestamp, if the platform can
/// represent it.
pub(crate) fn from_unix_millis(millis: i128) -> Option<SystemTime> {
    from_unix(millis, Duration::from_millis)
}

/// Parses an RFC 3339 date-time (`2024-05-01T12:00:00Z`,
/// `2024-05-01T14:00:00.123+02:00`) into milliseconds since the UNIX epoch.
/// Fractions beyond milliseconds are truncated. Returns `None` for anything
/// that is not a valid RFC 3339 `date-time`.
pub(crate) fn parse_rfc3339_millis(text: &str) -> Option<i128> {
    let b = text.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let num = |range: std::ops::Range<usize>| b.get(range).and_then(decimal);
    let year = num(0..4)?;
    let month = num(5..7)?;
    let day = num(8..10)?;
    let hour = num(11..13)?;
    let minute = num(14..16)?;
    let second = num(17..19)?;
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') || b[13] != b':' {
        return None;
    }
    if b[16] != b':' {
        return None;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    // RFC 3339 allows a leap second (60).
    if day == 0 || day > days_in_month || hour > 23 || minute > 59 || second > 60 {
        return None;
    }

    let mut rest = &b[19..];
    let mut millis = 0i128;
    if let [b'.', tail @ ..] = rest {
        let digits = tail.iter().take_while(|d| d.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        for (i, &d) in tail[..digits].iter().take(3).enumerate() {
            millis += i128::from(d - b'0') * [100, 10, 1][i];
        }
        rest = &tail[digits..];
    }
    let offset_minutes = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let two = |a: u8, b: u8| -> Option<i128> {
                (a.is_ascii_digit() && b.is_ascii_digit())
                    .then(|| i128::from(a - b'0') * 10 + i128::from(b - b'0'))
            };
            let (h, m) = (two(*h1, *h2)?, two(*m1, *m2)?);
            if h > 23 || m > 59 {
                return None;
            }
            if *sign == b'+' {
                h * 60 + m
            } else {
                -(h * 60 + m)
            }
        }
        _ => return None,
    };

    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1_000 + millis)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i128, month: i128, day: i128) -> i128 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formatting_round_trips() {
        for millis in [
            0u64,
            951_782_400_123,
            1_700_000_000_000,
            4_102_444_799_999,
            253_402_300_799_999,
        ] {
            let at = UNIX_EPOCH + Duration::from_millis(millis);
            let text = format_rfc3339_millis(at).unwrap();
            assert_eq!(
                parse_rfc3339_millis(&text),
                Some(i128::from(millis)),
                "{text}"
            );
        }
        assert_eq!(
            format_rfc3339_millis(UNIX_EPOCH + Duration::from_millis(951_782_400_123)).unwrap(),
            "2000-02-29T00:00:00.123Z"
        );
        assert!(format_rfc3339_millis(UNIX_EPOCH + Duration::from_secs(253_402_300_800)).is_err());
    }

    fn at_millis(ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(ms)
    }

    #[test]
    fn window_is_inclusive_in_both_directions() {
        let tol = Duration::from_secs(60);
        let ts = 1_579_784_000_000;
        assert_eq!(
            check_window_millis(ts, at_millis(1_579_784_060_000), tol),
            Ok(())
        );
        assert_eq!(
            check_window_millis(ts, at_millis(1_579_783_940_000), tol),
            Ok(())
        );
        assert_eq!(
            check_window_millis(ts, at_millis(1_579_784_060_001), tol),
            Err(Error::TimestampTooOld)
        );
        assert_eq!(
            check_window_millis(ts, at_millis(1_579_783_939_999), tol),
            Err(Error::TimestampInFuture)
        );
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        let now = SystemTime::now();
        for ts in [i128::from(u64::MAX), i128::from(i64::MIN), 0, -1] {
            let _ = check_window_millis(ts, now, Duration::MAX);
            let _ = check_window_millis(ts, now, Duration::ZERO);
            let _ = from_unix_millis(ts);
        }
        assert_eq!(
            check_window_millis(i128::from(u64::MAX), now, Duration::MAX),
            Ok(())
        );
        let before_epoch = UNIX_EPOCH - Duration::from_nanos(1);
        assert_eq!(unix_millis(before_epoch), -1);
    }

    #[test]
    fn whole_units_since_the_epoch_floor_in_both_directions() {
        let at = |nanos: i128| {
            let magnitude = Duration::from_nanos(u64::try_from(nanos.unsigned_abs()).unwrap());
            if nanos >= 0 {
                UNIX_EPOCH + magnitude
            } else {
                UNIX_EPOCH - magnitude
            }
        };
        // The floor of the exact quotient, computed in i128 as before.
        let floor = |nanos: i128, unit: i128| nanos.div_euclid(unit);
        for nanos in [
            0,
            1,
            -1,
            999_999,
            1_000_000,
            -999_999,
            -1_000_000,
            -1_000_001,
            1_999_999_999,
            -2_000_000_000,
            -2_000_000_001,
            1_700_000_000_123_456_789,
            -1_700_000_000_000_000_000,
        ] {
            assert_eq!(
                unix_millis(at(nanos)),
                floor(nanos, 1_000_000),
                "{nanos} ns"
            );
            assert_eq!(
                unix_secs(at(nanos)),
                floor(nanos, 1_000_000_000),
                "{nanos} ns"
            );
        }
    }

    #[test]
    fn decimal_agrees_with_the_standard_parser_at_every_length() {
        for len in 1..=38 {
            for digit in [b'0', b'1', b'9'] {
                let text = vec![digit; len];
                let expected = std::str::from_utf8(&text).unwrap().parse::<i128>().ok();
                assert_eq!(decimal(&text), expected, "{len} × {}", digit as char);
                let mut bad = text.clone();
                bad[len - 1] = b'x';
                assert_eq!(decimal(&bad), None);
                bad[0] = b'+';
                assert_eq!(decimal(&bad), None);
            }
        }
        assert_eq!(decimal(&[b'9'; 39]), None);
        assert_eq!(decimal(b""), None);
    }

    #[test]
    fn eight_digits_reads_every_digit_in_every_place_and_refuses_every_other_byte() {
        // Every byte value in every position, among digits that vary too,
        // against the standard parser.
        for place in 0..8 {
            for byte in 0..=u8::MAX {
                for filler in [b'0', b'5', b'9'] {
                    let mut text = [filler; 8];
                    text[(place + 3) % 8] = b'0' + (place as u8);
                    text[place] = byte;
                    let expected = std::str::from_utf8(&text)
                        .ok()
                        .filter(|t| t.bytes().all(|b| b.is_ascii_digit()))
                        .map(|t| t.parse::<u64>().unwrap());
                    assert_eq!(eight_digits(text), expected, "{text:?}");
                }
            }
        }
        assert_eq!(eight_digits(*b"17000000"), Some(17_000_000));
        assert_eq!(eight_digits(*b"99999999"), Some(99_999_999));
    }

    proptest::proptest! {
        #[test]
        fn decimal_agrees_with_the_standard_parser(text in "[0-9]{1,38}|[0-9/:]{1,24}") {
            let expected = text.parse::<i128>().ok().filter(|_| !text.starts_with('+'));
            proptest::prop_assert_eq!(decimal(text.as_bytes()), expected);
        }
    }

    #[test]
    fn seconds_window_floors_now_and_is_inclusive() {
        let tol = Duration::from_secs(300);
        let ts = 1_614_265_330;
        let at = |secs: u64, nanos: u32| UNIX_EPOCH + Duration::new(secs, nanos);
        // 300.999 s late still reads as 300 whole seconds.
        assert_eq!(
            check_window_secs(ts, at(1_614_265_630, 999_999_999), tol),
            Ok(())
        );
        assert_eq!(
            check_window_secs(ts, at(1_614_265_631, 0), tol),
            Err(Error::TimestampTooOld)
        );
        assert_eq!(check_window_secs(ts, at(1_614_265_030, 0), tol), Ok(()));
        assert_eq!(
            check_window_secs(ts, at(1_614_265_029, 999_999_999), tol),
            Err(Error::TimestampInFuture)
        );
        // A sub-second tolerance is truncated to zero seconds.
        assert_eq!(
            check_window_secs(ts, at(1_614_265_331, 0), Duration::from_millis(999)),
            Err(Error::TimestampTooOld)
        );
    }

    #[test]
    fn unix_secs_parse_digits_only() {
        assert_eq!(parse_unix_secs(b"1614265330"), Some(1_614_265_330));
        assert_eq!(parse_unix_secs(b"0001"), Some(1));
        assert_eq!(
            parse_unix_secs(b"99999999999999999999"),
            Some(99_999_999_999_999_999_999)
        );
        for bad in [
            &b""[..],
            b"+1",
            b"-1",
            b" 1",
            b"1 ",
            b"1.5",
            b"1e3",
            b"0x10",
            b"999999999999999999999",
            "\u{661}".as_bytes(),
        ] {
            assert_eq!(parse_unix_secs(bad), None, "{bad:?}");
        }
        let now = SystemTime::now();
        let huge = parse_unix_secs(b"99999999999999999999").unwrap();
        assert_eq!(
            check_window_secs(i128::from(u64::MAX), now, Duration::MAX),
            Ok(()),
            "no overflow at the extremes"
        );
        assert_eq!(
            check_window_secs(huge, now, Duration::MAX),
            Err(Error::TimestampInFuture)
        );
        assert_eq!(
            check_window_secs(0, now, Duration::ZERO),
            Err(Error::TimestampTooOld)
        );
        assert_eq!(
            check_window_secs(huge, now, Duration::ZERO),
            Err(Error::TimestampInFuture)
        );
        assert_eq!(
            from_unix_secs(-1),
            UNIX_EPOCH.checked_sub(Duration::from_secs(1))
        );
        assert_eq!(from_unix_secs(0), Some(UNIX_EPOCH));
        assert_eq!(
            signing_secs(UNIX_EPOCH - Duration::from_secs(1)),
            Err(Error::InvalidConfig(
                "signing time is before the UNIX epoch"
            ))
        );
    }

    #[test]
    fn rfc3339_parses_offsets_fractions_and_rejects_garbage() {
        let base = 1_714_564_800_000; // 2024-05-01T12:00:00Z
        assert_eq!(parse_rfc3339_millis("2024-05-01T12:00:00Z"), Some(base));
        assert_eq!(parse_rfc3339_millis("2024-05-01t12:00:00z"), Some(base));
        assert_eq!(
            parse_rfc3339_millis("2024-05-01T14:00:00+02:00"),
            Some(base)
        );
        assert_eq!(
            parse_rfc3339_millis("2024-05-01T11:30:00-00:30"),
            Some(base)
        );
        assert_eq!(
            parse_rfc3339_millis("2024-05-01T12:00:00.123456Z"),
            Some(base + 123)
        );
        assert_eq!(parse_rfc3339_millis("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339_millis("2000-02-29T00:00:00Z"),
            Some(951_782_400_000)
        );
        for bad in [
            "",
            "2024-05-01",
            "2024-05-01T12:00:00",
            "2024-05-01 12:00:00Z",
            "2024-13-01T12:00:00Z",
            "2023-02-29T12:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:00:00.Z",
            "2024-05-01T12:00:00+2:00",
            "2024-05-01T12:00:00+24:00",
            "2024-05-01T12:00:00Zjunk",
            "2024-05-01T12:00:00\u{662}Z",
            "+024-05-01T12:00:00Z",
        ] {
            assert_eq!(parse_rfc3339_millis(bad), None, "{bad}");
        }
    }
}
