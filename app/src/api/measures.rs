//! A space's own improvement measures: read by members, kept by those who may hold a
//! workshop in the space (the services decide).
use crate::error::AppError;
use crate::model::measures::*;
use leptos::prelude::*;

#[server(endpoint = "space_measures")]
pub async fn get_space_measures(slug: String) -> Result<SpaceMeasures, AppError> {
    use crate::server::{auth, services::measures};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            measures::space_measures(&state.db, viewer.id, &slug).await
        }
        .await,
    )
}

#[server(endpoint = "measure")]
pub async fn get_measure(id: i64) -> Result<MeasurePage, AppError> {
    use crate::server::{auth, services::measures};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            measures::page(&state.db, viewer.id, id).await
        }
        .await,
    )
}

#[server(endpoint = "define_measure")]
pub async fn define_measure(
    space: String,
    name: String,
    unit: String,
    better: String,
    target: String,
    grain: String,
    chart: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::measures};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let form = measures::MeasureForm {
                name,
                unit,
                better,
                target,
                grain,
                chart,
            };
            let m = measures::define(&state.db, actor.id, &space, &form).await?;
            leptos_axum::redirect(&format!("/measures/{}", m.id));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "measure_points")]
pub async fn add_measure_points(id: i64, points: String) -> Result<(), AppError> {
    use crate::server::{auth, services::measures};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            measures::add_points(&state.db, actor.id, id, &points).await?;
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "measure_note")]
pub async fn note_measure(
    id: i64,
    on: String,
    text: String,
    rebase: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{auth, services::measures};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            measures::annotate(
                &state.db,
                actor.id,
                id,
                &on,
                &text,
                crate::api::checked(rebase),
            )
            .await
        }
        .await,
    )
}
