//! Creating a workshop and its agenda: the usual steps or a template's, and the
//! facilitator's changes to the steps the workshop has not reached.
use crate::domain::workshop::board::{
    Activity, DEFAULT_CODE_DAYS, Fact, PollOption, Settings, VoteTarget,
};
use crate::domain::workshop::{
    ActivityKind, AgendaStep, JOIN_CODE_LEN, Stage, VoteRules, join_code,
};
use crate::error::{AppError, Validation};
use crate::server::auth::Who;
use crate::server::entities::{person, space, workshop, workshop_activity, workshop_poll_option};
use crate::server::live::Live;
use chrono::{NaiveDate, Utc};
use sea_orm::prelude::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use std::collections::HashMap;

use super::lookup::facilitated;
use super::{PROMPT_MAX, PURPOSE_MAX, TITLE_MAX, nat, templates, text};
use crate::domain::membership::Action;
use crate::model::workshops::NewWorkshopPage;
use crate::server::db::is_unique_violation;
use crate::server::services::membership;

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

/// A workshop form that passed every check.
#[derive(Default)]
struct CheckedWorkshop {
    title: String,
    purpose: String,
    prompt: String,
    held_on: NaiveDate,
    space_id: Option<i64>,
    /// A template's steps; empty for the usual agenda.
    template_steps: Vec<AgendaStep>,
}

/// Where `person` may hold a workshop: every space the rules let them (their own region
/// and its groups, the national group and its groups; anywhere for the project team).
pub async fn spaces_for(
    db: &impl ConnectionTrait,
    person_id: i64,
    today: NaiveDate,
) -> Result<Vec<space::Model>, AppError> {
    let actor = membership::actor(db, person_id).await?;
    Ok(membership::scopes(db)
        .await?
        .into_iter()
        .filter(|(_, scope)| actor.may(Action::HoldWorkshop, scope, today))
        .map(|(s, _)| s)
        .collect())
}

/// Check the form whole. The space comes from the browser as a slug: it must be one the
/// facilitator may hold a workshop in, not merely one that exists.
async fn check(
    db: &DatabaseConnection,
    facilitator: &person::Model,
    f: &WorkshopForm,
    today: NaiveDate,
) -> Result<CheckedWorkshop, AppError> {
    let mut v = Validation::default();
    let title = v.take(text("title", &f.title, "a title", TITLE_MAX, true));
    let purpose = v.take(text(
        "purpose",
        &f.purpose,
        "the purpose",
        PURPOSE_MAX,
        false,
    ));
    let prompt = v.take(text(
        "prompt",
        &f.prompt,
        "a question",
        PROMPT_MAX,
        f.template.is_none(),
    ));
    let template_steps = match f.template {
        None => Vec::new(),
        Some(id) => v.take(templates::steps(db, id).await),
    };
    let held_on = v.take(
        NaiveDate::parse_from_str(f.held_on.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::invalid("held_on", "Enter the date, like 2026-12-01.")),
    );
    let slug = f.space.trim();
    let space_id = if slug.is_empty() {
        None
    } else {
        let allowed = spaces_for(db, facilitator.id, today).await?;
        match allowed.iter().find(|s| s.slug == slug) {
            Some(s) => Some(s.id),
            None => {
                v.refuse(
                    "space",
                    "Choose a space from the list: your region, its groups, or national.",
                );
                None
            }
        }
    };
    v.finish_with(CheckedWorkshop {
        title,
        purpose,
        prompt,
        held_on,
        space_id,
        template_steps,
    })
}

