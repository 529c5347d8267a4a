//! The community's structure as the home page shows it.
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
