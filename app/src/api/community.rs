//! The community's structure as the home page shows it.
use crate::error::AppError;
use crate::model::community::*;
use leptos::prelude::*;

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
