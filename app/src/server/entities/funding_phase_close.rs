use sea_orm::entity::prelude::*;

/// A phase a steward closed before its date, and why.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_phase_close")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub phase: String,
    pub closed_at: DateTimeUtc,
    pub closed_by: i64,
    pub reason: String,
}

impl ActiveModelBehavior for ActiveModel {}
