use sea_orm::entity::prelude::*;

/// Two members drawn to meet for coffee in a month.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coffee_pair")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub month: String,
    pub person_a: i64,
    pub person_b: i64,
}

impl ActiveModelBehavior for ActiveModel {}
