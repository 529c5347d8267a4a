//! Administration by the project team: the community's spaces (create, rename and
//! describe, archive and restore, a region's host organisation) and the project team
//! itself. Every change is checked here, on the server, and audit-logged.
use crate::domain::account::{validate_email, validate_name};
use crate::domain::audit::AuditAction;
use crate::domain::structure::{PartnerKind, PartnerRelationship, RoleKind, SpaceKind, slugify};
use crate::error::{AppError, Validation};
use crate::model::admin::{AdminPage, AdminSpace, TeamMember};
use crate::server::Config;
use crate::server::entities::{
    audit_log, partner_organisation, person, role, space, space_partner,
};
use crate::server::services::audit::{self, Entry};
use crate::server::services::{accounts, mail::Mailer, membership, settings};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

pub const PURPOSE_MAX: usize = 2000;

async fn national(db: &impl ConnectionTrait) -> Result<space::Model, AppError> {
    space::Entity::find()
        .filter(space::Column::Kind.eq(SpaceKind::NationalStewardshipGroup.code()))
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::NotFound("The community is not set up yet: run `server init`.".into())
        })
}

async fn by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<space::Model, AppError> {
    space::Entity::find()
        .filter(space::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such space.".into()))
}

fn tree(spaces: &[space::Model]) -> Vec<(&space::Model, u8)> {
    fn walk<'a>(
        all: &'a [space::Model],
        parent: Option<i64>,
        depth: u8,
        out: &mut Vec<(&'a space::Model, u8)>,
    ) {
        let mut children: Vec<&space::Model> =
            all.iter().filter(|s| s.parent_id == parent).collect();
        children.sort_by(|a, b| a.name.cmp(&b.name));
        for c in children {
            out.push((c, depth));
            walk(all, Some(c.id), depth + 1, out);
        }
    }
    let mut out = Vec::with_capacity(spaces.len());
    walk(spaces, None, 0, &mut out);
    out
}

/// The administration page, for the project team only.
pub async fn page(
    db: &DatabaseConnection,
    config: &Config,
    actor_id: i64,
) -> Result<AdminPage, AppError> {
    membership::require_project_team(db, actor_id).await?;
    let spaces = space::Entity::find().all(db).await?;
    let hosts: std::collections::HashMap<i64, String> = space_partner::Entity::find()
        .filter(space_partner::Column::Relationship.eq(PartnerRelationship::Host.code()))
        .find_also_related(partner_organisation::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(sp, p)| Some((sp.space_id, p?.name)))
        .collect();
    let name_of = |id: Option<i64>| {
        id.and_then(|id| spaces.iter().find(|s| s.id == id))
            .map(|s| s.name.clone())
    };
    let listed = tree(&spaces)
        .into_iter()
        .map(|(s, depth)| AdminSpace {
            slug: s.slug.clone(),
            name: s.name.clone(),
            purpose: s.purpose.clone(),
            kind_label: SpaceKind::from_code(&s.kind)
                .map(|k| k.label().to_owned())
                .unwrap_or_default(),
            parent: name_of(s.parent_id),
            depth,
            archived: s.archived_at.is_some(),
            host: hosts.get(&s.id).cloned(),
            is_region: s.kind == SpaceKind::Region.code(),
        })
        .collect();
    let parents = tree(&spaces)
        .into_iter()
        .filter(|(s, _)| {
            s.archived_at.is_none()
                && SpaceKind::from_code(&s.kind)
                    .is_some_and(|k| SpaceKind::ALL.iter().any(|child| k.may_contain(*child)))
        })
        .map(|(s, _)| (s.slug.clone(), s.name.clone()))
        .collect();
    let today = Utc::now().date_naive();
    let team = role::Entity::find()
        .filter(role::Column::Kind.eq(RoleKind::ProjectTeam.code()))
        .find_also_related(person::Entity)
        .order_by_asc(role::Column::StartsOn)
        .all(db)
        .await?
        .into_iter()
        .filter(|(r, _)| r.starts_on <= today && r.ends_on.is_none_or(|end| today <= end))
        .filter_map(|(r, p)| {
            let p = p?;
            Some(TeamMember {
                person_id: p.id,
                name: p.name,
                email: p.email,
                since: r.starts_on.to_string(),
            })
        })
        .collect();
    let partners = partner_organisation::Entity::find()
        .order_by_asc(partner_organisation::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id.to_string(), p.name))
        .collect();
    let admin_actions = [
        AuditAction::CommunitySetUp,
        AuditAction::SettingsChanged,
        AuditAction::SpaceCreated,
        AuditAction::SpaceChanged,
        AuditAction::SpaceArchived,
        AuditAction::SpaceRestored,
        AuditAction::HostSet,
    ]
    .map(|a| a.code());
    let activity = audit_log::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(audit_log::Column::Action.is_in(admin_actions))
                // The project team's own comings and goings, and whole imports.
                .add(audit_log::Column::SpaceId.is_null())
                .add(
                    sea_orm::Condition::all()
                        .add(audit_log::Column::SpaceId.eq(national(db).await?.id))
                        .add(audit_log::Column::Action.is_in([
                            AuditAction::RoleAppointed.code(),
                            AuditAction::RoleEnded.code(),
                        ])),
                ),
        )
        .filter(audit_log::Column::Action.ne(AuditAction::ConsentGiven.code()))
        .filter(audit_log::Column::Action.ne(AuditAction::ConsentWithdrawn.code()))
        .filter(audit_log::Column::Action.ne(AuditAction::AccountErased.code()))
        .order_by_desc(audit_log::Column::Id)
        .limit(20)
        .all(db)
        .await?
        .into_iter()
        .map(|e| crate::model::spaces::ActivityItem {
            at: e.at.format("%-d %b %Y %H:%M").to_string(),
            summary: e.summary,
            reason: e.reason,
        })
        .collect();
    Ok(AdminPage {
        activity,
        settings: settings::read(db, config).await?,
        spaces: listed,
        team,
        kinds: [
            SpaceKind::Region,
            SpaceKind::StewardshipGroup,
            SpaceKind::SpecialInterestGroup,
            SpaceKind::ProjectGroup,
        ]
        .iter()
        .map(|k| (k.code().to_owned(), k.label().to_owned()))
        .collect(),
        parents,
        partners,
        viewer_id: actor_id,
    })
}

