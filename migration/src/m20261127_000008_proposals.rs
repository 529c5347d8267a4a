//! Proposals: questions put to a space's members, every edit of their text kept, the
//! discussion, the options a ranked, score or approval vote chooses between, who was
//! named, who could vote (frozen when voting opened), the ballots (one per voter, sent
//! with a key so a repeat counts once) and consent's objections.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Space {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Workshop {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Proposal {
    Table,
    Id,
    SpaceId,
    AuthorId,
    Title,
    Body,
    Method,
    Stage,
    Anonymous,
    ResultsLive,
    QuorumPercent,
    ThresholdPercent,
    ThresholdAtLeast,
    NamedOnly,
    OpensAt,
    ClosesAt,
    ClosedAt,
    Result,
    EligibleCount,
    TookPartCount,
    Outcome,
    OutcomeBy,
    ReviewOn,
    WorkshopId,
    ReminderSentAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProposalVersion {
    Table,
    Id,
    ProposalId,
    Number,
    Title,
    Body,
    ById,
    At,
}

#[derive(DeriveIden)]
enum ProposalOption {
    Table,
    Id,
    ProposalId,
    Position,
    Label,
}

#[derive(DeriveIden)]
enum ProposalNamed {
    Table,
    ProposalId,
    PersonId,
}

#[derive(DeriveIden)]
enum ProposalElector {
    Table,
    ProposalId,
    PersonId,
    Perspectives,
}

