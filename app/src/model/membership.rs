//! Applying to join and deciding applications: the pages' data.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionChoice {
    pub slug: String,
    pub name: String,
}

/// What the "apply to join" page needs: the regions, and where the applicant stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyPage {
    pub regions: Vec<RegionChoice>,
    pub signed_in: bool,
    /// `applicant` with a pending application, `active`, … or `None` if never applied.
    pub status: Option<String>,
    pub pending_region: Option<String>,
    /// The last decision, if the last application was declined: the reason given.
    pub declined_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingApplication {
    pub id: i64,
    pub person_name: String,
    pub perspectives: Vec<String>,
    pub organisation: Option<String>,
    pub reason: String,
    pub applied_on: String,
}
