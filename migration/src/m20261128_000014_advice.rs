//! The advice process: the people the author asks for advice, and the advice given, each
//! piece with the author's answer.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Proposal {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProposalAdviser {
    Table,
    ProposalId,
    PersonId,
    /// When they were asked by e-mail (null until advice opens).
    AskedAt,
}

#[derive(DeriveIden)]
enum ProposalAdvice {
    Table,
    Id,
    ProposalId,
    PersonId,
    Body,
    GivenAt,
    Answer,
    AnsweredAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ProposalAdviser::Table)
                .col(big_integer(ProposalAdviser::ProposalId))
                .col(big_integer(ProposalAdviser::PersonId))
                .col(timestamp_with_time_zone_null(ProposalAdviser::AskedAt))
                .primary_key(
                    Index::create()
                        .col(ProposalAdviser::ProposalId)
                        .col(ProposalAdviser::PersonId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ProposalAdviser::Table, ProposalAdviser::ProposalId)
                        .to(Proposal::Table, Proposal::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ProposalAdviser::Table, ProposalAdviser::PersonId)
                        .to(Person::Table, Person::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ProposalAdvice::Table)
                .col(big_pk_auto(ProposalAdvice::Id))
                .col(big_integer(ProposalAdvice::ProposalId))
                .col(big_integer(ProposalAdvice::PersonId))
                .col(text(ProposalAdvice::Body))
                .col(timestamp_with_time_zone(ProposalAdvice::GivenAt))
                .col(text_null(ProposalAdvice::Answer))
                .col(timestamp_with_time_zone_null(ProposalAdvice::AnsweredAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(ProposalAdvice::Table, ProposalAdvice::ProposalId)
                        .to(Proposal::Table, Proposal::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ProposalAdvice::Table, ProposalAdvice::PersonId)
                        .to(Person::Table, Person::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_proposal_advice_proposal")
                .table(ProposalAdvice::Table)
                .col(ProposalAdvice::ProposalId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_proposal_advice_person")
                .table(ProposalAdvice::Table)
                .col(ProposalAdvice::PersonId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ProposalAdvice::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ProposalAdviser::Table).to_owned())
            .await
    }
}
