//! Membership (Ostrom 1a): members with their home region and perspectives, applications
//! to join and their decisions, group membership, the audit log; and details that
//! spaces, partner organisations and roles need for governance.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Space {
    Table,
    Id,
    Joining,
}

#[derive(DeriveIden)]
enum PartnerOrganisation {
    Table,
    ContactName,
    ContactEmail,
}

#[derive(DeriveIden)]
enum Role {
    Table,
    AppointedBy,
}

#[derive(DeriveIden)]
enum Member {
    Table,
    PersonId,
    Status,
    HomeRegionId,
    Organisation,
    ClinicianDiscipline,
    Bio,
    Interests,
    ShowEmail,
    ShowOrganisation,
    JoinedOn,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MemberPerspective {
    Table,
    PersonId,
    Perspective,
}

#[derive(DeriveIden)]
enum MembershipApplication {
    Table,
    Id,
    PersonId,
    RegionId,
    Perspectives,
    ClinicianDiscipline,
    Organisation,
    Reason,
    Status,
    DecidedBy,
    DecisionReason,
    CreatedAt,
    DecidedAt,
}

#[derive(DeriveIden)]
enum GroupMembership {
    Table,
    SpaceId,
    PersonId,
    Status,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    SpaceId,
    SubjectPersonId,
    Action,
    Summary,
    Reason,
}

fn cascade(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn set_null(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        m.alter_table(
            Table::alter()
                .table(Space::Table)
                .add_column(string_len(Space::Joining, 20).default("open"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(PartnerOrganisation::Table)
                .add_column(string_null(PartnerOrganisation::ContactName))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(PartnerOrganisation::Table)
                .add_column(string_null(PartnerOrganisation::ContactEmail))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Role::Table)
                .add_column(big_integer_null(Role::AppointedBy))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Member::Table)
                .col(big_integer(Member::PersonId).primary_key())
                .col(string_len(Member::Status, 20))
                .col(big_integer_null(Member::HomeRegionId))
                .col(string_len_null(Member::Organisation, 200))
                .col(string_len_null(Member::ClinicianDiscipline, 120))
                .col(text(Member::Bio).default(""))
                .col(text(Member::Interests).default(""))
                .col(boolean(Member::ShowEmail).default(false))
                .col(boolean(Member::ShowOrganisation).default(true))
                .col(date_null(Member::JoinedOn))
                .col(timestamp_with_time_zone(Member::UpdatedAt))
                .foreign_key(&mut cascade(
                    (Member::Table, Member::PersonId),
                    (Person::Table, Person::Id),
                ))
                .foreign_key(&mut set_null(
                    (Member::Table, Member::HomeRegionId),
                    (Space::Table, Space::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_member_region_status")
                .table(Member::Table)
                .col(Member::HomeRegionId)
                .col(Member::Status)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(MemberPerspective::Table)
                .col(big_integer(MemberPerspective::PersonId))
                .col(string_len(MemberPerspective::Perspective, 40))
                .primary_key(
                    Index::create()
                        .col(MemberPerspective::PersonId)
                        .col(MemberPerspective::Perspective),
                )
                .foreign_key(&mut cascade(
                    (MemberPerspective::Table, MemberPerspective::PersonId),
                    (Person::Table, Person::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_member_perspective_perspective")
                .table(MemberPerspective::Table)
                .col(MemberPerspective::Perspective)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(MembershipApplication::Table)
                .col(big_pk_auto(MembershipApplication::Id))
                .col(big_integer(MembershipApplication::PersonId))
                .col(big_integer(MembershipApplication::RegionId))
                .col(string(MembershipApplication::Perspectives))
                .col(string_len_null(
                    MembershipApplication::ClinicianDiscipline,
                    120,
                ))
                .col(string_len_null(MembershipApplication::Organisation, 200))
                .col(text(MembershipApplication::Reason))
                .col(string_len(MembershipApplication::Status, 20))
                .col(big_integer_null(MembershipApplication::DecidedBy))
                .col(text_null(MembershipApplication::DecisionReason))
                .col(timestamp_with_time_zone(MembershipApplication::CreatedAt))
                .col(timestamp_with_time_zone_null(
                    MembershipApplication::DecidedAt,
                ))
                .foreign_key(&mut cascade(
                    (
                        MembershipApplication::Table,
                        MembershipApplication::PersonId,
                    ),
                    (Person::Table, Person::Id),
                ))
                .foreign_key(&mut cascade(
                    (
                        MembershipApplication::Table,
                        MembershipApplication::RegionId,
                    ),
                    (Space::Table, Space::Id),
                ))
                .foreign_key(&mut set_null(
                    (
                        MembershipApplication::Table,
                        MembershipApplication::DecidedBy,
                    ),
                    (Person::Table, Person::Id),
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_membership_application_region_status")
                .table(MembershipApplication::Table)
                .col(MembershipApplication::RegionId)
                .col(MembershipApplication::Status)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(GroupMembership::Table)
                .col(big_integer(GroupMembership::SpaceId))
                .col(big_integer(GroupMembership::PersonId))
                .col(string_len(GroupMembership::Status, 20))
                .col(timestamp_with_time_zone(GroupMembership::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(GroupMembership::SpaceId)
                        .col(GroupMembership::PersonId),
                )
                .foreign_key(&mut cascade(
                    (GroupMembership::Table, GroupMembership::SpaceId),
                    (Space::Table, Space::Id),
                ))
                .foreign_key(&mut cascade(
                    (GroupMembership::Table, GroupMembership::PersonId),
                    (Person::Table, Person::Id),
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_pk_auto(AuditLog::Id))
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(big_integer_null(AuditLog::ActorId))
                .col(big_integer_null(AuditLog::SpaceId))
                .col(big_integer_null(AuditLog::SubjectPersonId))
                .col(string_len(AuditLog::Action, 60))
                .col(text(AuditLog::Summary))
                .col(text_null(AuditLog::Reason))
                .foreign_key(&mut set_null(
                    (AuditLog::Table, AuditLog::ActorId),
                    (Person::Table, Person::Id),
                ))
                .foreign_key(&mut set_null(
                    (AuditLog::Table, AuditLog::SpaceId),
                    (Space::Table, Space::Id),
                ))
                .foreign_key(&mut set_null(
                    (AuditLog::Table, AuditLog::SubjectPersonId),
                    (Person::Table, Person::Id),
                ))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_audit_log_space_at", AuditLog::SpaceId),
            ("idx_audit_log_subject_at", AuditLog::SubjectPersonId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(AuditLog::Table)
                    .col(col)
                    .col(AuditLog::At)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditLog::Table.into_iden(),
            GroupMembership::Table.into_iden(),
            MembershipApplication::Table.into_iden(),
            MemberPerspective::Table.into_iden(),
            Member::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table(Role::Table)
                .drop_column(Role::AppointedBy)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(PartnerOrganisation::Table)
                .drop_column(PartnerOrganisation::ContactEmail)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(PartnerOrganisation::Table)
                .drop_column(PartnerOrganisation::ContactName)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Space::Table)
                .drop_column(Space::Joining)
                .to_owned(),
        )
        .await
    }
}
