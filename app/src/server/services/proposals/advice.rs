//! The advice process on the server: the people the author asks (by e-mail through the
//! outbox when the advice opens), the advice members give, the author's answer to each
//! piece, and ending the advice early once everyone asked has spoken. The author then
//! decides by writing the outcome ([`super::write_outcome`] checks every piece is answered).
use super::voting::{close, when};
use super::{by_id, space_of};
use crate::domain::advice::{AdviceSummary, summary};
use crate::domain::decision::Method;
use crate::domain::proposal::Stage;
use crate::error::AppError;
use crate::model::proposals::{AdviceLine, AdvicePanel, AdviserLine};
use crate::server::config::Config;
use crate::server::entities::{
    person, proposal, proposal_advice, proposal_adviser, proposal_elector,
};
use crate::server::services::mail::Mailer;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

pub const ADVICE_MAX: usize = 5_000;

fn is_advice(p: &proposal::Model) -> bool {
    p.method == Method::AdviceProcess.code()
}

fn not_advice() -> AppError {
    AppError::invalid(
        "advice",
        "This proposal is not decided by the advice process.",
    )
}

/// The people asked, in the order they were named.
pub(crate) async fn advisers(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Vec<proposal_adviser::Model>, AppError> {
    Ok(proposal_adviser::Entity::find()
        .filter(proposal_adviser::Column::ProposalId.eq(id))
        .all(db)
        .await?)
}

/// The advice given, oldest first.
pub(crate) async fn given(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Vec<proposal_advice::Model>, AppError> {
    Ok(proposal_advice::Entity::find()
        .filter(proposal_advice::Column::ProposalId.eq(id))
        .order_by_asc(proposal_advice::Column::Id)
        .all(db)
        .await?)
}

/// Who was asked, who gave advice, and what waits for the author's answer.
pub async fn summary_of(db: &impl ConnectionTrait, id: i64) -> Result<AdviceSummary, AppError> {
    let asked: Vec<i64> = advisers(db, id)
        .await?
        .iter()
        .map(|a| a.person_id)
        .collect();
    let advice: Vec<(i64, bool)> = given(db, id)
        .await?
        .iter()
        .map(|a| (a.person_id, a.answer.is_some()))
        .collect();
    Ok(summary(&asked, &advice))
}

/// The author asks someone for advice: a member of the commons (any region: an expert
/// need not be local) or of the project team, found by e-mail address or by their name
/// as the directory shows it. Before the advice opens they are asked when it does; while
/// it is open, at once.
pub async fn ask(
    db: &DatabaseConnection,
    mailer: &Mailer,
    config: &Config,
    who: &person::Model,
    id: i64,
    name_or_email: &str,
) -> Result<person::Model, AppError> {
    let p = by_id(db, id).await?;
    if p.author_id != who.id {
        return Err(AppError::Forbidden);
    }
    if !is_advice(&p) {
        return Err(not_advice());
    }
    let open = match Stage::from_code(&p.stage) {
        Some(Stage::Draft | Stage::Discussion) => false,
        Some(Stage::Voting) if p.closes_at.is_some_and(|c| Utc::now() < c) => true,
        _ => {
            return Err(AppError::invalid(
                "adviser",
                "The advice has closed: nobody more can be asked.",
            ));
        }
    };
    let wanted = name_or_email.trim();
    if wanted.is_empty() {
        return Err(AppError::invalid(
            "adviser",
            "Give the name or e-mail address of the person to ask.",
        ));
    }
    let found = if wanted.contains('@') {
        person::Entity::find()
            .filter(person::Column::Email.eq(wanted.to_lowercase()))
            .all(db)
            .await?
    } else {
        person::Entity::find()
            .filter(person::Column::Name.eq(wanted))
            .all(db)
            .await?
    };
    let mut members = vec![];
    for candidate in found {
        if crate::server::services::membership::require_member_or_team(db, candidate.id)
            .await
            .is_ok()
        {
            members.push(candidate);
        }
    }
    let adviser = match members.len() {
        0 => {
            return Err(AppError::invalid(
                "adviser",
                format!(
                    "No member of the commons is called “{wanted}”: check the spelling in the member directory, or give their e-mail address."
                ),
            ));
        }
        1 => members.remove(0),
        _ => {
            return Err(AppError::invalid(
                "adviser",
                format!(
                    "More than one member is called “{wanted}”: give the e-mail address of the one you mean."
                ),
            ));
        }
    };
    if adviser.id == who.id {
        return Err(AppError::invalid(
            "adviser",
            "You are the one deciding: ask other people for advice.",
        ));
    }
    let txn = crate::server::db::begin_write(db).await?;
    if proposal_adviser::Entity::find_by_id((id, adviser.id))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::invalid(
            "adviser",
            format!("You have asked {} already.", adviser.name),
        ));
    }
    proposal_adviser::ActiveModel {
        proposal_id: Set(id),
        person_id: Set(adviser.id),
        asked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    if open {
        tell_advisers(db, mailer, config, &p).await?;
    }
    Ok(adviser)
}

/// The author takes someone off the list, before the advice opens (after, they have been
/// asked, and stay asked).
pub async fn unask(
    db: &DatabaseConnection,
    who: &person::Model,
    id: i64,
    person_id: i64,
) -> Result<(), AppError> {
    let p = by_id(db, id).await?;
    if p.author_id != who.id {
        return Err(AppError::Forbidden);
    }
    if !Stage::from_code(&p.stage).is_some_and(Stage::editable) {
        return Err(AppError::invalid(
            "adviser",
            "The advice has opened: those asked stay asked.",
        ));
    }
    proposal_adviser::Entity::delete_many()
        .filter(proposal_adviser::Column::ProposalId.eq(id))
        .filter(proposal_adviser::Column::PersonId.eq(person_id))
        .exec(db)
        .await?;
    Ok(())
}

/// E-mail everyone named and not yet asked, through the outbox; how many were asked.
/// Each is claimed first, so two app servers never ask the same person twice.
pub async fn tell_advisers(
    db: &DatabaseConnection,
    mailer: &Mailer,
    config: &Config,
    p: &proposal::Model,
) -> Result<usize, AppError> {
    if p.stage != Stage::Voting.code() {
        return Ok(0);
    }
    let author = person::Entity::find_by_id(p.author_id)
        .one(db)
        .await?
        .map(|a| a.name)
        .unwrap_or_default();
    let closes = p.closes_at.map(when).unwrap_or_default();
    let mut told = 0;
    for a in advisers(db, p.id)
        .await?
        .into_iter()
        .filter(|a| a.asked_at.is_none())
    {
        let claimed = proposal_adviser::Entity::update_many()
            .col_expr(proposal_adviser::Column::AskedAt, Utc::now().into())
            .filter(proposal_adviser::Column::ProposalId.eq(p.id))
            .filter(proposal_adviser::Column::PersonId.eq(a.person_id))
            .filter(proposal_adviser::Column::AskedAt.is_null())
            .exec(db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let Some(adviser) = person::Entity::find_by_id(a.person_id).one(db).await? else {
            continue;
        };
        let subject = format!("{author} asks for your advice: {}", p.title);
        let body = format!(
            "{author} will decide this by the advice process, and asks for your advice before deciding: as someone it affects, or who knows about it.\n\n{}\n\nRead it and give your advice by {closes} (UK time): {}\n",
            p.title,
            config.link(&format!("/proposals/{}", p.id))
        );
        mailer.send(db, &adviser.email, &subject, &body).await?;
        told += 1;
    }
    Ok(told)
}

/// Whether `person_id` may give advice now: the advice is open, and they were asked or
/// were among the space's members when it opened (the author answers rather than advises).
pub(crate) async fn may_advise(
    db: &impl ConnectionTrait,
    p: &proposal::Model,
    person_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let refuse = |why: String| Err(AppError::invalid("advice", why));
    match (Stage::from_code(&p.stage), p.closes_at) {
        (Some(Stage::Voting), Some(closes)) if now < closes => {}
        (Some(Stage::Voting | Stage::Closed), Some(closes)) => {
            return refuse(format!("The advice closed at {}.", when(closes)));
        }
        _ => return refuse("The author has not asked for advice yet.".into()),
    }
    if p.author_id == person_id {
        return refuse("You asked for this advice: answer it, then decide.".into());
    }
    if proposal_adviser::Entity::find_by_id((p.id, person_id))
        .one(db)
        .await?
        .is_some()
        || proposal_elector::Entity::find_by_id((p.id, person_id))
            .one(db)
            .await?
            .is_some()
    {
        return Ok(());
    }
    let (s, _) = space_of(db, p).await?;
    refuse(format!(
        "Only the people asked and those who were members of {} when the advice opened can give advice on this.",
        s.name
    ))
}

/// Give advice (Markdown) while the advice is open. More than one piece is fine: each is
/// kept, and each gets its answer.
pub async fn give(
    db: &DatabaseConnection,
    who: &person::Model,
    id: i64,
    text: &str,
) -> Result<proposal_advice::Model, AppError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > ADVICE_MAX {
        return Err(AppError::invalid(
            "advice",
            format!("Write your advice (at most {ADVICE_MAX} characters)."),
        ));
    }
    let p = by_id(db, id).await?;
    if !is_advice(&p) {
        return Err(not_advice());
    }
    let now = Utc::now();
    may_advise(db, &p, who.id, now).await?;
    Ok(proposal_advice::ActiveModel {
        proposal_id: Set(id),
        person_id: Set(who.id),
        body: Set(text.to_owned()),
        given_at: Set(now),
        answer: Set(None),
        answered_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// The author answers a piece of advice (or improves the answer) until they decide.
pub async fn answer(
    db: &DatabaseConnection,
    who: &person::Model,
    id: i64,
    advice_id: i64,
    text: &str,
) -> Result<(), AppError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > ADVICE_MAX {
        return Err(AppError::invalid(
            "answer",
            format!("Write your answer (at most {ADVICE_MAX} characters)."),
        ));
    }
    let advice = proposal_advice::Entity::find_by_id(advice_id)
        .one(db)
        .await?
        .filter(|a| a.proposal_id == id)
        .ok_or_else(|| AppError::NotFound("There is no such advice.".into()))?;
    let p = by_id(db, id).await?;
    if p.author_id != who.id {
        return Err(AppError::Forbidden);
    }
    if p.outcome.is_some() {
        return Err(AppError::invalid(
            "answer",
            "You have decided: the answers are part of the decision now.",
        ));
    }
    let mut a: proposal_advice::ActiveModel = advice.into();
    a.answer = Set(Some(text.to_owned()));
    a.answered_at = Set(Some(Utc::now()));
    a.update(db).await?;
    Ok(())
}

/// The author ends the advice before its closing time, once everyone asked has given
/// advice; it closes as if its time had come.
pub async fn end_early(
    db: &DatabaseConnection,
    who: &person::Model,
    id: i64,
) -> Result<(), AppError> {
    let p = by_id(db, id).await?;
    if p.author_id != who.id {
        return Err(AppError::Forbidden);
    }
    if !is_advice(&p) {
        return Err(not_advice());
    }
    let now = Utc::now();
    if p.stage != Stage::Voting.code() || p.closes_at.is_none_or(|c| c <= now) {
        return Err(AppError::invalid("advice", "The advice is not open."));
    }
    summary_of(db, id)
        .await?
        .may_end_early()
        .map_err(|why| AppError::invalid("advice", why))?;
    proposal::Entity::update_many()
        .col_expr(proposal::Column::ClosesAt, now.into())
        .filter(proposal::Column::Id.eq(id))
        .filter(proposal::Column::Stage.eq(Stage::Voting.code()))
        .exec(db)
        .await?;
    close(db, id, now).await?;
    Ok(())
}

/// The advice as `viewer` sees it on the proposal's page.
pub(super) async fn panel(
    db: &impl ConnectionTrait,
    viewer: &person::Model,
    p: &proposal::Model,
) -> Result<AdvicePanel, AppError> {
    let asked = advisers(db, p.id).await?;
    let advice = given(db, p.id).await?;
    let people = crate::server::services::accounts::names(
        db,
        asked
            .iter()
            .map(|a| a.person_id)
            .chain(advice.iter().map(|a| a.person_id)),
    )
    .await?;
    let name = |id: i64| people.get(&id).cloned().unwrap_or_default();
    let s = summary(
        &asked.iter().map(|a| a.person_id).collect::<Vec<_>>(),
        &advice
            .iter()
            .map(|a| (a.person_id, a.answer.is_some()))
            .collect::<Vec<_>>(),
    );
    let author = p.author_id == viewer.id;
    let stage = Stage::from_code(&p.stage);
    let now = Utc::now();
    let open = stage == Some(Stage::Voting) && p.closes_at.is_some_and(|c| now < c);
    Ok(AdvicePanel {
        headline: s.headline(),
        advisers: asked
            .iter()
            .map(|a| AdviserLine {
                person_id: a.person_id,
                name: name(a.person_id),
                gave: advice.iter().any(|x| x.person_id == a.person_id),
            })
            .collect(),
        pieces: advice
            .into_iter()
            .map(|a| AdviceLine {
                id: a.id,
                by: name(a.person_id),
                body_html: crate::server::markdown::to_html(&a.body),
                at: when(a.given_at),
                answer: a.answer,
                mine: a.person_id == viewer.id,
            })
            .collect(),
        // The author answers rather than advises: nothing to tell them here.
        may_give: if author {
            Err(String::new())
        } else if stage.is_some_and(Stage::editable) {
            Err("The author has not asked for advice yet.".into())
        } else {
            may_advise(db, p, viewer.id, now)
                .await
                .map_err(|e| e.to_string())
        },
        may_ask: author && (stage.is_some_and(Stage::editable) || open),
        may_remove: author && stage.is_some_and(Stage::editable),
        may_answer: author && p.outcome.is_none() && !stage.is_some_and(Stage::editable),
        may_end_early: (author && open).then(|| s.may_end_early()),
        may_decide: s.may_decide(),
    })
}
