//! The audit log (Ostrom 4, 5): every membership and role change — who, what, when,
//! in which space, about whom, why. Written in the same transaction as the change.
use crate::domain::audit::AuditAction;
use crate::error::AppError;
use crate::server::entities::audit_log;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

pub struct Entry {
    pub actor_id: Option<i64>,
    pub space_id: Option<i64>,
    pub subject_person_id: Option<i64>,
    pub action: AuditAction,
    pub summary: String,
    pub reason: Option<String>,
}

pub async fn record(db: &impl ConnectionTrait, entry: Entry) -> Result<(), AppError> {
    audit_log::ActiveModel {
        at: Set(Utc::now()),
        actor_id: Set(entry.actor_id),
        space_id: Set(entry.space_id),
        subject_person_id: Set(entry.subject_person_id),
        action: Set(entry.action.code().to_owned()),
        summary: Set(entry.summary),
        reason: Set(entry.reason),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A step someone took in a space, about no one in particular and with no reason given:
/// the common case of [`record`].
pub async fn in_space(
    db: &impl ConnectionTrait,
    actor_id: i64,
    space_id: i64,
    action: AuditAction,
    summary: String,
) -> Result<(), AppError> {
    record(
        db,
        Entry {
            actor_id: Some(actor_id),
            space_id: Some(space_id),
            subject_person_id: None,
            action,
            summary,
            reason: None,
        },
    )
    .await
}
