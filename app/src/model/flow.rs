//! What crosses the wire about cascades and escalations between the national commons and
//! its regions.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CascadeLine {
    pub id: i64,
    pub title: String,
    pub due_on: String,
    pub asked: usize,
    pub answered: usize,
    /// On a region's page: where its own answer stands ("Answered", "Waiting", "Overdue").
    pub state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationLine {
    pub id: i64,
    pub title: String,
    pub region: String,
    pub raised_on: String,
    /// "Open" or "Answered in 3 days".
    pub state: String,
}

/// The flow between the national commons and its regions: everything nationally, or what
/// concerns one region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowPage {
    /// The region, when the page is a region's: (slug, name).
    pub region: Option<(String, String)>,
    pub cascades: Vec<CascadeLine>,
    pub escalations: Vec<EscalationLine>,
    /// "Regions answered in a median of 3 days" and the like.
    pub cascade_time: Option<String>,
    pub escalation_time: Option<String>,
    pub may_ask: bool,
    pub may_raise: bool,
    /// The regions a cascade may ask: (id, name).
    pub regions: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionAnswer {
    pub slug: String,
    pub name: String,
    pub state: String,
    pub answer: Option<String>,
    /// Where the answer came from: (label, link).
    pub from: Option<(String, String)>,
    pub answered: Option<String>,
}

/// A region whose answer the viewer may give, with where it may come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerFor {
    pub slug: String,
    pub name: String,
    /// ("meeting:ID" or "proposal:ID", label).
    pub sources: Vec<(String, String)>,
    pub answer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CascadePage {
    pub id: i64,
    pub title: String,
    pub question: String,
    pub due_on: String,
    pub asked_by: String,
    pub regions: Vec<RegionAnswer>,
    pub answer_for: Vec<AnswerFor>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationPage {
    pub id: i64,
    pub title: String,
    pub matter: String,
    pub region: (String, String),
    pub raised_by: String,
    pub raised_on: String,
    pub answer: Option<String>,
    pub answered: Option<String>,
    pub may_answer: bool,
}
