//! Live co-production workshops: creating one and its agenda, joining (as a member or a
//! guest on a device), notes, themes, dots and the facilitator's controls. Every change
//! is stored and numbered in one transaction, then told to every screen by the live bus.
use crate::domain::membership::{MembershipStatus, Perspective};
use crate::domain::workshop::board::{
    Activity, Board, DISPLAY_NAME_MAX, Dots, Fact, NOTE_MAX, NoteFact, PollOption, ReflectionFact,
    Settings, THEME_MAX, Theme, Turnout, Viewer, Viewpoint, VoteTarget,
};
use crate::domain::workshop::outcomes::{PollTally, Rating, RatingTally, ReflectionPrompt};
use crate::domain::workshop::{
    ActivityKind, AgendaStep, Ballot, Control, JOIN_CODE_LEN, Stage, VoteRules, join_code,
    normalise_join_code,
};
use crate::error::{AppError, Validation};
use crate::server::entities::{
    member, person, space, workshop, workshop_activity, workshop_dot, workshop_note,
    workshop_participant, workshop_poll_choice, workshop_poll_option, workshop_rating,
    workshop_reflection, workshop_theme,
};
use crate::server::live::Live;
use crate::server::tokens;
use chrono::{NaiveDate, Utc};
use sea_orm::prelude::Expr;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;

pub mod archive;
pub mod outcomes;
pub mod report;
pub mod templates;

/// Longest workshop title and purpose, in characters.
pub const TITLE_MAX: usize = 200;
pub const PURPOSE_MAX: usize = 2000;
pub const PROMPT_MAX: usize = 300;

pub struct WorkshopForm {
    pub title: String,
    pub purpose: String,
    pub held_on: String,
    /// A space's slug, or empty for a workshop on its own.
    pub space: String,
    /// The question for idea capture (with a template, it replaces the template's first).
    pub prompt: String,
    /// Start from this template's agenda rather than the usual one.
    pub template: Option<i64>,
    pub settings: Settings,
}

/// A count from the database: never negative.
fn nat(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

fn not_found() -> AppError {
    AppError::NotFound("There is no workshop with that code.".into())
}

fn text(
    field: &str,
    value: &str,
    label: &str,
    max: usize,
    required: bool,
) -> Result<String, AppError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(AppError::invalid(field, format!("Enter {label}.")));
    }
    if value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("Keep {label} to {max} characters."),
        ));
    }
    Ok(value.to_owned())
}

/// Any active member may run a workshop. It starts with the usual agenda: capture ideas
/// on the prompt, group them into themes, then dot-vote on the themes.
pub async fn create(
    db: &DatabaseConnection,
    facilitator: &person::Model,
    f: &WorkshopForm,
) -> Result<workshop::Model, AppError> {
    let active = member::Entity::find_by_id(facilitator.id)
        .one(db)
        .await?
        .is_some_and(|m| m.status == MembershipStatus::Active.code());
    if !active {
        return Err(AppError::Forbidden);
    }
    let mut v = Validation::default();
    let title = v.check(text("title", &f.title, "a title", TITLE_MAX, true));
    let purpose = v.check(text(
        "purpose",
        &f.purpose,
        "the purpose",
        PURPOSE_MAX,
        false,
    ));
    let prompt = v.check(text(
        "prompt",
        &f.prompt,
        "a question",
        PROMPT_MAX,
        f.template.is_none(),
    ));
    let agenda = match f.template {
        None => Some(Vec::new()),
        Some(id) => v.check(templates::steps(db, id).await),
    };
    let held_on = v.check(
        NaiveDate::parse_from_str(f.held_on.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::invalid("held_on", "Enter the date, like 2026-12-01.")),
    );
    let space_id = if f.space.trim().is_empty() {
        Some(None)
    } else {
        let found = space::Entity::find()
            .filter(space::Column::Slug.eq(f.space.trim()))
            .one(db)
            .await?;
        v.check(
            found
                .map(|s| Some(s.id))
                .ok_or_else(|| AppError::invalid("space", "Choose a space from the list.")),
        )
    };
    v.finish()?;
    let (Some(title), Some(purpose), Some(prompt), Some(held_on), Some(space_id), Some(agenda)) =
        (title, purpose, prompt, held_on, space_id, agenda)
    else {
        return Err(AppError::Internal);
    };
    let agenda = if agenda.is_empty() {
        vec![
            AgendaStep::new(ActivityKind::IdeaCapture, &prompt),
            AgendaStep::new(ActivityKind::Grouping, "Group the ideas into themes."),
            AgendaStep::new(ActivityKind::DotVote, "Which themes matter most?"),
        ]
    } else {
        // A question given with a template asks it in the template's first idea capture.
        let mut agenda = agenda;
        if let Some(capture) = agenda
            .iter_mut()
            .find(|s| s.kind == ActivityKind::IdeaCapture)
            .filter(|_| !prompt.is_empty())
        {
            capture.prompt = prompt.clone();
        }
        agenda
    };
    let s = f.settings;
    let mut attempts = 0;
    let created = loop {
        attempts += 1;
        let mut random = [0u8; JOIN_CODE_LEN];
        rand::fill(&mut random);
        let insert = workshop::ActiveModel {
            space_id: Set(space_id),
            title: Set(title.clone()),
            purpose: Set(purpose.clone()),
            held_on: Set(held_on),
            join_code: Set(join_code(random)),
            facilitator_id: Set(facilitator.id),
            seq: Set(0),
            current_index: Set(None),
            finished: Set(false),
            locked: Set(false),
            revealed: Set(false),
            timer_ends_at_ms: Set(None),
            anonymous: Set(s.anonymous),
            notes_visible: Set(s.notes_visible),
            results_live: Set(s.results_live),
            participants_theme: Set(s.participants_theme),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await;
        match insert {
            Ok(w) => break w,
            // 25^6 codes: a clash is rare, and another draw settles it.
            Err(_) if attempts < 5 => continue,
            Err(e) => return Err(e.into()),
        }
    };
    for (i, step) in agenda.iter().enumerate() {
        insert_activity(db, created.id, i as i32, step).await?;
    }
    Ok(created)
}

/// Put a planned step on a workshop's agenda at `position`, with a poll's options.
async fn insert_activity(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    position: i32,
    step: &AgendaStep,
) -> Result<workshop_activity::Model, AppError> {
    let a = workshop_activity::ActiveModel {
        workshop_id: Set(workshop_id),
        position: Set(position),
        kind: Set(step.kind.code().into()),
        prompt: Set(step.prompt.clone()),
        dot_budget: Set(step.rules.budget as i32),
        dot_cap: Set(step.rules.cap_per_item.map(|c| c as i32)),
        vote_target: Set(step.target.code().into()),
        multiple: Set(step.multiple),
        ..Default::default()
    }
    .insert(db)
    .await?;
    if step.kind == ActivityKind::Poll && !step.options.is_empty() {
        workshop_poll_option::Entity::insert_many(step.options.iter().enumerate().map(
            |(i, label)| workshop_poll_option::ActiveModel {
                activity_id: Set(a.id),
                position: Set(i as i32),
                label: Set(label.clone()),
                ..Default::default()
            },
        ))
        .exec(db)
        .await?;
    }
    Ok(a)
}

pub async fn by_code(db: &impl ConnectionTrait, typed: &str) -> Result<workshop::Model, AppError> {
    let code = normalise_join_code(typed).ok_or_else(|| {
        AppError::invalid(
            "code",
            format!("A join code has {JOIN_CODE_LEN} letters and numbers, like KQ4-7MX."),
        )
    })?;
    workshop::Entity::find()
        .filter(workshop::Column::JoinCode.eq(code))
        .one(db)
        .await?
        .ok_or_else(not_found)
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<workshop::Model, AppError> {
    workshop::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)
}

/// The agenda in order, with each poll's options: two queries however long it is.
pub async fn activities(
    db: &impl ConnectionTrait,
    workshop_id: i64,
) -> Result<Vec<Activity>, AppError> {
    let rows = workshop_activity::Entity::find()
        .filter(workshop_activity::Column::WorkshopId.eq(workshop_id))
        .order_by_asc(workshop_activity::Column::Position)
        .order_by_asc(workshop_activity::Column::Id)
        .all(db)
        .await?;
    let polls: Vec<i64> = rows
        .iter()
        .filter(|a| a.kind == ActivityKind::Poll.code())
        .map(|a| a.id)
        .collect();
    let mut options: HashMap<i64, Vec<PollOption>> = HashMap::new();
    if !polls.is_empty() {
        for o in workshop_poll_option::Entity::find()
            .filter(workshop_poll_option::Column::ActivityId.is_in(polls))
            .order_by_asc(workshop_poll_option::Column::Position)
            .order_by_asc(workshop_poll_option::Column::Id)
            .all(db)
            .await?
        {
            options.entry(o.activity_id).or_default().push(PollOption {
                id: o.id,
                label: o.label,
            });
        }
    }
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            Some(Activity {
                options: options.remove(&a.id).unwrap_or_default(),
                multiple: a.multiple,
                id: a.id,
                kind: ActivityKind::from_code(&a.kind)?,
                prompt: a.prompt,
                rules: VoteRules {
                    budget: nat(a.dot_budget.into()),
                    cap_per_item: a.dot_cap.map(|c| nat(c.into())),
                },
                target: VoteTarget::from_code(&a.vote_target).unwrap_or(VoteTarget::Themes),
            })
        })
        .collect())
}

