//! Reading a workshop's board consistently, once, and redacting it for each viewer.
use super::agenda::{activities, settings_of, stage_of};
use super::lookup::by_id;
use super::nat;
use crate::domain::membership::Perspective;
use crate::domain::workshop::board::{
    Activity, Board, Dots, NoteFact, ReflectionFact, Theme, Turnout, Viewer, Viewpoint,
};
use crate::domain::workshop::responses::{PollTally, Rating, RatingTally, ReflectionPrompt};
use crate::domain::workshop::{ActivityKind, Ballot};
use crate::error::AppError;
use crate::server::entities::{
    workshop, workshop_dot, workshop_note, workshop_participant, workshop_poll_choice,
    workshop_rating, workshop_reflection, workshop_theme,
};
use chrono::Utc;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// Everything on a workshop's board at one change number, before it is redacted for a
/// viewer: read once and shared by every screen that needs the whole board at once.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub workshop: workshop::Model,
    pub activities: Vec<Activity>,
    names: HashMap<i64, String>,
    turnout: Turnout,
    notes: Vec<workshop_note::Model>,
    themes: Vec<Theme>,
    dots: Vec<workshop_dot::Model>,
    ratings: Vec<workshop_rating::Model>,
    choices: Vec<workshop_poll_choice::Model>,
    reflections: Vec<workshop_reflection::Model>,
}

/// A read-only transaction in which every table is read as of one moment (REPEATABLE READ on
/// PostgreSQL; SQLite's transactions already are).
pub(crate) async fn consistent_read(
    db: &DatabaseConnection,
) -> Result<DatabaseTransaction, AppError> {
    use sea_orm::{AccessMode, IsolationLevel, TransactionTrait};
    // SQLite's transactions are consistent already and take no access mode (it only warns).
    let postgres = db.get_database_backend() == sea_orm::DbBackend::Postgres;
    let isolation = postgres.then_some(IsolationLevel::RepeatableRead);
    let read_only = postgres.then_some(AccessMode::ReadOnly);
    Ok(db.begin_with_config(isolation, read_only).await?)
}

/// The workshop's themes, oldest first.
pub(crate) async fn themes(
    db: &impl ConnectionTrait,
    workshop_id: i64,
) -> Result<Vec<Theme>, AppError> {
    Ok(workshop_theme::Entity::find()
        .filter(workshop_theme::Column::WorkshopId.eq(workshop_id))
        .order_by_asc(workshop_theme::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|t| Theme {
            id: t.id,
            name: t.name,
        })
        .collect())
}

/// One who joined, as the board and the report need them.
#[derive(Debug, Clone)]
pub(crate) struct ParticipantRow {
    pub id: i64,
    pub display_name: String,
    pub perspective: Option<Perspective>,
    pub named_in_report: bool,
    pub guest: bool,
}

/// Who joined and was not removed, in order of joining.
pub(crate) async fn participant_rows(
    db: &impl ConnectionTrait,
    workshop_id: i64,
) -> Result<Vec<ParticipantRow>, AppError> {
    use workshop_participant::Column as C;
    Ok(workshop_participant::Entity::find()
        .filter(C::WorkshopId.eq(workshop_id))
        .filter(C::RemovedAt.is_null())
        .order_by_asc(C::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| ParticipantRow {
            id: p.id,
            perspective: p.perspective.as_deref().and_then(Perspective::from_code),
            display_name: p.display_name,
            named_in_report: p.named_in_report,
            guest: p.person_id.is_none(),
        })
        .collect())
}

/// Read the board as it stands, consistently: every table as of the same change number.
pub async fn snapshot(db: &DatabaseConnection, workshop_id: i64) -> Result<Snapshot, AppError> {
    let txn = consistent_read(db).await?;
    let w = by_id(&txn, workshop_id).await?;
    let activities = activities(&txn, w.id).await?;
    let participants = participant_rows(&txn, w.id).await?;
    let mut turnout = Turnout::default();
    let mut names = HashMap::new();
    for p in participants {
        turnout.add(p.perspective);
        names.insert(p.id, p.display_name);
    }
    let notes = workshop_note::Entity::find()
        .filter(workshop_note::Column::WorkshopId.eq(w.id))
        .order_by_asc(workshop_note::Column::Id)
        .all(&txn)
        .await?;
    let themes = themes(&txn, w.id).await?;
    let ids = || activities.iter().map(|a| a.id);
    let dots = workshop_dot::Entity::find()
        .filter(workshop_dot::Column::ActivityId.is_in(ids()))
        .all(&txn)
        .await?;
    let ratings = workshop_rating::Entity::find()
        .filter(workshop_rating::Column::ActivityId.is_in(ids()))
        .all(&txn)
        .await?;
    let choices = workshop_poll_choice::Entity::find()
        .filter(workshop_poll_choice::Column::ActivityId.is_in(ids()))
        .order_by_asc(workshop_poll_choice::Column::OptionId)
        .all(&txn)
        .await?;
    let reflections = workshop_reflection::Entity::find()
        .filter(workshop_reflection::Column::WorkshopId.eq(w.id))
        .order_by_asc(workshop_reflection::Column::Id)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(Snapshot {
        workshop: w,
        activities,
        names,
        turnout,
        notes,
        themes,
        dots,
        ratings,
        choices,
        reflections,
    })
}

impl Snapshot {
    pub fn seq(&self) -> i64 {
        self.workshop.seq
    }

    pub fn viewpoint(&self, viewer: Viewer) -> Viewpoint {
        Viewpoint {
            viewer,
            settings: settings_of(&self.workshop),
            stage: stage_of(&self.workshop, &self.activities),
            agenda: self.activities.iter().map(|a| a.id).collect(),
        }
    }

