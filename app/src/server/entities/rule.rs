use sea_orm::entity::prelude::*;

/// A rule in a space's rule book; its text is its latest version. A region's rule that
/// adapts a national one says which.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rule")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub space_id: i64,
    pub adapts_rule_id: Option<i64>,
    pub position: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
