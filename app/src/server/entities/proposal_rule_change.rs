use sea_orm::entity::prelude::*;

/// The change to the rule book a proposal carries (amend a rule of its space, adapt a
/// national rule for a region, add a rule), and the rule it made or changed once applied.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_rule_change")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub proposal_id: i64,
    pub change: String,
    pub rule_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub applied_rule_id: Option<i64>,
    pub applied_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
