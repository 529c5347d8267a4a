use sea_orm::entity::prelude::*;

/// An action's status as set by someone at a time: its history.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "action_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub action_id: i64,
    pub status: String,
    pub by_id: i64,
    pub at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
