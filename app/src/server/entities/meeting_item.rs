use sea_orm::entity::prelude::*;

/// An item on a meeting's agenda: its paper, its minutes, the decision it concerns.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting_item")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meeting_id: i64,
    /// Its place on the agenda, from 1.
    pub position: i32,
    pub title: String,
    pub paper_url: Option<String>,
    pub minutes: Option<String>,
    pub proposal_id: Option<i64>,
    pub added_by: i64,
    pub added_at: DateTimeUtc,
    pub minuted_by: Option<i64>,
    pub minuted_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
