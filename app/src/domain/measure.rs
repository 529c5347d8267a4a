//! A space's own improvement measure: its grain (monthly or weekly), which chart reads it,
//! and reading pasted data ("2026-03, 42" a line) with each bad line named. Pure.
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

vocabulary! {
    /// How often a measure has a value.
    Grain {
        Month => "month", "Monthly";
        Week => "week", "Weekly";
    }
}

vocabulary! {
    /// How a measure is read.
    ChartKind {
        Run => "run", "Run chart (median and the Anhøj rules)";
        Xmr => "xmr", "SPC chart (XmR, Making Data Count)";
    }
}

vocabulary! {
    /// Which way is better.
    Better {
        Up => "up", "Higher is better";
        Down => "down", "Lower is better";
        Neither => "neither", "Neither: watch for change";
    }
}

impl Better {
    pub fn direction(self) -> crate::domain::chart::Direction {
        use crate::domain::chart::Direction;
        match self {
            Better::Up => Direction::Up,
            Better::Down => Direction::Down,
            Better::Neither => Direction::Neither,
        }
    }
}

/// The most points one paste may hold.
pub const MAX_PASTE: usize = 1_000;

impl Grain {
    /// The period a date falls in: the month's first day, or the week's Monday.
    pub fn period_of(self, day: NaiveDate) -> NaiveDate {
        match self {
            Grain::Month => day.with_day(1).unwrap_or(day),
            Grain::Week => {
                day - chrono::Duration::days(i64::from(day.weekday().num_days_from_monday()))
            }
        }
    }

    /// How the period is written: "2026-03", or the week's Monday "2026-03-02".
    pub fn period_label(self, period: NaiveDate) -> String {
        match self {
            Grain::Month => period.format("%Y-%m").to_string(),
            Grain::Week => period.format("%Y-%m-%d").to_string(),
        }
    }
}

/// A date as people type it: "2026-03-14", or for a monthly measure "2026-03".
pub fn parse_day(raw: &str, grain: Grain) -> Option<NaiveDate> {
    let raw = raw.trim();
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .or_else(|| {
            (grain == Grain::Month)
                .then(|| NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d").ok())
                .flatten()
        })
        .map(|d| grain.period_of(d))
}

/// Read pasted points: one `period, value` a line (comma, semicolon or tab between; a first
/// line of headings is skipped). Returns the points in time order, or every bad line with why.
pub fn parse_points(text: &str, grain: Grain) -> Result<Vec<(NaiveDate, f64)>, Vec<String>> {
    let mut points: Vec<(NaiveDate, f64, usize)> = Vec::new();
    let mut problems = Vec::new();
    let example = match grain {
        Grain::Month => "2026-03",
        Grain::Week => "2026-03-02",
    };
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut parts = line.splitn(2, [',', ';', '\t']);
        let (when, value) = (
            parts.next().unwrap_or(""),
            parts.next().unwrap_or("").trim(),
        );
        let day = parse_day(when, grain);
        let number = value
            .replace(',', "")
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite());
        if n == 1 && day.is_none() && number.is_none() {
            continue; // headings
        }
        match (day, number) {
            (Some(day), Some(v)) => match points.iter().find(|p| p.0 == day) {
                Some(first) => problems.push(format!(
                    "Line {n}: {} is given already, on line {}.",
                    grain.period_label(day),
                    first.2
                )),
                None => points.push((day, v, n)),
            },
            (None, _) => problems.push(format!(
                "Line {n}: \u{201c}{}\u{201d} is not a date; write it like {example}.",
                when.trim()
            )),
            (_, None) => problems.push(format!(
                "Line {n}: \u{201c}{value}\u{201d} is not a number."
            )),
        }
    }
    if points.len() > MAX_PASTE {
        problems.push(format!("At most {MAX_PASTE} points at once."));
    }
    if points.is_empty() && problems.is_empty() {
        problems.push(format!(
            "Paste one point a line, like \u{201c}{example}, 42\u{201d}."
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    points.sort_by_key(|p| p.0);
    Ok(points.into_iter().map(|(d, v, _)| (d, v)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn points_are_read_in_any_order_with_headings_skipped() {
        let got = parse_points(
            "month,calls\n2026-02, 12\n2026-01;10\n2026-03-17\t1,200\n",
            Grain::Month,
        )
        .unwrap();
        assert_eq!(
            got,
            [
                (day("2026-01-01"), 10.0),
                (day("2026-02-01"), 12.0),
                (day("2026-03-01"), 1200.0)
            ]
        );
    }

    #[test]
    fn every_bad_line_is_named() {
        let e = parse_points(
            "2026-01,10\nJanuary,4\n2026-02,lots\n2026-01-20,3\n",
            Grain::Month,
        )
        .unwrap_err();
        assert_eq!(e.len(), 3);
        assert!(e[0].starts_with("Line 2:") && e[0].contains("not a date"));
        assert!(e[1].starts_with("Line 3:") && e[1].contains("not a number"));
        assert!(e[2].starts_with("Line 4:") && e[2].contains("line 1"));
        assert!(parse_points("  \n", Grain::Month).is_err());
    }

    #[test]
    fn a_week_is_its_monday() {
        assert_eq!(Grain::Week.period_of(day("2026-11-29")), day("2026-11-23"));
        assert_eq!(
            parse_day("2026-11", Grain::Week),
            None,
            "a weekly measure needs the day"
        );
        assert_eq!(Grain::Month.period_label(day("2026-03-01")), "2026-03");
    }
}
