//! The shape of the commons: kinds of space (nested national → region → group),
//! kinds of role held in a space, and kinds of partner organisation.
use serde::{Deserialize, Serialize};

/// A closed vocabulary from DOMAIN.md: the enum, its stored code and its label.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// How the kind is named to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        /// The first of the vocabulary: only a placeholder while a form is checked whole
        /// ([`crate::error::Validation::take`]), never let out as a checked value.
        impl Default for $name {
            fn default() -> Self {
                $name::ALL[0]
            }
        }
    };
}

vocabulary! {
    /// Kinds of [space](../../../shared/design/DOMAIN.md): where governance happens.
    SpaceKind {
        NationalStewardshipGroup => "national_stewardship_group", "National commons stewardship group";
        Region => "region", "Region";
        StewardshipGroup => "stewardship_group", "Commons stewardship group";
        SpecialInterestGroup => "special_interest_group", "Special interest group";
        ProjectGroup => "project_group", "Project group";
    }
}

vocabulary! {
    /// Roles are always held in a space, for a period.
    RoleKind {
        Convener => "convener", "Convener";
        Steward => "steward", "Steward";
        ProjectTeam => "project_team", "Project team";
        Member => "member", "Member";
    }
}

vocabulary! {
    PartnerKind {
        Ahsn => "ahsn", "Academic Health Science Network";
        NhsTrust => "nhs_trust", "NHS trust";
        University => "university", "University";
        Charity => "charity", "Charity";
        ImprovementOrganisation => "improvement_organisation", "Improvement organisation";
        Other => "other", "Other";
    }
}

vocabulary! {
    /// How a partner organisation works with a space.
    PartnerRelationship {
        Host => "host", "Host";
        Partner => "partner", "Partner";
        Funder => "funder", "Funder";
        Collaborator => "collaborator", "Collaborator";
    }
}

impl SpaceKind {
    /// Which kinds may nest directly under this one (Ostrom's nested enterprises).
    pub fn may_contain(self, child: SpaceKind) -> bool {
        use SpaceKind::*;
        matches!(
            (self, child),
            (NationalStewardshipGroup, Region)
                | (
                    NationalStewardshipGroup,
                    SpecialInterestGroup | ProjectGroup
                )
                | (
                    Region,
                    StewardshipGroup | SpecialInterestGroup | ProjectGroup
                )
        )
    }
}

/// A space's address from its name: lower-case ASCII letters and digits joined by single
/// hyphens, at most 60 characters ("North East & North Cumbria" → "north-east-north-cumbria").
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(60).collect();
    slug.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_plain_and_bounded() {
        assert_eq!(
            slugify("North East & North Cumbria"),
            "north-east-north-cumbria"
        );
        assert_eq!(slugify("  Ça va?  "), "a-va");
        assert_eq!(slugify("!!!"), "");
        let long = slugify(&"word ".repeat(40));
        assert!(long.len() <= 60 && !long.ends_with('-'));
    }

    use super::*;

    #[test]
    fn every_code_round_trips() {
        for k in SpaceKind::ALL {
            assert_eq!(SpaceKind::from_code(k.code()), Some(*k));
        }
        for k in RoleKind::ALL {
            assert_eq!(RoleKind::from_code(k.code()), Some(*k));
        }
        for k in PartnerKind::ALL {
            assert_eq!(PartnerKind::from_code(k.code()), Some(*k));
        }
        assert_eq!(SpaceKind::from_code("nonsense"), None);
    }

    #[test]
    fn regions_nest_under_the_national_group_and_not_the_other_way() {
        assert!(SpaceKind::NationalStewardshipGroup.may_contain(SpaceKind::Region));
        assert!(SpaceKind::Region.may_contain(SpaceKind::StewardshipGroup));
        assert!(!SpaceKind::Region.may_contain(SpaceKind::NationalStewardshipGroup));
        assert!(!SpaceKind::StewardshipGroup.may_contain(SpaceKind::Region));
    }
}
