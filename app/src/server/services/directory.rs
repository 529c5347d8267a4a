//! The member directory and profiles. A page costs the same few queries whatever the
//! number of members: count, one page of rows, then their perspectives and roles.
use crate::domain::audit::AuditAction;
use crate::domain::membership::GroupMembershipStatus;
use crate::domain::membership::{MembershipStatus, Perspective};
use crate::domain::structure::RoleKind;
use crate::error::{AppError, Validation};
use crate::model::directory::{
    DirectoryPage, DirectoryQuery, MemberCard, PAGE_SIZE, Profile, RoleLine,
};
use crate::server::entities::{
    audit_log, group_membership, member, member_perspective, person, role, space,
};
use crate::server::services::audit::{self, Entry};
use crate::server::services::membership;
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Func, LikeExpr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, ExprTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;

pub const BIO_MAX: usize = 2000;
pub const INTERESTS_MAX: usize = 500;

pub(crate) fn like_pattern(q: &str) -> String {
    let escaped = q
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn current_role_condition(today: NaiveDate) -> Condition {
    Condition::all().add(role::Column::StartsOn.lte(today)).add(
        Condition::any()
            .add(role::Column::EndsOn.is_null())
            .add(role::Column::EndsOn.gte(today)),
    )
}

pub async fn search(
    db: &DatabaseConnection,
    viewer_id: i64,
    query: &DirectoryQuery,
) -> Result<DirectoryPage, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let today = Utc::now().date_naive();
    let regions = membership::regions(db).await?;

    let mut filter =
        Condition::all().add(member::Column::Status.eq(MembershipStatus::Active.code()));
    if !query.region.is_empty() {
        let region = regions
            .iter()
            .find(|r| r.slug == query.region)
            .ok_or_else(|| AppError::invalid("region", "Choose a region from the list."))?;
        filter = filter.add(member::Column::HomeRegionId.eq(region.id));
    }
    if !query.perspective.is_empty() {
        let p = Perspective::from_code(&query.perspective).ok_or_else(|| {
            AppError::invalid("perspective", "Choose a perspective from the list.")
        })?;
        filter = filter.add(
            member::Column::PersonId.in_subquery(
                Query::select()
                    .column(member_perspective::Column::PersonId)
                    .from(member_perspective::Entity)
                    .and_where(member_perspective::Column::Perspective.eq(p.code()))
                    .to_owned(),
            ),
        );
    }
    if !query.role.is_empty() {
        let kind = RoleKind::from_code(&query.role)
            .ok_or_else(|| AppError::invalid("role", "Choose a role from the list."))?;
        filter = filter.add(
            member::Column::PersonId.in_subquery(
                Query::select()
                    .column(role::Column::PersonId)
                    .from(role::Entity)
                    .and_where(role::Column::Kind.eq(kind.code()))
                    .cond_where(current_role_condition(today))
                    .to_owned(),
            ),
        );
    }
    if !query.q.trim().is_empty() {
        if query.q.chars().count() > 100 {
            return Err(AppError::invalid("q", "Search for at most 100 characters."));
        }
        // `%` and `_` typed in the search are meant literally: escaped, with the escape
        // character named, as SQLite has none by default.
        let like = || LikeExpr::new(like_pattern(&query.q)).escape('\\');
        let lower = |col: Expr| Expr::expr(Func::lower(col));
        filter = filter.add(
            Condition::any()
                .add(lower(Expr::col((person::Entity, person::Column::Name))).like(like()))
                .add(
                    Condition::all()
                        .add(member::Column::ShowOrganisation.eq(true))
                        .add(
                            lower(Expr::col((member::Entity, member::Column::Organisation)))
                                .like(like()),
                        ),
                )
                .add(lower(Expr::col((member::Entity, member::Column::Interests))).like(like())),
        );
    }

    let base = member::Entity::find()
        .inner_join(person::Entity)
        .filter(filter);
    let total = base.clone().count(db).await?;
    let pages = Ord::max(total.div_ceil(PAGE_SIZE), 1);
    let page = query.page.clamp(1, pages);
    let rows: Vec<(member::Model, Option<person::Model>)> = base
        .select_also(person::Entity)
        .order_by_asc(person::Column::Name)
        .order_by_asc(member::Column::PersonId)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|(m, _)| m.person_id).collect();
    let perspectives = perspectives_of(db, &ids).await?;
    let mut roles: HashMap<i64, Vec<String>> = HashMap::new();
    for r in role::Entity::find()
        .filter(role::Column::PersonId.is_in(ids.clone()))
        .filter(role::Column::Kind.ne(RoleKind::Member.code()))
        .filter(current_role_condition(today))
        .all(db)
        .await?
    {
        if let Some(kind) = RoleKind::from_code(&r.kind) {
            roles
                .entry(r.person_id)
                .or_default()
                .push(kind.label().to_owned());
        }
    }
    let region_name = |id: Option<i64>| {
        id.and_then(|id| regions.iter().find(|r| r.id == id))
            .map(|r| r.name.clone())
    };
    let members = rows
        .into_iter()
        .filter_map(|(m, p)| {
            let p = p?;
            Some(MemberCard {
                person_id: p.id,
                name: p.name,
                region: region_name(m.home_region_id),
                perspectives: perspectives.get(&m.person_id).cloned().unwrap_or_default(),
                organisation: m.organisation.filter(|_| m.show_organisation),
                roles: roles.remove(&m.person_id).unwrap_or_default(),
            })
        })
        .collect();
    Ok(DirectoryPage {
        members,
        total,
        page,
        pages,
        regions: regions.into_iter().map(|r| (r.slug, r.name)).collect(),
    })
}

