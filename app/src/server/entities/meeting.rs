use sea_orm::entity::prelude::*;

/// A stewardship meeting of a space: when, where or on which call, and whether it stands.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub space_id: i64,
    pub title: String,
    pub starts_at: DateTimeUtc,
    /// How long it runs, in minutes.
    pub minutes: i32,
    pub place: String,
    pub call_link: Option<String>,
    /// A [`crate::domain::meeting::MeetingStatus`] code.
    pub status: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
