//! Form returns: what a person typed into a form that failed without JavaScript, kept
//! for the one page that shows it back to them (the browser holds a random key in a
//! short-lived cookie; only its digest is stored). Rows go once read, or after minutes.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum FormReturn {
    Table,
    Id,
    KeyHash,
    Path,
    Error,
    Fields,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(FormReturn::Table)
                .col(big_pk_auto(FormReturn::Id))
                .col(string_len_uniq(FormReturn::KeyHash, 64))
                .col(string_len(FormReturn::Path, 200))
                .col(text(FormReturn::Error))
                .col(text(FormReturn::Fields))
                .col(timestamp_with_time_zone(FormReturn::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_form_return_created_at")
                .table(FormReturn::Table)
                .col(FormReturn::CreatedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(FormReturn::Table).to_owned())
            .await
    }
}
