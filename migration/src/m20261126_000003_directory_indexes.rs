//! Indexes for the member directory: people sorted by name, and perspectives by person.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Person {
    Table,
    Name,
}

#[derive(DeriveIden)]
enum Role {
    Table,
    PersonId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("idx_person_name")
                .table(Person::Table)
                .col(Person::Name)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_role_person")
                .table(Role::Table)
                .col(Role::PersonId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_role_person")
                .table(Role::Table)
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_person_name")
                .table(Person::Table)
                .to_owned(),
        )
        .await
    }
}
