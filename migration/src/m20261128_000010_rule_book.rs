//! The rule book: each space's rules, every version kept with who, when and the decision
//! that made it. A region's rule may adapt a national one (at most one adaptation of each
//! national rule per region); a proposal may carry a change to the rule book, applied once
//! when it passes.
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
enum Rule {
    Table,
    Id,
    SpaceId,
    AdaptsRuleId,
    Position,
    Version,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RuleVersion {
    Table,
    Id,
    RuleId,
    Number,
    Title,
    Body,
    ProposalId,
    ById,
    At,
}

#[derive(DeriveIden)]
enum ProposalRuleChange {
    Table,
    ProposalId,
    Change,
    RuleId,
    Title,
    Body,
    AppliedRuleId,
    AppliedAt,
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .to_owned()
}

use ForeignKeyAction::{Cascade, Restrict, SetNull};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Rule::Table)
                .col(big_pk_auto(Rule::Id))
                .col(big_integer(Rule::SpaceId))
                .col(big_integer_null(Rule::AdaptsRuleId))
                .col(integer(Rule::Position))
                .col(integer(Rule::Version).default(1))
                .col(timestamp_with_time_zone(Rule::CreatedAt))
                .foreign_key(&mut fk(
                    (Rule::Table, Rule::SpaceId),
                    (Space::Table, Space::Id),
                    Cascade,
                ))
                // A national rule someone adapted is never deleted from under them.
                .foreign_key(&mut fk(
                    (Rule::Table, Rule::AdaptsRuleId),
                    (Rule::Table, Rule::Id),
                    Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_rule_space_position")
                .table(Rule::Table)
                .col(Rule::SpaceId)
                .col(Rule::Position)
                .to_owned(),
        )
        .await?;
        // One adaptation of a national rule per region (local rules adapt nothing: NULLs
        // are distinct on both databases).
        m.create_index(
            Index::create()
                .name("idx_rule_space_adapts")
                .table(Rule::Table)
                .col(Rule::SpaceId)
                .col(Rule::AdaptsRuleId)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RuleVersion::Table)
                .col(big_pk_auto(RuleVersion::Id))
                .col(big_integer(RuleVersion::RuleId))
                .col(integer(RuleVersion::Number))
                .col(string_len(RuleVersion::Title, 200))
                .col(text(RuleVersion::Body))
                .col(big_integer_null(RuleVersion::ProposalId))
                .col(big_integer_null(RuleVersion::ById))
                .col(timestamp_with_time_zone(RuleVersion::At))
                .foreign_key(&mut fk(
                    (RuleVersion::Table, RuleVersion::RuleId),
                    (Rule::Table, Rule::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (RuleVersion::Table, RuleVersion::ProposalId),
                    (Proposal::Table, Proposal::Id),
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    (RuleVersion::Table, RuleVersion::ById),
                    (Person::Table, Person::Id),
                    SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_rule_version_number")
                .table(RuleVersion::Table)
                .col(RuleVersion::RuleId)
                .col(RuleVersion::Number)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ProposalRuleChange::Table)
                .col(big_integer(ProposalRuleChange::ProposalId).primary_key())
                .col(string_len(ProposalRuleChange::Change, 10))
                .col(big_integer_null(ProposalRuleChange::RuleId))
                .col(string_len(ProposalRuleChange::Title, 200))
                .col(text(ProposalRuleChange::Body))
                .col(big_integer_null(ProposalRuleChange::AppliedRuleId))
                .col(timestamp_with_time_zone_null(ProposalRuleChange::AppliedAt))
                .foreign_key(&mut fk(
                    (ProposalRuleChange::Table, ProposalRuleChange::ProposalId),
                    (Proposal::Table, Proposal::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    (ProposalRuleChange::Table, ProposalRuleChange::RuleId),
                    (Rule::Table, Rule::Id),
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    (ProposalRuleChange::Table, ProposalRuleChange::AppliedRuleId),
                    (Rule::Table, Rule::Id),
                    Restrict,
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            ProposalRuleChange::Table.into_iden(),
            RuleVersion::Table.into_iden(),
            Rule::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
