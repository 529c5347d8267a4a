//! Voting on a proposal: opening it (the electorate fixed then), ballots, consent's
//! objections, and closing on time, once.
use super::{by_id, electorate_now, space_of, voter};
use crate::domain::decision::{
    Ballot, MajorityRule, Method, ObjectionState, Share, Tally, Threshold, tally,
};
use crate::domain::proposal::{Electorate, Refusal, Stage};
use crate::error::AppError;
use crate::server::entities::{
    member_perspective, person, proposal, proposal_ballot, proposal_elector, proposal_objection,
    proposal_option,
};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};

/// The shortest and longest a vote may stay open.
pub const SHORTEST: Duration = Duration::hours(1);
pub const LONGEST: Duration = Duration::days(90);

/// "18:00 on 3 March", in UK time.
pub fn when(at: DateTime<Utc>) -> String {
    crate::server::time::when(at)
}

/// The author opens voting until `closes_at`: from now on the text is fixed, and the
/// people who may vote are the members the space is for today, each with the
/// perspectives their vote is counted under.
pub async fn open_voting(
    db: &DatabaseConnection,
    who: &person::Model,
    id: i64,
    closes_at: DateTime<Utc>,
) -> Result<proposal::Model, AppError> {
    let now = Utc::now();
    let txn = crate::server::db::begin_write(db).await?;
    let p = by_id(&txn, id).await?;
    if p.author_id != who.id {
        return Err(AppError::Forbidden);
    }
    if !Stage::from_code(&p.stage).is_some_and(Stage::editable) {
        return Err(AppError::invalid("closes_at", "Voting has opened already."));
    }
    if closes_at < now + SHORTEST || closes_at > now + LONGEST {
        return Err(AppError::invalid(
            "closes_at",
            "Close the vote between an hour and 90 days from now.",
        ));
    }
    if p.method == Method::AdviceProcess.code() {
        super::advice::summary_of(&txn, id)
            .await?
            .may_open()
            .map_err(|why| AppError::invalid("closes_at", why))?;
    }
    let (_, scope) = space_of(&txn, &p).await?;
    let electors = electorate_now(&txn, &p, &scope).await?;
    let perspectives = member_perspective::Entity::find()
        .filter(member_perspective::Column::PersonId.is_in(electors.clone()))
        .all(&txn)
        .await?;
    for person_id in &electors {
        let held: Vec<&str> = perspectives
            .iter()
            .filter(|m| m.person_id == *person_id)
            .map(|m| m.perspective.as_str())
            .collect();
        proposal_elector::ActiveModel {
            proposal_id: Set(id),
            person_id: Set(*person_id),
            perspectives: Set(held.join(",")),
        }
        .insert(&txn)
        .await?;
    }
    let mut a: proposal::ActiveModel = p.into();
    a.stage = Set(Stage::Voting.code().to_owned());
    a.opens_at = Set(Some(now));
    a.closes_at = Set(Some(closes_at));
    a.eligible_count = Set(Some(electors.len() as i32));
    a.updated_at = Set(now);
    let p = a.update(&txn).await?;
    txn.commit().await?;
    Ok(p)
}

/// The proposal as it stands for a voter now: open, or why not.
pub(super) async fn open_for(
    db: &impl ConnectionTrait,
    p: &proposal::Model,
    person_id: i64,
    now: DateTime<Utc>,
) -> Result<proposal_elector::Model, AppError> {
    let refuse = |why: String| Err(AppError::invalid("vote", why));
    match (Stage::from_code(&p.stage), p.closes_at) {
        (Some(Stage::Voting), Some(closes)) if now < closes => {}
        (Some(Stage::Voting | Stage::Closed), Some(closes)) => {
            return refuse(format!("This vote closed at {}.", when(closes)));
        }
        _ => return refuse("Voting has not opened on this proposal yet.".into()),
    }
    if let Some(elector) = proposal_elector::Entity::find_by_id((p.id, person_id))
        .one(db)
        .await?
    {
        return Ok(elector);
    }
    // Not among those who could vote when it opened: say why, in their terms.
    let (s, scope) = space_of(db, p).await?;
    let named = if p.named_only {
        Some(
            crate::server::entities::proposal_named::Entity::find()
                .filter(crate::server::entities::proposal_named::Column::ProposalId.eq(p.id))
                .all(db)
                .await?
                .into_iter()
                .map(|n| n.person_id)
                .collect::<Vec<_>>(),
        )
    } else {
        None
    };
    let electorate = Electorate {
        space: &scope,
        space_name: &s.name,
        named: named.as_deref(),
    };
    match electorate.admits(&voter(db, person_id).await?) {
        Err(Refusal(why)) => refuse(why),
        Ok(()) => refuse(format!(
            "Voting opened at {}; only those who were members of {} then can vote on this.",
            p.opens_at.map(when).unwrap_or_default(),
            s.name
        )),
    }
}

