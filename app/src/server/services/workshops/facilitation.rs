//! The facilitator's controls and settings.
use crate::domain::workshop::board::{Fact, Settings};
use crate::domain::workshop::{Control, Stage};
use crate::error::AppError;
use crate::server::auth::Who;
use crate::server::entities::{workshop, workshop_note, workshop_reflection};
use crate::server::live::Live;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

use super::lookup::{actor, by_id, facilitated, qr_svg};
use super::snapshot::board;
use crate::model::workshops::FacilitatorPage;
use crate::server::Config;

/// The facilitator's controls: start, advance, back, lock, reveal, timer.
pub async fn control(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    control: Control,
) -> Result<Stage, AppError> {
    live.write(db, workshop_id, async |txn| {
        let (w, _, stage) = facilitated(txn, workshop_id, who).await?;
        let next = stage.apply(control)?;
        let finished_at = match (stage.finished, next.finished) {
            (false, true) => Some(Utc::now()),
            (true, true) => w.finished_at,
            _ => None,
        };
        let mut active: workshop::ActiveModel = w.into();
        active.current_index = Set(next.current.map(|i| i as i32));
        active.finished = Set(next.finished);
        active.finished_at = Set(finished_at);
        active.locked = Set(next.locked);
        active.revealed = Set(next.revealed);
        active.timer_ends_at_ms = Set(next.timer_ends_at_ms);
        active.update(txn).await?;
        Ok((next.clone(), vec![Fact::Staged(next)]))
    })
    .await
}

/// Longest a join code may keep working after the workshop finished, in days.
pub const CODE_DAYS_MAX: u16 = 90;

/// Change the workshop's settings. Anonymity, once on, stays on after anyone has posted a
/// note or a reflection: they wrote trusting no name would show.
pub async fn update_settings(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    settings: Settings,
) -> Result<(), AppError> {
    if settings.code_days > CODE_DAYS_MAX {
        return Err(AppError::invalid(
            "code_days",
            format!("A join code can keep working for at most {CODE_DAYS_MAX} days."),
        ));
    }
    live.write(db, workshop_id, async |txn| {
        let (w, _, _) = facilitated(txn, workshop_id, who).await?;
        if w.anonymous && !settings.anonymous && anyone_wrote(txn, w.id).await? {
            return Err(AppError::invalid(
                "anonymous",
                "People have written trusting that no names show, so anonymity stays on.",
            ));
        }
        let mut active: workshop::ActiveModel = w.into();
        active.code_days = Set(i32::from(settings.code_days));
        active.anonymous = Set(settings.anonymous);
        active.notes_visible = Set(settings.notes_visible);
        active.results_live = Set(settings.results_live);
        active.participants_theme = Set(settings.participants_theme);
        active.update(txn).await?;
        Ok(((), vec![Fact::SettingsChanged(settings)]))
    })
    .await
}

/// Whether anyone has posted a note or a reflection in the workshop.
async fn anyone_wrote(db: &impl ConnectionTrait, workshop_id: i64) -> Result<bool, AppError> {
    use sea_orm::PaginatorTrait;
    let notes = workshop_note::Entity::find()
        .filter(workshop_note::Column::WorkshopId.eq(workshop_id))
        .count(db)
        .await?;
    let reflections = workshop_reflection::Entity::find()
        .filter(workshop_reflection::Column::WorkshopId.eq(workshop_id))
        .count(db)
        .await?;
    Ok(notes + reflections > 0)
}

/// The facilitator's page: the board, the join address and its QR code.
pub async fn facilitator_page(
    db: &DatabaseConnection,
    config: &Config,
    workshop_id: i64,
    who: &Who,
) -> Result<FacilitatorPage, AppError> {
    let w = by_id(db, workshop_id).await?;
    let actor = actor(db, &w, who).await?;
    actor.facilitator()?;
    let join_url = config.link(&format!("/w/{}", w.join_code));
    Ok(FacilitatorPage {
        board: board(db, w.id, actor.viewer()).await?,
        purpose: w.purpose,
        qr_svg: qr_svg(&join_url)?,
        join_url,
    })
}
