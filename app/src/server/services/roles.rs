//! Roles held in a space for a period: the project team appoints conveners (12-month
//! terms by default, renewable); conveners and the project team appoint stewards.
use crate::domain::audit::AuditAction;
use crate::domain::membership::{Action, MembershipStatus};
use crate::domain::structure::{RoleKind, SpaceKind};
use crate::error::{AppError, Validation};
use crate::server::entities::{member, person, role, space};
use crate::server::services::audit::{self, Entry};
use crate::server::services::membership::{self, REASON_MAX};
use chrono::{Months, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

pub const CONVENER_TERM_MONTHS: u32 = 12;

/// Which role a space's appointments are for, and the permission they need.
pub fn appointable(kind: SpaceKind) -> Option<(RoleKind, Action)> {
    match kind {
        SpaceKind::Region => Some((RoleKind::Convener, Action::AppointConvener)),
        SpaceKind::StewardshipGroup => Some((RoleKind::Steward, Action::AppointSteward)),
        _ => None,
    }
}

pub struct Appointment {
    pub person_id: i64,
    pub starts_on: String,
    pub ends_on: String,
    pub reason: String,
}

fn parse_date(field: &str, raw: &str, what: &str) -> Result<Option<NaiveDate>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            AppError::invalid(
                field,
                format!("Enter the {what} as a date, e.g. 2027-03-31."),
            )
        })
}

fn label(kind: RoleKind) -> &'static str {
    kind.label()
}

