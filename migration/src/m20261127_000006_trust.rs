//! Trust: when a workshop finished and how long its join code works after that; which
//! participants agreed to be named in the report, the network a guest joined from (as a
//! digest), and guests the facilitator removed; and a throttle for requests a stranger
//! could repeat (registration, e-mailed links, join-code guesses).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Workshop {
    Table,
    FinishedAt,
    CodeDays,
}

#[derive(DeriveIden)]
enum WorkshopParticipant {
    Table,
    NamedInReport,
    GuestAddress,
    RemovedAt,
    WorkshopId,
}

#[derive(DeriveIden)]
enum ThrottleEvent {
    Table,
    Id,
    Bucket,
    Key,
    At,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        let add = |table: TableRef, col: ColumnDef| {
            let mut col = col;
            Table::alter().table(table).add_column(&mut col).to_owned()
        };
        m.alter_table(add(
            Workshop::Table.into_table_ref(),
            timestamp_with_time_zone_null(Workshop::FinishedAt),
        ))
        .await?;
        m.alter_table(add(
            Workshop::Table.into_table_ref(),
            integer(Workshop::CodeDays).default(7).to_owned(),
        ))
        .await?;
        m.alter_table(add(
            WorkshopParticipant::Table.into_table_ref(),
            boolean(WorkshopParticipant::NamedInReport)
                .default(false)
                .to_owned(),
        ))
        .await?;
        m.alter_table(add(
            WorkshopParticipant::Table.into_table_ref(),
            string_len_null(WorkshopParticipant::GuestAddress, 64),
        ))
        .await?;
        m.alter_table(add(
            WorkshopParticipant::Table.into_table_ref(),
            timestamp_with_time_zone_null(WorkshopParticipant::RemovedAt),
        ))
        .await?;
        m.create_index(
            Index::create()
                .name("idx_workshop_participant_guest_address")
                .table(WorkshopParticipant::Table)
                .col(WorkshopParticipant::WorkshopId)
                .col(WorkshopParticipant::GuestAddress)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ThrottleEvent::Table)
                .col(big_pk_auto(ThrottleEvent::Id))
                .col(string_len(ThrottleEvent::Bucket, 40))
                .col(string_len(ThrottleEvent::Key, 64))
                .col(timestamp_with_time_zone(ThrottleEvent::At))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_throttle_event_bucket_key_at")
                .table(ThrottleEvent::Table)
                .col(ThrottleEvent::Bucket)
                .col(ThrottleEvent::Key)
                .col(ThrottleEvent::At)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_throttle_event_at")
                .table(ThrottleEvent::Table)
                .col(ThrottleEvent::At)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ThrottleEvent::Table).to_owned())
            .await?;
        m.drop_index(
            Index::drop()
                .name("idx_workshop_participant_guest_address")
                .table(WorkshopParticipant::Table)
                .to_owned(),
        )
        .await?;
        for col in [
            WorkshopParticipant::RemovedAt,
            WorkshopParticipant::GuestAddress,
            WorkshopParticipant::NamedInReport,
        ] {
            m.alter_table(
                Table::alter()
                    .table(WorkshopParticipant::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        for col in [Workshop::CodeDays, Workshop::FinishedAt] {
            m.alter_table(
                Table::alter()
                    .table(Workshop::Table)
                    .drop_column(col)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
