//! Everything that runs only on the server: configuration, the database, entities,
//! services (the business operations, callable without HTTP) and the request glue.
pub mod auth;
pub mod cache;
pub mod config;
pub mod db;
pub mod entities;
pub mod export;
pub mod forms;
pub mod health;
pub mod live;
pub mod markdown;
pub mod page_cache;
pub mod password;
pub mod security;
pub mod services;
pub mod split;
pub mod stream;
pub mod testing;
pub mod time;
pub mod tokens;
pub mod upload;
pub mod writes;

pub use config::Config;

use std::sync::Arc;

/// What every request can reach: the database, the configuration, the mailer and the
/// live bus.
#[derive(Clone)]
pub struct AppState {
    pub db: sea_orm::DatabaseConnection,
    pub config: Arc<Config>,
    pub mailer: services::mail::Mailer,
    /// Tells open workshop screens what changed.
    pub live: live::Live,
}
