//! Who may act where: a person's membership and roles, where a space sits for the rules,
//! and the checks the services share (decide, appoint, browse the community's own pages).
use crate::domain::membership::{Action, Actor, HeldRole, MembershipStatus, SpaceScope};
use crate::domain::structure::{RoleKind, SpaceKind};
use crate::error::AppError;
use crate::server::entities::{member, role, space};
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// The person's membership status and every role they hold or held.
pub async fn actor(db: &impl ConnectionTrait, person_id: i64) -> Result<Actor, AppError> {
    let member = member::Entity::find_by_id(person_id).one(db).await?;
    let status = member
        .as_ref()
        .and_then(|m| MembershipStatus::from_code(&m.status));
    let home_region_id = member.and_then(|m| m.home_region_id);
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
        home_region_id,
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

/// Every space with where it sits for the rules, read in one query.
pub async fn scopes(
    db: &impl ConnectionTrait,
) -> Result<Vec<(space::Model, SpaceScope)>, AppError> {
    let spaces = space::Entity::find().all(db).await?;
    let region_of = |s: &space::Model| -> Option<i64> {
        match SpaceKind::from_code(&s.kind)? {
            SpaceKind::Region => Some(s.id),
            SpaceKind::NationalStewardshipGroup => None,
            _ => spaces
                .iter()
                .find(|p| Some(p.id) == s.parent_id && p.kind == SpaceKind::Region.code())
                .map(|p| p.id),
        }
    };
    let group_of = |region: Option<i64>| {
        spaces
            .iter()
            .find(|g| {
                region.is_some()
                    && g.parent_id == region
                    && g.kind == SpaceKind::StewardshipGroup.code()
            })
            .map(|g| g.id)
    };
    let scopes: Vec<(space::Model, SpaceScope)> = spaces
        .iter()
        .filter_map(|s| {
            let kind = SpaceKind::from_code(&s.kind)?;
            let region_id = region_of(s);
            Some((
                s.clone(),
                SpaceScope {
                    space_id: s.id,
                    kind,
                    region_id,
                    stewardship_group_id: group_of(region_id),
                },
            ))
        })
        .collect();
    Ok(scopes)
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

/// Whether `actor_id` may take `action` in `space` today: [`authorise`] as a yes or no,
/// for pages that show a form only to those who may use it.
pub async fn may(
    db: &impl ConnectionTrait,
    actor_id: i64,
    action: Action,
    space: &space::Model,
) -> Result<bool, AppError> {
    let actor = actor(db, actor_id).await?;
    let scope = scope(db, space).await?;
    Ok(actor.may(action, &scope, Utc::now().date_naive()))
}

/// The community's own pages (the directory, a space's archive) are for its active
/// members and the project team.
pub async fn require_member_or_team(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> Result<(), AppError> {
    let actor = actor(db, person_id).await?;
    if actor.is_active() || actor.is_project_team(Utc::now().date_naive()) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Administration (settings, spaces, the project team, imports) is for the project team.
pub async fn require_project_team(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> Result<(), AppError> {
    if is_project_team(db, person_id).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether the person is in the project team today, in one query: the project team's
/// role stands on its own, without a membership (as [`Actor::is_project_team`] says).
pub async fn is_project_team(db: &impl ConnectionTrait, person_id: i64) -> Result<bool, AppError> {
    let today = Utc::now().date_naive();
    Ok(role::Entity::find()
        .filter(role::Column::PersonId.eq(person_id))
        .filter(role::Column::Kind.eq(RoleKind::ProjectTeam.code()))
        .filter(role::Column::StartsOn.lte(today))
        .filter(
            sea_orm::Condition::any()
                .add(role::Column::EndsOn.is_null())
                .add(role::Column::EndsOn.gte(today)),
        )
        .one(db)
        .await?
        .is_some())
}

/// Every region in use (not archived), by name.
pub async fn regions(db: &impl ConnectionTrait) -> Result<Vec<space::Model>, AppError> {
    Ok(space::Entity::find()
        .filter(space::Column::Kind.eq(SpaceKind::Region.code()))
        .filter(space::Column::ArchivedAt.is_null())
        .order_by_asc(space::Column::Name)
        .all(db)
        .await?)
}
