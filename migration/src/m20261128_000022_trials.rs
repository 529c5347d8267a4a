//! Trials: a governance or improvement change being tried in a space — its aim, the
//! change, the measures that tell whether it is an improvement, a review date — learned
//! from in PDSA cycles (plan, do, study, act), and ended as adopted, adapted or abandoned
//! with what was learned.
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
enum Measure {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Trial {
    Table,
    Id,
    SpaceId,
    Title,
    Aim,
    Change,
    ReviewOn,
    Status,
    Learned,
    StartedBy,
    StartedAt,
    ConcludedBy,
    ConcludedAt,
}

#[derive(DeriveIden)]
enum TrialMeasure {
    Table,
    TrialId,
    MeasureId,
}

#[derive(DeriveIden)]
enum PdsaCycle {
    Table,
    Id,
    TrialId,
    Number,
    StartedOn,
    Plan,
    DoneWhat,
    Study,
    Act,
    RecordedBy,
    RecordedAt,
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
                .table(Trial::Table)
                .col(big_pk_auto(Trial::Id))
                .col(big_integer(Trial::SpaceId))
                .col(string_len(Trial::Title, 120))
                .col(text(Trial::Aim))
                .col(text(Trial::Change))
                .col(date(Trial::ReviewOn))
                // running | adopted | adapted | abandoned
                .col(string_len(Trial::Status, 20))
                .col(text_null(Trial::Learned))
                .col(big_integer(Trial::StartedBy))
                .col(timestamp_with_time_zone(Trial::StartedAt))
                .col(big_integer_null(Trial::ConcludedBy))
                .col(timestamp_with_time_zone_null(Trial::ConcludedAt))
                .foreign_key(&mut to(
                    Trial::Table,
                    Trial::SpaceId,
                    Space::Table,
                    Space::Id,
                ))
                .foreign_key(&mut to(
                    Trial::Table,
                    Trial::StartedBy,
                    Person::Table,
                    Person::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_trial_space")
                .table(Trial::Table)
                .col(Trial::SpaceId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TrialMeasure::Table)
                .col(big_integer(TrialMeasure::TrialId))
                .col(big_integer(TrialMeasure::MeasureId))
                .primary_key(
                    Index::create()
                        .col(TrialMeasure::TrialId)
                        .col(TrialMeasure::MeasureId),
                )
                .foreign_key(&mut to(
                    TrialMeasure::Table,
                    TrialMeasure::TrialId,
                    Trial::Table,
                    Trial::Id,
                ))
                .foreign_key(&mut to(
                    TrialMeasure::Table,
                    TrialMeasure::MeasureId,
                    Measure::Table,
                    Measure::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_trial_measure_measure")
                .table(TrialMeasure::Table)
                .col(TrialMeasure::MeasureId)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(PdsaCycle::Table)
                .col(big_pk_auto(PdsaCycle::Id))
                .col(big_integer(PdsaCycle::TrialId))
                .col(integer(PdsaCycle::Number))
                .col(date(PdsaCycle::StartedOn))
                .col(text(PdsaCycle::Plan))
                .col(text(PdsaCycle::DoneWhat))
                .col(text(PdsaCycle::Study))
                .col(text(PdsaCycle::Act))
                .col(big_integer(PdsaCycle::RecordedBy))
                .col(timestamp_with_time_zone(PdsaCycle::RecordedAt))
                .foreign_key(&mut to(
                    PdsaCycle::Table,
                    PdsaCycle::TrialId,
                    Trial::Table,
                    Trial::Id,
                ))
                .foreign_key(&mut to(
                    PdsaCycle::Table,
                    PdsaCycle::RecordedBy,
                    Person::Table,
                    Person::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_pdsa_cycle_trial_number")
                .table(PdsaCycle::Table)
                .col(PdsaCycle::TrialId)
                .col(PdsaCycle::Number)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            PdsaCycle::Table.into_iden(),
            TrialMeasure::Table.into_iden(),
            Trial::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
