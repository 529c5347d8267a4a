use sea_orm::entity::prelude::*;

/// One version of an asset's rules of use (the newest is in force).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "asset_rule")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub asset_id: i64,
    /// 1 for the first version.
    pub version: i32,
    pub body: String,
    pub written_by: i64,
    pub written_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
