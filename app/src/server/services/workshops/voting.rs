//! Votes in every form: dots within the budget and cap, impact/effort ratings of themes,
//! and poll answers.
use super::lookup::{Acting, acting, open_activity};
use super::nat;
use crate::domain::workshop::board::{Dots, Fact, Saved, VoteTarget};
use crate::domain::workshop::responses::{Rating, choose};
use crate::domain::workshop::{ActivityKind, Ballot};
use crate::error::AppError;
use crate::server::auth::Who;
use crate::server::entities::{
    workshop_dot, workshop_note, workshop_poll_choice, workshop_rating, workshop_theme,
};
use crate::server::live::Live;
use sea_orm::prelude::Expr;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
};

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
) -> Result<Saved<(i64, Ballot)>, AppError> {
    live.write_saved(db, workshop_id, async |txn| {
        let Acting {
            actor,
            activities,
            stage,
            workshop,
        } = acting(txn, workshop_id, who).await?;
        let seq = workshop.seq;
        let me = actor.participant()?;
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
            return Ok((((activity.id, next), seq), vec![]));
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
                dots: Set(i32::try_from(dots).map_err(|_| AppError::Internal)?),
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
        Ok((((activity.id, next), seq), vec![fact]))
    })
    .await
}

/// Rate one theme in the open prioritise activity; `None` takes the rating back.
pub async fn rate(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    theme_id: i64,
    rating: Option<(u8, u8)>,
) -> Result<Saved<Option<Rating>>, AppError> {
    let rating = rating
        .map(|(impact, effort)| Rating::new(impact, effort))
        .transpose()?;
    live.write_saved(db, workshop_id, async |txn| {
        let Acting {
            actor,
            activities,
            stage,
            workshop,
        } = acting(txn, workshop_id, who).await?;
        let seq = workshop.seq;
        let me = actor.participant()?;
        let activity = open_activity(&activities, &stage, ActivityKind::Prioritise)?;
        workshop_theme::Entity::find_by_id(theme_id)
            .filter(workshop_theme::Column::WorkshopId.eq(workshop_id))
            .one(txn)
            .await?
            .ok_or_else(|| AppError::invalid("theme", "That theme is not in this workshop."))?;
        let key = (activity.id, me.id, theme_id);
        let before = workshop_rating::Entity::find_by_id(key)
            .one(txn)
            .await?
            .map(|r| super::rating_of(&r));
        if before == rating {
            return Ok(((rating, seq), vec![]));
        }
        workshop_rating::Entity::delete_by_id(key).exec(txn).await?;
        if let Some(r) = rating {
            workshop_rating::ActiveModel {
                activity_id: Set(activity.id),
                participant_id: Set(me.id),
                theme_id: Set(theme_id),
                impact: Set(i16::from(r.impact)),
                effort: Set(i16::from(r.effort)),
            }
            .insert(txn)
            .await?;
        }
        let fact = Fact::Rated {
            activity_id: activity.id,
            theme_id,
            before,
            after: rating,
        };
        Ok(((rating, seq), vec![fact]))
    })
    .await
}

/// Answer the open poll with `chosen` options (none withdraws the answer). Returns the
/// poll's id and the choice as stored.
pub async fn answer_poll(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    chosen: &[i64],
) -> Result<Saved<(i64, Vec<i64>)>, AppError> {
    live.write_saved(db, workshop_id, async |txn| {
        let Acting {
            actor,
            activities,
            stage,
            workshop,
        } = acting(txn, workshop_id, who).await?;
        let seq = workshop.seq;
        let me = actor.participant()?;
        let poll = open_activity(&activities, &stage, ActivityKind::Poll)?;
        let options: Vec<i64> = poll.options.iter().map(|o| o.id).collect();
        let after = choose(&options, poll.multiple, chosen)?;
        let mut before: Vec<i64> = workshop_poll_choice::Entity::find()
            .filter(workshop_poll_choice::Column::ActivityId.eq(poll.id))
            .filter(workshop_poll_choice::Column::ParticipantId.eq(me.id))
            .all(txn)
            .await?
            .into_iter()
            .map(|c| c.option_id)
            .collect();
        before.sort_unstable();
        if before == after {
            return Ok((((poll.id, after), seq), vec![]));
        }
        workshop_poll_choice::Entity::delete_many()
            .filter(workshop_poll_choice::Column::ActivityId.eq(poll.id))
            .filter(workshop_poll_choice::Column::ParticipantId.eq(me.id))
            .exec(txn)
            .await?;
        if !after.is_empty() {
            workshop_poll_choice::Entity::insert_many(after.iter().map(|o| {
                workshop_poll_choice::ActiveModel {
                    activity_id: Set(poll.id),
                    participant_id: Set(me.id),
                    option_id: Set(*o),
                }
            }))
            .exec(txn)
            .await?;
        }
        let fact = Fact::Chose {
            activity_id: poll.id,
            before,
            after: after.clone(),
        };
        Ok((((poll.id, after), seq), vec![fact]))
    })
    .await
}
