//! A space's page: purpose, who holds which role now, members and their balance of
//! perspectives, partner organisations, and recent activity.
use crate::error::AppError;
use crate::model::spaces::*;
use leptos::prelude::*;

#[server(endpoint = "space_page")]
pub async fn get_space_page(slug: String) -> Result<SpacePage, AppError> {
    use crate::server::{auth, services::spaces};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::current_actor(&state).await?;
            let checked = auth::checked(&state).await?;
            spaces::page_for(&state.db, state.live.structure(), &checked, &slug, viewer).await
        }
        .await,
    )
}

#[server(endpoint = "appoint_role")]
pub async fn appoint_role(
    space: String,
    person_id: String,
    starts_on: String,
    ends_on: String,
    reason: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::roles};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let person_id = person_id
                .parse()
                .map_err(|_| AppError::invalid("person_id", "Choose an active member."))?;
            let appointment = roles::Appointment {
                person_id,
                starts_on,
                ends_on,
                reason,
            };
            roles::appoint(&state.db, actor.id, &space, &appointment).await?;
            state.live.structure_changed(&state.db).await;
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "change_role_term")]
pub async fn change_role_term(role_id: i64, change: String) -> Result<(), AppError> {
    use crate::server::{auth, services::roles};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let renew = match change.as_str() {
                "renew" => true,
                "end" => false,
                _ => {
                    return Err(AppError::invalid(
                        "change",
                        "Choose to renew or end the term.",
                    ));
                }
            };
            roles::change_term(&state.db, actor.id, role_id, renew).await?;
            state.live.structure_changed(&state.db).await;
            Ok(())
        }
        .await,
    )
}
