//! Applying to join a region, and the region's convener or stewards deciding.
use super::{
    DISCIPLINE_MAX, ORGANISATION_MAX, REASON_MAX, authorise, optional_text, region_by_slug, regions,
};
use crate::domain::audit::AuditAction;
use crate::domain::membership::{Action, Actor, ApplicationStatus, MembershipStatus, Perspective};
use crate::domain::structure::SpaceKind;
use crate::error::{AppError, Validation};
use crate::model::membership::{ApplyPage, PendingApplication, RegionChoice};
use crate::server::cache::{Checked, CheckedKey, Key, StructureCache};
use crate::server::entities::{member, member_perspective, membership_application, person, space};
use crate::server::services::audit::{self, Entry};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

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
        match ApplicationStatus::from_code(&last.status) {
            Some(ApplicationStatus::Pending) => page.pending_region = region_name(),
            Some(ApplicationStatus::Declined) => {
                page.declined_reason = last.decision_reason.clone();
            }
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
    /// The applicant agreed that the community holds their perspectives (they can reveal
    /// something about their health): explicit consent, asked where they are collected.
    pub consent: bool,
}

/// An application form that passed every check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckedApplication {
    pub perspectives: Vec<Perspective>,
    /// Only for a clinician.
    pub discipline: Option<String>,
    pub organisation: Option<String>,
    /// Why they apply.
    pub reason: String,
}

/// Check an application form whole; the region is looked up by the caller.
pub fn validate_application(form: &ApplicationForm) -> Result<CheckedApplication, AppError> {
    let mut v = Validation::default();
    let mut perspectives: Vec<Perspective> = Vec::new();
    for code in &form.perspectives {
        match Perspective::from_code(code) {
            Some(p) if !perspectives.contains(&p) => perspectives.push(p),
            Some(_) => {}
            None => {
                v.refuse("perspectives", "Choose perspectives from the list.");
            }
        }
    }
    if perspectives.is_empty() && form.perspectives.is_empty() {
        v.refuse(
            "perspectives",
            "Choose at least one perspective you speak from.",
        );
    }
    if !form.consent {
        v.refuse(
            "consent",
            "Tick the box to agree that the community holds your perspectives, or you cannot apply: they are how it keeps patients' and carers' voices in balance.",
        );
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
        v.refuse(
            "clinician_discipline",
            "Say which clinical discipline, e.g. nursing or general practice.",
        );
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
        v.refuse("reason", "Tell the region why you want to join.");
    } else if reason.chars().count() > REASON_MAX {
        v.refuse(
            "reason",
            format!("Your reason can be at most {REASON_MAX} characters."),
        );
    }
    let discipline = discipline.filter(|_| perspectives.contains(&Perspective::Clinician));
    v.finish_with(CheckedApplication {
        perspectives,
        discipline,
        organisation,
        reason: reason.to_owned(),
    })
}

