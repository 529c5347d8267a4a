//! Stewardship meetings of a space: scheduled and run by its conveners and stewards, with
//! an agenda any member of the space may add to, papers, attendance, minutes per item and
//! the decisions and actions the items produced. Read by every member of the community:
//! those who steward answer to the members.
use crate::domain::action::{ACTION_TITLE_MAX, ActionStatus};
use crate::domain::meeting::{
    ITEM_TITLE_MAX, LENGTH_RANGE, LINK_MAX, MEETING_TITLE_MAX, MINUTES_MAX, MeetingStatus, Move,
    PLACE_MAX, Presence, is_web_link, length_label, moved,
};
use crate::domain::membership::Action;
use crate::domain::structure::SpaceKind;
use crate::error::{AppError, Validation};
use crate::model::meetings::{
    AgendaItem, Attendee, ItemAction, MeetingLine, MeetingPage, SpaceMeetings,
};
use crate::server::entities::{
    action, action_event, meeting, meeting_attendance, meeting_item, member, person, proposal,
    space,
};
use crate::server::services::{accounts, membership, rules, spaces::member_condition};
use crate::server::time;
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;

/// How many people a meeting's forms offer to choose from, at most.
const PEOPLE_SHOWN: u64 = 500;

fn line(m: &meeting::Model) -> MeetingLine {
    MeetingLine {
        id: m.id,
        title: m.title.clone(),
        when: time::when_dated(m.starts_at),
        cancelled: m.status == MeetingStatus::Cancelled.code(),
    }
}

