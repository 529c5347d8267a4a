//! The charter (Ostrom 7: the right of a region to organise itself, nested in the
//! national commons): which kinds of decision a region takes alone and which need the
//! national group. Pure: the services read the clauses and route a proposal by them.
use crate::domain::structure::SpaceKind;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What a proposal decides, as the charter sorts decisions.
    DecisionKind {
        General => "general", "Anything else";
        Rules => "rules", "The space's own rules";
        Events => "events", "Events";
        Spending => "spending", "Spending";
        Charter => "charter", "The charter itself";
        Override => "override", "Overriding a region's decision";
    }
}

vocabulary! {
    /// Who takes a kind of decision.
    Level {
        Region => "region", "A region alone";
        National => "national", "The national commons";
    }
}

/// One clause: who takes `kind`, and for a region's spending the most it may spend alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    pub kind: DecisionKind,
    pub level: Level,
    pub limit_pence: Option<i64>,
}

/// The charter the commons starts with: regions decide their own rules, events and
/// spending up to £2,000 and anything not listed; the charter itself, and overriding a
/// region, are national.
pub const FOUNDING: &[Clause] = &[
    Clause {
        kind: DecisionKind::Rules,
        level: Level::Region,
        limit_pence: None,
    },
    Clause {
        kind: DecisionKind::Events,
        level: Level::Region,
        limit_pence: None,
    },
    Clause {
        kind: DecisionKind::Spending,
        level: Level::Region,
        limit_pence: Some(200_000),
    },
    Clause {
        kind: DecisionKind::General,
        level: Level::Region,
        limit_pence: None,
    },
    Clause {
        kind: DecisionKind::Charter,
        level: Level::National,
        limit_pence: None,
    },
    Clause {
        kind: DecisionKind::Override,
        level: Level::National,
        limit_pence: None,
    },
];

/// Where a proposal is decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// In the space it was raised in.
    Here,
    /// By the national commons; why, in words for the proposer.
    National(String),
}

/// "£2,000", "£1,250.50".
pub fn pounds(pence: i64) -> String {
    let whole = pence / 100;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match pence % 100 {
        0 => format!("£{grouped}"),
        p => format!("£{grouped}.{p:02}"),
    }
}

/// Where a proposal of `kind` (spending `amount_pence`) raised in a space of `space` is
/// decided under `charter`. Only a region's decisions are routed: the national commons
/// and groups decide where they are.
pub fn route(
    charter: &[Clause],
    space: SpaceKind,
    kind: DecisionKind,
    amount_pence: Option<i64>,
) -> Route {
    if space != SpaceKind::Region {
        return Route::Here;
    }
    let clause = charter.iter().find(|c| c.kind == kind);
    match clause {
        Some(c) if c.level == Level::National => Route::National(format!(
            "The charter reserves {} to the national commons.",
            kind.label().to_lowercase()
        )),
        Some(Clause {
            limit_pence: Some(limit),
            ..
        }) if amount_pence.unwrap_or(0) > *limit => Route::National(format!(
            "A region may spend up to {} alone; more is decided by the national commons.",
            pounds(*limit)
        )),
        _ => Route::Here,
    }
}

/// What a charter proposal changes: who takes one kind of decision (and, for a region's
/// spending, up to how much).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    pub kind: DecisionKind,
    pub level: Level,
    pub limit_pence: Option<i64>,
}

impl Amendment {
    /// Whether it may be made: the charter itself and overrides stay national (a region
    /// cannot be made to amend the charter alone or overrule the national commons), and a
    /// spending limit belongs only to a region's spending.
    pub fn check(&self) -> Result<(), String> {
        match (self.kind, self.level, self.limit_pence) {
            (DecisionKind::Charter | DecisionKind::Override, Level::Region, _) => Err(format!(
                "{} stays with the national commons.",
                self.kind.label()
            )),
            (DecisionKind::Spending, Level::Region, None) => {
                Err("Give the most a region may spend alone, in pounds.".into())
            }
            (DecisionKind::Spending, Level::Region, Some(p)) if p <= 0 => {
                Err("A spending limit is more than £0.".into())
            }
            (DecisionKind::Spending, Level::Region, Some(_)) => Ok(()),
            (_, _, Some(_)) => Err("Only a region's spending has a limit.".into()),
            _ => Ok(()),
        }
    }

