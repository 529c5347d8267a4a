//! Reading a space's page in a fixed number of queries, whatever its size.
use crate::domain::membership::GroupMembershipStatus;
use crate::domain::membership::{Action, Actor, MembershipStatus, Perspective};
use crate::domain::structure::{PartnerKind, RoleKind, SpaceKind};
use crate::error::AppError;
use crate::model::spaces::{
    ActivityItem, AppointPanel, GroupPanel, PartnerLink, RoleHolder, SpaceLink, SpacePage,
};
use crate::server::cache::{Checked, CheckedKey, Key, StructureCache};
use crate::server::entities::{
    audit_log, group_membership, member, member_perspective, partner_organisation, person, role,
    space, space_partner,
};
use crate::server::services::{membership, roles as role_rules};
use chrono::Utc;
use sea_orm::ExprTrait;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

fn link(s: &space::Model) -> SpaceLink {
    SpaceLink {
        slug: s.slug.clone(),
        name: s.name.clone(),
        kind: SpaceKind::from_code(&s.kind)
            .map_or("Space", |k| k.label())
            .to_owned(),
    }
}

/// Who counts as a member of a space: a region's are those whose home it is; the national
/// group's, every active member; a group's, those who joined it (or steward it).
pub(crate) fn member_condition(space: &space::Model, kind: SpaceKind) -> Condition {
    let active = member::Column::Status.eq(MembershipStatus::Active.code());
    match kind {
        SpaceKind::NationalStewardshipGroup => Condition::all().add(active),
        SpaceKind::Region => Condition::all()
            .add(active)
            .add(member::Column::HomeRegionId.eq(space.id)),
        _ => Condition::all().add(active).add(
            Condition::any()
                .add(
                    member::Column::PersonId.in_subquery(
                        Query::select()
                            .column(group_membership::Column::PersonId)
                            .from(group_membership::Entity)
                            .and_where(group_membership::Column::SpaceId.eq(space.id))
                            .and_where(
                                group_membership::Column::Status
                                    .eq(GroupMembershipStatus::Active.code()),
                            )
                            .to_owned(),
                    ),
                )
                .add(
                    member::Column::PersonId.in_subquery(
                        Query::select()
                            .column(role::Column::PersonId)
                            .from(role::Entity)
                            .and_where(role::Column::SpaceId.eq(space.id))
                            .to_owned(),
                    ),
                ),
        ),
    }
}

/// Active members of a region, by name: who may be appointed there.
async fn candidates(
    db: &DatabaseConnection,
    region_id: i64,
) -> Result<Vec<(i64, String)>, AppError> {
    Ok(member::Entity::find()
        .inner_join(person::Entity)
        .select_also(person::Entity)
        .filter(member::Column::HomeRegionId.eq(region_id))
        .filter(member::Column::Status.eq(MembershipStatus::Active.code()))
        .order_by_asc(person::Column::Name)
        .limit(1000)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(_, p)| p.map(|p| (p.id, p.name)))
        .collect())
}

async fn group_panel(
    db: &DatabaseConnection,
    group: &space::Model,
    viewer: Option<i64>,
    viewer_active: bool,
    may_manage: bool,
) -> Result<GroupPanel, AppError> {
    let viewer_status = match viewer {
        Some(id) => group_membership::Entity::find_by_id((group.id, id))
            .one(db)
            .await?
            .map(|g| g.status),
        None => None,
    };
    let requests = if may_manage {
        Some(
            group_membership::Entity::find()
                .filter(group_membership::Column::SpaceId.eq(group.id))
                .filter(
                    group_membership::Column::Status.eq(GroupMembershipStatus::Requested.code()),
                )
                .find_also_related(person::Entity)
                .all(db)
                .await?
                .into_iter()
                .filter_map(|(_, p)| p.map(|p| (p.id, p.name)))
                .collect(),
        )
    } else {
        None
    };
    Ok(GroupPanel {
        joining: group.joining.clone(),
        viewer_status,
        viewer_may_join: viewer_active,
        requests,
    })
}

/// A space's current role holders (with who holds them) and partners: they change only
/// with the structure, so they are kept in memory until it does.
struct SpaceFacts {
    roles: Vec<(role::Model, person::Model)>,
    partners: Vec<PartnerLink>,
}

