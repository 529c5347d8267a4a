//! Input in the later activities: rating themes for impact and effort, answering a poll,
//! and reflecting. Each change is stored and numbered, then told, like notes and dots.
use super::{HashMap, Who, current, open_activity, reflection_fact, require_participant, text};
use crate::domain::workshop::ActivityKind;
use crate::domain::workshop::board::Fact;
use crate::domain::workshop::outcomes::{REFLECTION_MAX, Rating, ReflectionPrompt, choose};
use crate::error::AppError;
use crate::server::entities::{
    workshop_poll_choice, workshop_rating, workshop_reflection, workshop_theme,
};
use crate::server::live::Live;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

/// Rate one theme in the open prioritise activity; `None` takes the rating back.
pub async fn rate(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    theme_id: i64,
    rating: Option<(u8, u8)>,
) -> Result<Option<Rating>, AppError> {
    let rating = rating
        .map(|(impact, effort)| Rating::new(impact, effort))
        .transpose()?;
    let me = require_participant(db, workshop_id, who).await?;
    live.write(db, workshop_id, async |txn| {
        let (_, activities, stage) = current(txn, workshop_id).await?;
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
            return Ok((rating, vec![]));
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
        Ok((rating, vec![fact]))
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
) -> Result<(i64, Vec<i64>), AppError> {
    let me = require_participant(db, workshop_id, who).await?;
    live.write(db, workshop_id, async |txn| {
        let (_, activities, stage) = current(txn, workshop_id).await?;
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
            return Ok(((poll.id, after), vec![]));
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
        Ok(((poll.id, after), vec![fact]))
    })
    .await
}

/// Add a reflection answer in the open reflection. Like a note, the same `client_key`
/// twice stores it once. `anonymous` leaves the name off for everyone.
pub struct ReflectionForm {
    /// A [`ReflectionPrompt`] code.
    pub prompt: String,
    pub body: String,
    pub anonymous: bool,
    pub client_key: String,
}

pub async fn reflect(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    f: &ReflectionForm,
) -> Result<i64, AppError> {
    let anonymous = f.anonymous;
    let prompt = ReflectionPrompt::from_code(&f.prompt).ok_or_else(|| {
        AppError::invalid(
            "prompt",
            "Choose what worked, what to change or what you learned.",
        )
    })?;
    let body = text("body", &f.body, "your reflection", REFLECTION_MAX, true)?;
    let key = f.client_key.trim();
    if key.is_empty() || key.len() > 64 {
        return Err(AppError::invalid(
            "client_key",
            "A reflection needs a key of up to 64 characters.",
        ));
    }
    let me = require_participant(db, workshop_id, who).await?;
    let existing = async || {
        Ok::<_, AppError>(
            workshop_reflection::Entity::find()
                .filter(workshop_reflection::Column::ParticipantId.eq(me.id))
                .filter(workshop_reflection::Column::ClientKey.eq(key))
                .one(db)
                .await?
                .map(|r| r.id),
        )
    };
    if let Some(id) = existing().await? {
        return Ok(id);
    }
    let stored = live
        .write(db, workshop_id, async |txn| {
            let (_, activities, stage) = current(txn, workshop_id).await?;
            let activity = open_activity(&activities, &stage, ActivityKind::Reflection)?;
            let r = workshop_reflection::ActiveModel {
                workshop_id: Set(workshop_id),
                activity_id: Set(activity.id),
                participant_id: Set(me.id),
                prompt: Set(prompt.code().to_owned()),
                body: Set(body.clone()),
                anonymous: Set(anonymous),
                client_key: Set(key.to_owned()),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            let names = HashMap::from([(me.id, me.display_name.clone())]);
            Ok((
                r.id,
                vec![Fact::ReflectionSaved(reflection_fact(&r, &names))],
            ))
        })
        .await;
    match stored {
        // Sent twice at once: the unique key let one in; that one stands.
        Err(AppError::Internal) => existing().await?.ok_or(AppError::Internal),
        other => other,
    }
}

/// Take back one's own reflection while the reflection is open; the facilitator may
/// remove any.
pub async fn remove_reflection(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    reflection_id: i64,
) -> Result<(), AppError> {
    live.write(db, workshop_id, async |txn| {
        let (w, activities, stage) = current(txn, workshop_id).await?;
        let r = workshop_reflection::Entity::find_by_id(reflection_id)
            .filter(workshop_reflection::Column::WorkshopId.eq(workshop_id))
            .one(txn)
            .await?
            .ok_or_else(|| AppError::NotFound("That reflection is not in this workshop.".into()))?;
        if !super::is_facilitator(&w, who) {
            let me = require_participant(txn, workshop_id, who).await?;
            if r.participant_id != me.id {
                return Err(AppError::Forbidden);
            }
            let open = open_activity(&activities, &stage, ActivityKind::Reflection)?;
            if open.id != r.activity_id {
                return Err(AppError::invalid(
                    "reflection",
                    "That reflection is closed.",
                ));
            }
        }
        workshop_reflection::Entity::delete_by_id(r.id)
            .exec(txn)
            .await?;
        Ok(((), vec![Fact::ReflectionRemoved { id: r.id }]))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::super::tests::{guest, setup, told};
    use super::super::{ActivityForm, add_activity, control, create_theme, join, post_note};
    use super::*;
    use crate::domain::membership::Perspective;
    use crate::domain::workshop::Control;
    use crate::domain::workshop::WorkshopError;
    use crate::domain::workshop::board::{Settings, Viewer};
    use crate::server::services::workshops::{report, snapshot};
    use crate::server::testing::for_each_database;

    fn step(kind: &str, prompt: &str, options: &str, multiple: bool) -> ActivityForm {
        ActivityForm {
            kind: kind.into(),
            prompt: prompt.into(),
            budget: "5".into(),
            cap: String::new(),
            target: "themes".into(),
            options: options.into(),
            multiple,
        }
    }

    #[tokio::test]
    async fn prioritising_polls_and_reflections_are_checked_stored_and_told() {
        for_each_database(async |db| {
            let (live, w, hein) = setup(&db, Settings::default()).await;
            let id = w.id;
            // The usual agenda (capture, grouping, dot vote), then the three new kinds.
            add_activity(
                &db,
                &live,
                id,
                &hein,
                &step("prioritise", "Impact and effort?", "", false),
            )
            .await
            .unwrap();
            let bad = add_activity(
                &db,
                &live,
                id,
                &hein,
                &step("poll", "Which first?", "Only one", false),
            )
            .await;
            assert!(matches!(bad, Err(AppError::Invalid(e)) if e[0].field == "options"));
            add_activity(
                &db,
                &live,
                id,
                &hein,
                &step("poll", "Which first?", "Transport\nMedicines\nBoth", false),
            )
            .await
            .unwrap();
            add_activity(
                &db,
                &live,
                id,
                &hein,
                &step("reflection", "Looking back", "", false),
            )
            .await
            .unwrap();
            let (pat, carl) = (guest("pat-device"), guest("carl-device"));
            join(&db, &live, &w, &pat, "Pat", "patient").await.unwrap();
            join(&db, &live, &w, &carl, "Carl", "clinician")
                .await
                .unwrap();
            let transport = create_theme(&db, &live, id, &hein, "Transport")
                .await
                .unwrap();
            let mut rx = live.subscribe(id);
            control(&db, &live, id, &hein, Control::Start)
                .await
                .unwrap();
            post_note(&db, &live, id, &pat, "No bus after six", "k1")
                .await
                .unwrap();
            // Rating before its time changes nothing.
            let early = rate(&db, &live, id, &pat, transport, Some((5, 2))).await;
            assert!(matches!(early, Err(AppError::Invalid(_))));
            for _ in 0..3 {
                control(&db, &live, id, &hein, Control::Advance)
                    .await
                    .unwrap();
            }
            assert_eq!(
                rate(&db, &live, id, &pat, transport, Some((6, 2))).await,
                Err(WorkshopError::BadRating.into())
            );
            assert_eq!(
                rate(&db, &live, id, &pat, transport, Some((5, 2))).await,
                Ok(Some(Rating::new(5, 2).unwrap()))
            );
            rate(&db, &live, id, &carl, transport, Some((3, 4)))
                .await
                .unwrap();
            // Rating the same again tells nobody anything new.
            let seq = crate::server::services::workshops::by_id(&db, id)
                .await
                .unwrap()
                .seq;
            rate(&db, &live, id, &carl, transport, Some((3, 4)))
                .await
                .unwrap();
            assert_eq!(
                crate::server::services::workshops::by_id(&db, id)
                    .await
                    .unwrap()
                    .seq,
                seq
            );
            let facts = told(&db, &mut rx, id).await;
            assert!(
                facts.iter().any(
                    |e| matches!(&e.fact, Fact::Rated { after: Some(r), .. } if r.impact == 5)
                )
            );
            // Hidden from participants until reveal; the facilitator sees the tally.
            let snap = snapshot(&db, id).await.unwrap();
            let pat_id = crate::server::services::workshops::participant(&db, id, &pat)
                .await
                .unwrap()
                .unwrap()
                .id;
            let as_pat = snap.board(Viewer {
                participant_id: Some(pat_id),
                facilitator: false,
            });
            assert!(as_pat.ratings.is_empty());
            assert_eq!(
                as_pat.my_rating(as_pat.current_activity().unwrap().id, transport),
                Some(Rating::new(5, 2).unwrap())
            );
            let as_hein = snap.board(Viewer {
                participant_id: None,
                facilitator: true,
            });
            assert_eq!(as_hein.ratings[0].impact.mean_tenths(), Some(40));

            control(&db, &live, id, &hein, Control::Advance)
                .await
                .unwrap();
            let poll = crate::server::services::workshops::activities(&db, id)
                .await
                .unwrap()[4]
                .clone();
            let (o1, o2) = (poll.options[0].id, poll.options[1].id);
            assert_eq!(
                answer_poll(&db, &live, id, &pat, &[o1, o2]).await,
                Err(WorkshopError::OneChoice.into())
            );
            assert_eq!(
                answer_poll(&db, &live, id, &pat, &[o1]).await,
                Ok((poll.id, vec![o1]))
            );
            answer_poll(&db, &live, id, &carl, &[o2]).await.unwrap();
            answer_poll(&db, &live, id, &carl, &[o1]).await.unwrap();

            control(&db, &live, id, &hein, Control::Advance)
                .await
                .unwrap();
            let form = |body: &str, key: &str, anonymous: bool| ReflectionForm {
                prompt: "learned".into(),
                body: body.into(),
                anonymous,
                client_key: key.into(),
            };
            let bad = reflect(
                &db,
                &live,
                id,
                &pat,
                &ReflectionForm {
                    prompt: "feelings".into(),
                    ..form("x", "r0", false)
                },
            )
            .await;
            assert!(matches!(bad, Err(AppError::Invalid(e)) if e[0].field == "prompt"));
            let first = reflect(&db, &live, id, &pat, &form("Ask carers first", "r1", true))
                .await
                .unwrap();
            let again = reflect(&db, &live, id, &pat, &form("Ask carers first", "r1", true))
                .await
                .unwrap();
            assert_eq!(first, again, "the same key stores one reflection");
            reflect(
                &db,
                &live,
                id,
                &carl,
                &form("Transport is clinical", "r2", false),
            )
            .await
            .unwrap();
            assert_eq!(
                remove_reflection(&db, &live, id, &carl, first).await,
                Err(AppError::Forbidden)
            );

            let today = chrono::Utc::now().date_naive();
            let input = report::input(&db, id, &hein, today, report::Detail::Raw)
                .await
                .unwrap();
            let r = input.report();
            // The page's summed ratings make the same report as every rating does.
            let summed = report::input(&db, id, &hein, today, report::Detail::Summary)
                .await
                .unwrap();
            assert_eq!(summed.report(), r);
            assert_eq!(r.priorities[0].themes[0].1.impact.count(), 2);
            let first = &r.polls[0].options[0];
            assert_eq!((first.count, first.percent), (2, 100));
            assert_eq!(
                first.by_voice,
                vec![
                    (Some(Perspective::Patient), 1),
                    (Some(Perspective::Clinician), 1)
                ]
            );
            assert_eq!(r.polls[0].respondents, 2);
            let learned = &r.reflections[0].answers[2].1;
            assert_eq!(
                learned,
                &vec![
                    (None, "Ask carers first".into()),
                    (Some("Carl".into()), "Transport is clinical".into())
                ]
            );
            let csv = report::csv(&input).unwrap();
            assert!(
                csv.starts_with("record,activity,participant,perspective,theme,item,value,text")
            );
            assert!(
                csv.contains("impact,4 Prioritise by impact and effort,Pat,Patient,Transport,,5,")
            );
            // Someone who was not there may not read it.
            assert_eq!(
                report::input(&db, id, &guest("stranger"), today, report::Detail::Summary)
                    .await
                    .err(),
                Some(AppError::Forbidden)
            );
        })
        .await;
    }
}
