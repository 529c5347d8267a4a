//! Actions: what members take on, often from a workshop's theme or note — an owner, a due
//! date and a status whose every change is recorded. Pure rules for status changes and
//! for being overdue.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Longest action title, in characters.
pub const ACTION_TITLE_MAX: usize = 300;

vocabulary! {
    ActionStatus {
        Open => "open", "Open";
        InProgress => "in_progress", "In progress";
        Done => "done", "Done";
        Dropped => "dropped", "Dropped";
    }
}

impl ActionStatus {
    /// Done and dropped actions are closed: they are never overdue.
    pub fn is_closed(self) -> bool {
        matches!(self, ActionStatus::Done | ActionStatus::Dropped)
    }
}

/// An open action is overdue once its due date has passed.
pub fn is_overdue(status: ActionStatus, due_on: NaiveDate, today: NaiveDate) -> bool {
    !status.is_closed() && due_on < today
}

/// One change of an action's status: who made it and when (UTC, RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionEvent {
    pub status: ActionStatus,
    pub by: String,
    pub at: String,
}

/// An action as listed: in its owner's list, a space's list and a workshop's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionView {
    pub id: i64,
    pub title: String,
    pub owner_id: i64,
    pub owner: String,
    pub due_on: NaiveDate,
    pub status: ActionStatus,
    pub overdue: bool,
    /// The workshop it came from: (id, title).
    pub workshop: Option<(i64, String)>,
    /// The theme or note it came from, in words.
    pub source: Option<String>,
    /// The space it belongs to: (name, slug).
    pub space: Option<(String, String)>,
    /// Status changes, oldest first.
    pub history: Vec<ActionEvent>,
    /// Whether the viewer may change its status.
    pub may_update: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_actions_past_their_date_are_overdue_and_closed_ones_never() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2026-11-26");
        assert!(is_overdue(ActionStatus::Open, d("2026-11-25"), today));
        assert!(is_overdue(ActionStatus::InProgress, d("2026-01-01"), today));
        assert!(!is_overdue(ActionStatus::Open, today, today));
        assert!(!is_overdue(ActionStatus::Done, d("2026-11-25"), today));
        assert!(!is_overdue(ActionStatus::Dropped, d("2020-01-01"), today));
    }
}
