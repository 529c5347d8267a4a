//! A space's workshop archive: past and planned workshops with their date, who took part
//! by perspective, their themes and open actions; searchable by title, purpose or theme.
use crate::domain::action::ActionStatus;
use crate::domain::membership::Perspective;
use crate::domain::workshop::board::Turnout;
use crate::error::AppError;
pub use crate::model::output::{ArchiveEntry, SpaceWorkshops};
use crate::server::entities::{action, workshop, workshop_participant, workshop_theme};
use crate::server::entities::{person, space};
use crate::server::services::actions::{self, Listing};
use crate::server::services::directory::like_pattern;
use crate::server::services::membership;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Longest search, in characters; most workshops listed at once.
pub const QUERY_MAX: usize = 100;
pub const LIMIT: u64 = 200;

/// A space's archive and its actions, for the community's own: active members and the
/// project team.
pub async fn space_workshops(
    db: &DatabaseConnection,
    person: &person::Model,
    slug: &str,
    q: &str,
    today: NaiveDate,
) -> Result<SpaceWorkshops, AppError> {
    membership::require_member_or_team(db, person.id).await?;
    let s = space::Entity::find()
        .filter(space::Column::Slug.eq(slug.trim()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such space.".into()))?;
    Ok(SpaceWorkshops {
        workshops: list(db, s.id, q, today).await?,
        actions: actions::list(db, Listing::InSpace(s.id), Some(person.id), today).await?,
        name: s.name,
        slug: s.slug,
    })
}

/// The space's workshops, newest first, matching `q` (empty: all): four queries.
pub async fn list(
    db: &impl ConnectionTrait,
    space_id: i64,
    q: &str,
    today: NaiveDate,
) -> Result<Vec<ArchiveEntry>, AppError> {
    if q.chars().count() > QUERY_MAX {
        return Err(AppError::invalid(
            "q",
            format!("Search for at most {QUERY_MAX} characters."),
        ));
    }
    let mut filter = Condition::all().add(workshop::Column::SpaceId.eq(space_id));
    if !q.trim().is_empty() {
        let like = || LikeExpr::new(like_pattern(q)).escape('\\');
        let lower = |c: workshop::Column| Expr::expr(Func::lower(Expr::col((workshop::Entity, c))));
        filter = filter.add(
            Condition::any()
                .add(lower(workshop::Column::Title).like(like()))
                .add(lower(workshop::Column::Purpose).like(like()))
                .add(
                    workshop::Column::Id.in_subquery(
                        Query::select()
                            .column(workshop_theme::Column::WorkshopId)
                            .from(workshop_theme::Entity)
                            .and_where(
                                Expr::expr(Func::lower(Expr::col(workshop_theme::Column::Name)))
                                    .like(like()),
                            )
                            .to_owned(),
                    ),
                ),
        );
    }
    let workshops = workshop::Entity::find()
        .filter(filter)
        .order_by_desc(workshop::Column::HeldOn)
        .order_by_desc(workshop::Column::Id)
        .limit(LIMIT)
        .all(db)
        .await?;
    if workshops.is_empty() {
        return Ok(Vec::new());
    }
    let ids = || workshops.iter().map(|w| w.id);
    let mut turnout: HashMap<i64, Turnout> = HashMap::new();
    for (w, perspective, n) in workshop_participant::Entity::find()
        .select_only()
        .column(workshop_participant::Column::WorkshopId)
        .column(workshop_participant::Column::Perspective)
        .column_as(Expr::col(workshop_participant::Column::Id).count(), "n")
        .filter(workshop_participant::Column::WorkshopId.is_in(ids()))
        .group_by(workshop_participant::Column::WorkshopId)
        .group_by(workshop_participant::Column::Perspective)
        .into_tuple::<(i64, Option<String>, i64)>()
        .all(db)
        .await?
    {
        turnout.entry(w).or_default().add_many(
            perspective.as_deref().and_then(Perspective::from_code),
            u32::try_from(n).unwrap_or(0),
        );
    }
    let mut themes: HashMap<i64, Vec<String>> = HashMap::new();
    for t in workshop_theme::Entity::find()
        .filter(workshop_theme::Column::WorkshopId.is_in(ids()))
        .order_by_asc(workshop_theme::Column::Id)
        .all(db)
        .await?
    {
        themes.entry(t.workshop_id).or_default().push(t.name);
    }
    let mut open: HashMap<i64, (u32, u32)> = HashMap::new();
    for (w, due_on) in action::Entity::find()
        .select_only()
        .column(action::Column::WorkshopId)
        .column(action::Column::DueOn)
        .filter(action::Column::WorkshopId.is_in(ids()))
        .filter(
            action::Column::Status
                .is_in([ActionStatus::Open.code(), ActionStatus::InProgress.code()]),
        )
        .into_tuple::<(Option<i64>, NaiveDate)>()
        .all(db)
        .await?
    {
        if let Some(w) = w {
            let e = open.entry(w).or_default();
            e.0 += 1;
            if due_on < today {
                e.1 += 1;
            }
        }
    }
    Ok(workshops
        .into_iter()
        .map(|w| {
            let (open_actions, overdue_actions) = open.get(&w.id).copied().unwrap_or_default();
            ArchiveEntry {
                turnout: turnout.remove(&w.id).unwrap_or_default(),
                themes: themes.remove(&w.id).unwrap_or_default(),
                open_actions,
                overdue_actions,
                id: w.id,
                title: w.title,
                held_on: w.held_on,
                finished: w.finished,
            }
        })
        .collect())
}
