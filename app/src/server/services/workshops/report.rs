//! A workshop's report: read once, in a fixed number of queries however many notes,
//! votes and participants it has, for those who took part and the members of its space;
//! exported as CSV (raw records, anonymised where the workshop was) and Markdown.
use super::{Who, activities, by_id, choices_by_voter, is_facilitator, participant, rating_of};
use crate::domain::structure::SpaceKind;
use crate::domain::workshop::outcomes::Rating;
use crate::domain::workshop::outcomes::ReflectionPrompt;
use crate::domain::workshop::report::{Participant, RatingRow, Report, ReportHeader, ReportInput};
use crate::error::AppError;
use crate::server::entities::{
    member, person, space, workshop, workshop_dot, workshop_note, workshop_poll_choice,
    workshop_rating, workshop_reflection,
};
use crate::server::services::actions::{self, Listing};
use crate::server::services::spaces::member_condition;
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

/// Those who took part and, for a workshop held in a space, the space's members.
pub async fn may_read(
    db: &impl ConnectionTrait,
    w: &workshop::Model,
    who: &Who,
) -> Result<bool, AppError> {
    if is_facilitator(w, who) || participant(db, w.id, who).await?.is_some() {
        return Ok(true);
    }
    let (Some(person), Some(space_id)) = (&who.person, w.space_id) else {
        return Ok(false);
    };
    let Some(space) = space::Entity::find_by_id(space_id).one(db).await? else {
        return Ok(false);
    };
    let Some(kind) = SpaceKind::from_code(&space.kind) else {
        return Ok(false);
    };
    Ok(member::Entity::find()
        .filter(member::Column::PersonId.eq(person.id))
        .filter(member_condition(&space, kind))
        .count(db)
        .await?
        > 0)
}

/// How much of the ratings to read: the report needs only how many gave each rating
/// (summed by the database: at most 25 rows a theme), the export every one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    Summary,
    Raw,
}

