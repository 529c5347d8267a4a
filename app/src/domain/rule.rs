//! The rule book: the changes a proposal may carry to a space's rules, and how a rule
//! stands in a region's book (inherited from the national commons, adapted, or its own).
//! Pure; the services read the rules and apply a change once its proposal passes.
use crate::domain::structure::SpaceKind;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What a proposal does to the rule book when it passes.
    RuleChange {
        Amend => "amend", "Change a rule of this space";
        Adapt => "adapt", "Adapt a national rule for this region";
        Add => "add", "Add a rule";
    }
}

vocabulary! {
    /// How a rule stands in a space's book.
    Standing {
        National => "national", "National";
        Inherited => "inherited", "Inherited";
        Adapted => "adapted", "Adapted";
        Local => "local", "Local";
    }
}

/// What the server knows of the rule a change names, as seen from the proposal's space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The rule belongs to the proposal's own space.
    pub in_this_space: bool,
    /// The rule is one of the national commons' rules.
    pub national: bool,
    /// The proposal's space has adapted this (national) rule already.
    pub adapted_here: bool,
}

/// Whether a proposal in a space of `kind` may carry `change` to `target` (the rule it
/// names, if any); if not, why, in words the proposer can act on.
pub fn check(
    change: RuleChange,
    kind: SpaceKind,
    target: Option<Target>,
) -> Result<(), &'static str> {
    match (change, target) {
        (RuleChange::Add, None) => Ok(()),
        (RuleChange::Add, Some(_)) => Err("A new rule names no existing rule."),
        (_, None) => Err("Choose the rule to change."),
        (RuleChange::Amend, Some(t)) if t.in_this_space => Ok(()),
        (RuleChange::Amend, Some(t)) if t.national && kind == SpaceKind::Region => {
            Err("A region changes a national rule for itself by adapting it.")
        }
        (RuleChange::Amend, Some(_)) => {
            Err("A space changes only its own rules; propose it where the rule belongs.")
        }
        (RuleChange::Adapt, Some(_)) if kind != SpaceKind::Region => {
            Err("Only a region adapts the national rules.")
        }
        (RuleChange::Adapt, Some(t)) if !t.national => Err("Only a national rule is adapted."),
        (RuleChange::Adapt, Some(t)) if t.adapted_here => {
            Err("This region has adapted that rule already: propose a change to its adaptation.")
        }
        (RuleChange::Adapt, Some(_)) => Ok(()),
    }
}

/// How a rule stands in the book of a space of `kind`: `adapts` when it is the space's
/// adaptation of a national rule, `own` when the rule is the space's (not inherited).
pub fn standing(kind: SpaceKind, own: bool, adapts: bool) -> Standing {
    match (kind, own, adapts) {
        (SpaceKind::NationalStewardshipGroup, _, _) => Standing::National,
        (_, false, _) => Standing::Inherited,
        (_, true, true) => Standing::Adapted,
        (_, true, false) => Standing::Local,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RuleChange::*;
    use SpaceKind::*;

    const NATIONAL: Target = Target {
        in_this_space: false,
        national: true,
        adapted_here: false,
    };
    const OWN: Target = Target {
        in_this_space: true,
        national: false,
        adapted_here: false,
    };

    #[test]
    fn a_region_adapts_a_national_rule_once_and_changes_its_own() {
        assert_eq!(check(Adapt, Region, Some(NATIONAL)), Ok(()));
        let adapted = Target {
            adapted_here: true,
            ..NATIONAL
        };
        assert!(check(Adapt, Region, Some(adapted)).is_err());
        assert_eq!(check(Amend, Region, Some(OWN)), Ok(()));
        assert_eq!(
            check(Amend, Region, Some(NATIONAL)),
            Err("A region changes a national rule for itself by adapting it.")
        );
        assert_eq!(check(Add, Region, None), Ok(()));
    }

    #[test]
    fn the_national_commons_changes_its_rules_and_adapts_nothing() {
        let national_own = Target {
            in_this_space: true,
            national: true,
            adapted_here: false,
        };
        assert_eq!(
            check(Amend, NationalStewardshipGroup, Some(national_own)),
            Ok(())
        );
        assert!(check(Adapt, NationalStewardshipGroup, Some(national_own)).is_err());
        assert!(check(Adapt, ProjectGroup, Some(NATIONAL)).is_err());
        assert!(check(Amend, ProjectGroup, Some(NATIONAL)).is_err());
        assert!(check(Amend, Region, None).is_err());
        assert!(check(Add, Region, Some(OWN)).is_err());
    }

    #[test]
    fn standing_in_a_book() {
        assert_eq!(
            standing(NationalStewardshipGroup, true, false),
            Standing::National
        );
        assert_eq!(standing(Region, false, false), Standing::Inherited);
        assert_eq!(standing(Region, true, true), Standing::Adapted);
        assert_eq!(standing(Region, true, false), Standing::Local);
    }
}