async fn meeting_and_space(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<(meeting::Model, space::Model), AppError> {
    let not_found = || AppError::NotFound("There is no such meeting.".into());
    let m = meeting::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let s = space::Entity::find_by_id(m.space_id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    Ok((m, s))
}

async fn item_meeting_space(
    db: &impl ConnectionTrait,
    item_id: i64,
) -> Result<(meeting_item::Model, meeting::Model, space::Model), AppError> {
    let item = meeting_item::Entity::find_by_id(item_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such agenda item.".into()))?;
    let (m, s) = meeting_and_space(db, item.meeting_id).await?;
    Ok((item, m, s))
}

fn cancelled(m: &meeting::Model) -> bool {
    m.status == MeetingStatus::Cancelled.code()
}

/// The space's meetings starting from now, soonest first: for the space page.
pub async fn upcoming(
    db: &impl ConnectionTrait,
    space_id: i64,
    limit: u64,
) -> Result<Vec<MeetingLine>, AppError> {
    Ok(meeting::Entity::find()
        .filter(meeting::Column::SpaceId.eq(space_id))
        .filter(meeting::Column::StartsAt.gte(Utc::now()))
        .filter(meeting::Column::Status.eq(MeetingStatus::Scheduled.code()))
        .order_by_asc(meeting::Column::StartsAt)
        .limit(limit)
        .all(db)
        .await?
        .iter()
        .map(line)
        .collect())
}

/// A space's meetings, for any member of the community.
pub async fn space_meetings(
    db: &DatabaseConnection,
    viewer_id: i64,
    slug: &str,
) -> Result<SpaceMeetings, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let s = rules::space_by_slug(db, slug).await?;
    let now = Utc::now();
    let all = meeting::Entity::find()
        .filter(meeting::Column::SpaceId.eq(s.id))
        .order_by_asc(meeting::Column::StartsAt)
        .limit(1000)
        .all(db)
        .await?;
    let (upcoming, mut past): (Vec<_>, Vec<_>) = all.iter().partition(|m| m.starts_at >= now);
    past.reverse();
    Ok(SpaceMeetings {
        space_slug: s.slug.clone(),
        space_name: s.name.clone(),
        upcoming: upcoming.into_iter().map(line).collect(),
        past: past.into_iter().map(line).collect(),
        may_schedule: membership::may(db, viewer_id, Action::RunMeeting, &s).await?,
    })
}

pub struct MeetingForm {
    /// A `datetime-local` value, UK time.
    pub starts_at: String,
    pub title: String,
    /// How long, in minutes.
    pub length: String,
    pub place: String,
    pub call_link: String,
}

fn checked_link(v: &mut Validation, field: &str, link: &str) -> Option<String> {
    let link = link.trim();
    if link.is_empty() {
        None
    } else if !is_web_link(link) || link.len() > LINK_MAX {
        v.refuse(
            field,
            "Give a web address starting https:// (or leave it empty).",
        );
        None
    } else {
        Some(link.to_owned())
    }
}

fn checked_title(v: &mut Validation, field: &str, title: &str, max: usize) -> String {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        v.refuse(field, "Give it a title.");
    } else if title.chars().count() > max {
        v.refuse(field, format!("Keep the title to {max} characters."));
    }
    title
}

/// Schedule a meeting of the space `slug` (or record one already held).
pub async fn schedule(
    db: &DatabaseConnection,
    actor_id: i64,
    slug: &str,
    f: &MeetingForm,
) -> Result<meeting::Model, AppError> {
    let s = rules::space_by_slug(db, slug).await?;
    membership::authorise(db, actor_id, Action::RunMeeting, &s).await?;
    let mut v = Validation::default();
    let title = checked_title(&mut v, "title", &f.title, MEETING_TITLE_MAX);
    let starts_at =
        v.take(time::from_uk(&f.starts_at).map_err(|e| AppError::invalid("starts_at", e)));
    let length = match f.length.trim().parse::<i32>() {
        Ok(n) if LENGTH_RANGE.contains(&n) => n,
        _ => {
            v.refuse(
                "length",
                format!(
                    "Give how long it runs in minutes, from {} to {}.",
                    LENGTH_RANGE.start(),
                    LENGTH_RANGE.end()
                ),
            );
            0
        }
    };
    let place = f.place.split_whitespace().collect::<Vec<_>>().join(" ");
    if place.chars().count() > PLACE_MAX {
        v.refuse(
            "place",
            format!("Keep the place to {PLACE_MAX} characters."),
        );
    }
    let call_link = checked_link(&mut v, "call_link", &f.call_link);
    if place.is_empty() && call_link.is_none() {
        v.refuse(
            "place",
            "Say where it meets, or give the call link, or both.",
        );
    }
    v.finish()?;
    let now = Utc::now();
    let txn = crate::server::db::begin_write(db).await?;
    let m = meeting::ActiveModel {
        space_id: Set(s.id),
        title: Set(title),
        starts_at: Set(starts_at),
        minutes: Set(length),
        place: Set(place),
        call_link: Set(call_link),
        status: Set(MeetingStatus::Scheduled.code().to_owned()),
        created_by: Set(actor_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    crate::server::services::audit::in_space(
        &txn,
        actor_id,
        s.id,
        crate::domain::audit::AuditAction::MeetingScheduled,
        format!(
            "“{}” was scheduled for {}",
            m.title,
            time::when_dated(m.starts_at)
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// Cancel a meeting that has not begun.
pub async fn cancel(db: &DatabaseConnection, actor_id: i64, id: i64) -> Result<(), AppError> {
    let (m, s) = meeting_and_space(db, id).await?;
    membership::authorise(db, actor_id, Action::RunMeeting, &s).await?;
    if m.starts_at <= Utc::now() {
        return Err(AppError::conflict(
            "meeting",
            "The meeting has begun: it can no longer be cancelled.",
        ));
    }
    let summary = format!(
        "“{}” on {} was cancelled",
        m.title,
        time::when_dated(m.starts_at)
    );
    let mut a: meeting::ActiveModel = m.into();
    a.status = Set(MeetingStatus::Cancelled.code().to_owned());
    a.updated_at = Set(Utc::now());
    let txn = crate::server::db::begin_write(db).await?;
    a.update(&txn).await?;
    crate::server::services::audit::in_space(
        &txn,
        actor_id,
        s.id,
        crate::domain::audit::AuditAction::MeetingCancelled,
        summary,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Who a meeting of `s` may record as attending or give an action to: the space's members.
async fn people(
    db: &impl ConnectionTrait,
    s: &space::Model,
) -> Result<Vec<(i64, String)>, AppError> {
    let kind = SpaceKind::from_code(&s.kind).ok_or(AppError::Internal)?;
    Ok(member::Entity::find()
        .inner_join(person::Entity)
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::Name)
        .filter(member_condition(s, kind))
        .order_by_asc(person::Column::Name)
        .limit(PEOPLE_SHOWN)
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?)
}

async fn is_one_of_people(
    db: &impl ConnectionTrait,
    s: &space::Model,
    person_id: i64,
) -> Result<bool, AppError> {
    let kind = SpaceKind::from_code(&s.kind).ok_or(AppError::Internal)?;
    Ok(member::Entity::find()
        .filter(member_condition(s, kind))
        .filter(member::Column::PersonId.eq(person_id))
        .one(db)
        .await?
        .is_some())
}

/// A meeting with its agenda, attendance, minutes, decisions and actions: for any member
/// of the community; the forms for those who may use them.
pub async fn page(
    db: &DatabaseConnection,
    viewer_id: i64,
    id: i64,
) -> Result<MeetingPage, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let (m, s) = meeting_and_space(db, id).await?;
    let items = meeting_item::Entity::find()
        .filter(meeting_item::Column::MeetingId.eq(m.id))
        .order_by_asc(meeting_item::Column::Position)
        .order_by_asc(meeting_item::Column::Id)
        .all(db)
        .await?;
    let attendance = meeting_attendance::Entity::find()
        .filter(meeting_attendance::Column::MeetingId.eq(m.id))
        .all(db)
        .await?;
    let actions = action::Entity::find()
        .filter(action::Column::MeetingItemId.is_in(items.iter().map(|i| i.id)))
        .order_by_asc(action::Column::Id)
        .all(db)
        .await?;
    let proposals: HashMap<i64, String> = proposal::Entity::find()
        .filter(proposal::Column::Id.is_in(items.iter().filter_map(|i| i.proposal_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect();
    let names = accounts::names(
        db,
        items
            .iter()
            .map(|i| i.added_by)
            .chain(attendance.iter().map(|a| a.person_id))
            .chain(actions.iter().map(|a| a.owner_id)),
    )
    .await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    let may_run = membership::may(db, viewer_id, Action::RunMeeting, &s).await?;
    let may_add_item =
        !cancelled(&m) && membership::may(db, viewer_id, Action::AddAgendaItem, &s).await?;
    let mut attendees: Vec<Attendee> = attendance
        .iter()
        .map(|a| Attendee {
            name: name(a.person_id),
            presence: Presence::from_code(&a.presence)
                .map_or(a.presence.as_str(), |p| p.label())
                .to_owned(),
        })
        .collect();
    attendees.sort_by(|a, b| b.presence.cmp(&a.presence).then(a.name.cmp(&b.name)));
    Ok(MeetingPage {
        id: m.id,
        space_slug: s.slug.clone(),
        space_name: s.name.clone(),
        title: m.title.clone(),
        when: time::when_dated(m.starts_at),
        length: length_label(m.minutes),
        place: m.place.clone(),
        call_link: m.call_link.clone(),
        cancelled: cancelled(&m),
        started: m.starts_at <= Utc::now(),
        items: items
            .iter()
            .enumerate()
            .map(|(n, i)| AgendaItem {
                id: i.id,
                number: n + 1,
                title: i.title.clone(),
                added_by: name(i.added_by),
                paper_url: i.paper_url.clone(),
                minutes: i.minutes.clone(),
                proposal: i
                    .proposal_id
                    .and_then(|p| proposals.get(&p).map(|t| (p, t.clone()))),
                actions: actions
                    .iter()
                    .filter(|a| a.meeting_item_id == Some(i.id))
                    .map(|a| ItemAction {
                        title: a.title.clone(),
                        owner: name(a.owner_id),
                        due_on: time::day(a.due_on),
                        status: ActionStatus::from_code(&a.status)
                            .map_or(a.status.as_str(), |s| s.label())
                            .to_owned(),
                    })
                    .collect(),
            })
            .collect(),
        attendance: attendees,
        people: if may_run {
            people(db, &s).await?
        } else {
            vec![]
        },
        proposals: if may_run {
            proposal::Entity::find()
                .filter(proposal::Column::SpaceId.eq(s.id))
                .order_by_desc(proposal::Column::Id)
                .limit(200)
                .all(db)
                .await?
                .into_iter()
                .map(|p| (p.id.to_string(), p.title))
                .collect()
        } else {
            vec![]
        },
        may_run,
        may_add_item,
    })
}

/// Put an item on the agenda, last: any member of the space, until the meeting is
/// cancelled.
pub async fn add_item(
    db: &DatabaseConnection,
    actor_id: i64,
    meeting_id: i64,
    title: &str,
    paper_url: &str,
) -> Result<i64, AppError> {
    let (m, s) = meeting_and_space(db, meeting_id).await?;
    membership::authorise(db, actor_id, Action::AddAgendaItem, &s).await?;
    if cancelled(&m) {
        return Err(AppError::conflict("meeting", "The meeting was cancelled."));
    }
    let mut v = Validation::default();
    let title = checked_title(&mut v, "title", title, ITEM_TITLE_MAX);
    let paper_url = checked_link(&mut v, "paper_url", paper_url);
    v.finish()?;
    let txn = crate::server::db::begin_write(db).await?;
    let last = meeting_item::Entity::find()
        .filter(meeting_item::Column::MeetingId.eq(m.id))
        .order_by_desc(meeting_item::Column::Position)
        .one(&txn)
        .await?
        .map_or(0, |i| i.position);
    let item = meeting_item::ActiveModel {
        meeting_id: Set(m.id),
        position: Set(last + 1),
        title: Set(title),
        paper_url: Set(paper_url),
        minutes: Set(None),
        proposal_id: Set(None),
        added_by: Set(actor_id),
        added_at: Set(Utc::now()),
        minuted_by: Set(None),
        minuted_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(item.id)
}

/// Move an item one place up or down the agenda: those who run the meeting.
pub async fn move_item(
    db: &DatabaseConnection,
    actor_id: i64,
    item_id: i64,
    way: &str,
) -> Result<(), AppError> {
    let (_, m, s) = item_meeting_space(db, item_id).await?;
    membership::authorise(db, actor_id, Action::RunMeeting, &s).await?;
    let way = Move::from_code(way).ok_or_else(|| AppError::invalid("way", "Move up or down."))?;
    let txn = crate::server::db::begin_write(db).await?;
    let items = meeting_item::Entity::find()
        .filter(meeting_item::Column::MeetingId.eq(m.id))
        .order_by_asc(meeting_item::Column::Position)
        .order_by_asc(meeting_item::Column::Id)
        .all(&txn)
        .await?;
    let order = moved(
        &items.iter().map(|i| i.id).collect::<Vec<_>>(),
        item_id,
        way,
    );
    for (n, id) in order.iter().enumerate() {
        let position = n as i32 + 1;
        if let Some(i) = items.iter().find(|i| i.id == *id && i.position != position) {
            let mut a: meeting_item::ActiveModel = i.clone().into();
            a.position = Set(position);
            a.update(&txn).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Write an item's minutes, and the decision it concerns (a proposal of the same space,
/// or none): those who run the meeting, once it has begun.
pub async fn minute_item(
    db: &DatabaseConnection,
    actor_id: i64,
    item_id: i64,
    minutes: &str,
    proposal_id: Option<i64>,
) -> Result<(), AppError> {
    let (item, m, s) = item_meeting_space(db, item_id).await?;
    membership::authorise(db, actor_id, Action::RunMeeting, &s).await?;
    if cancelled(&m) {
        return Err(AppError::conflict("meeting", "The meeting was cancelled."));
    }
    if m.starts_at > Utc::now() {
        return Err(AppError::conflict(
            "minutes",
            "Minutes are written once the meeting has begun.",
        ));
    }
    let mut v = Validation::default();
    let minutes = minutes.trim();
    if minutes.is_empty() {
        v.refuse("minutes", "Write what was said and agreed.");
    } else if minutes.chars().count() > MINUTES_MAX {
        v.refuse(
            "minutes",
            format!("Keep an item's minutes to {MINUTES_MAX} characters."),
        );
    }
    if let Some(p) = proposal_id {
        let here = proposal::Entity::find_by_id(p)
            .filter(proposal::Column::SpaceId.eq(s.id))
            .one(db)
            .await?;
        if here.is_none() {
            v.refuse("proposal", "Choose a decision of this space from the list.");
        }
    }
    v.finish()?;
    let summary = format!("Minutes of “{}” at “{}” were written", item.title, m.title);
    let mut a: meeting_item::ActiveModel = item.into();
    a.minutes = Set(Some(minutes.to_owned()));
    a.proposal_id = Set(proposal_id);
    a.minuted_by = Set(Some(actor_id));
    a.minuted_at = Set(Some(Utc::now()));
    let txn = crate::server::db::begin_write(db).await?;
    a.update(&txn).await?;
    crate::server::services::audit::in_space(
        &txn,
        actor_id,
        s.id,
        crate::domain::audit::AuditAction::MeetingMinuted,
        summary,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Record someone as present or with apologies (`presence` a [`Presence`] code), or take
/// them off the record ("none"): those who run the meeting, for the space's members.
pub async fn record_attendance(
    db: &DatabaseConnection,
    actor_id: i64,
    meeting_id: i64,
    person_id: i64,
    presence: &str,
) -> Result<(), AppError> {
    let (m, s) = meeting_and_space(db, meeting_id).await?;
    membership::authorise(db, actor_id, Action::RunMeeting, &s).await?;
    if cancelled(&m) {
        return Err(AppError::conflict("meeting", "The meeting was cancelled."));
    }
    let presence = match presence {
        "none" => None,
        code => Some(Presence::from_code(code).ok_or_else(|| {
            AppError::invalid("presence", "Choose present, apologies or not recorded.")
        })?),
    };
    if !is_one_of_people(db, &s, person_id).await? {
        return Err(AppError::invalid(
            "person",
            "Choose someone from the list: a member of this space.",
        ));
    }
    let txn = crate::server::db::begin_write(db).await?;
    meeting_attendance::Entity::delete_many()
        .filter(meeting_attendance::Column::MeetingId.eq(m.id))
        .filter(meeting_attendance::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await?;
    if let Some(p) = presence {
        meeting_attendance::ActiveModel {
            meeting_id: Set(m.id),
            person_id: Set(person_id),
            presence: Set(p.code().to_owned()),
            recorded_by: Set(actor_id),
            recorded_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// An action an agenda item produced, owned by a member of the space: those who run the
/// meeting. It is the space's action like any other (listed for its owner, the space and
/// the dashboards), and remembers the item it came from.
pub async fn add_action(
    db: &DatabaseConnection,
    actor_id: i64,
    item_id: i64,
    title: &str,
    owner_id: i64,
    due_on: &str,
) -> Result<i64, AppError> {
    let (item, m, s) = item_meeting_space(db, item_id).await?;
    membership::authorise(db, actor_id, Action::RunMeeting, &s).await?;
    if cancelled(&m) {
        return Err(AppError::conflict("meeting", "The meeting was cancelled."));
    }
    let mut v = Validation::default();
    let title = title.trim();
    if title.is_empty() {
        v.refuse("title", "Say what is to be done.");
    } else if title.chars().count() > ACTION_TITLE_MAX {
        v.refuse(
            "title",
            format!("Keep the action to {ACTION_TITLE_MAX} characters."),
        );
    }
    let due_on = v.take(
        NaiveDate::parse_from_str(due_on.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::invalid("due_on", "Enter the due date, like 2026-12-01.")),
    );
    if !is_one_of_people(db, &s, owner_id).await? {
        v.refuse(
            "owner",
            "Choose an owner from the list: a member of this space.",
        );
    }
    let due_on = v.finish_with(due_on)?;
    let now = Utc::now();
    let txn = crate::server::db::begin_write(db).await?;
    let a = action::ActiveModel {
        workshop_id: Set(None),
        space_id: Set(Some(s.id)),
        theme_id: Set(None),
        note_id: Set(None),
        meeting_item_id: Set(Some(item.id)),
        title: Set(title.to_owned()),
        owner_id: Set(owner_id),
        due_on: Set(due_on),
        status: Set(ActionStatus::Open.code().to_owned()),
        created_by: Set(actor_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    action_event::ActiveModel {
        action_id: Set(a.id),
        status: Set(ActionStatus::Open.code().to_owned()),
        by_id: Set(actor_id),
        at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(a.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::services::demo;
    use crate::server::testing::for_each_database;
    use sea_orm::PaginatorTrait;

    async fn id_of(db: &DatabaseConnection, email: &str) -> i64 {
        accounts::find_by_email(db, email)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// How many lines of the audit log say `action`.
    async fn audited(db: &DatabaseConnection, action: crate::domain::audit::AuditAction) -> u64 {
        use sea_orm::PaginatorTrait;
        crate::server::entities::audit_log::Entity::find()
            .filter(crate::server::entities::audit_log::Column::Action.eq(action.code()))
            .count(db)
            .await
            .unwrap()
    }

    fn form(title: &str, starts_at: &str) -> MeetingForm {
        MeetingForm {
            title: title.into(),
            starts_at: starts_at.into(),
            length: "90".into(),
            place: "Engine Shed, Bristol".into(),
            call_link: "https://meet.example.org/q-west".into(),
        }
    }

    fn fields(e: AppError) -> Vec<String> {
        match e {
            AppError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_convener_runs_a_meeting_from_agenda_to_minutes_with_an_action() {
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

            // Bad input is refused field by field, and nothing is stored.
            let bad = MeetingForm {
                title: " ".into(),
                starts_at: "tomorrow".into(),
                length: "5".into(),
                place: String::new(),
                call_link: "javascript:alert(1)".into(),
            };
            let refused = fields(
                schedule(&db, hein, "west-of-england", &bad)
                    .await
                    .unwrap_err(),
            );
            for f in ["title", "starts_at", "length", "call_link", "place"] {
                assert!(refused.contains(&f.to_owned()), "{f} in {refused:?}");
            }
            assert_eq!(meeting::Entity::find().count(&db).await.unwrap(), 0);
            // Only the region's conveners and stewards schedule.
            assert_eq!(
                schedule(
                    &db,
                    helen,
                    "west-of-england",
                    &form("Stewardship group", "2026-01-15T10:00")
                )
                .await
                .unwrap_err(),
                AppError::Forbidden
            );
            let m = schedule(
                &db,
                hein,
                "west-of-england",
                &form("Stewardship group, January", "2026-01-15T10:00"),
            )
            .await
            .unwrap();
            assert_eq!(m.starts_at.to_rfc3339(), "2026-01-15T10:00:00+00:00");

            // Members of the space add to the agenda; another region's convener may not.
            let first = add_item(
                &db,
                sam,
                m.id,
                "Patients on the panel",
                "https://papers.example.org/panel.pdf",
            )
            .await
            .unwrap();
            let second = add_item(&db, hein, m.id, "Budget for the spring events", "")
                .await
                .unwrap();
            assert_eq!(
                add_item(&db, helen, m.id, "Something", "")
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            assert_eq!(
                fields(
                    add_item(&db, sam, m.id, "Paper", "data:text/html,hi")
                        .await
                        .unwrap_err()
                ),
                vec!["paper_url"]
            );
            // The convener orders; a steward may too; someone from elsewhere may not.
            move_item(&db, hein, second, "up").await.unwrap();
            assert_eq!(
                move_item(&db, helen, second, "down").await.unwrap_err(),
                AppError::Forbidden
            );
            let page_now = page(&db, sam, m.id).await.unwrap();
            let order: Vec<i64> = page_now.items.iter().map(|i| i.id).collect();
            assert_eq!(order, vec![second, first]);
            assert!(page_now.may_run && page_now.may_add_item && page_now.started);

            // Minutes, with the decision it concerns from this space only.
            let other_space = proposal::Entity::find()
                .filter(proposal::Column::SpaceId.ne(m.space_id))
                .one(&db)
                .await
                .unwrap();
            if let Some(p) = other_space {
                assert_eq!(
                    fields(
                        minute_item(&db, hein, first, "Agreed.", Some(p.id))
                            .await
                            .unwrap_err()
                    ),
                    vec!["proposal"]
                );
            }
            assert_eq!(
                fields(minute_item(&db, hein, first, "  ", None).await.unwrap_err()),
                vec!["minutes"]
            );
            minute_item(
                &db,
                hein,
                first,
                "Agreed to invite two patients to the panel.",
                None,
            )
            .await
            .unwrap();
            assert_eq!(
                minute_item(&db, helen, first, "No.", None)
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );

            // Attendance: the space's members only.
            record_attendance(&db, hein, m.id, sam, "present")
                .await
                .unwrap();
            record_attendance(&db, hein, m.id, hein, "apologies")
                .await
                .unwrap();
            record_attendance(&db, hein, m.id, hein, "present")
                .await
                .unwrap();
            assert_eq!(
                fields(
                    record_attendance(&db, hein, m.id, helen, "present")
                        .await
                        .unwrap_err()
                ),
                vec!["person"]
            );
            assert_eq!(
                fields(
                    record_attendance(&db, hein, m.id, sam, "asleep")
                        .await
                        .unwrap_err()
                ),
                vec!["presence"]
            );

            // An action from the item: the space's own, remembering the item.
            assert_eq!(
                fields(
                    add_action(&db, hein, first, "Write to the panel", helen, "2026-02-01")
                        .await
                        .unwrap_err()
                ),
                vec!["owner"]
            );
            let a = add_action(
                &db,
                hein,
                first,
                "Write to the two patients",
                sam,
                "2026-02-01",
            )
            .await
            .unwrap();
            let stored = action::Entity::find_by_id(a)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                (stored.space_id, stored.meeting_item_id),
                (Some(m.space_id), Some(first))
            );

            let read = page(&db, helen, m.id).await.unwrap();
            assert!(!read.may_run && !read.may_add_item && read.people.is_empty());
            let item = read.items.iter().find(|i| i.id == first).unwrap();
            assert_eq!(item.number, 2);
            assert_eq!(item.added_by, "Sam Okafor");
            assert_eq!(
                item.minutes.as_deref(),
                Some("Agreed to invite two patients to the panel.")
            );
            assert_eq!(item.actions.len(), 1);
            assert_eq!(item.actions[0].owner, "Sam Okafor");
            assert_eq!(item.actions[0].due_on, "1 February 2026");
            let mut came: Vec<(String, String)> = read
                .attendance
                .iter()
                .map(|a| (a.name.clone(), a.presence.clone()))
                .collect();
            came.sort();
            assert_eq!(
                came,
                vec![
                    ("Hein le Roux".into(), "Present".into()),
                    ("Sam Okafor".into(), "Present".into())
                ]
            );
            // Someone who is not a member of the community reads nothing.
            assert_eq!(
                page(&db, stranger, m.id).await.unwrap_err(),
                AppError::Forbidden
            );
            assert_eq!(
                space_meetings(&db, stranger, "west-of-england")
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );

            // A meeting to come: no minutes before it; it may be cancelled, and then
            // takes nothing more and leaves the space page.
            let next_year = (Utc::now() + chrono::Duration::days(30))
                .format("%Y-%m-%dT18:00")
                .to_string();
            let later = schedule(
                &db,
                sam,
                "west-of-england",
                &form("Stewardship group, next month", &next_year),
            )
            .await
            .unwrap();
            let item = add_item(&db, sam, later.id, "Terms ending", "")
                .await
                .unwrap();
            assert!(matches!(
                minute_item(&db, hein, item, "Too soon.", None).await,
                Err(AppError::Conflict(_))
            ));
            let listed = space_meetings(&db, sam, "west-of-england").await.unwrap();
            assert_eq!(listed.upcoming.len(), 1);
            assert_eq!(listed.past.len(), 1);
            assert_eq!(upcoming(&db, m.space_id, 3).await.unwrap().len(), 1);
            assert_eq!(
                cancel(&db, helen, later.id).await.unwrap_err(),
                AppError::Forbidden
            );
            cancel(&db, hein, later.id).await.unwrap();
            assert!(matches!(
                add_item(&db, sam, later.id, "More", "").await,
                Err(AppError::Conflict(_))
            ));
            assert!(upcoming(&db, m.space_id, 3).await.unwrap().is_empty());
            assert!(matches!(
                cancel(&db, hein, m.id).await,
                Err(AppError::Conflict(_))
            ));
            // What was done is in the space's audit log; what was refused is not.
            use crate::domain::audit::AuditAction;
            assert_eq!(audited(&db, AuditAction::MeetingScheduled).await, 2);
            assert_eq!(audited(&db, AuditAction::MeetingMinuted).await, 1);
            assert_eq!(audited(&db, AuditAction::MeetingCancelled).await, 1);
        })
        .await;
    }
}
