//! What workshops leave behind: the report, actions and their status, the space's
//! workshop archive, and agenda templates.
use crate::domain::action::ActionView;
use crate::domain::workshop::ActivityKind;
use crate::domain::workshop::board::Turnout;
use crate::domain::workshop::report::Report;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A template as offered when starting a workshop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateChoice {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// The kinds of activity in order: the shape of the agenda.
    pub steps: Vec<ActivityKind>,
    /// Shipped with the platform, not saved by a member.
    pub shipped: bool,
}

/// A workshop in its space's archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveEntry {
    pub id: i64,
    pub title: String,
    pub held_on: chrono::NaiveDate,
    pub finished: bool,
    pub turnout: Turnout,
    pub themes: Vec<String>,
    pub open_actions: u32,
    pub overdue_actions: u32,
}

/// A workshop's report page: the report, and for its facilitator what creating an action
/// needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportPage {
    pub report: Report,
    /// (person id, name) of members who may own an action; set for the facilitator only.
    pub owners: Option<Vec<(i64, String)>>,
    /// (kind and id like `theme:4` or `note:9`, words) an action may come from.
    pub sources: Vec<(String, String)>,
}

#[server(endpoint = "report_page")]
pub async fn get_report_page(workshop_id: i64) -> Result<ReportPage, AppError> {
    use crate::server::auth;
    use crate::server::services::{actions, workshops};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = crate::api::workshops::who(&state).await?;
            let today = chrono::Utc::now().date_naive();
            let input = workshops::report::input(
                &state.db,
                workshop_id,
                &who,
                today,
                workshops::report::Detail::Summary,
            )
            .await?;
            let w = workshops::by_id(&state.db, workshop_id).await?;
            let facilitating = who
                .person
                .as_ref()
                .is_some_and(|p| p.id == w.facilitator_id);
            let owners = if facilitating {
                Some(actions::owner_choices(&state.db, &w).await?)
            } else {
                None
            };
            let mut sources: Vec<(String, String)> = input
                .themes
                .iter()
                .map(|t| (format!("theme:{}", t.id), format!("Theme: {}", t.name)))
                .collect();
            sources.extend(input.notes.iter().take(500).map(|n| {
                let short: String = n.3.chars().take(60).collect();
                (format!("note:{}", n.0), format!("Note: {short}"))
            }));
            Ok(ReportPage {
                report: input.report(),
                owners,
                sources: if facilitating { sources } else { Vec::new() },
            })
        }
        .await,
    )
}

/// Whoever is asking, who must be signed in.
#[cfg(feature = "ssr")]
async fn signed_in(
    state: &crate::server::AppState,
) -> Result<crate::server::services::workshops::Who, AppError> {
    let who = crate::api::workshops::who(state).await?;
    if who.person.is_none() {
        return Err(AppError::Unauthenticated);
    }
    Ok(who)
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
            let who = signed_in(&state).await?;
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

/// A space's workshops and actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceWorkshops {
    pub name: String,
    pub slug: String,
    pub workshops: Vec<ArchiveEntry>,
    pub actions: Vec<ActionView>,
}

/// Any signed-in member sees a space's archive: what was held, who came, its themes and
/// open actions. A workshop's report stays with its participants and the space's members.
#[server(endpoint = "space_workshops")]
pub async fn get_space_workshops(slug: String, q: String) -> Result<SpaceWorkshops, AppError> {
    use crate::server::auth;
    use crate::server::entities::space;
    use crate::server::services::actions::{self, Listing};
    use crate::server::services::workshops::archive;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            let s = space::Entity::find()
                .filter(space::Column::Slug.eq(slug.trim()))
                .one(&state.db)
                .await?
                .ok_or_else(|| AppError::NotFound("There is no such space.".into()))?;
            let today = chrono::Utc::now().date_naive();
            Ok(SpaceWorkshops {
                workshops: archive::list(&state.db, s.id, &q, today).await?,
                actions: actions::list(&state.db, Listing::InSpace(s.id), Some(person.id), today)
                    .await?,
                name: s.name,
                slug: s.slug,
            })
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
            let who = signed_in(&state).await?;
            templates::save(&state.db, workshop_id, &who, &name, &description).await
        }
        .await,
    )
}
