use sea_orm::entity::prelude::*;

/// Someone taking part: a member (`person_id`) or a guest known by a token kept on their
/// device (only its digest is stored). `perspective` is `None` for "prefer not to say".
/// `named_in_report`: they agreed that readers of the report see their name.
/// `guest_address`: for a guest, a digest of the network address they joined from, so that
/// one address cannot fill a workshop with guests. `removed_at`: the facilitator removed
/// this guest; their device cannot join again.
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
    pub named_in_report: bool,
    pub guest_address: Option<String>,
    pub removed_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
