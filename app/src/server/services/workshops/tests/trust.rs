//! What keeps participants' words safe: a finished workshop takes no one new and its code
//! stops working; the raw records stay with those who steward the space; a running
//! workshop's report hides what its board hides; anonymity stays on once people wrote;
//! one network cannot fill a workshop with guests, and the facilitator removes a guest.
use super::{enter, form, guest, member, setup};
use crate::domain::workshop::Control;
use crate::domain::workshop::board::{Settings, Viewer};
use crate::error::AppError;
use crate::server::auth::Who;
use crate::server::entities::{workshop, workshop_participant};
use crate::server::services::workshops::{self, JoinForm, report};
use crate::server::services::{accounts, actions, roles};
use crate::server::testing::for_each_database;
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

async fn finish(db: &DatabaseConnection, live: &crate::server::live::Live, id: i64, fac: &Who) {
    workshops::control(db, live, id, fac, Control::Start)
        .await
        .unwrap();
    for _ in 0..3 {
        workshops::control(db, live, id, fac, Control::Advance)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_finished_workshop_takes_no_one_new_and_its_code_stops_working() {
    for_each_database(|db| async move {
        let (live, w, hein) = setup(&db, Settings::default()).await;
        enter(&db, &live, &w, &guest("ana"), "Ana", "patient")
            .await
            .unwrap();
        finish(&db, &live, w.id, &hein).await;
        let w = workshops::by_id(&db, w.id).await.unwrap();
        assert!(w.finished && w.finished_at.is_some());
        let err = enter(&db, &live, &w, &guest("late"), "Latecomer", "carer")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("has finished"), "{err}");
        // The join page says so instead of offering the form; the participant still
        // gets their board.
        let page = workshops::participant_page(&db, &w.join_code, &guest("late"), "10.0.0.1")
            .await
            .unwrap();
        assert!(page.finished && page.board.is_none());
        let page = workshops::participant_page(&db, &w.join_code, &guest("ana"), "10.0.0.1")
            .await
            .unwrap();
        assert!(page.board.is_some());
        // A week after the finish the code opens nothing at all.
        let mut old: workshop::ActiveModel = w.clone().into();
        old.finished_at = Set(Some(Utc::now() - Duration::days(8)));
        old.update(&db).await.unwrap();
        let err = workshops::by_code(&db, &w.join_code).await.unwrap_err();
        assert!(
            matches!(&err, AppError::NotFound(m) if m.contains("expired")),
            "{err:?}"
        );
        assert!(
            workshops::participant_page(&db, &w.join_code, &guest("ana"), "10.0.0.1")
                .await
                .is_err()
        );
        // The facilitator may keep it open longer.
        let longer = Settings {
            code_days: 30,
            ..Settings::default()
        };
        workshops::update_settings(&db, &live, w.id, &hein, longer)
            .await
            .unwrap();
        assert!(workshops::by_code(&db, &w.join_code).await.is_ok());
        let too_long = Settings {
            code_days: 400,
            ..Settings::default()
        };
        assert!(
            workshops::update_settings(&db, &live, w.id, &hein, too_long)
                .await
                .unwrap_err()
                .message_for("code_days")
                .is_some()
        );
        // Going back to the last activity opens it again.
        workshops::control(&db, &live, w.id, &hein, Control::Back)
            .await
            .unwrap();
        let w = workshops::by_id(&db, w.id).await.unwrap();
        assert!(!w.finished && w.finished_at.is_none());
    })
    .await;
}

#[tokio::test]
async fn the_raw_records_are_for_the_facilitator_and_the_space_s_stewards_and_convener() {
    for_each_database(|db| async move {
        let (live, w, hein) = setup(&db, Settings::default()).await;
        let ana = guest("ana");
        enter(&db, &live, &w, &ana, "Ana", "patient").await.unwrap();
        finish(&db, &live, w.id, &hein).await;
        let raw =
            async |who: &Who| report::input(&db, w.id, who, today(), report::Detail::Raw).await;
        let page = async |who: &Who| report::report_page(&db, w.id, who, today()).await;
        // The facilitator (also the region's convener), the region's steward, the project
        // team: the raw records.
        for email in ["hein", "sam", "priya"] {
            let who = member(&db, &format!("{email}@demo.q-commons.org")).await;
            assert!(raw(&who).await.is_ok(), "{email}");
            assert!(page(&who).await.unwrap().records, "{email}");
        }
        // A participant reads the report, not the raw records.
        assert_eq!(raw(&ana).await.unwrap_err(), AppError::Forbidden);
        assert!(!page(&ana).await.unwrap().records);
        // A convener of another region: neither.
        let helen = member(&db, "helen@demo.q-commons.org").await;
        assert_eq!(page(&helen).await.unwrap_err(), AppError::Forbidden);
        assert_eq!(raw(&helen).await.unwrap_err(), AppError::Forbidden);
        // Someone holding only the join code: nothing.
        assert_eq!(
            raw(&guest("code-only")).await.unwrap_err(),
            AppError::Forbidden
        );
        assert_eq!(
            page(&Who::default()).await.unwrap_err(),
            AppError::Unauthenticated
        );
    })
    .await;
}

#[tokio::test]
async fn a_running_workshop_s_report_hides_what_its_board_hides() {
    for_each_database(|db| async move {
        let settings = Settings {
            notes_visible: false,
            ..Settings::default()
        };
        let (live, w, hein) = setup(&db, settings).await;
        let (ana, ben) = (guest("ana"), guest("ben"));
        enter(&db, &live, &w, &ana, "Ana", "patient").await.unwrap();
        enter(&db, &live, &w, &ben, "Ben", "carer").await.unwrap();
        workshops::control(&db, &live, w.id, &hein, Control::Start)
            .await
            .unwrap();
        workshops::post_note(&db, &live, w.id, &ana, "Medicines take hours", "k")
            .await
            .unwrap();
        let notes = async |who: &Who| {
            report::input(&db, w.id, who, today(), report::Detail::Summary)
                .await
                .unwrap()
                .notes
                .len()
        };
        assert_eq!(notes(&ben).await, 0, "hidden from Ben until revealed");
        assert_eq!(notes(&ana).await, 1, "Ana sees her own");
        assert_eq!(notes(&hein).await, 1, "the facilitator sees all");
        workshops::control(&db, &live, w.id, &hein, Control::Advance)
            .await
            .unwrap();
        let theme = workshops::create_theme(&db, &live, w.id, &hein, "Medicines")
            .await
            .unwrap();
        workshops::control(&db, &live, w.id, &hein, Control::Advance)
            .await
            .unwrap();
        workshops::set_dots(&db, &live, w.id, &ana, theme, 3)
            .await
            .unwrap();
        let dots = async |who: &Who| {
            report::report_page(&db, w.id, who, today())
                .await
                .unwrap()
                .report
                .votes[0]
                .items
                .iter()
                .map(|i| i.ranked.dots)
                .sum::<u32>()
        };
        assert_eq!(dots(&ben).await, 0, "results hidden until reveal");
        assert_eq!(dots(&hein).await, 3);
        workshops::control(&db, &live, w.id, &hein, Control::Reveal)
            .await
            .unwrap();
        assert_eq!(dots(&ben).await, 3);
    })
    .await;
}

#[tokio::test]
async fn anonymity_stays_on_once_anyone_wrote() {
    for_each_database(|db| async move {
        let anonymous = Settings {
            anonymous: true,
            ..Settings::default()
        };
        let (live, w, hein) = setup(&db, anonymous).await;
        // Before anyone wrote, the facilitator may still change their mind.
        workshops::update_settings(&db, &live, w.id, &hein, Settings::default())
            .await
            .unwrap();
        workshops::update_settings(&db, &live, w.id, &hein, anonymous)
            .await
            .unwrap();
        let ana = guest("ana");
        enter(&db, &live, &w, &ana, "Ana", "patient").await.unwrap();
        workshops::control(&db, &live, w.id, &hein, Control::Start)
            .await
            .unwrap();
        workshops::post_note(&db, &live, w.id, &ana, "Said in confidence", "k")
            .await
            .unwrap();
        let err = workshops::update_settings(&db, &live, w.id, &hein, Settings::default())
            .await
            .unwrap_err();
        assert!(err.message_for("anonymous").is_some(), "{err:?}");
        assert!(workshops::by_id(&db, w.id).await.unwrap().anonymous);
        // Other settings still change.
        let hidden = Settings {
            notes_visible: false,
            ..anonymous
        };
        workshops::update_settings(&db, &live, w.id, &hein, hidden)
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn one_network_cannot_fill_a_workshop_with_guests_and_the_facilitator_removes_one() {
    for_each_database(|db| async move {
        let (live, w, hein) = setup(&db, Settings::default()).await;
        let join = async |token: String, address: &str| {
            let form = JoinForm {
                display_name: format!("Guest {token}"),
                perspective: "other".into(),
                named_in_report: false,
            };
            workshops::join(&db, &live, &w, &guest(&token), &form, address).await
        };
        for i in 0..workshops::GUESTS_PER_ADDRESS {
            join(format!("device-{i}"), "10.1.1.1").await.unwrap();
        }
        let err = join("one-too-many".into(), "10.1.1.1").await.unwrap_err();
        assert!(err.to_string().contains("Too many guests"), "{err}");
        join("elsewhere".into(), "10.2.2.2").await.unwrap();
        // The stuffer voted; the facilitator sees the guests and removes one.
        workshops::control(&db, &live, w.id, &hein, Control::Start)
            .await
            .unwrap();
        let stuffer = guest("device-0");
        workshops::post_note(&db, &live, w.id, &stuffer, "Spam", "k")
            .await
            .unwrap();
        let guests = workshops::guests(&db, w.id, &hein).await.unwrap();
        assert_eq!(guests.len() as u64, workshops::GUESTS_PER_ADDRESS + 1);
        assert_eq!(
            workshops::guests(&db, w.id, &stuffer).await.unwrap_err(),
            AppError::Forbidden
        );
        let id = guests
            .iter()
            .find(|g| g.name == "Guest device-0")
            .unwrap()
            .id;
        workshops::remove_guest(&db, &live, w.id, &hein, id)
            .await
            .unwrap();
        let board = workshops::board(
            &db,
            w.id,
            Viewer {
                participant_id: None,
                facilitator: true,
            },
        )
        .await
        .unwrap();
        assert!(board.notes.is_empty(), "their note went with them");
        assert_eq!(board.turnout.total() as u64, workshops::GUESTS_PER_ADDRESS);
        assert!(
            workshops::guests(&db, w.id, &hein)
                .await
                .unwrap()
                .iter()
                .any(|g| g.id == id && g.removed)
        );
        let report = report::report(&db, w.id, &hein, today()).await.unwrap();
        assert_eq!(report.guests as u64, workshops::GUESTS_PER_ADDRESS);
        // Members cannot be removed as guests.
        let sam = member(&db, "sam@demo.q-commons.org").await;
        let sam_p = enter(&db, &live, &w, &sam, "", "patient").await.unwrap();
        assert!(matches!(
            workshops::remove_guest(&db, &live, w.id, &hein, sam_p.id).await,
            Err(AppError::NotFound(_))
        ));
    })
    .await;
}

#[tokio::test]
async fn one_device_joining_twice_at_once_is_one_participant() {
    for_each_database(|db| async move {
        let (live, w, _) = setup(&db, Settings::default()).await;
        let phone = guest("same-phone");
        let (a, b) = tokio::join!(
            enter(&db, &live, &w, &phone, "Ana", "patient"),
            enter(&db, &live, &w, &phone, "Ana", "patient"),
        );
        assert_eq!(a.unwrap().id, b.unwrap().id);
        let count = workshop_participant::Entity::find()
            .filter(workshop_participant::Column::WorkshopId.eq(w.id))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(count, 1);
    })
    .await;
}

#[tokio::test]
async fn members_hold_workshops_only_where_the_rules_let_them() {
    for_each_database(|db| async move {
        let (live, w, hein) = setup(&db, Settings::default()).await;
        let sam = member(&db, "sam@demo.q-commons.org").await;
        let sam_p = sam.person.clone().unwrap();
        let mut elsewhere = form(Settings::default());
        elsewhere.space = "south-west".into();
        let err = workshops::create(&db, &sam_p, &elsewhere)
            .await
            .unwrap_err();
        assert!(err.message_for("space").is_some(), "{err:?}");
        elsewhere.space = "national".into();
        workshops::create(&db, &sam_p, &elsewhere).await.unwrap();
        elsewhere.space = "west-of-england-stewardship-group".into();
        workshops::create(&db, &sam_p, &elsewhere).await.unwrap();
        let page = workshops::new_workshop_page(&db, &sam_p, today())
            .await
            .unwrap();
        let slugs: Vec<&str> = page.spaces.iter().map(|(s, _)| s.as_str()).collect();
        assert!(slugs.contains(&"west-of-england") && slugs.contains(&"national"));
        assert!(!slugs.contains(&"south-west"), "{slugs:?}");
        // The project team holds them anywhere.
        let priya = member(&db, "priya@demo.q-commons.org").await;
        elsewhere.space = "south-west".into();
        workshops::create(&db, priya.person.as_ref().unwrap(), &elsewhere)
            .await
            .unwrap();
        // An action's owner belongs to the workshop or its space, whatever id is sent.
        let helen = member(&db, "helen@demo.q-commons.org").await;
        let mut action = actions::ActionForm {
            title: "Ask the bus company".into(),
            owner_id: helen.person.as_ref().unwrap().id,
            due_on: "2027-01-15".into(),
            theme_id: None,
            note_id: None,
        };
        let err = actions::create(&db, w.id, &hein, &action)
            .await
            .unwrap_err();
        assert!(err.message_for("owner").is_some(), "{err:?}");
        action.owner_id = sam_p.id;
        actions::create(&db, w.id, &hein, &action).await.unwrap();
        // An appointee belongs to the region they are appointed in.
        let appointment = |person_id| roles::Appointment {
            person_id,
            starts_on: String::new(),
            ends_on: String::new(),
            reason: String::new(),
        };
        let hein_id = hein.person.as_ref().unwrap().id;
        let err = roles::appoint(
            &db,
            hein_id,
            "west-of-england-stewardship-group",
            &appointment(helen.person.as_ref().unwrap().id),
        )
        .await
        .unwrap_err();
        assert!(err.message_for("person_id").is_some(), "{err:?}");
        let _ = live;
    })
    .await;
}

#[tokio::test]
async fn dots_cast_at_the_same_moment_are_all_in_the_last_total_told() {
    for_each_database(|db| async move {
        use crate::domain::workshop::board::Fact;
        let settings = Settings {
            results_live: true,
            ..Settings::default()
        };
        let (live, w, hein) = setup(&db, settings).await;
        let voters: Vec<Who> = (0..12).map(|i| guest(&format!("voter-{i}"))).collect();
        for (i, v) in voters.iter().enumerate() {
            let form = JoinForm {
                display_name: format!("Voter {i}"),
                perspective: "patient".into(),
                named_in_report: false,
            };
            workshops::join(&db, &live, &w, v, &form, &format!("10.3.0.{i}"))
                .await
                .unwrap();
        }
        workshops::control(&db, &live, w.id, &hein, Control::Start)
            .await
            .unwrap();
        workshops::control(&db, &live, w.id, &hein, Control::Advance)
            .await
            .unwrap();
        let theme = workshops::create_theme(&db, &live, w.id, &hein, "Transport")
            .await
            .unwrap();
        workshops::control(&db, &live, w.id, &hein, Control::Advance)
            .await
            .unwrap();
        let mut rx = live.subscribe(w.id);
        let votes = voters
            .iter()
            .map(|v| workshops::set_dots(&db, &live, w.id, v, theme, 2));
        for r in futures::future::join_all(votes).await {
            r.unwrap();
        }
        let last_total = super::told(&db, &mut rx, w.id)
            .await
            .iter()
            .filter_map(|e| match &e.fact {
                Fact::DotsChanged(d) if d.item == theme => Some((e.seq, d.total)),
                _ => None,
            })
            .max()
            .map(|(_, total)| total);
        assert_eq!(last_total, Some(24), "every screen ends on the true total");
    })
    .await;
}

#[tokio::test]
async fn a_workshop_and_its_agenda_are_stored_together_or_not_at_all() {
    for_each_database(|db| async move {
        use sea_orm::{ConnectionTrait, DbBackend};
        crate::server::services::demo::seed_if_empty(&db)
            .await
            .unwrap();
        let hein = member(&db, "hein@demo.q-commons.org").await;
        // The third step of the agenda cannot be stored (a fault in the middle).
        let fault = match db.get_database_backend() {
            DbBackend::Postgres => vec![
                "CREATE FUNCTION qc_fault() RETURNS trigger AS $$ BEGIN \
                 IF NEW.position = 2 THEN RAISE EXCEPTION 'fault'; END IF; RETURN NEW; END \
                 $$ LANGUAGE plpgsql",
                "CREATE TRIGGER qc_fault BEFORE INSERT ON workshop_activity \
                 FOR EACH ROW EXECUTE FUNCTION qc_fault()",
            ],
            _ => vec![
                "CREATE TRIGGER qc_fault BEFORE INSERT ON workshop_activity \
                 WHEN NEW.position = 2 BEGIN SELECT RAISE(ABORT, 'fault'); END",
            ],
        };
        for sql in fault {
            db.execute_unprepared(sql).await.unwrap();
        }
        let err = workshops::create(
            &db,
            hein.person.as_ref().unwrap(),
            &form(Settings::default()),
        )
        .await
        .unwrap_err();
        assert_eq!(err, AppError::Internal);
        assert_eq!(
            workshop::Entity::find().count(&db).await.unwrap(),
            0,
            "no workshop without its agenda"
        );
    })
    .await;
}

/// Someone with an account who is not a member (or no longer one) holds no workshop,
/// wherever they ask for it, nationally included; nothing is stored.
#[tokio::test]
async fn a_non_member_cannot_hold_a_workshop() {
    for_each_database(|db| async move {
        setup(&db, Settings::default()).await;
        let before = workshop::Entity::find().count(&db).await.unwrap();
        let outsider =
            accounts::register(&db, "Olly", "olly@example.org", "a long enough password")
                .await
                .unwrap();
        for space in ["national", "west-of-england", "south-west"] {
            let mut f = form(Settings::default());
            f.space = space.into();
            let err = workshops::create(&db, &outsider, &f).await.unwrap_err();
            assert_eq!(err, AppError::Forbidden, "in {space}");
        }
        assert_eq!(workshop::Entity::find().count(&db).await.unwrap(), before);
    })
    .await;
}

#[tokio::test]
async fn a_space_s_archive_is_for_the_community_s_own() {
    for_each_database(|db| async move {
        setup(&db, Settings::default()).await;
        let outsider =
            accounts::register(&db, "Olly", "olly@example.org", "a long enough password")
                .await
                .unwrap();
        let err =
            workshops::archive::space_workshops(&db, &outsider, "west-of-england", "", today())
                .await
                .unwrap_err();
        assert_eq!(err, AppError::Forbidden);
        let sam = member(&db, "sam@demo.q-commons.org").await;
        let archive = workshops::archive::space_workshops(
            &db,
            sam.person.as_ref().unwrap(),
            "west-of-england",
            "",
            today(),
        )
        .await
        .unwrap();
        assert_eq!(archive.workshops.len(), 1);
    })
    .await;
}

/// Guests' device data is kept for the community's retention period, then forgotten;
/// members' records and what guests wrote stay.
#[tokio::test]
async fn a_guests_device_data_is_forgotten_after_the_retention_period() {
    for_each_database(|db| async move {
        use crate::server::services::housekeeping;
        let (live, w, hein) = setup(&db, Settings::default()).await;
        enter(&db, &live, &w, &guest("ana"), "Ana", "patient")
            .await
            .unwrap();
        enter(&db, &live, &w, &hein, "Hein", "improvement_specialist")
            .await
            .unwrap();
        let guests = async || {
            workshop_participant::Entity::find()
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .filter(|p| p.person_id.is_none())
                .collect::<Vec<_>>()
        };
        assert!(guests().await[0].device_token_hash.is_some());
        // Within 90 days (the default): kept.
        let soon = housekeeping::purge(&db, Utc::now() + chrono::Duration::days(89))
            .await
            .unwrap();
        assert_eq!(soon.guests, 0);
        let later = housekeeping::purge(&db, Utc::now() + chrono::Duration::days(91))
            .await
            .unwrap();
        assert_eq!(later.guests, 1);
        let ana = &guests().await[0];
        assert_eq!(
            (
                ana.device_token_hash.as_deref(),
                ana.guest_address.as_deref()
            ),
            (None, None)
        );
        assert_eq!(ana.display_name, "Ana");
        let members = workshop_participant::Entity::find().all(&db).await.unwrap();
        assert!(
            members.iter().any(|p| p.person_id.is_some()),
            "members' records stay"
        );
    })
    .await;
}
