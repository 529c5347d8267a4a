use sea_orm::entity::prelude::*;

/// The community's own settings: one row (id 1), written by `server init` and then by
/// the project team.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "community")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub name: String,
    pub contact_email: String,
    pub privacy_notice: String,
    /// How long a guest participant's device data is kept, in days.
    pub guest_retention_days: i32,
    pub set_up_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
