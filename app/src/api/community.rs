//! The community's structure as the home page shows it.
use crate::error::AppError;
use crate::model::community::*;
use leptos::prelude::*;

#[server(endpoint = "community_overview")]
pub async fn get_community_overview() -> Result<CommunityOverview, AppError> {
    use crate::server::{
        auth,
        services::{community, settings},
    };
    auth::respond(
        async {
            let state = auth::state()?;
            let today = chrono::Utc::now().date_naive();
            let overview = state
                .live
                .structure()
                .overview(today, async || {
                    let settings = settings::read(&state.db, &state.config).await?;
                    community::overview(&state.db, &settings.name).await
                })
                .await?;
            Ok(CommunityOverview::clone(&overview))
        }
        .await,
    )
}
