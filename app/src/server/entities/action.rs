use sea_orm::entity::prelude::*;

/// Something a member has taken on, often from a workshop's theme or note.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "action")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub workshop_id: Option<i64>,
    pub space_id: Option<i64>,
    pub theme_id: Option<i64>,
    pub note_id: Option<i64>,
    pub title: String,
    pub owner_id: i64,
    pub due_on: Date,
    pub status: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The agenda item of a meeting that produced it, if any.
    pub meeting_item_id: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}
