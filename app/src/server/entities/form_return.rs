use sea_orm::entity::prelude::*;

/// What someone typed into a form that failed without JavaScript, kept until the page
/// they are sent back to shows it (once), so nothing they wrote is lost.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "form_return")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// SHA-256 of the random key in the browser's cookie.
    #[sea_orm(unique)]
    pub key_hash: String,
    /// The server function the form posted to, e.g. `/api/sign_in`.
    pub path: String,
    /// The error as the server function encoded it.
    pub error: String,
    /// The fields, as a JSON list of `[name, value]` pairs (never a password).
    pub fields: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
