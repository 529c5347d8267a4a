//! The community's structure as the home page shows it.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityOverview {
    pub name: String,
    pub national: Option<SpaceSummary>,
    pub regions: Vec<RegionSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceSummary {
    pub slug: String,
    pub name: String,
    pub purpose: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionSummary {
    pub space: SpaceSummary,
    /// Conveners whose term covers today, with the date it ends.
    pub conveners: Vec<ConvenerSummary>,
    pub host_partners: Vec<String>,
    pub stewardship_group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvenerSummary {
    pub name: String,
    pub term_ends_on: Option<chrono::NaiveDate>,
}

#[server(endpoint = "community_overview")]
pub async fn get_community_overview() -> Result<CommunityOverview, AppError> {
    use crate::server::{auth, services::community};
    auth::respond(
        async {
            let state = auth::state()?;
            community::overview(&state.db, &state.config.community_name).await
        }
        .await,
    )
}
