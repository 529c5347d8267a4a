use sea_orm::entity::prelude::*;

/// The digest (SHA-256, hex) of a deleted account's e-mail address: no import brings the
/// person back. The address itself is not kept.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "erased_address")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub digest: String,
    pub erased_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
