use sea_orm::entity::prelude::*;

/// An option a participant chose in a poll.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshop_poll_choice")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub participant_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub option_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}