async fn space_facts(
    db: &DatabaseConnection,
    space_id: i64,
    today: chrono::NaiveDate,
) -> Result<SpaceFacts, AppError> {
    let roles = role::Entity::find()
        .find_also_related(person::Entity)
        .filter(role::Column::SpaceId.eq(space_id))
        .filter(role::Column::Kind.ne(RoleKind::Member.code()))
        .filter(role::Column::StartsOn.lte(today))
        .filter(
            Condition::any()
                .add(role::Column::EndsOn.is_null())
                .add(role::Column::EndsOn.gte(today)),
        )
        .order_by_asc(role::Column::Kind)
        .order_by_asc(role::Column::StartsOn)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(r, p)| Some((r, p?)))
        .collect();
    let partners = space_partner::Entity::find()
        .find_also_related(partner_organisation::Entity)
        .filter(space_partner::Column::SpaceId.eq(space_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(sp, org)| {
            let org = org?;
            Some(PartnerLink {
                kind: PartnerKind::from_code(&org.kind)
                    .map_or("Organisation", |k| k.label())
                    .to_owned(),
                name: org.name,
                relationship: sp.relationship,
                website: org.website,
            })
        })
        .collect();
    Ok(SpaceFacts { roles, partners })
}

/// How many members a space has, and how many of them hold each perspective.
async fn members_of(
    db: &DatabaseConnection,
    members_here: Condition,
) -> Result<(u64, Vec<(String, i64)>), AppError> {
    let members = member::Entity::find()
        .filter(members_here.clone())
        .count(db)
        .await?;
    let counts: Vec<(String, i64)> = member_perspective::Entity::find()
        .select_only()
        .column(member_perspective::Column::Perspective)
        .column_as(
            Expr::col(member_perspective::Column::PersonId).count(),
            "count",
        )
        .filter(
            member_perspective::Column::PersonId.in_subquery(
                Query::select()
                    .column(member::Column::PersonId)
                    .from(member::Entity)
                    .cond_where(members_here)
                    .to_owned(),
            ),
        )
        .group_by(member_perspective::Column::Perspective)
        .into_tuple()
        .all(db)
        .await?;
    Ok((members, counts))
}

/// A space's latest 20 audit-log entries, newest first.
async fn latest_activity(
    db: &DatabaseConnection,
    space_id: i64,
) -> Result<Vec<ActivityItem>, AppError> {
    Ok(audit_log::Entity::find()
        .filter(audit_log::Column::SpaceId.eq(space_id))
        .order_by_desc(audit_log::Column::Id)
        .limit(20)
        .all(db)
        .await?
        .into_iter()
        .map(|e| ActivityItem {
            at: e.at.format("%-d %b %Y %H:%M").to_string(),
            summary: e.summary,
            reason: e.reason,
        })
        .collect())
}

/// A space's page as `viewer` sees it. The spaces, their roles and partners come from
/// `structure` (read once until the structure changes); counts and what the viewer may
/// do are read afresh.
pub async fn page(
    db: &DatabaseConnection,
    structure: &StructureCache,
    slug: &str,
    viewer: Option<i64>,
) -> Result<SpacePage, AppError> {
    let actor = match viewer {
        Some(viewer) => Some(membership::actor(db, viewer).await?),
        None => None,
    };
    page_for(db, structure, &Checked::none(), slug, actor).await
}