pub async fn appoint(
    db: &DatabaseConnection,
    actor_id: i64,
    space_slug: &str,
    a: &Appointment,
) -> Result<role::Model, AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let space = space::Entity::find()
        .filter(space::Column::Slug.eq(space_slug))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such space.".into()))?;
    let kind = SpaceKind::from_code(&space.kind).ok_or(AppError::Internal)?;
    let (role_kind, action) = appointable(kind).ok_or_else(|| {
        AppError::invalid(
            "person_id",
            "Roles are not appointed in this kind of space.",
        )
    })?;
    membership::authorise(&txn, actor_id, action, &space).await?;

    let today = Utc::now().date_naive();
    let mut v = Validation::default();
    let starts_on = v
        .check(parse_date("starts_on", &a.starts_on, "start date"))
        .flatten()
        .unwrap_or(today);
    let default_end = (role_kind == RoleKind::Convener)
        .then(|| starts_on.checked_add_months(Months::new(CONVENER_TERM_MONTHS)))
        .flatten();
    let ends_on = v
        .check(parse_date("ends_on", &a.ends_on, "end date"))
        .flatten()
        .or(default_end);
    if ends_on.is_some_and(|end| end <= starts_on) {
        v.refuse("ends_on", "The term must end after it starts.");
    }
    if a.reason.trim().chars().count() > REASON_MAX {
        v.refuse(
            "reason",
            format!("A reason can be at most {REASON_MAX} characters."),
        );
    }
    // The appointee's id comes from the browser: they must be an active member of the
    // region this space belongs to, as the form's list offers, not any member anywhere.
    let region_id = membership::scope(&txn, &space).await?.region_id;
    let target = member::Entity::find_by_id(a.person_id).one(&txn).await?;
    if target.as_ref().is_none_or(|m| {
        m.status != MembershipStatus::Active.code()
            || (region_id.is_some() && m.home_region_id != region_id)
    }) {
        v.refuse("person_id", "Choose an active member of this region.");
    }
    v.finish()?;
    let who = person::Entity::find_by_id(a.person_id)
        .one(&txn)
        .await?
        .ok_or(AppError::Internal)?;
    let created = role::ActiveModel {
        person_id: Set(who.id),
        space_id: Set(space.id),
        kind: Set(role_kind.code().into()),
        starts_on: Set(starts_on),
        ends_on: Set(ends_on),
        appointed_by: Set(Some(actor_id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let term = match ends_on {
        Some(end) => format!(" from {starts_on} to {end}"),
        None => format!(" from {starts_on}"),
    };
    audit::record(
        &txn,
        Entry {
            actor_id: Some(actor_id),
            space_id: Some(space.id),
            subject_person_id: Some(who.id),
            action: AuditAction::RoleAppointed,
            summary: format!(
                "{} was appointed {} of {}{term}",
                who.name,
                label(role_kind).to_lowercase(),
                space.name
            ),
            reason: Some(a.reason.trim().to_owned()).filter(|r| !r.is_empty()),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// End a role today, or renew a convener's term for another twelve months.
pub async fn change_term(
    db: &DatabaseConnection,
    actor_id: i64,
    role_id: i64,
    renew: bool,
) -> Result<(), AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let held = role::Entity::find_by_id(role_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such role.".into()))?;
    let space = space::Entity::find_by_id(held.space_id)
        .one(&txn)
        .await?
        .ok_or(AppError::Internal)?;
    let kind = SpaceKind::from_code(&space.kind).ok_or(AppError::Internal)?;
    let (role_kind, action) = appointable(kind).ok_or(AppError::Forbidden)?;
    if held.kind != role_kind.code() {
        return Err(AppError::Forbidden);
    }
    membership::authorise(&txn, actor_id, action, &space).await?;
    let today = Utc::now().date_naive();
    if held.ends_on.is_some_and(|end| end < today) {
        return Err(AppError::conflict(
            "role_id",
            "This term has already ended.",
        ));
    }
    let who = person::Entity::find_by_id(held.person_id)
        .one(&txn)
        .await?
        .ok_or(AppError::Internal)?;
    let new_end = if renew {
        let from = held.ends_on.unwrap_or(today);
        from.checked_add_months(Months::new(CONVENER_TERM_MONTHS))
    } else {
        // Ending today means it grants nothing from tomorrow; a term that has not started
        // yet ends the day before it would have started.
        Some(today.max(held.starts_on).pred_opt().unwrap_or(today))
    };
    let mut r: role::ActiveModel = held.into();
    r.ends_on = Set(new_end);
    r.update(&txn).await?;
    audit::record(
        &txn,
        Entry {
            actor_id: Some(actor_id),
            space_id: Some(space.id),
            subject_person_id: Some(who.id),
            action: if renew {
                AuditAction::RoleRenewed
            } else {
                AuditAction::RoleEnded
            },
            summary: match (renew, new_end) {
                (true, Some(end)) => format!(
                    "{}'s term as {} was renewed to {end}",
                    who.name,
                    label(role_kind).to_lowercase()
                ),
                _ => format!(
                    "{}'s term as {} of {} was ended",
                    who.name,
                    label(role_kind).to_lowercase(),
                    space.name
                ),
            },
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::services::{accounts, demo, spaces};
    use crate::server::testing::for_each_database;
    use sea_orm::{ColumnTrait, QueryFilter};

    async fn id(db: &DatabaseConnection, email: &str) -> i64 {
        accounts::find_by_email(db, email)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// `person_id`'s role in West of England (the demo's convener's term).
    async fn west_convener_term(db: &DatabaseConnection, person_id: i64) -> role::Model {
        let west = crate::server::services::membership::region_by_slug(db, "west-of-england")
            .await
            .unwrap();
        role::Entity::find()
            .filter(role::Column::PersonId.eq(person_id))
            .filter(role::Column::SpaceId.eq(west.id))
            .one(db)
            .await
            .unwrap()
            .unwrap()
    }

    fn appointment(person_id: i64, ends_on: &str) -> Appointment {
        Appointment {
            person_id,
            starts_on: String::new(),
            ends_on: ends_on.into(),
            reason: "Elected by the region".into(),
        }
    }

    #[tokio::test]
    async fn project_team_appoints_a_convener_whose_term_shows_on_the_region_page() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let priya = id(&db, "priya@demo.q-commons.org").await;
            let grace = id(&db, "grace.lin@members.demo.q-commons.org").await;
            let end = Utc::now().date_naive() + chrono::Duration::days(30);
            appoint(
                &db,
                priya,
                "south-west",
                &appointment(grace, &end.to_string()),
            )
            .await
            .unwrap();
            let page = spaces::page(&db, &Default::default(), "south-west", Some(priya))
                .await
                .unwrap();
            let grace_role = page.roles.iter().find(|r| r.name == "Grace Lin").unwrap();
            assert_eq!(grace_role.role, "Convener");
            assert_eq!(grace_role.days_left, Some(30));
            assert!(grace_role.renewable);
            assert!(
                page.appoint.is_some(),
                "the project team sees the appointment form"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_convener_term_is_twelve_months_unless_said_otherwise() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let priya = id(&db, "priya@demo.q-commons.org").await;
            let grace = id(&db, "grace.lin@members.demo.q-commons.org").await;
            let role = appoint(&db, priya, "south-west", &appointment(grace, ""))
                .await
                .unwrap();
            assert_eq!(
                role.ends_on,
                role.starts_on.checked_add_months(Months::new(12))
            );
            change_term(&db, priya, role.id, true).await.unwrap();
            let renewed = role::Entity::find_by_id(role.id)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                renewed.ends_on,
                role.starts_on.checked_add_months(Months::new(24))
            );
        })
        .await;
    }

    #[tokio::test]
    async fn convener_cannot_appoint_a_convener_but_appoints_stewards_in_own_region() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = id(&db, "hein@demo.q-commons.org").await;
            let aisha = id(&db, "aisha.rahman@members.demo.q-commons.org").await;
            let err = appoint(&db, hein, "west-of-england", &appointment(aisha, ""))
                .await
                .unwrap_err();
            assert_eq!(err, AppError::Forbidden);
            let steward = appoint(
                &db,
                hein,
                "west-of-england-stewardship-group",
                &appointment(aisha, ""),
            )
            .await
            .unwrap();
            assert_eq!((steward.kind.as_str(), steward.ends_on), ("steward", None));
            let elsewhere = appoint(
                &db,
                hein,
                "south-west-stewardship-group",
                &appointment(aisha, ""),
            )
            .await;
            assert_eq!(elsewhere.unwrap_err(), AppError::Forbidden);
        })
        .await;
    }

    #[tokio::test]
    async fn lapsed_convener_cannot_appoint() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = id(&db, "hein@demo.q-commons.org").await;
            let priya = id(&db, "priya@demo.q-commons.org").await;
            let aisha = id(&db, "aisha.rahman@members.demo.q-commons.org").await;
            let heins_role = west_convener_term(&db, hein).await;
            change_term(&db, priya, heins_role.id, false).await.unwrap();
            let err = appoint(
                &db,
                hein,
                "west-of-england-stewardship-group",
                &appointment(aisha, ""),
            )
            .await;
            assert_eq!(err.unwrap_err(), AppError::Forbidden);
            let page = spaces::page(&db, &Default::default(), "west-of-england", None)
                .await
                .unwrap();
            assert!(
                page.roles.iter().all(|r| r.name != "Hein le Roux"),
                "an ended term is not shown as current"
            );
        })
        .await;
    }

    /// Ending or renewing a term is for whoever may appoint to that space: a convener ends
    /// a steward of their own region, never a convener (their own term included), never a
    /// steward of another region; a member, a stranger and a made-up role are refused; a
    /// refusal changes nothing.
    #[tokio::test]
    async fn only_those_who_appoint_may_end_or_renew_a_term() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = id(&db, "hein@demo.q-commons.org").await;
            let helen = id(&db, "helen@demo.q-commons.org").await;
            let sam = id(&db, "sam@demo.q-commons.org").await;
            let aisha = id(&db, "aisha.rahman@members.demo.q-commons.org").await;
            let stranger =
                accounts::register(&db, "Olly", "olly@example.org", "a long enough password")
                    .await
                    .unwrap();
            let steward = appoint(
                &db,
                hein,
                "west-of-england-stewardship-group",
                &appointment(aisha, ""),
            )
            .await
            .unwrap();
            let heins_term = west_convener_term(&db, hein).await;
            let before = role::Entity::find().all(&db).await.unwrap();
            for (who, role_id, renew, what) in [
                (
                    hein,
                    heins_term.id,
                    true,
                    "a convener renewing their own term",
                ),
                (
                    hein,
                    heins_term.id,
                    false,
                    "a convener ending their own term",
                ),
                (helen, steward.id, false, "another region's convener"),
                (sam, steward.id, false, "a steward ending another steward"),
                (
                    stranger.id,
                    steward.id,
                    false,
                    "someone who is not a member",
                ),
            ] {
                let err = change_term(&db, who, role_id, renew).await.unwrap_err();
                assert_eq!(err, AppError::Forbidden, "{what}");
            }
            let err = change_term(&db, hein, 999_999, false).await.unwrap_err();
            assert!(matches!(err, AppError::NotFound(_)), "{err:?}");
            assert_eq!(role::Entity::find().all(&db).await.unwrap(), before);
            // The convener of the steward's own region may.
            change_term(&db, hein, steward.id, false).await.unwrap();
            let ended = role::Entity::find_by_id(steward.id)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert!(
                ended
                    .ends_on
                    .is_some_and(|end| end < Utc::now().date_naive())
            );
        })
        .await;
    }

    #[tokio::test]
    async fn bad_appointments_are_refused_whole_and_change_nothing() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let priya = id(&db, "priya@demo.q-commons.org").await;
            let outsider =
                accounts::register(&db, "Olly", "olly@example.org", "a long enough password")
                    .await
                    .unwrap();
            let before = role::Entity::find().all(&db).await.unwrap().len();
            let bad = Appointment {
                person_id: outsider.id,
                starts_on: "2027-05-01".into(),
                ends_on: "2027-04-01".into(),
                reason: String::new(),
            };
            let err = appoint(&db, priya, "south-west", &bad).await.unwrap_err();
            let fields: Vec<_> = err
                .field_errors()
                .iter()
                .map(|e| e.field.as_str())
                .collect();
            assert_eq!(fields, ["ends_on", "person_id"]);
            let garbled = Appointment {
                starts_on: "next tuesday".into(),
                ..bad
            };
            assert!(
                appoint(&db, priya, "south-west", &garbled)
                    .await
                    .unwrap_err()
                    .message_for("starts_on")
                    .is_some()
            );
            assert_eq!(role::Entity::find().all(&db).await.unwrap().len(), before);
        })
        .await;
    }
}
