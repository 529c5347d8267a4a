//! Service tests of live workshops, on SQLite and PostgreSQL.
use super::*;
use crate::domain::membership::Perspective;
use crate::domain::workshop::board::{Dots, Fact, NOTE_MAX, Settings, Viewer};
use crate::domain::workshop::{ActivityKind, Ballot, Control, VoteRules, normalise_join_code};
use crate::server::auth::Who;
use crate::server::entities::{workshop, workshop_note, workshop_participant};
use crate::server::live::Live;
use sea_orm::{DatabaseConnection, EntityTrait};

mod access;
mod responses;
mod trust;
use crate::domain::workshop::board::Change;
use crate::server::live::Signal;
use crate::server::services::{accounts, demo};
use crate::server::testing::for_each_database;

pub(crate) async fn member(db: &DatabaseConnection, email: &str) -> Who {
    Who {
        person: accounts::find_by_email(db, email).await.unwrap(),
        device_token: None,
    }
}

/// Join as a test participant would: named in the report, from one address.
pub(crate) async fn enter(
    db: &DatabaseConnection,
    live: &Live,
    w: &workshop::Model,
    who: &Who,
    display_name: &str,
    perspective: &str,
) -> Result<workshop_participant::Model, AppError> {
    let form = JoinForm {
        display_name: display_name.into(),
        perspective: perspective.into(),
        named_in_report: true,
    };
    join(db, live, w, who, &form, "127.0.0.1").await
}

pub(crate) fn guest(token: &str) -> Who {
    Who {
        person: None,
        device_token: Some(token.into()),
    }
}

/// Everything told on `rx` up to the workshop's latest change (on PostgreSQL the
/// notifications arrive a moment after the commit).
pub(crate) async fn told(
    db: &DatabaseConnection,
    rx: &mut tokio::sync::broadcast::Receiver<Signal>,
    workshop_id: i64,
) -> Vec<std::sync::Arc<crate::server::live::Told>> {
    let last = by_id(db, workshop_id).await.unwrap().seq;
    let mut seen = vec![];
    while seen
        .last()
        .is_none_or(|e: &std::sync::Arc<crate::server::live::Told>| e.seq < last)
    {
        match tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv()).await {
            Ok(Ok(Signal::Change(e))) => seen.push(e),
            other => panic!("expected change {last}, got {other:?} after {seen:?}"),
        }
    }
    seen
}

pub(crate) fn form(settings: Settings) -> WorkshopForm {
    WorkshopForm {
        title: "Getting home from hospital".into(),
        purpose: "Patients, carers and staff on what makes discharge go well.".into(),
        held_on: "2026-12-01".into(),
        space: "west-of-england".into(),
        prompt: "What gets in the way of going home?".into(),
        template: None,
        settings,
    }
}

pub(crate) async fn setup(
    db: &DatabaseConnection,
    settings: Settings,
) -> (Live, workshop::Model, Who) {
    demo::seed_if_empty(db).await.unwrap();
    let live = Live::start(db).await.unwrap();
    let hein = member(db, "hein@demo.q-commons.org").await;
    let w = create(db, hein.person.as_ref().unwrap(), &form(settings))
        .await
        .unwrap();
    (live, w, hein)
}

