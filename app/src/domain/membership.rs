//! Who belongs (Ostrom 1a: clear boundaries) and who may do what where: perspectives,
//! membership statuses, roles held in a space for a period, and the permission rules
//! decided from (person, role, space, date). Pure: the server asks, the browser previews.
use crate::domain::structure::{RoleKind, SpaceKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Longest reason for an application or a decision, in characters.
pub const REASON_MAX: usize = 2000;

vocabulary! {
    /// The perspective a person speaks from; a member may hold several.
    Perspective {
        Patient => "patient", "Patient";
        Carer => "carer", "Carer";
        Clinician => "clinician", "Clinician";
        Manager => "manager", "Manager";
        Researcher => "researcher", "Researcher";
        ImprovementSpecialist => "improvement_specialist", "Improvement specialist";
        Educator => "educator", "Educator";
        Other => "other", "Other";
    }
}

vocabulary! {
    MembershipStatus {
        Applicant => "applicant", "Applicant";
        Active => "active", "Active";
        Lapsed => "lapsed", "Lapsed";
        Suspended => "suspended", "Suspended";
        Left => "left", "Left";
    }
}

vocabulary! {
    /// Where an application to join stands.
    ApplicationStatus {
        Pending => "pending", "Waiting for a decision";
        Approved => "approved", "Approved";
        Declined => "declined", "Declined";
        Withdrawn => "withdrawn", "Withdrawn";
    }
}

vocabulary! {
    /// A person's place in a group members formed.
    GroupMembershipStatus {
        Active => "active", "Member";
        Requested => "requested", "Asked to join";
    }
}

impl MembershipStatus {
    /// The changes a convener may make: suspend or mark as lapsed an active member, and
    /// reinstate a suspended or lapsed one. Leaving and applying are the member's own.
    pub fn may_become(self, to: MembershipStatus) -> bool {
        use MembershipStatus::*;
        matches!(
            (self, to),
            (Active, Suspended) | (Active, Lapsed) | (Suspended, Active) | (Lapsed, Active)
        )
    }
}

impl Perspective {
    /// Patients and carers: the lived-experience voices whose balance the community watches.
    pub fn is_lived_experience(self) -> bool {
        matches!(self, Perspective::Patient | Perspective::Carer)
    }
}

/// A role as held: which kind, in which space, for which period (`ends_on` inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldRole {
    pub kind: RoleKind,
    pub space_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

impl HeldRole {
    pub fn is_current(&self, today: NaiveDate) -> bool {
        self.starts_on <= today && self.ends_on.is_none_or(|end| today <= end)
    }

    /// Days until the term ends, if it has an end and has not ended.
    pub fn days_left(&self, today: NaiveDate) -> Option<i64> {
        self.ends_on
            .filter(|_| self.is_current(today))
            .map(|end| (end - today).num_days())
    }
}

/// A space as the rules need to see it: its kind, and the region that governs it
/// (for a region, itself; for a region's group, its region) and that region's
/// stewardship group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpaceScope {
    pub space_id: i64,
    pub kind: SpaceKind,
    pub region_id: Option<i64>,
    pub stewardship_group_id: Option<i64>,
}

