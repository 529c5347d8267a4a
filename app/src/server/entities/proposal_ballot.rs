use sea_orm::entity::prelude::*;

/// One voter's ballot on a proposal (changed, not added to, while voting is open). Who
/// cast it never leaves the server when the vote is anonymous.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_ballot")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub proposal_id: i64,
    pub person_id: i64,
    /// The ballot as JSON, in the shape of the proposal's method.
    pub choice: String,
    /// The voter's perspectives when voting opened, as codes joined by commas.
    pub perspectives: String,
    /// The key the voter's device sent with its latest ballot: a repeat counts once.
    pub client_key: String,
    pub cast_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
