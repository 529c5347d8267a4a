//! Randomised coffee pairing (a Q tradition): members opt in; once a month the draw pairs
//! them across perspectives and regions, never with someone they met through it in the
//! last twelve months ([`crate::domain::pairing`]), and tells both by e-mail through the
//! outbox, each with the other's name and address.
use crate::domain::membership::Perspective;
use crate::domain::pairing::{Candidate, pair_key};
use crate::error::AppError;
use crate::model::coffee::{CoffeePage, Drawn, Partner};
use crate::server::entities::{
    coffee_draw, coffee_opt_in, coffee_pair, member, member_perspective, person, space,
};
use crate::server::services::mail::Mailer;
use crate::server::services::membership;
use chrono::{Datelike, NaiveDate, Utc};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set, TransactionTrait,
};
use std::collections::{HashMap, HashSet};

/// The month of a day, as the draws name it ("2026-11").
pub fn month_of(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

/// The first day of a month named "YYYY-MM", if it is one.
fn first_day(month: &str) -> Option<NaiveDate> {
    if month.len() != 7 {
        return None;
    }
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()
}

/// Only active members take part in the draw.
async fn require_active_member(db: &DatabaseConnection, person_id: i64) -> Result<(), AppError> {
    if membership::actor(db, person_id).await?.is_active() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Opt in to (`yes`) or out of the monthly draw.
pub async fn set_opt_in(
    db: &DatabaseConnection,
    viewer: &person::Model,
    yes: bool,
) -> Result<(), AppError> {
    require_active_member(db, viewer.id).await?;
    let there = coffee_opt_in::Entity::find_by_id(viewer.id).one(db).await?;
    match (yes, there) {
        (true, None) => {
            coffee_opt_in::ActiveModel {
                person_id: Set(viewer.id),
                opted_in_at: Set(Utc::now()),
            }
            .insert(db)
            .await?;
        }
        (false, Some(row)) => {
            coffee_opt_in::Entity::delete_by_id(row.person_id)
                .exec(db)
                .await?;
        }
        _ => {}
    }
    Ok(())
}

/// The viewer's coffee: whether they are in the draw, and whom they were drawn with in
/// the latest month they were.
pub async fn page(db: &DatabaseConnection, viewer: &person::Model) -> Result<CoffeePage, AppError> {
    require_active_member(db, viewer.id).await?;
    let opted_in = coffee_opt_in::Entity::find_by_id(viewer.id)
        .one(db)
        .await?
        .is_some();
    let in_draw = coffee_opt_in::Entity::find().count(db).await? as usize;
    let latest = coffee_pair::Entity::find()
        .filter(
            Condition::any()
                .add(coffee_pair::Column::PersonA.eq(viewer.id))
                .add(coffee_pair::Column::PersonB.eq(viewer.id)),
        )
        .order_by_desc(coffee_pair::Column::Month)
        .one(db)
        .await?;
    let partner = match latest {
        None => None,
        Some(p) => {
            let other = if p.person_a == viewer.id {
                p.person_b
            } else {
                p.person_a
            };
            person::Entity::find_by_id(other)
                .one(db)
                .await?
                .map(|o| Partner {
                    month: month_label(&p.month),
                    name: o.name,
                    email: o.email,
                })
        }
    };
    Ok(CoffeePage {
        opted_in,
        in_draw,
        partner,
    })
}

/// The latest draws, newest first: for the project team.
pub async fn draws(
    db: &DatabaseConnection,
    viewer: &person::Model,
) -> Result<Vec<Drawn>, AppError> {
    use sea_orm::QuerySelect;
    membership::require_project_team(db, viewer.id).await?;
    Ok(coffee_draw::Entity::find()
        .order_by_desc(coffee_draw::Column::Month)
        .limit(12)
        .all(db)
        .await?
        .into_iter()
        .map(|d| Drawn {
            month: month_label(&d.month),
            pairs: d.pairs as usize,
            unpaired: d.unpaired as usize,
        })
        .collect())
}

/// "November 2026".
fn month_label(month: &str) -> String {
    first_day(month)
        .map(|d| d.format("%B %Y").to_string())
        .unwrap_or_else(|| month.to_owned())
}

/// Draw `month`'s pairs ("YYYY-MM") from those opted in who are active members, shuffled
/// by `seed`; once a month. `by` is the project team member who asked (none when drawn on
/// schedule). Each pair is told by e-mail.
pub async fn draw(
    db: &DatabaseConnection,
    mailer: &Mailer,
    by: Option<&person::Model>,
    month: &str,
    seed: u64,
) -> Result<Drawn, AppError> {
    if let Some(by) = by {
        membership::require_project_team(db, by.id).await?;
    }
    let start = first_day(month)
        .ok_or_else(|| AppError::invalid("month", "Give the month as YYYY-MM, e.g. 2026-11."))?;
    if coffee_draw::Entity::find_by_id(month)
        .one(db)
        .await?
        .is_some()
    {
        return Err(AppError::conflict(
            "month",
            format!("{}'s coffee pairs were drawn already.", month_label(month)),
        ));
    }
    // Everyone in the draw, in a fixed order, then shuffled by the seed.
    let opted: Vec<i64> = coffee_opt_in::Entity::find()
        .order_by_asc(coffee_opt_in::Column::PersonId)
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.person_id)
        .collect();
    let members = member::Entity::find()
        .filter(member::Column::PersonId.is_in(opted.clone()))
        .filter(member::Column::Status.eq("active"))
        .all(db)
        .await?;
    let mut perspectives: HashMap<i64, Vec<Perspective>> = HashMap::new();
    for p in member_perspective::Entity::find()
        .filter(member_perspective::Column::PersonId.is_in(opted))
        .all(db)
        .await?
    {
        if let Some(code) = Perspective::from_code(&p.perspective) {
            perspectives.entry(p.person_id).or_default().push(code);
        }
    }
    let mut candidates: Vec<Candidate> = members
        .iter()
        .map(|m| Candidate {
            person_id: m.person_id,
            home_region_id: m.home_region_id,
            perspectives: perspectives.remove(&m.person_id).unwrap_or_default(),
        })
        .collect();
    candidates.sort_by_key(|c| c.person_id);
    candidates.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
    // The pairs of the twelve months before this one.
    let year_before = month_of(
        start
            .with_year(start.year() - 1)
            .unwrap_or(start - chrono::Duration::days(365)),
    );
    let met: HashSet<(i64, i64)> = coffee_pair::Entity::find()
        .filter(coffee_pair::Column::Month.gte(year_before.as_str()))
        .filter(coffee_pair::Column::Month.lt(month))
        .all(db)
        .await?
        .into_iter()
        .map(|p| pair_key(p.person_a, p.person_b))
        .collect();
    let drawn = crate::domain::pairing::draw(&candidates, &met);

    let txn = db.begin().await?;
    coffee_draw::ActiveModel {
        month: Set(month.to_owned()),
        seed: Set(seed as i64),
        pairs: Set(drawn.pairs.len() as i32),
        unpaired: Set(drawn.unpaired.len() as i32),
        drawn_by: Set(by.map(|p| p.id)),
        drawn_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    for (a, b) in &drawn.pairs {
        coffee_pair::ActiveModel {
            month: Set(month.to_owned()),
            person_a: Set(*a),
            person_b: Set(*b),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;

    // Tell both of each pair, each with the other's name, perspectives and region.
    let people: HashMap<i64, person::Model> = person::Entity::find()
        .filter(person::Column::Id.is_in(drawn.pairs.iter().flat_map(|(a, b)| [*a, *b])))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let regions: HashMap<i64, String> = space::Entity::find()
        .filter(space::Column::Kind.eq(crate::domain::structure::SpaceKind::Region.code()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let about = |id: i64| {
        let c = candidates.iter().find(|c| c.person_id == id);
        let said: Vec<&str> = c
            .map(|c| c.perspectives.iter().map(|p| p.label()).collect())
            .unwrap_or_default();
        let region = c
            .and_then(|c| c.home_region_id)
            .and_then(|r| regions.get(&r).cloned());
        match (said.is_empty(), region) {
            (false, Some(r)) => format!(" ({}, {r})", said.join(", ")),
            (false, None) => format!(" ({})", said.join(", ")),
            (true, Some(r)) => format!(" ({r})"),
            (true, None) => String::new(),
        }
    };
    let label = month_label(month);
    for (a, b) in &drawn.pairs {
        for (me, them) in [(*a, *b), (*b, *a)] {
            let (Some(me), Some(them)) = (people.get(&me), people.get(&them)) else {
                continue;
            };
            mailer
                .send(
                    db,
                    &me.email,
                    &format!("Coffee in {label}: you and {}", them.name),
                    &format!(
                        "Dear {},\n\nYour coffee for {label} is with {}{}. Write to them at {} to find half an hour, on a call or in person, to talk about what you each work on.\n\n{} has your name and address too.\n\nYou are in the monthly coffee draw because you opted in; you can opt out on your account page.\n",
                        me.name,
                        them.name,
                        about(them.id),
                        them.email,
                        them.name
                    ),
                )
                .await?;
        }
    }
    Ok(Drawn {
        month: label,
        pairs: drawn.pairs.len(),
        unpaired: drawn.unpaired.len(),
    })
}

/// How often the scheduled draw looks whether a month is due.
pub const DRAW_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// The scheduled draw: the month of `now` is drawn if nobody drew it yet and at least two
/// are in the draw. Safe on several app servers at once: a month is drawn once (it is the
/// draw's key), and a server that loses the race stores and sends nothing.
pub async fn draw_due(
    db: &DatabaseConnection,
    mailer: &Mailer,
    now: chrono::DateTime<Utc>,
    seed: u64,
) -> Result<Option<Drawn>, AppError> {
    let month = month_of(now.date_naive());
    if coffee_draw::Entity::find_by_id(month.as_str())
        .one(db)
        .await?
        .is_some()
        || coffee_opt_in::Entity::find().count(db).await? < 2
    {
        return Ok(None);
    }
    draw(db, mailer, None, &month, seed).await.map(Some)
}

/// Draw each month's coffee pairs when it comes, for as long as the server runs.
pub async fn keep_drawing(db: DatabaseConnection, mailer: Mailer) {
    let mut timer = tokio::time::interval(DRAW_EVERY);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        timer.tick().await;
        match draw_due(&db, &mailer, Utc::now(), rand::random()).await {
            Ok(Some(drawn)) => {
                tracing::info!(month = drawn.month, pairs = drawn.pairs, "coffee drawn")
            }
            Ok(None) => {}
            // Another app server drew the month first: nothing was stored or sent here.
            Err(e) => tracing::debug!("the scheduled coffee draw did not run: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::entities::outbox_email;
    use crate::server::services::{accounts, demo};
    use crate::server::testing::for_each_database;
    use sea_orm::PaginatorTrait;

    async fn account(db: &DatabaseConnection, email: &str) -> person::Model {
        accounts::find_by_email(db, email).await.unwrap().unwrap()
    }

    async fn pairs(db: &DatabaseConnection, month: &str) -> Vec<(i64, i64)> {
        let mut p: Vec<(i64, i64)> = coffee_pair::Entity::find()
            .filter(coffee_pair::Column::Month.eq(month))
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|p| pair_key(p.person_a, p.person_b))
            .collect();
        p.sort();
        p
    }

    #[tokio::test]
    async fn members_opt_in_and_a_month_is_drawn_once_and_both_are_told() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let mailer = Mailer::outbox_only();
            let (hein, sam, helen, karen) = (
                account(&db, "hein@demo.q-commons.org").await,
                account(&db, "sam@demo.q-commons.org").await,
                account(&db, "helen@demo.q-commons.org").await,
                account(&db, "karen@demo.q-commons.org").await,
            );
            let priya = account(&db, "priya@demo.q-commons.org").await;
            for p in [&hein, &sam, &helen, &karen] {
                set_opt_in(&db, p, true).await.unwrap();
            }
            set_opt_in(&db, &hein, true).await.unwrap();
            assert_eq!(page(&db, &sam).await.unwrap().in_draw, 4, "once each");
            // Someone who is not a member cannot opt in.
            let stranger = accounts::register(
                &db,
                "Stranger",
                "stranger@example.org",
                "a long enough password",
            )
            .await
            .unwrap();
            assert_eq!(
                set_opt_in(&db, &stranger, true).await.unwrap_err(),
                AppError::Forbidden
            );
            assert_eq!(page(&db, &stranger).await.unwrap_err(), AppError::Forbidden);

            // Only the project team draws; a month is a month.
            assert_eq!(
                draw(&db, &mailer, Some(&hein), "2026-01", 7)
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            assert!(matches!(
                draw(&db, &mailer, Some(&priya), "2026-13", 7)
                    .await
                    .unwrap_err(),
                AppError::Invalid(_)
            ));
            let mails_before = outbox_email::Entity::find().count(&db).await.unwrap();
            let drawn = draw(&db, &mailer, Some(&priya), "2026-01", 7)
                .await
                .unwrap();
            assert_eq!((drawn.pairs, drawn.unpaired), (2, 0));
            assert_eq!(drawn.month, "January 2026");
            assert_eq!(draws(&db, &priya).await.unwrap(), vec![drawn.clone()]);
            assert_eq!(draws(&db, &hein).await.unwrap_err(), AppError::Forbidden);
            let first = pairs(&db, "2026-01").await;
            assert_eq!(first.len(), 2);
            // Each of the four is told, by name and address of the other.
            let mails = outbox_email::Entity::find()
                .order_by_asc(outbox_email::Column::Id)
                .all(&db)
                .await
                .unwrap();
            assert_eq!(mails.len() as u64, mails_before + 4);
            let to_sam = mails
                .iter()
                .rev()
                .find(|m| m.to_address == sam.email)
                .unwrap();
            let partner = page(&db, &sam).await.unwrap().partner.unwrap();
            assert_eq!(partner.month, "January 2026");
            assert!(to_sam.subject.contains(&partner.name), "{}", to_sam.subject);
            assert!(to_sam.body.contains(&partner.email));
            // Drawn again: refused, nothing changes.
            assert!(matches!(
                draw(&db, &mailer, Some(&priya), "2026-01", 8)
                    .await
                    .unwrap_err(),
                AppError::Conflict(_)
            ));
            assert_eq!(pairs(&db, "2026-01").await, first);
            assert_eq!(
                outbox_email::Entity::find().count(&db).await.unwrap(),
                mails_before + 4
            );

            // The same seed on the same people draws the same pairs.
            coffee_pair::Entity::delete_many().exec(&db).await.unwrap();
            coffee_draw::Entity::delete_many().exec(&db).await.unwrap();
            draw(&db, &mailer, None, "2026-01", 7).await.unwrap();
            assert_eq!(pairs(&db, "2026-01").await, first);

            // Four people make six pairs, three months of two: then nobody is left to meet
            // for the rest of the year; a year on, they may meet again.
            let mut met: HashSet<(i64, i64)> = first.iter().copied().collect();
            for month in ["2026-02", "2026-03"] {
                let d = draw(&db, &mailer, None, month, 11).await.unwrap();
                assert_eq!(d.pairs, 2, "{month}");
                for p in pairs(&db, month).await {
                    assert!(met.insert(p), "{month}: {p:?} again");
                }
            }
            assert_eq!(met.len(), 6);
            let none = draw(&db, &mailer, None, "2026-04", 11).await.unwrap();
            assert_eq!((none.pairs, none.unpaired), (0, 4));
            let later = draw(&db, &mailer, None, "2027-02", 11).await.unwrap();
            assert_eq!(
                later.pairs, 2,
                "January 2026's pairs are more than a year old"
            );
            // Opted out: not in the next draw.
            set_opt_in(&db, &karen, false).await.unwrap();
            let three = draw(&db, &mailer, None, "2027-03", 11).await.unwrap();
            assert!(
                !pairs(&db, "2027-03")
                    .await
                    .iter()
                    .any(|(a, b)| *a == karen.id || *b == karen.id)
            );
            assert_eq!(three.pairs * 2 + three.unpaired, 3);
            // Sam's download says he is in the draw and whom he was drawn with; erased, he
            // is in it no more.
            let data = crate::server::services::privacy::your_data(&db, sam.id)
                .await
                .unwrap();
            assert!(data["coffee"]["in_the_draw"].is_string());
            assert!(data["coffee"]["drawn_with"].as_array().unwrap().len() >= 3);
            crate::server::services::privacy::erase(&db, sam.id, &sam.email)
                .await
                .unwrap();
            assert!(
                coffee_opt_in::Entity::find_by_id(sam.id)
                    .one(&db)
                    .await
                    .unwrap()
                    .is_none()
            );
        })
        .await;
    }

    #[tokio::test]
    async fn each_month_is_drawn_by_itself_once_when_two_or_more_are_in_the_draw() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let mailer = Mailer::outbox_only();
            let now = chrono::DateTime::parse_from_rfc3339("2031-03-01T06:00:00Z")
                .unwrap()
                .with_timezone(&Utc);
            // Nobody in the draw: nothing to draw.
            assert_eq!(draw_due(&db, &mailer, now, 7).await.unwrap(), None);
            for who in ["hein", "helen", "sam", "karen"] {
                let p = account(&db, &format!("{who}@demo.q-commons.org")).await;
                set_opt_in(&db, &p, true).await.unwrap();
            }
            let drawn = draw_due(&db, &mailer, now, 7).await.unwrap().unwrap();
            assert_eq!((drawn.month.as_str(), drawn.pairs), ("March 2031", 2));
            let stored = coffee_draw::Entity::find_by_id("2031-03")
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(stored.drawn_by, None, "drawn on schedule");
            // Once a month: the next look, and a second app server's, find it drawn.
            assert_eq!(
                draw_due(&db, &mailer, now + chrono::Duration::hours(1), 8)
                    .await
                    .unwrap(),
                None
            );
            assert!(draw(&db, &mailer, None, "2031-03", 9).await.is_err());
            assert_eq!(pairs(&db, "2031-03").await.len(), 2);
        })
        .await;
    }
}
