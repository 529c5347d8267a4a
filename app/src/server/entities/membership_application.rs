use sea_orm::entity::prelude::*;

/// An application to join the community in a region, and its decision.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "membership_application")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub person_id: i64,
    pub region_id: i64,
    /// Perspective codes, comma-separated, as applied with.
    pub perspectives: String,
    pub clinician_discipline: Option<String>,
    pub organisation: Option<String>,
    pub reason: String,
    /// `pending`, `approved`, `declined` or `withdrawn`.
    pub status: String,
    pub decided_by: Option<i64>,
    pub decision_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "person_id", to = "id")]
    pub person: BelongsTo<super::person::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
