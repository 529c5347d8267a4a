//! What crosses the wire about trials and their PDSA cycles, and the learning library.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialLine {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub review_on: String,
    pub review_due: bool,
    pub cycles: usize,
}

/// A space's trials, and what its start form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceTrials {
    pub space_slug: String,
    pub space_name: String,
    pub trials: Vec<TrialLine>,
    pub may_start: bool,
    /// The space's measures a trial may be read by: (id, name).
    pub measures: Vec<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleView {
    pub number: i32,
    pub started_on: String,
    pub plan: String,
    pub done_what: String,
    pub study: String,
    pub act: String,
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialPage {
    pub id: i64,
    pub space_slug: String,
    pub space_name: String,
    pub title: String,
    pub aim: String,
    pub change: String,
    pub review_on: String,
    pub review_due: bool,
    pub running: bool,
    pub status: String,
    pub learned: Option<String>,
    pub started_by: String,
    /// The measures that tell whether the change is an improvement: (id, name).
    pub measures: Vec<(i64, String)>,
    pub cycles: Vec<CycleView>,
    pub may_record: bool,
    pub may_conclude: bool,
    /// (code, label) of the ways a trial ends.
    pub endings: Vec<(String, String)>,
}

/// One thing found in the learning library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryEntry {
    /// "Trial", "Workshop report" or "Decision".
    pub kind: String,
    pub title: String,
    pub href: String,
    pub space_name: String,
    /// "3 March 2027".
    pub on: String,
    pub summary: String,
}

/// The learning library: what was asked, the choices its form offers, and what was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryPage {
    pub q: String,
    pub space: String,
    pub kind: String,
    /// (slug, name) of every space.
    pub spaces: Vec<(String, String)>,
    /// (code, label) of the kinds of entry.
    pub kinds: Vec<(String, String)>,
    pub entries: Vec<LibraryEntry>,
}
