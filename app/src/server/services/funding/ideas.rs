//! Ideas and proposals: any member the round is for posts ideas, comments, supports and
//! joins as a co-author; in refinement each member turns one idea into their proposal and
//! revises it (every version kept); once funded, its team posts delivery updates.
use super::{Round, current, idea, require_phase, take_part};
use crate::domain::asset::Unit;
use crate::domain::funding::{Phase, TEAM_MAX, TEXT_MAX, TITLE_MAX};
use crate::domain::membership::Action;
use crate::error::{AppError, Validation};
use crate::model::funding::IdeaForm;
use crate::server::entities::{
    funding_backer, funding_comment, funding_idea, funding_idea_version, funding_update,
};
use crate::server::services::membership;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

/// An idea as typed, checked against the round's limits.
struct Checked {
    title: String,
    summary: String,
    amount: i64,
    team: String,
}

fn check(round: &Round, f: &IdeaForm) -> Result<Checked, AppError> {
    let mut v = Validation::default();
    let title = v.text("title", &f.title, TITLE_MAX, "Give the idea a title.");
    let summary = v.text(
        "summary",
        &f.summary,
        TEXT_MAX,
        "Say what you would do and why.",
    );
    let amount = v.take(
        Unit::Pence
            .parse(&f.amount)
            .map_err(|m| AppError::invalid("amount", m)),
    );
    if amount > round.r.max_per_project {
        v.refuse(
            "amount",
            format!(
                "This round funds up to {} a project.",
                Unit::Pence.show(round.r.max_per_project)
            ),
        );
    }
    let team = f.team.split_whitespace().collect::<Vec<_>>().join(" ");
    if team.chars().count() > TEAM_MAX {
        v.refuse("team", format!("Keep the team to {TEAM_MAX} characters."));
    }
    v.finish_with(Checked {
        title,
        summary,
        amount,
        team,
    })
}

