//! What a workshop leaves behind, as the browser receives it: the report page, a
//! space's workshop archive and its actions.
use crate::domain::action::ActionView;
use crate::domain::workshop::board::Turnout;
use crate::domain::workshop::report::Report;
use serde::{Deserialize, Serialize};

/// A workshop in its space's archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveEntry {
    pub id: i64,
    pub title: String,
    pub held_on: chrono::NaiveDate,
    pub finished: bool,
    pub turnout: Turnout,
    pub themes: Vec<String>,
    pub open_actions: u32,
    pub overdue_actions: u32,
}

/// A workshop's report page: the report, and for its facilitator what creating an action
/// needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportPage {
    pub report: Report,
    /// Whether this reader may download the raw records (facilitator, stewards, convener).
    pub records: bool,
    /// (person id, name) of members who may own an action; set for the facilitator only.
    pub owners: Option<Vec<(i64, String)>>,
    /// (kind and id like `theme:4` or `note:9`, words) an action may come from.
    pub sources: Vec<(String, String)>,
    /// The space (slug) where the reader may propose what a theme or action suggests.
    pub propose_in: Option<String>,
}

/// A space's workshops and actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceWorkshops {
    pub name: String,
    pub slug: String,
    pub workshops: Vec<ArchiveEntry>,
    pub actions: Vec<ActionView>,
}
