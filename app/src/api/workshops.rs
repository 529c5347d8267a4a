//! Live workshops: creating one, joining by code, and every participant's and the
//! facilitator's change. Each stores the change; the live stream tells the screens.
use crate::domain::workshop::Ballot;
use crate::domain::workshop::board::Board;
use crate::domain::workshop::outcomes::Rating;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub(crate) async fn who(
    state: &crate::server::AppState,
) -> Result<crate::server::services::workshops::Who, AppError> {
    use crate::server::auth;
    Ok(crate::server::services::workshops::Who {
        person: auth::current_person(state).await?,
        device_token: auth::device_token(),
    })
}

/// A server function's body for whoever is asking (signed-in person or guest device),
/// with its error mapped to the right HTTP status.
#[cfg(feature = "ssr")]
async fn as_who<T>(
    body: impl AsyncFnOnce(
        &crate::server::AppState,
        &crate::server::services::workshops::Who,
    ) -> Result<T, AppError>,
) -> Result<T, AppError> {
    use crate::server::auth;
    auth::respond(
        async {
            let state = auth::state()?;
            let who = who(&state).await?;
            body(&state, &who).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn checked(value: Option<String>) -> bool {
    value.is_some_and(|v| v == "on" || v == "true")
}

#[allow(clippy::too_many_arguments)]
#[server(endpoint = "create_workshop")]
pub async fn create_workshop(
    title: String,
    purpose: String,
    held_on: String,
    space: String,
    prompt: String,
    template: Option<String>,
    anonymous: Option<String>,
    notes_hidden: Option<String>,
    results_live: Option<String>,
    participants_theme: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::workshop::board::Settings;
    use crate::server::{auth, services::workshops};
    let template = match template.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(t) => Some(
            t.parse::<i64>()
                .map_err(|_| AppError::invalid("template", "Choose a template from the list."))?,
        ),
    };
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            let form = workshops::WorkshopForm {
                title,
                purpose,
                held_on,
                space,
                prompt,
                template,
                settings: Settings {
                    anonymous: checked(anonymous),
                    notes_visible: !checked(notes_hidden),
                    results_live: checked(results_live),
                    participants_theme: checked(participants_theme),
                },
            };
            let w = workshops::create(&state.db, &person, &form).await?;
            leptos_axum::redirect(&format!("/workshops/{}/run", w.id));
            Ok(())
        }
        .await,
    )
}

/// Where the "run a workshop" form may place it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWorkshopPage {
    /// (slug, name) of regions and groups.
    pub spaces: Vec<(String, String)>,
    pub today: String,
    pub may_create: bool,
    pub templates: Vec<crate::api::outcomes::TemplateChoice>,
}

#[server(endpoint = "new_workshop_page")]
pub async fn get_new_workshop_page() -> Result<NewWorkshopPage, AppError> {
    use crate::domain::membership::MembershipStatus;
    use crate::server::entities::{member, space};
    use crate::server::{auth, services::workshops};
    use sea_orm::{EntityTrait, QueryOrder};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            let may_create = member::Entity::find_by_id(person.id)
                .one(&state.db)
                .await?
                .is_some_and(|m| m.status == MembershipStatus::Active.code());
            let spaces = space::Entity::find()
                .order_by_asc(space::Column::Name)
                .all(&state.db)
                .await?
                .into_iter()
                .map(|s| (s.slug, s.name))
                .collect();
            let templates = workshops::templates::list(&state.db)
                .await?
                .into_iter()
                .collect();
            Ok(NewWorkshopPage {
                templates,
                spaces,
                today: chrono::Utc::now().date_naive().to_string(),
                may_create,
            })
        }
        .await,
    )
}

/// A workshop in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkshopLink {
    pub id: i64,
    pub title: String,
    pub held_on: String,
    pub join_code: String,
    pub facilitating: bool,
}

