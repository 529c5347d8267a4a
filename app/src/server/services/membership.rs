//! Membership services: applying to join a region, deciding applications, and what the
//! permission rules need to know about a person and a space.
use crate::api::membership::{ApplyPage, PendingApplication, RegionChoice};
use crate::domain::membership::{
    Action, Actor, HeldRole, MembershipStatus, Perspective, SpaceScope,
};
use crate::domain::structure::{RoleKind, SpaceKind};
use crate::error::{AppError, Validation};
use crate::server::entities::{
    member, member_perspective, membership_application, person, role, space,
};
use crate::server::services::audit::{self, Entry};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};

pub use crate::domain::membership::REASON_MAX;
pub const ORGANISATION_MAX: usize = 200;
pub const DISCIPLINE_MAX: usize = 120;

const PENDING: &str = "pending";
const APPROVED: &str = "approved";
const DECLINED: &str = "declined";

/// The person's membership status and every role they hold or held.
pub async fn actor(db: &impl ConnectionTrait, person_id: i64) -> Result<Actor, AppError> {
    let status = member::Entity::find_by_id(person_id)
        .one(db)
        .await?
        .and_then(|m| MembershipStatus::from_code(&m.status));
    let roles = role::Entity::find()
        .filter(role::Column::PersonId.eq(person_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(HeldRole {
                kind: RoleKind::from_code(&r.kind)?,
                space_id: r.space_id,
                starts_on: r.starts_on,
                ends_on: r.ends_on,
            })
        })
        .collect();
    Ok(Actor {
        person_id,
        status,
        roles,
    })
}

/// Where a space sits for the rules: its governing region and that region's stewardship group.
pub async fn scope(
    db: &impl ConnectionTrait,
    space: &space::Model,
) -> Result<SpaceScope, AppError> {
    let kind = SpaceKind::from_code(&space.kind).ok_or(AppError::Internal)?;
    let region_id = match kind {
        SpaceKind::Region => Some(space.id),
        SpaceKind::NationalStewardshipGroup => None,
        _ => match space.parent_id {
            Some(parent) => space::Entity::find_by_id(parent)
                .one(db)
                .await?
                .filter(|p| p.kind == SpaceKind::Region.code())
                .map(|p| p.id),
            None => None,
        },
    };
    let stewardship_group_id = match region_id {
        Some(region) => space::Entity::find()
            .filter(space::Column::ParentId.eq(region))
            .filter(space::Column::Kind.eq(SpaceKind::StewardshipGroup.code()))
            .one(db)
            .await?
            .map(|g| g.id),
        None => None,
    };
    Ok(SpaceScope {
        space_id: space.id,
        kind,
        region_id,
        stewardship_group_id,
    })
}

