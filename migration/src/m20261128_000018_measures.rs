//! A space's own improvement measures (Life QI, "Making Data Count"): what is measured and
//! which way is better, the data points entered or pasted, and notes on the chart (a change
//! tried, an event; optionally where the XmR limits start again).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Space {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Measure {
    Table,
    Id,
    SpaceId,
    Name,
    Unit,
    Direction,
    Target,
    Grain,
    Chart,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MeasurePoint {
    Table,
    Id,
    MeasureId,
    Period,
    Value,
    EnteredBy,
    EnteredAt,
}

#[derive(DeriveIden)]
enum MeasureNote {
    Table,
    Id,
    MeasureId,
    OnDate,
    Text,
    Rebase,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Measure::Table)
                .col(big_pk_auto(Measure::Id))
                .col(big_integer(Measure::SpaceId))
                .col(string_len(Measure::Name, 120))
                .col(string_len(Measure::Unit, 40))
                .col(string_len(Measure::Direction, 10))
                .col(double_null(Measure::Target))
                .col(string_len(Measure::Grain, 10))
                .col(string_len(Measure::Chart, 10))
                .col(big_integer(Measure::CreatedBy))
                .col(timestamp_with_time_zone(Measure::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Measure::Table, Measure::SpaceId)
                        .to(Space::Table, Space::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_measure_space")
                .table(Measure::Table)
                .col(Measure::SpaceId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MeasurePoint::Table)
                .col(big_pk_auto(MeasurePoint::Id))
                .col(big_integer(MeasurePoint::MeasureId))
                .col(date(MeasurePoint::Period))
                .col(double(MeasurePoint::Value))
                .col(big_integer(MeasurePoint::EnteredBy))
                .col(timestamp_with_time_zone(MeasurePoint::EnteredAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(MeasurePoint::Table, MeasurePoint::MeasureId)
                        .to(Measure::Table, Measure::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One value a period: entering it again corrects it.
        m.create_index(
            Index::create()
                .name("idx_measure_point_period")
                .table(MeasurePoint::Table)
                .col(MeasurePoint::MeasureId)
                .col(MeasurePoint::Period)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MeasureNote::Table)
                .col(big_pk_auto(MeasureNote::Id))
                .col(big_integer(MeasureNote::MeasureId))
                .col(date(MeasureNote::OnDate))
                .col(string_len(MeasureNote::Text, 200))
                .col(boolean(MeasureNote::Rebase))
                .col(big_integer(MeasureNote::CreatedBy))
                .col(timestamp_with_time_zone(MeasureNote::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(MeasureNote::Table, MeasureNote::MeasureId)
                        .to(Measure::Table, Measure::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            MeasureNote::Table.into_iden(),
            MeasurePoint::Table.into_iden(),
            Measure::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
