//! First run: `server init` sets a fresh database up — the community's settings, its
//! national commons space, and the first project-team member, who is sent a sign-in link
//! (no password is chosen for them or printed). Once set up it refuses and changes nothing.
use crate::domain::account::{validate_email, validate_name};
use crate::domain::audit::AuditAction;
use crate::domain::structure::{RoleKind, SpaceKind};
use crate::error::{AppError, Validation};
use crate::server::Config;
use crate::server::entities::{community, person, role, space};
use crate::server::services::audit::{self, Entry};
use crate::server::services::{accounts, mail::Mailer, settings};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

pub const NATIONAL_SLUG: &str = "national";

pub struct InitForm {
    pub community_name: String,
    pub contact_email: String,
    pub national_name: String,
    /// The first project-team member.
    pub name: String,
    pub email: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Initialised {
    /// Set up now; the first project-team member's sign-in link (also e-mailed).
    Done { sign_in_link: String },
    /// Already set up (by `server init` at this time, or by the demo or an older version
    /// when `None`): nothing changed.
    AlreadySetUp { since: Option<DateTime<Utc>> },
}

async fn already(db: &impl sea_orm::ConnectionTrait) -> Result<Option<Initialised>, AppError> {
    if let Some(row) = community::Entity::find_by_id(settings::ROW).one(db).await? {
        return Ok(Some(Initialised::AlreadySetUp {
            since: Some(row.set_up_at),
        }));
    }
    let national = space::Entity::find()
        .filter(space::Column::Kind.eq(SpaceKind::NationalStewardshipGroup.code()))
        .one(db)
        .await?;
    Ok(national.map(|_| Initialised::AlreadySetUp { since: None }))
}

pub async fn init(
    db: &DatabaseConnection,
    mailer: &Mailer,
    config: &Config,
    form: &InitForm,
) -> Result<Initialised, AppError> {
    let mut v = Validation::default();
    let community_name = v.take(settings::check_name("community_name", &form.community_name));
    let contact_email = v.take(settings::check_email("contact_email", &form.contact_email));
    let national_name = v.take(settings::check_name("national_name", &form.national_name));
    let name = v.take(validate_name(&form.name).map_err(|e| e.on_field("name")));
    let email = v.take(validate_email(&form.email));
    v.finish()?;

    let txn = crate::server::db::begin_write(db).await?;
    if let Some(done) = already(&txn).await? {
        return Ok(done);
    }
    let now = Utc::now();
    let person = match person::Entity::find()
        .filter(person::Column::Email.eq(&email))
        .one(&txn)
        .await?
    {
        Some(p) => p,
        None => {
            person::ActiveModel {
                name: Set(name),
                email: Set(email),
                password_hash: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let national = space::ActiveModel {
        parent_id: Set(None),
        kind: Set(SpaceKind::NationalStewardshipGroup.code().into()),
        slug: Set(NATIONAL_SLUG.into()),
        name: Set(national_name),
        purpose: Set(
            "Stewards the commons of the whole community and decides what belongs at national level."
                .into(),
        ),
        created_at: Set(now),
        joining: Set("by_request".into()),
        archived_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    role::ActiveModel {
        person_id: Set(person.id),
        space_id: Set(national.id),
        kind: Set(RoleKind::ProjectTeam.code().into()),
        starts_on: Set(now.date_naive()),
        ends_on: Set(None),
        appointed_by: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    // The one row's fixed id: of two `init`s racing, the second fails here and rolls back.
    if settings::create(&txn, &community_name, &contact_email)
        .await
        .is_err()
    {
        return Ok(already(db)
            .await?
            .unwrap_or(Initialised::AlreadySetUp { since: None }));
    }
    audit::record(
        &txn,
        Entry {
            actor_id: None,
            space_id: Some(national.id),
            subject_person_id: Some(person.id),
            action: AuditAction::CommunitySetUp,
            summary: format!(
                "{community_name} was set up with {} as its national commons and {} in the project team",
                national.name, person.name
            ),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    let sign_in_link = accounts::invite(
        db,
        mailer,
        config,
        &person,
        &community_name,
        &format!("{community_name} has been set up on Q Commons, and you are in its project team."),
    )
    .await?;
    Ok(Initialised::Done { sign_in_link })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::entities::outbox_email;
    use crate::server::services::membership;
    use crate::server::testing::for_each_database;
    use sea_orm::PaginatorTrait;

    fn form() -> InitForm {
        InitForm {
            community_name: "Q Commons".into(),
            contact_email: "privacy@q.example.org".into(),
            national_name: "National commons stewardship group".into(),
            name: "Ada Lovelace".into(),
            email: "Ada@Example.org".into(),
        }
    }

    #[tokio::test]
    async fn init_sets_up_once_and_the_second_run_changes_nothing() {
        for_each_database(async |db| {
            let (mailer, config) = (Mailer::outbox_only(), Config::default());
            let Initialised::Done { sign_in_link } =
                init(&db, &mailer, &config, &form()).await.unwrap()
            else {
                panic!("a fresh database is set up");
            };
            assert!(sign_in_link.starts_with("http://127.0.0.1:3000/sign-in-link/use?token="));
            let ada = accounts::find_by_email(&db, "ada@example.org")
                .await
                .unwrap()
                .unwrap();
            assert_eq!(ada.password_hash, None, "no password is chosen for them");
            membership::require_project_team(&db, ada.id).await.unwrap();
            let settings = settings::read(&db, &config).await.unwrap();
            assert!(settings.set_up);
            assert_eq!(settings.contact_email, "privacy@q.example.org");
            assert_eq!(outbox_email::Entity::find().count(&db).await.unwrap(), 1);
            // The link signs the first project-team member in.
            let token = sign_in_link.split("token=").nth(1).unwrap();
            assert_eq!(
                accounts::use_magic_link(&db, token).await.unwrap().id,
                ada.id
            );

            let counts = async |db: &DatabaseConnection| {
                (
                    person::Entity::find().count(db).await.unwrap(),
                    space::Entity::find().count(db).await.unwrap(),
                    role::Entity::find().count(db).await.unwrap(),
                    outbox_email::Entity::find().count(db).await.unwrap(),
                )
            };
            let before = counts(&db).await;
            let mut other = form();
            other.email = "someone.else@example.org".into();
            other.community_name = "Another name".into();
            let again = init(&db, &mailer, &config, &other).await.unwrap();
            assert!(matches!(
                again,
                Initialised::AlreadySetUp { since: Some(_) }
            ));
            assert_eq!(counts(&db).await, before, "nothing changed");
            assert_eq!(
                settings::read(&db, &config).await.unwrap().name,
                "Q Commons"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn bad_input_is_named_and_nothing_is_stored() {
        for_each_database(async |db| {
            let mut bad = form();
            bad.email = "not an address".into();
            bad.community_name = "  ".into();
            let e = init(&db, &Mailer::outbox_only(), &Config::default(), &bad)
                .await
                .unwrap_err();
            assert!(e.message_for("email").is_some());
            assert!(e.message_for("community_name").is_some());
            assert_eq!(person::Entity::find().count(&db).await.unwrap(), 0);
            assert_eq!(space::Entity::find().count(&db).await.unwrap(), 0);
        })
        .await;
    }

    #[tokio::test]
    async fn a_demo_database_counts_as_set_up() {
        for_each_database(async |db| {
            crate::server::services::demo::seed_if_empty(&db)
                .await
                .unwrap();
            let again = init(&db, &Mailer::outbox_only(), &Config::default(), &form())
                .await
                .unwrap();
            assert!(matches!(again, Initialised::AlreadySetUp { .. }));
            assert!(
                accounts::find_by_email(&db, "ada@example.org")
                    .await
                    .unwrap()
                    .is_none()
            );
        })
        .await;
    }
}
