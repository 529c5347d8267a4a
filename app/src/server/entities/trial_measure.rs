use sea_orm::entity::prelude::*;

/// A measure that tells whether a trial's change is an improvement.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trial_measure")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trial_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub measure_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}
