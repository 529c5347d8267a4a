use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// SHA-256 of the cookie's token, hex: a leaked table does not leak sessions.
    #[sea_orm(unique)]
    pub token_hash: String,
    pub person_id: i64,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "person_id", to = "id")]
    pub person: BelongsTo<super::person::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
