//! Trials of a change in a space: started and learned from in PDSA cycles by the members
//! who may keep the space's measures; ended — adopted, adapted or abandoned, with what was
//! learned — by whoever started it or the space's conveners and stewards. Each cycle is
//! marked on the run or SPC chart of the trial's measures. Read by every member.
use crate::domain::membership::Action;
use crate::domain::trial::{TRIAL_TEXT_MAX, TRIAL_TITLE_MAX, TrialStatus, cycle_note, review_due};
use crate::error::{AppError, Validation};
use crate::model::trials::{CycleView, SpaceTrials, TrialLine, TrialPage};
use crate::server::entities::{measure, pdsa_cycle, space, trial, trial_measure};
use crate::server::services::{accounts, membership, rules};
use crate::server::time;
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

/// A day as typed into a date field ("2027-03-01").
fn parse_day(raw: &str) -> Result<NaiveDate, ()> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| ())
}

fn status_of(t: &trial::Model) -> TrialStatus {
    TrialStatus::from_code(&t.status).unwrap_or(TrialStatus::Running)
}

async fn trial_and_space(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<(trial::Model, space::Model), AppError> {
    let not_found = || AppError::NotFound("There is no such trial.".into());
    let t = trial::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let s = space::Entity::find_by_id(t.space_id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    Ok((t, s))
}

async fn space_measures(
    db: &impl ConnectionTrait,
    space_id: i64,
) -> Result<Vec<(i64, String)>, AppError> {
    Ok(measure::Entity::find()
        .filter(measure::Column::SpaceId.eq(space_id))
        .order_by_asc(measure::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect())
}

/// A space's trials, for any member of the community.
pub async fn space_trials(
    db: &DatabaseConnection,
    viewer_id: i64,
    slug: &str,
) -> Result<SpaceTrials, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let s = rules::space_by_slug(db, slug).await?;
    let today = Utc::now().date_naive();
    let trials = trial::Entity::find()
        .filter(trial::Column::SpaceId.eq(s.id))
        .order_by_desc(trial::Column::StartedAt)
        .all(db)
        .await?;
    let cycles = pdsa_cycle::Entity::find()
        .filter(pdsa_cycle::Column::TrialId.is_in(trials.iter().map(|t| t.id)))
        .all(db)
        .await?;
    Ok(SpaceTrials {
        space_slug: s.slug.clone(),
        space_name: s.name.clone(),
        trials: trials
            .iter()
            .map(|t| TrialLine {
                id: t.id,
                title: t.title.clone(),
                status: status_of(t).label().to_owned(),
                review_on: time::day(t.review_on),
                review_due: review_due(status_of(t), t.review_on, today),
                cycles: cycles.iter().filter(|c| c.trial_id == t.id).count(),
            })
            .collect(),
        may_start: membership::may(db, viewer_id, Action::KeepMeasure, &s).await?,
        measures: space_measures(db, s.id).await?,
    })
}

pub struct TrialForm {
    pub title: String,
    pub aim: String,
    pub change: String,
    pub review_on: String,
    /// Ids of the space's measures, as sent.
    pub measures: Vec<String>,
}

/// Start a trial in the space `slug`.
pub async fn start(
    db: &DatabaseConnection,
    actor_id: i64,
    slug: &str,
    f: &TrialForm,
) -> Result<trial::Model, AppError> {
    let s = rules::space_by_slug(db, slug).await?;
    membership::authorise(db, actor_id, Action::KeepMeasure, &s).await?;
    let mut v = Validation::default();
    let title = f.title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        v.refuse("title", "Name the trial.");
    } else if title.chars().count() > TRIAL_TITLE_MAX {
        v.refuse(
            "title",
            format!("Keep the name to {TRIAL_TITLE_MAX} characters."),
        );
    }
    let aim = v.text(
        "aim",
        &f.aim,
        TRIAL_TEXT_MAX,
        "Say what the trial aims to improve.",
    );
    let change = v.text(
        "change",
        &f.change,
        TRIAL_TEXT_MAX,
        "Say what is being changed.",
    );
    let review_on = v.take(
        parse_day(&f.review_on)
            .map_err(|_| AppError::invalid("review_on", "Give the review date, like 2027-03-01.")),
    );
    let theirs = space_measures(db, s.id).await?;
    let mut measures = vec![];
    for m in &f.measures {
        match m.trim().parse::<i64>() {
            Ok(id) if theirs.iter().any(|(t, _)| *t == id) => measures.push(id),
            _ => v.refuse("measures", "Choose the space's own measures from the list."),
        }
    }
    measures.sort();
    measures.dedup();
    v.finish()?;
    let txn = crate::server::db::begin_write(db).await?;
    let t = trial::ActiveModel {
        space_id: Set(s.id),
        title: Set(title),
        aim: Set(aim),
        change: Set(change),
        review_on: Set(review_on),
        status: Set(TrialStatus::Running.code().to_owned()),
        learned: Set(None),
        started_by: Set(actor_id),
        started_at: Set(Utc::now()),
        concluded_by: Set(None),
        concluded_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for m in measures {
        trial_measure::ActiveModel {
            trial_id: Set(t.id),
            measure_id: Set(m),
        }
        .insert(&txn)
        .await?;
    }
    crate::server::services::audit::in_space(
        &txn,
        actor_id,
        s.id,
        crate::domain::audit::AuditAction::TrialStarted,
        format!("The trial “{}” was started", t.title),
    )
    .await?;
    txn.commit().await?;
    Ok(t)
}

async fn may_conclude(
    db: &impl ConnectionTrait,
    viewer_id: i64,
    t: &trial::Model,
    s: &space::Model,
) -> Result<bool, AppError> {
    Ok(status_of(t).is_running()
        && (t.started_by == viewer_id
            || membership::may(db, viewer_id, Action::RunMeeting, s).await?))
}

/// A trial with its cycles and measures, for any member of the community.
pub async fn page(db: &DatabaseConnection, viewer_id: i64, id: i64) -> Result<TrialPage, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let (t, s) = trial_and_space(db, id).await?;
    let cycles = pdsa_cycle::Entity::find()
        .filter(pdsa_cycle::Column::TrialId.eq(t.id))
        .order_by_asc(pdsa_cycle::Column::Number)
        .all(db)
        .await?;
    let linked: Vec<i64> = trial_measure::Entity::find()
        .filter(trial_measure::Column::TrialId.eq(t.id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.measure_id)
        .collect();
    let measures = measure::Entity::find()
        .filter(measure::Column::Id.is_in(linked))
        .order_by_asc(measure::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let names = accounts::names(
        db,
        cycles.iter().map(|c| c.recorded_by).chain([t.started_by]),
    )
    .await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let status = status_of(&t);
    Ok(TrialPage {
        id: t.id,
        space_slug: s.slug.clone(),
        space_name: s.name.clone(),
        title: t.title.clone(),
        aim: t.aim.clone(),
        change: t.change.clone(),
        review_on: time::day(t.review_on),
        review_due: review_due(status, t.review_on, Utc::now().date_naive()),
        running: status.is_running(),
        status: status.label().to_owned(),
        learned: t.learned.clone(),
        started_by: name(t.started_by),
        measures,
        cycles: cycles
            .iter()
            .map(|c| CycleView {
                number: c.number,
                started_on: time::day(c.started_on),
                plan: c.plan.clone(),
                done_what: c.done_what.clone(),
                study: c.study.clone(),
                act: c.act.clone(),
                recorded_by: name(c.recorded_by),
            })
            .collect(),
        may_record: status.is_running()
            && membership::may(db, viewer_id, Action::KeepMeasure, &s).await?,
        may_conclude: may_conclude(db, viewer_id, &t, &s).await?,
        endings: TrialStatus::ENDINGS
            .iter()
            .map(|e| (e.code().to_owned(), e.label().to_owned()))
            .collect(),
    })
}

pub struct CycleForm {
    pub started_on: String,
    pub plan: String,
    pub done_what: String,
    pub study: String,
    pub act: String,
}

/// Record a PDSA cycle of a running trial: numbered after the last.
pub async fn add_cycle(
    db: &DatabaseConnection,
    actor_id: i64,
    trial_id: i64,
    f: &CycleForm,
) -> Result<i32, AppError> {
    let (t, s) = trial_and_space(db, trial_id).await?;
    membership::authorise(db, actor_id, Action::KeepMeasure, &s).await?;
    if !status_of(&t).is_running() {
        return Err(AppError::conflict(
            "trial",
            "The trial has ended: it takes no more cycles.",
        ));
    }
    let mut v = Validation::default();
    let started_on = v.take(parse_day(&f.started_on).map_err(|_| {
        AppError::invalid(
            "started_on",
            "Give the day the cycle began, like 2027-01-10.",
        )
    }));
    let plan = v.text(
        "plan",
        &f.plan,
        TRIAL_TEXT_MAX,
        "Say what was planned, and what you predicted.",
    );
    // A cycle may be recorded as it goes: what was done, found and decided can follow.
    let optional = |v: &mut Validation, field: &str, value: &str| {
        let value = value.trim();
        if value.chars().count() > TRIAL_TEXT_MAX {
            v.refuse(field, format!("Keep it to {TRIAL_TEXT_MAX} characters."));
        }
        value.to_owned()
    };
    let done_what = optional(&mut v, "done_what", &f.done_what);
    let study = optional(&mut v, "study", &f.study);
    let act = optional(&mut v, "act", &f.act);
    v.finish()?;
    let txn = crate::server::db::begin_write(db).await?;
    let number = pdsa_cycle::Entity::find()
        .filter(pdsa_cycle::Column::TrialId.eq(t.id))
        .order_by_desc(pdsa_cycle::Column::Number)
        .one(&txn)
        .await?
        .map_or(0, |c| c.number)
        + 1;
    pdsa_cycle::ActiveModel {
        trial_id: Set(t.id),
        number: Set(number),
        started_on: Set(started_on),
        plan: Set(plan),
        done_what: Set(done_what),
        study: Set(study),
        act: Set(act),
        recorded_by: Set(actor_id),
        recorded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(number)
}

/// End a running trial — adopted, adapted or abandoned — with what was learned: whoever
/// started it, or the space's conveners and stewards.
pub async fn conclude(
    db: &DatabaseConnection,
    actor_id: i64,
    trial_id: i64,
    ending: &str,
    learned: &str,
) -> Result<(), AppError> {
    let (t, s) = trial_and_space(db, trial_id).await?;
    membership::require_member_or_team(db, actor_id).await?;
    if !status_of(&t).is_running() {
        return Err(AppError::conflict("trial", "The trial has already ended."));
    }
    if !may_conclude(db, actor_id, &t, &s).await? {
        return Err(AppError::Forbidden);
    }
    let mut v = Validation::default();
    let ending = TrialStatus::from_code(ending).filter(|e| !e.is_running());
    if ending.is_none() {
        v.refuse("ending", "Choose adopt, adapt or abandon.");
    }
    let learned = v.text(
        "learned",
        learned,
        TRIAL_TEXT_MAX,
        "Say what was learned: it is what the library keeps.",
    );
    v.finish()?;
    let ending = ending.unwrap_or_default();
    let summary = format!(
        "The trial “{}” ended: {}",
        t.title,
        ending.label().to_lowercase()
    );
    let mut a: trial::ActiveModel = t.into();
    a.status = Set(ending.code().to_owned());
    a.learned = Set(Some(learned));
    a.concluded_by = Set(Some(actor_id));
    a.concluded_at = Set(Some(Utc::now()));
    let txn = crate::server::db::begin_write(db).await?;
    a.update(&txn).await?;
    crate::server::services::audit::in_space(
        &txn,
        actor_id,
        s.id,
        crate::domain::audit::AuditAction::TrialEnded,
        summary,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The PDSA cycles of every trial read by `measure_id`, as marks for its chart: the day
/// each began and how it is named.
pub async fn cycles_on_measure(
    db: &impl ConnectionTrait,
    measure_id: i64,
) -> Result<Vec<(NaiveDate, String)>, AppError> {
    let trial_ids: Vec<i64> = trial_measure::Entity::find()
        .filter(trial_measure::Column::MeasureId.eq(measure_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.trial_id)
        .collect();
    if trial_ids.is_empty() {
        return Ok(vec![]);
    }
    let trials = trial::Entity::find()
        .filter(trial::Column::Id.is_in(trial_ids.clone()))
        .all(db)
        .await?;
    Ok(pdsa_cycle::Entity::find()
        .filter(pdsa_cycle::Column::TrialId.is_in(trial_ids))
        .order_by_asc(pdsa_cycle::Column::StartedOn)
        .all(db)
        .await?
        .into_iter()
        .map(|c| {
            let title = trials
                .iter()
                .find(|t| t.id == c.trial_id)
                .map_or("", |t| t.title.as_str());
            (c.started_on, cycle_note(c.number, title, &c.plan))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::services::{demo, measures};
    use crate::server::testing::for_each_database;
    use sea_orm::PaginatorTrait;

    async fn id_of(db: &DatabaseConnection, email: &str) -> i64 {
        accounts::find_by_email(db, email)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// How many lines of the audit log say `action`.
    async fn audited(db: &DatabaseConnection, action: crate::domain::audit::AuditAction) -> u64 {
        use sea_orm::PaginatorTrait;
        crate::server::entities::audit_log::Entity::find()
            .filter(crate::server::entities::audit_log::Column::Action.eq(action.code()))
            .count(db)
            .await
            .unwrap()
    }

    fn fields(e: AppError) -> Vec<String> {
        match e {
            AppError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    async fn a_measure(db: &DatabaseConnection, by: i64, slug: &str, name: &str) -> i64 {
        measures::define(
            db,
            by,
            slug,
            &measures::MeasureForm {
                name: name.into(),
                unit: "people".into(),
                better: "up".into(),
                target: String::new(),
                grain: "month".into(),
                chart: "run".into(),
            },
        )
        .await
        .unwrap()
        .id
    }

    fn cycle(on: &str, plan: &str) -> CycleForm {
        CycleForm {
            started_on: on.into(),
            plan: plan.into(),
            done_what: "Held two.".into(),
            study: "More patients came.".into(),
            act: "Keep going.".into(),
        }
    }

    #[tokio::test]
    async fn a_trial_learns_in_cycles_marked_on_its_measures_and_ends_with_what_was_learned() {
        for_each_database(async |db| {
            demo::seed_if_empty(&db).await.unwrap();
            let sam = id_of(&db, "sam@demo.q-commons.org").await;
            let hein = id_of(&db, "hein@demo.q-commons.org").await;
            let helen = id_of(&db, "helen@demo.q-commons.org").await;
            let stranger = accounts::register(
                &db,
                "Stranger",
                "stranger@example.org",
                "long enough secret",
            )
            .await
            .unwrap()
            .id;
            let came = a_measure(&db, sam, "west-of-england", "Patients at workshops").await;
            let elsewhere = a_measure(&db, helen, "south-west", "Carers at workshops").await;
            measures::add_points(
                &db,
                sam,
                came,
                "2026-01, 4\n2026-02, 5\n2026-03, 9\n2026-04, 10",
            )
            .await
            .unwrap();

            let form = |measures: Vec<i64>| TrialForm {
                title: "Evening workshops".into(),
                aim: "More patients and carers at workshops.".into(),
                change: "Hold workshops at 18:00 with travel paid.".into(),
                review_on: "2027-03-01".into(),
                measures: measures.iter().map(|m| m.to_string()).collect(),
            };
            // Bad input is refused field by field, and nothing is stored.
            let bad = TrialForm {
                title: " ".into(),
                aim: String::new(),
                change: String::new(),
                review_on: "soon".into(),
                measures: vec!["x".into()],
            };
            let refused = fields(start(&db, sam, "west-of-england", &bad).await.unwrap_err());
            for f in ["title", "aim", "change", "review_on", "measures"] {
                assert!(refused.contains(&f.to_owned()), "{f} in {refused:?}");
            }
            assert_eq!(
                fields(
                    start(&db, sam, "west-of-england", &form(vec![elsewhere]))
                        .await
                        .unwrap_err()
                ),
                vec!["measures"],
                "another space's measure"
            );
            assert_eq!(trial::Entity::find().count(&db).await.unwrap(), 0);
            assert_eq!(
                start(&db, helen, "west-of-england", &form(vec![came]))
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            let t = start(&db, sam, "west-of-england", &form(vec![came, came]))
                .await
                .unwrap();

            // Two cycles, numbered in turn; only the space's members record them.
            assert_eq!(
                fields(
                    add_cycle(&db, sam, t.id, &cycle("", " "))
                        .await
                        .unwrap_err()
                ),
                vec!["started_on", "plan"]
            );
            assert_eq!(
                add_cycle(&db, sam, t.id, &cycle("2026-02-10", "One evening a month")).await,
                Ok(1)
            );
            assert_eq!(
                add_cycle(
                    &db,
                    hein,
                    t.id,
                    &cycle("2026-03-05", "Two evenings, travel paid")
                )
                .await,
                Ok(2)
            );
            assert_eq!(
                add_cycle(&db, helen, t.id, &cycle("2026-04-01", "Mine"))
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );

            // Each cycle is marked on the measure's chart, at its month.
            let chart = measures::page(&db, helen, came).await.unwrap();
            let marks: Vec<(String, usize)> = chart
                .notes
                .iter()
                .map(|n| (n.text.clone(), n.index))
                .collect();
            assert_eq!(
                marks,
                vec![
                    (
                        "PDSA 1 of “Evening workshops”: One evening a month".to_owned(),
                        1
                    ),
                    (
                        "PDSA 2 of “Evening workshops”: Two evenings, travel paid".to_owned(),
                        2
                    ),
                ]
            );

            let read = page(&db, helen, t.id).await.unwrap();
            assert_eq!(read.cycles.len(), 2);
            assert_eq!(
                read.measures,
                vec![(came, "Patients at workshops".to_owned())]
            );
            assert!(!read.may_record && !read.may_conclude && read.running);
            assert_eq!(
                page(&db, stranger, t.id).await.unwrap_err(),
                AppError::Forbidden
            );

            // Ended by whoever started it (or the space's conveners and stewards), with
            // what was learned; then it takes nothing more.
            assert_eq!(
                conclude(&db, helen, t.id, "adopted", "It worked.")
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            assert_eq!(
                fields(conclude(&db, sam, t.id, "running", " ").await.unwrap_err()),
                vec!["ending", "learned"]
            );
            conclude(
                &db,
                sam,
                t.id,
                "adapted",
                "Evenings work; travel must be paid up front.",
            )
            .await
            .unwrap();
            let ended = page(&db, sam, t.id).await.unwrap();
            assert_eq!(ended.status, "Adapted");
            assert_eq!(
                ended.learned.as_deref(),
                Some("Evenings work; travel must be paid up front.")
            );
            assert!(!ended.may_record && !ended.may_conclude);
            assert!(matches!(
                add_cycle(&db, sam, t.id, &cycle("2026-05-01", "More")).await,
                Err(AppError::Conflict(_))
            ));
            assert!(matches!(
                conclude(&db, hein, t.id, "adopted", "Again").await,
                Err(AppError::Conflict(_))
            ));
            let listed = space_trials(&db, helen, "west-of-england").await.unwrap();
            assert_eq!(listed.trials.len(), 1);
            assert_eq!(listed.trials[0].cycles, 2);
            assert!(!listed.may_start);
            use crate::domain::audit::AuditAction;
            assert_eq!(audited(&db, AuditAction::TrialStarted).await, 1);
            assert_eq!(audited(&db, AuditAction::TrialEnded).await, 1);
        })
        .await;
    }
}
