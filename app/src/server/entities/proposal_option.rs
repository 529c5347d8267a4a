use sea_orm::entity::prelude::*;

/// An option of a ranked, score or approval vote, in the order the author gave.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_option")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub proposal_id: i64,
    pub position: i32,
    pub label: String,
}

impl ActiveModelBehavior for ActiveModel {}
