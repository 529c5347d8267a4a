use sea_orm::entity::prelude::*;

/// A funding round spending part of a pot (DOMAIN.md: funding round).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_round")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub space_id: i64,
    /// The funding pot it spends from.
    pub asset_id: i64,
    pub title: String,
    pub purpose: String,
    /// In pence.
    pub budget: i64,
    pub max_per_project: i64,
    /// `domain::funding::VotingStyle` code.
    pub voting_style: String,
    /// For approval voting: how many projects a ballot chooses.
    pub choices_min: i32,
    pub choices_max: i32,
    /// `domain::funding::ResultRule` code.
    pub result_rule: String,
    pub shortlist_places: i32,
    /// The published criteria, one a line.
    pub criteria: String,
    pub ideas_at: DateTimeUtc,
    pub refinement_at: DateTimeUtc,
    pub shortlisting_at: DateTimeUtc,
    pub voting_at: DateTimeUtc,
    pub voting_closes_at: DateTimeUtc,
    /// `domain::funding::Phase` code of the latest phase whose beginning was acted on.
    pub phase: String,
    pub eligible_count: Option<i32>,
    pub confirmed_at: Option<DateTimeUtc>,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
