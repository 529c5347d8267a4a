//! A space's dashboard.
use crate::error::AppError;
use crate::model::dashboard::DashboardPage;
use leptos::prelude::*;

/// The dashboard of space `slug` over `period` ("3m", "12m", "24m" or "all").
#[server(endpoint = "get_dashboard")]
pub async fn get_dashboard(slug: String, period: String) -> Result<DashboardPage, AppError> {
    use crate::server::{auth, services::dashboard};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            dashboard::page(&state.db, &viewer, &slug, &period).await
        }
        .await,
    )
}
