use sea_orm::entity::prelude::*;

/// A question put to a space's members: draft → discussion → decision → closed.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub space_id: i64,
    pub author_id: i64,
    pub title: String,
    /// Markdown, as written; rendered and sanitised when shown.
    pub body: String,
    pub method: String,
    pub stage: String,
    pub anonymous: bool,
    pub results_live: bool,
    pub quorum_percent: i16,
    pub threshold_percent: i16,
    pub threshold_at_least: bool,
    pub named_only: bool,
    pub opens_at: Option<DateTimeUtc>,
    pub closes_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub result: Option<String>,
    pub eligible_count: Option<i32>,
    pub took_part_count: Option<i32>,
    pub outcome: Option<String>,
    pub outcome_by: Option<i64>,
    pub review_on: Option<Date>,
    pub workshop_id: Option<i64>,
    pub reminder_sent_at: Option<DateTimeUtc>,
    /// The number of the latest version of the text.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// A [`crate::domain::charter::DecisionKind`] code: what kind of decision it is.
    pub kind: String,
    /// For spending: how much, in pence.
    pub amount_pence: Option<i64>,
    /// The region it was raised in, when the charter sent it to the national commons.
    pub raised_in_id: Option<i64>,
    /// The region's decision a national decision overrides.
    pub overrides_id: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}
