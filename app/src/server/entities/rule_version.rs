use sea_orm::entity::prelude::*;

/// One version of a rule, kept for good: the decision that made it (none for the founding
/// text), who proposed it and when it took effect.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rule_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub rule_id: i64,
    pub number: i32,
    pub title: String,
    pub body: String,
    pub proposal_id: Option<i64>,
    pub by_id: Option<i64>,
    pub at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
