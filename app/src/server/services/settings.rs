//! The community's own settings: its name, a contact address, the privacy notice, and how
//! long guests' device data is kept. Written once by `server init` (or the demo), then by
//! the project team; read by every page (kept in memory until they change).
use crate::domain::account::{NAME_MAX, validate_email};
use crate::domain::audit::AuditAction;
use crate::error::{AppError, Validation};
use crate::model::admin::CommunitySettings;
use crate::server::Config;
use crate::server::cache::{Key, StructureCache};
use crate::server::entities::community;
use crate::server::services::audit::{self, Entry};
use crate::server::services::membership;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set};
use std::sync::Arc;

/// The one row's id.
pub const ROW: i32 = 1;
pub const DEFAULT_GUEST_RETENTION_DAYS: i32 = 90;
/// Guests' device data may be kept from a day to two years.
pub const RETENTION_DAYS: std::ops::RangeInclusive<i32> = 1..=730;
pub const PRIVACY_NOTICE_MAX: usize = 20_000;

/// The privacy notice a new community starts with, for its project team to adapt.
pub const DEFAULT_PRIVACY_NOTICE: &str = "\
## Who holds your data

This community's project team holds the personal data on this site and is responsible for it \
under UK GDPR. Write to the contact address below with any question or request.

## What we hold, and why

- **Your account**: your name and e-mail address, so you can sign in and be told what you asked to hear about.
- **Your membership**: your home region, organisation and the roles you hold, so the community can govern itself.
- **Your perspectives** (patient, carer, clinician, …): only with your explicit consent, which you can withdraw on your account page at any time (they are then deleted). They can reveal something about your health. The community's members see them on your profile and in the member directory, so people can find each other's voices; anyone else sees only how many members hold each.
- **What you contribute**: workshop notes, votes, comments, proposals and reflections, so decisions are open and can be checked.

## How long

Your account is kept while you are a member. Guests who join a workshop without an account are remembered on their device for as long as the settings below say, then forgotten.

## Your rights

You can download everything held about you, correct it, withdraw consent, or delete your account from your account page. Deleting it erases your personal data; what you contributed stays, as a former member's, so the community's decisions stay true. You may complain to the Information Commissioner's Office (ico.org.uk).
";

fn from_row(row: community::Model) -> CommunitySettings {
    CommunitySettings {
        name: row.name,
        contact_email: row.contact_email,
        privacy_notice: row.privacy_notice,
        guest_retention_days: row.guest_retention_days,
        set_up: true,
    }
}

/// The settings as stored, or what holds before the community is set up.
pub async fn read(
    db: &impl ConnectionTrait,
    config: &Config,
) -> Result<CommunitySettings, AppError> {
    Ok(match community::Entity::find_by_id(ROW).one(db).await? {
        Some(row) => from_row(row),
        None => CommunitySettings {
            name: config.community_name.clone(),
            contact_email: String::new(),
            privacy_notice: DEFAULT_PRIVACY_NOTICE.to_owned(),
            guest_retention_days: DEFAULT_GUEST_RETENTION_DAYS,
            set_up: false,
        },
    })
}

/// [`read`], kept in memory until the settings or the structure change.
pub async fn cached(
    db: &DatabaseConnection,
    cache: &StructureCache,
    config: &Config,
) -> Result<Arc<CommunitySettings>, AppError> {
    cache
        .get(Key::Settings, async || read(db, config).await)
        .await
}

/// The first settings row, written inside `server init`'s (or the demo's) transaction.
pub async fn create(
    db: &impl ConnectionTrait,
    name: &str,
    contact_email: &str,
) -> Result<(), AppError> {
    let now = Utc::now();
    community::ActiveModel {
        id: Set(ROW),
        name: Set(name.to_owned()),
        contact_email: Set(contact_email.to_owned()),
        privacy_notice: Set(DEFAULT_PRIVACY_NOTICE.to_owned()),
        guest_retention_days: Set(DEFAULT_GUEST_RETENTION_DAYS),
        set_up_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The community's name, checked as a person's name is.
pub fn check_name(field: &str, raw: &str) -> Result<String, AppError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(AppError::invalid(field, "Enter the community's name."));
    }
    if name.chars().count() > NAME_MAX {
        return Err(AppError::invalid(
            field,
            format!("A name can be at most {NAME_MAX} characters."),
        ));
    }
    Ok(name)
}

/// A contact address, as an e-mail address is checked, reported on `field`.
pub fn check_email(field: &str, raw: &str) -> Result<String, AppError> {
    validate_email(raw).map_err(|e| e.on_field(field))
}

pub struct SettingsForm {
    pub name: String,
    pub contact_email: String,
    pub privacy_notice: String,
    pub guest_retention_days: String,
}

/// Change the settings: the project team only; audit-logged.
pub async fn update(
    db: &DatabaseConnection,
    actor_id: i64,
    form: &SettingsForm,
) -> Result<(), AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    membership::require_project_team(&txn, actor_id).await?;
    let row = community::Entity::find_by_id(ROW)
        .one(&txn)
        .await?
        .ok_or_else(|| {
            AppError::NotFound("The community is not set up yet: run `server init`.".into())
        })?;
    let mut v = Validation::default();
    let name = v.take(check_name("name", &form.name));
    let contact_email = v.take(check_email("contact_email", &form.contact_email));
    let notice = form.privacy_notice.trim().to_owned();
    if notice.is_empty() {
        v.refuse("privacy_notice", "Write the privacy notice members read.");
    } else if notice.chars().count() > PRIVACY_NOTICE_MAX {
        v.refuse(
            "privacy_notice",
            format!("The privacy notice can be at most {PRIVACY_NOTICE_MAX} characters."),
        );
    }
    let days = form.guest_retention_days.trim().parse::<i32>().ok();
    if days.is_none_or(|d| !RETENTION_DAYS.contains(&d)) {
        v.refuse(
            "guest_retention_days",
            format!(
                "Enter a number of days from {} to {}.",
                RETENTION_DAYS.start(),
                RETENTION_DAYS.end()
            ),
        );
    }
    v.finish()?;
    let days = days.unwrap_or(DEFAULT_GUEST_RETENTION_DAYS);
    let mut changed = Vec::new();
    if row.name != name {
        changed.push(format!("name to \u{201c}{name}\u{201d}"));
    }
    if row.contact_email != contact_email {
        changed.push(format!("contact address to {contact_email}"));
    }
    if row.privacy_notice != notice {
        changed.push("the privacy notice".to_owned());
    }
    if row.guest_retention_days != days {
        changed.push(format!("guests' data kept to {days} days"));
    }
    if changed.is_empty() {
        return Ok(());
    }
    let mut active: community::ActiveModel = row.into();
    active.name = Set(name);
    active.contact_email = Set(contact_email);
    active.privacy_notice = Set(notice);
    active.guest_retention_days = Set(days);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        Entry {
            actor_id: Some(actor_id),
            space_id: None,
            subject_person_id: None,
            action: AuditAction::SettingsChanged,
            summary: format!("Community settings changed: {}", changed.join("; ")),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
