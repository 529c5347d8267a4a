//! Funding rounds that spend part of a pot, the Q Exchange way: ideas with comments,
//! supporters and co-authors; one proposal per member in versions; a panel's scores with
//! declared conflicts; the electorate fixed when voting opens; one ballot per member;
//! results with each project's votes and reason; delivery updates. Phases move on their
//! dates; a phase closed early keeps its reason.
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
enum Asset {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum FundingRound {
    Table,
    Id,
    SpaceId,
    AssetId,
    Title,
    Purpose,
    Budget,
    MaxPerProject,
    VotingStyle,
    ChoicesMin,
    ChoicesMax,
    ResultRule,
    ShortlistPlaces,
    Criteria,
    IdeasAt,
    RefinementAt,
    ShortlistingAt,
    VotingAt,
    VotingClosesAt,
    Phase,
    EligibleCount,
    ConfirmedAt,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FundingPhaseClose {
    Table,
    RoundId,
    Phase,
    ClosedAt,
    ClosedBy,
    Reason,
}

#[derive(DeriveIden)]
enum FundingIdea {
    Table,
    Id,
    RoundId,
    AuthorId,
    Title,
    Summary,
    Amount,
    Team,
    ProposedBy,
    Version,
    Shortlisted,
    ScoreTotal,
    ScoreCount,
    Votes,
    Outcome,
    OutcomeLeft,
    FundedOrder,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FundingIdeaVersion {
    Table,
    IdeaId,
    Version,
    Title,
    Summary,
    Amount,
    Team,
    WrittenBy,
    WrittenAt,
}

#[derive(DeriveIden)]
enum FundingComment {
    Table,
    Id,
    IdeaId,
    AuthorId,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FundingBacker {
    Table,
    IdeaId,
    PersonId,
    CoAuthor,
    Since,
}

#[derive(DeriveIden)]
enum FundingPanelist {
    Table,
    RoundId,
    PersonId,
    AddedBy,
    AddedAt,
}

#[derive(DeriveIden)]
enum FundingConflict {
    Table,
    IdeaId,
    PersonId,
    Reason,
    DeclaredAt,
}

#[derive(DeriveIden)]
enum FundingScore {
    Table,
    IdeaId,
    PersonId,
    Criterion,
    Score,
    Comment,
    ScoredAt,
}

#[derive(DeriveIden)]
enum FundingElector {
    Table,
    RoundId,
    PersonId,
    Perspectives,
}

#[derive(DeriveIden)]
enum FundingBallot {
    Table,
    RoundId,
    PersonId,
    Choices,
    Cost,
    CastAt,
}

#[derive(DeriveIden)]
enum FundingUpdate {
    Table,
    Id,
    IdeaId,
    AuthorId,
    Body,
    PostedAt,
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

fn index(
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(c);
    }
    if unique {
        i.unique();
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use FundingRound as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(big_pk_auto(R::Id))
                .col(big_integer(R::SpaceId))
                .col(big_integer(R::AssetId))
                .col(string_len(R::Title, 200))
                .col(text(R::Purpose))
                .col(big_integer(R::Budget).check(Expr::col(R::Budget).gt(0)))
                .col(big_integer(R::MaxPerProject).check(Expr::col(R::MaxPerProject).gt(0)))
                .col(string_len(R::VotingStyle, 20))
                .col(integer(R::ChoicesMin))
                .col(integer(R::ChoicesMax))
                .col(string_len(R::ResultRule, 20))
                .col(integer(R::ShortlistPlaces))
                // One criterion a line, published when the round opens.
                .col(text(R::Criteria))
                .col(timestamp_with_time_zone(R::IdeasAt))
                .col(timestamp_with_time_zone(R::RefinementAt))
                .col(timestamp_with_time_zone(R::ShortlistingAt))
                .col(timestamp_with_time_zone(R::VotingAt))
                .col(timestamp_with_time_zone(R::VotingClosesAt))
                // The latest phase whose beginning has been acted on (shortlist drawn,
                // electorate fixed, results counted): moved by exactly one app server.
                .col(string_len(R::Phase, 20))
                .col(integer_null(R::EligibleCount))
                .col(timestamp_with_time_zone_null(R::ConfirmedAt))
                .col(big_integer(R::CreatedBy))
                .col(timestamp_with_time_zone(R::CreatedAt))
                .foreign_key(&mut to(R::Table, R::SpaceId, Space::Table, Space::Id))
                .foreign_key(&mut to(R::Table, R::AssetId, Asset::Table, Asset::Id))
                .foreign_key(&mut to(R::Table, R::CreatedBy, Person::Table, Person::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_funding_round_space",
            R::Table,
            vec![R::SpaceId.into_iden(), R::Id.into_iden()],
            false,
        ))
        .await?;
        m.create_index(index(
            "idx_funding_round_phase",
            R::Table,
            vec![R::Phase.into_iden()],
            false,
        ))
        .await?;

        use FundingPhaseClose as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(big_integer(C::RoundId))
                .col(string_len(C::Phase, 20))
                .col(timestamp_with_time_zone(C::ClosedAt))
                .col(big_integer(C::ClosedBy))
                .col(text(C::Reason))
                .primary_key(Index::create().col(C::RoundId).col(C::Phase))
                .foreign_key(&mut to(C::Table, C::RoundId, R::Table, R::Id))
                .foreign_key(&mut to(C::Table, C::ClosedBy, Person::Table, Person::Id))
                .to_owned(),
        )
        .await?;

