//! Partial dates written for a reader: as precise as the source, in the reader's locale.

use crate::domain::evidence::DateBasis;
use crate::domain::{DatePrecision, PartialDate};

use crate::locale::Locale;

/// One side of a date as precise as written: "27 February 2026", "February 2026", "2025".
fn side(text: &str, locale: &Locale) -> Option<String> {
    let date = PartialDate::parse(text).ok()?;
    let first = date.first_day()?;
    Some(match date.precision() {
        DatePrecision::Day => locale.day(first),
        DatePrecision::Month => locale.month(first),
        _ => date.year().to_string(),
    })
}

/// The start side of a date as written (`2012` of `2012`, `2026-01` of `2026-01/2026-02-27`).
pub fn start(date: &PartialDate) -> &str {
    date.value().split('/').next().unwrap_or(date.value())
}

/// The end side of a date as written (`2026-02-27` of `2026-01/2026-02-27`).
pub fn end(date: &PartialDate) -> &str {
    date.value().rsplit('/').next().unwrap_or(date.value())
}

/// One side of a date in words, as precise as written ("2012", "27 February 2026").
pub fn side_in_words(side: &str, locale: &Locale) -> String {
    self::side(side, locale).unwrap_or_else(|| side.to_owned())
}

/// A date with its precision in words: "27 February 2026", "October 2025", "2025",
/// "21 February 2026 – 27 February 2026", "by 2016" (open start), "since 2022" (open end).
pub fn period(date: &PartialDate, locale: &Locale) -> String {
    let write = |text: &str| side(text, locale).unwrap_or_else(|| text.to_owned());
    match date.value().split_once('/') {
        None => write(date.value()),
        Some(("..", end)) => format!("by {}", write(end)),
        Some((start, "..")) => format!("since {}", write(start)),
        Some((start, end)) => format!("{} – {}", write(start), write(end)),
    }
}

/// A record's date in words ([`period`]), saying so when Durand estimated a bound the source
/// does not give: "January 2026 – 27 February 2026 (date estimated by Durand)".
pub fn of_record(date: &PartialDate, basis: Option<DateBasis>, locale: &Locale) -> String {
    match basis {
        Some(DateBasis::Estimated) => {
            format!("{} (date estimated by Durand)", period(date, locale))
        }
        _ => period(date, locale),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(value: &str) -> String {
        period(&PartialDate::parse(value).unwrap(), &Locale::default())
    }

    #[test]
    fn a_date_is_written_as_precisely_as_it_is_known() {
        assert_eq!(written("2026-02-27"), "27 February 2026");
        assert_eq!(written("2025-10"), "October 2025");
        assert_eq!(written("2025"), "2025");
        assert_eq!(written("../2026-02-27"), "by 27 February 2026");
        assert_eq!(written("2022/.."), "since 2022");
        assert_eq!(
            written("2026-01/2026-02-27"),
            "January 2026 – 27 February 2026"
        );
    }
}
