use sea_orm::entity::prelude::*;

/// A participant's rating of one theme's impact and effort (1–5) in a prioritise activity.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workshop_rating")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub participant_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub theme_id: i64,
    pub impact: i16,
    pub effort: i16,
}

impl ActiveModelBehavior for ActiveModel {}
