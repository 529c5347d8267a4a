//! The rule book as pages show it: each rule with how it stands, its history and the
//! decisions that made it; the words an adaptation changed; the rule change a proposal
//! carries.
use serde::{Deserialize, Serialize};

/// A run of words in a comparison of two texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiffPart {
    Same(String),
    Added(String),
    Removed(String),
}

/// One version of a rule, as its history lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleVersionLine {
    pub number: i32,
    pub title: String,
    /// "12 March 2026".
    pub at: String,
    /// The decision that made it: (proposal id, title); `None` for the founding text.
    pub decision: Option<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleLine {
    /// The rule shown (the space's own, or the national one it inherits).
    pub id: i64,
    pub title: String,
    /// The text rendered from Markdown and sanitised on the server.
    pub body_html: String,
    /// "national", "inherited", "adapted" or "local".
    pub standing: String,
    pub standing_label: String,
    pub version: i32,
    /// Newest first.
    pub history: Vec<RuleVersionLine>,
    /// For an adaptation: the national text it changed, word by word.
    pub diff: Vec<DiffPart>,
    /// The value of the proposal form's rule choice that changes this rule here.
    pub change: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleBookPage {
    pub space_name: String,
    pub space_slug: String,
    /// A region's book: the national rules it inherits or adapts, then its own.
    pub region: bool,
    /// Whether the viewer may propose a change here.
    pub may_propose: bool,
    pub rules: Vec<RuleLine>,
}

/// What the form to start a proposal offers for a space: where it goes, and the changes
/// to the rule book it may carry, with the text to start from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalStart {
    pub space_slug: String,
    pub space_name: String,
    /// (value, label): "" (nothing), "add", "amend:ID", "adapt:ID".
    pub rule_choices: Vec<(String, String)>,
    /// The choice the page was opened with, and its rule's current title and text.
    pub rule: String,
    pub rule_title: String,
    pub rule_text: String,
    /// The workshop theme or action it starts from (`theme:ID`, `action:ID`, or "").
    pub from: String,
    /// That workshop's title, when it starts from one.
    pub workshop_title: Option<String>,
    /// The draft's title and text to start from (from the workshop, or empty).
    pub title: String,
    pub body: String,
}

/// The rule change a proposal carries, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleChangeLine {
    /// "Adapt a national rule for this region: Conveners' terms".
    pub what: String,
    pub title: String,
    pub body_html: String,
    /// The words it changes in the text it replaces (empty for a new rule).
    pub diff: Vec<DiffPart>,
    /// Once passed: the rule it made or changed.
    pub applied: bool,
}
