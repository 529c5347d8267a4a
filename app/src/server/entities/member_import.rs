use sea_orm::entity::prelude::*;

/// A file of members uploaded by the project team, waiting to be confirmed.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member_import")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub file_name: String,
    /// The file's text; emptied once imported.
    pub body: String,
    pub imported_at: Option<DateTimeUtc>,
    pub summary: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