/// The idea's authors: who posted it, who made it their proposal, and its co-authors.
pub(crate) async fn authors_of(
    db: &impl ConnectionTrait,
    i: &funding_idea::Model,
) -> Result<Vec<i64>, AppError> {
    let mut ids = vec![i.author_id];
    ids.extend(i.proposed_by);
    ids.extend(
        funding_backer::Entity::find()
            .filter(funding_backer::Column::IdeaId.eq(i.id))
            .filter(funding_backer::Column::CoAuthor.eq(true))
            .all(db)
            .await?
            .into_iter()
            .map(|b| b.person_id),
    );
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Post an idea while the round takes ideas; its id.
pub async fn post(
    db: &DatabaseConnection,
    person_id: i64,
    round_id: i64,
    f: &IdeaForm,
) -> Result<i64, AppError> {
    let (round, phase) = current(db, round_id).await?;
    take_part(db, &round, person_id).await?;
    require_phase(&round, phase, &[Phase::Ideas], "title", "Posting ideas")?;
    let c = check(&round, f)?;
    let now = Utc::now();
    let i = funding_idea::ActiveModel {
        round_id: Set(round_id),
        author_id: Set(person_id),
        title: Set(c.title),
        summary: Set(c.summary),
        amount: Set(c.amount),
        team: Set(c.team),
        proposed_by: Set(None),
        version: Set(0),
        shortlisted: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(i.id)
}

/// The idea and its round as they stand now, for someone the round is for.
async fn open_idea(
    db: &DatabaseConnection,
    person_id: i64,
    idea_id: i64,
) -> Result<(funding_idea::Model, Round, Option<Phase>), AppError> {
    let i = idea(db, idea_id).await?;
    let (round, phase) = current(db, i.round_id).await?;
    take_part(db, &round, person_id).await?;
    Ok((i, round, phase))
}

/// Comment on an idea or a proposal (its authors' answers are comments too), from the
/// ideas phase until voting closes.
pub async fn comment(
    db: &DatabaseConnection,
    person_id: i64,
    idea_id: i64,
    body: &str,
) -> Result<(), AppError> {
    let (i, round, phase) = open_idea(db, person_id, idea_id).await?;
    require_phase(
        &round,
        phase,
        &[
            Phase::Ideas,
            Phase::Refinement,
            Phase::Shortlisting,
            Phase::Voting,
        ],
        "body",
        "Commenting",
    )?;
    let mut v = Validation::default();
    let body = v.text("body", body, TEXT_MAX, "Write your comment.");
    v.finish()?;
    funding_comment::ActiveModel {
        idea_id: Set(i.id),
        author_id: Set(person_id),
        body: Set(body),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// How a member stands behind an idea.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backing {
    Support,
    CoAuthor,
    Withdraw,
}

impl Backing {
    pub fn from_code(code: &str) -> Option<Backing> {
        match code {
            "support" => Some(Backing::Support),
            "co_author" => Some(Backing::CoAuthor),
            "withdraw" => Some(Backing::Withdraw),
            _ => None,
        }
    }
}

/// Support an idea, join it as a co-author, or withdraw either, while ideas are open and
/// through refinement.
pub async fn back(
    db: &DatabaseConnection,
    person_id: i64,
    idea_id: i64,
    how: Backing,
) -> Result<(), AppError> {
    let (i, round, phase) = open_idea(db, person_id, idea_id).await?;
    require_phase(
        &round,
        phase,
        &[Phase::Ideas, Phase::Refinement],
        "backing",
        "Supporting ideas",
    )?;
    if i.author_id == person_id || i.proposed_by == Some(person_id) {
        return Err(AppError::invalid(
            "backing",
            "You wrote this idea: it is yours already.",
        ));
    }
    let txn = crate::server::db::begin_write(db).await?;
    funding_backer::Entity::delete_many()
        .filter(funding_backer::Column::IdeaId.eq(i.id))
        .filter(funding_backer::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await?;
    if how != Backing::Withdraw {
        funding_backer::ActiveModel {
            idea_id: Set(i.id),
            person_id: Set(person_id),
            co_author: Set(how == Backing::CoAuthor),
            since: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// In refinement, one of an idea's authors makes it their one proposal of the round: its
/// text as it stands becomes version 1.
pub async fn propose(
    db: &DatabaseConnection,
    person_id: i64,
    idea_id: i64,
) -> Result<(), AppError> {
    let (i, round, phase) = open_idea(db, person_id, idea_id).await?;
    require_phase(
        &round,
        phase,
        &[Phase::Refinement],
        "propose",
        "Making proposals",
    )?;
    let txn = crate::server::db::begin_write(db).await?;
    let i = idea(&txn, i.id).await?;
    if !authors_of(&txn, &i).await?.contains(&person_id) {
        return Err(AppError::invalid(
            "propose",
            "Only the idea's author or a co-author can make it a proposal: join it as a co-author first.",
        ));
    }
    if i.proposed_by.is_some() {
        return Err(AppError::conflict(
            "propose",
            "This idea is a proposal already.",
        ));
    }
    let mine = funding_idea::Entity::find()
        .filter(funding_idea::Column::RoundId.eq(round.r.id))
        .filter(funding_idea::Column::ProposedBy.eq(person_id))
        .one(&txn)
        .await?;
    if let Some(m) = mine {
        return Err(AppError::conflict(
            "propose",
            format!(
                "Each member makes one proposal in a round, and yours is “{}”. Revise that one instead.",
                m.title
            ),
        ));
    }
    let now = Utc::now();
    funding_idea::Entity::update_many()
        .col_expr(funding_idea::Column::ProposedBy, Some(person_id).into())
        .col_expr(funding_idea::Column::Version, 1.into())
        .col_expr(funding_idea::Column::UpdatedAt, now.into())
        .filter(funding_idea::Column::Id.eq(i.id))
        .exec(&txn)
        .await?;
    funding_idea_version::ActiveModel {
        idea_id: Set(i.id),
        version: Set(1),
        title: Set(i.title),
        summary: Set(i.summary),
        amount: Set(i.amount),
        team: Set(i.team),
        written_by: Set(person_id),
        written_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// In refinement, a proposal's authors write its next version; the version number.
pub async fn revise(
    db: &DatabaseConnection,
    person_id: i64,
    idea_id: i64,
    f: &IdeaForm,
) -> Result<i32, AppError> {
    let (i, round, phase) = open_idea(db, person_id, idea_id).await?;
    require_phase(
        &round,
        phase,
        &[Phase::Refinement],
        "title",
        "Revising proposals",
    )?;
    let c = check(&round, f)?;
    let txn = crate::server::db::begin_write(db).await?;
    let i = idea(&txn, i.id).await?;
    if i.proposed_by.is_none() {
        return Err(AppError::invalid(
            "title",
            "This is still an idea: make it a proposal first.",
        ));
    }
    if !authors_of(&txn, &i).await?.contains(&person_id) {
        return Err(AppError::Forbidden);
    }
    if (
        i.title.as_str(),
        i.summary.as_str(),
        i.amount,
        i.team.as_str(),
    ) == (
        c.title.as_str(),
        c.summary.as_str(),
        c.amount,
        c.team.as_str(),
    ) {
        return Err(AppError::invalid(
            "summary",
            "Nothing has changed since the last version.",
        ));
    }
    let version = i.version + 1;
    let now = Utc::now();
    funding_idea_version::ActiveModel {
        idea_id: Set(i.id),
        version: Set(version),
        title: Set(c.title.clone()),
        summary: Set(c.summary.clone()),
        amount: Set(c.amount),
        team: Set(c.team.clone()),
        written_by: Set(person_id),
        written_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let mut a: funding_idea::ActiveModel = i.into();
    a.title = Set(c.title);
    a.summary = Set(c.summary);
    a.amount = Set(c.amount);
    a.team = Set(c.team);
    a.version = Set(version);
    a.updated_at = Set(now);
    a.update(&txn).await?;
    txn.commit().await?;
    Ok(version)
}

/// A funded project's team (or the space's stewards) post a progress update.
pub async fn post_update(
    db: &DatabaseConnection,
    person_id: i64,
    idea_id: i64,
    body: &str,
) -> Result<(), AppError> {
    let i = idea(db, idea_id).await?;
    let (round, phase) = current(db, i.round_id).await?;
    let steward = membership::may(db, person_id, Action::StewardAssets, &round.s).await?;
    if !steward && !authors_of(db, &i).await?.contains(&person_id) {
        return Err(AppError::Forbidden);
    }
    require_phase(&round, phase, &[Phase::Delivery], "body", "Posting updates")?;
    if i.funded_order.is_none() {
        return Err(AppError::invalid(
            "body",
            "Only funded projects post delivery updates.",
        ));
    }
    let mut v = Validation::default();
    let body = v.text("body", body, TEXT_MAX, "Write the update.");
    v.finish()?;
    funding_update::ActiveModel {
        idea_id: Set(i.id),
        author_id: Set(person_id),
        body: Set(body),
        posted_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
