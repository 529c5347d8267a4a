use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member_perspective")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    /// A [`crate::domain::membership::Perspective`] code.
    #[sea_orm(primary_key, auto_increment = false)]
    pub perspective: String,
}

impl ActiveModelBehavior for ActiveModel {}
