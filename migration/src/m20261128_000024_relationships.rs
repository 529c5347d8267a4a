//! A space's relationship with a partner organisation, kept up: the agreement (its dates
//! and document), when they were last in touch and the next step.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum SpacePartner {
    Table,
    AgreementFrom,
    AgreementTo,
    AgreementUrl,
    LastContactOn,
    NextStep,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters a table one change at a time.
        for column in [
            date_null(SpacePartner::AgreementFrom),
            date_null(SpacePartner::AgreementTo),
            string_len_null(SpacePartner::AgreementUrl, 500),
            date_null(SpacePartner::LastContactOn),
            text_null(SpacePartner::NextStep),
        ] {
            m.alter_table(
                Table::alter()
                    .table(SpacePartner::Table)
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            SpacePartner::NextStep,
            SpacePartner::LastContactOn,
            SpacePartner::AgreementUrl,
            SpacePartner::AgreementTo,
            SpacePartner::AgreementFrom,
        ] {
            m.alter_table(
                Table::alter()
                    .table(SpacePartner::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