#[server(endpoint = "my_workshops")]
pub async fn get_my_workshops() -> Result<Option<Vec<WorkshopLink>>, AppError> {
    use crate::server::{auth, services::workshops};
    auth::respond(
        async {
            let state = auth::state()?;
            let Some(person) = auth::current_person(&state).await? else {
                return Ok(None);
            };
            Ok(Some(
                workshops::mine(&state.db, person.id)
                    .await?
                    .into_iter()
                    .map(|w| WorkshopLink {
                        id: w.id,
                        title: w.title,
                        held_on: w.held_on.to_string(),
                        join_code: w.join_code,
                        facilitating: w.facilitator_id == person.id,
                    })
                    .collect(),
            ))
        }
        .await,
    )
}

/// Typed a join code: go to the workshop.
#[server(endpoint = "find_workshop")]
pub async fn find_workshop(code: String) -> Result<(), AppError> {
    use crate::server::{auth, services::workshops};
    auth::respond(
        async {
            let state = auth::state()?;
            let w = workshops::by_code(&state.db, &code)
                .await
                .map_err(|e| match e {
                    AppError::NotFound(m) => AppError::invalid("code", m),
                    e => e,
                })?;
            leptos_axum::redirect(&format!("/w/{}", w.join_code));
            Ok(())
        }
        .await,
    )
}

/// The participant's page: the board once joined, else what the join form needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantPage {
    pub workshop_id: i64,
    pub title: String,
    pub purpose: String,
    pub join_code: String,
    /// The signed-in person's name, if any: they join as themselves.
    pub signed_in_as: Option<String>,
    /// Their own perspectives, first offered.
    pub my_perspectives: Vec<String>,
    pub board: Option<Board>,
    pub facilitating: bool,
}

#[server(endpoint = "participant_page")]
pub async fn get_participant_page(code: String) -> Result<ParticipantPage, AppError> {
    use crate::server::entities::member_perspective;
    use crate::server::{auth, services::workshops};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    auth::respond(
        async {
            let state = auth::state()?;
            let w = workshops::by_code(&state.db, &code).await?;
            let who = who(&state).await?;
            let viewer = workshops::viewer(&state.db, &w, &who).await?;
            let board = if viewer.participant_id.is_some() || viewer.facilitator {
                Some(workshops::board(&state.db, w.id, viewer).await?)
            } else {
                None
            };
            let my_perspectives = match &who.person {
                Some(p) => member_perspective::Entity::find()
                    .filter(member_perspective::Column::PersonId.eq(p.id))
                    .all(&state.db)
                    .await?
                    .into_iter()
                    .map(|m| m.perspective)
                    .collect(),
                None => vec![],
            };
            Ok(ParticipantPage {
                workshop_id: w.id,
                title: w.title,
                purpose: w.purpose,
                join_code: w.join_code,
                signed_in_as: who.person.map(|p| p.name),
                my_perspectives,
                board,
                facilitating: viewer.facilitator,
            })
        }
        .await,
    )
}

#[server(endpoint = "join_workshop")]
pub async fn join_workshop(
    code: String,
    display_name: Option<String>,
    perspective: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::workshops};
    auth::respond(
        async {
            let state = auth::state()?;
            let w = workshops::by_code(&state.db, &code).await?;
            let mut who = who(&state).await?;
            if who.person.is_none() {
                who.device_token = Some(auth::ensure_device_token(&state));
            }
            workshops::join(
                &state.db,
                &state.live,
                &w,
                &who,
                display_name.as_deref().unwrap_or_default(),
                &perspective,
            )
            .await?;
            leptos_axum::redirect(&format!("/w/{}", w.join_code));
            Ok(())
        }
        .await,
    )
}

/// The facilitator's page: the board, the join address and its QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacilitatorPage {
    pub board: Board,
    pub purpose: String,
    pub join_url: String,
    pub qr_svg: String,
}

