use sea_orm::entity::prelude::*;

/// A funded project's progress update.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_update")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub idea_id: i64,
    pub author_id: i64,
    pub body: String,
    pub posted_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
