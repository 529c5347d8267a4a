use sea_orm::entity::prelude::*;

/// A space's own improvement measure.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "measure")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub space_id: i64,
    pub name: String,
    pub unit: String,
    /// `up`, `down` or `neither`: which way is better.
    pub direction: String,
    pub target: Option<f64>,
    /// A [`crate::domain::measure::Grain`] code.
    pub grain: String,
    /// A [`crate::domain::measure::ChartKind`] code.
    pub chart: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
