//! A space's dashboard.
use crate::error::AppError;
use crate::model::dashboard::DashboardPage;
use leptos::prelude::*;

/// The dashboard of space `slug` over `period` ("3m", "12m", "24m" or "all"), a value each
/// `grain` ("month" or "week").
#[server(endpoint = "get_dashboard")]
pub async fn get_dashboard(
    slug: String,
    period: String,
    grain: String,
) -> Result<DashboardPage, AppError> {
    use crate::server::{auth, services::dashboard};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            dashboard::page(
                &state.db,
                state.live.counts(),
                &viewer,
                &slug,
                &period,
                &grain,
            )
            .await
        }
        .await,
    )
}

/// Every region's dashboard side by side, and the national group's own.
#[server(endpoint = "get_national_dashboard")]
pub async fn get_national_dashboard(
    period: String,
    grain: String,
) -> Result<crate::model::dashboard::NationalDashboard, AppError> {
    use crate::server::{auth, services::dashboard};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            dashboard::national(&state.db, state.live.counts(), &viewer, &period, &grain).await
        }
        .await,
    )
}
