use sea_orm::entity::prelude::*;

/// A note on a measure's chart: a change tried (a PDSA cycle) or an event; `rebase` starts
/// the XmR limits again from this date.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "measure_note")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub measure_id: i64,
    pub on_date: Date,
    pub text: String,
    pub rebase: bool,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