#[tokio::test]
async fn a_workshop_needs_a_title_prompt_and_date_and_changes_nothing_when_wrong() {
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let hein = member(&db, "hein@demo.q-commons.org").await;
        let bad = WorkshopForm {
            title: " ".into(),
            purpose: String::new(),
            held_on: "tomorrow".into(),
            space: "nowhere".into(),
            prompt: String::new(),
            template: None,
            settings: Settings::default(),
        };
        let err = create(&db, hein.person.as_ref().unwrap(), &bad)
            .await
            .unwrap_err();
        for field in ["title", "held_on", "space", "prompt"] {
            assert!(err.message_for(field).is_some(), "{field}: {err:?}");
        }
        assert_eq!(workshop::Entity::find().all(&db).await.unwrap().len(), 0);
        let w = create(
            &db,
            hein.person.as_ref().unwrap(),
            &form(Settings::default()),
        )
        .await
        .unwrap();
        assert_eq!(normalise_join_code(&w.join_code), Some(w.join_code.clone()));
        let kinds: Vec<ActivityKind> = activities(&db, w.id)
            .await
            .unwrap()
            .iter()
            .map(|a| a.kind)
            .collect();
        assert_eq!(
            kinds,
            vec![
                ActivityKind::IdeaCapture,
                ActivityKind::Grouping,
                ActivityKind::DotVote
            ]
        );
        assert_eq!(
            by_code(&db, &w.join_code.to_lowercase()).await.unwrap().id,
            w.id
        );
    })
    .await;
}

#[tokio::test]
async fn guests_join_once_per_device_and_members_as_themselves() {
    for_each_database(|db| async move {
        let (live, w, _) = setup(&db, Settings::default()).await;
        let err = enter(&db, &live, &w, &guest("phone-a"), " ", "dragon")
            .await
            .unwrap_err();
        assert!(err.message_for("display_name").is_some());
        assert!(err.message_for("perspective").is_some());
        let a = enter(&db, &live, &w, &guest("phone-a"), "Ana", "patient")
            .await
            .unwrap();
        let again = enter(&db, &live, &w, &guest("phone-a"), "Someone else", "carer")
            .await
            .unwrap();
        assert_eq!(a.id, again.id);
        enter(
            &db,
            &live,
            &w,
            &guest("phone-b"),
            "Ben",
            "prefer_not_to_say",
        )
        .await
        .unwrap();
        let sam = member(&db, "sam@demo.q-commons.org").await;
        let s = enter(&db, &live, &w, &sam, "ignored", "carer")
            .await
            .unwrap();
        assert_eq!(
            Some(s.display_name.clone()),
            sam.person.as_ref().map(|p| p.name.clone())
        );
        assert_eq!(s.person_id, sam.person.as_ref().map(|p| p.id));
        let board = board(
            &db,
            w.id,
            Viewer {
                participant_id: None,
                facilitator: true,
            },
        )
        .await
        .unwrap();
        assert_eq!(board.turnout.total(), 3);
        assert!(board.turnout.0.contains(&(Some(Perspective::Patient), 1)));
        assert!(board.turnout.0.contains(&(None, 1)));
    })
    .await;
}

#[tokio::test]
async fn a_note_sent_twice_is_stored_once_and_told_once() {
    for_each_database(|db| async move {
        let (live, w, hein) = setup(&db, Settings::default()).await;
        let ana = guest("phone-a");
        enter(&db, &live, &w, &ana, "Ana", "patient").await.unwrap();
        let err = post_note(&db, &live, w.id, &ana, "Too early", "k1")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("not running"), "{err}");
        control(&db, &live, w.id, &hein, Control::Start)
            .await
            .unwrap();
        let mut rx = live.subscribe(w.id);
        let first = post_note(&db, &live, w.id, &ana, "No one rang back", "k1")
            .await
            .unwrap();
        let second = post_note(&db, &live, w.id, &ana, "No one rang back", "k1")
            .await
            .unwrap();
        assert_eq!(first, second);
        let told = told(&db, &mut rx, w.id).await;
        let notes: Vec<&Fact> = told
            .iter()
            .filter(|e| matches!(e.fact, Fact::NoteSaved(_)))
            .map(|e| &e.fact)
            .collect();
        assert_eq!(notes.len(), 1, "told once: {told:?}");
        assert!(matches!(notes[0], Fact::NoteSaved(n) if n.id == first));
        // Sent twice at the same moment (a retry racing the original): still one note.
        let (a, b) = tokio::join!(
            post_note(&db, &live, w.id, &ana, "Parking costs too much", "k3"),
            post_note(&db, &live, w.id, &ana, "Parking costs too much", "k3"),
        );
        assert_eq!(a.unwrap(), b.unwrap());
        let long = "x".repeat(NOTE_MAX + 1);
        assert!(
            post_note(&db, &live, w.id, &ana, &long, "k2")
                .await
                .unwrap_err()
                .message_for("body")
                .is_some()
        );
        let count = workshop_note::Entity::find().all(&db).await.unwrap().len();
        assert_eq!(count, 2);
    })
    .await;
}

