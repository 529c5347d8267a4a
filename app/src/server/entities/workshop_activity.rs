use sea_orm::entity::prelude::*;

/// One step of a workshop's agenda, in `position` order.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshop_activity")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub workshop_id: i64,
    pub position: i32,
    pub kind: String,
    pub prompt: String,
    pub dot_budget: i32,
    pub dot_cap: Option<i32>,
    pub vote_target: String,
    /// A poll allows more than one choice.
    pub multiple: bool,
}

impl ActiveModelBehavior for ActiveModel {}