pub async fn region_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<space::Model, AppError> {
    space::Entity::find()
        .filter(space::Column::Slug.eq(slug))
        .filter(space::Column::Kind.eq(SpaceKind::Region.code()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such region.".into()))
}

/// Refuse unless `actor_id` may take `action` in `space` today.
pub async fn authorise(
    db: &impl ConnectionTrait,
    actor_id: i64,
    action: Action,
    space: &space::Model,
) -> Result<(), AppError> {
    let actor = actor(db, actor_id).await?;
    let scope = scope(db, space).await?;
    if actor.may(action, &scope, Utc::now().date_naive()) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Every region, by name.
pub async fn regions(db: &impl ConnectionTrait) -> Result<Vec<space::Model>, AppError> {
    Ok(space::Entity::find()
        .filter(space::Column::Kind.eq(SpaceKind::Region.code()))
        .order_by_asc(space::Column::Name)
        .all(db)
        .await?)
}

pub async fn apply_page(
    db: &DatabaseConnection,
    person: Option<&person::Model>,
) -> Result<ApplyPage, AppError> {
    let regions = regions(db).await?;
    let mut page = ApplyPage {
        regions: regions
            .iter()
            .map(|r| RegionChoice {
                slug: r.slug.clone(),
                name: r.name.clone(),
            })
            .collect(),
        signed_in: person.is_some(),
        status: None,
        pending_region: None,
        declined_reason: None,
    };
    let Some(person) = person else {
        return Ok(page);
    };
    page.status = member::Entity::find_by_id(person.id)
        .one(db)
        .await?
        .map(|m| m.status);
    let last = membership_application::Entity::find()
        .filter(membership_application::Column::PersonId.eq(person.id))
        .order_by_desc(membership_application::Column::Id)
        .one(db)
        .await?;
    if let Some(last) = last {
        let region_name = || {
            regions
                .iter()
                .find(|r| r.id == last.region_id)
                .map(|r| r.name.clone())
        };
        match last.status.as_str() {
            PENDING => page.pending_region = region_name(),
            DECLINED => page.declined_reason = last.decision_reason.clone(),
            _ => {}
        }
    }
    Ok(page)
}

pub struct ApplicationForm {
    pub region_slug: String,
    pub perspectives: Vec<String>,
    pub clinician_discipline: String,
    pub organisation: String,
    pub reason: String,
}

fn optional_text(
    field: &str,
    raw: &str,
    max: usize,
    label: &str,
) -> Result<Option<String>, AppError> {
    let text = raw.trim();
    if text.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("{label} can be at most {max} characters."),
        ));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// A checked application: perspectives, discipline, organisation, and why they apply.
pub type CheckedApplication = (Vec<Perspective>, Option<String>, Option<String>, String);

/// Check an application form whole; the region is looked up by the caller.
pub fn validate_application(form: &ApplicationForm) -> Result<CheckedApplication, AppError> {
    let mut v = Validation::default();
    let mut perspectives: Vec<Perspective> = Vec::new();
    for code in &form.perspectives {
        match Perspective::from_code(code) {
            Some(p) if !perspectives.contains(&p) => perspectives.push(p),
            Some(_) => {}
            None => {
                v.check::<()>(Err(AppError::invalid(
                    "perspectives",
                    "Choose perspectives from the list.",
                )));
            }
        }
    }
    if perspectives.is_empty() && form.perspectives.is_empty() {
        v.check::<()>(Err(AppError::invalid(
            "perspectives",
            "Choose at least one perspective you speak from.",
        )));
    }
    let discipline = v
        .check(optional_text(
            "clinician_discipline",
            &form.clinician_discipline,
            DISCIPLINE_MAX,
            "A discipline",
        ))
        .flatten();
    if perspectives.contains(&Perspective::Clinician) && discipline.is_none() {
        v.check::<()>(Err(AppError::invalid(
            "clinician_discipline",
            "Say which clinical discipline, e.g. nursing or general practice.",
        )));
    }
    let organisation = v
        .check(optional_text(
            "organisation",
            &form.organisation,
            ORGANISATION_MAX,
            "An organisation",
        ))
        .flatten();
    let reason = form.reason.trim();
    if reason.is_empty() {
        v.check::<()>(Err(AppError::invalid(
            "reason",
            "Tell the region why you want to join.",
        )));
    } else if reason.chars().count() > REASON_MAX {
        v.check::<()>(Err(AppError::invalid(
            "reason",
            format!("Your reason can be at most {REASON_MAX} characters."),
        )));
    }
    v.finish()?;
    let discipline = discipline.filter(|_| perspectives.contains(&Perspective::Clinician));
    Ok((perspectives, discipline, organisation, reason.to_owned()))
}

/// Apply to join the community in a region. One pending application at a time;
/// active members cannot apply again.
pub async fn apply(
    db: &DatabaseConnection,
    person: &person::Model,
    form: &ApplicationForm,
) -> Result<(), AppError> {
    let mut v = Validation::default();
    let region = v.check(
        region_by_slug(db, &form.region_slug)
            .await
            .map_err(|_| AppError::invalid("region", "Choose the region you live or work in.")),
    );
    let checked = v.check(validate_application(form));
    v.finish()?;
    let (Some(region), Some((perspectives, discipline, organisation, reason))) = (region, checked)
    else {
        return Err(AppError::Internal);
    };

    let txn = db.begin().await?;
    let existing = member::Entity::find_by_id(person.id).one(&txn).await?;
    if let Some(m) = &existing {
        match MembershipStatus::from_code(&m.status) {
            Some(MembershipStatus::Active) => {
                return Err(AppError::conflict("region", "You are already a member."));
            }
            Some(MembershipStatus::Suspended) => {
                return Err(AppError::conflict(
                    "region",
                    "Your membership is suspended; talk to your region's convener.",
                ));
            }
            _ => {}
        }
    }
    let pending = membership_application::Entity::find()
        .filter(membership_application::Column::PersonId.eq(person.id))
        .filter(membership_application::Column::Status.eq(PENDING))
        .one(&txn)
        .await?;
    if pending.is_some() {
        return Err(AppError::conflict(
            "region",
            "You have already applied; your region will decide soon.",
        ));
    }
    let now = Utc::now();
    let codes: Vec<&str> = perspectives.iter().map(|p| p.code()).collect();
    membership_application::ActiveModel {
        person_id: Set(person.id),
        region_id: Set(region.id),
        perspectives: Set(codes.join(",")),
        clinician_discipline: Set(discipline.clone()),
        organisation: Set(organisation.clone()),
        reason: Set(reason),
        status: Set(PENDING.into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    match existing {
        None => {
            member::ActiveModel {
                person_id: Set(person.id),
                status: Set(MembershipStatus::Applicant.code().into()),
                home_region_id: Set(Some(region.id)),
                organisation: Set(organisation),
                clinician_discipline: Set(discipline),
                bio: Set(String::new()),
                interests: Set(String::new()),
                show_email: Set(false),
                show_organisation: Set(true),
                joined_on: Set(None),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
        }
        // Someone who lapsed or left applies again: they are an applicant once more.
        Some(m) => {
            let mut m: member::ActiveModel = m.into();
            m.status = Set(MembershipStatus::Applicant.code().into());
            m.home_region_id = Set(Some(region.id));
            m.updated_at = Set(now);
            m.update(&txn).await?;
        }
    }
    audit::record(
        &txn,
        Entry {
            actor_id: Some(person.id),
            space_id: Some(region.id),
            subject_person_id: Some(person.id),
            action: "application.submitted",
            summary: format!("{} applied to join {}", person.name, region.name),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn pending_applications(
    db: &DatabaseConnection,
    actor_id: i64,
    region_slug: &str,
) -> Result<Vec<PendingApplication>, AppError> {
    let region = region_by_slug(db, region_slug).await?;
    authorise(db, actor_id, Action::DecideApplication, &region).await?;
    let rows = membership_application::Entity::find()
        .find_also_related(person::Entity)
        .filter(membership_application::Column::RegionId.eq(region.id))
        .filter(membership_application::Column::Status.eq(PENDING))
        .order_by_asc(membership_application::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(a, p)| {
            let p = p?;
            Some(PendingApplication {
                id: a.id,
                person_name: p.name,
                perspectives: a
                    .perspectives
                    .split(',')
                    .filter_map(Perspective::from_code)
                    .map(|p| p.label().to_owned())
                    .collect(),
                organisation: a.organisation,
                reason: a.reason,
                applied_on: a.created_at.format("%-d %B %Y").to_string(),
            })
        })
        .collect())
}

/// Approve or decline a pending application. Declining needs a reason, which the
/// applicant sees. Approval makes the applicant an active member of that region.
pub async fn decide(
    db: &DatabaseConnection,
    actor_id: i64,
    application_id: i64,
    approve: bool,
    reason: &str,
) -> Result<(), AppError> {
    let reason = optional_text("reason", reason, REASON_MAX, "A reason")?;
    if !approve && reason.is_none() {
        return Err(AppError::invalid(
            "reason",
            "Give the applicant a reason for declining.",
        ));
    }
    let txn = db.begin().await?;
    let application = membership_application::Entity::find_by_id(application_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such application.".into()))?;
    let region = space::Entity::find_by_id(application.region_id)
        .one(&txn)
        .await?
        .ok_or(AppError::Internal)?;
    authorise(&txn, actor_id, Action::DecideApplication, &region).await?;
    if application.status != PENDING {
        return Err(AppError::conflict(
            "decision",
            "This application has already been decided.",
        ));
    }
    let applicant = person::Entity::find_by_id(application.person_id)
        .one(&txn)
        .await?
        .ok_or(AppError::Internal)?;
    let now = Utc::now();
    let mut a: membership_application::ActiveModel = application.clone().into();
    a.status = Set(if approve { APPROVED } else { DECLINED }.into());
    a.decided_by = Set(Some(actor_id));
    a.decision_reason = Set(reason.clone());
    a.decided_at = Set(Some(now));
    a.update(&txn).await?;

    if approve {
        let m = member::Entity::find_by_id(applicant.id)
            .one(&txn)
            .await?
            .ok_or(AppError::Internal)?;
        let mut m: member::ActiveModel = m.into();
        m.status = Set(MembershipStatus::Active.code().into());
        m.home_region_id = Set(Some(region.id));
        m.joined_on = Set(Some(now.date_naive()));
        m.organisation = Set(application.organisation.clone());
        m.clinician_discipline = Set(application.clinician_discipline.clone());
        m.updated_at = Set(now);
        m.update(&txn).await?;
        member_perspective::Entity::delete_many()
            .filter(member_perspective::Column::PersonId.eq(applicant.id))
            .exec(&txn)
            .await?;
        let perspectives: Vec<member_perspective::ActiveModel> = application
            .perspectives
            .split(',')
            .filter(|c| Perspective::from_code(c).is_some())
            .map(|code| member_perspective::ActiveModel {
                person_id: Set(applicant.id),
                perspective: Set(code.to_owned()),
            })
            .collect();
        member_perspective::Entity::insert_many(perspectives)
            .exec(&txn)
            .await?;
    }
    audit::record(
        &txn,
        Entry {
            actor_id: Some(actor_id),
            space_id: Some(region.id),
            subject_person_id: Some(applicant.id),
            action: if approve {
                "application.approved"
            } else {
                "application.declined"
            },
            summary: format!(
                "{} {} to join {}",
                applicant.name,
                if approve {
                    "was approved"
                } else {
                    "was declined"
                },
                region.name
            ),
            reason,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Leave the community: membership ends, a pending application is withdrawn, and every
/// role held ends today. Nothing is deleted: the history stays.
pub async fn leave(
    db: &DatabaseConnection,
    person: &person::Model,
    reason: &str,
) -> Result<(), AppError> {
    let reason = optional_text("reason", reason, REASON_MAX, "A reason")?;
    let txn = db.begin().await?;
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
            sea_orm::sea_query::Expr::value("withdrawn"),
        )
        .filter(membership_application::Column::PersonId.eq(person.id))
        .filter(membership_application::Column::Status.eq(PENDING))
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
            action: "membership.left",
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
    let txn = db.begin().await?;
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
                action: "membership.moved",
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
    let txn = db.begin().await?;
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
                MembershipStatus::Suspended => "membership.suspended",
                MembershipStatus::Lapsed => "membership.lapsed",
                _ => "membership.reinstated",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::entities::audit_log;
    use crate::server::services::{accounts, demo, spaces};
    use crate::server::testing::for_each_database;
    use sea_orm::PaginatorTrait;

    const PW: &str = "a long enough password";

    async fn seeded(db: &DatabaseConnection) -> (i64, i64, i64) {
        demo::seed_if_empty(db).await.unwrap();
        let id = |email: &'static str| async move {
            accounts::find_by_email(db, email)
                .await
                .unwrap()
                .unwrap()
                .id
        };
        (
            id("hein@demo.q-commons.org").await,
            id("helen@demo.q-commons.org").await,
            id("sam@demo.q-commons.org").await,
        )
    }

    fn form(region: &str) -> ApplicationForm {
        ApplicationForm {
            region_slug: region.into(),
            perspectives: vec!["carer".into(), "researcher".into()],
            clinician_discipline: String::new(),
            organisation: "University of Bristol".into(),
            reason: "I care for my father and research hospital discharge.".into(),
        }
    }

    async fn applicant(db: &DatabaseConnection, region: &str) -> (person::Model, i64) {
        let p = accounts::register(db, "Cara Carer", "cara@example.org", PW)
            .await
            .unwrap();
        apply(db, &p, &form(region)).await.unwrap();
        let app = membership_application::Entity::find()
            .filter(membership_application::Column::PersonId.eq(p.id))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        (p, app.id)
    }

    #[tokio::test]
    async fn convener_can_approve_applicant_in_own_region() {
        for_each_database(|db| async move {
            let (hein, _, _) = seeded(&db).await;
            let (cara, app) = applicant(&db, "west-of-england").await;
            let before = spaces::page(&db, "west-of-england", None).await.unwrap();
            decide(&db, hein, app, true, "").await.unwrap();
            let m = member::Entity::find_by_id(cara.id)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(m.status, "active");
            assert!(m.joined_on.is_some());
            let after = spaces::page(&db, "west-of-england", None).await.unwrap();
            assert_eq!(after.members, before.members + 1);
            let carers = |p: &crate::api::spaces::SpacePage| {
                p.balance.iter().find(|(l, _)| l == "Carer").unwrap().1
            };
            assert_eq!(carers(&after), carers(&before) + 1);
            let log = audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq("application.approved"))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                (log.actor_id, log.subject_person_id),
                (Some(hein), Some(cara.id))
            );
        })
        .await;
    }

    #[tokio::test]
    async fn convener_cannot_approve_in_another_region() {
        for_each_database(|db| async move {
            let (_, helen, _) = seeded(&db).await;
            let (cara, app) = applicant(&db, "west-of-england").await;
            assert_eq!(
                decide(&db, helen, app, true, "").await.unwrap_err(),
                AppError::Forbidden
            );
            let m = member::Entity::find_by_id(cara.id)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(m.status, "applicant", "nothing changed");
            assert!(
                pending_applications(&db, helen, "west-of-england")
                    .await
                    .is_err()
            );
        })
        .await;
    }

    #[tokio::test]
    async fn steward_can_approve_in_own_region_but_not_another() {
        for_each_database(|db| async move {
            let (_, _, sam) = seeded(&db).await;
            let (_, app) = applicant(&db, "west-of-england").await;
            assert_eq!(
                pending_applications(&db, sam, "west-of-england")
                    .await
                    .unwrap()
                    .len(),
                1
            );
            assert!(pending_applications(&db, sam, "south-west").await.is_err());
            decide(&db, sam, app, true, "").await.unwrap();
        })
        .await;
    }

    #[tokio::test]
    async fn declining_needs_a_reason_the_applicant_then_sees() {
        for_each_database(|db| async move {
            let (hein, _, _) = seeded(&db).await;
            let (cara, app) = applicant(&db, "west-of-england").await;
            let err = decide(&db, hein, app, false, "  ").await.unwrap_err();
            assert_eq!(err.field(), Some("reason"));
            decide(
                &db,
                hein,
                app,
                false,
                "Please apply in the region where you live.",
            )
            .await
            .unwrap();
            let page = apply_page(&db, Some(&cara)).await.unwrap();
            assert_eq!(
                page.declined_reason.as_deref(),
                Some("Please apply in the region where you live.")
            );
            assert_eq!(page.pending_region, None);
            let again = decide(&db, hein, app, true, "").await.unwrap_err();
            assert_eq!(again.status(), 409, "a decided application stays decided");
            // They may apply again.
            apply(&db, &cara, &form("south-west")).await.unwrap();
        })
        .await;
    }

    #[tokio::test]
    async fn an_application_is_checked_whole_and_bad_input_writes_nothing() {
        for_each_database(|db| async move {
            seeded(&db).await;
            let p = accounts::register(&db, "Cara", "cara@example.org", PW)
                .await
                .unwrap();
            let bad = ApplicationForm {
                region_slug: "atlantis".into(),
                perspectives: vec!["clinician".into()],
                clinician_discipline: String::new(),
                organisation: "x".repeat(ORGANISATION_MAX + 1),
                reason: "   ".into(),
            };
            let err = apply(&db, &p, &bad).await.unwrap_err();
            let fields: Vec<_> = err
                .field_errors()
                .iter()
                .map(|e| e.field.as_str())
                .collect();
            assert_eq!(
                fields,
                ["region", "clinician_discipline", "organisation", "reason"]
            );
            let none = ApplicationForm {
                perspectives: vec![],
                ..form("west-of-england")
            };
            assert_eq!(
                apply(&db, &p, &none).await.unwrap_err().field(),
                Some("perspectives")
            );
            let made_up = ApplicationForm {
                perspectives: vec!["wizard".into()],
                ..form("west-of-england")
            };
            assert_eq!(
                apply(&db, &p, &made_up).await.unwrap_err().field(),
                Some("perspectives")
            );
            assert_eq!(
                membership_application::Entity::find()
                    .count(&db)
                    .await
                    .unwrap(),
                0
            );
            assert!(
                member::Entity::find_by_id(p.id)
                    .one(&db)
                    .await
                    .unwrap()
                    .is_none()
            );
        })
        .await;
    }

    #[tokio::test]
    async fn one_pending_application_at_a_time_and_members_cannot_reapply() {
        for_each_database(|db| async move {
            let (hein, _, _) = seeded(&db).await;
            let (cara, app) = applicant(&db, "west-of-england").await;
            assert_eq!(
                apply(&db, &cara, &form("south-west"))
                    .await
                    .unwrap_err()
                    .status(),
                409
            );
            decide(&db, hein, app, true, "").await.unwrap();
            assert_eq!(
                apply(&db, &cara, &form("south-west"))
                    .await
                    .unwrap_err()
                    .status(),
                409
            );
        })
        .await;
    }

    #[tokio::test]
    async fn project_team_can_decide_anywhere() {
        for_each_database(|db| async move {
            seeded(&db).await;
            let priya = accounts::find_by_email(&db, "priya@demo.q-commons.org")
                .await
                .unwrap()
                .unwrap();
            let (_, app) = applicant(&db, "north-east-and-north-cumbria").await;
            decide(&db, priya.id, app, true, "").await.unwrap();
        })
        .await;
    }

    #[tokio::test]
    async fn a_member_can_move_region_and_leave_and_their_roles_end() {
        for_each_database(|db| async move {
            let (_, _, sam) = seeded(&db).await;
            let sam = person::Entity::find_by_id(sam)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                move_region(&db, &sam, "west-of-england")
                    .await
                    .unwrap_err()
                    .field(),
                Some("region")
            );
            move_region(&db, &sam, "south-west").await.unwrap();
            let m = member::Entity::find_by_id(sam.id)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                m.home_region_id,
                Some(region_by_slug(&db, "south-west").await.unwrap().id)
            );

            leave(&db, &sam, "Moving abroad").await.unwrap();
            let m = member::Entity::find_by_id(sam.id)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(m.status, "left");
            let actor = actor(&db, sam.id).await.unwrap();
            let today = Utc::now().date_naive();
            assert!(
                actor.roles.iter().all(|r| !r.is_current(today)),
                "their steward role ended"
            );
            assert_eq!(leave(&db, &sam, "").await.unwrap_err().status(), 409);
            let moved = audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq("membership.moved"))
                .count(&db)
                .await
                .unwrap();
            assert_eq!(moved, 2, "both regions' logs record a move");
            // Someone who left may apply again.
            apply(&db, &sam, &form("south-west")).await.unwrap();
        })
        .await;
    }

    #[tokio::test]
    async fn a_convener_suspends_and_reinstates_with_a_reason_and_suspension_voids_roles() {
        for_each_database(|db| async move {
            let (hein, helen, sam) = seeded(&db).await;
            assert_eq!(
                set_status(&db, hein, sam, MembershipStatus::Suspended, "")
                    .await
                    .unwrap_err()
                    .field(),
                Some("reason")
            );
            assert_eq!(
                set_status(&db, helen, sam, MembershipStatus::Suspended, "x")
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            set_status(
                &db,
                hein,
                sam,
                MembershipStatus::Suspended,
                "Breach of the code of conduct",
            )
            .await
            .unwrap();
            let west = region_by_slug(&db, "west-of-england").await.unwrap();
            assert_eq!(
                authorise(&db, sam, Action::DecideApplication, &west)
                    .await
                    .unwrap_err(),
                AppError::Forbidden,
                "a suspended steward decides nothing"
            );
            assert_eq!(
                set_status(&db, hein, sam, MembershipStatus::Lapsed, "again")
                    .await
                    .unwrap_err()
                    .status(),
                409
            );
            set_status(
                &db,
                hein,
                sam,
                MembershipStatus::Active,
                "Conversation held; reinstated",
            )
            .await
            .unwrap();
            authorise(&db, sam, Action::DecideApplication, &west)
                .await
                .unwrap();
            set_status(&db, hein, sam, MembershipStatus::Lapsed, "Did not renew")
                .await
                .unwrap();
            assert!(
                authorise(&db, sam, Action::DecideApplication, &west)
                    .await
                    .is_err(),
                "a lapsed steward decides nothing"
            );
        })
        .await;
    }
}
