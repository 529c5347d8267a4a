//! The dashboards count by time: who took part each month (workshop participants and
//! ballots by when), members by when they joined in their home region, workshops by
//! space and day held, members leaving by the audit log's action and time. An index on
//! each lets the database read a period's rows instead of every row there ever was; the
//! participants' and ballots' indexes hold every column the count reads, so it never
//! touches the tables.
use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum WorkshopParticipant {
    Table,
    JoinedAt,
    PersonId,
    RemovedAt,
}

#[derive(DeriveIden)]
enum ProposalBallot {
    Table,
    CastAt,
    PersonId,
}

#[derive(DeriveIden)]
enum Member {
    Table,
    HomeRegionId,
    JoinedOn,
}

#[derive(DeriveIden)]
enum Workshop {
    Table,
    SpaceId,
    HeldOn,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Action,
    At,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        Index::create()
            .name("idx_workshop_participant_joined_at")
            .table(WorkshopParticipant::Table)
            .col(WorkshopParticipant::JoinedAt)
            .col(WorkshopParticipant::PersonId)
            .col(WorkshopParticipant::RemovedAt)
            .to_owned(),
        Index::create()
            .name("idx_proposal_ballot_cast_at")
            .table(ProposalBallot::Table)
            .col(ProposalBallot::CastAt)
            .col(ProposalBallot::PersonId)
            .to_owned(),
        Index::create()
            .name("idx_member_region_joined_on")
            .table(Member::Table)
            .col(Member::HomeRegionId)
            .col(Member::JoinedOn)
            .to_owned(),
        Index::create()
            .name("idx_workshop_space_held_on")
            .table(Workshop::Table)
            .col(Workshop::SpaceId)
            .col(Workshop::HeldOn)
            .to_owned(),
        Index::create()
            .name("idx_audit_log_action_at")
            .table(AuditLog::Table)
            .col(AuditLog::Action)
            .col(AuditLog::At)
            .to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for index in indexes() {
            m.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let drops = [
            Index::drop()
                .name("idx_workshop_participant_joined_at")
                .table(WorkshopParticipant::Table)
                .to_owned(),
            Index::drop()
                .name("idx_proposal_ballot_cast_at")
                .table(ProposalBallot::Table)
                .to_owned(),
            Index::drop()
                .name("idx_member_region_joined_on")
                .table(Member::Table)
                .to_owned(),
            Index::drop()
                .name("idx_workshop_space_held_on")
                .table(Workshop::Table)
                .to_owned(),
            Index::drop()
                .name("idx_audit_log_action_at")
                .table(AuditLog::Table)
                .to_owned(),
        ];
        for drop in drops {
            m.drop_index(drop).await?;
        }
        Ok(())
    }
}
