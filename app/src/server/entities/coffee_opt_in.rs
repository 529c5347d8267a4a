use sea_orm::entity::prelude::*;

/// A member who wants to be drawn for coffee each month.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coffee_opt_in")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    pub opted_in_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
