//! Sessions live in the database, so several app servers on one PostgreSQL share them.
use crate::domain::membership::Actor;
use crate::error::AppError;
use crate::model::account::{CurrentUser, SessionInfo};
use crate::server::cache::{Checked, CheckedKey};
use crate::server::entities::{person, session};
use crate::server::tokens;
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

pub const SESSION_DAYS: i64 = 30;

/// What every page needs to know about the visit: the community, and who is signed in
/// with their membership status.
pub fn session_info(
    community_name: &str,
    demo: bool,
    person: Option<person::Model>,
    actor: Option<&Actor>,
) -> SessionInfo {
    let today = Utc::now().date_naive();
    SessionInfo {
        community_name: community_name.to_owned(),
        demo,
        user: person.map(|p| CurrentUser {
            id: p.id,
            name: p.name,
            email: p.email,
        }),
        member_status: actor.and_then(|a| a.status).map(|s| s.code().to_owned()),
        project_team: actor.is_some_and(|a| a.is_project_team(today)),
    }
}

/// Create a session and return the secret for its cookie (only its digest is stored).
pub async fn create(db: &DatabaseConnection, person_id: i64) -> Result<String, AppError> {
    let secret = tokens::new_secret();
    let now = Utc::now();
    session::ActiveModel {
        token_hash: Set(tokens::digest(&secret)),
        person_id: Set(person_id),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(SESSION_DAYS)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(secret)
}

/// Who a session signs in, as the rules see them.
#[derive(Clone, Debug)]
pub struct Visit {
    pub person: person::Model,
    pub actor: Actor,
    expires_at: chrono::DateTime<Utc>,
}

/// Who a session's token signs in, with their membership and roles: kept between requests
/// while the database's change count stands (a session ended, a role changed or a
/// membership suspended anywhere moves it), and never past the session's expiry.
pub async fn visit(
    db: &DatabaseConnection,
    checked: &Checked,
    secret: &str,
) -> Result<Option<Visit>, AppError> {
    let kept = checked
        .get(CheckedKey::Visit(tokens::digest(secret)), async || {
            let found = session::Entity::find()
                .find_also_related(person::Entity)
                .filter(session::Column::TokenHash.eq(tokens::digest(secret)))
                .one(db)
                .await?;
            Ok::<_, AppError>(match found {
                Some((s, Some(person))) => Some(Visit {
                    actor: super::membership::actor(db, person.id).await?,
                    person,
                    expires_at: s.expires_at,
                }),
                _ => None,
            })
        })
        .await?;
    Ok(Option::clone(&kept).filter(|v| v.expires_at > Utc::now()))
}

/// Who a session's token signs in, in one query (every signed-in page asks).
pub async fn person_for_token(
    db: &DatabaseConnection,
    secret: &str,
) -> Result<Option<person::Model>, AppError> {
    Ok(session::Entity::find()
        .find_also_related(person::Entity)
        .filter(session::Column::TokenHash.eq(tokens::digest(secret)))
        .filter(session::Column::ExpiresAt.gt(Utc::now()))
        .one(db)
        .await?
        .and_then(|(_, person)| person))
}

pub async fn end(db: &DatabaseConnection, secret: &str) -> Result<(), AppError> {
    session::Entity::delete_many()
        .filter(session::Column::TokenHash.eq(tokens::digest(secret)))
        .exec(db)
        .await?;
    Ok(())
}

/// End every session of a person but the one given (after a password change).
pub async fn end_others(
    db: &DatabaseConnection,
    person_id: i64,
    keep_secret: Option<&str>,
) -> Result<(), AppError> {
    let mut delete = session::Entity::delete_many().filter(session::Column::PersonId.eq(person_id));
    if let Some(keep) = keep_secret {
        delete = delete.filter(session::Column::TokenHash.ne(tokens::digest(keep)));
    }
    delete.exec(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::services::accounts;
    use crate::server::testing::for_each_database;

    #[tokio::test]
    async fn a_session_finds_its_person_until_it_ends() {
        for_each_database(|db| async move {
            let p = accounts::register(&db, "Ada", "ada@example.org", "a long enough password")
                .await
                .unwrap();
            let secret = create(&db, p.id).await.unwrap();
            assert_eq!(
                person_for_token(&db, &secret).await.unwrap().unwrap().id,
                p.id
            );
            assert!(
                person_for_token(&db, "not-a-session")
                    .await
                    .unwrap()
                    .is_none()
            );
            let stored = session::Entity::find().one(&db).await.unwrap().unwrap();
            assert_ne!(stored.token_hash, secret, "only the digest is stored");
            end(&db, &secret).await.unwrap();
            assert!(person_for_token(&db, &secret).await.unwrap().is_none());
        })
        .await;
    }

    #[tokio::test]
    async fn expired_sessions_find_nobody() {
        for_each_database(|db| async move {
            let p = accounts::register(&db, "Ada", "ada@example.org", "a long enough password")
                .await
                .unwrap();
            let secret = create(&db, p.id).await.unwrap();
            session::Entity::update_many()
                .col_expr(
                    session::Column::ExpiresAt,
                    sea_orm::sea_query::Expr::value(Utc::now() - Duration::minutes(1)),
                )
                .exec(&db)
                .await
                .unwrap();
            assert!(person_for_token(&db, &secret).await.unwrap().is_none());
        })
        .await;
    }

    #[tokio::test]
    async fn a_kept_visit_ends_with_its_session_changes_with_its_roles_and_never_outlives_its_expiry()
     {
        use crate::server::cache::{Checked, CheckedCache, CheckedKey};
        for_each_database(|db| async move {
            crate::server::services::demo::seed_if_empty(&db)
                .await
                .unwrap();
            let cache = CheckedCache::default();
            let p = accounts::register(&db, "Ada", "ada@example.org", "a long enough password")
                .await
                .unwrap();
            let secret = create(&db, p.id).await.unwrap();
            let checked = Checked::read(&db, &cache).await.unwrap();
            let seen = visit(&db, &checked, &secret)
                .await
                .unwrap()
                .expect("signed in");
            assert_eq!((seen.person.id, seen.actor.roles.len()), (p.id, 0));

            // A role given to her straight in the database is on her very next visit.
            let space = crate::server::entities::space::Entity::find()
                .one(&db)
                .await
                .unwrap()
                .expect("the demo's spaces");
            crate::server::entities::role::ActiveModel {
                person_id: Set(p.id),
                space_id: Set(space.id),
                kind: Set("convener".into()),
                starts_on: Set(Utc::now().date_naive()),
                ..Default::default()
            }
            .insert(&db)
            .await
            .unwrap();
            let checked = Checked::read(&db, &cache).await.unwrap();
            let seen = visit(&db, &checked, &secret).await.unwrap().unwrap();
            assert_eq!(seen.actor.roles.len(), 1, "the new role is seen");

            // A visit kept with an expiry that has passed is not honoured (kept here by
            // hand, in a cache of its own).
            let checked = Checked::read(&db, &CheckedCache::default()).await.unwrap();
            let kept = seen.clone();
            checked
                .get(CheckedKey::Visit(tokens::digest(&secret)), async || {
                    Ok(Some(Visit {
                        expires_at: Utc::now() - Duration::seconds(1),
                        ..kept
                    }))
                })
                .await
                .unwrap();
            assert!(visit(&db, &checked, &secret).await.unwrap().is_none());

            // Signing out ends it for the next request, though it was kept.
            let fresh = create(&db, p.id).await.unwrap();
            let checked = Checked::read(&db, &cache).await.unwrap();
            assert!(visit(&db, &checked, &fresh).await.unwrap().is_some());
            end(&db, &fresh).await.unwrap();
            let checked = Checked::read(&db, &cache).await.unwrap();
            assert!(visit(&db, &checked, &fresh).await.unwrap().is_none());
        })
        .await;
    }
}
