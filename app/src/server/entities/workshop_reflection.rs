use sea_orm::entity::prelude::*;

/// A short answer in a reflection: what worked, what to change, what I learned.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshop_reflection")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub workshop_id: i64,
    pub activity_id: i64,
    pub participant_id: i64,
    pub prompt: String,
    pub body: String,
    pub anonymous: bool,
    pub client_key: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
