//! Ballots, results and what the pot pays: one ballot per elector, cast or replaced whole
//! in one step while voting is open; the stewards confirm the counted results, which
//! records each funded project's allocation in the pot's ledger.
use super::phases::{ballot_of, ballots_of};
use super::{current, require_phase, take_part};
use crate::domain::asset::EntryKind;
use crate::domain::audit::AuditAction;
use crate::domain::funding::{self, Phase, VotingStyle};
use crate::domain::membership::Action;
use crate::error::AppError;
use crate::server::entities::{
    asset, funding_ballot, funding_elector, funding_idea, funding_round,
};
use crate::server::services::assets::{Entry, enter};
use crate::server::services::{audit, membership};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

/// Cast a ballot, or replace the one cast before, while voting is open: the projects
/// chosen, checked against the round's voting style. What is left of the budget after
/// the chosen projects (pence).
pub async fn cast(
    db: &DatabaseConnection,
    person_id: i64,
    round_id: i64,
    chosen: &[i64],
) -> Result<u64, AppError> {
    let (round, phase) = current(db, round_id).await?;
    take_part(db, &round, person_id)
        .await
        .map_err(|e| AppError::invalid("choices", e.to_string()))?;
    require_phase(&round, phase, &[Phase::Voting], "choices", "Voting")?;
    if funding_elector::Entity::find_by_id((round_id, person_id))
        .one(db)
        .await?
        .is_none()
    {
        return Err(AppError::invalid(
            "choices",
            format!(
                "Only those who were members of {} when voting opened can vote in this round.",
                round.s.name
            ),
        ));
    }
    let projects = ballot_of(db, round_id).await?;
    let budget = round.budget();
    let checked = match round.style() {
        VotingStyle::Approval => funding::check_approval(chosen, &projects, round.limit()),
        VotingStyle::Knapsack => funding::check_knapsack(chosen, &projects, budget),
    }
    .map_err(|e| AppError::invalid("choices", e.to_string()))?;
    let cost = budget - funding::left_after(&checked, &projects, budget);
    let txn = crate::server::db::begin_write(db).await?;
    funding_ballot::Entity::delete_many()
        .filter(funding_ballot::Column::RoundId.eq(round_id))
        .filter(funding_ballot::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await?;
    funding_ballot::ActiveModel {
        round_id: Set(round_id),
        person_id: Set(person_id),
        choices: Set(funding::ballot_text(&checked)),
        cost: Set(cost as i64),
        cast_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(funding::left_after(&checked, &projects, budget))
}

/// A steward confirms the counted results: the round moves to delivery and each funded
/// project's award is recorded as an allocation from the pot, all at once or not at all
/// (a pot that no longer holds enough is refused in words and nothing is recorded).
pub async fn confirm(
    db: &DatabaseConnection,
    actor_id: i64,
    round_id: i64,
) -> Result<(), AppError> {
    let (round, phase) = current(db, round_id).await?;
    membership::authorise(db, actor_id, Action::StewardAssets, &round.s).await?;
    require_phase(
        &round,
        phase,
        &[Phase::Results],
        "confirm",
        "Confirming the results",
    )?;
    let pot = asset::Entity::find_by_id(round.r.asset_id)
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    let now = Utc::now();
    let txn = crate::server::db::begin_write(db).await?;
    let moved = funding_round::Entity::update_many()
        .col_expr(funding_round::Column::Phase, Phase::Delivery.code().into())
        .col_expr(funding_round::Column::ConfirmedAt, Some(now).into())
        .filter(funding_round::Column::Id.eq(round_id))
        .filter(funding_round::Column::Phase.eq(Phase::Results.code()))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(AppError::conflict(
            "confirm",
            "The results have been confirmed already.",
        ));
    }
    let funded = funding_idea::Entity::find()
        .filter(funding_idea::Column::RoundId.eq(round_id))
        .filter(funding_idea::Column::FundedOrder.is_not_null())
        .order_by_asc(funding_idea::Column::FundedOrder)
        .all(&txn)
        .await?;
    let total: i64 = funded.iter().map(|i| i.amount).sum();
    for i in &funded {
        enter(
            &txn,
            &pot,
            &Entry {
                kind: EntryKind::Allocation,
                amount: i.amount,
                reason: format!("Funded by the members' vote in {}", round.r.title),
                to_whom: Some(i.title.chars().take(200).collect()),
                proposal_id: None,
                funding_round_id: Some(round_id),
            },
            actor_id,
        )
        .await
        .map_err(|_| {
            AppError::invalid(
                "confirm",
                format!(
                    "{} no longer holds the {} the funded projects need: top it up, then confirm.",
                    pot.name,
                    funding::pounds(total as u64)
                ),
            )
        })?;
    }
    audit::in_space(
        &txn,
        actor_id,
        round.s.id,
        AuditAction::FundingResultsConfirmed,
        format!(
            "Confirmed the results of {}: {} projects funded, {} allocated from {}",
            round.r.title,
            funded.len(),
            funding::pounds(total as u64),
            pot.name
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The round's ballots as CSV once voting has closed, one row a ballot with the chosen
/// projects' numbers, and the projects with their costs: enough for anyone to count the
/// round again. Ballots carry no voter and come in a canonical order.
pub async fn export_csv(
    db: &DatabaseConnection,
    viewer_id: i64,
    round_id: i64,
) -> Result<String, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let (round, phase) = current(db, round_id).await?;
    if !phase.is_some_and(|p| p.reached(Phase::Results)) {
        return Err(AppError::invalid(
            "ballots",
            "The ballots are published once voting closes.",
        ));
    }
    let mut ballots: Vec<String> = ballots_of(db, round_id)
        .await?
        .iter()
        .map(|b| b.iter().map(i64::to_string).collect::<Vec<_>>().join(" "))
        .collect();
    ballots.sort();
    let projects = ballot_of(db, round_id).await?;
    let titles = funding_idea::Entity::find()
        .filter(funding_idea::Column::Id.is_in(projects.iter().map(|p| p.id)))
        .all(db)
        .await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |_| AppError::Internal;
    out.write_record(["kind", "number", "chosen or title", "cost in pence"])
        .map_err(fail)?;
    out.write_record([
        "round",
        &round.r.id.to_string(),
        &format!("{} — {}", round.r.title, round.rule().label()),
        &round.r.budget.to_string(),
    ])
    .map_err(fail)?;
    for p in &projects {
        let title = titles
            .iter()
            .find(|t| t.id == p.id)
            .map(|t| t.title.clone())
            .unwrap_or_default();
        let safe = crate::domain::workshop::report::spreadsheet_safe(&title).into_owned();
        out.write_record(["project", &p.id.to_string(), &safe, &p.cost.to_string()])
            .map_err(fail)?;
    }
    for (n, b) in ballots.iter().enumerate() {
        out.write_record(["ballot", &(n + 1).to_string(), b, ""])
            .map_err(fail)?;
    }
    String::from_utf8(out.into_inner().map_err(|_| AppError::Internal)?)
        .map_err(|_| AppError::Internal)
}
