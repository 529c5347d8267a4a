//! Limits on requests a stranger could repeat at will — registering, asking for an
//! e-mailed link, guessing join codes — per client address, kept in the database so every
//! app server on one PostgreSQL counts the same. A request is recorded before it is
//! judged, so requests sent in parallel cannot all slip under the limit.
use crate::error::AppError;
use crate::server::entities::throttle_event;
use crate::server::tokens;
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};

/// What is being limited, and how much of it one client may do in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// Creating an account.
    Registration,
    /// Asking for a password reset or sign-in link.
    EmailedLink,
    /// Typing a join code that opens no workshop.
    JoinCodeMiss,
}

impl Bucket {
    fn code(self) -> &'static str {
        match self {
            Bucket::Registration => "registration",
            Bucket::EmailedLink => "emailed_link",
            Bucket::JoinCodeMiss => "join_code_miss",
        }
    }

    /// (most allowed, in this many minutes)
    pub fn limit(self) -> (u64, i64) {
        match self {
            // A sign-up session on one venue's Wi-Fi stays under this; a script does not.
            Bucket::Registration => (30, 60),
            Bucket::EmailedLink => (10, 60),
            // A room of people mistyping now and then stays far below this; a script
            // walking 25^6 codes does not.
            Bucket::JoinCodeMiss => (20, 10),
        }
    }
}

fn key(bucket: Bucket, client: &str) -> String {
    tokens::digest(&format!("{}:{client}", bucket.code()))
}

async fn count(db: &impl ConnectionTrait, bucket: Bucket, client: &str) -> Result<u64, AppError> {
    let (_, minutes) = bucket.limit();
    Ok(throttle_event::Entity::find()
        .filter(throttle_event::Column::Bucket.eq(bucket.code()))
        .filter(throttle_event::Column::Key.eq(key(bucket, client)))
        .filter(throttle_event::Column::At.gt(Utc::now() - Duration::minutes(minutes)))
        .count(db)
        .await?)
}

/// Refuse if this client already reached the bucket's limit.
pub async fn check(
    db: &impl ConnectionTrait,
    bucket: Bucket,
    client: &str,
) -> Result<(), AppError> {
    let (most, minutes) = bucket.limit();
    if count(db, bucket, client).await? >= most {
        return Err(AppError::RateLimited {
            retry_after_minutes: minutes as u32,
        });
    }
    Ok(())
}

/// Count one event for this client.
pub async fn record(
    db: &impl ConnectionTrait,
    bucket: Bucket,
    client: &str,
) -> Result<(), AppError> {
    throttle_event::ActiveModel {
        bucket: Set(bucket.code().to_owned()),
        key: Set(key(bucket, client)),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Count this request, then refuse it if it goes over the limit.
pub async fn hit(db: &impl ConnectionTrait, bucket: Bucket, client: &str) -> Result<(), AppError> {
    record(db, bucket, client).await?;
    let (most, minutes) = bucket.limit();
    if count(db, bucket, client).await? > most {
        return Err(AppError::RateLimited {
            retry_after_minutes: minutes as u32,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::testing::for_each_database;

    #[tokio::test]
    async fn a_client_is_stopped_at_the_limit_and_others_are_not() {
        for_each_database(|db| async move {
            let (most, _) = Bucket::Registration.limit();
            for _ in 0..most {
                hit(&db, Bucket::Registration, "10.0.0.1").await.unwrap();
            }
            assert!(matches!(
                hit(&db, Bucket::Registration, "10.0.0.1").await,
                Err(AppError::RateLimited { .. })
            ));
            hit(&db, Bucket::Registration, "10.0.0.2").await.unwrap();
            hit(&db, Bucket::EmailedLink, "10.0.0.1").await.unwrap();
            // Only digests are kept.
            let rows = throttle_event::Entity::find().all(&db).await.unwrap();
            assert!(rows.iter().all(|r| !r.key.contains("10.0.0")));
        })
        .await;
    }

    #[tokio::test]
    async fn parallel_requests_cannot_all_slip_under_the_limit() {
        for_each_database(|db| async move {
            let (most, _) = Bucket::JoinCodeMiss.limit();
            let tries = (0..most * 2).map(|_| hit(&db, Bucket::JoinCodeMiss, "10.9.9.9"));
            let passed = futures::future::join_all(tries)
                .await
                .into_iter()
                .filter(Result::is_ok)
                .count() as u64;
            assert!(passed <= most, "{passed} of {} passed", most * 2);
        })
        .await;
    }
}
