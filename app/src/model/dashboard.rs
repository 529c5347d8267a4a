//! A space's dashboard as its page shows it: every number any member may read.
use serde::{Deserialize, Serialize};

/// One time series, a value a month or a week, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Unique on the page ("joined").
    pub key: String,
    pub title: String,
    /// In words: "14 joined in this period."
    pub headline: String,
    /// The month ("2026-01") or week (its Monday, "2026-01-05") of each value. A median
    /// or a share lists only those with something to measure.
    pub months: Vec<String>,
    pub values: Vec<f64>,
}

/// One perspective among members and among those who took part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    pub perspective: String,
    pub members: u32,
    /// Whole per cent of the members with any perspective.
    pub members_share: u32,
    pub took_part: u32,
    pub took_part_share: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardPage {
    pub space_name: String,
    pub space_slug: String,
    /// The period shown ("12m") and those offered (code, label).
    pub period: String,
    pub periods: Vec<(String, String)>,
    /// The grain shown ("month" or "week") and those offered (code, label).
    pub grain: String,
    pub grains: Vec<(String, String)>,
    /// "December 2025 to November 2026".
    pub span: String,
    /// When the counts were taken, in UK time ("14:05"): they are kept for a minute.
    pub counted_at: String,
    pub series: Vec<Series>,
    pub balance: Vec<Balance>,
    /// "Patients were 31 % of members and 18 % of workshop participants."
    pub balance_headline: String,
    /// For the space's conveners and stewards: what needs them now.
    pub needs_you: Option<NeedsYou>,
    /// The conveners' and stewards' terms of office in the space and its stewardship
    /// group, those ending soonest first: every member may see who holds office until when.
    pub terms: Vec<Term>,
    /// The work between the national commons and this region (or all regions, on the
    /// national group's): questions asked and answered, matters raised, time to answer.
    pub flow: Vec<String>,
    /// Where that work is listed.
    pub flow_link: String,
}

/// One convener's or steward's term of office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub name: String,
    /// "Convener of West of England".
    pub office: String,
    /// "1 December 2025".
    pub since: String,
    /// "30 November 2027"; None when the term has no end date.
    pub until: Option<String>,
    /// Days left when the term ends within 60 days.
    pub ends_in_days: Option<i64>,
}

/// Something waiting for a convener or steward, with where it is dealt with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    /// "Aisha Rahman applied 12 days ago".
    pub what: String,
    pub href: String,
}

/// What needs the space's conveners and stewards now, most urgent first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeedsYou {
    /// Applications to join waiting longest.
    pub applications: Vec<Waiting>,
    /// Overdue actions, with their owners.
    pub overdue: Vec<Waiting>,
    /// Terms of office ending within 60 days.
    pub terms: Vec<Waiting>,
}

/// Every region side by side (small multiples on one scale), and the national group's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NationalDashboard {
    pub period: String,
    pub periods: Vec<(String, String)>,
    pub grain: String,
    pub grains: Vec<(String, String)>,
    pub span: String,
    /// Each region's dashboard, then the national group's.
    pub spaces: Vec<DashboardPage>,
    /// The work between the national commons and the regions, in words.
    pub flow: Vec<String>,
}
