//! What crosses the wire about stewardship meetings.
use serde::{Deserialize, Serialize};

/// A meeting as a line in a list: on the space page and the space's meetings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingLine {
    pub id: i64,
    pub title: String,
    /// "18:00 on 3 March 2027", UK time.
    pub when: String,
    pub cancelled: bool,
}

/// A space's meetings, coming and past, and whether the viewer may schedule one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceMeetings {
    pub space_slug: String,
    pub space_name: String,
    pub upcoming: Vec<MeetingLine>,
    pub past: Vec<MeetingLine>,
    pub may_schedule: bool,
}

/// An action an agenda item produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemAction {
    pub title: String,
    pub owner: String,
    pub due_on: String,
    pub status: String,
}

/// An item on the agenda, with its paper, minutes, decision and actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub id: i64,
    pub number: usize,
    pub title: String,
    pub added_by: String,
    pub paper_url: Option<String>,
    pub minutes: Option<String>,
    /// The decision it concerns: (id, title).
    pub proposal: Option<(i64, String)>,
    pub actions: Vec<ItemAction>,
}

/// Someone recorded for the meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub name: String,
    /// A [`crate::domain::meeting::Presence`] label.
    pub presence: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingPage {
    pub id: i64,
    pub space_slug: String,
    pub space_name: String,
    pub title: String,
    pub when: String,
    pub length: String,
    pub place: String,
    pub call_link: Option<String>,
    pub cancelled: bool,
    /// Whether it has begun: minutes and attendance are kept from then on.
    pub started: bool,
    pub items: Vec<AgendaItem>,
    pub attendance: Vec<Attendee>,
    pub may_run: bool,
    pub may_add_item: bool,
    /// Whom the meeting may record or give an action to: (person id, name).
    pub people: Vec<(i64, String)>,
    /// The space's decisions an item may concern: (proposal id, title).
    pub proposals: Vec<(String, String)>,
}

/// The viewer's secret calendar address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarLink {
    pub url: String,
}
