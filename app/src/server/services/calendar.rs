//! iCalendar feeds (RFC 5545, written by the `icalendar` crate) that Outlook, Google and
//! Apple calendars subscribe to: a space's (its meetings, workshops, voting deadlines and
//! actions due) for members signed in, and each member's own (the same for every space
//! they belong to, with only their own actions) at a secret address a calendar fetches
//! without signing in. Like the secret addresses Google and Outlook give, the owner can
//! read it again on their account page, and making a new one retires the old.
use crate::domain::action::ActionStatus;
use crate::domain::meeting::MeetingStatus;
use crate::domain::membership::GroupMembershipStatus;
use crate::domain::proposal::Stage;
use crate::domain::structure::SpaceKind;
use crate::error::AppError;
use crate::server::entities::{
    action, calendar_key, group_membership, meeting, member, person, proposal, role, space,
    workshop,
};
use crate::server::services::{membership, rules};
use crate::server::tokens;
use chrono::{Duration, Utc};
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

/// How far back a feed reaches: calendars keep what they had.
const BACK_DAYS: i64 = 92;
/// The most events of each kind a feed carries.
const MOST: u64 = 500;

/// Whose feed: the actions it carries.
enum Actions {
    /// Every open action of the spaces.
    OfSpaces,
    /// Only this person's open actions.
    OwnedBy(i64),
}

