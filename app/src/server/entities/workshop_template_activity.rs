use sea_orm::entity::prelude::*;

/// One step of a template's agenda; a poll's options one a line.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshop_template_activity")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub template_id: i64,
    pub position: i32,
    pub kind: String,
    pub prompt: String,
    pub dot_budget: i32,
    pub dot_cap: Option<i32>,
    pub vote_target: String,
    pub multiple: bool,
    pub options: String,
}

impl ActiveModelBehavior for ActiveModel {}