pub fn stage_of(w: &workshop::Model, activities: &[Activity]) -> Stage {
    Stage {
        agenda: activities.iter().map(|a| a.kind).collect(),
        current: w.current_index.and_then(|i| usize::try_from(i).ok()),
        finished: w.finished,
        locked: w.locked,
        revealed: w.revealed,
        timer_ends_at_ms: w.timer_ends_at_ms,
    }
}

pub fn settings_of(w: &workshop::Model) -> Settings {
    Settings {
        anonymous: w.anonymous,
        notes_visible: w.notes_visible,
        results_live: w.results_live,
        participants_theme: w.participants_theme,
    }
}

/// Who is asking: a signed-in person, or a guest's device token.
#[derive(Debug, Clone, Default)]
pub struct Who {
    pub person: Option<person::Model>,
    pub device_token: Option<String>,
}

pub async fn participant(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    who: &Who,
) -> Result<Option<workshop_participant::Model>, AppError> {
    let by = if let Some(p) = &who.person {
        workshop_participant::Column::PersonId.eq(p.id)
    } else if let Some(token) = &who.device_token {
        workshop_participant::Column::DeviceTokenHash.eq(tokens::digest(token))
    } else {
        return Ok(None);
    };
    Ok(workshop_participant::Entity::find()
        .filter(workshop_participant::Column::WorkshopId.eq(workshop_id))
        .filter(by)
        .one(db)
        .await?)
}

pub async fn viewer(
    db: &impl ConnectionTrait,
    w: &workshop::Model,
    who: &Who,
) -> Result<Viewer, AppError> {
    Ok(Viewer {
        participant_id: participant(db, w.id, who).await?.map(|p| p.id),
        facilitator: who
            .person
            .as_ref()
            .is_some_and(|p| p.id == w.facilitator_id),
    })
}

fn perspective_from(code: &str) -> Result<Option<Perspective>, AppError> {
    match code {
        "prefer_not_to_say" => Ok(None),
        c => Perspective::from_code(c).map(Some).ok_or_else(|| {
            AppError::invalid("perspective", "Choose a perspective, or prefer not to say.")
        }),
    }
}

