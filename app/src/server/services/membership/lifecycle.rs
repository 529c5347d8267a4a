//! A member's own changes — leaving, moving region — and a convener suspending,
//! marking as lapsed or reinstating, each recorded with a reason.
use super::{REASON_MAX, authorise, optional_text, region_by_slug};
use crate::domain::audit::AuditAction;
use crate::domain::membership::{Action, ApplicationStatus, MembershipStatus};
use crate::error::AppError;
use crate::server::entities::{member, membership_application, person, role, space};
use crate::server::services::audit::{self, Entry};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

/// Leave the community: membership ends, a pending application is withdrawn, and every
/// role held ends today. Nothing is deleted: the history stays.
pub async fn leave(
    db: &DatabaseConnection,
    person: &person::Model,
    reason: &str,
) -> Result<(), AppError> {
    let reason = optional_text("reason", reason, REASON_MAX, "A reason")?;
    let txn = crate::server::db::begin_write(db).await?;
    let m = member::Entity::find_by_id(person.id)
        .one(&txn)
        .await?
        .filter(|m| m.status != MembershipStatus::Left.code())
        .ok_or_else(|| {
            AppError::conflict(
                "reason",
                "You are not a member, so there is nothing to leave.",
            )
        })?;
    let today = Utc::now().date_naive();
    let yesterday = today.pred_opt().unwrap_or(today);
    role::Entity::update_many()
        .col_expr(
            role::Column::EndsOn,
            sea_orm::sea_query::Expr::value(yesterday),
        )
        .filter(role::Column::PersonId.eq(person.id))
        .filter(
            sea_orm::Condition::any()
                .add(role::Column::EndsOn.is_null())
                .add(role::Column::EndsOn.gte(today)),
        )
        .exec(&txn)
        .await?;
    membership_application::Entity::update_many()
        .col_expr(
            membership_application::Column::Status,
            sea_orm::sea_query::Expr::value(ApplicationStatus::Withdrawn.code()),
        )
        // When it stopped waiting (nobody decided it): the dashboard counts what waits.
        .col_expr(
            membership_application::Column::DecidedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(membership_application::Column::PersonId.eq(person.id))
        .filter(membership_application::Column::Status.eq(ApplicationStatus::Pending.code()))
        .exec(&txn)
        .await?;
    let region = m.home_region_id;
    let mut m: member::ActiveModel = m.into();
    m.status = Set(MembershipStatus::Left.code().into());
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    audit::record(
        &txn,
        Entry {
            actor_id: Some(person.id),
            space_id: region,
            subject_person_id: Some(person.id),
            action: AuditAction::MembershipLeft,
            summary: format!("{} left the community", person.name),
            reason,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Move an active member's home to another region; both regions' logs record it.
pub async fn move_region(
    db: &DatabaseConnection,
    person: &person::Model,
    region_slug: &str,
) -> Result<(), AppError> {
    let to = region_by_slug(db, region_slug)
        .await
        .map_err(|_| AppError::invalid("region", "Choose the region you are moving to."))?;
    let txn = crate::server::db::begin_write(db).await?;
    let m = member::Entity::find_by_id(person.id)
        .one(&txn)
        .await?
        .filter(|m| m.status == MembershipStatus::Active.code())
        .ok_or_else(|| AppError::conflict("region", "Only active members can move region."))?;
    if m.home_region_id == Some(to.id) {
        return Err(AppError::invalid("region", "That is already your region."));
    }
    let from = m.home_region_id;
    let mut m: member::ActiveModel = m.into();
    m.home_region_id = Set(Some(to.id));
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    for space_id in [from, Some(to.id)] {
        audit::record(
            &txn,
            Entry {
                actor_id: Some(person.id),
                space_id,
                subject_person_id: Some(person.id),
                action: AuditAction::MembershipMoved,
                summary: format!("{} moved their home region to {}", person.name, to.name),
                reason: None,
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Suspend an active member, or reinstate a suspended one, with a reason — for their home
/// region's convener or the project team. A suspended member's roles grant nothing.
pub async fn set_status(
    db: &DatabaseConnection,
    actor_id: i64,
    person_id: i64,
    to: MembershipStatus,
    reason: &str,
) -> Result<(), AppError> {
    let reason = optional_text("reason", reason, REASON_MAX, "A reason")?.ok_or_else(|| {
        AppError::invalid(
            "reason",
            "Give a reason; the member will see it in their history.",
        )
    })?;
    let txn = crate::server::db::begin_write(db).await?;
    let m = member::Entity::find_by_id(person_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such member.".into()))?;
    let region = match m.home_region_id {
        Some(id) => space::Entity::find_by_id(id).one(&txn).await?,
        None => None,
    }
    .ok_or(AppError::Forbidden)?;
    authorise(&txn, actor_id, Action::ChangeMemberStatus, &region).await?;
    if actor_id == person_id {
        return Err(AppError::Forbidden);
    }
    let from = MembershipStatus::from_code(&m.status).ok_or(AppError::Internal)?;
    if !from.may_become(to) {
        return Err(AppError::conflict(
            "reason",
            format!(
                "A member who is {} cannot become {}.",
                from.label().to_lowercase(),
                to.label().to_lowercase()
            ),
        ));
    }
    let who = person::Entity::find_by_id(person_id)
        .one(&txn)
        .await?
        .ok_or(AppError::Internal)?;
    let mut m: member::ActiveModel = m.into();
    m.status = Set(to.code().into());
    m.updated_at = Set(Utc::now());
    m.update(&txn).await?;
    audit::record(
        &txn,
        Entry {
            actor_id: Some(actor_id),
            space_id: Some(region.id),
            subject_person_id: Some(person_id),
            action: match to {
                MembershipStatus::Suspended => AuditAction::MembershipSuspended,
                MembershipStatus::Lapsed => AuditAction::MembershipLapsed,
                _ => AuditAction::MembershipReinstated,
            },
            summary: format!(
                "{} {}",
                who.name,
                match to {
                    MembershipStatus::Suspended => "was suspended",
                    MembershipStatus::Lapsed => "was marked as lapsed",
                    _ => "was reinstated",
                }
            ),
            reason: Some(reason),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
