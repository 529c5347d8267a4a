//! What members read: a space's rounds, a round's page (shaped by its phase and by who is
//! looking) and an idea's page with its versions, comments, the panel's scores once
//! shortlisting is done, and its delivery updates.
use super::ideas::authors_of;
use super::panel::is_panelist;
use super::{current, idea, rounds_of, take_part};
use crate::domain::asset::AssetKind;
use crate::domain::funding::{self, Phase, Reason, VotingStyle};
use crate::domain::membership::{Action, Perspective};
use crate::error::AppError;
use crate::model::funding::*;
use crate::server::entities::{
    asset, funding_backer, funding_ballot, funding_comment, funding_conflict, funding_elector,
    funding_idea, funding_idea_version, funding_panelist, funding_score, funding_update,
};
use crate::server::services::{accounts, membership, rules};
use crate::server::time;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use std::collections::{BTreeMap, HashMap};

/// A space's rounds, for any member; with its funding pots for a steward opening one.
pub async fn space_rounds(
    db: &DatabaseConnection,
    viewer_id: i64,
    slug: &str,
) -> Result<SpaceRounds, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let s = rules::space_by_slug(db, slug).await?;
    let mut rounds = vec![];
    for r in rounds_of(db, s.id).await? {
        // As on a round's page: moved on only when its dates say a phase is due.
        let (_, phase) = current(db, r.id).await?;
        rounds.push(RoundLine {
            id: r.id,
            title: r.title,
            phase: phase.map_or("Opens soon", |p| p.label()).to_owned(),
            budget: funding::pounds(r.budget.max(0) as u64),
        });
    }
    let pots = asset::Entity::find()
        .filter(asset::Column::SpaceId.eq(s.id))
        .filter(asset::Column::Kind.eq(AssetKind::FundingPot.code()))
        .order_by_asc(asset::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|a| {
            (
                a.id,
                format!(
                    "{} · {} left",
                    a.name,
                    funding::pounds(a.balance.max(0) as u64)
                ),
            )
        })
        .collect();
    Ok(SpaceRounds {
        may_steward: membership::may(db, viewer_id, Action::StewardAssets, &s).await?,
        space_slug: s.slug,
        space_name: s.name,
        rounds,
        pots,
    })
}

fn outcome_of(i: &funding_idea::Model) -> Option<Reason> {
    Reason::from_code(
        i.outcome.as_deref()?,
        i.outcome_left.map(|l| l.max(0) as u64),
    )
}

/// The lines for a round's ideas, with their supporters, co-authors and comments counted
/// in three queries.
async fn lines(
    db: &impl ConnectionTrait,
    ideas: &[funding_idea::Model],
    with_backing: bool,
) -> Result<Vec<IdeaLine>, AppError> {
    let ids: Vec<i64> = ideas.iter().map(|i| i.id).collect();
    let mut backers = vec![];
    let mut comments: HashMap<i64, u32> = HashMap::new();
    // The results show neither (and a counted round's ideas no longer gather them).
    if with_backing {
        backers = funding_backer::Entity::find()
            .filter(funding_backer::Column::IdeaId.is_in(ids.clone()))
            .all(db)
            .await?;
        for c in funding_comment::Entity::find()
            .filter(funding_comment::Column::IdeaId.is_in(ids))
            .all(db)
            .await?
        {
            *comments.entry(c.idea_id).or_default() += 1;
        }
    }
    let names = accounts::names(
        db,
        ideas
            .iter()
            .map(|i| i.author_id)
            .chain(backers.iter().filter(|b| b.co_author).map(|b| b.person_id)),
    )
    .await?;
    Ok(ideas
        .iter()
        .map(|i| {
            let mine = backers.iter().filter(|b| b.idea_id == i.id);
            let outcome = outcome_of(i);
            IdeaLine {
                id: i.id,
                title: i.title.clone(),
                summary: i.summary.clone(),
                amount: funding::pounds(i.amount.max(0) as u64),
                amount_pence: i.amount.max(0) as u64,
                author: names.get(&i.author_id).cloned().unwrap_or_default(),
                is_proposal: i.proposed_by.is_some(),
                version: i.version,
                supporters: mine.clone().count() as u32,
                co_authors: mine
                    .filter(|b| b.co_author)
                    .filter_map(|b| names.get(&b.person_id).cloned())
                    .collect(),
                comments: comments.get(&i.id).copied().unwrap_or(0),
                shortlisted: i.shortlisted,
                score: match (i.score_total, i.score_count) {
                    (Some(t), Some(c)) if c > 0 => Some(format!(
                        "mean {:.2} from {c} score{}",
                        f64::from(t) / f64::from(c),
                        if c == 1 { "" } else { "s" }
                    )),
                    (Some(_), Some(_)) => Some("not scored".into()),
                    _ => None,
                },
                votes: i.votes.map(|v| v.max(0) as u32),
                outcome: outcome.map(Reason::explain),
                funded: outcome.is_some_and(Reason::funded),
            }
        })
        .collect())
}

