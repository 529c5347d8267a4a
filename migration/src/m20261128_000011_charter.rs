//! The charter: which kinds of decision a region takes alone and which belong to the
//! national commons (spending up to a limit). A proposal says what kind of decision it
//! is; one a region may not take alone is raised in the region and decided nationally;
//! a national decision may override a region's, and says which.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum CharterClause {
    Table,
    Id,
    Kind,
    Level,
    LimitPence,
    Position,
}

#[derive(DeriveIden)]
enum Proposal {
    Table,
    Kind,
    AmountPence,
    RaisedInId,
    OverridesId,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CharterClause::Table)
                .col(big_pk_auto(CharterClause::Id))
                .col(string_len_uniq(CharterClause::Kind, 20))
                .col(string_len(CharterClause::Level, 20))
                .col(big_integer_null(CharterClause::LimitPence))
                .col(integer(CharterClause::Position))
                .to_owned(),
        )
        .await?;
        // SQLite adds one column per statement. The space a proposal was raised in and
        // the decision it overrides are plain ids (SQLite cannot add a foreign key to a
        // table that exists); the services check them.
        for column in [
            ColumnDef::new(Proposal::Kind)
                .string_len(20)
                .not_null()
                .default("general")
                .to_owned(),
            ColumnDef::new(Proposal::AmountPence)
                .big_integer()
                .null()
                .to_owned(),
            ColumnDef::new(Proposal::RaisedInId)
                .big_integer()
                .null()
                .to_owned(),
            ColumnDef::new(Proposal::OverridesId)
                .big_integer()
                .null()
                .to_owned(),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Proposal::Table)
                    .add_column(column)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("idx_proposal_overrides")
                .table(Proposal::Table)
                .col(Proposal::OverridesId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_proposal_overrides")
                .table(Proposal::Table)
                .to_owned(),
        )
        .await?;
        for column in [
            Proposal::OverridesId,
            Proposal::RaisedInId,
            Proposal::AmountPence,
            Proposal::Kind,
        ] {
            m.alter_table(
                Table::alter()
                    .table(Proposal::Table)
                    .drop_column(column)
                    .to_owned(),
            )
            .await?;
        }
        m.drop_table(Table::drop().table(CharterClause::Table).to_owned())
            .await
    }
}
