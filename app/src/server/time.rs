//! Times as people in the UK read and type them: GMT in winter, BST in summer. Stored
//! times stay UTC; only what is shown and what is typed into a form is UK time.
use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::London;

/// "18:00 on 3 March", in UK time.
pub fn when(at: DateTime<Utc>) -> String {
    at.with_timezone(&London)
        .format("%H:%M on %-d %B")
        .to_string()
}

/// "18:00 on 3 March 2027", in UK time.
pub fn when_dated(at: DateTime<Utc>) -> String {
    at.with_timezone(&London)
        .format("%H:%M on %-d %B %Y")
        .to_string()
}

/// A day as people write it: "3 March 2027".
pub fn day(d: chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

/// "14:05", in UK time.
pub fn clock(at: DateTime<Utc>) -> String {
    at.with_timezone(&London).format("%H:%M").to_string()
}

/// A `datetime-local` form value ("2027-03-03T18:00"), as a UK wall-clock time, to UTC.
/// The hour the clocks skip in March does not exist; in the hour repeated in October the
/// earlier one is meant.
pub fn from_uk(local: &str) -> Result<DateTime<Utc>, &'static str> {
    let naive = NaiveDateTime::parse_from_str(local.trim(), "%Y-%m-%dT%H:%M")
        .map_err(|_| "Give the date and time.")?;
    match London.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, _) => Ok(earlier.with_timezone(&Utc)),
        LocalResult::None => {
            Err("That time does not exist in the UK: the clocks go forward then. Choose another.")
        }
    }
}

/// A UTC time as a `datetime-local` value in UK time, to fill a form with.
pub fn to_uk_input(at: DateTime<Utc>) -> String {
    at.with_timezone(&London)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn winter_is_gmt_and_summer_is_bst() {
        assert_eq!(when(utc("2027-01-15T18:00:00Z")), "18:00 on 15 January");
        assert_eq!(when(utc("2027-07-15T17:00:00Z")), "18:00 on 15 July");
        assert_eq!(from_uk("2027-07-15T18:00"), Ok(utc("2027-07-15T17:00:00Z")));
        assert_eq!(from_uk("2027-01-15T18:00"), Ok(utc("2027-01-15T18:00:00Z")));
        assert_eq!(to_uk_input(utc("2027-07-15T17:00:00Z")), "2027-07-15T18:00");
    }

    #[test]
    fn the_clock_changes_are_handled_and_nonsense_is_refused() {
        // 28 March 2027, 01:30 does not happen in the UK; 31 October 2027, 01:30 happens twice.
        assert!(from_uk("2027-03-28T01:30").is_err());
        assert_eq!(from_uk("2027-10-31T01:30"), Ok(utc("2027-10-31T00:30:00Z")));
        assert!(from_uk("tomorrow").is_err());
        assert!(from_uk("").is_err());
    }
}