pub struct SpaceForm {
    pub kind: String,
    /// The slug of the space it sits in.
    pub parent: String,
    pub name: String,
    pub purpose: String,
}

fn check_text(v: &mut Validation, name: &str, purpose: &str) -> (String, String) {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 120 {
        v.refuse("name", "Name the space (at most 120 characters).");
    }
    let purpose = purpose.trim().to_owned();
    if purpose.is_empty() || purpose.chars().count() > PURPOSE_MAX {
        v.refuse(
            "purpose",
            format!("Say what the space is for (at most {PURPOSE_MAX} characters)."),
        );
    }
    (name, purpose)
}

/// Create a region, a region's stewardship group, or a group, where the nesting allows.
pub async fn create_space(
    db: &DatabaseConnection,
    actor_id: i64,
    f: &SpaceForm,
) -> Result<space::Model, AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    membership::require_project_team(&txn, actor_id).await?;
    let mut v = Validation::default();
    let kind = v.check(
        SpaceKind::from_code(&f.kind)
            .filter(|k| *k != SpaceKind::NationalStewardshipGroup)
            .ok_or_else(|| AppError::invalid("kind", "Choose the kind of space.")),
    );
    let parent = space::Entity::find()
        .filter(space::Column::Slug.eq(&f.parent))
        .filter(space::Column::ArchivedAt.is_null())
        .one(&txn)
        .await?;
    let parent =
        v.check(parent.ok_or_else(|| AppError::invalid("parent", "Choose where the space sits.")));
    let (name, purpose) = check_text(&mut v, &f.name, &f.purpose);
    if let (Some(kind), Some(parent)) = (kind, parent.as_ref()) {
        let parent_kind = SpaceKind::from_code(&parent.kind).ok_or(AppError::Internal)?;
        if !parent_kind.may_contain(kind) {
            v.refuse(
                "parent",
                format!(
                    "A {} cannot sit in a {}.",
                    kind.label().to_lowercase(),
                    parent_kind.label().to_lowercase()
                ),
            );
        } else if kind == SpaceKind::StewardshipGroup
            && space::Entity::find()
                .filter(space::Column::ParentId.eq(parent.id))
                .filter(space::Column::Kind.eq(SpaceKind::StewardshipGroup.code()))
                .one(&txn)
                .await?
                .is_some()
        {
            v.refuse("parent", "This region has its stewardship group already.");
        }
    }
    let slug = slugify(&name);
    if !name.is_empty()
        && (slug.is_empty()
            || space::Entity::find()
                .filter(space::Column::Slug.eq(&slug))
                .one(&txn)
                .await?
                .is_some())
    {
        v.check::<()>(Err(AppError::conflict(
            "name",
            "A space with this name exists already (perhaps archived); choose another.",
        )));
    }
    v.finish()?;
    let (kind, parent) = (
        kind.ok_or(AppError::Internal)?,
        parent.ok_or(AppError::Internal)?,
    );
    let created = space::ActiveModel {
        parent_id: Set(Some(parent.id)),
        kind: Set(kind.code().into()),
        slug: Set(slug),
        name: Set(name.clone()),
        purpose: Set(purpose),
        created_at: Set(Utc::now()),
        joining: Set(if kind == SpaceKind::SpecialInterestGroup {
            "open".into()
        } else {
            "by_request".into()
        }),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Entry {
            actor_id: Some(actor_id),
            space_id: Some(created.id),
            subject_person_id: None,
            action: AuditAction::SpaceCreated,
            summary: format!(
                "{} ({}) was created in {}",
                name,
                kind.label().to_lowercase(),
                parent.name
            ),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Rename a space or change what it says it is for; its address stays, so links keep
/// working.
pub async fn edit_space(
    db: &DatabaseConnection,
    actor_id: i64,
    slug: &str,
    name: &str,
    purpose: &str,
) -> Result<(), AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    membership::require_project_team(&txn, actor_id).await?;
    let space = by_slug(&txn, slug).await?;
    let mut v = Validation::default();
    let (name, purpose) = check_text(&mut v, name, purpose);
    v.finish()?;
    if space.name == name && space.purpose == purpose {
        return Ok(());
    }
    let summary = if space.name != name {
        format!("{} was renamed {}", space.name, name)
    } else {
        format!("{}'s purpose was changed", space.name)
    };
    let id = space.id;
    let mut s: space::ActiveModel = space.into();
    s.name = Set(name);
    s.purpose = Set(purpose);
    s.update(&txn).await?;
    audit::record(
        &txn,
        Entry {
            actor_id: Some(actor_id),
            space_id: Some(id),
            subject_person_id: None,
            action: AuditAction::SpaceChanged,
            summary,
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Archive a space and every space inside it (they keep their history and leave the
/// navigation), or restore them. The national commons cannot be archived.
pub async fn archive_space(
    db: &DatabaseConnection,
    actor_id: i64,
    slug: &str,
    archive: bool,
) -> Result<(), AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    membership::require_project_team(&txn, actor_id).await?;
    let space = by_slug(&txn, slug).await?;
    if space.kind == SpaceKind::NationalStewardshipGroup.code() {
        return Err(AppError::invalid(
            "slug",
            "The national commons holds the community together: it cannot be archived.",
        ));
    }
    if archive == space.archived_at.is_some() {
        return Err(AppError::conflict(
            "slug",
            if archive {
                "This space is archived already."
            } else {
                "This space is not archived."
            },
        ));
    }
    if !archive
        && let Some(parent) = space.parent_id
        && space::Entity::find_by_id(parent)
            .one(&txn)
            .await?
            .is_some_and(|p| p.archived_at.is_some())
    {
        return Err(AppError::conflict(
            "slug",
            "The space it sits in is archived: restore that first.",
        ));
    }
    let all = space::Entity::find().all(&txn).await?;
    let mut affected = vec![space.id];
    let mut i = 0;
    while i < affected.len() {
        let parent = affected[i];
        affected.extend(
            all.iter()
                .filter(|s| s.parent_id == Some(parent))
                // Restoring brings back what was archived with it, not what was archived
                // on its own before.
                .filter(|s| archive || s.archived_at == space.archived_at)
                .filter(|s| !archive || s.archived_at.is_none())
                .map(|s| s.id),
        );
        i += 1;
    }
    space::Entity::update_many()
        .col_expr(
            space::Column::ArchivedAt,
            sea_orm::sea_query::Expr::value(archive.then(Utc::now)),
        )
        .filter(space::Column::Id.is_in(affected.clone()))
        .exec(&txn)
        .await?;
    let inside = affected.len() - 1;
    audit::record(
        &txn,
        Entry {
            actor_id: Some(actor_id),
            space_id: Some(space.id),
            subject_person_id: None,
            action: if archive {
                AuditAction::SpaceArchived
            } else {
                AuditAction::SpaceRestored
            },
            summary: format!(
                "{} was {}{}",
                space.name,
                if archive { "archived" } else { "restored" },
                match inside {
                    0 => String::new(),
                    1 => " with the space inside it".into(),
                    n => format!(" with the {n} spaces inside it"),
                }
            ),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub struct HostForm {
    /// An existing partner organisation's id, or empty to name a new one.
    pub partner: String,
    pub new_name: String,
    pub new_kind: String,
}

/// Set the organisation that hosts a region (an AHSN, in the 2018 pilot): one host at a
/// time; the previous host stays a partner.
pub async fn set_host(
    db: &DatabaseConnection,
    actor_id: i64,
    region_slug: &str,
    f: &HostForm,
) -> Result<(), AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    membership::require_project_team(&txn, actor_id).await?;
    let region = membership::region_by_slug(&txn, region_slug).await?;
    let partner = if f.partner.trim().is_empty() {
        let name = f.new_name.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut v = Validation::default();
        if name.is_empty() || name.chars().count() > 200 {
            v.refuse(
                "new_name",
                "Choose a partner organisation, or name a new one (at most 200 characters).",
            );
        }
        let kind = v.check(
            PartnerKind::from_code(&f.new_kind)
                .ok_or_else(|| AppError::invalid("new_kind", "Choose the kind of organisation.")),
        );
        v.finish()?;
        match partner_organisation::Entity::find()
            .filter(partner_organisation::Column::Name.eq(&name))
            .one(&txn)
            .await?
        {
            Some(p) => p,
            None => {
                partner_organisation::ActiveModel {
                    name: Set(name),
                    kind: Set(kind.ok_or(AppError::Internal)?.code().into()),
                    website: Set(None),
                    contact_name: Set(None),
                    contact_email: Set(None),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        }
    } else {
        let id = f.partner.trim().parse::<i64>().ok();
        let found = match id {
            Some(id) => {
                partner_organisation::Entity::find_by_id(id)
                    .one(&txn)
                    .await?
            }
            None => None,
        };
        found.ok_or_else(|| {
            AppError::invalid("partner", "Choose a partner organisation from the list.")
        })?
    };
    space_partner::Entity::update_many()
        .col_expr(
            space_partner::Column::Relationship,
            sea_orm::sea_query::Expr::value(PartnerRelationship::Partner.code()),
        )
        .filter(space_partner::Column::SpaceId.eq(region.id))
        .filter(space_partner::Column::Relationship.eq(PartnerRelationship::Host.code()))
        .exec(&txn)
        .await?;
    let existing = space_partner::Entity::find_by_id((region.id, partner.id))
        .one(&txn)
        .await?;
    match existing {
        Some(link) => {
            let mut link: space_partner::ActiveModel = link.into();
            link.relationship = Set(PartnerRelationship::Host.code().into());
            link.update(&txn).await?;
        }
        None => {
            space_partner::ActiveModel {
                space_id: Set(region.id),
                partner_organisation_id: Set(partner.id),
                relationship: Set(PartnerRelationship::Host.code().into()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    audit::record(
        &txn,
        Entry {
            actor_id: Some(actor_id),
            space_id: Some(region.id),
            subject_person_id: None,
            action: AuditAction::HostSet,
            summary: format!("{} now hosts {}", partner.name, region.name),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Add someone to the project team by name and e-mail: an existing account, or a new one
/// invited by a sign-in link (no password is sent).
pub async fn add_to_team(
    db: &DatabaseConnection,
    mailer: &Mailer,
    config: &Config,
    actor_id: i64,
    name: &str,
    email: &str,
) -> Result<(), AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    membership::require_project_team(&txn, actor_id).await?;
    let mut v = Validation::default();
    let email = v.take(validate_email(email));
    let found = person::Entity::find()
        .filter(person::Column::Email.eq(&email))
        .one(&txn)
        .await?;
    // A new account needs a name; an existing one keeps its own.
    let name = match &found {
        Some(p) => p.name.clone(),
        None => v.take(validate_name(name)),
    };
    v.finish()?;
    let national = national(&txn).await?;
    let today = Utc::now().date_naive();
    let now = Utc::now();
    let (person, new) = match found {
        Some(p) => (p, false),
        None => (
            person::ActiveModel {
                name: Set(name),
                email: Set(email),
                password_hash: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?,
            true,
        ),
    };
    let already = role::Entity::find()
        .filter(role::Column::PersonId.eq(person.id))
        .filter(role::Column::Kind.eq(RoleKind::ProjectTeam.code()))
        .all(&txn)
        .await?
        .into_iter()
        .any(|r| r.starts_on <= today && r.ends_on.is_none_or(|end| today <= end));
    if already {
        return Err(AppError::conflict(
            "email",
            format!("{} is in the project team already.", person.name),
        ));
    }
    role::ActiveModel {
        person_id: Set(person.id),
        space_id: Set(national.id),
        kind: Set(RoleKind::ProjectTeam.code().into()),
        starts_on: Set(today),
        ends_on: Set(None),
        appointed_by: Set(Some(actor_id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Entry {
            actor_id: Some(actor_id),
            space_id: Some(national.id),
            subject_person_id: Some(person.id),
            action: AuditAction::RoleAppointed,
            summary: format!("{} joined the project team", person.name),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    if new {
        let community = settings::read(db, config).await?.name;
        accounts::invite(
            db,
            mailer,
            config,
            &person,
            &community,
            &format!("You have been added to {community}'s project team."),
        )
        .await?;
    }
    Ok(())
}

/// End someone's place in the project team from today. The team never empties: the last
/// member cannot be removed, so someone can always administer the community.
pub async fn remove_from_team(
    db: &DatabaseConnection,
    actor_id: i64,
    person_id: i64,
) -> Result<(), AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    membership::require_project_team(&txn, actor_id).await?;
    let today = Utc::now().date_naive();
    let current: Vec<role::Model> = role::Entity::find()
        .filter(role::Column::Kind.eq(RoleKind::ProjectTeam.code()))
        .all(&txn)
        .await?
        .into_iter()
        .filter(|r| r.starts_on <= today && r.ends_on.is_none_or(|end| today <= end))
        .collect();
    let theirs: Vec<&role::Model> = current
        .iter()
        .filter(|r| r.person_id == person_id)
        .collect();
    if theirs.is_empty() {
        return Err(AppError::NotFound(
            "This person is not in the project team.".into(),
        ));
    }
    let others = current.iter().any(|r| r.person_id != person_id);
    if !others {
        return Err(AppError::conflict(
            "person_id",
            "The project team cannot be left empty: add someone else first.",
        ));
    }
    let yesterday = today - Duration::days(1);
    for r in theirs {
        if r.starts_on > yesterday {
            // Begun today: no day was served; the audit log keeps the coming and going.
            role::Entity::delete_by_id(r.id).exec(&txn).await?;
        } else {
            let mut a: role::ActiveModel = r.clone().into();
            a.ends_on = Set(Some(yesterday));
            a.update(&txn).await?;
        }
    }
    let who = person::Entity::find_by_id(person_id)
        .one(&txn)
        .await?
        .ok_or(AppError::Internal)?;
    audit::record(
        &txn,
        Entry {
            actor_id: Some(actor_id),
            space_id: Some(national(&txn).await?.id),
            subject_person_id: Some(person_id),
            action: AuditAction::RoleEnded,
            summary: format!("{} left the project team", who.name),
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
    use crate::server::entities::{audit_log, outbox_email};
    use crate::server::services::{community, demo, settings::SettingsForm};
    use crate::server::testing::for_each_database;
    use sea_orm::PaginatorTrait;

    async fn id(db: &DatabaseConnection, email: &str) -> i64 {
        accounts::find_by_email(db, email)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    fn region(name: &str) -> SpaceForm {
        SpaceForm {
            kind: SpaceKind::Region.code().into(),
            parent: "national".into(),
            name: name.into(),
            purpose: "Brings the region's members together.".into(),
        }
    }

    #[tokio::test]
    async fn only_the_project_team_administers_and_a_refusal_changes_nothing() {
        for_each_database(async |db| {
            demo::seed_if_empty(&db).await.unwrap();
            let (mailer, config) = (Mailer::outbox_only(), Config::default());
            // A convener and a steward, not the project team.
            for who in ["hein@demo.q-commons.org", "sam@demo.q-commons.org"] {
                let actor = id(&db, who).await;
                let audit_before = audit_log::Entity::find().count(&db).await.unwrap();
                let spaces_before = space::Entity::find().count(&db).await.unwrap();
                let forbidden =
                    |r: Result<_, AppError>| assert_eq!(r.err(), Some(AppError::Forbidden));
                forbidden(page(&db, &config, actor).await.map(|_| ()));
                forbidden(
                    create_space(&db, actor, &region("Yorkshire"))
                        .await
                        .map(|_| ()),
                );
                forbidden(edit_space(&db, actor, "west-of-england", "Renamed", "x").await);
                forbidden(archive_space(&db, actor, "south-west", true).await);
                forbidden(
                    set_host(
                        &db,
                        actor,
                        "south-west",
                        &HostForm {
                            partner: String::new(),
                            new_name: "Trust".into(),
                            new_kind: "nhs_trust".into(),
                        },
                    )
                    .await,
                );
                forbidden(
                    add_to_team(&db, &mailer, &config, actor, "Eve", "eve@example.org").await,
                );
                forbidden(
                    remove_from_team(&db, actor, id(&db, "priya@demo.q-commons.org").await).await,
                );
                forbidden(
                    settings::update(
                        &db,
                        actor,
                        &SettingsForm {
                            name: "Taken over".into(),
                            contact_email: "x@example.org".into(),
                            privacy_notice: "x".into(),
                            guest_retention_days: "1".into(),
                        },
                    )
                    .await,
                );
                assert_eq!(
                    audit_log::Entity::find().count(&db).await.unwrap(),
                    audit_before
                );
                assert_eq!(
                    space::Entity::find().count(&db).await.unwrap(),
                    spaces_before
                );
            }
            assert_eq!(
                settings::read(&db, &config).await.unwrap().name,
                "Q Commons"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn the_project_team_creates_a_region_and_its_group_sets_its_host_and_archives_it() {
        for_each_database(async |db| {
            demo::seed_if_empty(&db).await.unwrap();
            let priya = id(&db, "priya@demo.q-commons.org").await;
            let yorkshire = create_space(&db, priya, &region("Yorkshire & Humber"))
                .await
                .unwrap();
            assert_eq!(yorkshire.slug, "yorkshire-humber");
            let group = SpaceForm {
                kind: SpaceKind::StewardshipGroup.code().into(),
                parent: yorkshire.slug.clone(),
                name: "Yorkshire & Humber commons stewardship group".into(),
                purpose: "Stewards the regional commons.".into(),
            };
            create_space(&db, priya, &group).await.unwrap();
            // A second stewardship group, a region inside a region, a taken name: refused.
            let mut second = group;
            second.name = "Another stewardship group".into();
            assert!(
                create_space(&db, priya, &second)
                    .await
                    .unwrap_err()
                    .message_for("parent")
                    .is_some()
            );
            let mut nested = region("Leeds");
            nested.parent = yorkshire.slug.clone();
            assert!(
                create_space(&db, priya, &nested)
                    .await
                    .unwrap_err()
                    .message_for("parent")
                    .is_some()
            );
            let taken = create_space(&db, priya, &region("Yorkshire & Humber"))
                .await
                .unwrap_err();
            assert!(taken.message_for("name").is_some());
            let empty = create_space(
                &db,
                priya,
                &SpaceForm {
                    kind: "nonsense".into(),
                    parent: "nowhere".into(),
                    name: " ".into(),
                    purpose: String::new(),
                },
            )
            .await
            .unwrap_err();
            for field in ["kind", "parent", "name", "purpose"] {
                assert!(empty.message_for(field).is_some(), "{field}");
            }

            set_host(
                &db,
                priya,
                &yorkshire.slug,
                &HostForm {
                    partner: String::new(),
                    new_name: "Yorkshire & Humber AHSN".into(),
                    new_kind: "ahsn".into(),
                },
            )
            .await
            .unwrap();
            let overview = community::overview(&db, "Q").await.unwrap();
            let shown = overview
                .regions
                .iter()
                .find(|r| r.space.slug == "yorkshire-humber")
                .expect("the new region is shown");
            assert_eq!(shown.host_partners, ["Yorkshire & Humber AHSN"]);

            edit_space(
                &db,
                priya,
                &yorkshire.slug,
                "Yorkshire and the Humber",
                "Brings members together.",
            )
            .await
            .unwrap();
            archive_space(&db, priya, &yorkshire.slug, true)
                .await
                .unwrap();
            let overview = community::overview(&db, "Q").await.unwrap();
            assert!(
                overview
                    .regions
                    .iter()
                    .all(|r| r.space.slug != "yorkshire-humber"),
                "archived spaces leave the navigation"
            );
            let archived = space::Entity::find()
                .filter(space::Column::ArchivedAt.is_not_null())
                .count(&db)
                .await
                .unwrap();
            assert_eq!(archived, 2, "the region with its stewardship group");
            // Its history stays.
            let history = audit_log::Entity::find()
                .filter(audit_log::Column::SpaceId.eq(yorkshire.id))
                .count(&db)
                .await
                .unwrap();
            assert_eq!(history, 4, "created, host set, renamed, archived");
            archive_space(&db, priya, &yorkshire.slug, false)
                .await
                .unwrap();
            assert_eq!(
                space::Entity::find()
                    .filter(space::Column::ArchivedAt.is_not_null())
                    .count(&db)
                    .await
                    .unwrap(),
                0
            );
            assert!(archive_space(&db, priya, "national", true).await.is_err());
        })
        .await;
    }

    #[tokio::test]
    async fn the_project_team_grows_by_invitation_and_never_empties() {
        for_each_database(async |db| {
            demo::seed_if_empty(&db).await.unwrap();
            let (mailer, config) = (Mailer::outbox_only(), Config::default());
            let priya = id(&db, "priya@demo.q-commons.org").await;
            add_to_team(&db, &mailer, &config, priya, "Eve Adams", "eve@example.org")
                .await
                .unwrap();
            let eve = id(&db, "eve@example.org").await;
            membership::require_project_team(&db, eve).await.unwrap();
            let invite = outbox_email::Entity::find()
                .filter(outbox_email::Column::ToAddress.eq("eve@example.org"))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert!(invite.body.contains("/sign-in-link/use?token="));
            assert!(
                !invite.body.to_lowercase().contains("password:"),
                "no password is sent"
            );
            let twice = add_to_team(&db, &mailer, &config, priya, "Eve Adams", "eve@example.org")
                .await
                .unwrap_err();
            assert!(twice.message_for("email").is_some());

            // Eve removes Priya; then Eve, alone, cannot remove herself.
            remove_from_team(&db, eve, priya).await.unwrap();
            assert_eq!(
                membership::require_project_team(&db, priya).await,
                Err(AppError::Forbidden)
            );
            let last = remove_from_team(&db, eve, eve).await.unwrap_err();
            assert!(last.message_for("person_id").is_some());
            membership::require_project_team(&db, eve).await.unwrap();
            let team = page(&db, &config, eve).await.unwrap().team;
            assert_eq!(
                team.iter().map(|t| t.email.as_str()).collect::<Vec<_>>(),
                ["eve@example.org"]
            );
            let activity = page(&db, &config, eve).await.unwrap().activity;
            assert!(
                activity[0].summary.contains("left the project team"),
                "{activity:?}"
            );
            assert!(
                activity[1]
                    .summary
                    .contains("Eve Adams joined the project team")
            );
        })
        .await;
    }

    #[tokio::test]
    async fn settings_change_with_clear_refusals() {
        for_each_database(async |db| {
            demo::seed_if_empty(&db).await.unwrap();
            let config = Config::default();
            let priya = id(&db, "priya@demo.q-commons.org").await;
            let bad = settings::update(
                &db,
                priya,
                &SettingsForm {
                    name: String::new(),
                    contact_email: "nope".into(),
                    privacy_notice: " ".into(),
                    guest_retention_days: "0".into(),
                },
            )
            .await
            .unwrap_err();
            for field in [
                "name",
                "contact_email",
                "privacy_notice",
                "guest_retention_days",
            ] {
                assert!(bad.message_for(field).is_some(), "{field}");
            }
            assert_eq!(
                settings::read(&db, &config).await.unwrap().name,
                "Q Commons"
            );
            settings::update(
                &db,
                priya,
                &SettingsForm {
                    name: "Q Community".into(),
                    contact_email: "dpo@q.example.org".into(),
                    privacy_notice: "Our notice.".into(),
                    guest_retention_days: "30".into(),
                },
            )
            .await
            .unwrap();
            let now = settings::read(&db, &config).await.unwrap();
            assert_eq!(
                (
                    now.name.as_str(),
                    now.guest_retention_days,
                    now.privacy_notice.as_str()
                ),
                ("Q Community", 30, "Our notice.")
            );
            let logged = audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq(AuditAction::SettingsChanged.code()))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert!(logged.summary.contains("Q Community"));
        })
        .await;
    }
}
