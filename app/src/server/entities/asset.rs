use sea_orm::entity::prelude::*;

/// Something a space holds in common and stewards (DOMAIN.md: asset).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "asset")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The stewarding space.
    pub space_id: i64,
    pub name: String,
    /// `domain::asset::AssetKind` code.
    pub kind: String,
    /// What it holds now, in its unit (pence for money); never below 0.
    pub balance: i64,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
