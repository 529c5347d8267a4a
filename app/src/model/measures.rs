//! What crosses the wire about a space's own improvement measures.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureSummary {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub better_label: String,
    pub grain_label: String,
    pub chart_label: String,
    pub points: i64,
}

/// A space's measures, and the choices its define form offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpaceMeasures {
    pub space_slug: String,
    pub space_name: String,
    pub measures: Vec<MeasureSummary>,
    pub may_define: bool,
    /// (code, label) choices.
    pub betters: Vec<(String, String)>,
    pub grains: Vec<(String, String)>,
    pub charts: Vec<(String, String)>,
}

/// A note on the chart, numbered as drawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureNoteLine {
    pub number: u32,
    pub on: String,
    pub text: String,
    pub rebase: bool,
    /// The point it stands at (the first on or after its date).
    pub index: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasurePage {
    pub id: i64,
    pub space_slug: String,
    pub space_name: String,
    pub name: String,
    pub unit: String,
    /// A [`crate::domain::measure::Better`] code.
    pub better: String,
    pub better_label: String,
    pub target: Option<f64>,
    pub grain_label: String,
    /// A [`crate::domain::measure::ChartKind`] code.
    pub chart: String,
    /// Each point's period, as written, and value, in time order.
    pub labels: Vec<String>,
    pub values: Vec<f64>,
    pub notes: Vec<MeasureNoteLine>,
    pub may_edit: bool,
}
