//! Randomised coffee as the member's account page shows it.
use serde::{Deserialize, Serialize};

/// The member's place in the monthly coffee draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoffeePage {
    pub opted_in: bool,
    /// How many members are in the draw.
    pub in_draw: usize,
    /// Whom they were drawn with in the latest month they were.
    pub partner: Option<Partner>,
}

/// A coffee partner: shared only with the one they were drawn with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partner {
    /// "November 2026".
    pub month: String,
    pub name: String,
    pub email: String,
}

/// What a month's draw made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawn {
    /// "November 2026".
    pub month: String,
    pub pairs: usize,
    pub unpaired: usize,
}
