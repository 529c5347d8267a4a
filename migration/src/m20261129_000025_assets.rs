//! Commons assets: what a space stewards (a funding pot, event places, a venue, a library,
//! equipment, people's time), its rules of use in versions, and its ledger — allocations,
//! use and top-ups, each with who, when, why and what authorised it. The balance is kept on
//! the asset and can never go below nothing (a check the database enforces too).
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
enum Proposal {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Asset {
    Table,
    Id,
    SpaceId,
    Name,
    Kind,
    Balance,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AssetRule {
    Table,
    Id,
    AssetId,
    Version,
    Body,
    WrittenBy,
    WrittenAt,
}

#[derive(DeriveIden)]
enum LedgerEntry {
    Table,
    Id,
    AssetId,
    Kind,
    Amount,
    BalanceAfter,
    Reason,
    ToWhom,
    ProposalId,
    FundingRoundId,
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
                .table(Asset::Table)
                .col(big_pk_auto(Asset::Id))
                .col(big_integer(Asset::SpaceId))
                .col(string_len(Asset::Name, 120))
                .col(string_len(Asset::Kind, 20))
                .col(
                    big_integer(Asset::Balance)
                        .default(0)
                        .check(Expr::col(Asset::Balance).gte(0)),
                )
                .col(big_integer(Asset::CreatedBy))
                .col(timestamp_with_time_zone(Asset::CreatedAt))
                .foreign_key(&mut to(
                    Asset::Table,
                    Asset::SpaceId,
                    Space::Table,
                    Space::Id,
                ))
                .foreign_key(&mut to(
                    Asset::Table,
                    Asset::CreatedBy,
                    Person::Table,
                    Person::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_asset_space_name")
                .table(Asset::Table)
                .col(Asset::SpaceId)
                .col(Asset::Name)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AssetRule::Table)
                .col(big_pk_auto(AssetRule::Id))
                .col(big_integer(AssetRule::AssetId))
                .col(integer(AssetRule::Version))
                .col(text(AssetRule::Body))
                .col(big_integer(AssetRule::WrittenBy))
                .col(timestamp_with_time_zone(AssetRule::WrittenAt))
                .foreign_key(&mut to(
                    AssetRule::Table,
                    AssetRule::AssetId,
                    Asset::Table,
                    Asset::Id,
                ))
                .foreign_key(&mut to(
                    AssetRule::Table,
                    AssetRule::WrittenBy,
                    Person::Table,
                    Person::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_asset_rule_version")
                .table(AssetRule::Table)
                .col(AssetRule::AssetId)
                .col(AssetRule::Version)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LedgerEntry::Table)
                .col(big_pk_auto(LedgerEntry::Id))
                .col(big_integer(LedgerEntry::AssetId))
                // allocation | use | top_up
                .col(string_len(LedgerEntry::Kind, 20))
                .col(big_integer(LedgerEntry::Amount).check(Expr::col(LedgerEntry::Amount).gt(0)))
                .col(
                    big_integer(LedgerEntry::BalanceAfter)
                        .check(Expr::col(LedgerEntry::BalanceAfter).gte(0)),
                )
                .col(text(LedgerEntry::Reason))
                .col(string_len_null(LedgerEntry::ToWhom, 200))
                .col(big_integer_null(LedgerEntry::ProposalId))
                // The funding round that authorised it (issue 15's rounds come next).
                .col(big_integer_null(LedgerEntry::FundingRoundId))
                .col(big_integer(LedgerEntry::RecordedBy))
                .col(timestamp_with_time_zone(LedgerEntry::RecordedAt))
                .foreign_key(&mut to(
                    LedgerEntry::Table,
                    LedgerEntry::AssetId,
                    Asset::Table,
                    Asset::Id,
                ))
                .foreign_key(
                    ForeignKey::create()
                        .from(LedgerEntry::Table, LedgerEntry::ProposalId)
                        .to(Proposal::Table, Proposal::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .foreign_key(&mut to(
                    LedgerEntry::Table,
                    LedgerEntry::RecordedBy,
                    Person::Table,
                    Person::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_ledger_entry_asset")
                .table(LedgerEntry::Table)
                .col(LedgerEntry::AssetId)
                .col(LedgerEntry::Id)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            LedgerEntry::Table.into_iden(),
            AssetRule::Table.into_iden(),
            Asset::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
