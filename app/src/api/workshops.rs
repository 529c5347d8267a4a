//! Live workshops: creating one, joining by code, and every participant's and the
//! facilitator's change. Each stores the change; the live stream tells the screens.
use crate::domain::workshop::Ballot;
use crate::domain::workshop::board::Saved;
use crate::domain::workshop::responses::Rating;
use crate::error::AppError;
use crate::model::workshops::*;
use leptos::prelude::*;

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
                    anonymous: super::checked(anonymous),
                    notes_visible: !super::checked(notes_hidden),
                    results_live: super::checked(results_live),
                    participants_theme: super::checked(participants_theme),
                    ..Settings::default()
                },
            };
            let w = workshops::create(&state.db, &person, &form).await?;
            leptos_axum::redirect(&format!("/workshops/{}/run", w.id));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "new_workshop_page")]
pub async fn get_new_workshop_page() -> Result<NewWorkshopPage, AppError> {
    use crate::server::{auth, services::workshops};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            let today = chrono::Utc::now().date_naive();
            workshops::new_workshop_page(&state.db, &person, today).await
        }
        .await,
    )
}

#[server(endpoint = "my_workshops")]
pub async fn get_my_workshops() -> Result<Option<Vec<WorkshopLink>>, AppError> {
    use crate::server::{auth, services::workshops};
    auth::respond(
        async {
            let state = auth::state()?;
            match auth::current_person(&state).await? {
                Some(person) => Ok(Some(workshops::my_workshops(&state.db, &person).await?)),
                None => Ok(None),
            }
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
            let client = auth::client_ip(&state);
            let w = workshops::by_code_from(&state.db, &code, &client)
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

#[server(endpoint = "participant_page")]
pub async fn get_participant_page(code: String) -> Result<ParticipantPage, AppError> {
    use crate::server::{auth, services::workshops};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::who(&state).await?;
            let client = auth::client_ip(&state);
            workshops::participant_page(&state.db, &code, &who, &client).await
        }
        .await,
    )
}

#[server(endpoint = "join_workshop")]
pub async fn join_workshop(
    code: String,
    display_name: Option<String>,
    perspective: String,
    named_in_report: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{auth, services::workshops};
    auth::respond(
        async {
            let state = auth::state()?;
            let client = auth::client_ip(&state);
            let w = workshops::by_code_from(&state.db, &code, &client).await?;
            let mut who = auth::who(&state).await?;
            if who.person.is_none() {
                who.device_token = Some(auth::ensure_device_token(&state));
            }
            let form = workshops::JoinForm {
                display_name: display_name.unwrap_or_default(),
                perspective,
                named_in_report: super::checked(named_in_report),
            };
            workshops::join(&state.db, &state.live, &w, &who, &form, &client).await?;
            leptos_axum::redirect(&format!("/w/{}", w.join_code));
            Ok(())
        }
        .await,
    )
}

/// The guests who joined, for the facilitator to see (and remove one who should not be
/// there).
#[server(endpoint = "workshop_guests")]
pub async fn get_guests(workshop_id: i64) -> Result<Vec<GuestLine>, AppError> {
    use crate::server::{auth::as_who, services::workshops};
    as_who(async |state, who| workshops::guests(&state.db, workshop_id, who).await).await
}

#[server(endpoint = "remove_guest")]
pub async fn remove_guest(workshop_id: i64, participant_id: i64) -> Result<(), AppError> {
    use crate::server::{auth::as_who, services::workshops};
    as_who(async |state, who| {
        workshops::remove_guest(&state.db, &state.live, workshop_id, who, participant_id).await
    })
    .await
}

#[server(endpoint = "facilitator_page")]
pub async fn get_facilitator_page(workshop_id: i64) -> Result<FacilitatorPage, AppError> {
    use crate::server::{auth, services::workshops};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::signed_in(&state).await?;
            workshops::facilitator_page(&state.db, &state.config, workshop_id, &who).await
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
    use crate::server::{auth::as_who_live, services::workshops};
    as_who_live(move |state, who| async move {
        workshops::post_note(
            &state.db,
            &state.live,
            workshop_id,
            &who,
            &body,
            &client_key,
        )
        .await
    })
    .await
}

#[server(endpoint = "edit_note")]
pub async fn edit_note(workshop_id: i64, note_id: i64, body: String) -> Result<(), AppError> {
    use crate::server::{auth::as_who_live, services::workshops};
    as_who_live(move |state, who| async move {
        workshops::edit_note(&state.db, &state.live, workshop_id, &who, note_id, &body).await
    })
    .await
}

#[server(endpoint = "remove_note")]
pub async fn remove_note(workshop_id: i64, note_id: i64) -> Result<(), AppError> {
    use crate::server::{auth::as_who_live, services::workshops};
    as_who_live(move |state, who| async move {
        workshops::remove_note(&state.db, &state.live, workshop_id, &who, note_id).await
    })
    .await
}

#[server(endpoint = "create_theme")]
pub async fn create_theme(workshop_id: i64, name: String) -> Result<i64, AppError> {
    use crate::server::{auth::as_who_live, services::workshops};
    as_who_live(move |state, who| async move {
        workshops::create_theme(&state.db, &state.live, workshop_id, &who, &name).await
    })
    .await
}

#[server(endpoint = "remove_theme")]
pub async fn remove_theme(workshop_id: i64, theme_id: i64) -> Result<(), AppError> {
    use crate::server::{auth::as_who, services::workshops};
    as_who(async |state, who| {
        workshops::remove_theme(&state.db, &state.live, workshop_id, who, theme_id).await
    })
    .await
}

/// `theme_id` 0 takes the note out of its theme.
#[server(endpoint = "move_note")]
pub async fn move_note(workshop_id: i64, note_id: i64, theme_id: i64) -> Result<(), AppError> {
    use crate::server::{auth::as_who_live, services::workshops};
    as_who_live(move |state, who| async move {
        let theme = (theme_id != 0).then_some(theme_id);
        workshops::move_note(&state.db, &state.live, workshop_id, &who, note_id, theme).await
    })
    .await
}

#[server(endpoint = "set_dots")]
pub async fn set_dots(
    workshop_id: i64,
    item: i64,
    dots: u32,
) -> Result<Saved<(i64, Ballot)>, AppError> {
    use crate::server::{auth::as_who_live, services::workshops};
    as_who_live(move |state, who| async move {
        workshops::set_dots(&state.db, &state.live, workshop_id, &who, item, dots).await
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
    use crate::server::{auth::as_who_live, services::workshops};
    as_who_live(move |state, who| async move {
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
        workshops::control(&state.db, &state.live, workshop_id, &who, control).await?;
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
    code_days: u16,
) -> Result<(), AppError> {
    use crate::domain::workshop::board::Settings;
    use crate::server::{auth::as_who, services::workshops};
    as_who(async |state, who| {
        let settings = Settings {
            anonymous: super::checked(anonymous),
            notes_visible: !super::checked(notes_hidden),
            results_live: super::checked(results_live),
            participants_theme: super::checked(participants_theme),
            code_days,
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
    use crate::server::{auth::as_who, services::workshops};
    as_who(async |state, who| {
        let form = workshops::ActivityForm {
            kind,
            prompt,
            budget,
            cap,
            target,
            options: options.unwrap_or_default(),
            multiple: super::checked(multiple),
        };
        workshops::add_activity(&state.db, &state.live, workshop_id, who, &form).await
    })
    .await
}

#[server(endpoint = "remove_activity")]
pub async fn remove_activity(workshop_id: i64, activity_id: i64) -> Result<(), AppError> {
    use crate::server::{auth::as_who, services::workshops};
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
) -> Result<Saved<Option<Rating>>, AppError> {
    use crate::server::{auth::as_who_live, services::workshops};
    as_who_live(move |state, who| async move {
        let rating = (impact != 0 || effort != 0).then_some((impact, effort));
        workshops::rate(&state.db, &state.live, workshop_id, &who, theme_id, rating).await
    })
    .await
}

/// Answer the open poll: `chosen` is the option ids, comma-separated (empty withdraws).
#[server(endpoint = "answer_poll")]
pub async fn answer_poll(
    workshop_id: i64,
    chosen: String,
) -> Result<Saved<(i64, Vec<i64>)>, AppError> {
    use crate::server::{auth::as_who_live, services::workshops};
    as_who_live(move |state, who| async move {
        let chosen = chosen
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| {
                c.parse::<i64>()
                    .map_err(|_| AppError::invalid("chosen", "Choose from the poll's options."))
            })
            .collect::<Result<Vec<i64>, AppError>>()?;
        workshops::answer_poll(&state.db, &state.live, workshop_id, &who, &chosen).await
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
    use crate::server::{auth::as_who_live, services::workshops};
    as_who_live(move |state, who| async move {
        let form = workshops::ReflectionForm {
            prompt,
            body,
            anonymous,
            client_key,
        };
        workshops::reflect(&state.db, &state.live, workshop_id, &who, &form).await
    })
    .await
}

#[server(endpoint = "remove_reflection")]
pub async fn remove_reflection(workshop_id: i64, reflection_id: i64) -> Result<(), AppError> {
    use crate::server::{auth::as_who, services::workshops};
    as_who(async |state, who| {
        workshops::remove_reflection(&state.db, &state.live, workshop_id, who, reflection_id).await
    })
    .await
}
