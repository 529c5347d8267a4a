use sea_orm::entity::prelude::*;

/// A piece of advice on an advice-process proposal, with the author's answer.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_advice")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub proposal_id: i64,
    pub person_id: i64,
    pub body: String,
    pub given_at: DateTimeUtc,
    pub answer: Option<String>,
    pub answered_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