/// [`page`] for a viewer whose membership and roles the request has already read. Its
/// members, activity, meetings and applications come from `checked` while the database's
/// change count stands.
pub async fn page_for(
    db: &DatabaseConnection,
    structure: &StructureCache,
    checked: &Checked,
    slug: &str,
    viewer_actor: Option<Actor>,
) -> Result<SpacePage, AppError> {
    let viewer = viewer_actor.as_ref().map(|a| a.person_id);
    let spaces = structure
        .get(Key::Spaces, async || membership::scopes(db).await)
        .await?;
    let (space, scope) = spaces
        .iter()
        .find(|(s, _)| s.slug == slug)
        .cloned()
        .ok_or_else(|| AppError::NotFound("There is no such space.".into()))?;
    let kind = scope.kind;
    let parent = space
        .parent_id
        .and_then(|id| spaces.iter().find(|(s, _)| s.id == id))
        .map(|(s, _)| s.clone());
    let mut children: Vec<&space::Model> = spaces
        .iter()
        .map(|(s, _)| s)
        .filter(|s| s.parent_id == Some(space.id))
        .collect();
    children.sort_by(|a, b| a.name.cmp(&b.name));

    let today = Utc::now().date_naive();
    let facts = structure
        .get(Key::SpaceFacts(space.id, today), async || {
            space_facts(db, space.id, today).await
        })
        .await?;
    let appointable = role_rules::appointable(kind);
    let viewer_active = viewer_actor
        .as_ref()
        .is_some_and(|a| a.status == Some(MembershipStatus::Active));
    let (can_decide, can_read_log, can_appoint) = match &viewer_actor {
        Some(actor) => (
            kind == SpaceKind::Region && actor.may(Action::DecideApplication, &scope, today),
            actor.may(Action::ViewAuditLog, &scope, today),
            appointable.is_some_and(|(_, action)| actor.may(action, &scope, today)),
        ),
        None => (false, false, false),
    };
    let roles = facts
        .roles
        .iter()
        .map(|(r, p)| {
            let days_left = r
                .ends_on
                .map(|end| (end - today).num_days())
                .filter(|d| *d <= 60);
            let kind = RoleKind::from_code(&r.kind);
            let changeable = can_appoint && appointable.is_some_and(|(k, _)| Some(k) == kind);
            RoleHolder {
                role_id: r.id,
                can_change: changeable,
                renewable: changeable && kind == Some(RoleKind::Convener),
                person_id: p.id,
                name: p.name.clone(),
                role: kind.map_or("Role", |k| k.label()).to_owned(),
                ends_on: r.ends_on.map(|d| d.format("%-d %B %Y").to_string()),
                days_left,
            }
        })
        .collect();
    let partners = facts.partners.clone();

    let members_here = member_condition(&space, kind);
    let member_list = if matches!(
        kind,
        SpaceKind::SpecialInterestGroup | SpaceKind::ProjectGroup
    ) {
        Some(
            member::Entity::find()
                .inner_join(person::Entity)
                .select_also(person::Entity)
                .filter(members_here.clone())
                .order_by_asc(person::Column::Name)
                .limit(500)
                .all(db)
                .await?
                .into_iter()
                .filter_map(|(_, p)| p.map(|p| (p.id, p.name)))
                .collect(),
        )
    } else {
        None
    };
    let counted = checked
        .get(CheckedKey::Members(space.id), async || {
            members_of(db, members_here).await
        })
        .await?;
    let (members, counts) = (counted.0, &counted.1);
    let balance = Perspective::ALL
        .iter()
        .map(|p| {
            let n = counts
                .iter()
                .find(|(code, _)| code == p.code())
                .map_or(0, |(_, n)| *n);
            (p.label().to_owned(), u64::try_from(n).unwrap_or(0))
        })
        .collect();

    let activity = if can_read_log {
        let kept = checked
            .get(CheckedKey::Activity(space.id), async || {
                latest_activity(db, space.id).await
            })
            .await?;
        Some(Vec::clone(&kept))
    } else {
        None
    };

    let meetings = if viewer_actor
        .as_ref()
        .is_some_and(|a| a.is_active() || a.is_project_team(today))
    {
        let minute = Utc::now().timestamp().div_euclid(60);
        let kept = checked
            .get(CheckedKey::Meetings(space.id, minute), async || {
                crate::server::services::meetings::upcoming(db, space.id, 3).await
            })
            .await?;
        Some(Vec::clone(&kept))
    } else {
        None
    };

    let applications = match &viewer_actor {
        Some(actor) if can_decide => {
            Some(membership::pending_applications(db, structure, checked, actor, slug).await?)
        }
        _ => None,
    };

    Ok(SpacePage {
        meetings,
        archived: space.archived_at.is_some(),
        space: link(&space),
        purpose: space.purpose.clone(),
        parent: parent.as_ref().map(link),
        children: children.into_iter().map(link).collect(),
        roles,
        partners,
        members,
        balance,
        activity,
        applications,
        group: if matches!(
            kind,
            SpaceKind::SpecialInterestGroup | SpaceKind::ProjectGroup
        ) {
            let may_manage = viewer_actor
                .as_ref()
                .is_some_and(|a| a.may(Action::ManageGroupMembers, &scope, today));
            Some(group_panel(db, &space, viewer, viewer_active, may_manage).await?)
        } else {
            None
        },
        member_list,
        may_form_group: viewer_active
            && matches!(
                kind,
                SpaceKind::Region | SpaceKind::NationalStewardshipGroup
            ),
        appoint: match (can_appoint, appointable, scope.region_id) {
            (true, Some((role_kind, _)), Some(region_id)) => Some(AppointPanel {
                role: role_kind.label().to_owned(),
                candidates: candidates(db, region_id).await?,
                default_starts_on: today.to_string(),
                default_ends_on: (role_kind == RoleKind::Convener)
                    .then(|| {
                        today.checked_add_months(chrono::Months::new(
                            role_rules::CONVENER_TERM_MONTHS,
                        ))
                    })
                    .flatten()
                    .map(|d| d.to_string()),
            }),
            _ => None,
        },
    })
}
