//! What workshops leave behind: the report, actions and their status, the space's
//! workshop archive, and agenda templates.
use crate::domain::action::ActionView;
use crate::error::AppError;
use crate::model::output::*;
use leptos::prelude::*;

#[server(endpoint = "report_page")]
pub async fn get_report_page(workshop_id: i64) -> Result<ReportPage, AppError> {
    use crate::server::{auth, services::workshops};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::who(&state).await?;
            let today = chrono::Utc::now().date_naive();
            workshops::report::report_page(&state.db, workshop_id, &who, today).await
        }
        .await,
    )
}

/// The facilitator creates an action from the workshop. `source` is `theme:ID`,
/// `note:ID` or empty.
#[server(endpoint = "create_action")]
pub async fn create_action(
    workshop_id: i64,
    title: String,
    owner: String,
    due_on: String,
    source: String,
) -> Result<(), AppError> {
    use crate::server::auth;
    use crate::server::services::actions;
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::signed_in(&state).await?;
            let owner_id = owner
                .trim()
                .parse::<i64>()
                .map_err(|_| AppError::invalid("owner", "Choose who will own the action."))?;
            let (theme_id, note_id) = match source.split_once(':') {
                Some(("theme", id)) => (id.parse().ok(), None),
                Some(("note", id)) => (None, id.parse().ok()),
                _ => (None, None),
            };
            let form = actions::ActionForm {
                title,
                owner_id,
                due_on,
                theme_id,
                note_id,
            };
            actions::create(&state.db, workshop_id, &who, &form).await?;
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "set_action_status")]
pub async fn set_action_status(action_id: i64, status: String) -> Result<(), AppError> {
    use crate::server::auth;
    use crate::server::services::actions;
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            actions::set_status(&state.db, action_id, &person, &status).await
        }
        .await,
    )
}

/// The signed-in person's actions, soonest due first.
#[server(endpoint = "my_actions")]
pub async fn get_my_actions() -> Result<Vec<ActionView>, AppError> {
    use crate::server::auth;
    use crate::server::services::actions::{self, Listing};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            let today = chrono::Utc::now().date_naive();
            actions::list(
                &state.db,
                Listing::OwnedBy(person.id),
                Some(person.id),
                today,
            )
            .await
        }
        .await,
    )
}

/// Active members (and the project team) see a space's archive: what was held, who came,
/// its themes and open actions. A workshop's report stays with its participants and the
/// space's members.
#[server(endpoint = "space_workshops")]
pub async fn get_space_workshops(slug: String, q: String) -> Result<SpaceWorkshops, AppError> {
    use crate::server::{auth, services::workshops::archive};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            let today = chrono::Utc::now().date_naive();
            archive::space_workshops(&state.db, &person, &slug, &q, today).await
        }
        .await,
    )
}

/// Save the workshop's agenda as a template (its facilitator).
#[server(endpoint = "save_template")]
pub async fn save_template(
    workshop_id: i64,
    name: String,
    description: String,
) -> Result<i64, AppError> {
    use crate::server::auth;
    use crate::server::services::workshops::templates;
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::signed_in(&state).await?;
            templates::save(&state.db, workshop_id, &who, &name, &description).await
        }
        .await,
    )
}
