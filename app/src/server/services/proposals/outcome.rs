//! The outcome of a closed decision: a statement by its author or a steward of the
//! space, perhaps with a date to review it, and everyone who took part is told.
use super::{by_id, space_of};
use crate::domain::membership::Action;
use crate::domain::proposal::Stage;
use crate::error::AppError;
use crate::server::config::Config;
use crate::server::entities::{person, proposal, proposal_ballot, proposal_objection};
use crate::server::services::mail::Mailer;
use crate::server::services::membership;
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

pub const OUTCOME_MAX: usize = 5_000;

/// Everyone who took part: who voted, who objected, and (advice process) who was asked
/// and who gave advice.
pub async fn participants(
    db: &DatabaseConnection,
    id: i64,
) -> Result<Vec<person::Model>, AppError> {
    let mut ids: Vec<i64> = proposal_ballot::Entity::find()
        .filter(proposal_ballot::Column::ProposalId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|b| b.person_id)
        .collect();
    ids.extend(
        proposal_objection::Entity::find()
            .filter(proposal_objection::Column::ProposalId.eq(id))
            .all(db)
            .await?
            .into_iter()
            .map(|o| o.person_id),
    );
    ids.extend(
        super::advice::advisers(db, id)
            .await?
            .into_iter()
            .map(|a| a.person_id),
    );
    ids.extend(
        super::advice::given(db, id)
            .await?
            .into_iter()
            .map(|a| a.person_id),
    );
    ids.sort_unstable();
    ids.dedup();
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// Write (or correct) the outcome of a closed decision. The author may, and so may the
/// space's stewards and conveners. The first time, everyone who took part is e-mailed
/// (through the outbox, off the request path); a correction tells nobody again.
pub async fn write_outcome(
    db: &DatabaseConnection,
    mailer: &Mailer,
    config: &Config,
    who: &person::Model,
    id: i64,
    statement: &str,
    review_on: Option<NaiveDate>,
) -> Result<proposal::Model, AppError> {
    let p = by_id(db, id).await?;
    let advice = p.method == crate::domain::decision::Method::AdviceProcess.code();
    if p.author_id != who.id {
        // Under the advice process the author decides, and nobody else.
        if advice {
            return Err(AppError::Forbidden);
        }
        let (s, _) = space_of(db, &p).await?;
        membership::authorise(db, who.id, Action::WriteOutcome, &s).await?;
    }
    if p.stage != Stage::Closed.code() {
        return Err(AppError::invalid(
            "outcome",
            "The outcome is written once voting has closed.",
        ));
    }
    let statement = statement.trim();
    let mut v = crate::error::Validation::default();
    if statement.is_empty() || statement.chars().count() > OUTCOME_MAX {
        v.refuse(
            "outcome",
            format!(
                "Write what was decided and what happens next (at most {OUTCOME_MAX} characters)."
            ),
        );
    }
    if advice && p.outcome.is_none() {
        if let Err(why) = super::advice::summary_of(db, id).await?.may_decide() {
            v.refuse("outcome", why);
        }
    }
    if review_on.is_some_and(|d| d <= Utc::now().date_naive()) {
        v.refuse("review_on", "A review date is in the future.");
    }
    v.finish()?;
    let first = p.outcome.is_none();
    let mut a: proposal::ActiveModel = p.into();
    a.outcome = Set(Some(statement.to_owned()));
    a.outcome_by = Set(Some(who.id));
    a.review_on = Set(review_on);
    a.updated_at = Set(Utc::now());
    let p = a.update(db).await?;
    if first {
        let told = participants(db, id).await?;
        let subject = format!("Decided: {}", p.title);
        let body = format!(
            "The decision you took part in has closed, and its outcome is written.\n\n{}\n\n{}\n\nRead it: {}\n",
            p.title,
            statement,
            config.link(&format!("/proposals/{id}"))
        );
        let (db, mailer) = (db.clone(), mailer.clone());
        tokio::spawn(async move {
            for person in told {
                if let Err(e) = mailer.send(&db, &person.email, &subject, &body).await {
                    tracing::warn!(proposal = id, "could not queue an outcome e-mail: {e}");
                }
            }
        });
    }
    Ok(p)
}
