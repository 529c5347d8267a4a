//! A workshop's report: read once, in a fixed number of queries however many notes,
//! votes and participants it has, for those who took part and the members of its space;
//! exported as CSV (raw records, anonymised where the workshop was) and Markdown.
use super::{
    activities, by_id, choices_by_voter, is_facilitator, participant, rating_of, settings_of,
    stage_of,
};
use crate::domain::membership::Action;
use crate::domain::workshop::board::{Viewer, Viewpoint};
use crate::domain::workshop::report::{
    ChoiceRow, DotRow, NoteRow, Participant, RatingRow, ReflectionRow, Report, ReportHeader,
    ReportInput, spreadsheet_safe,
};
use crate::domain::workshop::responses::Rating;
use crate::domain::workshop::responses::ReflectionPrompt;
use crate::error::AppError;
use crate::model::output::ReportPage;
use crate::server::auth::Who;
use crate::server::entities::{
    member, person, space, workshop, workshop_dot, workshop_note, workshop_poll_choice,
    workshop_rating, workshop_reflection,
};
use crate::server::services::actions::{self, Listing};
use crate::server::services::membership;
use crate::server::services::spaces::member_condition;
use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

/// What a reader may have of a workshop's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// As the live board would show it to this reader.
    pub viewer: Viewer,
    /// The raw records (every name and vote as a spreadsheet): the facilitator, and the
    /// stewards and conveners of the workshop's space (and the project team).
    pub records: bool,
}

/// Who may read a workshop's report: those who took part and, for a workshop held in a
/// space, the space's members. A join code alone opens nothing here.
pub async fn access(
    db: &impl ConnectionTrait,
    w: &workshop::Model,
    who: &Who,
) -> Result<Access, AppError> {
    let viewer = Viewer {
        participant_id: participant(db, w.id, who).await?.map(|p| p.id),
        facilitator: is_facilitator(w, who),
    };
    let refused = || {
        if who.person.is_none() && who.device_token.is_none() {
            AppError::Unauthenticated
        } else {
            AppError::Forbidden
        }
    };
    let Some(person) = &who.person else {
        return if viewer.participant_id.is_some() {
            Ok(Access {
                viewer,
                records: false,
            })
        } else {
            Err(refused())
        };
    };
    let today = Utc::now().date_naive();
    let actor = membership::actor(db, person.id).await?;
    let space = match w.space_id {
        Some(id) => space::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let (member, records) = match &space {
        Some(space) => {
            let scope = membership::scope(db, space).await?;
            let kind = scope.kind;
            let member = member::Entity::find()
                .filter(member::Column::PersonId.eq(person.id))
                .filter(member_condition(space, kind))
                .count(db)
                .await?
                > 0;
            (
                member,
                actor.may(Action::ReadWorkshopRecords, &scope, today),
            )
        }
        None => (false, actor.is_project_team(today)),
    };
    if !(viewer.facilitator || viewer.participant_id.is_some() || member || records) {
        return Err(refused());
    }
    Ok(Access {
        viewer,
        records: viewer.facilitator || records,
    })
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
    let access = access(&txn, &w, who).await?;
    if detail == Detail::Raw && !access.records {
        return Err(AppError::Forbidden);
    }
    let activities = activities(&txn, w.id).await?;
    let ids = || activities.iter().map(|a| a.id);
    let participants = super::participant_rows(&txn, w.id)
        .await?
        .into_iter()
        .map(|p| Participant {
            id: p.id,
            name: p.display_name,
            voice: p.perspective,
            named: p.named_in_report,
            guest: p.guest,
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
        .await?
        .into_iter()
        .map(
            |(id, activity_id, participant_id, body, theme_id)| NoteRow {
                id,
                activity_id,
                participant_id,
                body,
                theme_id,
            },
        )
        .collect();
    let dots = workshop_dot::Entity::find()
        .filter(workshop_dot::Column::ActivityId.is_in(ids()))
        .order_by_asc(workshop_dot::Column::ActivityId)
        .order_by_asc(workshop_dot::Column::ParticipantId)
        .order_by_asc(workshop_dot::Column::Item)
        .all(&txn)
        .await?
        .into_iter()
        .map(|d| DotRow {
            activity_id: d.activity_id,
            participant_id: d.participant_id,
            item: d.item,
            dots: u32::try_from(d.dots).unwrap_or(0),
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
        .flat_map(|((activity_id, participant_id), options)| {
            options.into_iter().map(move |option_id| ChoiceRow {
                activity_id,
                participant_id,
                option_id,
            })
        })
        .collect();
    let reflections = workshop_reflection::Entity::find()
        .filter(workshop_reflection::Column::WorkshopId.eq(w.id))
        .order_by_asc(workshop_reflection::Column::Id)
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| ReflectionRow {
            activity_id: r.activity_id,
            participant_id: r.participant_id,
            prompt: ReflectionPrompt::from_code(&r.prompt).unwrap_or(ReflectionPrompt::Learned),
            body: r.body,
            anonymous: r.anonymous,
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
    let viewpoint = Viewpoint {
        viewer: access.viewer,
        settings: settings_of(&w),
        stage: stage_of(&w, &activities),
        agenda: activities.iter().map(|a| a.id).collect(),
    };
    let mut input = ReportInput {
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
    };
    input.redact(&viewpoint);
    Ok(input)
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

/// The report page: the report as this reader may see it, whether they may download the
/// raw records, and for the facilitator what creating an action needs.
pub async fn report_page(
    db: &DatabaseConnection,
    workshop_id: i64,
    who: &Who,
    today: NaiveDate,
) -> Result<ReportPage, AppError> {
    let input = input(db, workshop_id, who, today, Detail::Summary).await?;
    let w = by_id(db, workshop_id).await?;
    let access = access(db, &w, who).await?;
    let (owners, sources) = if access.viewer.facilitator {
        let mut sources: Vec<(String, String)> = input
            .themes
            .iter()
            .map(|t| (format!("theme:{}", t.id), format!("Theme: {}", t.name)))
            .collect();
        sources.extend(input.notes.iter().take(500).map(|n| {
            let short: String = n.body.chars().take(60).collect();
            (format!("note:{}", n.id), format!("Note: {short}"))
        }));
        (Some(actions::owner_choices(db, &w).await?), sources)
    } else {
        (None, Vec::new())
    };
    // "Propose this" for those who may propose in the workshop's space.
    let propose_in = match (&who.person, w.space_id) {
        (Some(person), Some(space_id)) => {
            match space::Entity::find_by_id(space_id).one(db).await? {
                Some(s) => {
                    let scope = membership::scope(db, &s).await?;
                    crate::server::services::proposals::may_take_part(db, person.id, &s, &scope)
                        .await
                        .is_ok()
                        .then_some(s.slug)
                }
                None => None,
            }
        }
        _ => None,
    };
    Ok(ReportPage {
        report: input.report(),
        records: access.records,
        owners,
        sources,
        propose_in,
    })
}

/// The raw records as CSV (RFC 4180, UTF-8), every cell safe to open in a spreadsheet.
pub fn csv(input: &ReportInput) -> Result<String, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in input.records() {
        out.write_record(row.iter().map(|cell| spreadsheet_safe(cell).into_owned()))
            .map_err(|_| AppError::Internal)?;
    }
    let bytes = out.into_inner().map_err(|_| AppError::Internal)?;
    String::from_utf8(bytes).map_err(|_| AppError::Internal)
}
