//! The few date conversions the APIs need: their timestamps to Unix time and
//! to RFC 3339 in UTC, and `--since DATE`.

use crate::calendar::{civil_from_days, days_from_civil};

/// Unix seconds of `2024-05-01`, `2024-05-01T10:00:00Z`,
/// `2024-05-01T10:00:00+02:00` or Instagram's `2024-05-01T10:00:00+0000`.
pub fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, rest) = text.split_at_checked(10)?;
    let mut parts = date.split('-');
    let (year, month, day) =
        (number(parts.next()?)?, number(parts.next()?)?, number(parts.next()?)?);
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    if rest.is_empty() {
        return Some(days * 86_400);
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (clock, zone) = rest.split_at_checked(8)?;
    let mut parts = clock.split(':');
    let (hour, minute, second) =
        (number(parts.next()?)?, number(parts.next()?)?, number(parts.next()?)?);
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // Fractions of a second are dropped.
    let zone = zone
        .strip_prefix('.')
        .map_or(zone, |fraction| fraction.trim_start_matches(|c: char| c.is_ascii_digit()));
    let offset = match zone {
        "Z" | "z" => 0,
        _ => {
            let sign = match zone.chars().next()? {
                '+' => 1,
                '-' => -1,
                _ => return None,
            };
            let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 {
                return None;
            }
            sign * (number(&digits[..2])? * 3600 + number(&digits[2..])? * 60)
        }
    };
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Unix seconds of an HTTP date (`Retry-After`): `Wed, 21 Oct 2015 07:28:00 GMT`.
pub fn parse_http_date(text: &str) -> Option<i64> {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let mut parts = text.split_whitespace().skip(1);
    let day = number(parts.next()?)?;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|name| *name == month_name)? as i64 + 1;
    let year = number(parts.next()?)?;
    let clock = parts.next()?;
    if parts.next() != Some("GMT") {
        return None;
    }
    parse(&format!("{year:04}-{month:02}-{day:02}T{clock}Z"))
}

/// RFC 3339 in UTC: `2024-05-01T08:00:00Z`.
pub fn rfc3339(unix: i64) -> String {
    let (days, seconds) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

fn number(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_apis_timestamps_become_utc() {
        assert_eq!(parse("1970-01-01"), Some(0));
        assert_eq!(parse("2024-03-01T00:00:00Z"), Some(1_709_251_200));
        assert_eq!(rfc3339(1_709_251_200), "2024-03-01T00:00:00Z");
        assert_eq!(parse("2017-08-31T18:10:00+0000").map(rfc3339).unwrap(), "2017-08-31T18:10:00Z");
        assert_eq!(
            parse("2024-05-01T10:00:00+02:00").map(rfc3339).unwrap(),
            "2024-05-01T08:00:00Z"
        );
        assert_eq!(parse("2024-05-01T10:00:00.123Z").map(rfc3339).unwrap(), "2024-05-01T10:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(
            parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").map(rfc3339).unwrap(),
            "2015-10-21T07:28:00Z"
        );
        assert_eq!(parse_http_date("Wed, 21 Foo 2015 07:28:00 GMT"), None);
        for bad in ["", "yesterday", "2024-13-01", "2024-05-01T25:00:00Z", "2024-05-01T10:00:00"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