/// A round's page, for any member of the community.
pub async fn round_page(
    db: &DatabaseConnection,
    viewer_id: i64,
    round_id: i64,
) -> Result<RoundPage, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let (round, phase) = current(db, round_id).await?;
    let r = &round.r;
    let pot = asset::Entity::find_by_id(r.asset_id).one(db).await?;
    let closes = &round.closes;
    let starts = [
        (Phase::Ideas, r.ideas_at),
        (Phase::Refinement, r.refinement_at),
        (Phase::Shortlisting, r.shortlisting_at),
        (Phase::Voting, r.voting_at),
        (Phase::Results, r.voting_closes_at),
    ];
    let phases = starts
        .iter()
        .enumerate()
        .map(|(n, (p, at))| {
            let early_start = n
                .checked_sub(1)
                .and_then(|prev| closes.iter().find(|c| c.0 == starts[prev].0))
                .map(|c| c.1.min(*at));
            PhaseLine {
                code: p.code().to_owned(),
                name: p.label().to_owned(),
                begins: time::when_dated(early_start.unwrap_or(*at)),
                current: phase == Some(*p),
                closed_early: closes
                    .iter()
                    .find(|c| c.0 == *p)
                    .map(|(_, at, why)| format!("Closed early at {}: {why}", time::when(*at))),
            }
        })
        .collect();
    let style = round.style();
    let budget = round.budget();
    let choosing = match style {
        VotingStyle::Approval if r.choices_min == r.choices_max => format!(
            "Choose exactly {} project{}.",
            r.choices_min,
            if r.choices_min == 1 { "" } else { "s" }
        ),
        VotingStyle::Approval => format!(
            "Choose between {} and {} projects.",
            r.choices_min, r.choices_max
        ),
        VotingStyle::Knapsack => format!(
            "Choose projects whose costs together fit the budget of {}.",
            funding::pounds(budget)
        ),
    };
    // Ideas in the order that suits the phase: by votes once counted, shortlist first
    // once drawn, newest first before.
    let mut ideas = funding_idea::Entity::find()
        .filter(funding_idea::Column::RoundId.eq(r.id))
        .order_by_desc(funding_idea::Column::Id)
        .all(db)
        .await?;
    if phase.is_some_and(|p| p.reached(Phase::Results)) {
        ideas.retain(|i| i.shortlisted);
        ideas.sort_by_key(|i| {
            (
                i.funded_order.is_none(),
                i.funded_order,
                -i.votes.unwrap_or(0),
                i.id,
            )
        });
    } else if phase.is_some_and(|p| p.reached(Phase::Voting)) {
        ideas.retain(|i| i.shortlisted);
        ideas.sort_by_key(|i| i.id);
    }
    let panel_ids: Vec<i64> = funding_panelist::Entity::find()
        .filter(funding_panelist::Column::RoundId.eq(r.id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.person_id)
        .collect();
    let panel_names = accounts::names(db, panel_ids.iter().copied()).await?;
    let mut panel: Vec<String> = panel_ids
        .iter()
        .filter_map(|id| panel_names.get(id).cloned())
        .collect();
    panel.sort();
    let my_ballot = funding_ballot::Entity::find_by_id((r.id, viewer_id))
        .one(db)
        .await?
        .map(|b| (funding::ballot_ids(&b.choices), time::when(b.cast_at)));
    let ballots_cast = funding_ballot::Entity::find()
        .filter(funding_ballot::Column::RoundId.eq(r.id))
        .count(db)
        .await? as u32;
    let counted = phase.is_some_and(|p| p.reached(Phase::Results));
    let spent = if counted {
        let spent: i64 = ideas
            .iter()
            .filter(|i| i.funded_order.is_some())
            .map(|i| i.amount)
            .sum();
        Some((
            funding::pounds(spent.max(0) as u64),
            funding::pounds(budget.saturating_sub(spent.max(0) as u64)),
        ))
    } else {
        None
    };
    let by_perspective = if counted {
        by_perspective(db, r.id).await?
    } else {
        vec![]
    };
    Ok(RoundPage {
        id: r.id,
        title: r.title.clone(),
        purpose: r.purpose.clone(),
        space_slug: round.s.slug.clone(),
        space_name: round.s.name.clone(),
        asset_id: r.asset_id,
        asset_name: pot.map(|p| p.name).unwrap_or_default(),
        budget: funding::pounds(budget),
        budget_pence: budget,
        max_per_project: funding::pounds(r.max_per_project.max(0) as u64),
        style_code: style.code().to_owned(),
        choosing,
        result_rule: round.rule().label().to_owned(),
        criteria: funding::criteria(&r.criteria),
        shortlist_places: r.shortlist_places,
        phases,
        phase: phase.map(|p| p.code().to_owned()),
        phase_label: phase.map_or("Opens soon", |p| p.label()).to_owned(),
        may_steward: membership::may(db, viewer_id, Action::StewardAssets, &round.s).await?,
        may_take_part: take_part(db, &round, viewer_id).await.is_ok(),
        is_panelist: panel_ids.contains(&viewer_id),
        panel,
        is_elector: funding_elector::Entity::find_by_id((r.id, viewer_id))
            .one(db)
            .await?
            .is_some(),
        eligible_count: r.eligible_count,
        ballots_cast,
        my_ballot,
        ideas: lines(db, &ideas, !counted).await?,
        spent,
        by_perspective,
        confirmed: r.confirmed_at.is_some(),
        delivery_from: r.confirmed_at.map(time::when_dated),
    })
}

