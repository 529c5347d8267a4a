//! What crosses the wire about a space's commons assets and their ledgers.
use serde::{Deserialize, Serialize};

/// A new asset, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetForm {
    pub name: String,
    /// `domain::asset::AssetKind` code.
    pub kind: String,
    /// Its first rules of use (may be empty: written later).
    pub rules: String,
}

/// A ledger entry, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryForm {
    /// `domain::asset::EntryKind` code.
    pub kind: String,
    /// In the asset's unit as people type it (pounds for money).
    pub amount: String,
    pub reason: String,
    pub to_whom: String,
    /// A decision of the same space that authorised it (its id), or empty.
    pub proposal: String,
}

/// An asset in its space's register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetLine {
    pub id: i64,
    pub name: String,
    pub kind: String,
    /// The balance as people read it ("£12,500", "40").
    pub balance: String,
}

/// A space's register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceAssets {
    pub space_slug: String,
    pub space_name: String,
    pub assets: Vec<AssetLine>,
    pub may_steward: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryView {
    pub id: i64,
    pub kind: String,
    /// Signed, as people read it ("−£300", "+£1,000").
    pub change: String,
    pub balance_after: String,
    pub reason: String,
    pub to_whom: Option<String>,
    /// The decision that authorised it: (id, title).
    pub proposal: Option<(i64, String)>,
    /// The funding round that authorised it: (id, title).
    pub round: Option<(i64, String)>,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// An asset's page: its rules of use (newest version, and how many there were) and its
/// ledger, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetPage {
    pub id: i64,
    pub space_slug: String,
    pub space_name: String,
    pub name: String,
    pub kind: String,
    pub balance: String,
    pub rules: Option<String>,
    pub rules_version: i32,
    pub entries: Vec<EntryView>,
    pub may_steward: bool,
}