#[server(endpoint = "facilitator_page")]
pub async fn get_facilitator_page(workshop_id: i64) -> Result<FacilitatorPage, AppError> {
    use crate::server::{auth, services::workshops};
    auth::respond(
        async {
            let state = auth::state()?;
            let w = workshops::by_id(&state.db, workshop_id).await?;
            let who = who(&state).await?;
            let viewer = workshops::viewer(&state.db, &w, &who).await?;
            if who.person.is_none() {
                return Err(AppError::Unauthenticated);
            }
            if !viewer.facilitator {
                return Err(AppError::Forbidden);
            }
            let join_url = format!(
                "{}/w/{}",
                state.config.public_url.trim_end_matches('/'),
                w.join_code
            );
            Ok(FacilitatorPage {
                board: workshops::board(&state.db, w.id, viewer).await?,
                purpose: w.purpose,
                qr_svg: workshops::qr_svg(&join_url)?,
                join_url,
            })
        }
        .await,
    )
}

#[server(endpoint = "post_note")]
pub async fn post_note(
    workshop_id: i64,
    body: String,
    client_key: String,
) -> Result<i64, AppError> {
    use crate::server::services::workshops;
    as_who(async |state, who| {
        workshops::post_note(&state.db, &state.live, workshop_id, who, &body, &client_key).await
    })
    .await
}

#[server(endpoint = "edit_note")]
pub async fn edit_note(workshop_id: i64, note_id: i64, body: String) -> Result<(), AppError> {
    use crate::server::services::workshops;
    as_who(async |state, who| {
        workshops::edit_note(&state.db, &state.live, workshop_id, who, note_id, &body).await
    })
    .await
}

#[server(endpoint = "remove_note")]
pub async fn remove_note(workshop_id: i64, note_id: i64) -> Result<(), AppError> {
    use crate::server::services::workshops;
    as_who(async |state, who| {
        workshops::remove_note(&state.db, &state.live, workshop_id, who, note_id).await
    })
    .await
}

#[server(endpoint = "create_theme")]
pub async fn create_theme(workshop_id: i64, name: String) -> Result<i64, AppError> {
    use crate::server::services::workshops;
    as_who(async |state, who| {
        workshops::create_theme(&state.db, &state.live, workshop_id, who, &name).await
    })
    .await
}

#[server(endpoint = "remove_theme")]
pub async fn remove_theme(workshop_id: i64, theme_id: i64) -> Result<(), AppError> {
    use crate::server::services::workshops;
    as_who(async |state, who| {
        workshops::remove_theme(&state.db, &state.live, workshop_id, who, theme_id).await
    })
    .await
}

/// `theme_id` 0 takes the note out of its theme.
#[server(endpoint = "move_note")]
pub async fn move_note(workshop_id: i64, note_id: i64, theme_id: i64) -> Result<(), AppError> {
    use crate::server::services::workshops;
    as_who(async |state, who| {
        let theme = (theme_id != 0).then_some(theme_id);
        workshops::move_note(&state.db, &state.live, workshop_id, who, note_id, theme).await
    })
    .await
}

#[server(endpoint = "set_dots")]
pub async fn set_dots(workshop_id: i64, item: i64, dots: u32) -> Result<(i64, Ballot), AppError> {
    use crate::server::services::workshops;
    as_who(async |state, who| {
        workshops::set_dots(&state.db, &state.live, workshop_id, who, item, dots).await
    })
    .await
}

/// `control`: start, advance, back, lock, unlock, reveal, hide, timer (with `seconds`),
/// clear_timer.
#[server(endpoint = "control_workshop")]
pub async fn control_workshop(
    workshop_id: i64,
    control: String,
    seconds: Option<u32>,
) -> Result<(), AppError> {
    use crate::domain::workshop::Control;
    use crate::server::services::workshops;
    as_who(async |state, who| {
        let control = match control.as_str() {
            "start" => Control::Start,
            "advance" => Control::Advance,
            "back" => Control::Back,
            "lock" => Control::Lock,
            "unlock" => Control::Unlock,
            "reveal" => Control::Reveal,
            "hide" => Control::Hide,
            "timer" => Control::StartTimer {
                seconds: seconds.unwrap_or(0),
                now_ms: chrono::Utc::now().timestamp_millis(),
            },
            "clear_timer" => Control::ClearTimer,
            _ => return Err(AppError::invalid("control", "Choose a control.")),
        };
        workshops::control(&state.db, &state.live, workshop_id, who, control).await?;
        Ok(())
    })
    .await
}