/// How many electors of each perspective there were and how many of them voted: counted
/// by the database in one query grouped by the electors' perspectives.
async fn by_perspective(
    db: &impl ConnectionTrait,
    round_id: i64,
) -> Result<Vec<PerspectiveVotes>, AppError> {
    use sea_orm::{DbBackend, Statement};
    let backend = db.get_database_backend();
    let placeholder = if backend == DbBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT e.perspectives AS perspectives, COUNT(*) AS electors, COUNT(b.person_id) AS voted \
                 FROM funding_elector e LEFT JOIN funding_ballot b \
                 ON b.round_id = e.round_id AND b.person_id = e.person_id \
                 WHERE e.round_id = {placeholder} GROUP BY e.perspectives"
            ),
            [round_id.into()],
        ))
        .await?;
    let mut counts: BTreeMap<usize, (u32, u32)> = BTreeMap::new();
    for row in rows {
        let held: String = row.try_get("", "perspectives")?;
        let electors: i64 = row.try_get("", "electors")?;
        let voted: i64 = row.try_get("", "voted")?;
        for code in held.split(',').filter(|c| !c.is_empty()) {
            if let Some(at) = Perspective::ALL.iter().position(|p| p.code() == code) {
                let c = counts.entry(at).or_default();
                c.0 += electors as u32;
                c.1 += voted as u32;
            }
        }
    }
    Ok(counts
        .into_iter()
        .map(|(at, (electors, voted))| PerspectiveVotes {
            perspective: Perspective::ALL[at].label().to_owned(),
            electors,
            voted,
        })
        .collect())
}

