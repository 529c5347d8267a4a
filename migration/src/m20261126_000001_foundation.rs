//! Accounts, sessions, one-time sign-in tokens, the e-mail outbox, sign-in attempts,
//! and the minimum of community structure: spaces, partner organisations and roles.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    Name,
    Email,
    PasswordHash,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    TokenHash,
    PersonId,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum LoginToken {
    Table,
    Id,
    TokenHash,
    PersonId,
    Purpose,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum OutboxEmail {
    Table,
    Id,
    ToAddress,
    Subject,
    Body,
    CreatedAt,
    SentAt,
    LastError,
}

#[derive(DeriveIden)]
enum SignInAttempt {
    Table,
    Id,
    Email,
    ClientIp,
    Succeeded,
    AttemptedAt,
}

#[derive(DeriveIden)]
enum Space {
    Table,
    Id,
    ParentId,
    Kind,
    Slug,
    Name,
    Purpose,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PartnerOrganisation {
    Table,
    Id,
    Name,
    Kind,
    Website,
}

#[derive(DeriveIden)]
enum SpacePartner {
    Table,
    SpaceId,
    PartnerOrganisationId,
    Relationship,
}

#[derive(DeriveIden)]
enum Role {
    Table,
    Id,
    PersonId,
    SpaceId,
    Kind,
    StartsOn,
    EndsOn,
}

fn fk(
    from_table: impl IntoIden,
    from_col: impl IntoIden,
    to_table: impl IntoIden,
    to_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Person::Table)
                .col(big_pk_auto(Person::Id))
                .col(string_len(Person::Name, 120))
                .col(string_len_uniq(Person::Email, 254))
                .col(string_null(Person::PasswordHash))
                .col(timestamp_with_time_zone(Person::CreatedAt))
                .col(timestamp_with_time_zone(Person::UpdatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Session::Table)
                .col(big_pk_auto(Session::Id))
                .col(string_len_uniq(Session::TokenHash, 64))
                .col(big_integer(Session::PersonId))
                .col(timestamp_with_time_zone(Session::CreatedAt))
                .col(timestamp_with_time_zone(Session::ExpiresAt))
                .foreign_key(&mut fk(
                    Session::Table,
                    Session::PersonId,
                    Person::Table,
                    Person::Id,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_session_person")
                .table(Session::Table)
                .col(Session::PersonId)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LoginToken::Table)
                .col(big_pk_auto(LoginToken::Id))
                .col(string_len_uniq(LoginToken::TokenHash, 64))
                .col(big_integer(LoginToken::PersonId))
                .col(string_len(LoginToken::Purpose, 32))
                .col(timestamp_with_time_zone(LoginToken::CreatedAt))
                .col(timestamp_with_time_zone(LoginToken::ExpiresAt))
                .col(timestamp_with_time_zone_null(LoginToken::UsedAt))
                .foreign_key(&mut fk(
                    LoginToken::Table,
                    LoginToken::PersonId,
                    Person::Table,
                    Person::Id,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(OutboxEmail::Table)
                .col(big_pk_auto(OutboxEmail::Id))
                .col(string_len(OutboxEmail::ToAddress, 254))
                .col(string(OutboxEmail::Subject))
                .col(text(OutboxEmail::Body))
                .col(timestamp_with_time_zone(OutboxEmail::CreatedAt))
                .col(timestamp_with_time_zone_null(OutboxEmail::SentAt))
                .col(text_null(OutboxEmail::LastError))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SignInAttempt::Table)
                .col(big_pk_auto(SignInAttempt::Id))
                .col(string_len(SignInAttempt::Email, 254))
                .col(string_len(SignInAttempt::ClientIp, 64))
                .col(boolean(SignInAttempt::Succeeded))
                .col(timestamp_with_time_zone(SignInAttempt::AttemptedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_sign_in_attempt_email_at")
                .table(SignInAttempt::Table)
                .col(SignInAttempt::Email)
                .col(SignInAttempt::AttemptedAt)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_sign_in_attempt_ip_at")
                .table(SignInAttempt::Table)
                .col(SignInAttempt::ClientIp)
                .col(SignInAttempt::AttemptedAt)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Space::Table)
                .col(big_pk_auto(Space::Id))
                .col(big_integer_null(Space::ParentId))
                .col(string_len(Space::Kind, 40))
                .col(string_len_uniq(Space::Slug, 80))
                .col(string_len(Space::Name, 120))
                .col(text(Space::Purpose))
                .col(timestamp_with_time_zone(Space::CreatedAt))
                .foreign_key(&mut fk(
                    Space::Table,
                    Space::ParentId,
                    Space::Table,
                    Space::Id,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PartnerOrganisation::Table)
                .col(big_pk_auto(PartnerOrganisation::Id))
                .col(string_len_uniq(PartnerOrganisation::Name, 200))
                .col(string_len(PartnerOrganisation::Kind, 40))
                .col(string_null(PartnerOrganisation::Website))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SpacePartner::Table)
                .col(big_integer(SpacePartner::SpaceId))
                .col(big_integer(SpacePartner::PartnerOrganisationId))
                .col(string_len(SpacePartner::Relationship, 40))
                .primary_key(
                    Index::create()
                        .col(SpacePartner::SpaceId)
                        .col(SpacePartner::PartnerOrganisationId),
                )
                .foreign_key(&mut fk(
                    SpacePartner::Table,
                    SpacePartner::SpaceId,
                    Space::Table,
                    Space::Id,
                ))
                .foreign_key(&mut fk(
                    SpacePartner::Table,
                    SpacePartner::PartnerOrganisationId,
                    PartnerOrganisation::Table,
                    PartnerOrganisation::Id,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Role::Table)
                .col(big_pk_auto(Role::Id))
                .col(big_integer(Role::PersonId))
                .col(big_integer(Role::SpaceId))
                .col(string_len(Role::Kind, 40))
                .col(date(Role::StartsOn))
                .col(date_null(Role::EndsOn))
                .foreign_key(&mut fk(
                    Role::Table,
                    Role::PersonId,
                    Person::Table,
                    Person::Id,
                ))
                .foreign_key(&mut fk(Role::Table, Role::SpaceId, Space::Table, Space::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_role_space_kind")
                .table(Role::Table)
                .col(Role::SpaceId)
                .col(Role::Kind)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Role::Table.into_iden(),
            SpacePartner::Table.into_iden(),
            PartnerOrganisation::Table.into_iden(),
            Space::Table.into_iden(),
            SignInAttempt::Table.into_iden(),
            OutboxEmail::Table.into_iden(),
            LoginToken::Table.into_iden(),
            Session::Table.into_iden(),
            Person::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
