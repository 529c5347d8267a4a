//! Membership: applying to join, deciding applications, roles, the directory and profiles.
use crate::error::AppError;
use crate::model::membership::*;
use leptos::prelude::*;

#[server(endpoint = "apply_page")]
pub async fn get_apply_page() -> Result<ApplyPage, AppError> {
    use crate::server::{auth, services::membership};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::current_person(&state).await?;
            membership::apply_page(&state.db, person.as_ref()).await
        }
        .await,
    )
}

#[server(endpoint = "apply")]
pub async fn apply(
    region: String,
    perspectives: Option<Vec<String>>,
    clinician_discipline: String,
    organisation: String,
    reason: String,
    consent: Option<String>,
) -> Result<(), AppError> {
    use crate::server::auth;
    use crate::server::services::membership::{self, ApplicationForm};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            let form = ApplicationForm {
                region_slug: region,
                perspectives: perspectives.unwrap_or_default(),
                clinician_discipline,
                organisation,
                reason,
                consent: crate::api::checked(consent),
            };
            membership::apply(&state.db, &person, &form).await?;
            leptos_axum::redirect("/apply?applied=1");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "pending_applications")]
pub async fn get_pending_applications(region: String) -> Result<Vec<PendingApplication>, AppError> {
    use crate::server::{auth, services::membership};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::current_actor(&state)
                .await?
                .ok_or(AppError::Unauthenticated)?;
            let checked = auth::checked(&state).await?;
            membership::pending_applications(
                &state.db,
                state.live.structure(),
                &checked,
                &actor,
                &region,
            )
            .await
        }
        .await,
    )
}

#[server(endpoint = "decide_application")]
pub async fn decide_application(
    application_id: i64,
    decision: String,
    reason: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::membership};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            let approve = match decision.as_str() {
                "approve" => true,
                "decline" => false,
                _ => {
                    return Err(AppError::invalid(
                        "decision",
                        "Choose to approve or decline.",
                    ));
                }
            };
            membership::decide(&state.db, person.id, application_id, approve, &reason).await
        }
        .await,
    )
}
