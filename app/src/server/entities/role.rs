use sea_orm::entity::prelude::*;

/// A role held by a person in a space, from `starts_on` until `ends_on` (open-ended if `None`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "role")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    pub space_id: i64,
    /// A [`crate::domain::structure::RoleKind`] code.
    pub kind: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub appointed_by: Option<i64>,
    #[sea_orm(belongs_to, from = "person_id", to = "id")]
    pub person: BelongsTo<super::person::Entity>,
    #[sea_orm(belongs_to, from = "space_id", to = "id")]
    pub space: BelongsTo<super::space::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
