//! Two-way work between the national commons and its regions: a cascade (the national
//! group asks regions for input by a deadline; each region answers, from a meeting or a
//! decision) and an escalation (a region raises a matter to the national group and tracks
//! it to an answer).
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
enum Cascade {
    Table,
    Id,
    Title,
    Question,
    DueOn,
    AskedBy,
    AskedAt,
}

#[derive(DeriveIden)]
enum CascadeRegion {
    Table,
    CascadeId,
    RegionId,
    Answer,
    MeetingId,
    ProposalId,
    AnsweredBy,
    AnsweredAt,
}

#[derive(DeriveIden)]
enum Escalation {
    Table,
    Id,
    RegionId,
    Title,
    Matter,
    RaisedBy,
    RaisedAt,
    Answer,
    AnsweredBy,
    AnsweredAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

fn to(
    table: impl IntoIden,
    column: impl IntoIden,
    target: impl IntoIden,
    id: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(target, id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Cascade::Table)
                .col(big_pk_auto(Cascade::Id))
                .col(string_len(Cascade::Title, 120))
                .col(text(Cascade::Question))
                .col(date(Cascade::DueOn))
                .col(big_integer(Cascade::AskedBy))
                .col(timestamp_with_time_zone(Cascade::AskedAt))
                .foreign_key(&mut to(
                    Cascade::Table,
                    Cascade::AskedBy,
                    Person::Table,
                    Person::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CascadeRegion::Table)
                .col(big_integer(CascadeRegion::CascadeId))
                .col(big_integer(CascadeRegion::RegionId))
                .col(text_null(CascadeRegion::Answer))
                .col(big_integer_null(CascadeRegion::MeetingId))
                .col(big_integer_null(CascadeRegion::ProposalId))
                .col(big_integer_null(CascadeRegion::AnsweredBy))
                .col(timestamp_with_time_zone_null(CascadeRegion::AnsweredAt))
                .primary_key(
                    Index::create()
                        .col(CascadeRegion::CascadeId)
                        .col(CascadeRegion::RegionId),
                )
                .foreign_key(&mut to(
                    CascadeRegion::Table,
                    CascadeRegion::CascadeId,
                    Cascade::Table,
                    Cascade::Id,
                ))
                .foreign_key(&mut to(
                    CascadeRegion::Table,
                    CascadeRegion::RegionId,
                    Space::Table,
                    Space::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_cascade_region_region")
                .table(CascadeRegion::Table)
                .col(CascadeRegion::RegionId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Escalation::Table)
                .col(big_pk_auto(Escalation::Id))
                .col(big_integer(Escalation::RegionId))
                .col(string_len(Escalation::Title, 120))
                .col(text(Escalation::Matter))
                .col(big_integer(Escalation::RaisedBy))
                .col(timestamp_with_time_zone(Escalation::RaisedAt))
                .col(text_null(Escalation::Answer))
                .col(big_integer_null(Escalation::AnsweredBy))
                .col(timestamp_with_time_zone_null(Escalation::AnsweredAt))
                .foreign_key(&mut to(
                    Escalation::Table,
                    Escalation::RegionId,
                    Space::Table,
                    Space::Id,
                ))
                .foreign_key(&mut to(
                    Escalation::Table,
                    Escalation::RaisedBy,
                    Person::Table,
                    Person::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_escalation_region")
                .table(Escalation::Table)
                .col(Escalation::RegionId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            Escalation::Table.into_iden(),
            CascadeRegion::Table.into_iden(),
            Cascade::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