/// What a person (the actor) holds: their membership status and roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub person_id: i64,
    pub status: Option<MembershipStatus>,
    /// The region a member belongs to, if any.
    pub home_region_id: Option<i64>,
    pub roles: Vec<HeldRole>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// Approve or decline an application to join, in a region.
    DecideApplication,
    /// Appoint, renew or end a convener's term, in a region.
    AppointConvener,
    /// Appoint or end a steward, in a region's stewardship group.
    AppointSteward,
    /// Read the audit log of a space.
    ViewAuditLog,
    /// Change a member's status (suspend, reinstate), in their home region.
    ChangeMemberStatus,
    /// Approve requests to join a group, or remove from it.
    ManageGroupMembers,
    /// Record a partner organisation's relationship with a region.
    ManagePartners,
    /// Hold a workshop in a space: an active member's own region and its groups, or the
    /// national group and its groups — not another region.
    HoldWorkshop,
    /// Keep a space's own improvement measures (define one, enter data, note changes): as
    /// for holding a workshop there.
    KeepMeasure,
    /// Download a workshop's raw records (every name, note and vote) held in a space:
    /// besides its facilitator, only the stewards and conveners of that space.
    ReadWorkshopRecords,
    /// Write the outcome of a decision taken in a space (its author may too): the
    /// stewards and conveners of that space.
    WriteOutcome,
    /// Schedule a space's meetings, order their agenda, record who came and write the
    /// minutes: the conveners and stewards of that space (the national group's own
    /// stewards nationally).
    RunMeeting,
    /// Put an item on a meeting's agenda: any member who may hold a workshop in the space.
    AddAgendaItem,
    /// Keep a space's commons assets: add one, write its rules of use, record its ledger
    /// (allocations, use, top-ups): as for running its meetings.
    StewardAssets,
}

impl Actor {
    /// Roles that grant anything today. The project team are staff: their role stands on
    /// its own. Every other role needs an active membership: a lapsed, suspended or
    /// departed member's roles grant nothing, nor does a role outside its term.
    fn current_roles(&self, today: NaiveDate) -> impl Iterator<Item = &HeldRole> {
        let active = self.status == Some(MembershipStatus::Active);
        self.roles
            .iter()
            .filter(move |r| r.is_current(today) && (active || r.kind == RoleKind::ProjectTeam))
    }

    fn holds(&self, kind: RoleKind, space_id: Option<i64>, today: NaiveDate) -> bool {
        space_id.is_some_and(|id| {
            self.current_roles(today)
                .any(|r| r.kind == kind && r.space_id == id)
        })
    }

    pub fn is_project_team(&self, today: NaiveDate) -> bool {
        self.current_roles(today)
            .any(|r| r.kind == RoleKind::ProjectTeam)
    }

    fn convenes(&self, scope: &SpaceScope, today: NaiveDate) -> bool {
        self.holds(RoleKind::Convener, scope.region_id, today)
    }

    fn stewards(&self, scope: &SpaceScope, today: NaiveDate) -> bool {
        self.holds(RoleKind::Steward, scope.stewardship_group_id, today)
    }

    pub fn is_active(&self) -> bool {
        self.status == Some(MembershipStatus::Active)
    }

    /// May this actor take this action in this space today?
    pub fn may(&self, action: Action, scope: &SpaceScope, today: NaiveDate) -> bool {
        if self.is_project_team(today) {
            return true;
        }
        match action {
            Action::HoldWorkshop | Action::KeepMeasure | Action::AddAgendaItem => {
                self.is_active()
                    && (scope.region_id.is_none()
                        || scope.region_id == self.home_region_id
                        || self.convenes(scope, today)
                        || self.stewards(scope, today))
            }
            Action::ReadWorkshopRecords
            | Action::WriteOutcome
            | Action::RunMeeting
            | Action::StewardAssets => {
                self.convenes(scope, today)
                    || self.stewards(scope, today)
                    // The national group's own stewards, for workshops held nationally.
                    || (scope.region_id.is_none()
                        && self.holds(RoleKind::Steward, Some(scope.space_id), today))
            }
            Action::AppointConvener => false,
            Action::AppointSteward | Action::ChangeMemberStatus | Action::ManagePartners => {
                self.convenes(scope, today)
            }
            Action::DecideApplication | Action::ViewAuditLog | Action::ManageGroupMembers => {
                self.convenes(scope, today) || self.stewards(scope, today)
            }
        }
    }
}

