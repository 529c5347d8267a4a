use sea_orm::entity::prelude::*;

/// Someone the proposer named: when a proposal is limited to named people, only they vote.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_named")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub proposal_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}