    /// The board as `viewer` may see it.
    pub fn board(&self, viewer: Viewer) -> Board {
        let vp = self.viewpoint(viewer);
        let mut notes = Vec::new();
        let mut hidden_notes = Vec::new();
        for n in &self.notes {
            if vp.note_visible(n.activity_id, n.participant_id) {
                notes.push(vp.note(&note_fact(n, &self.names)));
            } else {
                hidden_notes.push(n.id);
            }
        }
        let mut totals: std::collections::BTreeMap<(i64, i64), u32> = Default::default();
        let mut my_ballots: Vec<(i64, Ballot)> = Vec::new();
        for d in &self.dots {
            *totals.entry((d.activity_id, d.item)).or_default() += nat(d.dots.into());
            if viewer.participant_id == Some(d.participant_id) {
                match my_ballots.iter_mut().find(|(a, _)| *a == d.activity_id) {
                    Some((_, b)) => {
                        b.insert(d.item, nat(d.dots.into()));
                    }
                    None => my_ballots
                        .push((d.activity_id, Ballot::from([(d.item, nat(d.dots.into()))]))),
                }
            }
        }
        let dots = totals
            .into_iter()
            .filter(|((a, _), _)| vp.results_visible(*a))
            .map(|((activity_id, item), total)| Dots {
                activity_id,
                item,
                total,
            })
            .collect();
        let mut ratings: std::collections::BTreeMap<(i64, i64), RatingTally> = Default::default();
        let mut my_ratings = Vec::new();
        for r in &self.ratings {
            let rating = rating_of(r);
            if viewer.participant_id == Some(r.participant_id) {
                my_ratings.push((r.activity_id, r.theme_id, rating));
            }
            if vp.results_visible(r.activity_id) {
                ratings
                    .entry((r.activity_id, r.theme_id))
                    .or_insert(RatingTally {
                        activity_id: r.activity_id,
                        theme_id: r.theme_id,
                        ..Default::default()
                    })
                    .change(None, Some(rating));
            }
        }
        let mut polls: Vec<PollTally> = self
            .activities
            .iter()
            .filter(|a| a.kind == ActivityKind::Poll && vp.results_visible(a.id))
            .map(|a| PollTally::new(a.id, &a.options.iter().map(|o| o.id).collect::<Vec<_>>()))
            .collect();
        let mut my_choices: Vec<(i64, Vec<i64>)> = Vec::new();
        for (activity, chosen) in choices_by_voter(&self.choices) {
            if let Some(p) = polls.iter_mut().find(|p| p.activity_id == activity.0) {
                p.change(&[], &chosen);
            }
            if viewer.participant_id == Some(activity.1) {
                my_choices.push((activity.0, chosen));
            }
        }
        let mut reflections = Vec::new();
        let mut hidden_reflections = Vec::new();
        for r in &self.reflections {
            if vp.note_visible(r.activity_id, r.participant_id) {
                reflections.push(vp.reflection(&reflection_fact(r, &self.names)));
            } else {
                hidden_reflections.push(r.id);
            }
        }
        Board {
            workshop_id: self.workshop.id,
            seq: self.workshop.seq,
            title: self.workshop.title.clone(),
            join_code: self.workshop.join_code.clone(),
            viewer,
            settings: vp.settings,
            stage: vp.stage,
            activities: self.activities.clone(),
            turnout: self.turnout.clone(),
            notes,
            hidden_notes,
            themes: self.themes.clone(),
            dots,
            my_ballots,
            ratings: ratings.into_values().collect(),
            my_ratings,
            polls,
            my_choices,
            reflections,
            hidden_reflections,
            server_now_ms: Utc::now().timestamp_millis(),
        }
    }
}

/// The whole board as `viewer` may see it, read now.
pub async fn board(
    db: &DatabaseConnection,
    workshop_id: i64,
    viewer: Viewer,
) -> Result<Board, AppError> {
    Ok(snapshot(db, workshop_id).await?.board(viewer))
}

pub(crate) fn note_fact(n: &workshop_note::Model, names: &HashMap<i64, String>) -> NoteFact {
    NoteFact {
        id: n.id,
        activity_id: n.activity_id,
        participant_id: n.participant_id,
        author: names.get(&n.participant_id).cloned().unwrap_or_default(),
        body: n.body.clone(),
        theme_id: n.theme_id,
    }
}

pub(crate) fn rating_of(r: &workshop_rating::Model) -> Rating {
    Rating {
        impact: u8::try_from(r.impact).unwrap_or(1),
        effort: u8::try_from(r.effort).unwrap_or(1),
    }
}

/// Each voter's choices in each poll: ((activity id, participant id), option ids), from
/// choices ordered by option.
pub(crate) fn choices_by_voter(
    choices: &[workshop_poll_choice::Model],
) -> std::collections::BTreeMap<(i64, i64), Vec<i64>> {
    let mut by: std::collections::BTreeMap<(i64, i64), Vec<i64>> = Default::default();
    for c in choices {
        by.entry((c.activity_id, c.participant_id))
            .or_default()
            .push(c.option_id);
    }
    by
}

pub(crate) fn reflection_fact(
    r: &workshop_reflection::Model,
    names: &HashMap<i64, String>,
) -> ReflectionFact {
    ReflectionFact {
        id: r.id,
        activity_id: r.activity_id,
        participant_id: r.participant_id,
        author: names.get(&r.participant_id).cloned().unwrap_or_default(),
        anonymous: r.anonymous,
        prompt: ReflectionPrompt::from_code(&r.prompt).unwrap_or(ReflectionPrompt::Learned),
        body: r.body.clone(),
    }
}
