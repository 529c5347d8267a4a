use sea_orm::entity::prelude::*;

/// How a partner organisation works with a space (a
/// [`crate::domain::structure::PartnerRelationship`] code), and how the relationship is kept
/// up: the agreement, the last contact, the next step.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "space_partner")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub space_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub partner_organisation_id: i64,
    pub relationship: String,
    pub agreement_from: Option<Date>,
    pub agreement_to: Option<Date>,
    /// A link to the agreement's document.
    pub agreement_url: Option<String>,
    pub last_contact_on: Option<Date>,
    pub next_step: Option<String>,
    #[sea_orm(belongs_to, from = "space_id", to = "id")]
    pub space: BelongsTo<super::space::Entity>,
    #[sea_orm(belongs_to, from = "partner_organisation_id", to = "id")]
    pub partner_organisation: BelongsTo<super::partner_organisation::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
