//! Reflection: what worked, what to change, what each learned; named or not.
use crate::domain::workshop::ActivityKind;
use crate::domain::workshop::board::Fact;
use crate::domain::workshop::responses::{REFLECTION_MAX, ReflectionPrompt};
use crate::error::AppError;
use crate::server::auth::Who;
use crate::server::entities::workshop_reflection;
use crate::server::live::Live;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use std::collections::HashMap;

use super::lookup::{Acting, acting, open_activity};
use super::snapshot::reflection_fact;
use super::text;
use crate::server::db::conflict_on_unique;

/// Add a reflection answer in the open reflection. Like a note, the same `client_key`
/// twice stores it once. `anonymous` leaves the name off for everyone.
pub struct ReflectionForm {
    /// A [`ReflectionPrompt`] code.
    pub prompt: String,
    pub body: String,
    pub anonymous: bool,
    pub client_key: String,
}

pub async fn reflect(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    f: &ReflectionForm,
) -> Result<i64, AppError> {
    let anonymous = f.anonymous;
    let prompt = ReflectionPrompt::from_code(&f.prompt).ok_or_else(|| {
        AppError::invalid(
            "prompt",
            "Choose what worked, what to change or what you learned.",
        )
    })?;
    let body = text("body", &f.body, "your reflection", REFLECTION_MAX, true)?;
    let key = super::client_key(&f.client_key, "A reflection")?;
    let mut me_id = None;
    let stored = live
        .write(db, workshop_id, async |txn| {
            let Acting {
                actor,
                activities,
                stage,
                ..
            } = acting(txn, workshop_id, who).await?;
            let me = actor.participant()?;
            me_id = Some(me.id);
            if let Some(id) = reflection_by_key(txn, me.id, key).await? {
                return Ok((id, vec![]));
            }
            let activity = open_activity(&activities, &stage, ActivityKind::Reflection)?;
            let r = workshop_reflection::ActiveModel {
                workshop_id: Set(workshop_id),
                activity_id: Set(activity.id),
                participant_id: Set(me.id),
                prompt: Set(prompt.code().to_owned()),
                body: Set(body.clone()),
                anonymous: Set(anonymous),
                client_key: Set(key.to_owned()),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(txn)
            .await
            .map_err(conflict_on_unique(
                "client_key",
                "That reflection was already sent.",
            ))?;
            let names = HashMap::from([(me.id, me.display_name.clone())]);
            Ok((
                r.id,
                vec![Fact::ReflectionSaved(reflection_fact(&r, &names))],
            ))
        })
        .await;
    super::stored_once(stored, me_id, async |me| {
        reflection_by_key(db, me, key).await
    })
    .await
}

/// The reflection a participant already sent with this key.
async fn reflection_by_key(
    db: &impl ConnectionTrait,
    participant_id: i64,
    key: &str,
) -> Result<Option<i64>, AppError> {
    Ok(workshop_reflection::Entity::find()
        .filter(workshop_reflection::Column::ParticipantId.eq(participant_id))
        .filter(workshop_reflection::Column::ClientKey.eq(key))
        .one(db)
        .await?
        .map(|r| r.id))
}

/// Take back one's own reflection while the reflection is open; the facilitator may
/// remove any.
pub async fn remove_reflection(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    reflection_id: i64,
) -> Result<(), AppError> {
    live.write(db, workshop_id, async |txn| {
        let Acting {
            actor,
            activities,
            stage,
            ..
        } = acting(txn, workshop_id, who).await?;
        let r = workshop_reflection::Entity::find_by_id(reflection_id)
            .filter(workshop_reflection::Column::WorkshopId.eq(workshop_id))
            .one(txn)
            .await?
            .ok_or_else(|| AppError::NotFound("That reflection is not in this workshop.".into()))?;
        if !actor.facilitator {
            let me = actor.participant()?;
            if r.participant_id != me.id {
                return Err(AppError::Forbidden);
            }
            let open = open_activity(&activities, &stage, ActivityKind::Reflection)?;
            if open.id != r.activity_id {
                return Err(AppError::invalid(
                    "reflection",
                    "That reflection is closed.",
                ));
            }
        }
        workshop_reflection::Entity::delete_by_id(r.id)
            .exec(txn)
            .await?;
        Ok(((), vec![Fact::ReflectionRemoved { id: r.id }]))
    })
    .await
}
