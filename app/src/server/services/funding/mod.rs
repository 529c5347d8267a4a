//! Funding rounds that spend part of a space's pot, the Q Exchange way: members post ideas,
//! turn one each into a proposal, a panel scores them against published criteria, the
//! members the round is for vote, and pure code (`domain::funding`) counts the ballots by
//! the rule published when the round opened. Phases move on their dates by themselves
//! (`phases`); the stewards of the space open rounds, choose the panel, close a phase
//! early with a reason and confirm the results, which records the funded projects'
//! allocations in the pot's ledger.
mod ballots;
pub mod demo;
mod ideas;
mod pages;
mod panel;
mod phases;
#[cfg(test)]
mod tests;

pub use ballots::{cast, confirm, export_csv};
pub use ideas::{Backing, back, comment, post, post_update, propose, revise};
pub use pages::{idea_page, round_page, space_rounds};
pub use panel::{add_panelist, declare_conflict, score};
pub use phases::{advance, advance_due, close_early, keep_moving};

use crate::domain::asset::{AssetKind, Unit};
use crate::domain::audit::AuditAction;
use crate::domain::funding::{
    self, ApprovalLimit, CRITERIA_MAX, Phase, ResultRule, Schedule, TEXT_MAX, TITLE_MAX,
    VotingStyle,
};
use crate::domain::membership::{Action, SpaceScope};
use crate::error::{AppError, Validation};
use crate::model::funding::RoundForm;
use crate::server::entities::{asset, funding_idea, funding_phase_close, funding_round, space};
use crate::server::services::{audit, membership, rules};
use crate::server::time;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

/// A round with its space and where that space sits for the rules.
pub(crate) struct Round {
    pub r: funding_round::Model,
    pub s: space::Model,
    pub scope: SpaceScope,
    /// The phases stewards closed early: (phase, when, why).
    pub closes: Vec<(Phase, DateTime<Utc>, String)>,
}

impl Round {
    fn schedule(&self) -> Schedule {
        schedule_of(&self.r)
    }

    /// The phase the round is in at `now`, by its dates and early closes.
    pub(crate) fn phase_at(&self, now: DateTime<Utc>) -> Option<Phase> {
        let closes: Vec<(Phase, DateTime<Utc>)> =
            self.closes.iter().map(|(p, at, _)| (*p, *at)).collect();
        self.schedule()
            .phase_at(now, &closes, self.r.confirmed_at.is_some())
    }

    fn style(&self) -> VotingStyle {
        VotingStyle::from_code(&self.r.voting_style).unwrap_or(VotingStyle::Approval)
    }

    fn rule(&self) -> ResultRule {
        ResultRule::from_code(&self.r.result_rule).unwrap_or(ResultRule::GreedyByVotes)
    }

    fn limit(&self) -> ApprovalLimit {
        ApprovalLimit {
            min: self.r.choices_min.max(0) as u32,
            max: self.r.choices_max.max(0) as u32,
        }
    }

    fn budget(&self) -> u64 {
        self.r.budget.max(0) as u64
    }
}

pub(crate) fn schedule_of(r: &funding_round::Model) -> Schedule {
    Schedule {
        ideas: r.ideas_at,
        refinement: r.refinement_at,
        shortlisting: r.shortlisting_at,
        voting: r.voting_at,
        voting_closes: r.voting_closes_at,
    }
}

fn no_round() -> AppError {
    AppError::NotFound("There is no such funding round.".into())
}

pub(crate) async fn round(db: &impl ConnectionTrait, id: i64) -> Result<Round, AppError> {
    let r = funding_round::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(no_round)?;
    let s = space::Entity::find_by_id(r.space_id)
        .one(db)
        .await?
        .ok_or_else(no_round)?;
    let scope = membership::scope(db, &s).await?;
    let closes = closes_of(db, id).await?;
    Ok(Round {
        r,
        s,
        scope,
        closes,
    })
}

