use sea_orm::entity::prelude::*;

/// Someone who may vote on a proposal, fixed when voting opened (with the perspective
/// their vote is counted under).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_elector")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub proposal_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    /// The voter's perspectives when voting opened, as codes joined by commas.
    pub perspectives: String,
}

impl ActiveModelBehavior for ActiveModel {}
