//! The audit log's vocabulary (Ostrom 4, 5): every kind of governance action it records.
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What was done, as the audit log records it.
    AuditAction {
        ApplicationSubmitted => "application.submitted", "Applied to join";
        ApplicationApproved => "application.approved", "Application approved";
        ApplicationDeclined => "application.declined", "Application declined";
        MembershipLeft => "membership.left", "Left the community";
        MembershipMoved => "membership.moved", "Moved region";
        MembershipSuspended => "membership.suspended", "Suspended";
        MembershipLapsed => "membership.lapsed", "Marked as lapsed";
        MembershipReinstated => "membership.reinstated", "Reinstated";
        ProfileUpdated => "profile.updated", "Profile updated";
        GroupCreated => "group.created", "Group formed";
        GroupJoined => "group.joined", "Joined a group";
        GroupRequested => "group.requested", "Asked to join a group";
        GroupLeft => "group.left", "Left a group";
        GroupAdmitted => "group.admitted", "Admitted to a group";
        GroupTurnedDown => "group.turned_down", "Turned down for a group";
        PartnerAdded => "partner.added", "Partner recorded";
        RoleAppointed => "role.appointed", "Appointed";
        RoleRenewed => "role.renewed", "Term renewed";
        RoleEnded => "role.ended", "Term ended";
        CommunitySetUp => "community.set_up", "Community set up";
        SettingsChanged => "community.settings_changed", "Settings changed";
        SpaceCreated => "space.created", "Space created";
        SpaceChanged => "space.changed", "Space renamed or described";
        SpaceArchived => "space.archived", "Space archived";
        SpaceRestored => "space.restored", "Space restored";
        HostSet => "space.host_set", "Host organisation set";
        MembersImported => "membership.imported", "Members imported";
        ConsentGiven => "consent.given", "Consent to hold perspectives given";
        ConsentWithdrawn => "consent.withdrawn", "Consent to hold perspectives withdrawn";
        AccountErased => "account.erased", "Account deleted";
        MeetingScheduled => "meeting.scheduled", "Meeting scheduled";
        MeetingCancelled => "meeting.cancelled", "Meeting cancelled";
        MeetingMinuted => "meeting.minuted", "Minutes written";
        TrialStarted => "trial.started", "Trial started";
        TrialEnded => "trial.ended", "Trial ended";
        CascadeAsked => "cascade.asked", "Regions asked for input";
        CascadeAnswered => "cascade.answered", "Region answered the national group";
        EscalationRaised => "escalation.raised", "Matter raised to the national group";
        EscalationAnswered => "escalation.answered", "Raised matter answered";
        PartnerKept => "partner.kept", "Partner relationship kept up";
        AssetAdded => "asset.added", "Asset added to the register";
        AssetRulesChanged => "asset.rules_changed", "Rules of use changed";
        LedgerEntryRecorded => "asset.ledger_entry", "Ledger entry recorded";
        FundingRoundOpened => "funding.round_opened", "Funding round opened";
        FundingPanelChanged => "funding.panel_changed", "Funding round panel changed";
        FundingPhaseClosedEarly => "funding.phase_closed_early", "Funding round phase closed early";
        FundingResultsConfirmed => "funding.results_confirmed", "Funding round results confirmed";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_audit_action_round_trips_and_is_unique() {
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::from_code(a.code()), Some(*a));
        }
        let mut codes: Vec<&str> = AuditAction::ALL.iter().map(|a| a.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), AuditAction::ALL.len());
    }
}
