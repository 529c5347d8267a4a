//! Notes in idea capture: posting (once, however often it is sent), editing, removing.
use crate::domain::workshop::ActivityKind;
use crate::domain::workshop::board::{Activity, Fact, NOTE_MAX, VoteTarget};
use crate::error::AppError;
use crate::server::auth::Who;
use crate::server::entities::{workshop_dot, workshop_note};
use crate::server::live::Live;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, Set,
};
use std::collections::HashMap;

use super::lookup::{Acting, acting, open_activity};
use super::snapshot::note_fact;
use super::text;
use crate::server::db::conflict_on_unique;

fn note_body(body: &str) -> Result<String, AppError> {
    text("body", body, "your note", NOTE_MAX, true)
}

/// Post a note in the open idea capture. Sending the same `client_key` again returns the
/// note already stored: a retry after a lost connection never doubles it.
pub async fn post_note(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    body: &str,
    client_key: &str,
) -> Result<i64, AppError> {
    let body = note_body(body)?;
    let key = super::client_key(client_key, "A note")?;
    let mut me_id = None;
    let stored = live
        .write(db, workshop_id, async |txn| {
            let Acting {
                actor,
                activities,
                stage,
                ..
            } = acting(txn, workshop_id, who).await?;
            let me = actor.participant()?.clone();
            me_id = Some(me.id);
            if let Some(existing) = note_by_key(txn, me.id, key).await? {
                return Ok((existing, vec![]));
            }
            let activity = open_activity(&activities, &stage, ActivityKind::IdeaCapture)?;
            let now = Utc::now();
            let n = workshop_note::ActiveModel {
                workshop_id: Set(workshop_id),
                activity_id: Set(activity.id),
                participant_id: Set(me.id),
                body: Set(body.clone()),
                theme_id: Set(None),
                client_key: Set(key.to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await
            .map_err(conflict_on_unique(
                "client_key",
                "That note was already sent.",
            ))?;
            let names = HashMap::from([(me.id, me.display_name.clone())]);
            Ok((n.id, vec![Fact::NoteSaved(note_fact(&n, &names))]))
        })
        .await;
    super::stored_once(stored, me_id, async |me| note_by_key(db, me, key).await).await
}

/// The note a participant already sent with this key.
async fn note_by_key(
    db: &impl ConnectionTrait,
    participant_id: i64,
    key: &str,
) -> Result<Option<i64>, AppError> {
    Ok(workshop_note::Entity::find()
        .filter(workshop_note::Column::ParticipantId.eq(participant_id))
        .filter(workshop_note::Column::ClientKey.eq(key))
        .one(db)
        .await?
        .map(|n| n.id))
}

pub(crate) async fn note_in(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    note_id: i64,
) -> Result<workshop_note::Model, AppError> {
    workshop_note::Entity::find_by_id(note_id)
        .filter(workshop_note::Column::WorkshopId.eq(workshop_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That note is not in this workshop.".into()))
}

/// Change one's own note while its capture is open.
pub async fn edit_note(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    note_id: i64,
    body: &str,
) -> Result<(), AppError> {
    let body = note_body(body)?;
    live.write(db, workshop_id, async |txn| {
        let Acting {
            actor,
            activities,
            stage,
            ..
        } = acting(txn, workshop_id, who).await?;
        let me = actor.participant()?;
        let note = note_in(txn, workshop_id, note_id).await?;
        if note.participant_id != me.id {
            return Err(AppError::Forbidden);
        }
        let open = open_activity(&activities, &stage, ActivityKind::IdeaCapture)?;
        if open.id != note.activity_id {
            return Err(AppError::invalid("body", "That idea capture has closed."));
        }
        let mut active: workshop_note::ActiveModel = note.into();
        active.body = Set(body.clone());
        active.updated_at = Set(Utc::now());
        let n = active.update(txn).await?;
        let names = HashMap::from([(me.id, me.display_name.clone())]);
        Ok(((), vec![Fact::NoteSaved(note_fact(&n, &names))]))
    })
    .await
}

/// Delete one's own note while its capture is open; the facilitator may remove any note
/// at any time.
pub async fn remove_note(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    note_id: i64,
) -> Result<(), AppError> {
    live.write(db, workshop_id, async |txn| {
        let Acting {
            actor,
            activities,
            stage,
            ..
        } = acting(txn, workshop_id, who).await?;
        let note = note_in(txn, workshop_id, note_id).await?;
        if !actor.facilitator {
            let me = actor.participant()?;
            if note.participant_id != me.id {
                return Err(AppError::Forbidden);
            }
            let open = open_activity(&activities, &stage, ActivityKind::IdeaCapture)?;
            if open.id != note.activity_id {
                return Err(AppError::invalid(
                    "workshop",
                    "That idea capture has closed.",
                ));
            }
        }
        remove_dots_on(txn, &activities, VoteTarget::Notes, note.id).await?;
        workshop_note::Entity::delete_by_id(note.id)
            .exec(txn)
            .await?;
        Ok(((), vec![Fact::NoteRemoved { id: note.id }]))
    })
    .await
}

/// Take every dot off an item that is going (a note or a theme, by the votes' target).
pub(crate) async fn remove_dots_on(
    txn: &DatabaseTransaction,
    activities: &[Activity],
    target: VoteTarget,
    item: i64,
) -> Result<(), AppError> {
    let votes = activities
        .iter()
        .filter(|a| a.target == target)
        .map(|a| a.id);
    workshop_dot::Entity::delete_many()
        .filter(workshop_dot::Column::Item.eq(item))
        .filter(workshop_dot::Column::ActivityId.is_in(votes))
        .exec(txn)
        .await?;
    Ok(())
}