/// Any active member may run a workshop, in a space they may hold one in. It starts with
/// the usual agenda — capture ideas on the prompt, group them into themes, then dot-vote
/// on the themes — or a template's. The workshop and its agenda are stored together or
/// not at all.
pub async fn create(
    db: &DatabaseConnection,
    facilitator: &person::Model,
    f: &WorkshopForm,
) -> Result<workshop::Model, AppError> {
    let today = Utc::now().date_naive();
    if !membership::actor(db, facilitator.id).await?.is_active() {
        return Err(AppError::Forbidden);
    }
    let c = check(db, facilitator, f, today).await?;
    let agenda = if c.template_steps.is_empty() {
        vec![
            AgendaStep::new(ActivityKind::IdeaCapture, &c.prompt),
            AgendaStep::new(ActivityKind::Grouping, "Group the ideas into themes."),
            AgendaStep::new(ActivityKind::DotVote, "Which themes matter most?"),
        ]
    } else {
        // A question given with a template asks it in the template's first idea capture.
        let mut agenda = c.template_steps.clone();
        if let Some(capture) = agenda
            .iter_mut()
            .find(|s| s.kind == ActivityKind::IdeaCapture)
            .filter(|_| !c.prompt.is_empty())
        {
            capture.prompt = c.prompt.clone();
        }
        agenda
    };
    let s = f.settings;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let mut random = [0u8; JOIN_CODE_LEN];
        rand::fill(&mut random);
        let txn = crate::server::db::begin_write(db).await?;
        let insert = workshop::ActiveModel {
            space_id: Set(c.space_id),
            title: Set(c.title.clone()),
            purpose: Set(c.purpose.clone()),
            held_on: Set(c.held_on),
            join_code: Set(join_code(random)),
            facilitator_id: Set(facilitator.id),
            seq: Set(0),
            current_index: Set(None),
            finished: Set(false),
            finished_at: Set(None),
            locked: Set(false),
            revealed: Set(false),
            timer_ends_at_ms: Set(None),
            anonymous: Set(s.anonymous),
            notes_visible: Set(s.notes_visible),
            results_live: Set(s.results_live),
            participants_theme: Set(s.participants_theme),
            code_days: Set(i32::from(s.code_days)),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await;
        let created = match insert {
            Ok(w) => w,
            // 25^6 codes: a clash is rare, and another draw settles it.
            Err(e) if is_unique_violation(&e) && attempts < 5 => {
                txn.rollback().await?;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        for (i, step) in agenda.iter().enumerate() {
            insert_activity(&txn, created.id, i as i32, step).await?;
        }
        txn.commit().await?;
        return Ok(created);
    }
}

/// What the "run a workshop" form needs: where this person may hold one, and the
/// templates.
pub async fn new_workshop_page(
    db: &DatabaseConnection,
    person: &person::Model,
    today: NaiveDate,
) -> Result<NewWorkshopPage, AppError> {
    let may_create = membership::actor(db, person.id).await?.is_active();
    let spaces = if may_create {
        let mut spaces = spaces_for(db, person.id, today).await?;
        spaces.sort_by(|a, b| a.name.cmp(&b.name));
        spaces.into_iter().map(|s| (s.slug, s.name)).collect()
    } else {
        Vec::new()
    };
    Ok(NewWorkshopPage {
        templates: templates::list(db).await?,
        spaces,
        today: today.to_string(),
        may_create,
    })
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
        code_days: u16::try_from(w.code_days).unwrap_or(DEFAULT_CODE_DAYS),
    }
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
    let prompt = v.take(text("prompt", &f.prompt, "a prompt", PROMPT_MAX, true));
    let budget = v.take(
        f.budget
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|b| (1..=20).contains(b))
            .ok_or_else(|| AppError::invalid("budget", "Give each person between 1 and 20 dots.")),
    );
    let cap = v.take(match f.cap.trim() {
        "" => Ok(None),
        c => c
            .parse::<u32>()
            .ok()
            .filter(|c| (1..=20).contains(c))
            .map(Some)
            .ok_or_else(|| AppError::invalid("cap", "A cap is between 1 and 20 dots, or empty.")),
    });
    let target = v.take(
        VoteTarget::from_code(&f.target)
            .ok_or_else(|| AppError::invalid("target", "Choose themes or notes.")),
    );
    let options = match kind {
        Some(ActivityKind::Poll) => v.take(
            crate::domain::workshop::responses::poll_options(&f.options)
                .map_err(|e| AppError::invalid("options", e)),
        ),
        _ => Vec::new(),
    };
    let kind = kind.unwrap_or_default();
    v.finish_with(AgendaStep {
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
