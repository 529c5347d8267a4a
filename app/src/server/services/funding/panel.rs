//! The shortlisting panel: members the stewards choose, who declare their conflicts of
//! interest and score each proposal they are free to score, 1–5 against every published
//! criterion.
use super::ideas::authors_of;
use super::{current, idea, require_phase, take_part};
use crate::domain::audit::AuditAction;
use crate::domain::funding::{self, Phase, TEXT_MAX};
use crate::domain::membership::Action;
use crate::error::{AppError, Validation};
use crate::server::entities::{funding_conflict, funding_panelist, funding_score, person};
use crate::server::services::{audit, membership};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

pub(crate) async fn is_panelist(
    db: &impl ConnectionTrait,
    round_id: i64,
    person_id: i64,
) -> Result<bool, AppError> {
    Ok(funding_panelist::Entity::find_by_id((round_id, person_id))
        .one(db)
        .await?
        .is_some())
}

/// A steward puts a member the round is for on its panel, found by their email address,
/// until shortlisting ends.
pub async fn add_panelist(
    db: &DatabaseConnection,
    actor_id: i64,
    round_id: i64,
    email: &str,
) -> Result<(), AppError> {
    let (round, phase) = current(db, round_id).await?;
    membership::authorise(db, actor_id, Action::StewardAssets, &round.s).await?;
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err(AppError::invalid(
            "email",
            "Give the member's email address.",
        ));
    }
    if phase.is_some_and(|p| p.reached(Phase::Voting)) {
        return Err(AppError::invalid(
            "email",
            "Shortlisting is over: the panel is settled.",
        ));
    }
    let who = person::Entity::find()
        .filter(person::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::invalid("email", "No member has that email address."))?;
    take_part(db, &round, who.id).await.map_err(|_| {
        AppError::invalid(
            "email",
            format!("{} is not among the members this round is for.", who.name),
        )
    })?;
    let txn = crate::server::db::begin_write(db).await?;
    if is_panelist(&txn, round_id, who.id).await? {
        return Err(AppError::conflict(
            "email",
            format!("{} is on the panel already.", who.name),
        ));
    }
    funding_panelist::ActiveModel {
        round_id: Set(round_id),
        person_id: Set(who.id),
        added_by: Set(actor_id),
        added_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::in_space(
        &txn,
        actor_id,
        round.s.id,
        AuditAction::FundingPanelChanged,
        format!("Put {} on the panel of {}", who.name, round.r.title),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A panel member declares a conflict of interest with a proposal: they will not score it,
/// and any scores they gave it are withdrawn.
pub async fn declare_conflict(
    db: &DatabaseConnection,
    person_id: i64,
    idea_id: i64,
    reason: &str,
) -> Result<(), AppError> {
    let i = idea(db, idea_id).await?;
    let (round, phase) = current(db, i.round_id).await?;
    if !is_panelist(db, round.r.id, person_id).await? {
        return Err(AppError::Forbidden);
    }
    if phase.is_some_and(|p| p.reached(Phase::Voting)) {
        return Err(AppError::invalid("reason", "Shortlisting is over."));
    }
    let mut v = Validation::default();
    let reason = v.text("reason", reason, TEXT_MAX, "Say what the conflict is.");
    v.finish()?;
    let txn = crate::server::db::begin_write(db).await?;
    funding_conflict::Entity::delete_many()
        .filter(funding_conflict::Column::IdeaId.eq(i.id))
        .filter(funding_conflict::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await?;
    funding_conflict::ActiveModel {
        idea_id: Set(i.id),
        person_id: Set(person_id),
        reason: Set(reason),
        declared_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    funding_score::Entity::delete_many()
        .filter(funding_score::Column::IdeaId.eq(i.id))
        .filter(funding_score::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// A panel member scores a proposal during shortlisting: one score 1–5 for each criterion
/// (in the criteria's order) and a comment; scoring again replaces their scores.
pub async fn score(
    db: &DatabaseConnection,
    person_id: i64,
    idea_id: i64,
    scores: &[i32],
    comment: &str,
) -> Result<(), AppError> {
    let i = idea(db, idea_id).await?;
    let (round, phase) = current(db, i.round_id).await?;
    if !is_panelist(db, round.r.id, person_id).await? {
        return Err(AppError::Forbidden);
    }
    require_phase(&round, phase, &[Phase::Shortlisting], "score", "Scoring")?;
    if i.proposed_by.is_none() {
        return Err(AppError::invalid(
            "score",
            "Only proposals are scored, not ideas.",
        ));
    }
    if funding_conflict::Entity::find_by_id((i.id, person_id))
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::invalid(
            "score",
            "You declared a conflict of interest with this proposal, so you do not score it.",
        ));
    }
    if authors_of(db, &i).await?.contains(&person_id) {
        return Err(AppError::invalid(
            "score",
            "You are one of this proposal's authors, so you do not score it.",
        ));
    }
    let criteria = funding::criteria(&round.r.criteria);
    let mut v = Validation::default();
    if scores.len() != criteria.len() || scores.iter().any(|s| !(1..=5).contains(s)) {
        v.refuse(
            "score",
            format!(
                "Score every criterion from 1 to 5: there {} {}.",
                if criteria.len() == 1 { "is" } else { "are" },
                criteria.len()
            ),
        );
    }
    let comment = comment.trim().to_owned();
    if comment.chars().count() > TEXT_MAX {
        v.refuse(
            "comment",
            format!("Keep the comment to {TEXT_MAX} characters."),
        );
    }
    v.finish()?;
    let now = Utc::now();
    let txn = crate::server::db::begin_write(db).await?;
    funding_score::Entity::delete_many()
        .filter(funding_score::Column::IdeaId.eq(i.id))
        .filter(funding_score::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await?;
    funding_score::Entity::insert_many(scores.iter().enumerate().map(|(c, s)| {
        funding_score::ActiveModel {
            idea_id: Set(i.id),
            person_id: Set(person_id),
            criterion: Set(c as i32),
            score: Set(*s),
            comment: Set(comment.clone()),
            scored_at: Set(now),
        }
    }))
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}
