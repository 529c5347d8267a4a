use sea_orm::entity::prelude::*;

/// A movement of an asset: an allocation, a use or a top-up (DOMAIN.md: ledger).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub asset_id: i64,
    /// `domain::asset::EntryKind` code.
    pub kind: String,
    /// More than 0, in the asset's unit.
    pub amount: i64,
    /// The asset's balance once this entry was recorded.
    pub balance_after: i64,
    /// Why: what the entry is for.
    pub reason: String,
    /// Who receives or uses it (a project, a team, an event), when someone does.
    pub to_whom: Option<String>,
    /// The decision that authorised it.
    pub proposal_id: Option<i64>,
    /// The funding round that authorised it.
    pub funding_round_id: Option<i64>,
    pub recorded_by: i64,
    pub recorded_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
