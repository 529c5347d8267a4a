//! Partner organisations as the partners page shows them.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerView {
    pub name: String,
    pub kind: String,
    pub website: Option<String>,
    pub id: i64,
    /// How it works with each space.
    pub spaces: Vec<Tie>,
    /// Shown to members only.
    pub contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnersPage {
    pub partners: Vec<PartnerView>,
    /// (slug, name) of the regions the viewer may record partners for.
    pub may_add_to: Vec<(String, String)>,
}

/// How a partner organisation works with a space, and how that relationship is kept up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tie {
    pub space_id: i64,
    pub slug: String,
    pub name: String,
    /// A [`crate::domain::structure::PartnerRelationship`] code.
    pub relationship: String,
    /// "Funder", "Host"…
    pub relationship_label: String,
    /// The rest is for members only: "1 April 2026 to 31 March 2027".
    pub agreement: Option<String>,
    pub agreement_url: Option<String>,
    pub last_contact: Option<String>,
    pub next_step: Option<String>,
    /// Whether the viewer may keep this relationship up (the region's convener).
    pub may_edit: bool,
    /// The form's values as stored: (agreement from, to, link, last contact, next step).
    pub form: (String, String, String, String, String),
}
