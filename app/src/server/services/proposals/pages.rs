//! What the proposal pages show a viewer: a space's proposals and one proposal, with what
//! they may do with it, decided here from the proposal's own space and stage.
use super::voting::{objection_state, open_for, tally_of, when};
use super::{by_id, may_take_part, space_of};
use crate::domain::decision::{Ballot, Method, ObjectionState, Tally};
use crate::domain::proposal::Stage;
use crate::error::AppError;
use crate::model::proposals::{ObjectionLine, ProposalLine, ProposalPage, SpaceProposals};
use crate::server::entities::{
    person, proposal, proposal_ballot, proposal_objection, proposal_option, space,
};
use chrono::Utc;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

fn line(p: &proposal::Model) -> ProposalLine {
    let stage = Stage::from_code(&p.stage);
    ProposalLine {
        id: p.id,
        title: p.title.clone(),
        stage: stage
            .map_or("", |s| s.label_for(Method::from_code(&p.method)))
            .to_owned(),
        method: Method::from_code(&p.method)
            .map_or("", Method::label)
            .to_owned(),
        when: match (stage, p.closes_at, p.closed_at) {
            (Some(Stage::Closed), _, Some(at)) => format!("Closed {}", when(at)),
            (Some(Stage::Voting), Some(at), _) => format!("Closes {}", when(at)),
            _ => String::new(),
        },
        result: p
            .result
            .as_deref()
            .and_then(crate::domain::decision::Verdict::from_code)
            .map(|v| v.label().to_owned()),
    }
}

/// The proposals `viewer` took part in (voted, objected or commented), newest first.
pub async fn taken_part(
    db: &impl ConnectionTrait,
    viewer: &person::Model,
) -> Result<Vec<ProposalLine>, AppError> {
    use crate::server::entities::proposal_comment;
    let mut ids: Vec<i64> = proposal_ballot::Entity::find()
        .filter(proposal_ballot::Column::PersonId.eq(viewer.id))
        .all(db)
        .await?
        .into_iter()
        .map(|b| b.proposal_id)
        .collect();
    ids.extend(
        proposal_objection::Entity::find()
            .filter(proposal_objection::Column::PersonId.eq(viewer.id))
            .all(db)
            .await?
            .into_iter()
            .map(|o| o.proposal_id),
    );
    ids.extend(
        proposal_comment::Entity::find()
            .filter(proposal_comment::Column::AuthorId.eq(viewer.id))
            .all(db)
            .await?
            .into_iter()
            .map(|c| c.proposal_id),
    );
    ids.extend(
        crate::server::entities::proposal_advice::Entity::find()
            .filter(crate::server::entities::proposal_advice::Column::PersonId.eq(viewer.id))
            .all(db)
            .await?
            .into_iter()
            .map(|a| a.proposal_id),
    );
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    Ok(proposal::Entity::find()
        .filter(proposal::Column::Id.is_in(ids))
        .order_by_desc(proposal::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(line)
        .collect())
}

/// A space's proposals, newest first: drafts only to their authors.
pub async fn space_proposals(
    db: &impl ConnectionTrait,
    viewer: &person::Model,
    slug: &str,
) -> Result<SpaceProposals, AppError> {
    // What members say and decide is for members (and the project team), not for any
    // account: the same rule as the member directory.
    crate::server::services::membership::require_member_or_team(db, viewer.id).await?;
    let s = space::Entity::find()
        .filter(space::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such space.".into()))?;
    let scope = crate::server::services::membership::scope(db, &s).await?;
    let may_propose = may_take_part(db, viewer.id, &s, &scope)
        .await
        .map_err(|e| e.to_string());
    let proposals = proposal::Entity::find()
        .filter(proposal::Column::SpaceId.eq(s.id))
        .filter(
            Condition::any()
                .add(proposal::Column::Stage.ne(Stage::Draft.code()))
                .add(proposal::Column::AuthorId.eq(viewer.id)),
        )
        .order_by_desc(proposal::Column::Id)
        .all(db)
        .await?
        .iter()
        .map(line)
        .collect();
    Ok(SpaceProposals {
        space_name: s.name,
        space_slug: s.slug,
        may_propose,
        proposals,
    })
}

fn choice_code(b: &Ballot) -> String {
    match b {
        Ballot::Consent => "consent".into(),
        Ballot::Majority(c) => c.code().into(),
        Ballot::Gradient(g) => g.code().into(),
        Ballot::Ranked(_) | Ballot::Score(_) | Ballot::Approval(_) => "ballot".into(),
    }
}

fn tally_lines(
    p: &proposal::Model,
    tally: &Tally,
    took_part: u64,
    options: &[String],
) -> Vec<String> {
    let label = |i: usize| options.get(i).cloned().unwrap_or_default();
    let eligible = p.eligible_count.unwrap_or(0);
    let mut lines = vec![format!(
        "{took_part} of {eligible} who could vote took part."
    )];
    match tally {
        Tally::Majority(m) => {
            lines.push(format!(
                "For {} · Against {} · Abstain {}",
                m.for_, m.against, m.abstain
            ));
            lines.push(format!(
                "Quorum {}%: {}. Threshold {} {}% of for and against: {}.",
                p.quorum_percent,
                if m.quorum_met { "met" } else { "not met" },
                if p.threshold_at_least {
                    "at least"
                } else {
                    "more than"
                },
                p.threshold_percent,
                if m.threshold_met { "met" } else { "not met" },
            ));
        }
        Tally::Consent(c) => lines.push(format!(
            "{} consent · {} objection{} standing · {} withdrawn",
            c.consents,
            c.standing_objections,
            if c.standing_objections == 1 { "" } else { "s" },
            c.withdrawn_objections
        )),
        Tally::Gradients(g) => {
            lines.extend(
                g.counts
                    .iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(grad, n)| format!("{}: {n}", grad.label())),
            );
            if g.blocked {
                lines.push("Blocked: someone chose the veto.".into());
            }
        }
        Tally::Ranked(r) => {
            for (i, round) in r.rounds.iter().enumerate() {
                let counts: Vec<String> = round
                    .counts
                    .iter()
                    .map(|(o, n)| format!("{} {n}", label(*o)))
                    .collect();
                lines.push(format!("Round {}: {}", i + 1, counts.join(" · ")));
            }
            if let Some(o) = r.elected {
                lines.push(format!("Chosen: {}", label(o)));
            }
        }
        Tally::Scores(totals) => lines.extend(totals.iter().map(|t| {
            format!(
                "{}: {} from {} ballots",
                label(t.option),
                t.total,
                t.ballots
            )
        })),
        Tally::Advice => lines = vec!["The author decides, answering the advice given.".into()],
    }
    lines
}

fn objection_label(state: Option<ObjectionState>) -> &'static str {
    match state {
        Some(ObjectionState::Raised) => "Raised",
        Some(ObjectionState::Answered) => "Answered",
        Some(ObjectionState::Kept) => "Kept after the answer",
        Some(ObjectionState::Withdrawn) => "Withdrawn",
        None => "",
    }
}

