//! A comment's earlier texts: an edit keeps what it replaced, so "edited" can be checked.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
enum ProposalComment {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProposalCommentVersion {
    Table,
    Id,
    CommentId,
    Body,
    At,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(ProposalCommentVersion::Table)
                .col(big_pk_auto(ProposalCommentVersion::Id))
                .col(big_integer(ProposalCommentVersion::CommentId))
                .col(text(ProposalCommentVersion::Body))
                .col(timestamp_with_time_zone(ProposalCommentVersion::At))
                .foreign_key(
                    ForeignKey::create()
                        .from(
                            ProposalCommentVersion::Table,
                            ProposalCommentVersion::CommentId,
                        )
                        .to(ProposalComment::Table, ProposalComment::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_proposal_comment_version_comment")
                .table(ProposalCommentVersion::Table)
                .col(ProposalCommentVersion::CommentId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(
            Table::drop()
                .table(ProposalCommentVersion::Table)
                .to_owned(),
        )
        .await
    }
}