#[tokio::test]
async fn participants_edit_and_delete_only_their_own_notes_while_capture_is_open() {
    for_each_database(|db| async move {
        let (live, w, hein) = setup(&db, Settings::default()).await;
        let (ana, ben) = (guest("a"), guest("b"));
        enter(&db, &live, &w, &ana, "Ana", "patient").await.unwrap();
        enter(&db, &live, &w, &ben, "Ben", "carer").await.unwrap();
        control(&db, &live, w.id, &hein, Control::Start)
            .await
            .unwrap();
        let n = post_note(&db, &live, w.id, &ana, "Transport home", "k")
            .await
            .unwrap();
        assert_eq!(
            edit_note(&db, &live, w.id, &ben, n, "Mine now")
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        assert_eq!(
            remove_note(&db, &live, w.id, &ben, n).await.unwrap_err(),
            AppError::Forbidden
        );
        edit_note(&db, &live, w.id, &ana, n, "Transport home is hard to book")
            .await
            .unwrap();
        control(&db, &live, w.id, &hein, Control::Lock)
            .await
            .unwrap();
        assert!(edit_note(&db, &live, w.id, &ana, n, "Again").await.is_err());
        control(&db, &live, w.id, &hein, Control::Advance)
            .await
            .unwrap();
        assert!(remove_note(&db, &live, w.id, &ana, n).await.is_err());
        // The facilitator may remove any note, at any time.
        remove_note(&db, &live, w.id, &hein, n).await.unwrap();
        assert!(
            workshop_note::Entity::find()
                .all(&db)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}

#[tokio::test]
async fn hidden_notes_reach_only_their_author_and_the_facilitator_until_reveal() {
    for_each_database(|db| async move {
        let settings = Settings {
            notes_visible: false,
            anonymous: true,
            ..Settings::default()
        };
        let (live, w, hein) = setup(&db, settings).await;
        let (ana, ben) = (guest("a"), guest("b"));
        let a = enter(&db, &live, &w, &ana, "Ana", "patient").await.unwrap();
        let b = enter(&db, &live, &w, &ben, "Ben", "carer").await.unwrap();
        control(&db, &live, w.id, &hein, Control::Start)
            .await
            .unwrap();
        post_note(&db, &live, w.id, &ana, "Medicines take hours", "k")
            .await
            .unwrap();
        let w = by_id(&db, w.id).await.unwrap();
        let as_ben = board(
            &db,
            w.id,
            Viewer {
                participant_id: Some(b.id),
                facilitator: false,
            },
        )
        .await
        .unwrap();
        assert!(as_ben.notes.is_empty());
        assert_eq!(as_ben.hidden_notes.len(), 1);
        let as_ana = board(
            &db,
            w.id,
            Viewer {
                participant_id: Some(a.id),
                facilitator: false,
            },
        )
        .await
        .unwrap();
        assert_eq!(as_ana.notes.len(), 1);
        assert!(as_ana.notes[0].mine && as_ana.notes[0].author.is_none());
        control(&db, &live, w.id, &hein, Control::Reveal)
            .await
            .unwrap();
        let w = by_id(&db, w.id).await.unwrap();
        let as_ben = board(
            &db,
            w.id,
            Viewer {
                participant_id: Some(b.id),
                facilitator: false,
            },
        )
        .await
        .unwrap();
        assert_eq!(as_ben.notes.len(), 1);
        assert_eq!(as_ben.notes[0].author, None, "anonymous stays anonymous");
    })
    .await;
}

#[tokio::test]
async fn themes_group_notes_and_dots_respect_budget_cap_and_lock() {
    for_each_database(|db| async move {
        let (live, w, hein) = setup(&db, Settings::default()).await;
        let (ana, ben) = (guest("a"), guest("b"));
        enter(&db, &live, &w, &ana, "Ana", "patient").await.unwrap();
        enter(&db, &live, &w, &ben, "Ben", "carer").await.unwrap();
        control(&db, &live, w.id, &hein, Control::Start)
            .await
            .unwrap();
        let n1 = post_note(&db, &live, w.id, &ana, "Transport", "1")
            .await
            .unwrap();
        let n2 = post_note(&db, &live, w.id, &ben, "Medicines", "2")
            .await
            .unwrap();
        control(&db, &live, w.id, &hein, Control::Advance)
            .await
            .unwrap();
        // Participants may not theme unless the facilitator allows it.
        assert_eq!(
            create_theme(&db, &live, w.id, &ana, "Mine")
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        let travel = create_theme(&db, &live, w.id, &hein, "Getting there")
            .await
            .unwrap();
        let meds = create_theme(&db, &live, w.id, &hein, "Medicines")
            .await
            .unwrap();
        move_note(&db, &live, w.id, &hein, n1, Some(travel))
            .await
            .unwrap();
        move_note(&db, &live, w.id, &hein, n2, Some(meds))
            .await
            .unwrap();
        assert!(
            set_dots(&db, &live, w.id, &ana, travel, 1).await.is_err(),
            "voting not open yet"
        );
        control(&db, &live, w.id, &hein, Control::Advance)
            .await
            .unwrap();
        let saved = set_dots(&db, &live, w.id, &ana, travel, 3).await.unwrap();
        let (_, b) = saved.value;
        assert_eq!(
            saved.seq,
            by_id(&db, w.id).await.unwrap().seq,
            "the change that holds it"
        );
        assert_eq!(b, Ballot::from([(travel, 3)]));
        let err = set_dots(&db, &live, w.id, &ana, meds, 3).await.unwrap_err();
        assert!(
            err.message_for("dots").unwrap().contains("2 dots left"),
            "{err:?}"
        );
        assert!(
            set_dots(&db, &live, w.id, &ana, meds, 4).await.is_err(),
            "cap of 3"
        );
        // Change of mind.
        set_dots(&db, &live, w.id, &ana, travel, 1).await.unwrap();
        let (_, b) = set_dots(&db, &live, w.id, &ana, meds, 3)
            .await
            .unwrap()
            .value;
        assert_eq!(b, Ballot::from([(travel, 1), (meds, 3)]));
        set_dots(&db, &live, w.id, &ben, meds, 2).await.unwrap();
        assert!(set_dots(&db, &live, w.id, &ben, 999_999, 1).await.is_err());
        control(&db, &live, w.id, &hein, Control::Lock)
            .await
            .unwrap();
        assert!(
            set_dots(&db, &live, w.id, &ben, travel, 1).await.is_err(),
            "locked"
        );
        let w = by_id(&db, w.id).await.unwrap();
        let vote = activities(&db, w.id).await.unwrap()[2].id;
        let hidden = board(
            &db,
            w.id,
            Viewer {
                participant_id: None,
                facilitator: false,
            },
        )
        .await
        .unwrap();
        assert!(hidden.dots.is_empty(), "results hidden until reveal");
        let fac = board(
            &db,
            w.id,
            Viewer {
                participant_id: None,
                facilitator: true,
            },
        )
        .await
        .unwrap();
        let ranked: Vec<(i64, u32)> = fac.ranked(vote).iter().map(|d| (d.item, d.total)).collect();
        assert_eq!(ranked, vec![(meds, 5), (travel, 1)]);
        // Removing a theme frees its notes and its dots.
        remove_theme(&db, &live, w.id, &hein, meds).await.unwrap();
        let w = by_id(&db, w.id).await.unwrap();
        let fac = board(
            &db,
            w.id,
            Viewer {
                participant_id: None,
                facilitator: true,
            },
        )
        .await
        .unwrap();
        assert!(fac.notes.iter().all(|n| n.theme_id != Some(meds)));
        assert_eq!(fac.ranked(vote).len(), 1);
    })
    .await;
}

#[tokio::test]
async fn only_the_facilitator_controls_and_every_change_is_numbered_in_order() {
    for_each_database(|db| async move {
        let (live, w, hein) = setup(&db, Settings::default()).await;
        let sam = member(&db, "sam@demo.q-commons.org").await;
        assert_eq!(
            control(&db, &live, w.id, &sam, Control::Start)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        assert_eq!(
            update_settings(&db, &live, w.id, &sam, Settings::default())
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        let mut rx = live.subscribe(w.id);
        control(&db, &live, w.id, &hein, Control::Start)
            .await
            .unwrap();
        control(
            &db,
            &live,
            w.id,
            &hein,
            Control::StartTimer {
                seconds: 60,
                now_ms: 0,
            },
        )
        .await
        .unwrap();
        let err = control(&db, &live, w.id, &hein, Control::Back)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("first activity"));
        let seqs: Vec<i64> = told(&db, &mut rx, w.id)
            .await
            .iter()
            .map(|e| e.seq)
            .collect();
        assert_eq!(seqs, vec![1, 2]);
        assert_eq!(by_id(&db, w.id).await.unwrap().seq, 2);
        // A viewpoint redacts the stream as the board would.
        let mut vp = snapshot(&db, w.id).await.unwrap().viewpoint(Viewer {
            participant_id: None,
            facilitator: false,
        });
        let e = crate::domain::workshop::board::Envelope {
            workshop_id: w.id,
            seq: 3,
            fact: Fact::DotsChanged(Dots {
                activity_id: 1,
                item: 1,
                total: 1,
            }),
        };
        assert_eq!(vp.observe(&e).change, Change::Withheld);
    })
    .await;
}

#[tokio::test]
async fn the_agenda_changes_only_where_the_workshop_has_not_reached() {
    for_each_database(|db| async move {
        let (live, w, hein) = setup(&db, Settings::default()).await;
        let bad = ActivityForm {
            kind: "karaoke".into(),
            prompt: String::new(),
            budget: "0".into(),
            cap: "x".into(),
            target: "people".into(),
            options: String::new(),
            multiple: false,
        };
        let err = add_activity(&db, &live, w.id, &hein, &bad)
            .await
            .unwrap_err();
        for field in ["kind", "prompt", "budget", "cap", "target"] {
            assert!(err.message_for(field).is_some(), "{field}");
        }
        let f = ActivityForm {
            kind: "dot_vote".into(),
            prompt: "Which single idea first?".into(),
            budget: "3".into(),
            cap: String::new(),
            target: "notes".into(),
            options: String::new(),
            multiple: false,
        };
        add_activity(&db, &live, w.id, &hein, &f).await.unwrap();
        let agenda = activities(&db, w.id).await.unwrap();
        assert_eq!(agenda.len(), 4);
        assert_eq!(
            agenda[3].rules,
            VoteRules {
                budget: 3,
                cap_per_item: None
            }
        );
        control(&db, &live, w.id, &hein, Control::Start)
            .await
            .unwrap();
        assert!(
            remove_activity(&db, &live, w.id, &hein, agenda[0].id)
                .await
                .is_err()
        );
        remove_activity(&db, &live, w.id, &hein, agenda[1].id)
            .await
            .unwrap();
        let after: Vec<i64> = activities(&db, w.id)
            .await
            .unwrap()
            .iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(after, vec![agenda[0].id, agenda[2].id, agenda[3].id]);
    })
    .await;
}