/// The tally of a vote whose results are live, as it stands, for a screen that shows it
/// as it changes: the same lines the page shows, and whether voting has closed. Refused
/// where the page would show no tally (results hidden until the close, a draft, the
/// advice process).
pub async fn live_tally(
    db: &impl ConnectionTrait,
    viewer: &person::Model,
    id: i64,
) -> Result<crate::model::proposals::LiveTally, AppError> {
    crate::server::services::membership::require_member_or_team(db, viewer.id).await?;
    let p = by_id(db, id).await?;
    let stage = Stage::from_code(&p.stage).ok_or(AppError::Internal)?;
    let method = Method::from_code(&p.method).ok_or(AppError::Internal)?;
    if stage == Stage::Draft && p.author_id != viewer.id {
        return Err(AppError::NotFound("There is no such proposal.".into()));
    }
    let shown = stage == Stage::Closed || (stage == Stage::Voting && p.results_live);
    if !shown || method == Method::AdviceProcess {
        return Err(AppError::Forbidden);
    }
    let options: Vec<String> = proposal_option::Entity::find()
        .filter(proposal_option::Column::ProposalId.eq(id))
        .order_by_asc(proposal_option::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.label)
        .collect();
    let (t, took_part) = tally_of(db, &p).await?;
    Ok(crate::model::proposals::LiveTally {
        lines: tally_lines(&p, &t, took_part, &options),
        closed: stage == Stage::Closed,
    })
}

