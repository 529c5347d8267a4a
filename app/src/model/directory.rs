//! The member directory and profiles as the browser receives them.
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: u64 = 20;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryQuery {
    pub q: String,
    pub region: String,
    pub perspective: String,
    pub role: String,
    pub page: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCard {
    pub person_id: i64,
    pub name: String,
    pub region: Option<String>,
    pub perspectives: Vec<String>,
    pub organisation: Option<String>,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryPage {
    pub members: Vec<MemberCard>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    /// (slug, name) of every region, for the filter.
    pub regions: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleLine {
    pub role: String,
    pub space: String,
    pub space_slug: String,
    pub from: String,
    pub until: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub person_id: i64,
    pub name: String,
    pub status: String,
    pub region: Option<(String, String)>,
    pub perspectives: Vec<String>,
    pub clinician_discipline: Option<String>,
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub bio: String,
    pub interests: String,
    pub joined_on: Option<String>,
    pub roles_now: Vec<RoleLine>,
    /// (slug, name) of the groups the member is in.
    pub groups: Vec<(String, String)>,
    pub roles_before: Vec<RoleLine>,
    pub is_self: bool,
    /// For the edit form: what the member has chosen to show.
    pub show_email: bool,
    pub show_organisation: bool,
    /// Your own history of membership and role changes (only on your own profile).
    pub history: Vec<crate::model::spaces::ActivityItem>,
    /// Regions to move to (only on your own profile, while active).
    pub regions: Vec<(String, String)>,
    pub active: bool,
    /// Whether the viewer may suspend or reinstate this member.
    pub can_change_status: bool,
}
