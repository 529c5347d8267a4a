use sea_orm::entity::prelude::*;

/// One request a stranger could repeat (a registration, an e-mailed link, a wrong join
/// code), counted per bucket and client so every app server applies the same limit.
/// `key` is a digest: client addresses are not kept.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "throttle_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub bucket: String,
    pub key: String,
    pub at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
