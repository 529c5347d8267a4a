//! "Propose this": a proposal started from a theme or an action in a workshop report,
//! linked back to the workshop. Only someone who may read the report may start one from
//! it; the draft's title and text are a starting point the author edits.
use crate::error::AppError;
use crate::server::auth::Who;
use crate::server::entities::{action, person, workshop, workshop_note, workshop_theme};
use crate::server::services::workshops::report::access;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

/// Where a proposal comes from in a workshop, and the draft it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkshopSource {
    pub workshop_id: i64,
    pub workshop_title: String,
    pub title: String,
    pub body: String,
}

fn unknown() -> AppError {
    AppError::invalid(
        "from",
        "That theme or action is not in a workshop report you can read.",
    )
}

/// The source `from` names — `theme:ID` or `action:ID`, or "" for none — as `viewer` may
/// read it.
pub async fn source(
    db: &impl ConnectionTrait,
    viewer: &person::Model,
    from: &str,
) -> Result<Option<WorkshopSource>, AppError> {
    let from = from.trim();
    if from.is_empty() {
        return Ok(None);
    }
    let (kind, id) = from.split_once(':').ok_or_else(unknown)?;
    let id: i64 = id.parse().map_err(|_| unknown())?;
    let (workshop_id, title, what) = match kind {
        "theme" => {
            let t = workshop_theme::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(unknown)?;
            let notes = workshop_note::Entity::find()
                .filter(workshop_note::Column::ThemeId.eq(t.id))
                .count(db)
                .await?;
            let what = format!(
                "the theme “{}” ({notes} note{})",
                t.name,
                if notes == 1 { "" } else { "s" }
            );
            (t.workshop_id, t.name, what)
        }
        "action" => {
            let a = action::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or_else(unknown)?;
            let workshop_id = a.workshop_id.ok_or_else(unknown)?;
            let what = format!("the action “{}”", a.title);
            (workshop_id, a.title, what)
        }
        _ => return Err(unknown()),
    };
    let w = workshop::Entity::find_by_id(workshop_id)
        .one(db)
        .await?
        .ok_or_else(unknown)?;
    let who = Who {
        person: Some(viewer.clone()),
        device_token: None,
    };
    access(db, &w, &who).await.map_err(|_| unknown())?;
    let body = format!(
        "This comes from the workshop “{}” held on {}: {what}.\n\n[Read the workshop report](/workshops/{}/report)\n\n",
        w.title,
        w.held_on.format("%-d %B %Y"),
        w.id
    );
    Ok(Some(WorkshopSource {
        workshop_id: w.id,
        workshop_title: w.title,
        title,
        body,
    }))
}
