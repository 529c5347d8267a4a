//! The arithmetic of a dashboard, kept pure: the months or weeks a period covers, counts
//! per month or week with the empty ones filled, levels at the end of each (what was
//! waiting, what was open), medians from counted values, shares, and the gap between who
//! belongs and who takes part.
use chrono::{Datelike, Days, NaiveDate};
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

vocabulary! {
    /// How finely a dashboard counts: a value a month, or a value a week.
    Grain {
        Month => "month", "A value a month";
        Week => "week", "A value a week";
    }
}

impl Grain {
    /// The key of the month ("2026-01") or week (its Monday, "2026-01-05") `d` falls in.
    pub fn key(self, d: NaiveDate) -> String {
        match self {
            Grain::Month => format!("{:04}-{:02}", d.year(), d.month()),
            Grain::Week => monday(d).format("%Y-%m-%d").to_string(),
        }
    }

    /// Every month or week from the one `from` falls in to the one `to` falls in, as keys.
    pub fn buckets(self, from: NaiveDate, to: NaiveDate) -> Vec<String> {
        match self {
            Grain::Month => months(from, to),
            Grain::Week => {
                let mut d = monday(from);
                let mut out = vec![];
                while d <= to {
                    out.push(self.key(d));
                    d = d + Days::new(7);
                }
                out
            }
        }
    }

    /// The last day of the month or week `key` names (None for a key it did not make).
    pub fn last_day(self, key: &str) -> Option<NaiveDate> {
        match self {
            Grain::Month => {
                let first = NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d").ok()?;
                first.checked_add_months(chrono::Months::new(1))?.pred_opt()
            }
            Grain::Week => NaiveDate::parse_from_str(key, "%Y-%m-%d")
                .ok()?
                .checked_add_days(Days::new(6)),
        }
    }

    /// A key as people read it: "January 2026", or "week of 5 January 2026".
    pub fn bucket_label(self, key: &str) -> String {
        match self {
            Grain::Month => NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d")
                .map(|d| d.format("%B %Y").to_string())
                .unwrap_or_default(),
            Grain::Week => NaiveDate::parse_from_str(key, "%Y-%m-%d")
                .map(|d| d.format("week of %-d %B %Y").to_string())
                .unwrap_or_default(),
        }
    }
}

/// The Monday of the week `d` falls in.
pub fn monday(d: NaiveDate) -> NaiveDate {
    d - Days::new(u64::from(d.weekday().num_days_from_monday()))
}

/// The level at the end of each bucket of something that comes and goes (applications
/// waiting, actions open): `before` at the start, plus what came and less what went in
/// each bucket so far. `came` and `went` are (bucket, count) pairs.
pub fn levels(
    buckets: &[String],
    before: i64,
    came: &[(String, i64)],
    went: &[(String, i64)],
) -> Vec<f64> {
    let (came, went) = (fill(buckets, came), fill(buckets, went));
    let mut level = before as f64;
    came.iter()
        .zip(&went)
        .map(|(c, w)| {
            level += c - w;
            level.max(0.0)
        })
        .collect()
}

/// The median of values given as (value, how many times) pairs; None when there are none.
/// With an even count it is the mean of the middle two.
pub fn median_of_counts(counted: &[(i64, i64)]) -> Option<f64> {
    let mut sorted: Vec<(i64, i64)> = counted.iter().copied().filter(|(_, n)| *n > 0).collect();
    sorted.sort_unstable();
    let total: i64 = sorted.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    // The values at (0-based) positions (total − 1) / 2 and total / 2.
    let at = |position: i64| {
        let mut seen = 0;
        sorted
            .iter()
            .find(|(_, n)| {
                seen += n;
                seen > position
            })
            .map(|(v, _)| *v as f64)
    };
    Some((at((total - 1) / 2)? + at(total / 2)?) / 2.0)
}

/// For each bucket that has any, the median of its (bucket, value, count) rows: the
/// buckets without data are left out (a run chart skips a month with nothing to measure
/// rather than plot a zero that never happened).
pub fn medians(buckets: &[String], rows: &[(String, i64, i64)]) -> Vec<(String, f64)> {
    buckets
        .iter()
        .filter_map(|b| {
            let counted: Vec<(i64, i64)> = rows
                .iter()
                .filter(|(k, _, _)| k == b)
                .map(|(_, v, n)| (*v, *n))
                .collect();
            median_of_counts(&counted).map(|m| (b.clone(), m))
        })
        .collect()
}

/// One action as the dashboard sees it over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionSpan {
    pub created: NaiveDate,
    pub due: NaiveDate,
    /// When it was done or dropped, if it was.
    pub ended: Option<NaiveDate>,
}

