use sea_orm::entity::prelude::*;

/// Every governance action: who, what, when, in which space, about whom, and why.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor_id: Option<i64>,
    pub space_id: Option<i64>,
    pub subject_person_id: Option<i64>,
    pub action: String,
    pub summary: String,
    pub reason: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
