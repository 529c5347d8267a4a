//! Service tests of membership, on SQLite and PostgreSQL.
use super::*;
use crate::domain::audit::AuditAction;
use crate::domain::membership::{Action, MembershipStatus};
use crate::server::entities::audit_log;
use crate::server::entities::{member, membership_application, person};
use crate::server::services::{accounts, demo, spaces};
use crate::server::testing::for_each_database;
use chrono::Utc;
use sea_orm::PaginatorTrait;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

const PW: &str = "a long enough password";

/// The applications `person_id` is shown in a region, as the page's panel asks.
async fn pending(
    db: &DatabaseConnection,
    person_id: i64,
    region_slug: &str,
) -> Result<Vec<crate::model::membership::PendingApplication>, AppError> {
    let asking = actor(db, person_id).await?;
    let kept = crate::server::cache::StructureCache::default();
    pending_applications(
        db,
        &kept,
        &crate::server::cache::Checked::none(),
        &asking,
        region_slug,
    )
    .await
}

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
        consent: true,
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
async fn an_application_decided_twice_at_once_is_decided_once() {
    for_each_database(|db| async move {
        let (hein, _, sam) = seeded(&db).await;
        let (_, app) = applicant(&db, "west-of-england").await;
        let (a, b) = tokio::join!(
            decide(&db, hein, app, true, ""),
            decide(&db, sam, app, false, "Not this time")
        );
        let outcomes = [a, b];
        assert_eq!(
            outcomes.iter().filter(|r| r.is_ok()).count(),
            1,
            "{outcomes:?}"
        );
        let refused = outcomes.iter().find_map(|r| r.as_ref().err()).unwrap();
        assert_eq!(refused.status(), 409);
        assert!(refused.to_string().contains("already been decided"));
        let decisions = audit_log::Entity::find()
            .filter(audit_log::Column::Action.is_in([
                AuditAction::ApplicationApproved.code(),
                AuditAction::ApplicationDeclined.code(),
            ]))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(decisions, 1);
    })
    .await;
}

#[tokio::test]
async fn convener_can_approve_applicant_in_own_region() {
    for_each_database(|db| async move {
        let (hein, _, _) = seeded(&db).await;
        let (cara, app) = applicant(&db, "west-of-england").await;
        let before = spaces::page(&db, &Default::default(), "west-of-england", None)
            .await
            .unwrap();
        decide(&db, hein, app, true, "").await.unwrap();
        let m = member::Entity::find_by_id(cara.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(m.status, "active");
        assert!(m.joined_on.is_some());
        let after = spaces::page(&db, &Default::default(), "west-of-england", None)
            .await
            .unwrap();
        assert_eq!(after.members, before.members + 1);
        let carers = |p: &crate::model::spaces::SpacePage| {
            p.balance.iter().find(|(l, _)| l == "Carer").unwrap().1
        };
        assert_eq!(carers(&after), carers(&before) + 1);
        let log = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq(AuditAction::ApplicationApproved.code()))
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
        assert!(pending(&db, helen, "west-of-england").await.is_err());
    })
    .await;
}

#[tokio::test]
async fn steward_can_approve_in_own_region_but_not_another() {
    for_each_database(|db| async move {
        let (_, _, sam) = seeded(&db).await;
        let (_, app) = applicant(&db, "west-of-england").await;
        assert_eq!(pending(&db, sam, "west-of-england").await.unwrap().len(), 1);
        assert!(pending(&db, sam, "south-west").await.is_err());
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
            consent: true,
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
            .filter(audit_log::Column::Action.eq(AuditAction::MembershipMoved.code()))
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
