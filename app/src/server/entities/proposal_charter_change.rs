use sea_orm::entity::prelude::*;

/// The change to the charter a charter proposal carries: who takes one kind of decision.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_charter_change")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub proposal_id: i64,
    pub clause_kind: String,
    pub level: String,
    pub limit_pence: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}
