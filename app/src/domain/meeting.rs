//! Stewardship meetings: whether a meeting stands, who came, and the agenda's order as
//! those who run the meeting move items up and down. Pure.
use serde::{Deserialize, Serialize};

vocabulary! {
    /// Whether a meeting stands.
    MeetingStatus {
        Scheduled => "scheduled", "Scheduled";
        Cancelled => "cancelled", "Cancelled";
    }
}

vocabulary! {
    /// How someone is recorded for a meeting.
    Presence {
        Present => "present", "Present";
        Apologies => "apologies", "Apologies";
    }
}

pub const MEETING_TITLE_MAX: usize = 120;
pub const ITEM_TITLE_MAX: usize = 200;
pub const PLACE_MAX: usize = 200;
pub const LINK_MAX: usize = 500;
pub const MINUTES_MAX: usize = 10_000;
/// The shortest and longest meeting, in minutes.
pub const LENGTH_RANGE: std::ops::RangeInclusive<i32> = 15..=480;

/// Which way an item moves on the agenda.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
}

impl Move {
    pub fn from_code(code: &str) -> Option<Move> {
        match code {
            "up" => Some(Move::Up),
            "down" => Some(Move::Down),
            _ => None,
        }
    }
}

/// The agenda's order after moving `item` one place: `order` lists the item ids from the
/// first. Moving the first up or the last down, or an item not on the agenda, changes
/// nothing.
pub fn moved(order: &[i64], item: i64, way: Move) -> Vec<i64> {
    let mut order = order.to_vec();
    if let Some(at) = order.iter().position(|&i| i == item) {
        match way {
            Move::Up if at > 0 => order.swap(at, at - 1),
            Move::Down if at + 1 < order.len() => order.swap(at, at + 1),
            _ => {}
        }
    }
    order
}

/// A link people may follow from the agenda or to a call: http(s) only, never a
/// `javascript:` or `data:` address.
pub fn is_web_link(s: &str) -> bool {
    let lower = s.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && lower.len() > "https://".len()
        && !s.trim().chars().any(char::is_whitespace)
}

/// "1 hour 30 minutes".
pub fn length_label(minutes: i32) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    let hours = match h {
        0 => String::new(),
        1 => "1 hour".to_owned(),
        h => format!("{h} hours"),
    };
    let mins = match m {
        0 => String::new(),
        1 => "1 minute".to_owned(),
        m => format!("{m} minutes"),
    };
    match (hours.is_empty(), mins.is_empty()) {
        (false, false) => format!("{hours} {mins}"),
        (true, _) => mins,
        (false, true) => hours,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_moves_one_place_and_never_off_the_agenda() {
        let order = [10, 20, 30];
        assert_eq!(moved(&order, 20, Move::Up), vec![20, 10, 30]);
        assert_eq!(moved(&order, 20, Move::Down), vec![10, 30, 20]);
        assert_eq!(moved(&order, 10, Move::Up), vec![10, 20, 30]);
        assert_eq!(moved(&order, 30, Move::Down), vec![10, 20, 30]);
        assert_eq!(moved(&order, 99, Move::Up), vec![10, 20, 30]);
        assert_eq!(moved(&[], 1, Move::Down), Vec::<i64>::new());
        assert_eq!(Move::from_code("sideways"), None);
    }

    #[test]
    fn only_web_links_are_followed() {
        assert!(is_web_link("https://meet.example.org/q-west"));
        assert!(is_web_link("http://papers.example.org/a.pdf"));
        assert!(!is_web_link("javascript:alert(1)"));
        assert!(!is_web_link("data:text/html,hi"));
        assert!(!is_web_link("https://"));
        assert!(!is_web_link("https://a b"));
        assert!(!is_web_link("meet.example.org"));
    }

    #[test]
    fn lengths_read_as_people_say_them() {
        assert_eq!(length_label(90), "1 hour 30 minutes");
        assert_eq!(length_label(60), "1 hour");
        assert_eq!(length_label(120), "2 hours");
        assert_eq!(length_label(45), "45 minutes");
        assert_eq!(Presence::from_code("apologies"), Some(Presence::Apologies));
        assert_eq!(MeetingStatus::Scheduled.code(), "scheduled");
    }
}