/// Join a workshop: a signed-in person as themselves, anyone else as a guest with a
/// display name, known again by their device token. Joining twice is joining once.
pub async fn join(
    db: &DatabaseConnection,
    live: &Live,
    w: &workshop::Model,
    who: &Who,
    display_name: &str,
    perspective: &str,
) -> Result<workshop_participant::Model, AppError> {
    if let Some(existing) = participant(db, w.id, who).await? {
        return Ok(existing);
    }
    let mut v = Validation::default();
    let perspective = v.check(perspective_from(perspective));
    let name = match &who.person {
        Some(p) => Some(p.name.clone()),
        None => v.check(text(
            "display_name",
            display_name,
            "the name others will see",
            DISPLAY_NAME_MAX,
            true,
        )),
    };
    let token = match (&who.person, &who.device_token) {
        (Some(_), _) => None,
        (None, Some(t)) => Some(tokens::digest(t)),
        (None, None) => return Err(AppError::Internal),
    };
    v.finish()?;
    let (Some(perspective), Some(name)) = (perspective, name) else {
        return Err(AppError::Internal);
    };
    live.write(db, w.id, async |txn| {
        let p = workshop_participant::ActiveModel {
            workshop_id: Set(w.id),
            person_id: Set(who.person.as_ref().map(|p| p.id)),
            device_token_hash: Set(token.clone()),
            display_name: Set(name.clone()),
            perspective: Set(perspective.map(|p| p.code().to_owned())),
            joined_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        Ok((p, vec![Fact::Joined { perspective }]))
    })
    .await
}

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
    let isolation = (db.get_database_backend() == sea_orm::DbBackend::Postgres)
        .then_some(IsolationLevel::RepeatableRead);
    Ok(db
        .begin_with_config(isolation, Some(AccessMode::ReadOnly))
        .await?)
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

/// Who joined, in order: (participant id, display name, perspective code).
pub(crate) async fn participant_rows(
    db: &impl ConnectionTrait,
    workshop_id: i64,
) -> Result<Vec<(i64, String, Option<String>)>, AppError> {
    Ok(workshop_participant::Entity::find()
        .select_only()
        .column(workshop_participant::Column::Id)
        .column(workshop_participant::Column::DisplayName)
        .column(workshop_participant::Column::Perspective)
        .filter(workshop_participant::Column::WorkshopId.eq(workshop_id))
        .order_by_asc(workshop_participant::Column::Id)
        .into_tuple()
        .all(db)
        .await?)
}

/// Read the board as it stands, consistently: every table as of the same change number.
pub async fn snapshot(db: &DatabaseConnection, workshop_id: i64) -> Result<Snapshot, AppError> {
    let txn = consistent_read(db).await?;
    let w = by_id(&txn, workshop_id).await?;
    let activities = activities(&txn, w.id).await?;
    let participants = participant_rows(&txn, w.id).await?;
    let mut turnout = Turnout::default();
    let mut names = HashMap::new();
    for (id, name, perspective) in participants {
        turnout.add(perspective.as_deref().and_then(Perspective::from_code));
        names.insert(id, name);
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

fn note_fact(n: &workshop_note::Model, names: &HashMap<i64, String>) -> NoteFact {
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

/// The workshop, its agenda and stage, read again inside a transaction.
async fn current(
    db: &impl ConnectionTrait,
    workshop_id: i64,
) -> Result<(workshop::Model, Vec<Activity>, Stage), AppError> {
    let w = by_id(db, workshop_id).await?;
    let activities = activities(db, w.id).await?;
    let stage = stage_of(&w, &activities);
    Ok((w, activities, stage))
}

async fn require_participant(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    who: &Who,
) -> Result<workshop_participant::Model, AppError> {
    participant(db, workshop_id, who)
        .await?
        .ok_or_else(|| AppError::invalid("workshop", "Join the workshop first."))
}

/// [`current`], for the facilitator only.
async fn facilitated(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    who: &Who,
) -> Result<(workshop::Model, Vec<Activity>, Stage), AppError> {
    let found = current(db, workshop_id).await?;
    if is_facilitator(&found.0, who) {
        Ok(found)
    } else {
        Err(AppError::Forbidden)
    }
}

fn is_facilitator(w: &workshop::Model, who: &Who) -> bool {
    who.person
        .as_ref()
        .is_some_and(|p| p.id == w.facilitator_id)
}

fn open_activity(
    activities: &[Activity],
    stage: &Stage,
    kind: ActivityKind,
) -> Result<Activity, AppError> {
    let current = stage
        .current
        .filter(|_| !stage.finished)
        .and_then(|i| activities.get(i))
        .ok_or_else(|| AppError::invalid("workshop", "The workshop is not running."))?;
    if current.kind != kind {
        return Err(AppError::invalid(
            "workshop",
            format!(
                "This is not the time for that: now it is {}.",
                current.kind.label()
            ),
        ));
    }
    if stage.locked {
        return Err(crate::domain::workshop::WorkshopError::Locked.into());
    }
    Ok(current.clone())
}

fn note_body(body: &str) -> Result<String, AppError> {
    text("body", body, "your note", NOTE_MAX, true)
}

/// Post a note in the open idea capture. Sending the same `client_key` again returns the
/// note already stored: a retry after a lost connection never doubles it.
pub async fn post_note(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    body: &str,
    client_key: &str,
) -> Result<i64, AppError> {
    let body = note_body(body)?;
    let key = client_key.trim();
    if key.is_empty() || key.len() > 64 {
        return Err(AppError::invalid(
            "client_key",
            "A note needs a key of up to 64 characters.",
        ));
    }
    let me = require_participant(db, workshop_id, who).await?;
    let stored = live
        .write(db, workshop_id, async |txn| {
            if let Some(existing) = workshop_note::Entity::find()
                .filter(workshop_note::Column::ParticipantId.eq(me.id))
                .filter(workshop_note::Column::ClientKey.eq(key))
                .one(txn)
                .await?
            {
                return Ok((existing.id, vec![]));
            }
            let (_, activities, stage) = current(txn, workshop_id).await?;
            let activity = open_activity(&activities, &stage, ActivityKind::IdeaCapture)?;
            let now = Utc::now();
            let n = workshop_note::ActiveModel {
                workshop_id: Set(workshop_id),
                activity_id: Set(activity.id),
                participant_id: Set(me.id),
                body: Set(body.clone()),
                theme_id: Set(None),
                client_key: Set(key.to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            let names = HashMap::from([(me.id, me.display_name.clone())]);
            Ok((n.id, vec![Fact::NoteSaved(note_fact(&n, &names))]))
        })
        .await;
    match stored {
        // The same note sent twice at once: the unique key let one in; that one stands.
        Err(AppError::Internal) => workshop_note::Entity::find()
            .filter(workshop_note::Column::ParticipantId.eq(me.id))
            .filter(workshop_note::Column::ClientKey.eq(key))
            .one(db)
            .await?
            .map(|n| n.id)
            .ok_or(AppError::Internal),
        other => other,
    }
}

async fn note_in(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    note_id: i64,
) -> Result<workshop_note::Model, AppError> {
    workshop_note::Entity::find_by_id(note_id)
        .filter(workshop_note::Column::WorkshopId.eq(workshop_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("That note is not in this workshop.".into()))
}

/// Change one's own note while its capture is open.
pub async fn edit_note(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    note_id: i64,
    body: &str,
) -> Result<(), AppError> {
    let body = note_body(body)?;
    let me = require_participant(db, workshop_id, who).await?;
    live.write(db, workshop_id, async |txn| {
        let note = note_in(txn, workshop_id, note_id).await?;
        if note.participant_id != me.id {
            return Err(AppError::Forbidden);
        }
        let (_, activities, stage) = current(txn, workshop_id).await?;
        let open = open_activity(&activities, &stage, ActivityKind::IdeaCapture)?;
        if open.id != note.activity_id {
            return Err(AppError::invalid("body", "That idea capture has closed."));
        }
        let mut active: workshop_note::ActiveModel = note.into();
        active.body = Set(body.clone());
        active.updated_at = Set(Utc::now());
        let n = active.update(txn).await?;
        let names = HashMap::from([(me.id, me.display_name.clone())]);
        Ok(((), vec![Fact::NoteSaved(note_fact(&n, &names))]))
    })
    .await
}

/// Delete one's own note while its capture is open; the facilitator may remove any note
/// at any time.
pub async fn remove_note(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    note_id: i64,
) -> Result<(), AppError> {
    live.write(db, workshop_id, async |txn| {
        let note = note_in(txn, workshop_id, note_id).await?;
        let (w, activities, stage) = current(txn, workshop_id).await?;
        if !is_facilitator(&w, who) {
            let me = require_participant(txn, workshop_id, who).await?;
            if note.participant_id != me.id {
                return Err(AppError::Forbidden);
            }
            let open = open_activity(&activities, &stage, ActivityKind::IdeaCapture)?;
            if open.id != note.activity_id {
                return Err(AppError::invalid(
                    "workshop",
                    "That idea capture has closed.",
                ));
            }
        }
        remove_dots_on(txn, &activities, VoteTarget::Notes, note.id).await?;
        workshop_note::Entity::delete_by_id(note.id)
            .exec(txn)
            .await?;
        Ok(((), vec![Fact::NoteRemoved { id: note.id }]))
    })
    .await
}

/// Take every dot off an item that is going (a note or a theme, by the votes' target).
async fn remove_dots_on(
    txn: &DatabaseTransaction,
    activities: &[Activity],
    target: VoteTarget,
    item: i64,
) -> Result<(), AppError> {
    let votes = activities
        .iter()
        .filter(|a| a.target == target)
        .map(|a| a.id);
    workshop_dot::Entity::delete_many()
        .filter(workshop_dot::Column::Item.eq(item))
        .filter(workshop_dot::Column::ActivityId.is_in(votes))
        .exec(txn)
        .await?;
    Ok(())
}

/// Themes are the facilitator's, and the participants' too where the facilitator allows
/// it during grouping.
fn may_theme(
    w: &workshop::Model,
    activities: &[Activity],
    stage: &Stage,
    who: &Who,
) -> Result<(), AppError> {
    if is_facilitator(w, who) {
        return Ok(());
    }
    if !w.participants_theme {
        return Err(AppError::Forbidden);
    }
    open_activity(activities, stage, ActivityKind::Grouping).map(|_| ())
}

pub async fn create_theme(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    name: &str,
) -> Result<i64, AppError> {
    let name = text("name", name, "a name for the theme", THEME_MAX, true)?;
    live.write(db, workshop_id, async |txn| {
        let (w, activities, stage) = current(txn, workshop_id).await?;
        may_theme(&w, &activities, &stage, who)?;
        let t = workshop_theme::ActiveModel {
            workshop_id: Set(workshop_id),
            name: Set(name.clone()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        Ok((
            t.id,
            vec![Fact::ThemeSaved(Theme {
                id: t.id,
                name: t.name,
            })],
        ))
    })
    .await
}

pub async fn remove_theme(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    theme_id: i64,
) -> Result<(), AppError> {
    live.write(db, workshop_id, async |txn| {
        let (_, activities, _) = facilitated(txn, workshop_id, who).await?;
        let theme = workshop_theme::Entity::find_by_id(theme_id)
            .filter(workshop_theme::Column::WorkshopId.eq(workshop_id))
            .one(txn)
            .await?
            .ok_or_else(|| AppError::NotFound("That theme is not in this workshop.".into()))?;
        workshop_note::Entity::update_many()
            .col_expr(
                workshop_note::Column::ThemeId,
                Expr::value(Option::<i64>::None),
            )
            .filter(workshop_note::Column::ThemeId.eq(theme.id))
            .exec(txn)
            .await?;
        remove_dots_on(txn, &activities, VoteTarget::Themes, theme.id).await?;
        workshop_theme::Entity::delete_by_id(theme.id)
            .exec(txn)
            .await?;
        Ok(((), vec![Fact::ThemeRemoved { id: theme.id }]))
    })
    .await
}

/// Put a note into a theme (or take it out, with `None`).
pub async fn move_note(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    note_id: i64,
    theme_id: Option<i64>,
) -> Result<(), AppError> {
    live.write(db, workshop_id, async |txn| {
        let (w, activities, stage) = current(txn, workshop_id).await?;
        may_theme(&w, &activities, &stage, who)?;
        let note = note_in(txn, workshop_id, note_id).await?;
        if let Some(t) = theme_id {
            workshop_theme::Entity::find_by_id(t)
                .filter(workshop_theme::Column::WorkshopId.eq(workshop_id))
                .one(txn)
                .await?
                .ok_or_else(|| AppError::invalid("theme", "Choose a theme of this workshop."))?;
        }
        if note.theme_id == theme_id {
            return Ok(((), vec![]));
        }
        let mut active: workshop_note::ActiveModel = note.into();
        active.theme_id = Set(theme_id);
        active.update(txn).await?;
        Ok((
            (),
            vec![Fact::NoteThemed {
                id: note_id,
                theme_id,
            }],
        ))
    })
    .await
}

/// Put `dots` on an item in the open dot vote (a change of mind replaces what was there),
/// within the budget and cap. Returns the participant's ballot. Setting the same number
/// again changes nothing, so a retry is harmless.
pub async fn set_dots(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    item: i64,
    dots: u32,
) -> Result<(i64, Ballot), AppError> {
    let me = require_participant(db, workshop_id, who).await?;
    live.write(db, workshop_id, async |txn| {
        let (_, activities, stage) = current(txn, workshop_id).await?;
        let activity = stage
            .activity()
            .filter(|k| *k == ActivityKind::DotVote)
            .and_then(|_| stage.current.and_then(|i| activities.get(i)))
            .cloned()
            .ok_or_else(|| AppError::invalid("dots", "Voting is not open."))?;
        let exists = match activity.target {
            VoteTarget::Themes => workshop_theme::Entity::find_by_id(item)
                .filter(workshop_theme::Column::WorkshopId.eq(workshop_id))
                .one(txn)
                .await?
                .is_some(),
            VoteTarget::Notes => workshop_note::Entity::find_by_id(item)
                .filter(workshop_note::Column::WorkshopId.eq(workshop_id))
                .one(txn)
                .await?
                .is_some(),
        };
        if !exists {
            return Err(AppError::invalid("dots", "That is not on the ballot."));
        }
        let mine = workshop_dot::Entity::find()
            .filter(workshop_dot::Column::ActivityId.eq(activity.id))
            .filter(workshop_dot::Column::ParticipantId.eq(me.id))
            .all(txn)
            .await?;
        let ballot: Ballot = mine.iter().map(|d| (d.item, nat(d.dots.into()))).collect();
        let next = activity.rules.set_dots(&stage, &ballot, item, dots)?;
        if next == ballot {
            return Ok(((activity.id, next), vec![]));
        }
        workshop_dot::Entity::delete_many()
            .filter(workshop_dot::Column::ActivityId.eq(activity.id))
            .filter(workshop_dot::Column::ParticipantId.eq(me.id))
            .filter(workshop_dot::Column::Item.eq(item))
            .exec(txn)
            .await?;
        if dots > 0 {
            workshop_dot::ActiveModel {
                activity_id: Set(activity.id),
                participant_id: Set(me.id),
                item: Set(item),
                dots: Set(dots as i32),
            }
            .insert(txn)
            .await?;
        }
        let total: Option<i64> = workshop_dot::Entity::find()
            .select_only()
            .column_as(
                Expr::col(workshop_dot::Column::Dots)
                    .sum()
                    .cast_as("bigint"),
                "total",
            )
            .filter(workshop_dot::Column::ActivityId.eq(activity.id))
            .filter(workshop_dot::Column::Item.eq(item))
            .into_tuple::<Option<i64>>()
            .one(txn)
            .await?
            .flatten();
        let fact = Fact::DotsChanged(Dots {
            activity_id: activity.id,
            item,
            total: nat(total.unwrap_or(0)),
        });
        Ok(((activity.id, next), vec![fact]))
    })
    .await
}

/// The facilitator's controls: start, advance, back, lock, reveal, timer.
pub async fn control(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    control: Control,
) -> Result<Stage, AppError> {
    live.write(db, workshop_id, async |txn| {
        let (w, _, stage) = facilitated(txn, workshop_id, who).await?;
        let next = stage.apply(control)?;
        let mut active: workshop::ActiveModel = w.into();
        active.current_index = Set(next.current.map(|i| i as i32));
        active.finished = Set(next.finished);
        active.locked = Set(next.locked);
        active.revealed = Set(next.revealed);
        active.timer_ends_at_ms = Set(next.timer_ends_at_ms);
        active.update(txn).await?;
        Ok((next.clone(), vec![Fact::Staged(next)]))
    })
    .await
}

pub async fn update_settings(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    settings: Settings,
) -> Result<(), AppError> {
    live.write(db, workshop_id, async |txn| {
        let (w, _, _) = facilitated(txn, workshop_id, who).await?;
        let mut active: workshop::ActiveModel = w.into();
        active.anonymous = Set(settings.anonymous);
        active.notes_visible = Set(settings.notes_visible);
        active.results_live = Set(settings.results_live);
        active.participants_theme = Set(settings.participants_theme);
        active.update(txn).await?;
        Ok(((), vec![Fact::SettingsChanged(settings)]))
    })
    .await
}

pub struct ActivityForm {
    pub kind: String,
    pub prompt: String,
    pub budget: String,
    pub cap: String,
    pub target: String,
    /// A poll's options, one a line.
    pub options: String,
    pub multiple: bool,
}

/// A planned step from the facilitator's form.
pub fn step_from(f: &ActivityForm) -> Result<AgendaStep, AppError> {
    let mut v = Validation::default();
    let kind = v.check(
        ActivityKind::from_code(&f.kind)
            .ok_or_else(|| AppError::invalid("kind", "Choose a kind of activity.")),
    );
    let prompt = v.check(text("prompt", &f.prompt, "a prompt", PROMPT_MAX, true));
    let budget = v.check(
        f.budget
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|b| (1..=20).contains(b))
            .ok_or_else(|| AppError::invalid("budget", "Give each person between 1 and 20 dots.")),
    );
    let cap = v.check(match f.cap.trim() {
        "" => Ok(None),
        c => c
            .parse::<u32>()
            .ok()
            .filter(|c| (1..=20).contains(c))
            .map(Some)
            .ok_or_else(|| AppError::invalid("cap", "A cap is between 1 and 20 dots, or empty.")),
    });
    let target = v.check(
        VoteTarget::from_code(&f.target)
            .ok_or_else(|| AppError::invalid("target", "Choose themes or notes.")),
    );
    let options = match kind {
        Some(ActivityKind::Poll) => v.check(
            crate::domain::workshop::outcomes::poll_options(&f.options)
                .map_err(|e| AppError::invalid("options", e)),
        ),
        _ => Some(Vec::new()),
    };
    v.finish()?;
    let (Some(kind), Some(prompt), Some(budget), Some(cap), Some(target), Some(options)) =
        (kind, prompt, budget, cap, target, options)
    else {
        return Err(AppError::Internal);
    };
    Ok(AgendaStep {
        kind,
        prompt,
        rules: VoteRules {
            budget,
            cap_per_item: cap,
        },
        target,
        multiple: f.multiple && kind == ActivityKind::Poll,
        options,
    })
}

/// Add an activity at the end of the agenda.
pub async fn add_activity(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    f: &ActivityForm,
) -> Result<(), AppError> {
    let step = step_from(f)?;
    live.write(db, workshop_id, async |txn| {
        let (_, activities, _) = facilitated(txn, workshop_id, who).await?;
        if activities.len() >= 20 {
            return Err(AppError::invalid(
                "kind",
                "An agenda holds at most 20 activities.",
            ));
        }
        insert_activity(txn, workshop_id, activities.len() as i32, &step).await?;
        Ok(((), vec![Fact::AgendaChanged]))
    })
    .await
}

/// Take an activity off the agenda: only one the workshop has not reached.
pub async fn remove_activity(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    activity_id: i64,
) -> Result<(), AppError> {
    live.write(db, workshop_id, async |txn| {
        let (_, activities, stage) = facilitated(txn, workshop_id, who).await?;
        let index = activities
            .iter()
            .position(|a| a.id == activity_id)
            .ok_or_else(|| AppError::NotFound("That activity is not on this agenda.".into()))?;
        let reached = stage.finished || stage.current.is_some_and(|c| index <= c);
        if reached {
            return Err(AppError::invalid(
                "activity",
                "Only activities the workshop has not reached can be taken off.",
            ));
        }
        workshop_activity::Entity::delete_by_id(activity_id)
            .exec(txn)
            .await?;
        for (i, a) in activities
            .iter()
            .filter(|a| a.id != activity_id)
            .enumerate()
        {
            workshop_activity::Entity::update_many()
                .col_expr(workshop_activity::Column::Position, Expr::value(i as i32))
                .filter(workshop_activity::Column::Id.eq(a.id))
                .exec(txn)
                .await?;
        }
        Ok(((), vec![Fact::AgendaChanged]))
    })
    .await
}

/// Workshops this person facilitates or took part in, newest first.
pub async fn mine(
    db: &DatabaseConnection,
    person_id: i64,
) -> Result<Vec<workshop::Model>, AppError> {
    let joined: Vec<i64> = workshop_participant::Entity::find()
        .select_only()
        .column(workshop_participant::Column::WorkshopId)
        .filter(workshop_participant::Column::PersonId.eq(person_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(workshop::Entity::find()
        .filter(
            workshop::Column::FacilitatorId
                .eq(person_id)
                .or(workshop::Column::Id.is_in(joined)),
        )
        .order_by_desc(workshop::Column::HeldOn)
        .order_by_desc(workshop::Column::Id)
        .limit(100)
        .all(db)
        .await?)
}

/// The join page's QR code as SVG, for the address that opens the workshop.
pub fn qr_svg(url: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|_| AppError::Internal)?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::workshop::board::Change;
    use crate::server::live::Signal;
    use crate::server::services::{accounts, demo};
    use crate::server::testing::for_each_database;

    pub(crate) async fn member(db: &DatabaseConnection, email: &str) -> Who {
        Who {
            person: accounts::find_by_email(db, email).await.unwrap(),
            device_token: None,
        }
    }

    pub(crate) fn guest(token: &str) -> Who {
        Who {
            person: None,
            device_token: Some(token.into()),
        }
    }

    /// Everything told on `rx` up to the workshop's latest change (on PostgreSQL the
    /// notifications arrive a moment after the commit).
    pub(crate) async fn told(
        db: &DatabaseConnection,
        rx: &mut tokio::sync::broadcast::Receiver<Signal>,
        workshop_id: i64,
    ) -> Vec<std::sync::Arc<crate::domain::workshop::board::Envelope>> {
        let last = by_id(db, workshop_id).await.unwrap().seq;
        let mut seen = vec![];
        while seen
            .last()
            .is_none_or(|e: &std::sync::Arc<crate::domain::workshop::board::Envelope>| e.seq < last)
        {
            match tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv()).await {
                Ok(Ok(Signal::Change(e))) => seen.push(e),
                other => panic!("expected change {last}, got {other:?} after {seen:?}"),
            }
        }
        seen
    }

    pub(crate) fn form(settings: Settings) -> WorkshopForm {
        WorkshopForm {
            title: "Getting home from hospital".into(),
            purpose: "Patients, carers and staff on what makes discharge go well.".into(),
            held_on: "2026-12-01".into(),
            space: "west-of-england".into(),
            prompt: "What gets in the way of going home?".into(),
            template: None,
            settings,
        }
    }

    pub(crate) async fn setup(
        db: &DatabaseConnection,
        settings: Settings,
    ) -> (Live, workshop::Model, Who) {
        demo::seed_if_empty(db).await.unwrap();
        let live = Live::start(db).await.unwrap();
        let hein = member(db, "hein@demo.q-commons.org").await;
        let w = create(db, hein.person.as_ref().unwrap(), &form(settings))
            .await
            .unwrap();
        (live, w, hein)
    }

    #[tokio::test]
    async fn a_workshop_needs_a_title_prompt_and_date_and_changes_nothing_when_wrong() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = member(&db, "hein@demo.q-commons.org").await;
            let bad = WorkshopForm {
                title: " ".into(),
                purpose: String::new(),
                held_on: "tomorrow".into(),
                space: "nowhere".into(),
                prompt: String::new(),
                template: None,
                settings: Settings::default(),
            };
            let err = create(&db, hein.person.as_ref().unwrap(), &bad)
                .await
                .unwrap_err();
            for field in ["title", "held_on", "space", "prompt"] {
                assert!(err.message_for(field).is_some(), "{field}: {err:?}");
            }
            assert_eq!(workshop::Entity::find().all(&db).await.unwrap().len(), 0);
            let w = create(
                &db,
                hein.person.as_ref().unwrap(),
                &form(Settings::default()),
            )
            .await
            .unwrap();
            assert_eq!(normalise_join_code(&w.join_code), Some(w.join_code.clone()));
            let kinds: Vec<ActivityKind> = activities(&db, w.id)
                .await
                .unwrap()
                .iter()
                .map(|a| a.kind)
                .collect();
            assert_eq!(
                kinds,
                vec![
                    ActivityKind::IdeaCapture,
                    ActivityKind::Grouping,
                    ActivityKind::DotVote
                ]
            );
            assert_eq!(
                by_code(&db, &w.join_code.to_lowercase()).await.unwrap().id,
                w.id
            );
        })
        .await;
    }

    #[tokio::test]
    async fn guests_join_once_per_device_and_members_as_themselves() {
        for_each_database(|db| async move {
            let (live, w, _) = setup(&db, Settings::default()).await;
            let err = join(&db, &live, &w, &guest("phone-a"), " ", "dragon")
                .await
                .unwrap_err();
            assert!(err.message_for("display_name").is_some());
            assert!(err.message_for("perspective").is_some());
            let a = join(&db, &live, &w, &guest("phone-a"), "Ana", "patient")
                .await
                .unwrap();
            let again = join(&db, &live, &w, &guest("phone-a"), "Someone else", "carer")
                .await
                .unwrap();
            assert_eq!(a.id, again.id);
            join(
                &db,
                &live,
                &w,
                &guest("phone-b"),
                "Ben",
                "prefer_not_to_say",
            )
            .await
            .unwrap();
            let sam = member(&db, "sam@demo.q-commons.org").await;
            let s = join(&db, &live, &w, &sam, "ignored", "carer")
                .await
                .unwrap();
            assert_eq!(
                Some(s.display_name.clone()),
                sam.person.as_ref().map(|p| p.name.clone())
            );
            assert_eq!(s.person_id, sam.person.as_ref().map(|p| p.id));
            let board = board(
                &db,
                w.id,
                Viewer {
                    participant_id: None,
                    facilitator: true,
                },
            )
            .await
            .unwrap();
            assert_eq!(board.turnout.total(), 3);
            assert!(board.turnout.0.contains(&(Some(Perspective::Patient), 1)));
            assert!(board.turnout.0.contains(&(None, 1)));
        })
        .await;
    }

    #[tokio::test]
    async fn a_note_sent_twice_is_stored_once_and_told_once() {
        for_each_database(|db| async move {
            let (live, w, hein) = setup(&db, Settings::default()).await;
            let ana = guest("phone-a");
            join(&db, &live, &w, &ana, "Ana", "patient").await.unwrap();
            let err = post_note(&db, &live, w.id, &ana, "Too early", "k1")
                .await
                .unwrap_err();
            assert!(err.to_string().contains("not running"), "{err}");
            control(&db, &live, w.id, &hein, Control::Start)
                .await
                .unwrap();
            let mut rx = live.subscribe(w.id);
            let first = post_note(&db, &live, w.id, &ana, "No one rang back", "k1")
                .await
                .unwrap();
            let second = post_note(&db, &live, w.id, &ana, "No one rang back", "k1")
                .await
                .unwrap();
            assert_eq!(first, second);
            let told = told(&db, &mut rx, w.id).await;
            let notes: Vec<&Fact> = told
                .iter()
                .filter(|e| matches!(e.fact, Fact::NoteSaved(_)))
                .map(|e| &e.fact)
                .collect();
            assert_eq!(notes.len(), 1, "told once: {told:?}");
            assert!(matches!(notes[0], Fact::NoteSaved(n) if n.id == first));
            // Sent twice at the same moment (a retry racing the original): still one note.
            let (a, b) = tokio::join!(
                post_note(&db, &live, w.id, &ana, "Parking costs too much", "k3"),
                post_note(&db, &live, w.id, &ana, "Parking costs too much", "k3"),
            );
            assert_eq!(a.unwrap(), b.unwrap());
            let long = "x".repeat(NOTE_MAX + 1);
            assert!(
                post_note(&db, &live, w.id, &ana, &long, "k2")
                    .await
                    .unwrap_err()
                    .message_for("body")
                    .is_some()
            );
            let count = workshop_note::Entity::find().all(&db).await.unwrap().len();
            assert_eq!(count, 2);
        })
        .await;
    }

    #[tokio::test]
    async fn participants_edit_and_delete_only_their_own_notes_while_capture_is_open() {
        for_each_database(|db| async move {
            let (live, w, hein) = setup(&db, Settings::default()).await;
            let (ana, ben) = (guest("a"), guest("b"));
            join(&db, &live, &w, &ana, "Ana", "patient").await.unwrap();
            join(&db, &live, &w, &ben, "Ben", "carer").await.unwrap();
            control(&db, &live, w.id, &hein, Control::Start)
                .await
                .unwrap();
            let n = post_note(&db, &live, w.id, &ana, "Transport home", "k")
                .await
                .unwrap();
            assert_eq!(
                edit_note(&db, &live, w.id, &ben, n, "Mine now")
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            assert_eq!(
                remove_note(&db, &live, w.id, &ben, n).await.unwrap_err(),
                AppError::Forbidden
            );
            edit_note(&db, &live, w.id, &ana, n, "Transport home is hard to book")
                .await
                .unwrap();
            control(&db, &live, w.id, &hein, Control::Lock)
                .await
                .unwrap();
            assert!(edit_note(&db, &live, w.id, &ana, n, "Again").await.is_err());
            control(&db, &live, w.id, &hein, Control::Advance)
                .await
                .unwrap();
            assert!(remove_note(&db, &live, w.id, &ana, n).await.is_err());
            // The facilitator may remove any note, at any time.
            remove_note(&db, &live, w.id, &hein, n).await.unwrap();
            assert!(
                workshop_note::Entity::find()
                    .all(&db)
                    .await
                    .unwrap()
                    .is_empty()
            );
        })
        .await;
    }

    #[tokio::test]
    async fn hidden_notes_reach_only_their_author_and_the_facilitator_until_reveal() {
        for_each_database(|db| async move {
            let settings = Settings {
                notes_visible: false,
                anonymous: true,
                ..Settings::default()
            };
            let (live, w, hein) = setup(&db, settings).await;
            let (ana, ben) = (guest("a"), guest("b"));
            let a = join(&db, &live, &w, &ana, "Ana", "patient").await.unwrap();
            let b = join(&db, &live, &w, &ben, "Ben", "carer").await.unwrap();
            control(&db, &live, w.id, &hein, Control::Start)
                .await
                .unwrap();
            post_note(&db, &live, w.id, &ana, "Medicines take hours", "k")
                .await
                .unwrap();
            let w = by_id(&db, w.id).await.unwrap();
            let as_ben = board(
                &db,
                w.id,
                Viewer {
                    participant_id: Some(b.id),
                    facilitator: false,
                },
            )
            .await
            .unwrap();
            assert!(as_ben.notes.is_empty());
            assert_eq!(as_ben.hidden_notes.len(), 1);
            let as_ana = board(
                &db,
                w.id,
                Viewer {
                    participant_id: Some(a.id),
                    facilitator: false,
                },
            )
            .await
            .unwrap();
            assert_eq!(as_ana.notes.len(), 1);
            assert!(as_ana.notes[0].mine && as_ana.notes[0].author.is_none());
            control(&db, &live, w.id, &hein, Control::Reveal)
                .await
                .unwrap();
            let w = by_id(&db, w.id).await.unwrap();
            let as_ben = board(
                &db,
                w.id,
                Viewer {
                    participant_id: Some(b.id),
                    facilitator: false,
                },
            )
            .await
            .unwrap();
            assert_eq!(as_ben.notes.len(), 1);
            assert_eq!(as_ben.notes[0].author, None, "anonymous stays anonymous");
        })
        .await;
    }

    #[tokio::test]
    async fn themes_group_notes_and_dots_respect_budget_cap_and_lock() {
        for_each_database(|db| async move {
            let (live, w, hein) = setup(&db, Settings::default()).await;
            let (ana, ben) = (guest("a"), guest("b"));
            join(&db, &live, &w, &ana, "Ana", "patient").await.unwrap();
            join(&db, &live, &w, &ben, "Ben", "carer").await.unwrap();
            control(&db, &live, w.id, &hein, Control::Start)
                .await
                .unwrap();
            let n1 = post_note(&db, &live, w.id, &ana, "Transport", "1")
                .await
                .unwrap();
            let n2 = post_note(&db, &live, w.id, &ben, "Medicines", "2")
                .await
                .unwrap();
            control(&db, &live, w.id, &hein, Control::Advance)
                .await
                .unwrap();
            // Participants may not theme unless the facilitator allows it.
            assert_eq!(
                create_theme(&db, &live, w.id, &ana, "Mine")
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            let travel = create_theme(&db, &live, w.id, &hein, "Getting there")
                .await
                .unwrap();
            let meds = create_theme(&db, &live, w.id, &hein, "Medicines")
                .await
                .unwrap();
            move_note(&db, &live, w.id, &hein, n1, Some(travel))
                .await
                .unwrap();
            move_note(&db, &live, w.id, &hein, n2, Some(meds))
                .await
                .unwrap();
            assert!(
                set_dots(&db, &live, w.id, &ana, travel, 1).await.is_err(),
                "voting not open yet"
            );
            control(&db, &live, w.id, &hein, Control::Advance)
                .await
                .unwrap();
            let (_, b) = set_dots(&db, &live, w.id, &ana, travel, 3).await.unwrap();
            assert_eq!(b, Ballot::from([(travel, 3)]));
            let err = set_dots(&db, &live, w.id, &ana, meds, 3).await.unwrap_err();
            assert!(
                err.message_for("dots").unwrap().contains("2 dots left"),
                "{err:?}"
            );
            assert!(
                set_dots(&db, &live, w.id, &ana, meds, 4).await.is_err(),
                "cap of 3"
            );
            // Change of mind.
            set_dots(&db, &live, w.id, &ana, travel, 1).await.unwrap();
            let (_, b) = set_dots(&db, &live, w.id, &ana, meds, 3).await.unwrap();
            assert_eq!(b, Ballot::from([(travel, 1), (meds, 3)]));
            set_dots(&db, &live, w.id, &ben, meds, 2).await.unwrap();
            assert!(set_dots(&db, &live, w.id, &ben, 999_999, 1).await.is_err());
            control(&db, &live, w.id, &hein, Control::Lock)
                .await
                .unwrap();
            assert!(
                set_dots(&db, &live, w.id, &ben, travel, 1).await.is_err(),
                "locked"
            );
            let w = by_id(&db, w.id).await.unwrap();
            let vote = activities(&db, w.id).await.unwrap()[2].id;
            let hidden = board(
                &db,
                w.id,
                Viewer {
                    participant_id: None,
                    facilitator: false,
                },
            )
            .await
            .unwrap();
            assert!(hidden.dots.is_empty(), "results hidden until reveal");
            let fac = board(
                &db,
                w.id,
                Viewer {
                    participant_id: None,
                    facilitator: true,
                },
            )
            .await
            .unwrap();
            let ranked: Vec<(i64, u32)> =
                fac.ranked(vote).iter().map(|d| (d.item, d.total)).collect();
            assert_eq!(ranked, vec![(meds, 5), (travel, 1)]);
            // Removing a theme frees its notes and its dots.
            remove_theme(&db, &live, w.id, &hein, meds).await.unwrap();
            let w = by_id(&db, w.id).await.unwrap();
            let fac = board(
                &db,
                w.id,
                Viewer {
                    participant_id: None,
                    facilitator: true,
                },
            )
            .await
            .unwrap();
            assert!(fac.notes.iter().all(|n| n.theme_id != Some(meds)));
            assert_eq!(fac.ranked(vote).len(), 1);
        })
        .await;
    }

    #[tokio::test]
    async fn only_the_facilitator_controls_and_every_change_is_numbered_in_order() {
        for_each_database(|db| async move {
            let (live, w, hein) = setup(&db, Settings::default()).await;
            let sam = member(&db, "sam@demo.q-commons.org").await;
            assert_eq!(
                control(&db, &live, w.id, &sam, Control::Start)
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            assert_eq!(
                update_settings(&db, &live, w.id, &sam, Settings::default())
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            let mut rx = live.subscribe(w.id);
            control(&db, &live, w.id, &hein, Control::Start)
                .await
                .unwrap();
            control(
                &db,
                &live,
                w.id,
                &hein,
                Control::StartTimer {
                    seconds: 60,
                    now_ms: 0,
                },
            )
            .await
            .unwrap();
            let err = control(&db, &live, w.id, &hein, Control::Back)
                .await
                .unwrap_err();
            assert!(err.to_string().contains("first activity"));
            let seqs: Vec<i64> = told(&db, &mut rx, w.id)
                .await
                .iter()
                .map(|e| e.seq)
                .collect();
            assert_eq!(seqs, vec![1, 2]);
            assert_eq!(by_id(&db, w.id).await.unwrap().seq, 2);
            // A viewpoint redacts the stream as the board would.
            let mut vp = snapshot(&db, w.id).await.unwrap().viewpoint(Viewer {
                participant_id: None,
                facilitator: false,
            });
            let e = crate::domain::workshop::board::Envelope {
                workshop_id: w.id,
                seq: 3,
                fact: Fact::DotsChanged(Dots {
                    activity_id: 1,
                    item: 1,
                    total: 1,
                }),
            };
            assert_eq!(vp.observe(&e).change, Change::Withheld);
        })
        .await;
    }

    #[tokio::test]
    async fn the_agenda_changes_only_where_the_workshop_has_not_reached() {
        for_each_database(|db| async move {
            let (live, w, hein) = setup(&db, Settings::default()).await;
            let bad = ActivityForm {
                kind: "karaoke".into(),
                prompt: String::new(),
                budget: "0".into(),
                cap: "x".into(),
                target: "people".into(),
                options: String::new(),
                multiple: false,
            };
            let err = add_activity(&db, &live, w.id, &hein, &bad)
                .await
                .unwrap_err();
            for field in ["kind", "prompt", "budget", "cap", "target"] {
                assert!(err.message_for(field).is_some(), "{field}");
            }
            let f = ActivityForm {
                kind: "dot_vote".into(),
                prompt: "Which single idea first?".into(),
                budget: "3".into(),
                cap: String::new(),
                target: "notes".into(),
                options: String::new(),
                multiple: false,
            };
            add_activity(&db, &live, w.id, &hein, &f).await.unwrap();
            let agenda = activities(&db, w.id).await.unwrap();
            assert_eq!(agenda.len(), 4);
            assert_eq!(
                agenda[3].rules,
                VoteRules {
                    budget: 3,
                    cap_per_item: None
                }
            );
            control(&db, &live, w.id, &hein, Control::Start)
                .await
                .unwrap();
            assert!(
                remove_activity(&db, &live, w.id, &hein, agenda[0].id)
                    .await
                    .is_err()
            );
            remove_activity(&db, &live, w.id, &hein, agenda[1].id)
                .await
                .unwrap();
            let after: Vec<i64> = activities(&db, w.id)
                .await
                .unwrap()
                .iter()
                .map(|a| a.id)
                .collect();
            assert_eq!(after, vec![agenda[0].id, agenda[2].id, agenda[3].id]);
        })
        .await;
    }
}
