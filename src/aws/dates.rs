//! Date-times as IAM's date condition operators take them.
//!
//! `DateLessThan` and `DateGreaterThan` compare the request's `aws:CurrentTime` with an ISO 8601 date-time
//! (IAM User Guide, "IAM JSON policy elements: Condition operators", Date condition operators).
//! bucketbridge accepts the complete form with seconds and an explicit time zone, such as
//! `2010-08-16T12:00:00Z` or seed 001's `2010-08-16T12:00:00.000+0000`, so a window means the same instant
//! wherever it is read.

use std::fmt;

/// What is wrong with a date-time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateTimeProblem {
    /// The text is not `YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm|±hhmm)`.
    NotIso8601,
    /// A field is outside its range (month 13, 31 April, hour 24).
    FieldOutOfRange {
        /// The field's name.
        field: &'static str,
    },
}

impl fmt::Display for DateTimeProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateTimeProblem::NotIso8601 => formatter.write_str("expected an ISO 8601 date-time with seconds and a time zone"),
            DateTimeProblem::FieldOutOfRange { field } => write!(formatter, "the {field} is out of range"),
        }
    }
}

/// Seconds since 1970-01-01T00:00:00Z of an ISO 8601 date-time, time zone applied, so two date-times can be
/// compared whatever zone each was written in.
///
/// # Errors
///
/// [`DateTimeProblem::NotIso8601`] when the text does not have the accepted shape,
/// [`DateTimeProblem::FieldOutOfRange`] when a field has an impossible value.
pub fn parse(text: &str) -> Result<i64, DateTimeProblem> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let slice = bytes.get(range)?;
        slice.iter().all(u8::is_ascii_digit).then(|| slice.iter().fold(0, |number, digit| number * 10 + i64::from(digit - b'0')))
    };
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if !separators.iter().all(|(at, separator)| bytes.get(*at) == Some(separator)) {
        return Err(DateTimeProblem::NotIso8601);
    }
    let fields = (digits(0..4), digits(5..7), digits(8..10), digits(11..13), digits(14..16), digits(17..19));
    let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = fields else {
        return Err(DateTimeProblem::NotIso8601);
    };
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let length = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if length == 0 {
            return Err(DateTimeProblem::NotIso8601);
        }
        rest = &fraction[length..];
    }
    let offset_minutes = match rest.as_bytes() {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), zone @ ..] => {
            let zone = std::str::from_utf8(zone).map_err(|_| DateTimeProblem::NotIso8601)?;
            let (hours, minutes) = match zone.len() {
                5 if zone.as_bytes()[2] == b':' => (&zone[0..2], &zone[3..5]),
                4 => (&zone[0..2], &zone[2..4]),
                _ => return Err(DateTimeProblem::NotIso8601),
            };
            let parse = |part: &str| part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse::<i64>().ok()).flatten();
            let (Some(hours), Some(minutes)) = (parse(hours), parse(minutes)) else {
                return Err(DateTimeProblem::NotIso8601);
            };
            if hours > 23 || minutes > 59 {
                return Err(DateTimeProblem::FieldOutOfRange { field: "time zone offset" });
            }
            let magnitude = hours * 60 + minutes;
            if *sign == b'+' { magnitude } else { -magnitude }
        }
        _ => return Err(DateTimeProblem::NotIso8601),
    };
    if !(1..=12).contains(&month) {
        return Err(DateTimeProblem::FieldOutOfRange { field: "month" });
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(DateTimeProblem::FieldOutOfRange { field: "day" });
    }
    let ranges = [(hour, 23, "hour"), (minute, 59, "minute"), (second, 59, "second")];
    if let Some((_, _, field)) = ranges.iter().find(|(value, max, _)| value > max) {
        return Err(DateTimeProblem::FieldOutOfRange { field });
    }
    Ok(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60)
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Result<i64, DateTimeProblem>) {
        assert_eq!(parse(text), expected, "{text}");
    }

    #[test]
    fn accepted_forms() {
        check("1970-01-01T00:00:00Z", Ok(0));
        check("2010-08-16T12:00:00Z", Ok(1_281_960_000));
        // Seed 001 writes the window with milliseconds and a `+0000` offset.
        check("2010-08-16T12:00:00.000+0000", Ok(1_281_960_000));
        check("2010-08-16T14:00:00+02:00", Ok(1_281_960_000));
        check("2000-02-29T00:00:00Z", Ok(951_782_400));
    }

    #[test]
    fn refused_forms() {
        check("2010-08-16", Err(DateTimeProblem::NotIso8601));
        check("2010-08-16T12:00:00", Err(DateTimeProblem::NotIso8601));
        check("2010-08-16 12:00:00Z", Err(DateTimeProblem::NotIso8601));
        check("2010-08-16T12:00:00.Z", Err(DateTimeProblem::NotIso8601));
        check("16/08/2010T12:00:00Z", Err(DateTimeProblem::NotIso8601));
        check("2010-13-01T00:00:00Z", Err(DateTimeProblem::FieldOutOfRange { field: "month" }));
        check("2010-04-31T00:00:00Z", Err(DateTimeProblem::FieldOutOfRange { field: "day" }));
        check("1900-02-29T00:00:00Z", Err(DateTimeProblem::FieldOutOfRange { field: "day" }));
        check("2010-01-01T24:00:00Z", Err(DateTimeProblem::FieldOutOfRange { field: "hour" }));
        check("2010-01-01T00:00:00+24:00", Err(DateTimeProblem::FieldOutOfRange { field: "time zone offset" }));
    }
}
