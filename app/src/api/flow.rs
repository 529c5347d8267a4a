//! Cascades and escalations between the national commons and its regions: thin doors to
//! the services, which decide who may ask, answer and raise from the spaces concerned.
use crate::error::AppError;
use crate::model::flow::*;
use leptos::prelude::*;

/// The flow nationally (`region` empty) or for one region (its slug).
#[server(endpoint = "flow")]
pub async fn get_flow(region: String) -> Result<FlowPage, AppError> {
    use crate::server::{auth, services::flow};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            let region = Some(region.trim()).filter(|r| !r.is_empty());
            flow::page(&state.db, viewer.id, region).await
        }
        .await,
    )
}

#[server(endpoint = "cascade")]
pub async fn get_cascade(id: i64) -> Result<CascadePage, AppError> {
    use crate::server::{auth, services::flow};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            flow::cascade_page(&state.db, viewer.id, id).await
        }
        .await,
    )
}

#[server(endpoint = "ask_regions")]
pub async fn ask_regions(
    title: String,
    question: String,
    due_on: String,
    regions: Option<Vec<String>>,
) -> Result<(), AppError> {
    use crate::server::{auth, services::flow};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let form = flow::CascadeForm {
                title,
                question,
                due_on,
                regions: regions.unwrap_or_default(),
            };
            let base = state.config.public_url.trim_end_matches('/');
            let id = flow::ask(&state.db, &state.mailer, base, actor.id, &form).await?;
            leptos_axum::redirect(&format!("/cascades/{id}"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "answer_cascade")]
pub async fn answer_cascade(
    cascade: i64,
    region: String,
    answer: String,
    from: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::flow};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let base = state.config.public_url.trim_end_matches('/');
            flow::answer(
                &state.db,
                &state.mailer,
                base,
                actor.id,
                cascade,
                &region,
                &answer,
                &from,
            )
            .await
        }
        .await,
    )
}

#[server(endpoint = "escalation")]
pub async fn get_escalation(id: i64) -> Result<EscalationPage, AppError> {
    use crate::server::{auth, services::flow};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            flow::escalation_page(&state.db, viewer.id, id).await
        }
        .await,
    )
}

#[server(endpoint = "escalate")]
pub async fn escalate(region: String, title: String, matter: String) -> Result<(), AppError> {
    use crate::server::{auth, services::flow};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let base = state.config.public_url.trim_end_matches('/');
            let id = flow::raise(
                &state.db,
                &state.mailer,
                base,
                actor.id,
                &region,
                &title,
                &matter,
            )
            .await?;
            leptos_axum::redirect(&format!("/escalations/{id}"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "answer_escalation")]
pub async fn answer_escalation(escalation: i64, answer: String) -> Result<(), AppError> {
    use crate::server::{auth, services::flow};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let base = state.config.public_url.trim_end_matches('/');
            flow::respond(
                &state.db,
                &state.mailer,
                base,
                actor.id,
                escalation,
                &answer,
            )
            .await
        }
        .await,
    )
}
