//! A round's phases move on their dates by themselves. Each beginning that needs doing —
//! the shortlist drawn and the electorate fixed when voting opens, the ballots counted when
//! it closes — is done once, by whichever app server gets there first: the move is a
//! conditional update of the round's stored phase, in the same transaction as the work.
use super::{Round, closes_of, current, require_phase, round};
use crate::domain::audit::AuditAction;
use crate::domain::funding::{self, Phase, Project, Scoring, TEXT_MAX};
use crate::domain::membership::Action;
use crate::error::{AppError, Validation};
use crate::server::entities::{
    funding_ballot, funding_elector, funding_idea, funding_phase_close, funding_round,
    funding_score, member_perspective,
};
use crate::server::services::{audit, membership};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use std::collections::BTreeMap;

/// Bring round `id` up to the phase its dates (and early closes) put it in at `now`, doing
/// each beginning on the way exactly once. Delivery is never reached this way: a steward
/// confirms the results.
pub async fn advance(db: &DatabaseConnection, id: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    loop {
        let round = round(db, id).await?;
        let Some(target) = round.phase_at(now) else {
            return Ok(());
        };
        let stored = Phase::from_code(&round.r.phase).unwrap_or(Phase::Ideas);
        let Some(next) = stored.next().filter(|n| *n != Phase::Delivery) else {
            return Ok(());
        };
        if stored.reached(target) {
            return Ok(());
        }
        let txn = crate::server::db::begin_write(db).await?;
        let moved = funding_round::Entity::update_many()
            .col_expr(funding_round::Column::Phase, next.code().into())
            .filter(funding_round::Column::Id.eq(id))
            .filter(funding_round::Column::Phase.eq(stored.code()))
            .exec(&txn)
            .await?;
        if moved.rows_affected != 1 {
            // Another app server moved it first: look again.
            continue;
        }
        match next {
            Phase::Voting => {
                draw_shortlist(&txn, &round).await?;
                fix_electorate(&txn, &round).await?;
            }
            Phase::Results => count(&txn, &round).await?,
            _ => {}
        }
        txn.commit().await?;
    }
}

