use sea_orm::entity::prelude::*;

/// A live co-production session: its stage (where the facilitator has it), its settings,
/// and `seq`, the number of the last change broadcast, bumped in the same transaction
/// as every change.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshop")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub space_id: Option<i64>,
    pub title: String,
    pub purpose: String,
    pub held_on: Date,
    #[sea_orm(unique)]
    pub join_code: String,
    pub facilitator_id: i64,
    pub seq: i64,
    pub current_index: Option<i32>,
    pub finished: bool,
    /// When the facilitator finished it (cleared if they went back).
    pub finished_at: Option<DateTimeUtc>,
    pub locked: bool,
    pub revealed: bool,
    pub timer_ends_at_ms: Option<i64>,
    pub anonymous: bool,
    pub notes_visible: bool,
    pub results_live: bool,
    pub participants_theme: bool,
    /// Days the join code keeps working after the workshop finished.
    pub code_days: i32,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
