//! Finding a workshop (by id, by join code) and where it stands, and who may act in it.
use crate::domain::workshop::board::{Activity, Viewer};
use crate::domain::workshop::{ActivityKind, JOIN_CODE_LEN, Stage, normalise_join_code};
use crate::error::AppError;
use crate::server::auth::Who;
use crate::server::entities::{person, workshop, workshop_participant};
use chrono::Utc;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::agenda::{activities, stage_of};
use super::participants::participant;
use crate::model::workshops::WorkshopLink;
use crate::server::services::throttle::{self, Bucket};
use chrono::DateTime;

fn not_found() -> AppError {
    AppError::NotFound("There is no workshop with that code.".into())
}

/// Whether a finished workshop's join code has stopped working: `code_days` after it
/// finished, so a code once projected on a wall does not open the workshop for ever.
pub fn code_expired(w: &workshop::Model, now: DateTime<Utc>) -> bool {
    w.finished
        && w.finished_at
            .is_some_and(|at| now >= at + chrono::Duration::days(i64::from(w.code_days)))
}

/// The workshop a join code opens, if it still opens one.
pub async fn by_code(db: &impl ConnectionTrait, typed: &str) -> Result<workshop::Model, AppError> {
    let code = normalise_join_code(typed).ok_or_else(|| {
        AppError::invalid(
            "code",
            format!("A join code has {JOIN_CODE_LEN} letters and numbers, like KQ4-7MX."),
        )
    })?;
    let w = workshop::Entity::find()
        .filter(workshop::Column::JoinCode.eq(code))
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    if code_expired(&w, Utc::now()) {
        return Err(AppError::NotFound(
            "This join code has expired: the workshop finished some days ago.".into(),
        ));
    }
    Ok(w)
}

/// [`by_code`] for a code typed or opened by a client, who may only miss so often: a
/// script walking through codes is stopped long before it finds one.
pub async fn by_code_from(
    db: &impl ConnectionTrait,
    typed: &str,
    client: &str,
) -> Result<workshop::Model, AppError> {
    throttle::check(db, Bucket::JoinCodeMiss, client).await?;
    let found = by_code(db, typed).await;
    if matches!(found, Err(AppError::NotFound(_))) {
        throttle::record(db, Bucket::JoinCodeMiss, client).await?;
    }
    found
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<workshop::Model, AppError> {
    workshop::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)
}

/// Who may act in a workshop, decided in one place from who is asking and the workshop's
/// own rows: its facilitator, and those who joined it (and were not removed). Everyone
/// else — no cookie, another member, a guest of another workshop — is refused here.
#[derive(Debug, Clone)]
pub struct Actor {
    pub facilitator: bool,
    pub participant: Option<workshop_participant::Model>,
}

impl Actor {
    /// The participant acting, for what only participants do (post a note, vote).
    pub fn participant(&self) -> Result<&workshop_participant::Model, AppError> {
        self.participant
            .as_ref()
            .ok_or_else(|| AppError::invalid("workshop", "Join the workshop first."))
    }

    /// Refuse unless this is the facilitator.
    pub fn facilitator(&self) -> Result<(), AppError> {
        if self.facilitator {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn viewer(&self) -> Viewer {
        Viewer {
            participant_id: self.participant.as_ref().map(|p| p.id),
            facilitator: self.facilitator,
        }
    }
}

/// The one check every workshop action passes: the facilitator or a participant.
pub async fn actor(
    db: &impl ConnectionTrait,
    w: &workshop::Model,
    who: &Who,
) -> Result<Actor, AppError> {
    let facilitator = is_facilitator(w, who);
    let participant = participant(db, w.id, who).await?;
    if !facilitator && participant.is_none() {
        return Err(if who.person.is_none() && who.device_token.is_none() {
            AppError::Unauthenticated
        } else {
            AppError::Forbidden
        });
    }
    Ok(Actor {
        facilitator,
        participant,
    })
}

/// A workshop read inside a transaction, with who is acting in it.
pub(crate) struct Acting {
    pub actor: Actor,
    pub workshop: workshop::Model,
    pub activities: Vec<Activity>,
    pub stage: Stage,
}

/// The workshop, its agenda and stage, and who is acting: refused unless the facilitator
/// or a participant.
pub(crate) async fn acting(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    who: &Who,
) -> Result<Acting, AppError> {
    let (workshop, activities, stage) = current(db, workshop_id).await?;
    let actor = actor(db, &workshop, who).await?;
    Ok(Acting {
        actor,
        workshop,
        activities,
        stage,
    })
}

/// [`acting`], for the facilitator only.
pub(crate) async fn facilitated(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    who: &Who,
) -> Result<(workshop::Model, Vec<Activity>, Stage), AppError> {
    let a = acting(db, workshop_id, who).await?;
    a.actor.facilitator()?;
    Ok((a.workshop, a.activities, a.stage))
}

/// [`actor`] for a workshop known by id.
pub async fn actor_in(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    who: &Who,
) -> Result<Actor, AppError> {
    let w = by_id(db, workshop_id).await?;
    actor(db, &w, who).await
}

/// The workshop, its agenda and stage, read again inside a transaction.
pub(crate) async fn current(
    db: &impl ConnectionTrait,
    workshop_id: i64,
) -> Result<(workshop::Model, Vec<Activity>, Stage), AppError> {
    let w = by_id(db, workshop_id).await?;
    let activities = activities(db, w.id).await?;
    let stage = stage_of(&w, &activities);
    Ok((w, activities, stage))
}

pub(crate) fn is_facilitator(w: &workshop::Model, who: &Who) -> bool {
    who.person
        .as_ref()
        .is_some_and(|p| p.id == w.facilitator_id)
}

pub(crate) fn open_activity(
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

/// Workshops this person facilitates or took part in, as listed for them.
pub async fn my_workshops(
    db: &DatabaseConnection,
    person: &person::Model,
) -> Result<Vec<WorkshopLink>, AppError> {
    Ok(mine(db, person.id)
        .await?
        .into_iter()
        .map(|w| WorkshopLink {
            id: w.id,
            title: w.title,
            held_on: w.held_on.to_string(),
            join_code: w.join_code,
            facilitating: w.facilitator_id == person.id,
        })
        .collect())
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
