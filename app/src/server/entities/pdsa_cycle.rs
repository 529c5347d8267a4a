use sea_orm::entity::prelude::*;

/// One plan-do-study-act cycle of a trial.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pdsa_cycle")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub trial_id: i64,
    /// 1 for the first cycle of its trial.
    pub number: i32,
    pub started_on: Date,
    pub plan: String,
    /// What was done ("do" is a word Rust keeps).
    pub done_what: String,
    pub study: String,
    pub act: String,
    pub recorded_by: i64,
    pub recorded_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
