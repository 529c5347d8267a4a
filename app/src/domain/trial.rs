//! Trials: a change being tried, learned from in PDSA cycles (plan, do, study, act), and
//! ended by adopting, adapting or abandoning it. Pure.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// Where a trial stands.
    TrialStatus {
        Running => "running", "Running";
        Adopted => "adopted", "Adopted";
        Adapted => "adapted", "Adapted";
        Abandoned => "abandoned", "Abandoned";
    }
}

impl TrialStatus {
    /// How a trial may end.
    pub const ENDINGS: &'static [TrialStatus] = &[
        TrialStatus::Adopted,
        TrialStatus::Adapted,
        TrialStatus::Abandoned,
    ];

    pub fn is_running(self) -> bool {
        self == TrialStatus::Running
    }
}

pub const TRIAL_TITLE_MAX: usize = 120;
pub const TRIAL_TEXT_MAX: usize = 4_000;

/// A running trial whose review date has come.
pub fn review_due(status: TrialStatus, review_on: NaiveDate, today: NaiveDate) -> bool {
    status.is_running() && review_on <= today
}

/// How a cycle is named on a measure's chart: "PDSA 2 of “Evening sessions”: Try a
/// second evening a month".
pub fn cycle_note(number: i32, trial: &str, plan: &str) -> String {
    let plan: String = plan.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = plan.chars().take(80).collect();
    let ellipsis = if plan.chars().count() > 80 { "…" } else { "" };
    format!("PDSA {number} of “{trial}”: {short}{ellipsis}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_review_is_due_on_its_day_while_the_trial_runs() {
        let on = day("2027-03-01");
        assert!(!review_due(TrialStatus::Running, on, day("2027-02-28")));
        assert!(review_due(TrialStatus::Running, on, on));
        assert!(!review_due(TrialStatus::Adopted, on, day("2027-04-01")));
        assert!(TrialStatus::ENDINGS.iter().all(|s| !s.is_running()));
    }

    #[test]
    fn a_cycle_is_named_shortly_on_the_chart() {
        assert_eq!(
            cycle_note(2, "Evening sessions", "Try  a second\nevening a month"),
            "PDSA 2 of “Evening sessions”: Try a second evening a month"
        );
        let long = "x".repeat(100);
        assert!(cycle_note(1, "T", &long).ends_with('…'));
    }
}
