//! A space's page: purpose, who holds which role now, members and their balance of
//! perspectives, partner organisations, and recent activity.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceLink {
    pub slug: String,
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleHolder {
    pub person_id: i64,
    pub name: String,
    pub role: String,
    pub ends_on: Option<String>,
    /// Set when the term ends within 60 days: the convener's "term ends in N days".
    pub days_left: Option<i64>,
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
    /// Whether the viewer may decide applications to join here.
    pub can_decide: bool,
}

#[server(endpoint = "space_page")]
pub async fn get_space_page(slug: String) -> Result<SpacePage, AppError> {
    use crate::server::{auth, services::spaces};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::current_person(&state).await?;
            spaces::page(&state.db, &slug, viewer.map(|p| p.id)).await
        }
        .await,
    )
}
