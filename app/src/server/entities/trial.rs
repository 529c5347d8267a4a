use sea_orm::entity::prelude::*;

/// A change being tried in a space, learned from in PDSA cycles.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trial")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub space_id: i64,
    pub title: String,
    pub aim: String,
    pub change: String,
    pub review_on: Date,
    /// A [`crate::domain::trial::TrialStatus`] code.
    pub status: String,
    pub learned: Option<String>,
    pub started_by: i64,
    pub started_at: DateTimeUtc,
    pub concluded_by: Option<i64>,
    pub concluded_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
