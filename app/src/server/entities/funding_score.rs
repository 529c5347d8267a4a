use sea_orm::entity::prelude::*;

/// A panel member's score (1–5) for a proposal against one published criterion.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_score")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub idea_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    /// The criterion's place in the round's list, from 0.
    #[sea_orm(primary_key, auto_increment = false)]
    pub criterion: i32,
    pub score: i32,
    pub comment: String,
    pub scored_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
