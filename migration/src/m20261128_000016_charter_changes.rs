//! Changing the charter through a decision: the change a charter proposal carries, and on
//! each clause the decision that last changed it.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Proposal {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProposalCharterChange {
    Table,
    ProposalId,
    ClauseKind,
    Level,
    LimitPence,
}

#[derive(DeriveIden)]
enum CharterClause {
    Table,
    ChangedById,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ProposalCharterChange::Table)
                .col(big_integer(ProposalCharterChange::ProposalId).primary_key())
                .col(string(ProposalCharterChange::ClauseKind))
                .col(string(ProposalCharterChange::Level))
                .col(big_integer_null(ProposalCharterChange::LimitPence))
                .foreign_key(
                    ForeignKey::create()
                        .from(
                            ProposalCharterChange::Table,
                            ProposalCharterChange::ProposalId,
                        )
                        .to(Proposal::Table, Proposal::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(CharterClause::Table)
                .add_column(big_integer_null(CharterClause::ChangedById))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(CharterClause::Table)
                .drop_column(CharterClause::ChangedById)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(ProposalCharterChange::Table).to_owned())
            .await
    }
}
