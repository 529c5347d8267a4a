//! The arithmetic of a dashboard, kept pure: the months a period covers, counts per month
//! with the empty months filled, shares, and the gap between who belongs and who takes part.
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

vocabulary! {
    /// How far back a dashboard looks.
    Period {
        Months3 => "3m", "Last 3 months";
        Months12 => "12m", "Last 12 months";
        Months24 => "24m", "Last 2 years";
        All => "all", "All time";
    }
}

impl Period {
    /// The first day of the first month shown, up to `today`; `All` starts at `earliest`.
    pub fn start(self, today: NaiveDate, earliest: NaiveDate) -> NaiveDate {
        let back = match self {
            Period::Months3 => 2,
            Period::Months12 => 11,
            Period::Months24 => 23,
            Period::All => {
                return first_of_month(earliest.min(today));
            }
        };
        let months = today.year() * 12 + today.month0() as i32 - back;
        NaiveDate::from_ymd_opt(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1)
            .unwrap_or(today)
    }
}

pub fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// Every month from `from` to `to` inclusive, as "YYYY-MM".
pub fn months(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let (mut y, mut m) = (from.year(), from.month());
    let mut out = vec![];
    while (y, m) <= (to.year(), to.month()) {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// A value for each of `months` from (month, count) pairs; months with none are 0.
pub fn fill(months: &[String], counts: &[(String, i64)]) -> Vec<f64> {
    months
        .iter()
        .map(|m| {
            counts
                .iter()
                .filter(|(c, _)| c == m)
                .map(|(_, n)| *n as f64)
                // From +0: an empty float sum is −0, which would print as "-0".
                .fold(0.0, |a, b| a + b)
        })
        .collect()
}

/// `part` of `whole` in whole per cent, rounded (0 when there is no whole).
pub fn share(part: u32, whole: u32) -> u32 {
    if whole == 0 {
        0
    } else {
        ((part as f64) * 100.0 / whole as f64).round() as u32
    }
}

/// The perspective whose share among those who took part is furthest from its share among
/// members, in words — the point of the comparison is who is missing from the room.
/// `rows` are (perspective, members' share, took part share).
pub fn gap_headline(rows: &[(String, u32, u32)]) -> String {
    if rows.iter().all(|(_, _, t)| *t == 0) && rows.iter().any(|(_, m, _)| *m > 0) {
        return "Nobody has taken part in a workshop here in this period yet.".into();
    }
    match rows
        .iter()
        .filter(|(_, m, t)| *m > 0 || *t > 0)
        .max_by_key(|(_, m, t)| m.abs_diff(*t))
    {
        None => "Nobody with a perspective has joined or taken part yet.".into(),
        Some((p, m, t)) => {
            format!("{p} were {m} % of members and {t} % of workshop participants in this period.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn periods_start_on_the_first_of_a_month_and_cross_years() {
        let today = day(2026, 11, 28);
        assert_eq!(Period::Months3.start(today, today), day(2026, 9, 1));
        assert_eq!(Period::Months12.start(today, today), day(2025, 12, 1));
        assert_eq!(Period::Months24.start(today, today), day(2024, 12, 1));
        assert_eq!(Period::All.start(today, day(2018, 3, 14)), day(2018, 3, 1));
        assert_eq!(
            Period::Months3.start(day(2027, 1, 5), today),
            day(2026, 11, 1)
        );
    }

    #[test]
    fn months_are_filled_with_zero_where_nothing_happened() {
        let m = months(day(2025, 11, 1), day(2026, 2, 10));
        assert_eq!(m, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        let counts = [("2025-12".to_owned(), 3), ("2026-02".to_owned(), 1)];
        assert_eq!(fill(&m, &counts), [0.0, 3.0, 0.0, 1.0]);
        assert!(
            fill(&m, &[]).iter().all(|v| v.is_sign_positive()),
            "never -0"
        );
    }

    #[test]
    fn shares_and_the_widest_gap() {
        assert_eq!(share(1, 3), 33);
        assert_eq!(share(2, 3), 67);
        assert_eq!(share(5, 0), 0);
        let rows = vec![
            ("Patients".to_owned(), 31, 18),
            ("Clinicians".to_owned(), 30, 35),
            ("Carers".to_owned(), 0, 0),
        ];
        assert_eq!(
            gap_headline(&rows),
            "Patients were 31 % of members and 18 % of workshop participants in this period."
        );
        assert_eq!(
            gap_headline(&[("Patients".to_owned(), 40, 0)]),
            "Nobody has taken part in a workshop here in this period yet."
        );
        assert_eq!(
            gap_headline(&[]),
            "Nobody with a perspective has joined or taken part yet."
        );
    }
}