/// Apply to join the community in a region. One pending application at a time;
/// active members cannot apply again.
pub async fn apply(
    db: &DatabaseConnection,
    person: &person::Model,
    form: &ApplicationForm,
) -> Result<(), AppError> {
    let mut v = Validation::default();
    // The region's id and name: all the application needs of it.
    let region = v.take(
        region_by_slug(db, &form.region_slug)
            .await
            .ok()
            // An archived region takes no one new.
            .filter(|r| r.archived_at.is_none())
            .map(|r| (r.id, r.name))
            .ok_or_else(|| AppError::invalid("region", "Choose the region you live or work in.")),
    );
    let checked = v.take(validate_application(form));
    let ((region_id, region_name), a) = v.finish_with((region, checked))?;
    let CheckedApplication {
        perspectives,
        discipline,
        organisation,
        reason,
    } = a;

    let txn = crate::server::db::begin_write(db).await?;
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
        .filter(membership_application::Column::Status.eq(ApplicationStatus::Pending.code()))
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
        region_id: Set(region_id),
        perspectives: Set(codes.join(",")),
        clinician_discipline: Set(discipline.clone()),
        organisation: Set(organisation.clone()),
        reason: Set(reason),
        status: Set(ApplicationStatus::Pending.code().into()),
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
                home_region_id: Set(Some(region_id)),
                organisation: Set(organisation),
                clinician_discipline: Set(discipline),
                bio: Set(String::new()),
                interests: Set(String::new()),
                show_email: Set(false),
                show_organisation: Set(true),
                joined_on: Set(None),
                updated_at: Set(now),
                perspectives_consented_at: Set(Some(now)),
            }
            .insert(&txn)
            .await?;
        }
        // Someone who lapsed or left applies again: they are an applicant once more.
        Some(m) => {
            let mut m: member::ActiveModel = m.into();
            m.status = Set(MembershipStatus::Applicant.code().into());
            m.home_region_id = Set(Some(region_id));
            m.updated_at = Set(now);
            m.update(&txn).await?;
        }
    }
    audit::record(
        &txn,
        Entry {
            actor_id: Some(person.id),
            space_id: Some(region_id),
            subject_person_id: Some(person.id),
            action: AuditAction::ApplicationSubmitted,
            summary: format!("{} applied to join {}", person.name, region_name),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The applications waiting for a decision in a region, for an actor who may decide
/// them there (the request has read the actor; the region and where it sits come from
/// the kept structure): only the applications themselves are read.
pub async fn pending_applications(
    db: &DatabaseConnection,
    structure: &StructureCache,
    checked: &Checked,
    actor: &Actor,
    region_slug: &str,
) -> Result<Vec<PendingApplication>, AppError> {
    let spaces = structure
        .get(Key::Spaces, async || super::scopes(db).await)
        .await?;
    let (region, scope) = spaces
        .iter()
        .find(|(s, scope)| s.slug == region_slug && scope.kind == SpaceKind::Region)
        .ok_or_else(|| AppError::NotFound("There is no such region.".into()))?;
    if !actor.may(Action::DecideApplication, scope, Utc::now().date_naive()) {
        return Err(AppError::Forbidden);
    }
    let kept = checked
        .get(CheckedKey::Applications(region.id), async || {
            pending_in(db, region.id).await
        })
        .await?;
    Ok(Vec::clone(&kept))
}

async fn pending_in(
    db: &DatabaseConnection,
    region_id: i64,
) -> Result<Vec<PendingApplication>, AppError> {
    let rows = membership_application::Entity::find()
        .find_also_related(person::Entity)
        .filter(membership_application::Column::RegionId.eq(region_id))
        .filter(membership_application::Column::Status.eq(ApplicationStatus::Pending.code()))
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

fn already_decided() -> AppError {
    AppError::conflict("decision", "This application has already been decided.")
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
    let txn = crate::server::db::begin_write(db).await?;
    let application = membership_application::Entity::find_by_id(application_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such application.".into()))?;
    let region = space::Entity::find_by_id(application.region_id)
        .one(&txn)
        .await?
        .ok_or(AppError::Internal)?;
    authorise(&txn, actor_id, Action::DecideApplication, &region).await?;
    if application.status != ApplicationStatus::Pending.code() {
        return Err(already_decided());
    }
    let applicant = person::Entity::find_by_id(application.person_id)
        .one(&txn)
        .await?
        .ok_or(AppError::Internal)?;
    let now = Utc::now();
    // Only while still pending: of two deciders at once, one decides; the other is told.
    use sea_orm::sea_query::Expr;
    let decided = membership_application::Entity::update_many()
        .col_expr(
            membership_application::Column::Status,
            Expr::value(
                if approve {
                    ApplicationStatus::Approved
                } else {
                    ApplicationStatus::Declined
                }
                .code(),
            ),
        )
        .col_expr(
            membership_application::Column::DecidedBy,
            Expr::value(Some(actor_id)),
        )
        .col_expr(
            membership_application::Column::DecisionReason,
            Expr::value(reason.clone()),
        )
        .col_expr(
            membership_application::Column::DecidedAt,
            Expr::value(Some(now)),
        )
        .filter(membership_application::Column::Id.eq(application.id))
        .filter(membership_application::Column::Status.eq(ApplicationStatus::Pending.code()))
        .exec(&txn)
        .await?;
    if decided.rows_affected != 1 {
        return Err(already_decided());
    }

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
                AuditAction::ApplicationApproved
            } else {
                AuditAction::ApplicationDeclined
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
