//! Live workshops as the browser receives them: lists, the join and participant page,
//! the facilitator's page, the new-workshop form and its templates.
use crate::domain::membership::Perspective;
use crate::domain::workshop::ActivityKind;
use crate::domain::workshop::board::Board;
use serde::{Deserialize, Serialize};

/// Where the "run a workshop" form may place it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWorkshopPage {
    /// (slug, name) of regions and groups.
    pub spaces: Vec<(String, String)>,
    pub today: String,
    pub may_create: bool,
    pub templates: Vec<TemplateChoice>,
}

/// A workshop in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkshopLink {
    pub id: i64,
    pub title: String,
    pub held_on: String,
    pub join_code: String,
    pub facilitating: bool,
}

/// The participant's page: the board once joined, else what the join form needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantPage {
    pub workshop_id: i64,
    pub title: String,
    pub purpose: String,
    pub join_code: String,
    /// The signed-in person's name, if any: they join as themselves.
    pub signed_in_as: Option<String>,
    /// Their own perspectives, first offered.
    pub my_perspectives: Vec<String>,
    pub board: Option<Board>,
    pub facilitating: bool,
    /// The workshop has finished: it takes no one new.
    pub finished: bool,
}

/// The facilitator's page: the board, the join address and its QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacilitatorPage {
    pub board: Board,
    pub purpose: String,
    pub join_url: String,
    pub qr_svg: String,
}

/// A guest as the facilitator sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestLine {
    pub id: i64,
    pub name: String,
    pub perspective: Option<Perspective>,
    /// When they joined (hours and minutes, UTC).
    pub joined_at: String,
    pub removed: bool,
}

/// A template as offered when starting a workshop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateChoice {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// The kinds of activity in order: the shape of the agenda.
    pub steps: Vec<ActivityKind>,
    /// Shipped with the platform, not saved by a member.
    pub shipped: bool,
}
