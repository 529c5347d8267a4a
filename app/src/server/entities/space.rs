use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "space")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub parent_id: Option<i64>,
    /// A [`crate::domain::structure::SpaceKind`] code.
    pub kind: String,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    pub purpose: String,
    pub created_at: DateTimeUtc,
    /// How members join a group: `open`, or `by_request`.
    pub joining: String,
    /// When the project team archived it: it keeps its history and leaves the navigation.
    pub archived_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