#[server(endpoint = "workshop_settings")]
pub async fn update_workshop_settings(
    workshop_id: i64,
    anonymous: Option<String>,
    notes_hidden: Option<String>,
    results_live: Option<String>,
    participants_theme: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::workshop::board::Settings;
    use crate::server::services::workshops;
    as_who(async |state, who| {
        let settings = Settings {
            anonymous: checked(anonymous),
            notes_visible: !checked(notes_hidden),
            results_live: checked(results_live),
            participants_theme: checked(participants_theme),
        };
        workshops::update_settings(&state.db, &state.live, workshop_id, who, settings).await
    })
    .await
}

#[allow(clippy::too_many_arguments)]
#[server(endpoint = "add_activity")]
pub async fn add_activity(
    workshop_id: i64,
    kind: String,
    prompt: String,
    budget: String,
    cap: String,
    target: String,
    options: Option<String>,
    multiple: Option<String>,
) -> Result<(), AppError> {
    use crate::server::services::workshops;
    as_who(async |state, who| {
        let form = workshops::ActivityForm {
            kind,
            prompt,
            budget,
            cap,
            target,
            options: options.unwrap_or_default(),
            multiple: checked(multiple),
        };
        workshops::add_activity(&state.db, &state.live, workshop_id, who, &form).await
    })
    .await
}

#[server(endpoint = "remove_activity")]
pub async fn remove_activity(workshop_id: i64, activity_id: i64) -> Result<(), AppError> {
    use crate::server::services::workshops;
    as_who(async |state, who| {
        workshops::remove_activity(&state.db, &state.live, workshop_id, who, activity_id).await
    })
    .await
}

/// Rate a theme in the open prioritise activity; impact and effort 0 take the rating back.
#[server(endpoint = "rate_theme")]
pub async fn rate_theme(
    workshop_id: i64,
    theme_id: i64,
    impact: u8,
    effort: u8,
) -> Result<Option<Rating>, AppError> {
    use crate::server::services::workshops::outcomes;
    as_who(async |state, who| {
        let rating = (impact != 0 || effort != 0).then_some((impact, effort));
        outcomes::rate(&state.db, &state.live, workshop_id, who, theme_id, rating).await
    })
    .await
}

/// Answer the open poll: `chosen` is the option ids, comma-separated (empty withdraws).
#[server(endpoint = "answer_poll")]
pub async fn answer_poll(workshop_id: i64, chosen: String) -> Result<(i64, Vec<i64>), AppError> {
    use crate::server::services::workshops::outcomes;
    as_who(async |state, who| {
        let chosen = chosen
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| {
                c.parse::<i64>()
                    .map_err(|_| AppError::invalid("chosen", "Choose from the poll's options."))
            })
            .collect::<Result<Vec<i64>, AppError>>()?;
        outcomes::answer_poll(&state.db, &state.live, workshop_id, who, &chosen).await
    })
    .await
}

#[server(endpoint = "reflect")]
pub async fn reflect(
    workshop_id: i64,
    prompt: String,
    body: String,
    anonymous: bool,
    client_key: String,
) -> Result<i64, AppError> {
    use crate::server::services::workshops::outcomes;
    as_who(async |state, who| {
        let form = outcomes::ReflectionForm {
            prompt,
            body,
            anonymous,
            client_key,
        };
        outcomes::reflect(&state.db, &state.live, workshop_id, who, &form).await
    })
    .await
}

#[server(endpoint = "remove_reflection")]
pub async fn remove_reflection(workshop_id: i64, reflection_id: i64) -> Result<(), AppError> {
    use crate::server::services::workshops::outcomes;
    as_who(async |state, who| {
        outcomes::remove_reflection(&state.db, &state.live, workshop_id, who, reflection_id).await
    })
    .await
}