/// An idea's page, for any member of the community.
pub async fn idea_page(
    db: &DatabaseConnection,
    viewer_id: i64,
    idea_id: i64,
) -> Result<IdeaPage, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let i = idea(db, idea_id).await?;
    let (round, phase) = current(db, i.round_id).await?;
    let i = idea(db, idea_id).await?;
    let authors = authors_of(db, &i).await?;
    let is_author = authors.contains(&viewer_id);
    let may_take_part = take_part(db, &round, viewer_id).await.is_ok();
    let backing = funding_backer::Entity::find_by_id((i.id, viewer_id))
        .one(db)
        .await?;
    let has_proposal = funding_idea::Entity::find()
        .filter(funding_idea::Column::RoundId.eq(round.r.id))
        .filter(funding_idea::Column::ProposedBy.eq(viewer_id))
        .one(db)
        .await?
        .is_some();
    let panelist = is_panelist(db, round.r.id, viewer_id).await?;
    let my_conflict = funding_conflict::Entity::find_by_id((i.id, viewer_id))
        .one(db)
        .await?
        .map(|c| c.reason);
    let conflicts = funding_conflict::Entity::find()
        .filter(funding_conflict::Column::IdeaId.eq(i.id))
        .count(db)
        .await? as u32;
    let versions = funding_idea_version::Entity::find()
        .filter(funding_idea_version::Column::IdeaId.eq(i.id))
        .order_by_desc(funding_idea_version::Column::Version)
        .all(db)
        .await?;
    let comments = funding_comment::Entity::find()
        .filter(funding_comment::Column::IdeaId.eq(i.id))
        .order_by_asc(funding_comment::Column::Id)
        .all(db)
        .await?;
    let updates = funding_update::Entity::find()
        .filter(funding_update::Column::IdeaId.eq(i.id))
        .order_by_desc(funding_update::Column::Id)
        .all(db)
        .await?;
    // The panel's scores are shown once the shortlist is drawn; before, only to no one.
    let scores = if phase.is_some_and(|p| p.reached(Phase::Voting)) {
        funding_score::Entity::find()
            .filter(funding_score::Column::IdeaId.eq(i.id))
            .order_by_asc(funding_score::Column::PersonId)
            .order_by_asc(funding_score::Column::Criterion)
            .all(db)
            .await?
    } else {
        vec![]
    };
    let names = accounts::names(
        db,
        comments
            .iter()
            .map(|c| c.author_id)
            .chain(updates.iter().map(|u| u.author_id))
            .chain(scores.iter().map(|s| s.person_id))
            .chain(versions.iter().map(|v| v.written_by)),
    )
    .await?;
    let name = |id: &i64| names.get(id).cloned().unwrap_or_default();
    let post = |author_id: i64, at, body: &str| PostView {
        author: name(&author_id),
        at: time::when(at),
        body: body.to_owned(),
        by_author: authors.contains(&author_id),
    };
    let mut score_views: Vec<(i64, ScoreView)> = vec![];
    for s in &scores {
        match score_views.last_mut() {
            Some((who, v)) if *who == s.person_id => v.scores.push(s.score),
            _ => score_views.push((
                s.person_id,
                ScoreView {
                    panelist: name(&s.person_id),
                    scores: vec![s.score],
                    comment: s.comment.clone(),
                },
            )),
        }
    }
    let line = lines(db, std::slice::from_ref(&i), true).await?.remove(0);
    let in_refinement = phase == Some(Phase::Refinement);
    Ok(IdeaPage {
        round_id: round.r.id,
        round_title: round.r.title.clone(),
        phase: phase.map(|p| p.code().to_owned()),
        team: i.team.clone(),
        criteria: funding::criteria(&round.r.criteria),
        is_author,
        may_take_part,
        supports: backing.is_some(),
        co_author: backing.is_some_and(|b| b.co_author),
        may_propose: in_refinement && is_author && i.proposed_by.is_none() && !has_proposal,
        may_revise: in_refinement && is_author && i.proposed_by.is_some(),
        may_score: phase == Some(Phase::Shortlisting)
            && panelist
            && i.proposed_by.is_some()
            && my_conflict.is_none()
            && !is_author,
        my_conflict,
        conflicts,
        may_post_update: phase == Some(Phase::Delivery)
            && i.funded_order.is_some()
            && (is_author
                || membership::may(db, viewer_id, Action::StewardAssets, &round.s).await?),
        versions: versions
            .into_iter()
            .map(|v| VersionView {
                version: v.version,
                title: v.title,
                summary: v.summary,
                amount: funding::pounds(v.amount.max(0) as u64),
                team: v.team,
                written: format!("{} · {}", name(&v.written_by), time::when(v.written_at)),
            })
            .collect(),
        comments: comments
            .iter()
            .map(|c| post(c.author_id, c.created_at, &c.body))
            .collect(),
        scores: score_views.into_iter().map(|(_, v)| v).collect(),
        updates: updates
            .iter()
            .map(|u| post(u.author_id, u.posted_at, &u.body))
            .collect(),
        line,
    })
}
