//! `GET /health`: whether this app server can serve just now — its database answers and it
//! is not stopping. A load balancer in front of several app servers asks it every moment
//! and sends people only to those that say yes; an operator can ask it too.
use super::AppState;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// The longest the database gets to answer before this server calls itself unhealthy.
const DATABASE_ANSWERS_WITHIN: Duration = Duration::from_secs(2);

pub async fn health(state: AppState) -> Response {
    let answer = |status: StatusCode, text: &'static str| {
        (status, [(header::CACHE_CONTROL, "no-store")], text).into_response()
    };
    if state.live.is_closing() {
        return answer(StatusCode::SERVICE_UNAVAILABLE, "stopping\n");
    }
    match database_answers(&state.db).await {
        Ok(()) => answer(StatusCode::OK, "ok\n"),
        Err(_) => answer(
            StatusCode::SERVICE_UNAVAILABLE,
            "the database does not answer\n",
        ),
    }
}

/// Whether the database answers a trivial query within [`DATABASE_ANSWERS_WITHIN`].
pub async fn database_answers(
    db: &sea_orm::DatabaseConnection,
) -> Result<(), crate::error::AppError> {
    use sea_orm::ConnectionTrait;
    match tokio::time::timeout(DATABASE_ANSWERS_WITHIN, db.execute_unprepared("SELECT 1")).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e.into()),
        Err(_) => Err(crate::error::AppError::Unavailable),
    }
}
