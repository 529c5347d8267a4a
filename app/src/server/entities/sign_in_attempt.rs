use sea_orm::entity::prelude::*;

/// Kept in the database so that every app server on one PostgreSQL applies the same limit.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sign_in_attempt")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub email: String,
    pub client_ip: String,
    pub succeeded: bool,
    pub attempted_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
