//! Themes: grouping notes, by the facilitator and, where allowed, the participants.
use super::lookup::{Acting, acting, facilitated, open_activity};
use super::notes::{note_in, remove_dots_on};
use super::text;
use crate::domain::workshop::ActivityKind;
use crate::domain::workshop::board::{Fact, THEME_MAX, Theme, VoteTarget};
use crate::error::AppError;
use crate::server::auth::Who;
use crate::server::entities::{workshop_note, workshop_theme};
use crate::server::live::Live;
use chrono::Utc;
use sea_orm::prelude::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

/// Themes are the facilitator's, and the participants' too where the facilitator allows
/// it during grouping — participants only: someone who merely knows the workshop's id is
/// refused by [`acting`] before this is asked.
fn may_theme(a: &Acting) -> Result<(), AppError> {
    if a.actor.facilitator {
        return Ok(());
    }
    a.actor.participant()?;
    if !a.workshop.participants_theme {
        return Err(AppError::Forbidden);
    }
    open_activity(&a.activities, &a.stage, ActivityKind::Grouping).map(|_| ())
}

pub async fn create_theme(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    name: &str,
) -> Result<i64, AppError> {
    let name = text("name", name, "a name for the theme", THEME_MAX, true)?;
    live.write(db, workshop_id, async |txn| {
        may_theme(&acting(txn, workshop_id, who).await?)?;
        let t = workshop_theme::ActiveModel {
            workshop_id: Set(workshop_id),
            name: Set(name.clone()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        Ok((
            t.id,
            vec![Fact::ThemeSaved(Theme {
                id: t.id,
                name: t.name,
            })],
        ))
    })
    .await
}

pub async fn remove_theme(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    theme_id: i64,
) -> Result<(), AppError> {
    live.write(db, workshop_id, async |txn| {
        let (_, activities, _) = facilitated(txn, workshop_id, who).await?;
        let theme = workshop_theme::Entity::find_by_id(theme_id)
            .filter(workshop_theme::Column::WorkshopId.eq(workshop_id))
            .one(txn)
            .await?
            .ok_or_else(|| AppError::NotFound("That theme is not in this workshop.".into()))?;
        workshop_note::Entity::update_many()
            .col_expr(
                workshop_note::Column::ThemeId,
                Expr::value(Option::<i64>::None),
            )
            .filter(workshop_note::Column::ThemeId.eq(theme.id))
            .exec(txn)
            .await?;
        remove_dots_on(txn, &activities, VoteTarget::Themes, theme.id).await?;
        workshop_theme::Entity::delete_by_id(theme.id)
            .exec(txn)
            .await?;
        Ok(((), vec![Fact::ThemeRemoved { id: theme.id }]))
    })
    .await
}

/// Put a note into a theme (or take it out, with `None`).
pub async fn move_note(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    note_id: i64,
    theme_id: Option<i64>,
) -> Result<(), AppError> {
    live.write(db, workshop_id, async |txn| {
        may_theme(&acting(txn, workshop_id, who).await?)?;
        let note = note_in(txn, workshop_id, note_id).await?;
        if let Some(t) = theme_id {
            workshop_theme::Entity::find_by_id(t)
                .filter(workshop_theme::Column::WorkshopId.eq(workshop_id))
                .one(txn)
                .await?
                .ok_or_else(|| AppError::invalid("theme", "Choose a theme of this workshop."))?;
        }
        if note.theme_id == theme_id {
            return Ok(((), vec![]));
        }
        let mut active: workshop_note::ActiveModel = note.into();
        active.theme_id = Set(theme_id);
        active.update(txn).await?;
        Ok((
            (),
            vec![Fact::NoteThemed {
                id: note_id,
                theme_id,
            }],
        ))
    })
    .await
}