/// Actions open, and of them overdue, at the end of each day in `ends` (the last day of
/// each bucket). An action due on a day is overdue from the next; a bucket that ends after
/// `today` is counted as of today. The dashboard counts these in SQL; this is the
/// definition its counts are tested against, action by action.
pub fn action_levels(
    ends: &[NaiveDate],
    today: NaiveDate,
    actions: &[ActionSpan],
) -> (Vec<f64>, Vec<f64>) {
    ends.iter()
        .map(|&end| {
            let at = end.min(today);
            let open = actions
                .iter()
                .filter(|a| a.created <= at && a.ended.is_none_or(|e| e > at));
            let (mut n, mut late) = (0.0, 0.0);
            for a in open {
                n += 1.0;
                if a.due < at {
                    late += 1.0;
                }
            }
            (n, late)
        })
        .unzip()
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
    fn weeks_start_on_monday_and_cover_the_period() {
        // 28 November 2026 is a Saturday; its week began on Monday 23 November.
        assert_eq!(monday(day(2026, 11, 28)), day(2026, 11, 23));
        assert_eq!(monday(day(2026, 11, 23)), day(2026, 11, 23));
        assert_eq!(Grain::Week.key(day(2026, 1, 1)), "2025-12-29");
        let weeks = Grain::Week.buckets(day(2026, 11, 1), day(2026, 11, 28));
        assert_eq!(
            weeks,
            [
                "2026-10-26",
                "2026-11-02",
                "2026-11-09",
                "2026-11-16",
                "2026-11-23"
            ]
        );
        assert_eq!(Grain::Week.last_day("2026-11-23"), Some(day(2026, 11, 29)));
        assert_eq!(Grain::Month.last_day("2026-02"), Some(day(2026, 2, 28)));
        assert_eq!(Grain::Month.last_day("2024-02"), Some(day(2024, 2, 29)));
        assert_eq!(Grain::Month.last_day("2026-12"), Some(day(2026, 12, 31)));
        assert_eq!(Grain::Month.last_day("nonsense"), None);
        assert_eq!(
            Grain::Month.buckets(day(2026, 10, 5), day(2026, 11, 2)),
            ["2026-10", "2026-11"]
        );
        assert_eq!(
            Grain::Week.bucket_label("2026-01-05"),
            "week of 5 January 2026"
        );
        assert_eq!(Grain::Month.bucket_label("2026-01"), "January 2026");
    }

    #[test]
    fn levels_carry_over_and_never_go_below_zero() {
        let b = ["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let came = [("a".to_owned(), 3), ("c".to_owned(), 1)];
        let went = [("b".to_owned(), 2), ("c".to_owned(), 4)];
        assert_eq!(levels(&b, 2, &came, &went), [5.0, 3.0, 0.0]);
        assert_eq!(levels(&b, 0, &[], &[]), [0.0, 0.0, 0.0]);
    }

    #[test]
    fn actions_open_and_overdue_at_the_end_of_each_bucket() {
        let a = |c: (u32, u32), due: (u32, u32), ended: Option<(u32, u32)>| ActionSpan {
            created: day(2026, c.0, c.1),
            due: day(2026, due.0, due.1),
            ended: ended.map(|e| day(2026, e.0, e.1)),
        };
        let actions = [
            // Open all along, due in February: overdue from March.
            a((1, 10), (2, 28), None),
            // Done in February, before it was due.
            a((1, 20), (3, 31), Some((2, 15))),
            // Created in March, due on 31 March: not overdue at the end of March.
            a((3, 2), (3, 31), None),
        ];
        let ends = [
            day(2026, 1, 31),
            day(2026, 2, 28),
            day(2026, 3, 31),
            day(2026, 4, 30),
        ];
        // Today is 10 April: April is counted as of today; the March one is overdue by then.
        let (open, overdue) = action_levels(&ends, day(2026, 4, 10), &actions);
        assert_eq!(open, [2.0, 1.0, 2.0, 2.0]);
        assert_eq!(overdue, [0.0, 0.0, 1.0, 2.0]);
        assert_eq!(
            action_levels(&ends, day(2026, 4, 10), &[]),
            (vec![0.0; 4], vec![0.0; 4])
        );
    }

    #[test]
    fn medians_from_counts() {
        assert_eq!(median_of_counts(&[]), None);
        assert_eq!(median_of_counts(&[(4, 0)]), None);
        assert_eq!(median_of_counts(&[(7, 1)]), Some(7.0));
        // 1, 2, 2, 9: the middle two are 2 and 2.
        assert_eq!(median_of_counts(&[(9, 1), (2, 2), (1, 1)]), Some(2.0));
        // 1, 3: even count, the mean of the middle two.
        assert_eq!(median_of_counts(&[(3, 1), (1, 1)]), Some(2.0));
        // 5, 5, 5, 20, 30: odd count.
        assert_eq!(median_of_counts(&[(30, 1), (5, 3), (20, 1)]), Some(5.0));
        let b = ["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let rows = [
            ("a".to_owned(), 10, 1),
            ("a".to_owned(), 2, 2),
            ("c".to_owned(), 4, 1),
        ];
        assert_eq!(
            medians(&b, &rows),
            [("a".to_owned(), 2.0), ("c".to_owned(), 4.0)]
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
