//! Forgetting what is no longer needed, on a timer: expired sessions and one-time tokens,
//! old sign-in attempts and throttle counts, e-mails already delivered (their bodies
//! hold sign-in and reset links) and form input nobody came back for. Safe to run on every app server at once.
use crate::error::AppError;
use crate::server::entities::{
    login_token, outbox_email, session, sign_in_attempt, throttle_event,
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// How often the purge runs.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// How many rows of each kind were removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub tokens: u64,
    pub attempts: u64,
    pub throttle_events: u64,
    pub emails: u64,
    pub form_returns: u64,
    pub imports: u64,
    /// Guests whose device token and network address were forgotten.
    pub guests: u64,
}

/// Remove everything that expired or served its purpose before `now`.
pub async fn purge(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Purged, AppError> {
    let day_ago = now - Duration::days(1);
    Ok(Purged {
        sessions: session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(now))
            .exec(db)
            .await?
            .rows_affected,
        tokens: login_token::Entity::delete_many()
            .filter(login_token::Column::ExpiresAt.lte(day_ago))
            .exec(db)
            .await?
            .rows_affected,
        // The sign-in limiter looks back one day at most.
        attempts: sign_in_attempt::Entity::delete_many()
            .filter(sign_in_attempt::Column::AttemptedAt.lte(day_ago))
            .exec(db)
            .await?
            .rows_affected,
        throttle_events: throttle_event::Entity::delete_many()
            .filter(throttle_event::Column::At.lte(day_ago))
            .exec(db)
            .await?
            .rows_affected,
        // Delivered a day ago: its link has expired and the copy is no longer needed.
        emails: outbox_email::Entity::delete_many()
            .filter(outbox_email::Column::SentAt.lte(day_ago))
            .exec(db)
            .await?
            .rows_affected,
        form_returns: super::form_returns::purge(db, now).await?,
        imports: super::import::purge_unconfirmed(db, now).await?,
        guests: forget_guest_devices(db, now).await?,
    })
}

/// A guest's device token and network address are kept for the community's retention
/// period (90 days unless the project team says otherwise), then forgotten: what they wrote
/// stays, under the name they chose, but nothing ties it to their device any more.
async fn forget_guest_devices(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    use crate::server::entities::{community, workshop_participant};
    use crate::server::services::settings;
    let days = community::Entity::find_by_id(settings::ROW)
        .one(db)
        .await?
        .map_or(settings::DEFAULT_GUEST_RETENTION_DAYS, |c| {
            c.guest_retention_days
        });
    let cutoff = now - Duration::days(i64::from(days));
    Ok(workshop_participant::Entity::update_many()
        .col_expr(
            workshop_participant::Column::DeviceTokenHash,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .col_expr(
            workshop_participant::Column::GuestAddress,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .filter(workshop_participant::Column::PersonId.is_null())
        .filter(workshop_participant::Column::JoinedAt.lte(cutoff))
        .filter(
            sea_orm::Condition::any()
                .add(workshop_participant::Column::DeviceTokenHash.is_not_null())
                .add(workshop_participant::Column::GuestAddress.is_not_null()),
        )
        .exec(db)
        .await?
        .rows_affected)
}

/// Purge now and then every [`EVERY`], for as long as the server runs.
pub async fn run(db: DatabaseConnection) {
    let mut timer = tokio::time::interval(EVERY);
    loop {
        timer.tick().await;
        match purge(&db, Utc::now()).await {
            Ok(p) => tracing::debug!(?p, "housekeeping"),
            Err(e) => tracing::warn!("housekeeping failed: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::services::{accounts, mail::Mailer, sessions};
    use crate::server::testing::for_each_database;
    use sea_orm::{ActiveModelTrait, PaginatorTrait, Set};

    #[tokio::test]
    async fn what_expired_goes_and_what_is_live_stays() {
        for_each_database(|db| async move {
            let ada = accounts::register(&db, "Ada", "ada@example.org", "a long enough password")
                .await
                .unwrap();
            let live_session = sessions::create(&db, ada.id).await.unwrap();
            sessions::create(&db, ada.id).await.unwrap();
            accounts::sign_in(&db, "ada@example.org", "wrong password", "1.1.1.1")
                .await
                .unwrap_err();
            Mailer::outbox_only()
                .send(&db, "ada@example.org", "Hello", "Body")
                .await
                .unwrap();
            let mail = outbox_email::Entity::find()
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            let mut sent: outbox_email::ActiveModel = mail.into();
            sent.sent_at = Set(Some(Utc::now()));
            sent.update(&db).await.unwrap();
            // Nothing is old yet.
            assert_eq!(purge(&db, Utc::now()).await.unwrap(), Purged::default());
            // Two days on: the sessions have not expired (30 days), the rest has.
            let later = Utc::now() + Duration::days(2);
            let purged = purge(&db, later).await.unwrap();
            assert_eq!((purged.attempts, purged.emails, purged.sessions), (1, 1, 0));
            assert!(
                sessions::person_for_token(&db, &live_session)
                    .await
                    .unwrap()
                    .is_some()
            );
            // A month on, the sessions too.
            let purged = purge(&db, Utc::now() + Duration::days(31)).await.unwrap();
            assert_eq!(purged.sessions, 2);
            assert_eq!(session::Entity::find().count(&db).await.unwrap(), 0);
        })
        .await;
    }
}