/// Everything the report and the export are made of, read consistently.
pub async fn input(
    db: &DatabaseConnection,
    workshop_id: i64,
    who: &Who,
    today: NaiveDate,
    detail: Detail,
) -> Result<ReportInput, AppError> {
    let txn = super::consistent_read(db).await?;
    let w = by_id(&txn, workshop_id).await?;
    if !may_read(&txn, &w, who).await? {
        return Err(if who.person.is_none() && who.device_token.is_none() {
            AppError::Unauthenticated
        } else {
            AppError::Forbidden
        });
    }
    let activities = activities(&txn, w.id).await?;
    let ids = || activities.iter().map(|a| a.id);
    let participants = super::participant_rows(&txn, w.id)
        .await?
        .into_iter()
        .map(|(id, name, p)| Participant {
            id,
            name,
            voice: p
                .as_deref()
                .and_then(crate::domain::membership::Perspective::from_code),
        })
        .collect();
    let themes = super::themes(&txn, w.id).await?;
    let notes = workshop_note::Entity::find()
        .select_only()
        .column(workshop_note::Column::Id)
        .column(workshop_note::Column::ActivityId)
        .column(workshop_note::Column::ParticipantId)
        .column(workshop_note::Column::Body)
        .column(workshop_note::Column::ThemeId)
        .filter(workshop_note::Column::WorkshopId.eq(w.id))
        .order_by_asc(workshop_note::Column::Id)
        .into_tuple::<(i64, i64, i64, String, Option<i64>)>()
        .all(&txn)
        .await?;
    let dots = workshop_dot::Entity::find()
        .filter(workshop_dot::Column::ActivityId.is_in(ids()))
        .order_by_asc(workshop_dot::Column::ActivityId)
        .order_by_asc(workshop_dot::Column::ParticipantId)
        .order_by_asc(workshop_dot::Column::Item)
        .all(&txn)
        .await?
        .into_iter()
        .map(|d| {
            (
                d.activity_id,
                d.participant_id,
                d.item,
                u32::try_from(d.dots).unwrap_or(0),
            )
        })
        .collect();
    let ratings = match detail {
        Detail::Raw => workshop_rating::Entity::find()
            .filter(workshop_rating::Column::ActivityId.is_in(ids()))
            .order_by_asc(workshop_rating::Column::ActivityId)
            .order_by_asc(workshop_rating::Column::ParticipantId)
            .order_by_asc(workshop_rating::Column::ThemeId)
            .all(&txn)
            .await?
            .iter()
            .map(|r| RatingRow {
                activity_id: r.activity_id,
                participant_id: Some(r.participant_id),
                theme_id: r.theme_id,
                rating: rating_of(r),
                count: 1,
            })
            .collect(),
        Detail::Summary => {
            use workshop_rating::Column as C;
            workshop_rating::Entity::find()
                .select_only()
                .columns([C::ActivityId, C::ThemeId, C::Impact, C::Effort])
                .column_as(Expr::col(C::ParticipantId).count(), "n")
                .filter(C::ActivityId.is_in(ids()))
                .group_by(C::ActivityId)
                .group_by(C::ThemeId)
                .group_by(C::Impact)
                .group_by(C::Effort)
                .into_tuple::<(i64, i64, i16, i16, i64)>()
                .all(&txn)
                .await?
                .into_iter()
                .map(|(activity_id, theme_id, impact, effort, n)| RatingRow {
                    activity_id,
                    participant_id: None,
                    theme_id,
                    rating: Rating {
                        impact: u8::try_from(impact).unwrap_or(1),
                        effort: u8::try_from(effort).unwrap_or(1),
                    },
                    count: u32::try_from(n).unwrap_or(0),
                })
                .collect()
        }
    };
    let choices = workshop_poll_choice::Entity::find()
        .filter(workshop_poll_choice::Column::ActivityId.is_in(ids()))
        .order_by_asc(workshop_poll_choice::Column::OptionId)
        .all(&txn)
        .await?;
    let choices = choices_by_voter(&choices)
        .into_iter()
        .flat_map(|((a, p), options)| options.into_iter().map(move |o| (a, p, o)))
        .collect();
    let reflections = workshop_reflection::Entity::find()
        .filter(workshop_reflection::Column::WorkshopId.eq(w.id))
        .order_by_asc(workshop_reflection::Column::Id)
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.activity_id,
                r.participant_id,
                ReflectionPrompt::from_code(&r.prompt).unwrap_or(ReflectionPrompt::Learned),
                r.body,
                r.anonymous,
            )
        })
        .collect();
    let space = match w.space_id {
        Some(s) => space::Entity::find_by_id(s)
            .one(&txn)
            .await?
            .map(|s| (s.name, s.slug)),
        None => None,
    };
    let facilitator = person::Entity::find_by_id(w.facilitator_id)
        .one(&txn)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    let viewer = who.person.as_ref().map(|p| p.id);
    let actions = actions::list(&txn, Listing::FromWorkshop(w.id), viewer, today).await?;
    txn.commit().await?;
    Ok(ReportInput {
        header: ReportHeader {
            workshop_id: w.id,
            title: w.title,
            purpose: w.purpose,
            held_on: w.held_on,
            space,
            facilitator,
            anonymous: w.anonymous,
            finished: w.finished,
        },
        activities,
        participants,
        themes,
        notes,
        dots,
        ratings,
        choices,
        reflections,
        actions,
    })
}

pub async fn report(
    db: &DatabaseConnection,
    workshop_id: i64,
    who: &Who,
    today: NaiveDate,
) -> Result<Report, AppError> {
    Ok(input(db, workshop_id, who, today, Detail::Summary)
        .await?
        .report())
}

/// The raw records as CSV (RFC 4180, UTF-8).
pub fn csv(input: &ReportInput) -> Result<String, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in input.records() {
        out.write_record(&row).map_err(|_| AppError::Internal)?;
    }
    let bytes = out.into_inner().map_err(|_| AppError::Internal)?;
    String::from_utf8(bytes).map_err(|_| AppError::Internal)
}
