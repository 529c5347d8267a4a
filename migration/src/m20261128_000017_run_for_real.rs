//! Running Q Commons for real: the community's own settings (set once by `server init`,
//! then by the project team), archived spaces, consent to hold a member's perspectives,
//! and erased accounts.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum Community {
    Table,
    Id,
    Name,
    ContactEmail,
    PrivacyNotice,
    GuestRetentionDays,
    SetUpAt,
    UpdatedAt,
}

/// A file of members uploaded by the project team, waiting to be confirmed: nothing is
/// added to the membership until then. Its text is cleared once imported, and an
/// unconfirmed upload is purged after a day.
#[derive(DeriveIden)]
enum MemberImport {
    Table,
    Id,
    CreatedBy,
    CreatedAt,
    FileName,
    Body,
    ImportedAt,
    Summary,
}

/// The digest of the address of each account deleted: an import never brings back someone
/// who deleted their account (they may join again themselves).
#[derive(DeriveIden)]
enum ErasedAddress {
    Table,
    Digest,
    ErasedAt,
}

#[derive(DeriveIden)]
enum Space {
    Table,
    ArchivedAt,
}

#[derive(DeriveIden)]
enum Member {
    Table,
    PerspectivesConsentedAt,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    ErasedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Community::Table)
                // One row, id 1: a second `server init` cannot add another.
                .col(integer(Community::Id).primary_key())
                .col(string_len(Community::Name, 120))
                .col(string_len(Community::ContactEmail, 254))
                .col(text(Community::PrivacyNotice))
                .col(integer(Community::GuestRetentionDays))
                .col(timestamp_with_time_zone(Community::SetUpAt))
                .col(timestamp_with_time_zone(Community::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(MemberImport::Table)
                .col(big_pk_auto(MemberImport::Id))
                .col(big_integer(MemberImport::CreatedBy))
                .col(timestamp_with_time_zone(MemberImport::CreatedAt))
                .col(string_len(MemberImport::FileName, 200))
                .col(text(MemberImport::Body))
                .col(timestamp_with_time_zone_null(MemberImport::ImportedAt))
                .col(text_null(MemberImport::Summary))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ErasedAddress::Table)
                .col(string_len(ErasedAddress::Digest, 64).primary_key())
                .col(timestamp_with_time_zone(ErasedAddress::ErasedAt))
                .to_owned(),
        )
        .await?;
        // SQLite alters one column per statement.
        m.alter_table(
            Table::alter()
                .table(Space::Table)
                .add_column(timestamp_with_time_zone_null(Space::ArchivedAt))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Member::Table)
                .add_column(timestamp_with_time_zone_null(
                    Member::PerspectivesConsentedAt,
                ))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Person::Table)
                .add_column(timestamp_with_time_zone_null(Person::ErasedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Person::Table)
                .drop_column(Person::ErasedAt)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Member::Table)
                .drop_column(Member::PerspectivesConsentedAt)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Space::Table)
                .drop_column(Space::ArchivedAt)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(MemberImport::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(ErasedAddress::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Community::Table).to_owned())
            .await
    }
}
