//! Proposals: the stages a question put to a space's members goes through, who may vote
//! on it, and what a person is told when they may not. Pure; the services apply it to what
//! they read, and freeze the electorate when voting opens.
use crate::domain::membership::{MembershipStatus, SpaceScope};
use crate::domain::structure::SpaceKind;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// Where a proposal is: draft → discussion → decision (voting) → closed with an outcome.
    Stage {
        Draft => "draft", "Draft";
        Discussion => "discussion", "Discussion";
        Voting => "voting", "Decision";
        Closed => "closed", "Closed";
    }
}

impl Stage {
    /// The stage a proposal may move on to, if any.
    pub fn next(self) -> Option<Stage> {
        match self {
            Stage::Draft => Some(Stage::Discussion),
            Stage::Discussion => Some(Stage::Voting),
            Stage::Voting => Some(Stage::Closed),
            Stage::Closed => None,
        }
    }

    /// The stage's name for a proposal decided by `method`: under the advice process the
    /// decision stage is the time for seeking advice.
    pub fn label_for(self, method: Option<crate::domain::decision::Method>) -> &'static str {
        match (self, method) {
            (Stage::Voting, Some(crate::domain::decision::Method::AdviceProcess)) => {
                "Seeking advice"
            }
            _ => self.label(),
        }
    }

    /// The author may edit the text until voting opens (each edit kept as a version).
    pub fn editable(self) -> bool {
        matches!(self, Stage::Draft | Stage::Discussion)
    }
}

/// What the server knows of someone who wants to vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voter {
    /// `None` for a guest or someone with no membership at all.
    pub person_id: Option<i64>,
    pub status: Option<MembershipStatus>,
    pub home_region_id: Option<i64>,
    /// The groups (spaces) they belong to: joined, or (a stewardship group) stewarding.
    pub group_ids: Vec<i64>,
}

/// Who may vote: the active members of the proposal's space, or only the people named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Electorate<'a> {
    pub space: &'a SpaceScope,
    /// The space's name, for the message a refused voter reads.
    pub space_name: &'a str,
    /// Set when the proposer limited it to named people (a stewardship group's own).
    pub named: Option<&'a [i64]>,
}

/// Why someone may not vote, in words they can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal(pub String);

impl Electorate<'_> {
    /// Whether `voter` belongs to the electorate (as of now: the service asks this for
    /// everyone when voting opens and keeps the list).
    pub fn admits(&self, voter: &Voter) -> Result<(), Refusal> {
        let refuse = |why: String| Err(Refusal(why));
        let Some(person) = voter.person_id else {
            return refuse("Guests cannot vote: votes are for the commons' members.".into());
        };
        match voter.status {
            Some(MembershipStatus::Active) => {}
            Some(MembershipStatus::Lapsed) => {
                return refuse("Your membership has lapsed, so you cannot vote.".into());
            }
            Some(MembershipStatus::Suspended) => {
                return refuse("Your membership is suspended, so you cannot vote.".into());
            }
            _ => return refuse("Only members of the commons can vote.".into()),
        }
        if let Some(named) = self.named {
            return if named.contains(&person) {
                Ok(())
            } else {
                refuse(format!(
                    "Only the people named on this proposal can vote on it ({}).",
                    self.space_name
                ))
            };
        }
        let member_here = match self.space.kind {
            SpaceKind::NationalStewardshipGroup => true,
            SpaceKind::Region => voter.home_region_id == Some(self.space.space_id),
            _ => voter.group_ids.contains(&self.space.space_id),
        };
        if member_here {
            Ok(())
        } else {
            refuse(format!(
                "Only members of {} can vote on this.",
                self.space_name
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEST: i64 = 2;
    const NORTH: i64 = 3;
    const GROUP: i64 = 9;

    fn scope(space_id: i64, kind: SpaceKind) -> SpaceScope {
        SpaceScope {
            space_id,
            kind,
            region_id: Some(WEST),
            stewardship_group_id: None,
        }
    }

    fn member(id: i64, region: i64, status: MembershipStatus) -> Voter {
        Voter {
            person_id: Some(id),
            status: Some(status),
            home_region_id: Some(region),
            group_ids: vec![],
        }
    }

    #[test]
    fn stages_go_one_way_and_text_is_editable_until_voting_opens() {
        let mut stage = Stage::Draft;
        let mut seen = vec![stage];
        while let Some(next) = stage.next() {
            stage = next;
            seen.push(stage);
        }
        assert_eq!(seen, Stage::ALL);
        assert!(Stage::Draft.editable() && Stage::Discussion.editable());
        assert!(!Stage::Voting.editable() && !Stage::Closed.editable());
    }

    #[test]
    fn a_region_s_active_members_vote_and_everyone_else_is_told_why_not() {
        let west = scope(WEST, SpaceKind::Region);
        let vote = Electorate {
            space: &west,
            space_name: "West of England",
            named: None,
        };
        assert_eq!(
            vote.admits(&member(1, WEST, MembershipStatus::Active)),
            Ok(())
        );
        let why = |v: &Voter| vote.admits(v).unwrap_err().0;
        assert_eq!(
            why(&member(2, NORTH, MembershipStatus::Active)),
            "Only members of West of England can vote on this."
        );
        assert!(why(&member(3, WEST, MembershipStatus::Lapsed)).contains("lapsed"));
        assert!(why(&member(4, WEST, MembershipStatus::Suspended)).contains("suspended"));
        assert!(why(&member(5, WEST, MembershipStatus::Applicant)).contains("Only members"));
        let guest = Voter {
            person_id: None,
            status: None,
            home_region_id: None,
            group_ids: vec![],
        };
        assert!(why(&guest).starts_with("Guests cannot vote"));
    }

    #[test]
    fn the_national_commons_takes_every_active_member_and_a_group_its_own() {
        let national = scope(1, SpaceKind::NationalStewardshipGroup);
        let vote = Electorate {
            space: &national,
            space_name: "the national commons",
            named: None,
        };
        assert!(
            vote.admits(&member(1, NORTH, MembershipStatus::Active))
                .is_ok()
        );
        let group = scope(GROUP, SpaceKind::SpecialInterestGroup);
        let vote = Electorate {
            space: &group,
            space_name: "Hospital discharge",
            named: None,
        };
        let mut joined = member(2, WEST, MembershipStatus::Active);
        assert!(
            vote.admits(&joined).is_err(),
            "living in the region is not joining the group"
        );
        joined.group_ids.push(GROUP);
        assert!(vote.admits(&joined).is_ok());
    }

    #[test]
    fn a_proposal_limited_to_named_people_admits_only_them() {
        let stewards = scope(7, SpaceKind::StewardshipGroup);
        let named = [1, 4];
        let vote = Electorate {
            space: &stewards,
            space_name: "West of England stewards",
            named: Some(&named),
        };
        assert!(
            vote.admits(&member(4, WEST, MembershipStatus::Active))
                .is_ok()
        );
        assert!(
            vote.admits(&member(2, WEST, MembershipStatus::Active))
                .unwrap_err()
                .0
                .contains("named")
        );
        // Named, but no longer an active member: refused like anyone lapsed.
        assert!(
            vote.admits(&member(1, WEST, MembershipStatus::Lapsed))
                .unwrap_err()
                .0
                .contains("lapsed")
        );
    }
}
