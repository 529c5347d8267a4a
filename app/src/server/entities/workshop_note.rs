use sea_orm::entity::prelude::*;

/// A note posted in idea capture. `client_key` makes sending it twice store it once.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshop_note")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub workshop_id: i64,
    pub activity_id: i64,
    pub participant_id: i64,
    pub body: String,
    pub theme_id: Option<i64>,
    pub client_key: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
