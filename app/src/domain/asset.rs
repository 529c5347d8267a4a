//! Commons assets (Ostrom 1b: what the commons holds is known and bounded): the kinds of
//! asset a space stewards, and the rules of its ledger — every movement an allocation, a
//! use or a top-up, and a balance that never goes below nothing.
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What an asset is.
    AssetKind {
        FundingPot => "funding_pot", "Funding pot";
        EventPlaces => "event_places", "Event places";
        Venue => "venue", "Room or venue";
        Library => "library", "Library of resources";
        Equipment => "equipment", "Equipment";
        Time => "time", "People's time";
    }
}

impl AssetKind {
    /// What its ledger counts.
    pub fn unit(self) -> Unit {
        match self {
            AssetKind::FundingPot => Unit::Pence,
            AssetKind::Time => Unit::Hours,
            AssetKind::Venue => Unit::Bookings,
            AssetKind::EventPlaces | AssetKind::Library | AssetKind::Equipment => Unit::Items,
        }
    }
}

/// What an asset's ledger counts: money in pence, or whole things.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    Pence,
    Hours,
    Bookings,
    Items,
}

impl Unit {
    /// An amount as people read it: "£1,250.50", "12 hours", "1 booking", "40".
    pub fn show(self, amount: i64) -> String {
        match self {
            Unit::Pence => {
                let sign = if amount < 0 { "−" } else { "" };
                format!(
                    "{sign}{}",
                    crate::domain::funding::pounds(amount.unsigned_abs())
                )
            }
            Unit::Hours => format!("{amount} hour{}", if amount == 1 { "" } else { "s" }),
            Unit::Bookings => format!("{amount} booking{}", if amount == 1 { "" } else { "s" }),
            Unit::Items => amount.to_string(),
        }
    }

    /// An amount as typed: pounds ("£1,250.50", "1250.5", "300") for money, a whole number
    /// otherwise. Always more than nothing.
    pub fn parse(self, raw: &str) -> Result<i64, &'static str> {
        let raw = raw.trim();
        let amount = match self {
            Unit::Pence => {
                let digits: String = raw
                    .trim_start_matches('£')
                    .chars()
                    .filter(|c| *c != ',')
                    .collect();
                let (whole, part) = digits.split_once('.').unwrap_or((&digits, ""));
                if whole.is_empty() && part.is_empty()
                    || !whole.chars().all(|c| c.is_ascii_digit())
                    || !part.chars().all(|c| c.is_ascii_digit())
                    || part.len() > 2
                {
                    return Err("Write an amount in pounds, such as 1,250 or 1250.50.");
                }
                let pounds: i64 = if whole.is_empty() {
                    0
                } else {
                    whole.parse().map_err(|_| TOO_LARGE)?
                };
                let pence: i64 = format!("{part:0<2}").parse().unwrap_or(0);
                pounds
                    .checked_mul(100)
                    .and_then(|p| p.checked_add(pence))
                    .ok_or(TOO_LARGE)?
            }
            _ => raw
                .parse::<i64>()
                .map_err(|_| "Write a whole number, such as 12.")?,
        };
        if amount <= 0 {
            return Err("The amount must be more than nothing.");
        }
        if amount > MAX_AMOUNT {
            return Err(TOO_LARGE);
        }
        Ok(amount)
    }
}

/// The largest single entry: a thousand million pounds in pence (no Q asset comes near).
pub const MAX_AMOUNT: i64 = 100_000_000_000;
const TOO_LARGE: &str = "That amount is too large.";

vocabulary! {
    /// A movement in an asset's ledger.
    EntryKind {
        Allocation => "allocation", "Allocation";
        Use => "use", "Use";
        TopUp => "top_up", "Top-up";
    }
}

impl EntryKind {
    /// The balance after an entry of `amount` (more than nothing), or why it cannot be
    /// recorded: an asset never gives what it does not hold.
    pub fn apply(self, balance: i64, amount: i64, unit: Unit) -> Result<i64, String> {
        match self {
            EntryKind::TopUp => balance
                .checked_add(amount)
                .ok_or_else(|| TOO_LARGE.to_owned()),
            EntryKind::Allocation | EntryKind::Use if amount > balance => Err(format!(
                "Only {} is left: an asset cannot give more than it holds.",
                unit.show(balance)
            )),
            EntryKind::Allocation | EntryKind::Use => Ok(balance - amount),
        }
    }

    /// The change to the balance, signed.
    pub fn signed(self, amount: i64) -> i64 {
        match self {
            EntryKind::TopUp => amount,
            EntryKind::Allocation | EntryKind::Use => -amount,
        }
    }
}

/// The longest name of an asset.
pub const ASSET_NAME_MAX: usize = 120;
/// The longest "to whom" of a ledger entry.
pub const ASSET_WHO_MAX: usize = 200;
/// The longest reason for an entry, or rules of use.
pub const ASSET_TEXT_MAX: usize = 4_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_people_type_them() {
        let p = |s| Unit::Pence.parse(s);
        assert_eq!(p("£1,250.50"), Ok(125_050));
        assert_eq!(p("300"), Ok(30_000));
        assert_eq!(p("0.5"), Ok(50));
        assert_eq!(p(" 12.05 "), Ok(1_205));
        assert!(p("12.345").is_err());
        assert!(p("twelve").is_err());
        assert!(p("").is_err());
        assert!(p("-5").is_err());
        assert_eq!(p("0"), Err("The amount must be more than nothing."));
        assert_eq!(p("99999999999999999999"), Err(TOO_LARGE));
        assert_eq!(Unit::Hours.parse("12"), Ok(12));
        assert!(Unit::Items.parse("1.5").is_err());
    }

    #[test]
    fn amounts_read_in_their_unit() {
        assert_eq!(Unit::Pence.show(125_050), "£1,250.50");
        assert_eq!(Unit::Pence.show(-500), "−£5");
        assert_eq!(Unit::Hours.show(1), "1 hour");
        assert_eq!(Unit::Bookings.show(3), "3 bookings");
        assert_eq!(AssetKind::FundingPot.unit(), Unit::Pence);
    }

    #[test]
    fn the_balance_never_goes_below_nothing() {
        assert_eq!(EntryKind::TopUp.apply(100, 50, Unit::Items), Ok(150));
        assert_eq!(EntryKind::Allocation.apply(100, 100, Unit::Items), Ok(0));
        assert_eq!(EntryKind::Use.apply(100, 40, Unit::Items), Ok(60));
        assert_eq!(
            EntryKind::Allocation.apply(10_000, 10_001, Unit::Pence),
            Err("Only £100 is left: an asset cannot give more than it holds.".to_owned())
        );
        assert!(EntryKind::TopUp.apply(i64::MAX, 1, Unit::Items).is_err());
        assert_eq!(EntryKind::Use.signed(5), -5);
    }
}