/// Cast or change a ballot while voting is open. `client_key` is the device's key for
/// this ballot: the same ballot sent twice counts once.
pub async fn vote(
    db: &DatabaseConnection,
    who: &person::Model,
    id: i64,
    ballot: &Ballot,
    client_key: &str,
) -> Result<(), AppError> {
    let now = Utc::now();
    if client_key.is_empty() || client_key.len() > 64 {
        return Err(AppError::invalid(
            "vote",
            "The vote could not be read; please try again.",
        ));
    }
    let txn = crate::server::db::begin_write(db).await?;
    let p = by_id(&txn, id).await?;
    let elector = open_for(&txn, &p, who.id, now).await?;
    let method = Method::from_code(&p.method).ok_or(AppError::Internal)?;
    if method == Method::Consent && standing_objection(&txn, id, who.id).await?.is_some() {
        return Err(AppError::invalid(
            "vote",
            "Your objection still stands: withdraw it first if you now consent.",
        ));
    }
    let options = proposal_option::Entity::find()
        .filter(proposal_option::Column::ProposalId.eq(id))
        .count(&txn)
        .await? as usize;
    ballot
        .check(method, options)
        .map_err(|why| AppError::invalid("vote", why))?;
    let choice = serde_json::to_string(ballot).map_err(|_| AppError::Internal)?;
    let existing = proposal_ballot::Entity::find()
        .filter(proposal_ballot::Column::ProposalId.eq(id))
        .filter(proposal_ballot::Column::PersonId.eq(who.id))
        .one(&txn)
        .await?;
    match existing {
        // Sent again (a retry after a lost answer): already counted.
        Some(b) if b.client_key == client_key => {}
        Some(b) => {
            let mut a: proposal_ballot::ActiveModel = b.into();
            a.choice = Set(choice);
            a.client_key = Set(client_key.to_owned());
            a.updated_at = Set(now);
            a.update(&txn).await?;
        }
        None => {
            proposal_ballot::ActiveModel {
                proposal_id: Set(id),
                person_id: Set(who.id),
                choice: Set(choice),
                perspectives: Set(elector.perspectives),
                client_key: Set(client_key.to_owned()),
                cast_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Object under consent, with a reason; it stands until the objector withdraws it.
pub async fn object(
    db: &DatabaseConnection,
    who: &person::Model,
    id: i64,
    reason: &str,
) -> Result<proposal_objection::Model, AppError> {
    let now = Utc::now();
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 5_000 {
        return Err(AppError::invalid(
            "reason",
            "An objection needs its reason (at most 5000 characters).",
        ));
    }
    let txn = crate::server::db::begin_write(db).await?;
    let p = by_id(&txn, id).await?;
    open_for(&txn, &p, who.id, now).await?;
    if p.method != Method::Consent.code() {
        return Err(AppError::invalid(
            "reason",
            "Objections are for decisions by consent.",
        ));
    }
    // An objection replaces their consent.
    proposal_ballot::Entity::delete_many()
        .filter(proposal_ballot::Column::ProposalId.eq(id))
        .filter(proposal_ballot::Column::PersonId.eq(who.id))
        .exec(&txn)
        .await?;
    let o = proposal_objection::ActiveModel {
        proposal_id: Set(id),
        person_id: Set(who.id),
        reason: Set(reason.to_owned()),
        answer: Set(None),
        answered_at: Set(None),
        state: Set(objection_code(ObjectionState::Raised).to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(o)
}

pub fn objection_code(state: ObjectionState) -> &'static str {
    match state {
        ObjectionState::Raised => "raised",
        ObjectionState::Answered => "answered",
        ObjectionState::Kept => "kept",
        ObjectionState::Withdrawn => "withdrawn",
    }
}

pub fn objection_state(code: &str) -> Option<ObjectionState> {
    [
        ObjectionState::Raised,
        ObjectionState::Answered,
        ObjectionState::Kept,
        ObjectionState::Withdrawn,
    ]
    .into_iter()
    .find(|s| objection_code(*s) == code)
}

/// The tally of the ballots as they stand, with how many took part.
pub async fn tally_of(
    db: &impl ConnectionTrait,
    p: &proposal::Model,
) -> Result<(Tally, u64), AppError> {
    let method = Method::from_code(&p.method).ok_or(AppError::Internal)?;
    let options = proposal_option::Entity::find()
        .filter(proposal_option::Column::ProposalId.eq(p.id))
        .count(db)
        .await? as usize;
    let rows = proposal_ballot::Entity::find()
        .filter(proposal_ballot::Column::ProposalId.eq(p.id))
        .all(db)
        .await?;
    let mut voters: Vec<i64> = rows.iter().map(|b| b.person_id).collect();
    let ballots: Vec<Ballot> = rows
        .iter()
        .map(|b| serde_json::from_str(&b.choice).map_err(|_| AppError::Internal))
        .collect::<Result<_, _>>()?;
    let objections = proposal_objection::Entity::find()
        .filter(proposal_objection::Column::ProposalId.eq(p.id))
        .all(db)
        .await?;
    voters.extend(objections.iter().map(|o| o.person_id));
    if method == Method::AdviceProcess {
        // Those who took part are those who gave advice.
        voters.extend(
            super::advice::given(db, p.id)
                .await?
                .iter()
                .map(|a| a.person_id),
        );
    }
    voters.sort_unstable();
    voters.dedup();
    let states: Vec<ObjectionState> = objections
        .iter()
        .filter_map(|o| objection_state(&o.state))
        .collect();
    let percent = |n: i16| Share::new(n.clamp(0, 100) as u32, 100).ok_or(AppError::Internal);
    let threshold = percent(p.threshold_percent)?;
    let rule = MajorityRule {
        quorum: percent(p.quorum_percent)?,
        threshold: if p.threshold_at_least {
            Threshold::AtLeast(threshold)
        } else {
            Threshold::MoreThan(threshold)
        },
    };
    let eligible = p.eligible_count.unwrap_or(0).max(0) as u64;
    Ok((
        tally(method, rule, eligible, options, &ballots, &states),
        voters.len() as u64,
    ))
}

/// Close every vote whose time has come; the ids this call closed. Safe with several app
/// servers: each proposal is closed by exactly one of them (the update only applies
/// while it is still open).
pub async fn close_due(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Vec<i64>, AppError> {
    let due = proposal::Entity::find()
        .filter(proposal::Column::Stage.eq(Stage::Voting.code()))
        .filter(proposal::Column::ClosesAt.lte(now))
        .all(db)
        .await?;
    let mut closed = vec![];
    for p in due {
        if close(db, p.id, now).await? {
            closed.push(p.id);
        }
    }
    Ok(closed)
}

/// Close one vote if it is still open and due; whether this call closed it.
pub(super) async fn close(
    db: &DatabaseConnection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let p = by_id(&txn, id).await?;
    if p.stage != Stage::Voting.code() || p.closes_at.is_none_or(|c| c > now) {
        return Ok(false);
    }
    let (tally, took_part) = tally_of(&txn, &p).await?;
    let done = proposal::Entity::update_many()
        .col_expr(proposal::Column::Stage, Stage::Closed.code().into())
        .col_expr(proposal::Column::ClosedAt, now.into())
        .col_expr(proposal::Column::Result, tally.verdict().code().into())
        .col_expr(proposal::Column::TookPartCount, (took_part as i32).into())
        .col_expr(proposal::Column::UpdatedAt, now.into())
        .filter(proposal::Column::Id.eq(id))
        .filter(proposal::Column::Stage.eq(Stage::Voting.code()))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Ok(false);
    }
    // A passed proposal's change to the rule book takes effect at once, with the close.
    if tally.verdict() == crate::domain::decision::Verdict::Passed {
        crate::server::services::rules::apply_passed(&txn, &p, now).await?;
        crate::server::services::charter::apply_passed(&txn, &p).await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// This person's objection that still stands, if any.
async fn standing_objection(
    db: &impl ConnectionTrait,
    id: i64,
    person_id: i64,
) -> Result<Option<proposal_objection::Model>, AppError> {
    Ok(proposal_objection::Entity::find()
        .filter(proposal_objection::Column::ProposalId.eq(id))
        .filter(proposal_objection::Column::PersonId.eq(person_id))
        .filter(proposal_objection::Column::State.ne(objection_code(ObjectionState::Withdrawn)))
        .one(db)
        .await?)
}

/// An objection and its proposal, while voting is open.
async fn objection_open(
    db: &impl ConnectionTrait,
    objection_id: i64,
) -> Result<(proposal_objection::Model, proposal::Model), AppError> {
    let o = proposal_objection::Entity::find_by_id(objection_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such objection.".into()))?;
    let p = by_id(db, o.proposal_id).await?;
    match (Stage::from_code(&p.stage), p.closes_at) {
        (Some(Stage::Voting), Some(closes)) if Utc::now() < closes => Ok((o, p)),
        (_, Some(closes)) => Err(AppError::invalid(
            "objection",
            format!("This vote closed at {}.", when(closes)),
        )),
        _ => Err(AppError::invalid("objection", "Voting has not opened yet.")),
    }
}

/// The author answers an objection; the proposal it belongs to.
pub async fn answer(
    db: &DatabaseConnection,
    who: &person::Model,
    objection_id: i64,
    text: &str,
) -> Result<i64, AppError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 5_000 {
        return Err(AppError::invalid(
            "answer",
            "Write your answer (at most 5000 characters).",
        ));
    }
    let txn = crate::server::db::begin_write(db).await?;
    let (o, p) = objection_open(&txn, objection_id).await?;
    if p.author_id != who.id {
        return Err(AppError::Forbidden);
    }
    if o.state == objection_code(ObjectionState::Withdrawn) {
        return Err(AppError::invalid("answer", "This objection was withdrawn."));
    }
    let now = Utc::now();
    let mut a: proposal_objection::ActiveModel = o.into();
    a.answer = Set(Some(text.to_owned()));
    a.answered_at = Set(Some(now));
    a.state = Set(objection_code(ObjectionState::Answered).to_owned());
    a.updated_at = Set(now);
    a.update(&txn).await?;
    txn.commit().await?;
    Ok(p.id)
}

/// The objector withdraws their objection (`withdraw`) or keeps it after the answer; the
/// proposal it belongs to.
pub async fn settle_objection(
    db: &DatabaseConnection,
    who: &person::Model,
    objection_id: i64,
    withdraw: bool,
) -> Result<i64, AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let (o, p) = objection_open(&txn, objection_id).await?;
    if o.person_id != who.id {
        return Err(AppError::Forbidden);
    }
    let state = if withdraw {
        ObjectionState::Withdrawn
    } else {
        ObjectionState::Kept
    };
    let mut a: proposal_objection::ActiveModel = o.into();
    a.state = Set(objection_code(state).to_owned());
    a.updated_at = Set(Utc::now());
    a.update(&txn).await?;
    txn.commit().await?;
    Ok(p.id)
}

/// How often each app server looks for votes to close.
pub const CLOSE_EVERY: std::time::Duration = std::time::Duration::from_secs(20);

/// How long before a vote closes those who may vote and have not are reminded.
pub const REMIND_BEFORE: chrono::Duration = chrono::Duration::hours(24);

/// Remind, once, everyone who may vote and has not of every vote closing within a day:
/// by e-mail through the outbox, never to someone who has voted. Safe with several app
/// servers: each proposal's reminder is claimed by exactly one of them. The ids reminded.
pub async fn remind_due(
    db: &DatabaseConnection,
    mailer: &crate::server::services::mail::Mailer,
    config: &crate::server::config::Config,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, AppError> {
    use crate::server::entities::{person, proposal_elector};
    let due = proposal::Entity::find()
        .filter(proposal::Column::Stage.eq(Stage::Voting.code()))
        .filter(proposal::Column::ClosesAt.gt(now))
        .filter(proposal::Column::ClosesAt.lte(now + REMIND_BEFORE))
        .filter(proposal::Column::ReminderSentAt.is_null())
        .all(db)
        .await?;
    let mut reminded = vec![];
    for p in due {
        let claimed = proposal::Entity::update_many()
            .col_expr(proposal::Column::ReminderSentAt, now.into())
            .filter(proposal::Column::Id.eq(p.id))
            .filter(proposal::Column::ReminderSentAt.is_null())
            .exec(db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let advice = p.method == Method::AdviceProcess.code();
        let (done, asked): (Vec<i64>, Vec<i64>) = if advice {
            // Under the advice process, those asked who have not given advice yet.
            (
                super::advice::given(db, p.id)
                    .await?
                    .into_iter()
                    .map(|a| a.person_id)
                    .collect(),
                super::advice::advisers(db, p.id)
                    .await?
                    .into_iter()
                    .map(|a| a.person_id)
                    .collect(),
            )
        } else {
            (
                proposal_ballot::Entity::find()
                    .filter(proposal_ballot::Column::ProposalId.eq(p.id))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|b| b.person_id)
                    .collect(),
                proposal_elector::Entity::find()
                    .filter(proposal_elector::Column::ProposalId.eq(p.id))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|e| e.person_id)
                    .collect(),
            )
        };
        let waiting: Vec<i64> = asked.into_iter().filter(|id| !done.contains(id)).collect();
        let people = person::Entity::find()
            .filter(person::Column::Id.is_in(waiting))
            .all(db)
            .await?;
        let closes = p.closes_at.map(when).unwrap_or_default();
        let link = config.link(&format!("/proposals/{}", p.id));
        let (subject, body) = if advice {
            (
                format!("Your advice: {} closes {closes}", p.title),
                format!(
                    "You were asked for your advice on this proposal and have not given it yet. The advice closes at {closes} (UK time).\n\n{}\n\nRead it and give your advice: {link}\n",
                    p.title
                ),
            )
        } else {
            (
                format!("Your vote: {} closes {closes}", p.title),
                format!(
                    "You may vote on this proposal and have not yet. Voting closes at {closes} (UK time).\n\n{}\n\nRead it and vote: {link}\n",
                    p.title
                ),
            )
        };
        for person in people {
            mailer.send(db, &person.email, &subject, &body).await?;
        }
        reminded.push(p.id);
    }
    Ok(reminded)
}

/// Close votes on time whether or not anyone visits, and remind those who have not voted
/// a day before: run on every app server (each vote is closed, and each reminder sent, by
/// exactly one of them).
pub async fn keep_closing(
    db: DatabaseConnection,
    mailer: crate::server::services::mail::Mailer,
    config: std::sync::Arc<crate::server::config::Config>,
    live: crate::server::live::Live,
) {
    let mut timer = tokio::time::interval(CLOSE_EVERY);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        timer.tick().await;
        match close_due(&db, Utc::now()).await {
            Ok(closed) if !closed.is_empty() => {
                tracing::info!(?closed, "votes closed");
                // Screens showing a live tally say it has closed.
                for id in closed {
                    live.proposal_changed(&db, id).await;
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("closing votes failed: {e}"),
        }
        match remind_due(&db, &mailer, &config, Utc::now()).await {
            Ok(reminded) if !reminded.is_empty() => tracing::info!(?reminded, "voters reminded"),
            Ok(_) => {}
            Err(e) => tracing::warn!("reminding voters failed: {e}"),
        }
    }
}
