use sea_orm::entity::prelude::*;

/// Someone the author of an advice-process proposal asks for advice.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_adviser")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub proposal_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: i64,
    /// When they were asked by e-mail; none until the advice opens.
    pub asked_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
