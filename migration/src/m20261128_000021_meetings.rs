//! Stewardship meetings: a space's meetings with their agenda (items added by members,
//! ordered by those who run the meeting, each with a paper link, minutes and the decision
//! it concerns), attendance, and the actions an item produced. And each member's secret
//! calendar address: kept as it is, because calendar apps fetch it without signing in and
//! its owner may want to read it again (a new one retires it).
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
enum Action {
    Table,
    MeetingItemId,
}

#[derive(DeriveIden)]
enum Meeting {
    Table,
    Id,
    SpaceId,
    Title,
    StartsAt,
    Minutes,
    Place,
    CallLink,
    Status,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MeetingItem {
    Table,
    Id,
    MeetingId,
    Position,
    Title,
    PaperUrl,
    Minutes,
    ProposalId,
    AddedBy,
    AddedAt,
    MinutedBy,
    MinutedAt,
}

#[derive(DeriveIden)]
enum MeetingAttendance {
    Table,
    MeetingId,
    PersonId,
    Presence,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum CalendarKey {
    Table,
    PersonId,
    Secret,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

fn to_person(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Person::Table, Person::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Meeting::Table)
                .col(big_pk_auto(Meeting::Id))
                .col(big_integer(Meeting::SpaceId))
                .col(string_len(Meeting::Title, 120))
                .col(timestamp_with_time_zone(Meeting::StartsAt))
                // How long it runs, in minutes.
                .col(integer(Meeting::Minutes))
                .col(string_len(Meeting::Place, 200))
                .col(string_len_null(Meeting::CallLink, 500))
                // scheduled | cancelled
                .col(string_len(Meeting::Status, 20))
                .col(big_integer(Meeting::CreatedBy))
                .col(timestamp_with_time_zone(Meeting::CreatedAt))
                .col(timestamp_with_time_zone(Meeting::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Meeting::Table, Meeting::SpaceId)
                        .to(Space::Table, Space::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(&mut to_person(Meeting::Table, Meeting::CreatedBy))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_meeting_space_starts")
                .table(Meeting::Table)
                .col(Meeting::SpaceId)
                .col(Meeting::StartsAt)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MeetingItem::Table)
                .col(big_pk_auto(MeetingItem::Id))
                .col(big_integer(MeetingItem::MeetingId))
                .col(integer(MeetingItem::Position))
                .col(string_len(MeetingItem::Title, 200))
                .col(string_len_null(MeetingItem::PaperUrl, 500))
                .col(text_null(MeetingItem::Minutes))
                .col(big_integer_null(MeetingItem::ProposalId))
                .col(big_integer(MeetingItem::AddedBy))
                .col(timestamp_with_time_zone(MeetingItem::AddedAt))
                .col(big_integer_null(MeetingItem::MinutedBy))
                .col(timestamp_with_time_zone_null(MeetingItem::MinutedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(MeetingItem::Table, MeetingItem::MeetingId)
                        .to(Meeting::Table, Meeting::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(&mut to_person(MeetingItem::Table, MeetingItem::AddedBy))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_meeting_item_meeting")
                .table(MeetingItem::Table)
                .col(MeetingItem::MeetingId)
                .col(MeetingItem::Position)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MeetingAttendance::Table)
                .col(big_integer(MeetingAttendance::MeetingId))
                .col(big_integer(MeetingAttendance::PersonId))
                // present | apologies
                .col(string_len(MeetingAttendance::Presence, 20))
                .col(big_integer(MeetingAttendance::RecordedBy))
                .col(timestamp_with_time_zone(MeetingAttendance::RecordedAt))
                .primary_key(
                    Index::create()
                        .col(MeetingAttendance::MeetingId)
                        .col(MeetingAttendance::PersonId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(MeetingAttendance::Table, MeetingAttendance::MeetingId)
                        .to(Meeting::Table, Meeting::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(&mut to_person(
                    MeetingAttendance::Table,
                    MeetingAttendance::PersonId,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CalendarKey::Table)
                .col(big_integer(CalendarKey::PersonId).primary_key())
                .col(string_len(CalendarKey::Secret, 64).unique_key())
                .col(timestamp_with_time_zone(CalendarKey::CreatedAt))
                .foreign_key(&mut to_person(CalendarKey::Table, CalendarKey::PersonId))
                .to_owned(),
        )
        .await?;
        // The actions an agenda item produced.
        m.alter_table(
            Table::alter()
                .table(Action::Table)
                .add_column(big_integer_null(Action::MeetingItemId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_action_meeting_item")
                .table(Action::Table)
                .col(Action::MeetingItemId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_action_meeting_item")
                .table(Action::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Action::Table)
                .drop_column(Action::MeetingItemId)
                .to_owned(),
        )
        .await?;
        for t in [
            CalendarKey::Table.into_iden(),
            MeetingAttendance::Table.into_iden(),
            MeetingItem::Table.into_iden(),
            Meeting::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
