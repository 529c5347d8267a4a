use sea_orm::entity::prelude::*;

/// An objection under consent: its reason, the author's answer, and whether it stands.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_objection")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub proposal_id: i64,
    pub person_id: i64,
    pub reason: String,
    pub answer: Option<String>,
    pub answered_at: Option<DateTimeUtc>,
    pub state: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
