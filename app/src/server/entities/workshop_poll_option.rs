use sea_orm::entity::prelude::*;

/// One answer a poll offers, in `position` order.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshop_poll_option")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub activity_id: i64,
    pub position: i32,
    pub label: String,
}

impl ActiveModelBehavior for ActiveModel {}
