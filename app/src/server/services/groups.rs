//! Groups that members form themselves — special interest and project groups — inside a
//! region or at national level, open to all members or joined by request.
use crate::domain::audit::AuditAction;
use crate::domain::membership::GroupMembershipStatus;
use crate::domain::membership::{Action, MembershipStatus};
use crate::domain::structure::{SpaceKind, slugify};
use crate::error::{AppError, Validation};
use crate::server::entities::{group_membership, member, person, space};
use crate::server::services::audit::{self, Entry};
use crate::server::services::membership;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

pub const OPEN: &str = "open";
pub const BY_REQUEST: &str = "by_request";

pub struct GroupForm {
    /// The region's slug, or `national`.
    pub parent: String,
    pub kind: String,
    pub name: String,
    pub purpose: String,
    pub joining: String,
}

async fn active_member(db: &impl sea_orm::ConnectionTrait, person_id: i64) -> Result<(), AppError> {
    let active = member::Entity::find_by_id(person_id)
        .one(db)
        .await?
        .is_some_and(|m| m.status == MembershipStatus::Active.code());
    if active {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Any active member may form a group; they are its first member.
pub async fn create(
    db: &DatabaseConnection,
    founder: &person::Model,
    f: &GroupForm,
) -> Result<space::Model, AppError> {
    active_member(db, founder.id).await?;
    let mut v = Validation::default();
    let parent = space::Entity::find()
        .filter(space::Column::Slug.eq(&f.parent))
        .one(db)
        .await?
        .filter(|p| {
            p.kind == SpaceKind::Region.code()
                || p.kind == SpaceKind::NationalStewardshipGroup.code()
        });
    // The parent's id and name: all creating the group needs of it.
    let parent = v.take(
        parent
            .map(|p| (p.id, p.name))
            .ok_or_else(|| AppError::invalid("parent", "Choose where the group belongs.")),
    );
    let kind = v.take(
        SpaceKind::from_code(&f.kind)
            .filter(|k| matches!(k, SpaceKind::SpecialInterestGroup | SpaceKind::ProjectGroup))
            .ok_or_else(|| {
                AppError::invalid(
                    "kind",
                    "Choose a special interest group or a project group.",
                )
            }),
    );
    let name = f.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 120 {
        v.refuse("name", "Name the group (at most 120 characters).");
    }
    let purpose = f.purpose.trim();
    if purpose.is_empty() || purpose.chars().count() > 2000 {
        v.refuse(
            "purpose",
            "Say what the group is for (at most 2000 characters).",
        );
    }
    if f.joining != OPEN && f.joining != BY_REQUEST {
        v.refuse("joining", "Choose how members join.");
    }
    let slug = slugify(&name);
    if !name.is_empty()
        && (slug.is_empty()
            || space::Entity::find()
                .filter(space::Column::Slug.eq(&slug))
                .one(db)
                .await?
                .is_some())
    {
        v.check::<()>(Err(AppError::conflict(
            "name",
            "A space with this name exists already; choose another.",
        )));
    }
    let ((parent_id, parent_name), kind) = v.finish_with((parent, kind))?;
    let txn = crate::server::db::begin_write(db).await?;
    let now = Utc::now();
    let group = space::ActiveModel {
        parent_id: Set(Some(parent_id)),
        kind: Set(kind.code().into()),
        slug: Set(slug),
        name: Set(name.clone()),
        purpose: Set(purpose.to_owned()),
        created_at: Set(now),
        joining: Set(f.joining.clone()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    group_membership::ActiveModel {
        space_id: Set(group.id),
        person_id: Set(founder.id),
        status: Set(GroupMembershipStatus::Active.code().into()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Entry {
            actor_id: Some(founder.id),
            space_id: Some(group.id),
            subject_person_id: Some(founder.id),
            action: AuditAction::GroupCreated,
            summary: format!("{} formed {} in {}", founder.name, name, parent_name),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(group)
}

async fn group_by_slug(
    db: &impl sea_orm::ConnectionTrait,
    slug: &str,
) -> Result<space::Model, AppError> {
    space::Entity::find()
        .filter(space::Column::Slug.eq(slug))
        .filter(space::Column::Kind.is_in([
            SpaceKind::SpecialInterestGroup.code(),
            SpaceKind::ProjectGroup.code(),
        ]))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such group.".into()))
}

/// Join an open group, or ask to join one that admits by request.
pub async fn join(
    db: &DatabaseConnection,
    who: &person::Model,
    slug: &str,
) -> Result<(), AppError> {
    active_member(db, who.id).await?;
    let group = group_by_slug(db, slug).await?;
    let existing = group_membership::Entity::find_by_id((group.id, who.id))
        .one(db)
        .await?;
    if existing.is_some() {
        return Err(AppError::conflict(
            "group",
            "You are in this group already, or have asked to join.",
        ));
    }
    let status = if group.joining == BY_REQUEST {
        GroupMembershipStatus::Requested.code()
    } else {
        GroupMembershipStatus::Active.code()
    };
    let txn = crate::server::db::begin_write(db).await?;
    group_membership::ActiveModel {
        space_id: Set(group.id),
        person_id: Set(who.id),
        status: Set(status.into()),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Entry {
            actor_id: Some(who.id),
            space_id: Some(group.id),
            subject_person_id: Some(who.id),
            action: if status == GroupMembershipStatus::Active.code() {
                AuditAction::GroupJoined
            } else {
                AuditAction::GroupRequested
            },
            summary: format!(
                "{} {} {}",
                who.name,
                if status == GroupMembershipStatus::Active.code() {
                    "joined"
                } else {
                    "asked to join"
                },
                group.name
            ),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn leave(
    db: &DatabaseConnection,
    who: &person::Model,
    slug: &str,
) -> Result<(), AppError> {
    let group = group_by_slug(db, slug).await?;
    let txn = crate::server::db::begin_write(db).await?;
    let removed = group_membership::Entity::delete_by_id((group.id, who.id))
        .exec(&txn)
        .await?;
    if removed.rows_affected == 0 {
        return Err(AppError::conflict("group", "You are not in this group."));
    }
    audit::record(
        &txn,
        Entry {
            actor_id: Some(who.id),
            space_id: Some(group.id),
            subject_person_id: Some(who.id),
            action: AuditAction::GroupLeft,
            summary: format!("{} left {}", who.name, group.name),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The region's convener or stewards (or the project team) admit or turn down a request.
pub async fn decide_request(
    db: &DatabaseConnection,
    actor_id: i64,
    slug: &str,
    person_id: i64,
    admit: bool,
) -> Result<(), AppError> {
    let group = group_by_slug(db, slug).await?;
    membership::authorise(db, actor_id, Action::ManageGroupMembers, &group).await?;
    let txn = crate::server::db::begin_write(db).await?;
    let request = group_membership::Entity::find_by_id((group.id, person_id))
        .one(&txn)
        .await?
        .filter(|g| g.status == GroupMembershipStatus::Requested.code())
        .ok_or_else(|| AppError::NotFound("There is no such request.".into()))?;
    let who = person::Entity::find_by_id(person_id)
        .one(&txn)
        .await?
        .ok_or(AppError::Internal)?;
    if admit {
        let mut r: group_membership::ActiveModel = request.into();
        r.status = Set(GroupMembershipStatus::Active.code().into());
        r.update(&txn).await?;
    } else {
        group_membership::Entity::delete_by_id((group.id, person_id))
            .exec(&txn)
            .await?;
    }
    audit::record(
        &txn,
        Entry {
            actor_id: Some(actor_id),
            space_id: Some(group.id),
            subject_person_id: Some(person_id),
            action: if admit {
                AuditAction::GroupAdmitted
            } else {
                AuditAction::GroupTurnedDown
            },
            summary: format!(
                "{} was {} {}",
                who.name,
                if admit {
                    "admitted to"
                } else {
                    "not admitted to"
                },
                group.name
            ),
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

    async fn who(db: &DatabaseConnection, email: &str) -> person::Model {
        accounts::find_by_email(db, email).await.unwrap().unwrap()
    }

    fn form(joining: &str) -> GroupForm {
        GroupForm {
            parent: "west-of-england".into(),
            kind: "special_interest_group".into(),
            name: "Hospital discharge".into(),
            purpose: "Patients, carers and staff improving how people leave hospital.".into(),
            joining: joining.into(),
        }
    }

    #[tokio::test]
    async fn a_member_forms_an_open_group_that_others_join_and_leave() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let sam = who(&db, "sam@demo.q-commons.org").await;
            let helen = who(&db, "helen@demo.q-commons.org").await;
            let group = create(&db, &sam, &form(OPEN)).await.unwrap();
            assert_eq!(group.slug, "hospital-discharge");
            join(&db, &helen, "hospital-discharge").await.unwrap();
            assert_eq!(
                join(&db, &helen, "hospital-discharge")
                    .await
                    .unwrap_err()
                    .status(),
                409
            );
            let page = spaces::page(&db, &Default::default(), "hospital-discharge", None)
                .await
                .unwrap();
            assert_eq!(page.members, 2);
            leave(&db, &helen, "hospital-discharge").await.unwrap();
            assert_eq!(
                spaces::page(&db, &Default::default(), "hospital-discharge", None)
                    .await
                    .unwrap()
                    .members,
                1
            );
            assert_eq!(
                create(&db, &sam, &form(OPEN)).await.unwrap_err().field(),
                Some("name")
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_by_request_group_admits_when_the_region_s_convener_says_so() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let sam = who(&db, "sam@demo.q-commons.org").await;
            let karen = who(&db, "karen@demo.q-commons.org").await;
            let hein = who(&db, "hein@demo.q-commons.org").await;
            create(&db, &sam, &form(BY_REQUEST)).await.unwrap();
            join(&db, &karen, "hospital-discharge").await.unwrap();
            assert_eq!(
                spaces::page(&db, &Default::default(), "hospital-discharge", None)
                    .await
                    .unwrap()
                    .members,
                1,
                "a request is not membership"
            );
            assert_eq!(
                decide_request(&db, karen.id, "hospital-discharge", karen.id, true)
                    .await
                    .unwrap_err(),
                AppError::Forbidden,
                "nobody admits themselves"
            );
            decide_request(&db, hein.id, "hospital-discharge", karen.id, true)
                .await
                .unwrap();
            assert_eq!(
                spaces::page(&db, &Default::default(), "hospital-discharge", None)
                    .await
                    .unwrap()
                    .members,
                2
            );
        })
        .await;
    }

    #[tokio::test]
    async fn only_active_members_form_groups_and_bad_input_is_refused_whole() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let outsider =
                accounts::register(&db, "Olly", "olly@example.org", "a long enough password")
                    .await
                    .unwrap();
            assert_eq!(
                create(&db, &outsider, &form(OPEN)).await.unwrap_err(),
                AppError::Forbidden
            );
            let sam = who(&db, "sam@demo.q-commons.org").await;
            let bad = GroupForm {
                parent: "atlantis".into(),
                kind: "region".into(),
                name: " ".into(),
                purpose: "".into(),
                joining: "whenever".into(),
            };
            let err = create(&db, &sam, &bad).await.unwrap_err();
            let fields: Vec<_> = err
                .field_errors()
                .iter()
                .map(|e| e.field.as_str())
                .collect();
            assert_eq!(fields, ["parent", "kind", "name", "purpose", "joining"]);
        })
        .await;
    }
}
