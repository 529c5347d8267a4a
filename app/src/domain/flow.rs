//! National ↔ regional flow: where a region's answer to a cascade stands, and how long
//! answers took. Pure.
use chrono::{DateTime, NaiveDate, Utc};

/// Where a region's answer to a cascade stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answering {
    Answered,
    Waiting,
    Overdue,
}

impl Answering {
    pub fn of(answered: bool, due_on: NaiveDate, today: NaiveDate) -> Answering {
        if answered {
            Answering::Answered
        } else if today > due_on {
            Answering::Overdue
        } else {
            Answering::Waiting
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Answering::Answered => "Answered",
            Answering::Waiting => "Waiting",
            Answering::Overdue => "Overdue",
        }
    }
}

/// The median of whole days between asking and answering, of what was answered.
pub fn median_days(pairs: &[(DateTime<Utc>, DateTime<Utc>)]) -> Option<f64> {
    let mut days: Vec<f64> = pairs
        .iter()
        .map(|(asked, answered)| (*answered - *asked).num_seconds().max(0) as f64 / 86_400.0)
        .collect();
    if days.is_empty() {
        return None;
    }
    days.sort_by(|a, b| a.total_cmp(b));
    let n = days.len();
    Some(if n % 2 == 1 {
        days[n / 2]
    } else {
        (days[n / 2 - 1] + days[n / 2]) / 2.0
    })
}

/// "0.5 days", "3 days".
pub fn days_label(d: f64) -> String {
    if (d - d.round()).abs() < 0.05 {
        let n = d.round() as i64;
        if n == 1 {
            "1 day".into()
        } else {
            format!("{n} days")
        }
    } else {
        format!("{d:.1} days")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn an_answer_is_overdue_only_after_its_day() {
        let due = day("2027-01-31");
        assert_eq!(Answering::of(false, due, due), Answering::Waiting);
        assert_eq!(
            Answering::of(false, due, day("2027-02-01")),
            Answering::Overdue
        );
        assert_eq!(
            Answering::of(true, due, day("2027-03-01")),
            Answering::Answered
        );
    }

    #[test]
    fn the_median_time_to_answer_is_in_days() {
        assert_eq!(median_days(&[]), None);
        let asked = at("2027-01-01T10:00:00Z");
        assert_eq!(
            median_days(&[(asked, at("2027-01-04T10:00:00Z"))]),
            Some(3.0)
        );
        assert_eq!(
            median_days(&[
                (asked, at("2027-01-02T10:00:00Z")),
                (asked, at("2027-01-11T10:00:00Z")),
                (asked, at("2027-01-03T10:00:00Z")),
                (asked, at("2027-01-06T10:00:00Z")),
            ]),
            Some(3.5)
        );
        assert_eq!(days_label(3.0), "3 days");
        assert_eq!(days_label(1.0), "1 day");
        assert_eq!(days_label(3.5), "3.5 days");
    }
}
