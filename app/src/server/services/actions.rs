//! Actions: what members take on from a workshop's themes and notes. An owner, a due
//! date, a status whose every change is recorded with who and when; listed for the owner,
//! for the space and in the workshop's report.
use crate::domain::action::{ACTION_TITLE_MAX, ActionEvent, ActionStatus, ActionView, is_overdue};
use crate::domain::membership::MembershipStatus;
use crate::domain::structure::SpaceKind;
use crate::error::{AppError, Validation};
use crate::server::auth::Who;
use crate::server::entities::{
    action, action_event, member, person, space, workshop, workshop_note, workshop_participant,
    workshop_theme,
};
use crate::server::services::spaces::member_condition;
use crate::server::services::workshops;
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::{BTreeMap, HashMap};

pub struct ActionForm {
    pub title: String,
    pub owner_id: i64,
    pub due_on: String,
    /// The theme or note it comes from, if any.
    pub theme_id: Option<i64>,
    pub note_id: Option<i64>,
}

/// The facilitator creates an action from the workshop: the owner must be an active member.
pub async fn create(
    db: &DatabaseConnection,
    workshop_id: i64,
    who: &Who,
    f: &ActionForm,
) -> Result<i64, AppError> {
    let w = workshops::by_id(db, workshop_id).await?;
    workshops::actor(db, &w, who).await?.facilitator()?;
    let by = who.person.as_ref().ok_or(AppError::Unauthenticated)?;
    let mut v = Validation::default();
    let title = f.title.trim();
    if title.is_empty() {
        v.refuse("title", "Say what is to be done.");
    } else if title.chars().count() > ACTION_TITLE_MAX {
        v.refuse(
            "title",
            format!("Keep the action to {ACTION_TITLE_MAX} characters."),
        );
    }
    let due_on = v.take(
        NaiveDate::parse_from_str(f.due_on.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::invalid("due_on", "Enter the due date, like 2026-12-01.")),
    );
    // The owner comes from the browser: it must be someone this workshop may give an
    // action to (who took part, or a member of its space), not any id.
    if !may_own(db, &w, f.owner_id).await? {
        v.refuse(
            "owner",
            "Choose an owner from the list: someone who took part or a member of this space.",
        );
    }
    if let Some(t) = f.theme_id {
        let found = workshop_theme::Entity::find_by_id(t)
            .filter(workshop_theme::Column::WorkshopId.eq(workshop_id))
            .one(db)
            .await?;
        if found.is_none() {
            v.refuse("theme", "That theme is not in this workshop.");
        }
    }
    if let Some(n) = f.note_id {
        let found = workshop_note::Entity::find_by_id(n)
            .filter(workshop_note::Column::WorkshopId.eq(workshop_id))
            .one(db)
            .await?;
        if found.is_none() {
            v.refuse("note", "That note is not in this workshop.");
        }
    }
    let due_on = v.finish_with(due_on)?;
    let now = Utc::now();
    let txn = crate::server::db::begin_write(db).await?;
    let a = action::ActiveModel {
        workshop_id: Set(Some(w.id)),
        space_id: Set(w.space_id),
        theme_id: Set(f.theme_id),
        note_id: Set(f.note_id),
        title: Set(title.to_owned()),
        owner_id: Set(f.owner_id),
        due_on: Set(due_on),
        status: Set(ActionStatus::Open.code().to_owned()),
        created_by: Set(by.id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(&txn, a.id, ActionStatus::Open, by.id).await?;
    txn.commit().await?;
    Ok(a.id)
}

async fn record(
    db: &impl ConnectionTrait,
    action_id: i64,
    status: ActionStatus,
    by: i64,
) -> Result<(), AppError> {
    action_event::ActiveModel {
        action_id: Set(action_id),
        status: Set(status.code().to_owned()),
        by_id: Set(by),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Who may change an action's status: its owner, whoever created it, and the facilitator
/// of the workshop it came from.
fn may_update(a: &action::Model, facilitator: Option<i64>, person: i64) -> bool {
    a.owner_id == person || a.created_by == person || facilitator == Some(person)
}

/// Change an action's status; the change is recorded with who and when.
pub async fn set_status(
    db: &DatabaseConnection,
    action_id: i64,
    by: &person::Model,
    status: &str,
) -> Result<(), AppError> {
    let status = ActionStatus::from_code(status)
        .ok_or_else(|| AppError::invalid("status", "Choose open, in progress, done or dropped."))?;
    let txn = crate::server::db::begin_write(db).await?;
    let a = action::Entity::find_by_id(action_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such action.".into()))?;
    let facilitator = match a.workshop_id {
        Some(w) => workshop::Entity::find_by_id(w)
            .one(&txn)
            .await?
            .map(|w| w.facilitator_id),
        None => None,
    };
    if !may_update(&a, facilitator, by.id) {
        return Err(AppError::Forbidden);
    }
    if a.status == status.code() {
        return Ok(());
    }
    let mut m: action::ActiveModel = a.into();
    m.status = Set(status.code().to_owned());
    m.updated_at = Set(Utc::now());
    let a = m.update(&txn).await?;
    record(&txn, a.id, status, by.id).await?;
    txn.commit().await?;
    Ok(())
}

/// Which actions to list.
pub enum Listing {
    OwnedBy(i64),
    InSpace(i64),
    FromWorkshop(i64),
}

/// Actions as listed for `viewer`, soonest due first: a fixed number of queries however
/// many there are.
pub async fn list(
    db: &impl ConnectionTrait,
    listing: Listing,
    viewer: Option<i64>,
    today: NaiveDate,
) -> Result<Vec<ActionView>, AppError> {
    let filter = match listing {
        Listing::OwnedBy(p) => action::Column::OwnerId.eq(p),
        Listing::InSpace(s) => action::Column::SpaceId.eq(s),
        Listing::FromWorkshop(w) => action::Column::WorkshopId.eq(w),
    };
    let actions = action::Entity::find()
        .filter(filter)
        .order_by_asc(action::Column::DueOn)
        .order_by_asc(action::Column::Id)
        .all(db)
        .await?;
    if actions.is_empty() {
        return Ok(Vec::new());
    }
    let events = action_event::Entity::find()
        .filter(action_event::Column::ActionId.is_in(actions.iter().map(|a| a.id)))
        .order_by_asc(action_event::Column::Id)
        .all(db)
        .await?;
    let people: HashMap<i64, String> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::Name)
        .filter(
            person::Column::Id.is_in(
                actions
                    .iter()
                    .map(|a| a.owner_id)
                    .chain(events.iter().map(|e| e.by_id)),
            ),
        )
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let workshops: HashMap<i64, (String, i64)> = workshop::Entity::find()
        .select_only()
        .column(workshop::Column::Id)
        .column(workshop::Column::Title)
        .column(workshop::Column::FacilitatorId)
        .filter(workshop::Column::Id.is_in(actions.iter().filter_map(|a| a.workshop_id)))
        .into_tuple::<(i64, String, i64)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, t, f)| (id, (t, f)))
        .collect();
    let themes: HashMap<i64, String> = workshop_theme::Entity::find()
        .filter(workshop_theme::Column::Id.is_in(actions.iter().filter_map(|a| a.theme_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let notes: HashMap<i64, String> = workshop_note::Entity::find()
        .filter(workshop_note::Column::Id.is_in(actions.iter().filter_map(|a| a.note_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n.body))
        .collect();
    let spaces: HashMap<i64, (String, String)> = space::Entity::find()
        .filter(space::Column::Id.is_in(actions.iter().filter_map(|a| a.space_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, (s.name, s.slug)))
        .collect();
    let mut history: BTreeMap<i64, Vec<ActionEvent>> = BTreeMap::new();
    for e in events {
        history.entry(e.action_id).or_default().push(ActionEvent {
            status: ActionStatus::from_code(&e.status).unwrap_or(ActionStatus::Open),
            by: people.get(&e.by_id).cloned().unwrap_or_default(),
            at: e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        });
    }
    Ok(actions
        .into_iter()
        .map(|a| {
            let status = ActionStatus::from_code(&a.status).unwrap_or(ActionStatus::Open);
            let from = a
                .workshop_id
                .and_then(|w| workshops.get(&w).map(|x| (w, x)));
            let source = a
                .theme_id
                .and_then(|t| themes.get(&t).map(|n| format!("Theme: {n}")))
                .or_else(|| {
                    a.note_id
                        .and_then(|n| notes.get(&n).map(|b| format!("Note: {b}")))
                });
            ActionView {
                id: a.id,
                owner: people.get(&a.owner_id).cloned().unwrap_or_default(),
                owner_id: a.owner_id,
                due_on: a.due_on,
                overdue: is_overdue(status, a.due_on, today),
                status,
                workshop: from.map(|(id, (t, _))| (id, t.clone())),
                source,
                space: a.space_id.and_then(|s| spaces.get(&s).cloned()),
                history: history.remove(&a.id).unwrap_or_default(),
                may_update: viewer.is_some_and(|v| may_update(&a, from.map(|(_, (_, f))| *f), v)),
                title: a.title,
            }
        })
        .collect())
}

/// Members who may own an action from this workshop: active members who took part, the
/// facilitator, and the active members of its space.
async fn owners(db: &impl ConnectionTrait, w: &workshop::Model) -> Result<Condition, AppError> {
    let took_part = workshop_participant::Entity::find()
        .select_only()
        .column(workshop_participant::Column::PersonId)
        .filter(workshop_participant::Column::WorkshopId.eq(w.id))
        .filter(workshop_participant::Column::PersonId.is_not_null())
        .into_tuple::<Option<i64>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .chain([w.facilitator_id]);
    let mut who = Condition::any().add(member::Column::PersonId.is_in(took_part));
    if let Some(s) = w.space_id
        && let Some(space) = space::Entity::find_by_id(s).one(db).await?
        && let Some(kind) = SpaceKind::from_code(&space.kind)
    {
        who = who.add(member_condition(&space, kind));
    }
    Ok(Condition::all()
        .add(member::Column::Status.eq(MembershipStatus::Active.code()))
        .add(who))
}

/// Whether this person may own an action from this workshop (see [`owner_choices`]).
async fn may_own(
    db: &impl ConnectionTrait,
    w: &workshop::Model,
    person_id: i64,
) -> Result<bool, AppError> {
    use sea_orm::PaginatorTrait;
    Ok(member::Entity::find()
        .filter(owners(db, w).await?)
        .filter(member::Column::PersonId.eq(person_id))
        .count(db)
        .await?
        > 0)
}

/// Members who may own an action from this workshop, by name.
pub async fn owner_choices(
    db: &DatabaseConnection,
    w: &workshop::Model,
) -> Result<Vec<(i64, String)>, AppError> {
    Ok(member::Entity::find()
        .inner_join(person::Entity)
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::Name)
        .filter(owners(db, w).await?)
        .order_by_asc(person::Column::Name)
        .limit(2000)
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workshop::board::Settings;
    use crate::server::services::workshops::archive;
    use crate::server::services::workshops::tests::{guest, member, setup};
    use crate::server::services::workshops::{create_theme, templates};
    use crate::server::testing::for_each_database;

    #[tokio::test]
    async fn the_facilitator_gives_actions_to_members_and_every_status_change_is_recorded() {
        for_each_database(async |db| {
            let (live, w, hein) = setup(&db, Settings::default()).await;
            let sam = member(&db, "sam@demo.q-commons.org").await;
            let sam_id = sam.person.as_ref().unwrap().id;
            let theme = create_theme(&db, &live, w.id, &hein, "Transport home")
                .await
                .unwrap();
            let form = |owner_id: i64, due_on: &str| ActionForm {
                title: "Ask the bus company about evening routes".into(),
                owner_id,
                due_on: due_on.into(),
                theme_id: Some(theme),
                note_id: None,
            };
            // Only the facilitator; the owner must be a member; the date must be a date.
            assert_eq!(
                create(&db, w.id, &sam, &form(sam_id, "2026-12-01")).await,
                Err(AppError::Forbidden)
            );
            assert_eq!(
                create(&db, w.id, &guest("g"), &form(sam_id, "2026-12-01")).await,
                Err(AppError::Forbidden)
            );
            match create(&db, w.id, &hein, &form(999_999, "soon")).await {
                Err(AppError::Invalid(e)) => {
                    let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
                    assert_eq!(fields, vec!["due_on", "owner"]);
                }
                other => panic!("expected invalid, got {other:?}"),
            }
            let today = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
            assert!(
                list(&db, Listing::OwnedBy(sam_id), Some(sam_id), today)
                    .await
                    .unwrap()
                    .is_empty()
            );
            let id = create(&db, w.id, &hein, &form(sam_id, "2026-12-01"))
                .await
                .unwrap();

            let mine = list(&db, Listing::OwnedBy(sam_id), Some(sam_id), today)
                .await
                .unwrap();
            assert_eq!(mine.len(), 1);
            let a = &mine[0];
            assert!(a.overdue && a.may_update);
            assert_eq!(a.source.as_deref(), Some("Theme: Transport home"));
            assert_eq!(
                a.space.as_ref().map(|s| s.1.as_str()),
                Some("west-of-england")
            );
            assert_eq!(a.history.len(), 1);

            // A member who neither owns nor created it may not change it.
            let helen = member(&db, "helen@demo.q-commons.org").await;
            let helen = helen.person.unwrap();
            assert_eq!(
                set_status(&db, id, &helen, "done").await,
                Err(AppError::Forbidden)
            );
            let sam_person = sam.person.clone().unwrap();
            assert!(matches!(
                set_status(&db, id, &sam_person, "finished").await,
                Err(AppError::Invalid(_))
            ));
            set_status(&db, id, &sam_person, "in_progress")
                .await
                .unwrap();
            set_status(&db, id, &sam_person, "in_progress")
                .await
                .unwrap();
            set_status(&db, id, hein.person.as_ref().unwrap(), "done")
                .await
                .unwrap();
            let space_list = list(
                &db,
                Listing::InSpace(w.space_id.unwrap()),
                Some(helen.id),
                today,
            )
            .await
            .unwrap();
            let a = &space_list[0];
            assert!(!a.overdue, "done is never overdue");
            assert!(!a.may_update);
            let history: Vec<(ActionStatus, &str)> = a
                .history
                .iter()
                .map(|e| (e.status, e.by.as_str()))
                .collect();
            assert_eq!(
                history,
                vec![
                    (ActionStatus::Open, "Hein le Roux"),
                    (ActionStatus::InProgress, "Sam Okafor"),
                    (ActionStatus::Done, "Hein le Roux"),
                ]
            );
            // The owner choices include the space's members.
            let owners = owner_choices(&db, &w).await.unwrap();
            assert!(owners.iter().any(|(id, _)| *id == sam_id));

            // The archive finds the workshop by a theme's name and counts open actions.
            let found = archive::list(&db, w.space_id.unwrap(), "TRANSPORT", today)
                .await
                .unwrap();
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].themes, vec!["Transport home".to_owned()]);
            assert_eq!(found[0].open_actions, 0);
            assert!(
                archive::list(&db, w.space_id.unwrap(), "dentistry", today)
                    .await
                    .unwrap()
                    .is_empty()
            );
            assert!(
                archive::list(&db, w.space_id.unwrap(), "100%_", today)
                    .await
                    .unwrap()
                    .is_empty()
            );

            // Its agenda saved as a template starts the next workshop.
            let shipped = templates::list(&db).await.unwrap();
            assert_eq!(shipped.iter().filter(|t| t.shipped).count(), 3);
            let saved = templates::save(&db, w.id, &hein, "Discharge conversation", "")
                .await
                .unwrap();
            assert_eq!(
                templates::save(&db, w.id, &sam, "Mine now", "").await,
                Err(AppError::Forbidden)
            );
            let steps = templates::steps(&db, saved).await.unwrap();
            let kinds: Vec<&str> = steps.iter().map(|s| s.kind.code()).collect();
            assert_eq!(kinds, vec!["idea_capture", "grouping", "dot_vote"]);
        })
        .await;
    }
}
