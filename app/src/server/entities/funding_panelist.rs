use sea_orm::entity::prelude::*;

/// A member on a round's shortlisting panel.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_panelist")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub round_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    pub added_by: i64,
    pub added_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