    /// The charter with this clause changed (added where the charter had none for it).
    pub fn apply(&self, charter: &[Clause]) -> Vec<Clause> {
        let changed = Clause {
            kind: self.kind,
            level: self.level,
            limit_pence: self.limit_pence,
        };
        let mut out: Vec<Clause> = charter.to_vec();
        match out.iter_mut().find(|c| c.kind == self.kind) {
            Some(c) => *c = changed,
            None => out.push(changed),
        }
        out
    }

    /// In words: "Spending: a region alone, up to £5,000".
    pub fn words(&self) -> String {
        match (self.level, self.limit_pence) {
            (Level::Region, Some(limit)) => format!(
                "{}: a region alone, up to {}",
                self.kind.label(),
                pounds(limit)
            ),
            (level, _) => format!("{}: {}", self.kind.label(), level.label().to_lowercase()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DecisionKind::*;

    #[test]
    fn an_amendment_changes_one_clause_and_the_charter_itself_stays_national() {
        let raise = Amendment {
            kind: Spending,
            level: Level::Region,
            limit_pence: Some(500_000),
        };
        assert_eq!(raise.check(), Ok(()));
        let changed = raise.apply(FOUNDING);
        assert_eq!(changed.len(), FOUNDING.len());
        assert_eq!(
            route(&changed, SpaceKind::Region, Spending, Some(400_000)),
            Route::Here
        );
        assert_eq!(raise.words(), "Spending: a region alone, up to £5,000");
        let events_national = Amendment {
            kind: Events,
            level: Level::National,
            limit_pence: None,
        };
        assert!(matches!(
            route(
                &events_national.apply(FOUNDING),
                SpaceKind::Region,
                Events,
                None
            ),
            Route::National(_)
        ));
        assert_eq!(events_national.words(), "Events: the national commons");
        for kind in [Charter, Override] {
            let a = Amendment {
                kind,
                level: Level::Region,
                limit_pence: None,
            };
            assert!(
                a.check()
                    .unwrap_err()
                    .ends_with("stays with the national commons.")
            );
        }
        let no_limit = Amendment {
            limit_pence: None,
            ..raise
        };
        assert!(no_limit.check().is_err());
        let limit_elsewhere = Amendment {
            kind: Events,
            level: Level::Region,
            limit_pence: Some(1),
        };
        assert_eq!(
            limit_elsewhere.check(),
            Err("Only a region's spending has a limit.".into())
        );
    }

    #[test]
    fn a_region_decides_its_own_rules_events_and_spending_up_to_the_limit() {
        for kind in [General, Rules, Events] {
            assert_eq!(route(FOUNDING, SpaceKind::Region, kind, None), Route::Here);
        }
        assert_eq!(
            route(FOUNDING, SpaceKind::Region, Spending, Some(200_000)),
            Route::Here,
            "exactly the limit"
        );
        assert_eq!(
            route(FOUNDING, SpaceKind::Region, Spending, Some(200_001)),
            Route::National(
                "A region may spend up to £2,000 alone; more is decided by the national commons."
                    .into()
            )
        );
    }

    #[test]
    fn the_charter_and_overrides_are_national_wherever_they_are_raised() {
        assert_eq!(
            route(FOUNDING, SpaceKind::Region, Charter, None),
            Route::National(
                "The charter reserves the charter itself to the national commons.".into()
            )
        );
        assert!(matches!(
            route(FOUNDING, SpaceKind::Region, Override, None),
            Route::National(_)
        ));
        // Already national, or a group's own business: decided where it is.
        assert_eq!(
            route(FOUNDING, SpaceKind::NationalStewardshipGroup, Charter, None),
            Route::Here
        );
        assert_eq!(
            route(
                FOUNDING,
                SpaceKind::ProjectGroup,
                Spending,
                Some(10_000_000)
            ),
            Route::Here
        );
    }

    #[test]
    fn money_reads_as_pounds() {
        assert_eq!(pounds(200_000), "£2,000");
        assert_eq!(pounds(125_050), "£1,250.50");
        assert_eq!(pounds(99), "£0.99");
        assert_eq!(pounds(100_000_000), "£1,000,000");
    }
}