        use FundingIdea as I;
        m.create_table(
            Table::create()
                .table(I::Table)
                .col(big_pk_auto(I::Id))
                .col(big_integer(I::RoundId))
                .col(big_integer(I::AuthorId))
                .col(string_len(I::Title, 200))
                .col(text(I::Summary))
                .col(big_integer(I::Amount).check(Expr::col(I::Amount).gt(0)))
                .col(string_len(I::Team, 300))
                // The member whose one proposal this is, once it is one (unique in a round).
                .col(big_integer_null(I::ProposedBy))
                .col(integer(I::Version).default(0))
                .col(boolean(I::Shortlisted).default(false))
                .col(integer_null(I::ScoreTotal))
                .col(integer_null(I::ScoreCount))
                .col(integer_null(I::Votes))
                .col(string_len_null(I::Outcome, 30))
                .col(big_integer_null(I::OutcomeLeft))
                .col(integer_null(I::FundedOrder))
                .col(timestamp_with_time_zone(I::CreatedAt))
                .col(timestamp_with_time_zone(I::UpdatedAt))
                .foreign_key(&mut to(I::Table, I::RoundId, R::Table, R::Id))
                .foreign_key(&mut to(I::Table, I::AuthorId, Person::Table, Person::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_funding_idea_round",
            I::Table,
            vec![I::RoundId.into_iden(), I::Id.into_iden()],
            false,
        ))
        .await?;
        m.create_index(index(
            "idx_funding_idea_one_proposal",
            I::Table,
            vec![I::RoundId.into_iden(), I::ProposedBy.into_iden()],
            true,
        ))
        .await?;

        use FundingIdeaVersion as V;
        m.create_table(
            Table::create()
                .table(V::Table)
                .col(big_integer(V::IdeaId))
                .col(integer(V::Version))
                .col(string_len(V::Title, 200))
                .col(text(V::Summary))
                .col(big_integer(V::Amount))
                .col(string_len(V::Team, 300))
                .col(big_integer(V::WrittenBy))
                .col(timestamp_with_time_zone(V::WrittenAt))
                .primary_key(Index::create().col(V::IdeaId).col(V::Version))
                .foreign_key(&mut to(V::Table, V::IdeaId, I::Table, I::Id))
                .foreign_key(&mut to(V::Table, V::WrittenBy, Person::Table, Person::Id))
                .to_owned(),
        )
        .await?;

        use FundingComment as K;
        m.create_table(
            Table::create()
                .table(K::Table)
                .col(big_pk_auto(K::Id))
                .col(big_integer(K::IdeaId))
                .col(big_integer(K::AuthorId))
                .col(text(K::Body))
                .col(timestamp_with_time_zone(K::CreatedAt))
                .foreign_key(&mut to(K::Table, K::IdeaId, I::Table, I::Id))
                .foreign_key(&mut to(K::Table, K::AuthorId, Person::Table, Person::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_funding_comment_idea",
            K::Table,
            vec![K::IdeaId.into_iden(), K::Id.into_iden()],
            false,
        ))
        .await?;

        use FundingBacker as B;
        m.create_table(
            Table::create()
                .table(B::Table)
                .col(big_integer(B::IdeaId))
                .col(big_integer(B::PersonId))
                .col(boolean(B::CoAuthor))
                .col(timestamp_with_time_zone(B::Since))
                .primary_key(Index::create().col(B::IdeaId).col(B::PersonId))
                .foreign_key(&mut to(B::Table, B::IdeaId, I::Table, I::Id))
                .foreign_key(&mut to(B::Table, B::PersonId, Person::Table, Person::Id))
                .to_owned(),
        )
        .await?;

        use FundingPanelist as P;
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(big_integer(P::RoundId))
                .col(big_integer(P::PersonId))
                .col(big_integer(P::AddedBy))
                .col(timestamp_with_time_zone(P::AddedAt))
                .primary_key(Index::create().col(P::RoundId).col(P::PersonId))
                .foreign_key(&mut to(P::Table, P::RoundId, R::Table, R::Id))
                .foreign_key(&mut to(P::Table, P::PersonId, Person::Table, Person::Id))
                .to_owned(),
        )
        .await?;

        use FundingConflict as F;
        m.create_table(
            Table::create()
                .table(F::Table)
                .col(big_integer(F::IdeaId))
                .col(big_integer(F::PersonId))
                .col(text(F::Reason))
                .col(timestamp_with_time_zone(F::DeclaredAt))
                .primary_key(Index::create().col(F::IdeaId).col(F::PersonId))
                .foreign_key(&mut to(F::Table, F::IdeaId, I::Table, I::Id))
                .foreign_key(&mut to(F::Table, F::PersonId, Person::Table, Person::Id))
                .to_owned(),
        )
        .await?;

        use FundingScore as S;
        m.create_table(
            Table::create()
                .table(S::Table)
                .col(big_integer(S::IdeaId))
                .col(big_integer(S::PersonId))
                .col(integer(S::Criterion))
                .col(
                    integer(S::Score)
                        .check(Expr::col(S::Score).gte(1).and(Expr::col(S::Score).lte(5))),
                )
                .col(text(S::Comment))
                .col(timestamp_with_time_zone(S::ScoredAt))
                .primary_key(
                    Index::create()
                        .col(S::IdeaId)
                        .col(S::PersonId)
                        .col(S::Criterion),
                )
                .foreign_key(&mut to(S::Table, S::IdeaId, I::Table, I::Id))
                .foreign_key(&mut to(S::Table, S::PersonId, Person::Table, Person::Id))
                .to_owned(),
        )
        .await?;

        use FundingElector as E;
        m.create_table(
            Table::create()
                .table(E::Table)
                .col(big_integer(E::RoundId))
                .col(big_integer(E::PersonId))
                .col(string_len(E::Perspectives, 200))
                .primary_key(Index::create().col(E::RoundId).col(E::PersonId))
                .foreign_key(&mut to(E::Table, E::RoundId, R::Table, R::Id))
                .foreign_key(&mut to(E::Table, E::PersonId, Person::Table, Person::Id))
                .to_owned(),
        )
        .await?;

        use FundingBallot as L;
        m.create_table(
            Table::create()
                .table(L::Table)
                .col(big_integer(L::RoundId))
                .col(big_integer(L::PersonId))
                // The chosen ideas' ids, ascending, joined by commas: the whole ballot in
                // one row, so it is cast or replaced in one step.
                .col(text(L::Choices))
                .col(big_integer(L::Cost))
                .col(timestamp_with_time_zone(L::CastAt))
                .primary_key(Index::create().col(L::RoundId).col(L::PersonId))
                .foreign_key(&mut to(L::Table, L::RoundId, R::Table, R::Id))
                .foreign_key(&mut to(L::Table, L::PersonId, Person::Table, Person::Id))
                .to_owned(),
        )
        .await?;

        use FundingUpdate as U;
        m.create_table(
            Table::create()
                .table(U::Table)
                .col(big_pk_auto(U::Id))
                .col(big_integer(U::IdeaId))
                .col(big_integer(U::AuthorId))
                .col(text(U::Body))
                .col(timestamp_with_time_zone(U::PostedAt))
                .foreign_key(&mut to(U::Table, U::IdeaId, I::Table, I::Id))
                .foreign_key(&mut to(U::Table, U::AuthorId, Person::Table, Person::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "idx_funding_update_idea",
            U::Table,
            vec![U::IdeaId.into_iden(), U::Id.into_iden()],
            false,
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            FundingUpdate::Table.into_iden(),
            FundingBallot::Table.into_iden(),
            FundingElector::Table.into_iden(),
            FundingScore::Table.into_iden(),
            FundingConflict::Table.into_iden(),
            FundingPanelist::Table.into_iden(),
            FundingBacker::Table.into_iden(),
            FundingComment::Table.into_iden(),
            FundingIdeaVersion::Table.into_iden(),
            FundingIdea::Table.into_iden(),
            FundingPhaseClose::Table.into_iden(),
            FundingRound::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