/// The panel's scores become the shortlist, by the published rule.
async fn draw_shortlist(txn: &impl ConnectionTrait, round: &Round) -> Result<(), AppError> {
    let proposals = funding_idea::Entity::find()
        .filter(funding_idea::Column::RoundId.eq(round.r.id))
        .filter(funding_idea::Column::ProposedBy.is_not_null())
        .all(txn)
        .await?;
    let ids: Vec<i64> = proposals.iter().map(|p| p.id).collect();
    let mut by_scorer: BTreeMap<(i64, i64), Vec<u8>> = BTreeMap::new();
    for s in funding_score::Entity::find()
        .filter(funding_score::Column::IdeaId.is_in(ids.clone()))
        .all(txn)
        .await?
    {
        by_scorer
            .entry((s.idea_id, s.person_id))
            .or_default()
            .push(s.score.clamp(1, 5) as u8);
    }
    let scorings: Vec<Scoring> = by_scorer
        .into_iter()
        .map(|((proposal, _), scores)| Scoring { proposal, scores })
        .collect();
    let places = round.r.shortlist_places.max(0) as usize;
    for placed in funding::shortlist(&ids, &scorings, places) {
        funding_idea::Entity::update_many()
            .col_expr(funding_idea::Column::Shortlisted, placed.shortlisted.into())
            .col_expr(
                funding_idea::Column::ScoreTotal,
                (placed.total as i32).into(),
            )
            .col_expr(
                funding_idea::Column::ScoreCount,
                (placed.count as i32).into(),
            )
            .filter(funding_idea::Column::Id.eq(placed.proposal))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// The members the round is for today become its electorate, each with the perspectives
/// their ballot is counted under.
async fn fix_electorate(txn: &impl ConnectionTrait, round: &Round) -> Result<(), AppError> {
    let electors = crate::server::services::proposals::members_of(txn, &round.scope).await?;
    let mut held: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for chunk in electors.chunks(500) {
        for m in member_perspective::Entity::find()
            .filter(member_perspective::Column::PersonId.is_in(chunk.to_vec()))
            .all(txn)
            .await?
        {
            held.entry(m.person_id).or_default().push(m.perspective);
        }
    }
    for chunk in electors.chunks(500) {
        funding_elector::Entity::insert_many(chunk.iter().map(|id| funding_elector::ActiveModel {
            round_id: Set(round.r.id),
            person_id: Set(*id),
            perspectives: Set(held.get(id).map(|p| p.join(",")).unwrap_or_default()),
        }))
        .exec_without_returning(txn)
        .await?;
    }
    funding_round::Entity::update_many()
        .col_expr(
            funding_round::Column::EligibleCount,
            (electors.len() as i32).into(),
        )
        .filter(funding_round::Column::Id.eq(round.r.id))
        .exec(txn)
        .await?;
    Ok(())
}

/// The projects on a round's ballot: its shortlisted proposals and what each asks for.
pub(crate) async fn ballot_of(
    db: &impl ConnectionTrait,
    round_id: i64,
) -> Result<Vec<Project>, AppError> {
    Ok(funding_idea::Entity::find()
        .filter(funding_idea::Column::RoundId.eq(round_id))
        .filter(funding_idea::Column::Shortlisted.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|i| Project {
            id: i.id,
            cost: i.amount.max(0) as u64,
        })
        .collect())
}

/// The ballots cast, as sets of chosen projects.
pub(crate) async fn ballots_of(
    db: &impl ConnectionTrait,
    round_id: i64,
) -> Result<Vec<Vec<i64>>, AppError> {
    Ok(funding_ballot::Entity::find()
        .filter(funding_ballot::Column::RoundId.eq(round_id))
        .all(db)
        .await?
        .into_iter()
        .map(|b| funding::ballot_ids(&b.choices))
        .collect())
}

/// Count the ballots by the round's published rule and keep each project's votes, reason
/// and place among the funded.
async fn count(txn: &impl ConnectionTrait, round: &Round) -> Result<(), AppError> {
    let projects = ballot_of(txn, round.r.id).await?;
    let ballots = ballots_of(txn, round.r.id).await?;
    let results = funding::count(round.rule(), &projects, round.budget(), &ballots);
    let mut funded = 0;
    for o in &results.outcomes {
        let (code, left) = o.reason.code();
        let order = o.reason.funded().then(|| {
            funded += 1;
            funded
        });
        funding_idea::Entity::update_many()
            .col_expr(funding_idea::Column::Votes, (o.votes as i32).into())
            .col_expr(funding_idea::Column::Outcome, code.into())
            .col_expr(
                funding_idea::Column::OutcomeLeft,
                left.map(|l| l as i64).into(),
            )
            .col_expr(funding_idea::Column::FundedOrder, order.into())
            .filter(funding_idea::Column::Id.eq(o.project))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// A steward closes the round's current phase before its date, saying why; the next phase
/// begins at once (later phases keep their dates).
pub async fn close_early(
    db: &DatabaseConnection,
    actor_id: i64,
    round_id: i64,
    reason: &str,
) -> Result<(), AppError> {
    let (round, phase) = current(db, round_id).await?;
    membership::authorise(db, actor_id, Action::StewardAssets, &round.s).await?;
    let mut v = Validation::default();
    let reason = v.text(
        "reason",
        reason,
        TEXT_MAX,
        "Say why the phase closes early.",
    );
    v.finish()?;
    let phase = require_phase(
        &round,
        phase,
        &[
            Phase::Ideas,
            Phase::Refinement,
            Phase::Shortlisting,
            Phase::Voting,
        ],
        "reason",
        "Closing a phase early",
    )?;
    let now = Utc::now();
    let txn = crate::server::db::begin_write(db).await?;
    if closes_of(&txn, round_id)
        .await?
        .iter()
        .any(|(p, _, _)| *p == phase)
    {
        return Err(AppError::conflict(
            "reason",
            "This phase has been closed already.",
        ));
    }
    funding_phase_close::ActiveModel {
        round_id: Set(round_id),
        phase: Set(phase.code().to_owned()),
        closed_at: Set(now),
        closed_by: Set(actor_id),
        reason: Set(reason.clone()),
    }
    .insert(&txn)
    .await?;
    audit::in_space(
        &txn,
        actor_id,
        round.s.id,
        AuditAction::FundingPhaseClosedEarly,
        format!(
            "Closed the {} phase of {} early: {reason}",
            phase.label().to_lowercase(),
            round.r.title
        ),
    )
    .await?;
    txn.commit().await?;
    advance(db, round_id, now).await
}

/// Rounds whose dates have moved them on: brought up to date; the ids moved.
pub async fn advance_due(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, AppError> {
    let open = funding_round::Entity::find()
        .filter(
            funding_round::Column::Phase.is_not_in([Phase::Results.code(), Phase::Delivery.code()]),
        )
        .all(db)
        .await?;
    let mut moved = vec![];
    for r in open {
        let before = r.phase.clone();
        advance(db, r.id, now).await?;
        if round(db, r.id).await?.r.phase != before {
            moved.push(r.id);
        }
    }
    Ok(moved)
}

/// How often every app server looks for rounds to move on.
const EVERY: Duration = Duration::seconds(30);

/// Move rounds on their dates whether or not anyone visits: run on every app server (each
/// beginning is done by exactly one of them).
pub async fn keep_moving(db: DatabaseConnection) {
    let mut timer = tokio::time::interval(EVERY.to_std().unwrap_or_default());
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        timer.tick().await;
        match advance_due(&db, Utc::now()).await {
            Ok(moved) if !moved.is_empty() => tracing::info!(?moved, "funding rounds moved on"),
            Ok(_) => {}
            Err(e) => tracing::warn!("moving funding rounds on failed: {e}"),
        }
    }
}
