//! Stewardship meetings and calendar addresses: thin doors to the services, which decide
//! who may do what from the meeting's own space.
use crate::error::AppError;
use crate::model::meetings::*;
use leptos::prelude::*;

#[server(endpoint = "space_meetings")]
pub async fn get_space_meetings(slug: String) -> Result<SpaceMeetings, AppError> {
    use crate::server::{auth, services::meetings};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            meetings::space_meetings(&state.db, viewer.id, &slug).await
        }
        .await,
    )
}

#[server(endpoint = "meeting")]
pub async fn get_meeting(id: i64) -> Result<MeetingPage, AppError> {
    use crate::server::{auth, services::meetings};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            meetings::page(&state.db, viewer.id, id).await
        }
        .await,
    )
}

#[server(endpoint = "schedule_meeting")]
pub async fn schedule_meeting(
    space: String,
    title: String,
    starts_at: String,
    length: String,
    place: String,
    call_link: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::meetings};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let form = meetings::MeetingForm {
                title,
                starts_at,
                length,
                place,
                call_link,
            };
            let m = meetings::schedule(&state.db, actor.id, &space, &form).await?;
            leptos_axum::redirect(&format!("/meetings/{}", m.id));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "cancel_meeting")]
pub async fn cancel_meeting(id: i64) -> Result<(), AppError> {
    use crate::server::{auth, services::meetings};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            meetings::cancel(&state.db, actor.id, id).await
        }
        .await,
    )
}

#[server(endpoint = "agenda_item")]
pub async fn add_agenda_item(
    meeting: i64,
    title: String,
    paper_url: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::meetings};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            meetings::add_item(&state.db, actor.id, meeting, &title, &paper_url).await?;
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "move_agenda_item")]
pub async fn move_agenda_item(item: i64, way: String) -> Result<(), AppError> {
    use crate::server::{auth, services::meetings};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            meetings::move_item(&state.db, actor.id, item, &way).await
        }
        .await,
    )
}

#[server(endpoint = "minute_item")]
pub async fn minute_item(item: i64, minutes: String, proposal: String) -> Result<(), AppError> {
    use crate::server::{auth, services::meetings};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let proposal = match proposal.trim() {
                "" => None,
                p => Some(p.parse::<i64>().map_err(|_| AppError::Unreadable)?),
            };
            meetings::minute_item(&state.db, actor.id, item, &minutes, proposal).await
        }
        .await,
    )
}

#[server(endpoint = "meeting_attendance")]
pub async fn record_attendance(
    meeting: i64,
    person: i64,
    presence: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::meetings};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            meetings::record_attendance(&state.db, actor.id, meeting, person, &presence).await
        }
        .await,
    )
}

#[server(endpoint = "meeting_action")]
pub async fn add_meeting_action(
    item: i64,
    title: String,
    owner: i64,
    due_on: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::meetings};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            meetings::add_action(&state.db, actor.id, item, &title, owner, &due_on).await?;
            Ok(())
        }
        .await,
    )
}

/// The signed-in member's secret calendar address, if they made one.
#[server(endpoint = "calendar_link")]
pub async fn get_calendar_link() -> Result<Option<CalendarLink>, AppError> {
    use crate::server::{auth, services::calendar};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            let base = state.config.public_url.trim_end_matches('/');
            Ok(calendar::key_of(&state.db, viewer.id)
                .await?
                .map(|key| CalendarLink {
                    url: format!("{base}/calendar/{key}.ics"),
                }))
        }
        .await,
    )
}

/// Make a new secret calendar address for the signed-in member (`retire` = "yes": take it
/// away), retiring the old one.
#[server(endpoint = "new_calendar_link")]
pub async fn new_calendar_link(retire: Option<String>) -> Result<(), AppError> {
    use crate::server::{auth, services::calendar};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            if crate::api::checked(retire) {
                calendar::retire_key(&state.db, viewer.id).await
            } else {
                calendar::new_key(&state.db, viewer.id).await.map(|_| ())
            }
        }
        .await,
    )
}