/// Counts of people by perspective, in a fixed order, for the balance of voices.
pub fn perspective_balance<'a>(
    perspectives_of_each: impl IntoIterator<Item = &'a [Perspective]>,
) -> Vec<(Perspective, usize)> {
    let mut counts = vec![0usize; Perspective::ALL.len()];
    for held in perspectives_of_each {
        for p in Perspective::ALL {
            if held.contains(p) {
                counts[*p as usize] += 1;
            }
        }
    }
    Perspective::ALL.iter().copied().zip(counts).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use RoleKind::*;

    const NATIONAL: i64 = 1;
    const WEST: i64 = 10;
    const WEST_GROUP: i64 = 11;
    const SOUTH: i64 = 20;
    const SOUTH_GROUP: i64 = 21;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn today() -> NaiveDate {
        day("2026-06-01")
    }

    fn region(id: i64, group: i64) -> SpaceScope {
        SpaceScope {
            space_id: id,
            kind: SpaceKind::Region,
            region_id: Some(id),
            stewardship_group_id: Some(group),
        }
    }

    fn national() -> SpaceScope {
        SpaceScope {
            space_id: NATIONAL,
            kind: SpaceKind::NationalStewardshipGroup,
            region_id: None,
            stewardship_group_id: None,
        }
    }

    fn group_of(region_id: i64, group: i64) -> SpaceScope {
        SpaceScope {
            space_id: group,
            kind: SpaceKind::StewardshipGroup,
            region_id: Some(region_id),
            stewardship_group_id: Some(group),
        }
    }

    fn actor(roles: &[(RoleKind, i64, &str, Option<&str>)]) -> Actor {
        Actor {
            person_id: 7,
            status: Some(MembershipStatus::Active),
            home_region_id: Some(WEST),
            roles: roles
                .iter()
                .map(|(kind, space_id, from, to)| HeldRole {
                    kind: *kind,
                    space_id: *space_id,
                    starts_on: day(from),
                    ends_on: to.map(day),
                })
                .collect(),
        }
    }

    fn convener_of_west() -> Actor {
        actor(&[(Convener, WEST, "2026-01-01", Some("2026-12-31"))])
    }

    fn steward_of_west() -> Actor {
        actor(&[(Steward, WEST_GROUP, "2026-01-01", None)])
    }

    fn project_team() -> Actor {
        actor(&[(ProjectTeam, NATIONAL, "2025-01-01", None)])
    }

    /// The whole table: (who, action, where) → allowed.
    #[test]
    fn permission_table_over_roles_actions_and_spaces() {
        let plain_member = actor(&[(Member, WEST, "2026-01-01", None)]);
        let table: &[(&str, Actor, Action, SpaceScope, bool)] = &[
            (
                "convener approves in own region",
                convener_of_west(),
                DecideApplication,
                region(WEST, WEST_GROUP),
                true,
            ),
            (
                "convener cannot approve in another region",
                convener_of_west(),
                DecideApplication,
                region(SOUTH, SOUTH_GROUP),
                false,
            ),
            (
                "steward approves in own region",
                steward_of_west(),
                DecideApplication,
                region(WEST, WEST_GROUP),
                true,
            ),
            (
                "steward cannot approve in another region",
                steward_of_west(),
                DecideApplication,
                region(SOUTH, SOUTH_GROUP),
                false,
            ),
            (
                "member cannot approve",
                plain_member.clone(),
                DecideApplication,
                region(WEST, WEST_GROUP),
                false,
            ),
            (
                "project team approves anywhere",
                project_team(),
                DecideApplication,
                region(SOUTH, SOUTH_GROUP),
                true,
            ),
            (
                "project team appoints conveners",
                project_team(),
                AppointConvener,
                region(WEST, WEST_GROUP),
                true,
            ),
            (
                "convener cannot appoint a convener",
                convener_of_west(),
                AppointConvener,
                region(WEST, WEST_GROUP),
                false,
            ),
            (
                "steward cannot appoint a convener",
                steward_of_west(),
                AppointConvener,
                region(WEST, WEST_GROUP),
                false,
            ),
            (
                "convener appoints stewards in own region",
                convener_of_west(),
                AppointSteward,
                group_of(WEST, WEST_GROUP),
                true,
            ),
            (
                "convener cannot appoint stewards elsewhere",
                convener_of_west(),
                AppointSteward,
                group_of(SOUTH, SOUTH_GROUP),
                false,
            ),
            (
                "steward cannot appoint stewards",
                steward_of_west(),
                AppointSteward,
                group_of(WEST, WEST_GROUP),
                false,
            ),
            (
                "project team appoints stewards",
                project_team(),
                AppointSteward,
                group_of(SOUTH, SOUTH_GROUP),
                true,
            ),
            (
                "convener runs own region's meetings",
                convener_of_west(),
                RunMeeting,
                region(WEST, WEST_GROUP),
                true,
            ),
            (
                "steward runs the stewardship group's meetings",
                steward_of_west(),
                RunMeeting,
                group_of(WEST, WEST_GROUP),
                true,
            ),
            (
                "convener cannot run another region's meetings",
                convener_of_west(),
                RunMeeting,
                region(SOUTH, SOUTH_GROUP),
                false,
            ),
            (
                "member cannot run a meeting",
                plain_member.clone(),
                RunMeeting,
                region(WEST, WEST_GROUP),
                false,
            ),
            (
                "steward keeps the stewardship group's assets",
                steward_of_west(),
                StewardAssets,
                group_of(WEST, WEST_GROUP),
                true,
            ),
            (
                "convener cannot keep another region's assets",
                convener_of_west(),
                StewardAssets,
                region(SOUTH, SOUTH_GROUP),
                false,
            ),
            (
                "member cannot keep the region's assets",
                plain_member.clone(),
                StewardAssets,
                region(WEST, WEST_GROUP),
                false,
            ),
            (
                "member adds to own region's agenda",
                plain_member.clone(),
                AddAgendaItem,
                region(WEST, WEST_GROUP),
                true,
            ),
            (
                "member cannot add to another region's agenda",
                plain_member.clone(),
                AddAgendaItem,
                region(SOUTH, SOUTH_GROUP),
                false,
            ),
            (
                "steward reads own region's audit log",
                steward_of_west(),
                ViewAuditLog,
                region(WEST, WEST_GROUP),
                true,
            ),
            (
                "steward cannot read another region's audit log",
                steward_of_west(),
                ViewAuditLog,
                region(SOUTH, SOUTH_GROUP),
                false,
            ),
            (
                "member cannot read the audit log",
                plain_member.clone(),
                ViewAuditLog,
                region(WEST, WEST_GROUP),
                false,
            ),
            (
                "convener suspends in own region",
                convener_of_west(),
                ChangeMemberStatus,
                region(WEST, WEST_GROUP),
                true,
            ),
            (
                "steward cannot suspend",
                steward_of_west(),
                ChangeMemberStatus,
                region(WEST, WEST_GROUP),
                false,
            ),
            (
                "member holds a workshop in their own region",
                plain_member.clone(),
                HoldWorkshop,
                region(WEST, WEST_GROUP),
                true,
            ),
            (
                "member holds a workshop in their region's group",
                plain_member.clone(),
                HoldWorkshop,
                group_of(WEST, WEST_GROUP),
                true,
            ),
            (
                "member holds a workshop nationally",
                plain_member.clone(),
                HoldWorkshop,
                national(),
                true,
            ),
            (
                "member cannot hold a workshop in another region",
                plain_member.clone(),
                HoldWorkshop,
                region(SOUTH, SOUTH_GROUP),
                false,
            ),
            (
                "member cannot hold a workshop in another region's group",
                plain_member.clone(),
                HoldWorkshop,
                group_of(SOUTH, SOUTH_GROUP),
                false,
            ),
            (
                "member keeps a measure in their own region",
                plain_member.clone(),
                KeepMeasure,
                region(WEST, WEST_GROUP),
                true,
            ),
            (
                "member cannot keep a measure in another region",
                plain_member.clone(),
                KeepMeasure,
                region(SOUTH, SOUTH_GROUP),
                false,
            ),
            (
                "project team holds a workshop anywhere",
                project_team(),
                HoldWorkshop,
                region(SOUTH, SOUTH_GROUP),
                true,
            ),
            (
                "member cannot read a workshop's raw records",
                plain_member.clone(),
                ReadWorkshopRecords,
                region(WEST, WEST_GROUP),
                false,
            ),
            (
                "steward reads raw records of their region's workshops",
                steward_of_west(),
                ReadWorkshopRecords,
                group_of(WEST, WEST_GROUP),
                true,
            ),
            (
                "convener reads raw records of their region's workshops",
                convener_of_west(),
                ReadWorkshopRecords,
                region(WEST, WEST_GROUP),
                true,
            ),
            (
                "convener cannot read another region's raw records",
                convener_of_west(),
                ReadWorkshopRecords,
                region(SOUTH, SOUTH_GROUP),
                false,
            ),
            (
                "convener writes the outcome of their region's decision",
                convener_of_west(),
                WriteOutcome,
                region(WEST, WEST_GROUP),
                true,
            ),
            (
                "member cannot write the outcome of another's decision",
                plain_member.clone(),
                WriteOutcome,
                region(WEST, WEST_GROUP),
                false,
            ),
            (
                "national steward reads national raw records",
                actor(&[(Steward, NATIONAL, "2026-01-01", None)]),
                ReadWorkshopRecords,
                national(),
                true,
            ),
        ];
        for (what, who, action, scope, allowed) in table {
            assert_eq!(who.may(*action, scope, today()), *allowed, "{what}");
        }
    }

    /// Every action named in one match with no catch-all: a new action does not compile
    /// until it is given a row for every role in the grid below.
    fn every_action() -> Vec<Action> {
        let all = vec![
            DecideApplication,
            AppointConvener,
            AppointSteward,
            ViewAuditLog,
            ChangeMemberStatus,
            ManageGroupMembers,
            ManagePartners,
            HoldWorkshop,
            KeepMeasure,
            ReadWorkshopRecords,
            WriteOutcome,
            RunMeeting,
            AddAgendaItem,
            StewardAssets,
        ];
        for a in &all {
            match a {
                DecideApplication | AppointConvener | AppointSteward | ViewAuditLog
                | ChangeMemberStatus | ManageGroupMembers | ManagePartners | HoldWorkshop
                | KeepMeasure | ReadWorkshopRecords | WriteOutcome | RunMeeting | AddAgendaItem
                | StewardAssets => {}
            }
        }
        all
    }

    /// The whole grid: every role × every action × every kind of space, written out by hand
    /// from the rules (Y allowed, N refused), in the order of `spaces` below: the national
    /// group, a national special interest group, West of England, its stewardship group, a
    /// special interest group in West, South West, its stewardship group.
    #[test]
    fn permission_grid_over_every_role_action_and_space() {
        const WEST_SIG: i64 = 12;
        const NATIONAL_SIG: i64 = 2;
        let spaces = [
            national(),
            SpaceScope {
                space_id: NATIONAL_SIG,
                kind: SpaceKind::SpecialInterestGroup,
                region_id: None,
                stewardship_group_id: None,
            },
            region(WEST, WEST_GROUP),
            group_of(WEST, WEST_GROUP),
            SpaceScope {
                space_id: WEST_SIG,
                kind: SpaceKind::SpecialInterestGroup,
                region_id: Some(WEST),
                stewardship_group_id: Some(WEST_GROUP),
            },
            region(SOUTH, SOUTH_GROUP),
            group_of(SOUTH, SOUTH_GROUP),
        ];
        let mut suspended = convener_of_west();
        suspended.status = Some(MembershipStatus::Suspended);
        let roles: Vec<(&str, Actor)> = vec![
            (
                "member of West",
                actor(&[(Member, WEST, "2026-01-01", None)]),
            ),
            ("convener of West", convener_of_west()),
            ("steward of West", steward_of_west()),
            (
                "national steward",
                actor(&[(Steward, NATIONAL, "2026-01-01", None)]),
            ),
            ("project team", project_team()),
            ("suspended convener of West", suspended),
            (
                "convener of West whose term ended",
                actor(&[(Convener, WEST, "2025-01-01", Some("2026-05-31"))]),
            ),
        ];
        let grid: &[(&str, Action, &str)] = &[
            // HoldWorkshop
            ("member of West", HoldWorkshop, "YYYYYNN"),
            ("convener of West", HoldWorkshop, "YYYYYNN"),
            ("steward of West", HoldWorkshop, "YYYYYNN"),
            ("national steward", HoldWorkshop, "YYYYYNN"),
            ("project team", HoldWorkshop, "YYYYYYY"),
            ("suspended convener of West", HoldWorkshop, "NNNNNNN"),
            ("convener of West whose term ended", HoldWorkshop, "YYYYYNN"),
            // KeepMeasure
            ("member of West", KeepMeasure, "YYYYYNN"),
            ("convener of West", KeepMeasure, "YYYYYNN"),
            ("steward of West", KeepMeasure, "YYYYYNN"),
            ("national steward", KeepMeasure, "YYYYYNN"),
            ("project team", KeepMeasure, "YYYYYYY"),
            ("suspended convener of West", KeepMeasure, "NNNNNNN"),
            ("convener of West whose term ended", KeepMeasure, "YYYYYNN"),
            // AddAgendaItem
            ("member of West", AddAgendaItem, "YYYYYNN"),
            ("convener of West", AddAgendaItem, "YYYYYNN"),
            ("steward of West", AddAgendaItem, "YYYYYNN"),
            ("national steward", AddAgendaItem, "YYYYYNN"),
            ("project team", AddAgendaItem, "YYYYYYY"),
            ("suspended convener of West", AddAgendaItem, "NNNNNNN"),
            (
                "convener of West whose term ended",
                AddAgendaItem,
                "YYYYYNN",
            ),
            // ReadWorkshopRecords
            ("member of West", ReadWorkshopRecords, "NNNNNNN"),
            ("convener of West", ReadWorkshopRecords, "NNYYYNN"),
            ("steward of West", ReadWorkshopRecords, "NNYYYNN"),
            ("national steward", ReadWorkshopRecords, "YNNNNNN"),
            ("project team", ReadWorkshopRecords, "YYYYYYY"),
            ("suspended convener of West", ReadWorkshopRecords, "NNNNNNN"),
            (
                "convener of West whose term ended",
                ReadWorkshopRecords,
                "NNNNNNN",
            ),
            // WriteOutcome
            ("member of West", WriteOutcome, "NNNNNNN"),
            ("convener of West", WriteOutcome, "NNYYYNN"),
            ("steward of West", WriteOutcome, "NNYYYNN"),
            ("national steward", WriteOutcome, "YNNNNNN"),
            ("project team", WriteOutcome, "YYYYYYY"),
            ("suspended convener of West", WriteOutcome, "NNNNNNN"),
            ("convener of West whose term ended", WriteOutcome, "NNNNNNN"),
            // RunMeeting
            ("member of West", RunMeeting, "NNNNNNN"),
            ("convener of West", RunMeeting, "NNYYYNN"),
            ("steward of West", RunMeeting, "NNYYYNN"),
            ("national steward", RunMeeting, "YNNNNNN"),
            ("project team", RunMeeting, "YYYYYYY"),
            ("suspended convener of West", RunMeeting, "NNNNNNN"),
            ("convener of West whose term ended", RunMeeting, "NNNNNNN"),
            // StewardAssets
            ("member of West", StewardAssets, "NNNNNNN"),
            ("convener of West", StewardAssets, "NNYYYNN"),
            ("steward of West", StewardAssets, "NNYYYNN"),
            ("national steward", StewardAssets, "YNNNNNN"),
            ("project team", StewardAssets, "YYYYYYY"),
            ("suspended convener of West", StewardAssets, "NNNNNNN"),
            (
                "convener of West whose term ended",
                StewardAssets,
                "NNNNNNN",
            ),
            // AppointConvener
            ("member of West", AppointConvener, "NNNNNNN"),
            ("convener of West", AppointConvener, "NNNNNNN"),
            ("steward of West", AppointConvener, "NNNNNNN"),
            ("national steward", AppointConvener, "NNNNNNN"),
            ("project team", AppointConvener, "YYYYYYY"),
            ("suspended convener of West", AppointConvener, "NNNNNNN"),
            (
                "convener of West whose term ended",
                AppointConvener,
                "NNNNNNN",
            ),
            // AppointSteward
            ("member of West", AppointSteward, "NNNNNNN"),
            ("convener of West", AppointSteward, "NNYYYNN"),
            ("steward of West", AppointSteward, "NNNNNNN"),
            ("national steward", AppointSteward, "NNNNNNN"),
            ("project team", AppointSteward, "YYYYYYY"),
            ("suspended convener of West", AppointSteward, "NNNNNNN"),
            (
                "convener of West whose term ended",
                AppointSteward,
                "NNNNNNN",
            ),
            // ChangeMemberStatus
            ("member of West", ChangeMemberStatus, "NNNNNNN"),
            ("convener of West", ChangeMemberStatus, "NNYYYNN"),
            ("steward of West", ChangeMemberStatus, "NNNNNNN"),
            ("national steward", ChangeMemberStatus, "NNNNNNN"),
            ("project team", ChangeMemberStatus, "YYYYYYY"),
            ("suspended convener of West", ChangeMemberStatus, "NNNNNNN"),
            (
                "convener of West whose term ended",
                ChangeMemberStatus,
                "NNNNNNN",
            ),
            // ManagePartners
            ("member of West", ManagePartners, "NNNNNNN"),
            ("convener of West", ManagePartners, "NNYYYNN"),
            ("steward of West", ManagePartners, "NNNNNNN"),
            ("national steward", ManagePartners, "NNNNNNN"),
            ("project team", ManagePartners, "YYYYYYY"),
            ("suspended convener of West", ManagePartners, "NNNNNNN"),
            (
                "convener of West whose term ended",
                ManagePartners,
                "NNNNNNN",
            ),
            // DecideApplication
            ("member of West", DecideApplication, "NNNNNNN"),
            ("convener of West", DecideApplication, "NNYYYNN"),
            ("steward of West", DecideApplication, "NNYYYNN"),
            ("national steward", DecideApplication, "NNNNNNN"),
            ("project team", DecideApplication, "YYYYYYY"),
            ("suspended convener of West", DecideApplication, "NNNNNNN"),
            (
                "convener of West whose term ended",
                DecideApplication,
                "NNNNNNN",
            ),
            // ViewAuditLog
            ("member of West", ViewAuditLog, "NNNNNNN"),
            ("convener of West", ViewAuditLog, "NNYYYNN"),
            ("steward of West", ViewAuditLog, "NNYYYNN"),
            ("national steward", ViewAuditLog, "NNNNNNN"),
            ("project team", ViewAuditLog, "YYYYYYY"),
            ("suspended convener of West", ViewAuditLog, "NNNNNNN"),
            ("convener of West whose term ended", ViewAuditLog, "NNNNNNN"),
            // ManageGroupMembers
            ("member of West", ManageGroupMembers, "NNNNNNN"),
            ("convener of West", ManageGroupMembers, "NNYYYNN"),
            ("steward of West", ManageGroupMembers, "NNYYYNN"),
            ("national steward", ManageGroupMembers, "NNNNNNN"),
            ("project team", ManageGroupMembers, "YYYYYYY"),
            ("suspended convener of West", ManageGroupMembers, "NNNNNNN"),
            (
                "convener of West whose term ended",
                ManageGroupMembers,
                "NNNNNNN",
            ),
        ];
        // Every role has a row for every action, once.
        for (role, _) in &roles {
            for action in every_action() {
                let rows = grid
                    .iter()
                    .filter(|(r, a, _)| r == role && *a == action)
                    .count();
                assert_eq!(rows, 1, "{role} × {action:?}: {rows} rows in the grid");
            }
        }
        assert_eq!(grid.len(), roles.len() * every_action().len());
        let mut wrong = Vec::new();
        for (role, action, expected) in grid {
            let who = &roles.iter().find(|(r, _)| r == role).expect("a role").1;
            let got: String = spaces
                .iter()
                .map(|s| {
                    if who.may(*action, s, today()) {
                        'Y'
                    } else {
                        'N'
                    }
                })
                .collect();
            if got != *expected {
                wrong.push(format!(
                    "{role} × {action:?}: expected {expected}, got {got}"
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn status_changes_a_convener_may_make() {
        use MembershipStatus::*;
        assert!(Active.may_become(Suspended) && Active.may_become(Lapsed));
        assert!(Suspended.may_become(Active) && Lapsed.may_become(Active));
        assert!(!Left.may_become(Active), "someone who left applies again");
        assert!(
            !Applicant.may_become(Active),
            "applicants are approved, not reinstated"
        );
        assert!(!Suspended.may_become(Lapsed));
    }

    #[test]
    fn lapsed_convener_cannot_appoint() {
        let lapsed = actor(&[(Convener, WEST, "2025-01-01", Some("2025-12-31"))]);
        assert!(!lapsed.may(AppointSteward, &group_of(WEST, WEST_GROUP), today()));
        assert!(!lapsed.may(DecideApplication, &region(WEST, WEST_GROUP), today()));
    }

    #[test]
    fn a_term_counts_from_its_first_to_its_last_day() {
        let c = convener_of_west();
        let west = region(WEST, WEST_GROUP);
        assert!(c.may(DecideApplication, &west, day("2026-01-01")));
        assert!(c.may(DecideApplication, &west, day("2026-12-31")));
        assert!(!c.may(DecideApplication, &west, day("2025-12-31")));
        assert!(!c.may(DecideApplication, &west, day("2027-01-01")));
    }

    #[test]
    fn a_suspended_member_s_roles_grant_nothing_but_staff_roles_stand() {
        let mut c = convener_of_west();
        c.status = Some(MembershipStatus::Suspended);
        assert!(!c.may(DecideApplication, &region(WEST, WEST_GROUP), today()));
        let mut staff = project_team();
        staff.status = None;
        assert!(staff.may(AppointConvener, &region(WEST, WEST_GROUP), today()));
    }

    #[test]
    fn days_left_counts_down_to_the_end_of_term() {
        let role = &convener_of_west().roles[0];
        assert_eq!(role.days_left(day("2026-12-01")), Some(30));
        assert_eq!(role.days_left(day("2027-01-02")), None);
        assert_eq!(steward_of_west().roles[0].days_left(today()), None);
    }

    #[test]
    fn perspective_balance_counts_each_person_once_per_perspective() {
        let people: Vec<Vec<Perspective>> = vec![
            vec![Perspective::Patient],
            vec![Perspective::Carer, Perspective::Researcher],
            vec![Perspective::Patient, Perspective::Carer],
        ];
        let balance = perspective_balance(people.iter().map(Vec::as_slice));
        let get = |p| balance.iter().find(|(q, _)| *q == p).unwrap().1;
        assert_eq!(get(Perspective::Patient), 2);
        assert_eq!(get(Perspective::Carer), 2);
        assert_eq!(get(Perspective::Researcher), 1);
        assert_eq!(get(Perspective::Clinician), 0);
        assert_eq!(balance.len(), Perspective::ALL.len());
    }
}
