//! Trials and their PDSA cycles: thin doors to the services, which decide who may do what
//! from the trial's own space and state.
use crate::error::AppError;
use crate::model::trials::*;
use leptos::prelude::*;

#[server(endpoint = "space_trials")]
pub async fn get_space_trials(slug: String) -> Result<SpaceTrials, AppError> {
    use crate::server::{auth, services::trials};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            trials::space_trials(&state.db, viewer.id, &slug).await
        }
        .await,
    )
}

#[server(endpoint = "trial")]
pub async fn get_trial(id: i64) -> Result<TrialPage, AppError> {
    use crate::server::{auth, services::trials};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            trials::page(&state.db, viewer.id, id).await
        }
        .await,
    )
}

#[server(endpoint = "start_trial")]
pub async fn start_trial(
    space: String,
    title: String,
    aim: String,
    change: String,
    review_on: String,
    measures: Option<Vec<String>>,
) -> Result<(), AppError> {
    use crate::server::{auth, services::trials};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let form = trials::TrialForm {
                title,
                aim,
                change,
                review_on,
                measures: measures.unwrap_or_default(),
            };
            let t = trials::start(&state.db, actor.id, &space, &form).await?;
            leptos_axum::redirect(&format!("/trials/{}", t.id));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "pdsa_cycle")]
pub async fn add_pdsa_cycle(
    trial: i64,
    started_on: String,
    plan: String,
    done_what: String,
    study: String,
    act: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::trials};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let form = trials::CycleForm {
                started_on,
                plan,
                done_what,
                study,
                act,
            };
            trials::add_cycle(&state.db, actor.id, trial, &form).await?;
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "conclude_trial")]
pub async fn conclude_trial(trial: i64, ending: String, learned: String) -> Result<(), AppError> {
    use crate::server::{auth, services::trials};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            trials::conclude(&state.db, actor.id, trial, &ending, &learned).await
        }
        .await,
    )
}

/// Search the learning library (`q` text, `space` slug, `kind`: each may be empty).
#[server(endpoint = "library")]
pub async fn get_library(q: String, space: String, kind: String) -> Result<LibraryPage, AppError> {
    use crate::server::{auth, services::library};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            library::search(&state.db, viewer.id, &q, &space, &kind).await
        }
        .await,
    )
}
