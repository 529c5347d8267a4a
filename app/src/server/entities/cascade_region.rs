use sea_orm::entity::prelude::*;

/// A region asked in a cascade, and its answer once given.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cascade_region")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cascade_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub region_id: i64,
    pub answer: Option<String>,
    /// The region's meeting the answer came from, if any.
    pub meeting_id: Option<i64>,
    /// The region's decision the answer came from, if any.
    pub proposal_id: Option<i64>,
    pub answered_by: Option<i64>,
    pub answered_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