#[derive(DeriveIden)]
enum ProposalBallot {
    Table,
    Id,
    ProposalId,
    PersonId,
    Choice,
    Perspectives,
    ClientKey,
    CastAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProposalObjection {
    Table,
    Id,
    ProposalId,
    PersonId,
    Reason,
    Answer,
    AnsweredAt,
    State,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProposalComment {
    Table,
    Id,
    ProposalId,
    ParentId,
    AuthorId,
    Body,
    CreatedAt,
    EditedAt,
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

use ForeignKeyAction::{Cascade, SetNull};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Proposal::Table)
                .col(big_pk_auto(Proposal::Id))
                .col(big_integer(Proposal::SpaceId))
                .col(big_integer(Proposal::AuthorId))
                .col(string_len(Proposal::Title, 200))
                .col(text(Proposal::Body))
                .col(string_len(Proposal::Method, 20))
                .col(string_len(Proposal::Stage, 20))
                .col(boolean(Proposal::Anonymous).default(false))
                .col(boolean(Proposal::ResultsLive).default(false))
                .col(small_integer(Proposal::QuorumPercent).default(0))
                .col(small_integer(Proposal::ThresholdPercent).default(50))
                .col(boolean(Proposal::ThresholdAtLeast).default(false))
                .col(boolean(Proposal::NamedOnly).default(false))
                .col(timestamp_with_time_zone_null(Proposal::OpensAt))
                .col(timestamp_with_time_zone_null(Proposal::ClosesAt))
                .col(timestamp_with_time_zone_null(Proposal::ClosedAt))
                .col(string_len_null(Proposal::Result, 20))
                .col(integer_null(Proposal::EligibleCount))
                .col(integer_null(Proposal::TookPartCount))
                .col(text_null(Proposal::Outcome))
                .col(big_integer_null(Proposal::OutcomeBy))
                .col(date_null(Proposal::ReviewOn))
                .col(big_integer_null(Proposal::WorkshopId))
                .col(timestamp_with_time_zone_null(Proposal::ReminderSentAt))
                .col(integer(Proposal::Version).default(1))
                .col(timestamp_with_time_zone(Proposal::CreatedAt))
                .col(timestamp_with_time_zone(Proposal::UpdatedAt))
                .foreign_key(&mut fk(
                    (Proposal::Table, Proposal::SpaceId),
                    (Space::Table, Space::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (Proposal::Table, Proposal::AuthorId),
                    (Person::Table, Person::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (Proposal::Table, Proposal::OutcomeBy),
                    (Person::Table, Person::Id),
                    SetNull,
                ))
                .foreign_key(&mut fk(
                    (Proposal::Table, Proposal::WorkshopId),
                    (Workshop::Table, Workshop::Id),
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_proposal_space_stage")
                .table(Proposal::Table)
                .col(Proposal::SpaceId)
                .col(Proposal::Stage)
                .to_owned(),
        )
        .await?;
        // The closing job looks for open votes whose time has come.
        m.create_index(
            Index::create()
                .name("idx_proposal_stage_closes_at")
                .table(Proposal::Table)
                .col(Proposal::Stage)
                .col(Proposal::ClosesAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProposalVersion::Table)
                .col(big_pk_auto(ProposalVersion::Id))
                .col(big_integer(ProposalVersion::ProposalId))
                .col(integer(ProposalVersion::Number))
                .col(string_len(ProposalVersion::Title, 200))
                .col(text(ProposalVersion::Body))
                .col(big_integer(ProposalVersion::ById))
                .col(timestamp_with_time_zone(ProposalVersion::At))
                .foreign_key(&mut fk(
                    (ProposalVersion::Table, ProposalVersion::ProposalId),
                    (Proposal::Table, Proposal::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (ProposalVersion::Table, ProposalVersion::ById),
                    (Person::Table, Person::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_proposal_version_number")
                .table(ProposalVersion::Table)
                .col(ProposalVersion::ProposalId)
                .col(ProposalVersion::Number)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProposalOption::Table)
                .col(big_pk_auto(ProposalOption::Id))
                .col(big_integer(ProposalOption::ProposalId))
                .col(integer(ProposalOption::Position))
                .col(string_len(ProposalOption::Label, 200))
                .foreign_key(&mut fk(
                    (ProposalOption::Table, ProposalOption::ProposalId),
                    (Proposal::Table, Proposal::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_proposal_option_position")
                .table(ProposalOption::Table)
                .col(ProposalOption::ProposalId)
                .col(ProposalOption::Position)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProposalNamed::Table)
                .col(big_integer(ProposalNamed::ProposalId))
                .col(big_integer(ProposalNamed::PersonId))
                .primary_key(
                    Index::create()
                        .col(ProposalNamed::ProposalId)
                        .col(ProposalNamed::PersonId),
                )
                .foreign_key(&mut fk(
                    (ProposalNamed::Table, ProposalNamed::ProposalId),
                    (Proposal::Table, Proposal::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (ProposalNamed::Table, ProposalNamed::PersonId),
                    (Person::Table, Person::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProposalElector::Table)
                .col(big_integer(ProposalElector::ProposalId))
                .col(big_integer(ProposalElector::PersonId))
                .col(string_len(ProposalElector::Perspectives, 200).default(""))
                .primary_key(
                    Index::create()
                        .col(ProposalElector::ProposalId)
                        .col(ProposalElector::PersonId),
                )
                .foreign_key(&mut fk(
                    (ProposalElector::Table, ProposalElector::ProposalId),
                    (Proposal::Table, Proposal::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (ProposalElector::Table, ProposalElector::PersonId),
                    (Person::Table, Person::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProposalBallot::Table)
                .col(big_pk_auto(ProposalBallot::Id))
                .col(big_integer(ProposalBallot::ProposalId))
                .col(big_integer(ProposalBallot::PersonId))
                .col(text(ProposalBallot::Choice))
                .col(string_len(ProposalBallot::Perspectives, 200).default(""))
                .col(string_len(ProposalBallot::ClientKey, 64))
                .col(timestamp_with_time_zone(ProposalBallot::CastAt))
                .col(timestamp_with_time_zone(ProposalBallot::UpdatedAt))
                .foreign_key(&mut fk(
                    (ProposalBallot::Table, ProposalBallot::ProposalId),
                    (Proposal::Table, Proposal::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (ProposalBallot::Table, ProposalBallot::PersonId),
                    (Person::Table, Person::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_proposal_ballot_voter")
                .table(ProposalBallot::Table)
                .col(ProposalBallot::ProposalId)
                .col(ProposalBallot::PersonId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProposalObjection::Table)
                .col(big_pk_auto(ProposalObjection::Id))
                .col(big_integer(ProposalObjection::ProposalId))
                .col(big_integer(ProposalObjection::PersonId))
                .col(text(ProposalObjection::Reason))
                .col(text_null(ProposalObjection::Answer))
                .col(timestamp_with_time_zone_null(ProposalObjection::AnsweredAt))
                .col(string_len(ProposalObjection::State, 20))
                .col(timestamp_with_time_zone(ProposalObjection::CreatedAt))
                .col(timestamp_with_time_zone(ProposalObjection::UpdatedAt))
                .foreign_key(&mut fk(
                    (ProposalObjection::Table, ProposalObjection::ProposalId),
                    (Proposal::Table, Proposal::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (ProposalObjection::Table, ProposalObjection::PersonId),
                    (Person::Table, Person::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_proposal_objection_proposal")
                .table(ProposalObjection::Table)
                .col(ProposalObjection::ProposalId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProposalComment::Table)
                .col(big_pk_auto(ProposalComment::Id))
                .col(big_integer(ProposalComment::ProposalId))
                .col(big_integer_null(ProposalComment::ParentId))
                .col(big_integer(ProposalComment::AuthorId))
                .col(text(ProposalComment::Body))
                .col(timestamp_with_time_zone(ProposalComment::CreatedAt))
                .col(timestamp_with_time_zone_null(ProposalComment::EditedAt))
                .foreign_key(&mut fk(
                    (ProposalComment::Table, ProposalComment::ProposalId),
                    (Proposal::Table, Proposal::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (ProposalComment::Table, ProposalComment::ParentId),
                    (ProposalComment::Table, ProposalComment::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (ProposalComment::Table, ProposalComment::AuthorId),
                    (Person::Table, Person::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_proposal_comment_proposal")
                .table(ProposalComment::Table)
                .col(ProposalComment::ProposalId)
                .col(ProposalComment::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ProposalComment::Table.into_iden(),
            ProposalObjection::Table.into_iden(),
            ProposalBallot::Table.into_iden(),
            ProposalElector::Table.into_iden(),
            ProposalNamed::Table.into_iden(),
            ProposalOption::Table.into_iden(),
            ProposalVersion::Table.into_iden(),
            Proposal::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
