use sea_orm::entity::prelude::*;

/// One clause of the charter: the level that takes a kind of decision (a region alone, or
/// the national commons), with a spending limit for a region.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "charter_clause")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub kind: String,
    pub level: String,
    pub limit_pence: Option<i64>,
    pub position: i32,
    /// The decision that last changed it (none: as the commons started).
    pub changed_by_id: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}
