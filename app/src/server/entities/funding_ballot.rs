use sea_orm::entity::prelude::*;

/// A member's one ballot in a round: replaced whole when they change their mind.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_ballot")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    /// The chosen projects' ids, ascending, joined by commas.
    pub choices: String,
    /// What the chosen projects cost together (pence).
    pub cost: i64,
    pub cast_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
