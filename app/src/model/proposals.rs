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
    pub outcome: Option<String>,
    pub review_on: Option<String>,
    /// Voting has closed and the viewer may write (or correct) the outcome.
    pub may_write_outcome: bool,
    /// The change to the rule book it carries, if any.
    pub rule_change: Option<crate::model::rules::RuleChangeLine>,
    /// What kind of decision it is, as the charter sorts them ("Spending: £2,500").
    pub kind: String,
    /// "Raised in West of England. The charter reserves …", when decided nationally.
    pub raised_in: Option<String>,
    /// The region's decision this national one overrides.
    pub overrides: Option<ProposalTie>,
    /// The national decision that overrode this one.
    pub overridden_by: Option<ProposalTie>,
    /// The discussion: comments oldest first, each with its replies.
    pub comments: Vec<CommentLine>,
    /// Whether the viewer may comment now (why not, otherwise).
    pub may_comment: Result<(), String>,
    /// A ranked, score or approval vote's options, in order.
    pub options: Vec<String>,
    /// The viewer's marks on them: (option, place from 1) ranked, (option, 0–5) scored,
    /// (option, 1) approved.
    pub my_marks: Vec<(usize, u8)>,
    /// Under the advice process: who was asked, the advice and its answers.
    pub advice: Option<AdvicePanel>,
    /// A closing time to offer the author (a week on, on the hour), as a form value in UK time.
    pub suggested_close: String,
    /// The change to the charter it carries, in words ("Spending: a region alone, up to £5,000").
    pub charter_change: Option<String>,
    /// The workshop it came from: (id, title), its report at `/workshops/{id}/report`.
    pub workshop: Option<(i64, String)>,
}

/// Someone the author asked for advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdviserLine {
    pub person_id: i64,
    pub name: String,
    /// Whether they have given advice.
    pub gave: bool,
}

/// A piece of advice and the author's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdviceLine {
    pub id: i64,
    pub by: String,
    /// Rendered from Markdown and sanitised on the server.
    pub body_html: String,
    pub at: String,
    pub answer: Option<String>,
    pub mine: bool,
}

/// An advice-process proposal's advice, with what the viewer may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvicePanel {
    /// "2 of the 3 people asked gave advice."
    pub headline: String,
    pub advisers: Vec<AdviserLine>,
    pub pieces: Vec<AdviceLine>,
    /// Whether the viewer may give advice now (why not, otherwise; empty for the author).
    pub may_give: Result<(), String>,
    /// The author may ask someone (before the advice opens, or while it is open).
    pub may_ask: bool,
    /// The author may take someone off the list (before the advice opens).
    pub may_remove: bool,
    /// The author may answer the advice (until they decide).
    pub may_answer: bool,
    /// For the author while the advice is open: whether they may end it now.
    pub may_end_early: Option<Result<(), String>>,
    /// Whether the author may decide (every piece answered), why not otherwise.
    pub may_decide: Result<(), String>,
}

/// A proposal's tally as a live screen shows it: sent on `/live/proposals/{id}` each time
/// the ballots change. Counts only: no name, no ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveTally {
    pub lines: Vec<String>,
    /// Voting has closed: the screen says so and links to the result.
    pub closed: bool,
}

/// A comment in a proposal's discussion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentLine {
    pub id: i64,
    pub author: String,
    /// Rendered from Markdown and sanitised on the server.
    pub body_html: String,
    /// The text as written, for its author to edit (empty for anyone else).
    pub body: String,
    /// "18:00 on 3 March".
    pub at: String,
    pub edited: bool,
    pub mine: bool,
    pub replies: Vec<CommentLine>,
}

/// Another decision a proposal is tied to (one it overrides, or that overrode it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalTie {
    pub id: i64,
    pub title: String,
    pub space: String,
    /// Its outcome, which gives the reason.
    pub outcome: Option<String>,
}

/// One clause of the charter, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharterLine {
    pub kind: String,
    pub level: String,
    /// The decision that last changed it: (id, title).
    pub changed_by: Option<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharterPage {
    pub clauses: Vec<CharterLine>,
}

/// What the decision register is asked for: every field may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegisterQuery {
    /// Words in the title, text or outcome.
    pub q: String,
    /// A space's slug.
    pub space: String,
    pub method: String,
    pub result: String,
    /// Closed on or after, YYYY-MM-DD.
    pub from: String,
    /// Closed on or before, YYYY-MM-DD.
    pub to: String,
}

/// One closed decision in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterLine {
    pub id: i64,
    pub title: String,
    pub space: String,
    pub space_slug: String,
    pub method: String,
    pub opened: String,
    pub closed: String,
    /// The day it closed, YYYY-MM-DD.
    pub closed_on: String,
    pub eligible: i32,
    pub took_part: i32,
    pub result: String,
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterPage {
    pub query: RegisterQuery,
    pub lines: Vec<RegisterLine>,
    /// More matched than the page shows (the CSV has them all).
    pub more: bool,
    /// (slug, name) of every space, for the filter.
    pub spaces: Vec<(String, String)>,
    /// The address of these decisions as CSV, with the same filters.
    pub csv: String,
}
