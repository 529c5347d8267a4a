use sea_orm::entity::prelude::*;

/// A month's coffee draw ("2026-11"), made once, with the seed that shuffled it.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coffee_draw")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: String,
    pub seed: i64,
    pub pairs: i32,
    /// Those in the draw left without a partner.
    pub unpaired: i32,
    /// Who drew it; none when drawn on schedule.
    pub drawn_by: Option<i64>,
    pub drawn_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
