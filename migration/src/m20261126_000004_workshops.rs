//! Live co-production workshops: the workshop and its stage, its agenda of activities,
//! participants (members or guests on a device), notes, themes and dots.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

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
    SpaceId,
    Title,
    Purpose,
    HeldOn,
    JoinCode,
    FacilitatorId,
    Seq,
    CurrentIndex,
    Finished,
    Locked,
    Revealed,
    TimerEndsAtMs,
    Anonymous,
    NotesVisible,
    ResultsLive,
    ParticipantsTheme,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WorkshopActivity {
    Table,
    Id,
    WorkshopId,
    Position,
    Kind,
    Prompt,
    DotBudget,
    DotCap,
    VoteTarget,
}

#[derive(DeriveIden)]
enum WorkshopParticipant {
    Table,
    Id,
    WorkshopId,
    PersonId,
    DeviceTokenHash,
    DisplayName,
    Perspective,
    JoinedAt,
}

#[derive(DeriveIden)]
enum WorkshopNote {
    Table,
    Id,
    WorkshopId,
    ActivityId,
    ParticipantId,
    Body,
    ThemeId,
    ClientKey,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WorkshopTheme {
    Table,
    Id,
    WorkshopId,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WorkshopDot {
    Table,
    ActivityId,
    ParticipantId,
    Item,
    Dots,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Workshop::Table)
                .col(big_pk_auto(Workshop::Id))
                .col(big_integer_null(Workshop::SpaceId))
                .col(string_len(Workshop::Title, 200))
                .col(text(Workshop::Purpose).default(""))
                .col(date(Workshop::HeldOn))
                .col(string_len_uniq(Workshop::JoinCode, 12))
                .col(big_integer(Workshop::FacilitatorId))
                .col(big_integer(Workshop::Seq).default(0))
                .col(integer_null(Workshop::CurrentIndex))
                .col(boolean(Workshop::Finished).default(false))
                .col(boolean(Workshop::Locked).default(false))
                .col(boolean(Workshop::Revealed).default(false))
                .col(big_integer_null(Workshop::TimerEndsAtMs))
                .col(boolean(Workshop::Anonymous).default(false))
                .col(boolean(Workshop::NotesVisible).default(true))
                .col(boolean(Workshop::ResultsLive).default(false))
                .col(boolean(Workshop::ParticipantsTheme).default(false))
                .col(timestamp_with_time_zone(Workshop::CreatedAt))
                .foreign_key(&mut fk(
                    (Workshop::Table, Workshop::SpaceId),
                    (Space::Table, Space::Id),
                    SetNull,
                ))
                .foreign_key(&mut fk(
                    (Workshop::Table, Workshop::FacilitatorId),
                    (Person::Table, Person::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_workshop_facilitator")
                .table(Workshop::Table)
                .col(Workshop::FacilitatorId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WorkshopActivity::Table)
                .col(big_pk_auto(WorkshopActivity::Id))
                .col(big_integer(WorkshopActivity::WorkshopId))
                .col(integer(WorkshopActivity::Position))
                .col(string_len(WorkshopActivity::Kind, 40))
                .col(text(WorkshopActivity::Prompt).default(""))
                .col(integer(WorkshopActivity::DotBudget).default(5))
                .col(integer_null(WorkshopActivity::DotCap))
                .col(string_len(WorkshopActivity::VoteTarget, 20).default("themes"))
                .foreign_key(&mut fk(
                    (WorkshopActivity::Table, WorkshopActivity::WorkshopId),
                    (Workshop::Table, Workshop::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_workshop_activity_workshop")
                .table(WorkshopActivity::Table)
                .col(WorkshopActivity::WorkshopId)
                .col(WorkshopActivity::Position)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WorkshopParticipant::Table)
                .col(big_pk_auto(WorkshopParticipant::Id))
                .col(big_integer(WorkshopParticipant::WorkshopId))
                .col(big_integer_null(WorkshopParticipant::PersonId))
                .col(string_len_null(WorkshopParticipant::DeviceTokenHash, 64))
                .col(string_len(WorkshopParticipant::DisplayName, 120))
                .col(string_len_null(WorkshopParticipant::Perspective, 40))
                .col(timestamp_with_time_zone(WorkshopParticipant::JoinedAt))
                .foreign_key(&mut fk(
                    (WorkshopParticipant::Table, WorkshopParticipant::WorkshopId),
                    (Workshop::Table, Workshop::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (WorkshopParticipant::Table, WorkshopParticipant::PersonId),
                    (Person::Table, Person::Id),
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_workshop_participant_person")
                .table(WorkshopParticipant::Table)
                .col(WorkshopParticipant::WorkshopId)
                .col(WorkshopParticipant::PersonId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_workshop_participant_device")
                .table(WorkshopParticipant::Table)
                .col(WorkshopParticipant::WorkshopId)
                .col(WorkshopParticipant::DeviceTokenHash)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WorkshopTheme::Table)
                .col(big_pk_auto(WorkshopTheme::Id))
                .col(big_integer(WorkshopTheme::WorkshopId))
                .col(string_len(WorkshopTheme::Name, 120))
                .col(timestamp_with_time_zone(WorkshopTheme::CreatedAt))
                .foreign_key(&mut fk(
                    (WorkshopTheme::Table, WorkshopTheme::WorkshopId),
                    (Workshop::Table, Workshop::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WorkshopNote::Table)
                .col(big_pk_auto(WorkshopNote::Id))
                .col(big_integer(WorkshopNote::WorkshopId))
                .col(big_integer(WorkshopNote::ActivityId))
                .col(big_integer(WorkshopNote::ParticipantId))
                .col(text(WorkshopNote::Body))
                .col(big_integer_null(WorkshopNote::ThemeId))
                .col(string_len(WorkshopNote::ClientKey, 64))
                .col(timestamp_with_time_zone(WorkshopNote::CreatedAt))
                .col(timestamp_with_time_zone(WorkshopNote::UpdatedAt))
                .foreign_key(&mut fk(
                    (WorkshopNote::Table, WorkshopNote::WorkshopId),
                    (Workshop::Table, Workshop::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (WorkshopNote::Table, WorkshopNote::ActivityId),
                    (WorkshopActivity::Table, WorkshopActivity::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (WorkshopNote::Table, WorkshopNote::ParticipantId),
                    (WorkshopParticipant::Table, WorkshopParticipant::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (WorkshopNote::Table, WorkshopNote::ThemeId),
                    (WorkshopTheme::Table, WorkshopTheme::Id),
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        // One note per client key and participant: a note sent twice is stored once.
        m.create_index(
            Index::create()
                .name("idx_workshop_note_client_key")
                .table(WorkshopNote::Table)
                .col(WorkshopNote::ParticipantId)
                .col(WorkshopNote::ClientKey)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_workshop_note_workshop")
                .table(WorkshopNote::Table)
                .col(WorkshopNote::WorkshopId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(WorkshopDot::Table)
                .col(big_integer(WorkshopDot::ActivityId))
                .col(big_integer(WorkshopDot::ParticipantId))
                .col(big_integer(WorkshopDot::Item))
                .col(integer(WorkshopDot::Dots))
                .primary_key(
                    Index::create()
                        .col(WorkshopDot::ActivityId)
                        .col(WorkshopDot::ParticipantId)
                        .col(WorkshopDot::Item),
                )
                .foreign_key(&mut fk(
                    (WorkshopDot::Table, WorkshopDot::ActivityId),
                    (WorkshopActivity::Table, WorkshopActivity::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (WorkshopDot::Table, WorkshopDot::ParticipantId),
                    (WorkshopParticipant::Table, WorkshopParticipant::Id),
                    Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_workshop_dot_item")
                .table(WorkshopDot::Table)
                .col(WorkshopDot::ActivityId)
                .col(WorkshopDot::Item)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            WorkshopDot::Table.into_iden(),
            WorkshopNote::Table.into_iden(),
            WorkshopTheme::Table.into_iden(),
            WorkshopParticipant::Table.into_iden(),
            WorkshopActivity::Table.into_iden(),
            Workshop::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
