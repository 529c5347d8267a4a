//! Partner organisations as the partners page shows them.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerView {
    pub name: String,
    pub kind: String,
    pub website: Option<String>,
    /// (space slug, space name, relationship)
    pub spaces: Vec<(String, String, String)>,
    /// Shown to members only.
    pub contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnersPage {
    pub partners: Vec<PartnerView>,
    /// (slug, name) of the regions the viewer may record partners for.
    pub may_add_to: Vec<(String, String)>,
}
