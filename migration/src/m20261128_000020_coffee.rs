//! Randomised coffee pairing: who opted in, each month's draw (once a month, with the
//! seed that made it and how many it paired), and the pairs it drew.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CoffeeOptIn {
    Table,
    PersonId,
    OptedInAt,
}

#[derive(DeriveIden)]
enum CoffeeDraw {
    Table,
    Month,
    Seed,
    Pairs,
    Unpaired,
    DrawnBy,
    DrawnAt,
}

#[derive(DeriveIden)]
enum CoffeePair {
    Table,
    Id,
    Month,
    PersonA,
    PersonB,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

fn to_person(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Person::Table, Person::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CoffeeOptIn::Table)
                .col(big_integer(CoffeeOptIn::PersonId).primary_key())
                .col(timestamp_with_time_zone(CoffeeOptIn::OptedInAt))
                .foreign_key(&mut to_person(CoffeeOptIn::Table, CoffeeOptIn::PersonId))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CoffeeDraw::Table)
                // "2026-11": one draw a month.
                .col(string_len(CoffeeDraw::Month, 7).primary_key())
                .col(big_integer(CoffeeDraw::Seed))
                .col(integer(CoffeeDraw::Pairs))
                .col(integer(CoffeeDraw::Unpaired))
                .col(big_integer_null(CoffeeDraw::DrawnBy))
                .col(timestamp_with_time_zone(CoffeeDraw::DrawnAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CoffeePair::Table)
                .col(big_pk_auto(CoffeePair::Id))
                .col(string_len(CoffeePair::Month, 7))
                .col(big_integer(CoffeePair::PersonA))
                .col(big_integer(CoffeePair::PersonB))
                .foreign_key(&mut to_person(CoffeePair::Table, CoffeePair::PersonA))
                .foreign_key(&mut to_person(CoffeePair::Table, CoffeePair::PersonB))
                .to_owned(),
        )
        .await?;
        // Nobody is in two pairs of one month.
        for (name, col) in [
            ("idx_coffee_pair_month_a", CoffeePair::PersonA),
            ("idx_coffee_pair_month_b", CoffeePair::PersonB),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(CoffeePair::Table)
                    .col(CoffeePair::Month)
                    .col(col)
                    .unique()
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CoffeePair::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(CoffeeDraw::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(CoffeeOptIn::Table).to_owned())
            .await
    }
}
