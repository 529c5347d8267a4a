//! A space's page: purpose, roles, members and their balance, partners, recent activity.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceLink {
    pub slug: String,
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleHolder {
    pub role_id: i64,
    pub person_id: i64,
    pub name: String,
    pub role: String,
    pub ends_on: Option<String>,
    /// Set when the term ends within 60 days: the convener's "term ends in N days".
    pub days_left: Option<i64>,
    /// Whether the viewer may end this term (and renew it, for a convener).
    pub can_change: bool,
    pub renewable: bool,
}

/// A group's joining, for the viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPanel {
    /// `open` or `by_request`.
    pub joining: String,
    /// The viewer's place: `active`, `requested`, or `None`.
    pub viewer_status: Option<String>,
    /// Whether the viewer is an active member of the community (and so may join).
    pub viewer_may_join: bool,
    /// (person id, name) of requests to join, for those who may admit them.
    pub requests: Option<Vec<(i64, String)>>,
}

/// The appointment form, for those who may appoint here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointPanel {
    pub role: String,
    /// (person id, name) of the active members who can be appointed.
    pub candidates: Vec<(i64, String)>,
    pub default_starts_on: String,
    pub default_ends_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerLink {
    pub name: String,
    pub kind: String,
    pub relationship: String,
    pub website: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    pub at: String,
    pub summary: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpacePage {
    pub space: SpaceLink,
    /// Archived by the project team: its history stays readable, and it is out of the navigation.
    pub archived: bool,
    pub purpose: String,
    pub parent: Option<SpaceLink>,
    pub children: Vec<SpaceLink>,
    pub roles: Vec<RoleHolder>,
    pub partners: Vec<PartnerLink>,
    pub members: u64,
    /// (perspective label, members holding it), in the vocabulary's order.
    pub balance: Vec<(String, u64)>,
    /// Governance activity: shown to those who may read this space's audit log.
    pub activity: Option<Vec<ActivityItem>>,
    /// The applications to join waiting for a decision: shown to those who may decide
    /// them here (a region's convener and stewards, the project team).
    pub applications: Option<Vec<crate::model::membership::PendingApplication>>,
    pub appoint: Option<AppointPanel>,
    pub group: Option<GroupPanel>,
    /// A group's members by name (groups are small; a region links to the directory instead).
    pub member_list: Option<Vec<(i64, String)>>,
    /// Whether the viewer may form a group here (an active member, on a region or national page).
    pub may_form_group: bool,
    /// Its next meetings: shown to the community's members (and the project team).
    pub meetings: Option<Vec<crate::model::meetings::MeetingLine>>,
}
