use sea_orm::entity::prelude::*;

/// A panel member's declared conflict of interest with a proposal: they do not score it.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_conflict")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub idea_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    pub reason: String,
    pub declared_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