/// One proposal as `viewer` may see it. A draft is its author's alone.
pub async fn page(
    db: &impl ConnectionTrait,
    viewer: &person::Model,
    id: i64,
) -> Result<ProposalPage, AppError> {
    crate::server::services::membership::require_member_or_team(db, viewer.id).await?;
    let p = by_id(db, id).await?;
    let stage = Stage::from_code(&p.stage).ok_or(AppError::Internal)?;
    if stage == Stage::Draft && p.author_id != viewer.id {
        return Err(AppError::NotFound("There is no such proposal.".into()));
    }
    let (s, _) = space_of(db, &p).await?;
    let s_model = s.clone();
    let (raised_in, overrides, overridden_by) =
        crate::server::services::charter::ties(db, &p).await?;
    let method = Method::from_code(&p.method).ok_or(AppError::Internal)?;
    let author = person::Entity::find_by_id(p.author_id)
        .one(db)
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    let options: Vec<String> = proposal_option::Entity::find()
        .filter(proposal_option::Column::ProposalId.eq(id))
        .order_by_asc(proposal_option::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.label)
        .collect();
    let advice = if method == Method::AdviceProcess {
        Some(super::advice::panel(db, viewer, &p).await?)
    } else {
        None
    };
    // The advice panel says how the advice stands; there is no tally to add.
    let tally = if advice.is_some() {
        vec![]
    } else if stage == Stage::Closed || (stage == Stage::Voting && p.results_live) {
        let (t, took_part) = tally_of(db, &p).await?;
        tally_lines(&p, &t, took_part, &options)
    } else {
        vec![]
    };
    let may_vote = match stage {
        _ if advice.is_some() => None,
        Stage::Voting | Stage::Closed => Some(
            open_for(db, &p, viewer.id, Utc::now())
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
        ),
        _ => None,
    };
    let my_ballot = proposal_ballot::Entity::find()
        .filter(proposal_ballot::Column::ProposalId.eq(id))
        .filter(proposal_ballot::Column::PersonId.eq(viewer.id))
        .one(db)
        .await?
        .and_then(|b| serde_json::from_str::<Ballot>(&b.choice).ok());
    let my_choice = my_ballot.as_ref().map(choice_code);
    let my_marks: Vec<(usize, u8)> = match &my_ballot {
        Some(Ballot::Ranked(order)) => order
            .iter()
            .enumerate()
            .map(|(place, o)| (*o, u8::try_from(place + 1).unwrap_or(u8::MAX)))
            .collect(),
        Some(Ballot::Score(scores)) => scores.clone(),
        Some(Ballot::Approval(approved)) => approved.iter().map(|o| (*o, 1)).collect(),
        _ => vec![],
    };
    let objection_rows = proposal_objection::Entity::find()
        .filter(proposal_objection::Column::ProposalId.eq(id))
        .order_by_asc(proposal_objection::Column::Id)
        .all(db)
        .await?;
    let objector_ids: Vec<i64> = objection_rows.iter().map(|o| o.person_id).collect();
    let objectors = if p.anonymous {
        vec![]
    } else {
        person::Entity::find()
            .filter(person::Column::Id.is_in(objector_ids))
            .all(db)
            .await?
    };
    let objections = objection_rows
        .into_iter()
        .map(|o| {
            let state = objection_state(&o.state);
            ObjectionLine {
                id: o.id,
                by: objectors
                    .iter()
                    .find(|x| x.id == o.person_id)
                    .map(|x| x.name.clone()),
                reason: o.reason,
                answer: o.answer,
                state: objection_label(state).to_owned(),
                mine: o.person_id == viewer.id,
                standing: state != Some(ObjectionState::Withdrawn),
            }
        })
        .collect();
    Ok(ProposalPage {
        id,
        space_name: s.name,
        space_slug: s.slug,
        title: p.title.clone(),
        body_html: crate::server::markdown::to_html(&p.body),
        author,
        stage: stage.code().to_owned(),
        stage_label: stage.label_for(Some(method)).to_owned(),
        method: method.code().to_owned(),
        method_label: method.label().to_owned(),
        versions: p.version.max(1) as usize,
        opened: p.opens_at.map(when),
        closes: p.closes_at.map(when),
        eligible: p.eligible_count,
        took_part: p.took_part_count,
        result: line(&p).result,
        tally,
        is_author: p.author_id == viewer.id,
        may_vote,
        my_choice,
        vote_key: crate::server::tokens::new_secret(),
        objections,
        outcome: p.outcome.clone(),
        review_on: p.review_on.map(|d| d.format("%-d %B %Y").to_string()),
        may_write_outcome: stage == Stage::Closed
            && (p.author_id == viewer.id
                // Under the advice process the author decides, and nobody else.
                || (advice.is_none()
                    && crate::server::services::membership::authorise(
                        db,
                        viewer.id,
                        crate::domain::membership::Action::WriteOutcome,
                        &s_model,
                    )
                    .await
                    .is_ok())),
        rule_change: crate::server::services::rules::change_line(db, &p).await?,
        kind: match (
            crate::domain::charter::DecisionKind::from_code(&p.kind),
            p.amount_pence,
        ) {
            (Some(k), Some(pence)) => {
                format!("{}: {}", k.label(), crate::domain::charter::pounds(pence))
            }
            (Some(k), None) => k.label().to_owned(),
            (None, _) => String::new(),
        },
        raised_in,
        overrides,
        overridden_by,
        comments: super::discussion::thread(db, viewer, p.id).await?,
        options,
        my_marks,
        advice,
        charter_change: crate::server::services::charter::change_of(db, p.id)
            .await?
            .map(|a| a.words()),
        suggested_close: {
            use chrono::{DurationRound, TimeDelta};
            let week = Utc::now() + chrono::Duration::days(7);
            crate::server::time::to_uk_input(
                week.duration_trunc(TimeDelta::hours(1)).unwrap_or(week),
            )
        },
        workshop: match p.workshop_id {
            Some(w) => crate::server::entities::workshop::Entity::find_by_id(w)
                .one(db)
                .await?
                .map(|w| (w.id, w.title)),
            None => None,
        },
        may_comment: super::discussion::may_comment(db, viewer, &p)
            .await
            .map_err(|e| e.to_string()),
    })
}
