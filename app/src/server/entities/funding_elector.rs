use sea_orm::entity::prelude::*;

/// A member who may vote in a round, fixed when voting opened, with the perspectives
/// their ballot is counted under.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_elector")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    /// Perspective codes joined by commas.
    pub perspectives: String,
}

impl ActiveModelBehavior for ActiveModel {}
