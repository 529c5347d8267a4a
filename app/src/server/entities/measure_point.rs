use sea_orm::entity::prelude::*;

/// One value of a measure for one period (the month's or the week's first day).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "measure_point")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub measure_id: i64,
    pub period: Date,
    pub value: f64,
    pub entered_by: i64,
    pub entered_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
