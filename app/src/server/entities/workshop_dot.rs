use sea_orm::entity::prelude::*;

/// A participant's dots on one item (a note or a theme) in one dot vote.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshop_dot")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub participant_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub item: i64,
    pub dots: i32,
}

impl ActiveModelBehavior for ActiveModel {}
