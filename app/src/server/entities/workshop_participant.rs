use sea_orm::entity::prelude::*;

/// Someone taking part: a member (`person_id`) or a guest known by a token kept on their
/// device (only its digest is stored). `perspective` is `None` for "prefer not to say".
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshop_participant")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub workshop_id: i64,
    pub person_id: Option<i64>,
    pub device_token_hash: Option<String>,
    pub display_name: String,
    pub perspective: Option<String>,
    pub joined_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