/// The calendar of the spaces `spaces` as iCalendar text, with links into `base`.
async fn feed(
    db: &impl ConnectionTrait,
    name: &str,
    spaces: &[space::Model],
    actions: Actions,
    base: &str,
) -> Result<String, AppError> {
    let ids: Vec<i64> = spaces.iter().map(|s| s.id).collect();
    let space_name = |id: i64| {
        spaces
            .iter()
            .find(|s| s.id == id)
            .map_or("", |s| s.name.as_str())
    };
    let since = Utc::now() - Duration::days(BACK_DAYS);
    let mut cal = Calendar::new();
    cal.name(name);
    for m in meeting::Entity::find()
        .filter(meeting::Column::SpaceId.is_in(ids.clone()))
        .filter(meeting::Column::StartsAt.gte(since))
        .order_by_asc(meeting::Column::StartsAt)
        .limit(MOST)
        .all(db)
        .await?
    {
        let mut e = Event::new();
        e.uid(&format!("meeting-{}@q-commons", m.id))
            .summary(&format!("{} — {}", m.title, space_name(m.space_id)))
            .starts(m.starts_at)
            .ends(m.starts_at + Duration::minutes(m.minutes.into()))
            .url(&format!("{base}/meetings/{}", m.id))
            .status(if m.status == MeetingStatus::Cancelled.code() {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        let place = match (&m.place, &m.call_link) {
            (p, Some(link)) if p.is_empty() => link.clone(),
            (p, Some(link)) => format!("{p} · {link}"),
            (p, None) => p.clone(),
        };
        if !place.is_empty() {
            e.location(&place);
        }
        cal.push(e.done());
    }
    for w in workshop::Entity::find()
        .filter(workshop::Column::SpaceId.is_in(ids.clone()))
        .filter(workshop::Column::HeldOn.gte(since.date_naive()))
        .order_by_asc(workshop::Column::HeldOn)
        .limit(MOST)
        .all(db)
        .await?
    {
        cal.push(
            Event::new()
                .uid(&format!("workshop-{}@q-commons", w.id))
                .summary(&format!(
                    "Workshop: {} — {}",
                    w.title,
                    space_name(w.space_id.unwrap_or_default())
                ))
                .all_day(w.held_on)
                .url(&format!("{base}/workshops/{}/report", w.id))
                .done(),
        );
    }
    for p in proposal::Entity::find()
        .filter(proposal::Column::SpaceId.is_in(ids.clone()))
        .filter(proposal::Column::Stage.is_in([Stage::Discussion.code(), Stage::Voting.code()]))
        .filter(proposal::Column::ClosesAt.gte(since))
        .order_by_asc(proposal::Column::ClosesAt)
        .limit(MOST)
        .all(db)
        .await?
    {
        if let Some(closes) = p.closes_at {
            cal.push(
                Event::new()
                    .uid(&format!("proposal-{}-closes@q-commons", p.id))
                    .summary(&format!("Decision closes: {}", p.title))
                    .starts(closes - Duration::minutes(30))
                    .ends(closes)
                    .url(&format!("{base}/proposals/{}", p.id))
                    .done(),
            );
        }
    }
    let mut due = action::Entity::find()
        .filter(
            action::Column::Status
                .is_in([ActionStatus::Open.code(), ActionStatus::InProgress.code()]),
        )
        .filter(action::Column::DueOn.gte(since.date_naive()));
    due = match actions {
        Actions::OfSpaces => due.filter(action::Column::SpaceId.is_in(ids.clone())),
        Actions::OwnedBy(p) => due.filter(action::Column::OwnerId.eq(p)),
    };
    for a in due
        .order_by_asc(action::Column::DueOn)
        .limit(MOST)
        .all(db)
        .await?
    {
        cal.push(
            Event::new()
                .uid(&format!("action-{}-due@q-commons", a.id))
                .summary(&format!("Action due: {}", a.title))
                .all_day(a.due_on)
                .url(&format!("{base}/actions"))
                .done(),
        );
    }
    Ok(cal.done().to_string())
}

/// A space's calendar, for a member of the community signed in.
pub async fn space_feed(
    db: &DatabaseConnection,
    viewer_id: i64,
    slug: &str,
    base: &str,
) -> Result<String, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let s = rules::space_by_slug(db, slug).await?;
    let name = format!("Q Commons — {}", s.name);
    feed(db, &name, &[s], Actions::OfSpaces, base).await
}

/// The spaces a person belongs to: their home region and its groups' stewardship, the
/// national group, the groups they joined and wherever they hold a role.
async fn spaces_of(
    db: &impl ConnectionTrait,
    person_id: i64,
) -> Result<Vec<space::Model>, AppError> {
    let today = Utc::now().date_naive();
    let home = member::Entity::find_by_id(person_id)
        .one(db)
        .await?
        .and_then(|m| m.home_region_id);
    let groups: Vec<i64> = group_membership::Entity::find()
        .filter(group_membership::Column::PersonId.eq(person_id))
        .filter(group_membership::Column::Status.eq(GroupMembershipStatus::Active.code()))
        .all(db)
        .await?
        .into_iter()
        .map(|g| g.space_id)
        .collect();
    let roles: Vec<i64> = role::Entity::find()
        .filter(role::Column::PersonId.eq(person_id))
        .filter(role::Column::StartsOn.lte(today))
        .filter(
            Condition::any()
                .add(role::Column::EndsOn.is_null())
                .add(role::Column::EndsOn.gte(today)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.space_id)
        .collect();
    let mut which = Condition::any()
        .add(space::Column::Kind.eq(SpaceKind::NationalStewardshipGroup.code()))
        .add(space::Column::Id.is_in(groups))
        .add(space::Column::Id.is_in(roles));
    if let Some(home) = home {
        which = which.add(space::Column::Id.eq(home)).add(
            Condition::all()
                .add(space::Column::ParentId.eq(home))
                .add(space::Column::Kind.eq(SpaceKind::StewardshipGroup.code())),
        );
    }
    Ok(space::Entity::find()
        .filter(which)
        .filter(space::Column::ArchivedAt.is_null())
        .order_by_asc(space::Column::Id)
        .all(db)
        .await?)
}

/// The calendar behind a member's secret key. A key that is not one, or whose member is
/// no longer active (nor in the project team), opens nothing.
pub async fn member_feed(
    db: &DatabaseConnection,
    key: &str,
    base: &str,
) -> Result<String, AppError> {
    let gone = || AppError::NotFound("There is no such calendar.".into());
    let key = calendar_key::Entity::find()
        .filter(calendar_key::Column::Secret.eq(key))
        .one(db)
        .await?
        .ok_or_else(gone)?;
    membership::require_member_or_team(db, key.person_id)
        .await
        .map_err(|_| gone())?;
    let who = person::Entity::find_by_id(key.person_id)
        .one(db)
        .await?
        .ok_or_else(gone)?;
    let spaces = spaces_of(db, who.id).await?;
    let name = format!("Q Commons — {}", who.name);
    feed(db, &name, &spaces, Actions::OwnedBy(who.id), base).await
}

/// A new secret calendar address key for the viewer, retiring any earlier one.
pub async fn new_key(db: &DatabaseConnection, viewer_id: i64) -> Result<String, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let secret = tokens::new_secret();
    let txn = crate::server::db::begin_write(db).await?;
    calendar_key::Entity::delete_many()
        .filter(calendar_key::Column::PersonId.eq(viewer_id))
        .exec(&txn)
        .await?;
    calendar_key::ActiveModel {
        person_id: Set(viewer_id),
        secret: Set(secret.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(secret)
}

/// The viewer's calendar address key, if they made one.
pub async fn key_of(db: &impl ConnectionTrait, viewer_id: i64) -> Result<Option<String>, AppError> {
    Ok(calendar_key::Entity::find_by_id(viewer_id)
        .one(db)
        .await?
        .map(|k| k.secret))
}

/// Retire the viewer's calendar address.
pub async fn retire_key(db: &DatabaseConnection, viewer_id: i64) -> Result<(), AppError> {
    calendar_key::Entity::delete_many()
        .filter(calendar_key::Column::PersonId.eq(viewer_id))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::services::{accounts, demo, meetings};
    use crate::server::testing::for_each_database;
    use icalendar::{CalendarComponent, DatePerhapsTime};

    const BASE: &str = "https://commons.example.org";

    async fn id_of(db: &DatabaseConnection, email: &str) -> i64 {
        accounts::find_by_email(db, email)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// The feed parsed back by the crate's RFC 5545 parser: each event's UID and summary.
    fn events(text: &str) -> Vec<(String, String)> {
        let cal: Calendar = text.parse().expect("the feed parses as iCalendar");
        cal.components
            .iter()
            .filter_map(|c| match c {
                CalendarComponent::Event(e) => Some((
                    e.get_uid().unwrap_or_default().to_owned(),
                    e.get_summary().unwrap_or_default().to_owned(),
                )),
                _ => None,
            })
            .collect()
    }

    #[tokio::test]
    async fn feeds_parse_and_a_secret_address_opens_only_its_owners_calendar() {
        for_each_database(async |db| {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = id_of(&db, "hein@demo.q-commons.org").await;
            let sam = id_of(&db, "sam@demo.q-commons.org").await;
            let helen = id_of(&db, "helen@demo.q-commons.org").await;
            let stranger = accounts::register(
                &db,
                "Stranger",
                "stranger@example.org",
                "long enough secret",
            )
            .await
            .unwrap()
            .id;
            let soon = (Utc::now() + Duration::days(10))
                .format("%Y-%m-%dT18:30")
                .to_string();
            let m = meetings::schedule(
                &db,
                hein,
                "west-of-england",
                &meetings::MeetingForm {
                    title: "Stewardship group; budget, papers".into(),
                    starts_at: soon,
                    length: "60".into(),
                    place: "Engine Shed, Bristol".into(),
                    call_link: String::new(),
                },
            )
            .await
            .unwrap();
            let item = meetings::add_item(&db, hein, m.id, "Budget", "")
                .await
                .unwrap();
            // Actions are given once a meeting has begun; this one is given from a meeting
            // held last week, to each of two owners.
            let held = (Utc::now() - Duration::days(7))
                .format("%Y-%m-%dT10:00")
                .to_string();
            let past = meetings::schedule(
                &db,
                hein,
                "west-of-england",
                &meetings::MeetingForm {
                    title: "Stewardship group, last week".into(),
                    starts_at: held,
                    length: "60".into(),
                    place: String::new(),
                    call_link: "https://meet.example.org/q".into(),
                },
            )
            .await
            .unwrap();
            let past_item = meetings::add_item(&db, hein, past.id, "Panel", "")
                .await
                .unwrap();
            let due = (Utc::now() + Duration::days(20))
                .format("%Y-%m-%d")
                .to_string();
            let sams = meetings::add_action(&db, hein, past_item, "Sam's action", sam, &due)
                .await
                .unwrap();
            let heins = meetings::add_action(&db, hein, past_item, "Hein's action", hein, &due)
                .await
                .unwrap();
            let _ = item;

            // The space's feed, for a member signed in: both meetings, both actions.
            let space = space_feed(&db, helen, "west-of-england", BASE)
                .await
                .unwrap();
            let uids: Vec<String> = events(&space).into_iter().map(|(u, _)| u).collect();
            for uid in [
                format!("meeting-{}@q-commons", m.id),
                format!("meeting-{}@q-commons", past.id),
                format!("action-{sams}-due@q-commons"),
                format!("action-{heins}-due@q-commons"),
            ] {
                assert!(uids.contains(&uid), "{uid} in {uids:?}");
            }
            // Commas and semicolons in a title survive the round trip; times are UTC.
            let cal: Calendar = space.parse().unwrap();
            let event = cal
                .components
                .iter()
                .find_map(|c| match c {
                    CalendarComponent::Event(e)
                        if e.get_uid() == Some(&format!("meeting-{}@q-commons", m.id)) =>
                    {
                        Some(e.clone())
                    }
                    _ => None,
                })
                .unwrap();
            assert_eq!(
                event.get_summary(),
                Some("Stewardship group; budget, papers — West of England")
            );
            assert!(matches!(
                event.get_start(),
                Some(DatePerhapsTime::DateTime(_))
            ));
            assert_eq!(event.get_location(), Some("Engine Shed, Bristol"));
            assert_eq!(
                space_feed(&db, stranger, "west-of-england", BASE)
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );

            // Sam's own address: the region's meetings and only Sam's actions.
            let key = new_key(&db, sam).await.unwrap();
            assert_eq!(key_of(&db, sam).await.unwrap(), Some(key.clone()));
            let own = member_feed(&db, &key, BASE).await.unwrap();
            let uids: Vec<String> = events(&own).into_iter().map(|(u, _)| u).collect();
            assert!(uids.contains(&format!("meeting-{}@q-commons", m.id)));
            assert!(uids.contains(&format!("action-{sams}-due@q-commons")));
            assert!(!uids.contains(&format!("action-{heins}-due@q-commons")));
            // Helen's region is elsewhere: West of England's meetings are not in hers.
            let helens = new_key(&db, helen).await.unwrap();
            let uids: Vec<String> = events(&member_feed(&db, &helens, BASE).await.unwrap())
                .into_iter()
                .map(|(u, _)| u)
                .collect();
            assert!(!uids.contains(&format!("meeting-{}@q-commons", m.id)));

            // A new address retires the old; a made-up one opens nothing; nor does a
            // cancelled meeting stay confirmed.
            let again = new_key(&db, sam).await.unwrap();
            assert_ne!(again, key);
            assert!(matches!(
                member_feed(&db, &key, BASE).await,
                Err(AppError::NotFound(_))
            ));
            assert!(matches!(
                member_feed(&db, "made-up", BASE).await,
                Err(AppError::NotFound(_))
            ));
            retire_key(&db, sam).await.unwrap();
            assert!(matches!(
                member_feed(&db, &again, BASE).await,
                Err(AppError::NotFound(_))
            ));
            assert_eq!(
                new_key(&db, stranger).await.unwrap_err(),
                AppError::Forbidden
            );
            meetings::cancel(&db, hein, m.id).await.unwrap();
            let cancelled = space_feed(&db, sam, "west-of-england", BASE).await.unwrap();
            assert!(cancelled.contains("STATUS:CANCELLED"));
        })
        .await;
    }
}
