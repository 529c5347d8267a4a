//! The real router on a fresh in-memory database, for the router tests.
use app::server::services::mail::Mailer;
use app::server::{AppState, Config, db};
use std::sync::Arc;

/// The app as `public_url` serves it (its scheme decides HSTS and `__Host-` cookies).
#[allow(dead_code)]
pub async fn app(public_url: &str) -> axum::Router {
    app_and_state(public_url).await.0
}

/// The app, and its state for a test to change what it serves.
pub async fn app_and_state(public_url: &str) -> (axum::Router, AppState) {
    let database = db::connect("sqlite::memory:").await.expect("database");
    app_on(database, public_url).await
}

/// The app on a database the test has set up (seeded, or watched for the statements run).
pub async fn app_on(
    database: sea_orm::DatabaseConnection,
    public_url: &str,
) -> (axum::Router, AppState) {
    let live = app::server::live::Live::start(&database)
        .await
        .expect("live");
    let state = AppState {
        db: database,
        config: Arc::new(Config {
            public_url: public_url.into(),
            ..Config::default()
        }),
        mailer: Mailer::outbox_only(),
        live,
    };
    let options = server::leptos_options("target/site", "127.0.0.1:3000".parse().unwrap());
    (server::router(state.clone(), options), state)
}

/// `GET path` with one cookie, through the whole router.
#[allow(dead_code)]
pub async fn get_with_cookie(
    app: &axum::Router,
    path: &str,
    cookie: &str,
) -> axum::response::Response {
    use tower::ServiceExt;
    app.clone()
        .oneshot(
            http::Request::get(path)
                .header(http::header::COOKIE, cookie)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap()
}

/// A brotli-compressed body, read back as text.
#[allow(dead_code)]
pub fn unbrotli(compressed: &[u8]) -> String {
    let mut page = Vec::new();
    brotli::BrotliDecompress(&mut &compressed[..], &mut page).unwrap();
    String::from_utf8(page).unwrap()
}
