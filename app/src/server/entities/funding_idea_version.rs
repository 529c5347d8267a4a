use sea_orm::entity::prelude::*;

/// One version of a proposal's text, kept as written.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_idea_version")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub idea_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    pub title: String,
    pub summary: String,
    pub amount: i64,
    pub team: String,
    pub written_by: i64,
    pub written_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
