//! What crosses the wire about funding rounds: the forms as typed, and the pages.
use serde::{Deserialize, Serialize};

/// A new round, as typed by a steward (amounts in pounds, times in UK local time).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundForm {
    pub title: String,
    pub purpose: String,
    /// The funding pot's id.
    pub asset: String,
    pub budget: String,
    pub max_per_project: String,
    /// `domain::funding::VotingStyle` code.
    pub voting_style: String,
    /// For approval voting: the fewest and most projects a ballot chooses.
    pub choices_min: String,
    pub choices_max: String,
    /// `domain::funding::ResultRule` code.
    pub result_rule: String,
    pub shortlist_places: String,
    /// One criterion a line.
    pub criteria: String,
    pub ideas_at: String,
    pub refinement_at: String,
    pub shortlisting_at: String,
    pub voting_at: String,
    pub voting_closes_at: String,
}

/// An idea or a proposal's new version, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdeaForm {
    pub title: String,
    pub summary: String,
    /// In pounds.
    pub amount: String,
    /// Who is in the team, as the author writes it.
    pub team: String,
}

/// A round in its space's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundLine {
    pub id: i64,
    pub title: String,
    pub phase: String,
    pub budget: String,
}

/// A space's rounds, and what a steward needs to open one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceRounds {
    pub space_slug: String,
    pub space_name: String,
    pub may_steward: bool,
    pub rounds: Vec<RoundLine>,
    /// The space's funding pots: (id, "name · £ left").
    pub pots: Vec<(i64, String)>,
}

/// One phase of a round on its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseLine {
    pub code: String,
    pub name: String,
    pub begins: String,
    pub current: bool,
    /// "Closed early at 18:00 on 3 March: …" when a steward did.
    pub closed_early: Option<String>,
}

/// An idea or proposal in a round's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdeaLine {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub amount: String,
    pub amount_pence: u64,
    pub author: String,
    pub is_proposal: bool,
    pub version: i32,
    pub supporters: u32,
    pub co_authors: Vec<String>,
    pub comments: u32,
    pub shortlisted: bool,
    /// The panel's mean score ("3.75 from 8 scores") once shortlisting is done.
    pub score: Option<String>,
    pub votes: Option<u32>,
    /// Why it was or was not funded, once counted.
    pub outcome: Option<String>,
    pub funded: bool,
}

/// How many votes came from each perspective (a member with several counts under each).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerspectiveVotes {
    pub perspective: String,
    pub electors: u32,
    pub voted: u32,
}

/// A round's page, shaped by its phase and by who is looking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundPage {
    pub id: i64,
    pub title: String,
    pub purpose: String,
    pub space_slug: String,
    pub space_name: String,
    pub asset_id: i64,
    pub asset_name: String,
    pub budget: String,
    pub budget_pence: u64,
    pub max_per_project: String,
    /// `domain::funding::VotingStyle` code.
    pub style_code: String,
    /// "Choose exactly 6 projects", "Choose projects whose costs fit £450,000".
    pub choosing: String,
    pub result_rule: String,
    pub criteria: Vec<String>,
    pub shortlist_places: i32,
    pub phases: Vec<PhaseLine>,
    /// The current phase's code (`None` before ideas open).
    pub phase: Option<String>,
    pub phase_label: String,
    pub may_steward: bool,
    /// Whether the viewer is among the members the round is for.
    pub may_take_part: bool,
    pub is_panelist: bool,
    pub panel: Vec<String>,
    /// Whether the viewer may vote (fixed when voting opened).
    pub is_elector: bool,
    pub eligible_count: Option<i32>,
    pub ballots_cast: u32,
    /// The viewer's ballot, if cast: the chosen ids, and when.
    pub my_ballot: Option<(Vec<i64>, String)>,
    pub ideas: Vec<IdeaLine>,
    /// Once counted: (spent, left) as people read them.
    pub spent: Option<(String, String)>,
    pub by_perspective: Vec<PerspectiveVotes>,
    pub confirmed: bool,
    /// When the results were confirmed and delivery began.
    pub delivery_from: Option<String>,
}

/// A version of a proposal, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionView {
    pub version: i32,
    pub title: String,
    pub summary: String,
    pub amount: String,
    pub team: String,
    pub written: String,
}

/// A comment, or a delivery update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostView {
    pub author: String,
    pub at: String,
    pub body: String,
    /// Whether one of the idea's authors wrote it (their answers stand out).
    pub by_author: bool,
}

/// A panel member's scores for a proposal, shown once shortlisting is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreView {
    pub panelist: String,
    /// One score a criterion, in the criteria's order.
    pub scores: Vec<i32>,
    pub comment: String,
}

/// An idea's own page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdeaPage {
    pub line: IdeaLine,
    pub round_id: i64,
    pub round_title: String,
    pub phase: Option<String>,
    pub team: String,
    pub criteria: Vec<String>,
    pub is_author: bool,
    pub may_take_part: bool,
    pub supports: bool,
    pub co_author: bool,
    /// The viewer may turn this idea into their one proposal of the round.
    pub may_propose: bool,
    pub may_revise: bool,
    /// The viewer is on the panel and may score it now (not conflicted, not an author).
    pub may_score: bool,
    pub my_conflict: Option<String>,
    pub conflicts: u32,
    pub may_post_update: bool,
    pub versions: Vec<VersionView>,
    pub comments: Vec<PostView>,
    pub scores: Vec<ScoreView>,
    pub updates: Vec<PostView>,
}
