use sea_orm::entity::prelude::*;

/// The national group's question to regions, to answer by a day.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cascade")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub question: String,
    pub due_on: Date,
    pub asked_by: i64,
    pub asked_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
