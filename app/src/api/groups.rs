//! Groups members form themselves: forming, joining, leaving, and admitting by request.
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "create_group")]
pub async fn create_group(
    parent: String,
    kind: String,
    name: String,
    purpose: String,
    joining: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::groups};
    auth::respond(
        async {
            let state = auth::state()?;
            let founder = auth::require_person(&state).await?;
            let form = groups::GroupForm {
                parent,
                kind,
                name,
                purpose,
                joining,
            };
            let group = groups::create(&state.db, &founder, &form).await?;
            state.live.structure_changed(&state.db).await;
            leptos_axum::redirect(&format!("/spaces/{}", group.slug));
            Ok(())
        }
        .await,
    )
}

/// `change` is `join` or `leave`.
#[server(endpoint = "group_membership")]
pub async fn change_group_membership(group: String, change: String) -> Result<(), AppError> {
    use crate::server::{auth, services::groups};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            match change.as_str() {
                "join" => groups::join(&state.db, &who, &group).await,
                "leave" => groups::leave(&state.db, &who, &group).await,
                _ => Err(AppError::invalid("change", "Choose to join or leave.")),
            }
        }
        .await,
    )
}

#[server(endpoint = "decide_group_request")]
pub async fn decide_group_request(
    group: String,
    person_id: i64,
    decision: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::groups};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let admit = match decision.as_str() {
                "admit" => true,
                "turn_down" => false,
                _ => {
                    return Err(AppError::invalid(
                        "decision",
                        "Choose to admit or turn down.",
                    ));
                }
            };
            groups::decide_request(&state.db, actor.id, &group, person_id, admit).await
        }
        .await,
    )
}