async fn perspectives_of(
    db: &DatabaseConnection,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>, AppError> {
    let mut by_person: HashMap<i64, Vec<Perspective>> = HashMap::new();
    for row in member_perspective::Entity::find()
        .filter(member_perspective::Column::PersonId.is_in(ids.to_vec()))
        .all(db)
        .await?
    {
        if let Some(p) = Perspective::from_code(&row.perspective) {
            by_person.entry(row.person_id).or_default().push(p);
        }
    }
    Ok(by_person
        .into_iter()
        .map(|(id, mut ps)| {
            ps.sort_by_key(|p| *p as u8);
            (id, ps.into_iter().map(|p| p.label().to_owned()).collect())
        })
        .collect())
}

pub async fn profile(
    db: &DatabaseConnection,
    viewer_id: i64,
    person_id: i64,
) -> Result<Profile, AppError> {
    let is_self = viewer_id == person_id;
    if !is_self {
        membership::require_member_or_team(db, viewer_id).await?;
    }
    let not_found = || AppError::NotFound("There is no such member.".into());
    let p = person::Entity::find_by_id(person_id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let m = member::Entity::find_by_id(person_id).one(db).await?;
    // Who may suspend or reinstate: the home region's convener, or the project team.
    let home = match m.as_ref().and_then(|m| m.home_region_id) {
        Some(id) => space::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let can_change_status = !is_self
        && match &home {
            Some(region) => {
                let scope = membership::scope(db, region).await?;
                membership::actor(db, viewer_id).await?.may(
                    crate::domain::membership::Action::ChangeMemberStatus,
                    &scope,
                    Utc::now().date_naive(),
                )
            }
            None => false,
        };
    // Others see active members only (and suspended ones, to those who may reinstate them);
    // you always see yourself.
    let visible = m.as_ref().is_some_and(|m| {
        m.status == MembershipStatus::Active.code()
            || (can_change_status
                && (m.status == MembershipStatus::Suspended.code()
                    || m.status == MembershipStatus::Lapsed.code()))
    });
    if !is_self && !visible {
        return Err(not_found());
    }
    let region = home.map(|s| (s.slug, s.name));
    let today = Utc::now().date_naive();
    let date = |d: NaiveDate| d.format("%-d %B %Y").to_string();
    let (mut roles_now, mut roles_before) = (Vec::new(), Vec::new());
    for (r, s) in role::Entity::find()
        .find_also_related(space::Entity)
        .filter(role::Column::PersonId.eq(person_id))
        .order_by_desc(role::Column::StartsOn)
        .all(db)
        .await?
    {
        let (Some(s), Some(kind)) = (s, RoleKind::from_code(&r.kind)) else {
            continue;
        };
        let line = RoleLine {
            role: kind.label().to_owned(),
            space: s.name,
            space_slug: s.slug,
            from: date(r.starts_on),
            until: r.ends_on.map(date),
        };
        if r.ends_on.is_some_and(|end| end < today) {
            roles_before.push(line);
        } else if r.starts_on <= today {
            roles_now.push(line);
        }
    }
    let perspectives = perspectives_of(db, &[person_id])
        .await?
        .remove(&person_id)
        .unwrap_or_default();
    let m = m.unwrap_or(member::Model {
        person_id,
        status: String::new(),
        home_region_id: None,
        organisation: None,
        clinician_discipline: None,
        bio: String::new(),
        interests: String::new(),
        show_email: false,
        show_organisation: true,
        joined_on: None,
        updated_at: Utc::now(),
        perspectives_consented_at: None,
    });
    let active = m.status == MembershipStatus::Active.code();
    let history = if is_self {
        // One event may be logged in two spaces (a move, in both regions): show it once.
        let mut items: Vec<crate::model::spaces::ActivityItem> = audit_log::Entity::find()
            .filter(audit_log::Column::SubjectPersonId.eq(person_id))
            .order_by_desc(audit_log::Column::Id)
            .limit(50)
            .all(db)
            .await?
            .into_iter()
            .map(|e| crate::model::spaces::ActivityItem {
                at: e.at.format("%-d %b %Y %H:%M").to_string(),
                summary: e.summary,
                reason: e.reason,
            })
            .collect();
        items.dedup_by(|a, b| a.summary == b.summary && a.at == b.at);
        items
    } else {
        Vec::new()
    };
    let regions = if is_self && active {
        membership::regions(db)
            .await?
            .into_iter()
            .map(|r| (r.slug, r.name))
            .collect()
    } else {
        Vec::new()
    };
    let group_ids: Vec<i64> = group_membership::Entity::find()
        .filter(group_membership::Column::PersonId.eq(person_id))
        .filter(group_membership::Column::Status.eq(GroupMembershipStatus::Active.code()))
        .all(db)
        .await?
        .into_iter()
        .map(|g| g.space_id)
        .collect();
    let groups = space::Entity::find()
        .filter(space::Column::Id.is_in(group_ids))
        .order_by_asc(space::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.slug, g.name))
        .collect();
    Ok(Profile {
        groups,
        can_change_status,
        history,
        regions,
        active,
        person_id,
        name: p.name,
        status: MembershipStatus::from_code(&m.status)
            .map_or("Not yet a member", |s| s.label())
            .to_owned(),
        region,
        perspectives,
        clinician_discipline: m.clinician_discipline,
        organisation: m.organisation.filter(|_| is_self || m.show_organisation),
        email: (is_self || m.show_email).then_some(p.email),
        bio: m.bio,
        interests: m.interests,
        joined_on: m.joined_on.map(date),
        roles_now,
        roles_before,
        is_self,
        show_email: m.show_email,
        show_organisation: m.show_organisation,
    })
}

pub struct ProfileChoices {
    pub bio: String,
    pub interests: String,
    pub organisation: String,
    pub show_email: bool,
    pub show_organisation: bool,
}

pub async fn update_profile(
    db: &DatabaseConnection,
    person: &person::Model,
    c: &ProfileChoices,
) -> Result<(), AppError> {
    let mut v = Validation::default();
    let limit = |field: &str, text: &str, max: usize, what: &str| {
        if text.trim().chars().count() > max {
            Err(AppError::invalid(
                field,
                format!("{what} can be at most {max} characters."),
            ))
        } else {
            Ok(text.trim().to_owned())
        }
    };
    let bio = v.take(limit("bio", &c.bio, BIO_MAX, "About you"));
    let interests = v.take(limit("interests", &c.interests, INTERESTS_MAX, "Interests"));
    let organisation = v.take(limit(
        "organisation",
        &c.organisation,
        membership::ORGANISATION_MAX,
        "An organisation",
    ));
    let (bio, interests, organisation) = v.finish_with((bio, interests, organisation))?;
    let m = member::Entity::find_by_id(person.id)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                "bio",
                "Apply to join first; your profile is part of your membership.",
            )
        })?;
    let mut m: member::ActiveModel = m.into();
    m.bio = Set(bio);
    m.interests = Set(interests);
    m.organisation = Set((!organisation.is_empty()).then_some(organisation));
    m.show_email = Set(c.show_email);
    m.show_organisation = Set(c.show_organisation);
    m.updated_at = Set(Utc::now());
    m.update(db).await?;
    audit::record(
        db,
        Entry {
            actor_id: Some(person.id),
            space_id: None,
            subject_person_id: Some(person.id),
            action: AuditAction::ProfileUpdated,
            summary: format!("{} updated their profile", person.name),
            reason: None,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::services::{accounts, demo};
    use crate::server::testing::for_each_database;

    async fn hein(db: &DatabaseConnection) -> i64 {
        demo::seed_if_empty(db).await.unwrap();
        accounts::find_by_email(db, "hein@demo.q-commons.org")
            .await
            .unwrap()
            .unwrap()
            .id
    }

    fn q() -> DirectoryQuery {
        DirectoryQuery {
            page: 1,
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn the_directory_filters_by_region_perspective_role_and_text() {
        for_each_database(|db| async move {
            let viewer = hein(&db).await;
            let all = search(&db, viewer, &q()).await.unwrap();
            assert_eq!(all.total, 23, "5 demo accounts and 18 demo members");
            let west = search(
                &db,
                viewer,
                &DirectoryQuery {
                    region: "west-of-england".into(),
                    ..q()
                },
            )
            .await
            .unwrap();
            assert!(
                west.members
                    .iter()
                    .all(|m| m.region.as_deref() == Some("West of England"))
            );
            assert_eq!(west.total, 9);
            let carers = search(
                &db,
                viewer,
                &DirectoryQuery {
                    perspective: "carer".into(),
                    ..q()
                },
            )
            .await
            .unwrap();
            assert!(
                carers
                    .members
                    .iter()
                    .all(|m| m.perspectives.contains(&"Carer".to_owned()))
            );
            assert_eq!(carers.total, 4);
            let conveners = search(
                &db,
                viewer,
                &DirectoryQuery {
                    role: "convener".into(),
                    ..q()
                },
            )
            .await
            .unwrap();
            let names: Vec<_> = conveners.members.iter().map(|m| m.name.as_str()).collect();
            assert_eq!(names, ["Hein le Roux", "Helen Smith", "Karen Morrell"]);
            let bristol = search(
                &db,
                viewer,
                &DirectoryQuery {
                    q: "BRISTOL".into(),
                    ..q()
                },
            )
            .await
            .unwrap();
            assert_eq!(
                bristol.members.len(),
                2,
                "organisation matches, case-insensitive"
            );
            let percent = search(
                &db,
                viewer,
                &DirectoryQuery {
                    q: "%".into(),
                    ..q()
                },
            )
            .await
            .unwrap();
            assert_eq!(percent.total, 0, "a % is searched for, not a wildcard");
            // And found where it is written.
            let sam = accounts::find_by_email(&db, "sam@demo.q-commons.org")
                .await
                .unwrap()
                .unwrap();
            let choices = ProfileChoices {
                bio: String::new(),
                interests: "Getting discharge right 100% of the time".into(),
                organisation: String::new(),
                show_email: false,
                show_organisation: true,
            };
            update_profile(&db, &sam, &choices).await.unwrap();
            let text = |words: &str| DirectoryQuery {
                q: words.into(),
                ..q()
            };
            let found = search(&db, viewer, &text("100%")).await.unwrap();
            assert_eq!(found.total, 1, "a literal % matches on every database");
            let found = search(&db, viewer, &text("10_%")).await.unwrap();
            assert_eq!(found.total, 0, "and so does a literal _");
            let bad = search(
                &db,
                viewer,
                &DirectoryQuery {
                    perspective: "wizard".into(),
                    ..q()
                },
            )
            .await;
            assert_eq!(bad.unwrap_err().field(), Some("perspective"));
        })
        .await;
    }

    #[tokio::test]
    async fn the_directory_pages_twenty_at_a_time() {
        for_each_database(|db| async move {
            let viewer = hein(&db).await;
            let first = search(&db, viewer, &q()).await.unwrap();
            assert_eq!((first.members.len(), first.pages), (20, 2));
            let second = search(&db, viewer, &DirectoryQuery { page: 2, ..q() })
                .await
                .unwrap();
            assert_eq!(second.members.len(), 3);
            assert!(
                first
                    .members
                    .iter()
                    .all(|a| second.members.iter().all(|b| a.person_id != b.person_id))
            );
            let beyond = search(&db, viewer, &DirectoryQuery { page: 99, ..q() })
                .await
                .unwrap();
            assert_eq!(beyond.page, 2);
        })
        .await;
    }

    #[tokio::test]
    async fn only_members_browse_the_directory_and_hidden_details_stay_hidden() {
        for_each_database(|db| async move {
            let viewer = hein(&db).await;
            let outsider = accounts::register(
                &db,
                "Olly Outsider",
                "olly@example.org",
                "a long enough password",
            )
            .await
            .unwrap();
            assert_eq!(
                search(&db, outsider.id, &q()).await.unwrap_err(),
                AppError::Forbidden
            );
            assert_eq!(
                profile(&db, outsider.id, viewer).await.unwrap_err(),
                AppError::Forbidden
            );
            assert!(
                profile(&db, outsider.id, outsider.id)
                    .await
                    .unwrap()
                    .is_self,
                "you always see yourself"
            );
            assert!(
                profile(&db, viewer, outsider.id).await.is_err(),
                "non-members are not listed"
            );

            let sam = accounts::find_by_email(&db, "sam@demo.q-commons.org")
                .await
                .unwrap()
                .unwrap();
            let seen = profile(&db, viewer, sam.id).await.unwrap();
            assert_eq!(seen.email, None, "e-mail is hidden by default");
            assert_eq!(seen.roles_now[0].role, "Steward");
            let choices = ProfileChoices {
                bio: "Patient leader.".into(),
                interests: "discharge, digital".into(),
                organisation: "Healthwatch".into(),
                show_email: true,
                show_organisation: false,
            };
            update_profile(&db, &sam, &choices).await.unwrap();
            let seen = profile(&db, viewer, sam.id).await.unwrap();
            assert_eq!(seen.email.as_deref(), Some("sam@demo.q-commons.org"));
            assert_eq!(seen.organisation, None);
            let found = search(
                &db,
                viewer,
                &DirectoryQuery {
                    q: "digital".into(),
                    ..q()
                },
            )
            .await
            .unwrap();
            assert_eq!(found.members[0].name, "Sam Okafor");
            let hidden = search(
                &db,
                viewer,
                &DirectoryQuery {
                    q: "healthwatch".into(),
                    ..q()
                },
            )
            .await
            .unwrap();
            assert!(
                hidden.members.iter().all(|m| m.name != "Sam Okafor"),
                "a hidden organisation is not searchable"
            );

            let too_long = ProfileChoices {
                bio: "x".repeat(BIO_MAX + 1),
                ..choices
            };
            assert_eq!(
                update_profile(&db, &sam, &too_long)
                    .await
                    .unwrap_err()
                    .field(),
                Some("bio")
            );
        })
        .await;
    }
}