pub(crate) async fn idea(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<funding_idea::Model, AppError> {
    funding_idea::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such idea.".into()))
}

/// The phases stewards closed early: (phase, when).
pub(crate) async fn closes_of(
    db: &impl ConnectionTrait,
    round_id: i64,
) -> Result<Vec<(Phase, DateTime<Utc>, String)>, AppError> {
    Ok(funding_phase_close::Entity::find()
        .filter(funding_phase_close::Column::RoundId.eq(round_id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|c| Some((Phase::from_code(&c.phase)?, c.closed_at, c.reason)))
        .collect())
}

/// The round as it stands now (its phases moved on first, as the job would, when its
/// dates say they are due), and its phase.
pub(crate) async fn current(
    db: &DatabaseConnection,
    id: i64,
) -> Result<(Round, Option<Phase>), AppError> {
    let now = Utc::now();
    let round = round(db, id).await?;
    let phase = round.phase_at(now);
    let stored = Phase::from_code(&round.r.phase).unwrap_or(Phase::Ideas);
    match phase {
        Some(p) if p != Phase::Delivery && !stored.reached(p) => {
            advance(db, id, now).await?;
            let round = self::round(db, id).await?;
            let phase = round.phase_at(now);
            Ok((round, phase))
        }
        _ => Ok((round, phase)),
    }
}

/// The phase the round is in, refused unless it is one of `allowed` (saying what phase
/// it is in).
pub(crate) fn require_phase(
    round: &Round,
    phase: Option<Phase>,
    allowed: &[Phase],
    field: &str,
    doing: &str,
) -> Result<Phase, AppError> {
    match phase {
        Some(p) if allowed.contains(&p) => Ok(p),
        Some(p) => Err(AppError::invalid(
            field,
            format!(
                "{doing} is not open now: the round is in its {} phase.",
                p.label().to_lowercase()
            ),
        )),
        None => Err(AppError::invalid(
            field,
            format!(
                "{doing} is not open yet: the round opens for ideas at {}.",
                time::when(round.r.ideas_at)
            ),
        )),
    }
}

/// Whether `person_id` is among the members the round is for (as for a decision of its
/// space), refused in words if not.
pub(crate) async fn take_part(
    db: &impl ConnectionTrait,
    round: &Round,
    person_id: i64,
) -> Result<(), AppError> {
    crate::server::services::proposals::may_take_part(db, person_id, &round.s, &round.scope).await
}

/// Parse a whole number field, refusing in words.
fn whole(v: &mut Validation, field: &str, raw: &str, what: &str) -> i32 {
    match raw.trim().parse::<i32>() {
        Ok(n) if n >= 0 => n,
        _ => {
            v.refuse(field, format!("Give {what} as a whole number."));
            0
        }
    }
}

fn when(v: &mut Validation, field: &str, raw: &str) -> DateTime<Utc> {
    match time::from_uk(raw) {
        Ok(t) => t,
        Err(m) => {
            v.refuse(field, m);
            DateTime::<Utc>::MIN_UTC
        }
    }
}

/// A steward opens a round spending part of one of the space's funding pots; its rules
/// (budget, limit, voting style, result rule, criteria, dates) are fixed from now on.
pub async fn open(
    db: &DatabaseConnection,
    actor_id: i64,
    slug: &str,
    f: &RoundForm,
) -> Result<i64, AppError> {
    let s = rules::space_by_slug(db, slug).await?;
    membership::authorise(db, actor_id, Action::StewardAssets, &s).await?;
    let mut v = Validation::default();
    let title = v.text("title", &f.title, TITLE_MAX, "Name the round.");
    let purpose = v.text(
        "purpose",
        &f.purpose,
        TEXT_MAX,
        "Say what the round is for.",
    );
    let pot = match f.asset.trim().parse::<i64>() {
        Ok(id) => asset::Entity::find_by_id(id).one(db).await?,
        Err(_) => None,
    }
    .filter(|a| a.space_id == s.id && a.kind == AssetKind::FundingPot.code());
    if pot.is_none() {
        v.refuse("asset", format!("Choose one of {}'s funding pots.", s.name));
    }
    let budget = v.take(
        Unit::Pence
            .parse(&f.budget)
            .map_err(|m| AppError::invalid("budget", m)),
    );
    let per_project = v.take(
        Unit::Pence
            .parse(&f.max_per_project)
            .map_err(|m| AppError::invalid("max_per_project", m)),
    );
    if let Some(p) = &pot
        && budget > p.balance
    {
        v.refuse(
            "budget",
            format!(
                "{} holds {}: the budget cannot be more.",
                p.name,
                Unit::Pence.show(p.balance)
            ),
        );
    }
    if per_project > budget && budget > 0 {
        v.refuse(
            "max_per_project",
            "A project cannot ask for more than the whole budget.",
        );
    }
    let style = VotingStyle::from_code(f.voting_style.trim());
    if style.is_none() {
        v.refuse("voting_style", "Choose how members vote.");
    }
    let (min, max) = if style == Some(VotingStyle::Approval) {
        let min = whole(&mut v, "choices_min", &f.choices_min, "the fewest choices");
        let max = whole(&mut v, "choices_max", &f.choices_max, "the most choices");
        if min < 1 {
            v.refuse("choices_min", "A ballot chooses at least one project.");
        } else if max < min {
            v.refuse("choices_max", "The most cannot be fewer than the fewest.");
        }
        (min, max)
    } else {
        (1, 0)
    };
    let rule = ResultRule::from_code(f.result_rule.trim());
    if rule.is_none() {
        v.refuse("result_rule", "Choose how ballots become funded projects.");
    }
    let places = whole(
        &mut v,
        "shortlist_places",
        &f.shortlist_places,
        "the shortlist's size",
    );
    if places < 1 {
        v.refuse("shortlist_places", "Shortlist at least one proposal.");
    }
    let criteria = funding::criteria(&f.criteria);
    if criteria.is_empty() || criteria.len() > CRITERIA_MAX {
        v.refuse(
            "criteria",
            format!("Write between one and {CRITERIA_MAX} criteria, one a line."),
        );
    } else if criteria.iter().any(|c| c.chars().count() > TITLE_MAX) {
        v.refuse(
            "criteria",
            format!("Keep each criterion to {TITLE_MAX} characters."),
        );
    }
    let schedule = Schedule {
        ideas: when(&mut v, "ideas_at", &f.ideas_at),
        refinement: when(&mut v, "refinement_at", &f.refinement_at),
        shortlisting: when(&mut v, "shortlisting_at", &f.shortlisting_at),
        voting: when(&mut v, "voting_at", &f.voting_at),
        voting_closes: when(&mut v, "voting_closes_at", &f.voting_closes_at),
    };
    v.finish()?;
    let mut v = Validation::default();
    if let Err(e) = schedule.check() {
        v.refuse("refinement_at", e.to_string());
    }
    let now = Utc::now();
    if schedule.voting_closes <= now {
        v.refuse("voting_closes_at", "Voting must close in the future.");
    }
    v.finish()?;
    let (Some(pot), Some(style), Some(rule)) = (pot, style, rule) else {
        return Err(AppError::Internal);
    };
    let txn = crate::server::db::begin_write(db).await?;
    let r = funding_round::ActiveModel {
        space_id: Set(s.id),
        asset_id: Set(pot.id),
        title: Set(title.clone()),
        purpose: Set(purpose),
        budget: Set(budget),
        max_per_project: Set(per_project),
        voting_style: Set(style.code().to_owned()),
        choices_min: Set(min),
        choices_max: Set(max),
        result_rule: Set(rule.code().to_owned()),
        shortlist_places: Set(places),
        criteria: Set(criteria.join("\n")),
        ideas_at: Set(schedule.ideas),
        refinement_at: Set(schedule.refinement),
        shortlisting_at: Set(schedule.shortlisting),
        voting_at: Set(schedule.voting),
        voting_closes_at: Set(schedule.voting_closes),
        phase: Set(Phase::Ideas.code().to_owned()),
        eligible_count: Set(None),
        confirmed_at: Set(None),
        created_by: Set(actor_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::in_space(
        &txn,
        actor_id,
        s.id,
        AuditAction::FundingRoundOpened,
        format!(
            "Opened {title}: {} from {}, voting by {}",
            funding::pounds(budget as u64),
            pot.name,
            style.label().to_lowercase()
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(r.id)
}

/// The rounds of a space, newest first.
pub(crate) async fn rounds_of(
    db: &impl ConnectionTrait,
    space_id: i64,
) -> Result<Vec<funding_round::Model>, AppError> {
    Ok(funding_round::Entity::find()
        .filter(funding_round::Column::SpaceId.eq(space_id))
        .order_by_desc(funding_round::Column::Id)
        .all(db)
        .await?)
}
