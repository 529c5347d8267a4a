use sea_orm::entity::prelude::*;

/// One version of a proposal's text, kept for good: who wrote it and when.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub proposal_id: i64,
    pub number: i32,
    pub title: String,
    pub body: String,
    pub by_id: i64,
    pub at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
