use sea_orm::entity::prelude::*;

/// A person's membership of the community: status, home region, and what they share.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "member")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    /// A [`crate::domain::membership::MembershipStatus`] code.
    pub status: String,
    pub home_region_id: Option<i64>,
    pub organisation: Option<String>,
    pub clinician_discipline: Option<String>,
    pub bio: String,
    pub interests: String,
    pub show_email: bool,
    pub show_organisation: bool,
    pub joined_on: Option<Date>,
    pub updated_at: DateTimeUtc,
    /// When the member agreed that the community holds their perspectives (patient,
    /// carer, …); `None`: none are held.
    pub perspectives_consented_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "person_id", to = "id")]
    pub person: BelongsTo<super::person::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
