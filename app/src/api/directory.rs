//! The member directory and profiles.
use crate::error::AppError;
use crate::model::directory::*;
use leptos::prelude::*;

#[server(endpoint = "directory")]
pub async fn search_directory(query: DirectoryQuery) -> Result<DirectoryPage, AppError> {
    use crate::server::{auth, services::directory};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            directory::search(&state.db, viewer.id, &query).await
        }
        .await,
    )
}

#[server(endpoint = "profile")]
pub async fn get_profile(person_id: i64) -> Result<Profile, AppError> {
    use crate::server::{auth, services::directory};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            directory::profile(&state.db, viewer.id, person_id).await
        }
        .await,
    )
}

#[server(endpoint = "update_profile")]
pub async fn update_profile(
    bio: String,
    interests: String,
    organisation: String,
    show_email: Option<String>,
    show_organisation: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{auth, services::directory};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            let choices = directory::ProfileChoices {
                bio,
                interests,
                organisation,
                show_email: show_email.is_some(),
                show_organisation: show_organisation.is_some(),
            };
            directory::update_profile(&state.db, &person, &choices).await?;
            leptos_axum::redirect(&format!("/members/{}?saved=1", person.id));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "move_region")]
pub async fn move_region(region: String) -> Result<(), AppError> {
    use crate::server::{auth, services::membership};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            membership::move_region(&state.db, &person, &region).await?;
            // A member who moves or leaves ends their roles (a convener's among them).
            state.live.structure_changed(&state.db).await;
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "leave_community")]
pub async fn leave_community(reason: String) -> Result<(), AppError> {
    use crate::server::{auth, services::membership};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            membership::leave(&state.db, &person, &reason).await?;
            state.live.structure_changed(&state.db).await;
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "set_member_status")]
pub async fn set_member_status(
    person_id: i64,
    change: String,
    reason: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::membership};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            use crate::domain::membership::MembershipStatus;
            let to = match change.as_str() {
                "suspend" => MembershipStatus::Suspended,
                "lapse" => MembershipStatus::Lapsed,
                "reinstate" => MembershipStatus::Active,
                _ => {
                    return Err(AppError::invalid(
                        "change",
                        "Choose to suspend, mark as lapsed or reinstate.",
                    ));
                }
            };
            membership::set_status(&state.db, actor.id, person_id, to, &reason).await?;
            state.live.structure_changed(&state.db).await;
            Ok(())
        }
        .await,
    )
}
