use sea_orm::entity::prelude::*;

/// An idea posted to a funding round, and the proposal and project it may become.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_idea")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub round_id: i64,
    pub author_id: i64,
    pub title: String,
    pub summary: String,
    /// What it asks for, in pence.
    pub amount: i64,
    pub team: String,
    /// The member whose one proposal of the round this is, once it is a proposal.
    pub proposed_by: Option<i64>,
    /// Its proposal version (0 while an idea).
    pub version: i32,
    pub shortlisted: bool,
    pub score_total: Option<i32>,
    pub score_count: Option<i32>,
    pub votes: Option<i32>,
    /// `domain::funding::Reason` code, once counted.
    pub outcome: Option<String>,
    /// What was left when it did not fit (pence).
    pub outcome_left: Option<i64>,
    /// Its place among the funded, in the order they were funded.
    pub funded_order: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
