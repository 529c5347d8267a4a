//! Proposals as pages show them: a space's list, and one proposal with what this viewer
//! may do with it.
use serde::{Deserialize, Serialize};

/// A proposal in a list (a space's proposals, the decision register).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalLine {
    pub id: i64,
    pub title: String,
    pub stage: String,
    pub method: String,
    /// "Closes 18:00 on 3 March", "Closed 18:00 on 3 March" or empty.
    pub when: String,
    /// The verdict's label once closed.
    pub result: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceProposals {
    pub space_name: String,
    pub space_slug: String,
    /// Whether the viewer may start a proposal here (why not, otherwise).
    pub may_propose: Result<(), String>,
    pub proposals: Vec<ProposalLine>,
}

/// An objection under consent, as the viewer may read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionLine {
    pub id: i64,
    /// The objector's name, unless the vote is anonymous.
    pub by: Option<String>,
    pub reason: String,
    pub answer: Option<String>,
    /// "Raised", "Answered", "Kept" or "Withdrawn".
    pub state: String,
    pub mine: bool,
    pub standing: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalPage {
    pub id: i64,
    pub space_name: String,
    pub space_slug: String,
    pub title: String,
    /// The body rendered from Markdown and sanitised on the server.
    pub body_html: String,
    pub author: String,
    pub stage: String,
    pub stage_label: String,
    pub method: String,
    pub method_label: String,
    pub versions: usize,
    pub opened: Option<String>,
    pub closes: Option<String>,
    pub eligible: Option<i32>,
    pub took_part: Option<i32>,
    pub result: Option<String>,
    /// The tally in words, when the viewer may see it (closed, or results live).
    pub tally: Vec<String>,
    pub is_author: bool,
    /// Voting is open and the viewer may vote; otherwise why not (`None` before voting).
    pub may_vote: Option<Result<(), String>>,
    /// The viewer's ballot as a code ("for", "consent", …), if they voted.
    pub my_choice: Option<String>,
    /// A fresh key for the vote form: the same form sent twice counts once.
    pub vote_key: String,
    pub objections: Vec<ObjectionLine>,
}
