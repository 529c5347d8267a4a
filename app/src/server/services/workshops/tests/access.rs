//! Who may call what: every workshop operation a server function opens, for each kind of
//! caller. Someone who merely knows a workshop's id — no cookie, another member, a guest
//! of another workshop — is refused by every one; a participant by the facilitator's.
use super::{enter, guest, member, setup};
use crate::domain::workshop::Control;
use crate::domain::workshop::board::Settings;
use crate::error::AppError;
use crate::server::auth::Who;
use crate::server::live::Live;
use crate::server::services::actions;
use crate::server::services::workshops::{self, report, templates};
use crate::server::testing::for_each_database;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

/// Every workshop operation behind a server function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    FacilitatorPage,
    PostNote,
    EditNote,
    RemoveNote,
    CreateTheme,
    MoveNote,
    RemoveTheme,
    SetDots,
    Rate,
    AnswerPoll,
    Reflect,
    RemoveReflection,
    Control,
    Settings,
    AddActivity,
    RemoveActivity,
    Guests,
    RemoveGuest,
    ReportPage,
    RawRecords,
    CreateAction,
    SaveTemplate,
}

impl Op {
    const ALL: &[Op] = &[
        Op::FacilitatorPage,
        Op::PostNote,
        Op::EditNote,
        Op::CreateTheme,
        Op::MoveNote,
        Op::SetDots,
        Op::Rate,
        Op::AnswerPoll,
        Op::Reflect,
        Op::RemoveReflection,
        Op::Settings,
        Op::AddActivity,
        Op::Guests,
        Op::ReportPage,
        Op::RawRecords,
        Op::CreateAction,
        Op::SaveTemplate,
        // Those that take something away come last.
        Op::RemoveGuest,
        Op::RemoveActivity,
        Op::RemoveTheme,
        Op::RemoveNote,
        Op::Control,
    ];

    /// Only the facilitator may: a participant is refused.
    fn facilitator_only(self) -> bool {
        matches!(
            self,
            Op::FacilitatorPage
                | Op::RemoveTheme
                | Op::Control
                | Op::Settings
                | Op::AddActivity
                | Op::RemoveActivity
                | Op::Guests
                | Op::RemoveGuest
                | Op::RawRecords
                | Op::CreateAction
                | Op::SaveTemplate
        )
    }
}

/// What the operations work on.
struct Ids {
    workshop: i64,
    note: i64,
    theme: i64,
    activity: i64,
    guest: i64,
    owner: i64,
}

async fn call(
    op: Op,
    db: &DatabaseConnection,
    live: &Live,
    ids: &Ids,
    who: &Who,
) -> Result<(), AppError> {
    let w = ids.workshop;
    let config = crate::server::Config::default();
    match op {
        Op::FacilitatorPage => workshops::facilitator_page(db, &config, w, who)
            .await
            .map(drop),
        Op::PostNote => workshops::post_note(db, live, w, who, "A new idea", "access-key")
            .await
            .map(drop),
        Op::EditNote => workshops::edit_note(db, live, w, who, ids.note, "Changed").await,
        Op::RemoveNote => workshops::remove_note(db, live, w, who, ids.note).await,
        Op::CreateTheme => workshops::create_theme(db, live, w, who, "Mine")
            .await
            .map(drop),
        Op::MoveNote => workshops::move_note(db, live, w, who, ids.note, Some(ids.theme)).await,
        Op::RemoveTheme => workshops::remove_theme(db, live, w, who, ids.theme).await,
        Op::SetDots => workshops::set_dots(db, live, w, who, ids.theme, 1)
            .await
            .map(drop),
        Op::Rate => workshops::rate(db, live, w, who, ids.theme, Some((3, 3)))
            .await
            .map(drop),
        Op::AnswerPoll => workshops::answer_poll(db, live, w, who, &[])
            .await
            .map(drop),
        Op::Reflect => {
            let form = workshops::ReflectionForm {
                prompt: "worked".into(),
                body: "Being heard".into(),
                anonymous: false,
                client_key: "access-reflection".into(),
            };
            workshops::reflect(db, live, w, who, &form).await.map(drop)
        }
        Op::RemoveReflection => workshops::remove_reflection(db, live, w, who, 999_999).await,
        Op::Control => workshops::control(db, live, w, who, Control::Lock)
            .await
            .map(drop),
        Op::Settings => {
            let settings = Settings {
                participants_theme: true,
                ..Settings::default()
            };
            workshops::update_settings(db, live, w, who, settings).await
        }
        Op::AddActivity => {
            let form = workshops::ActivityForm {
                kind: "reflection".into(),
                prompt: "How did it go?".into(),
                budget: "5".into(),
                cap: String::new(),
                target: "themes".into(),
                options: String::new(),
                multiple: false,
            };
            workshops::add_activity(db, live, w, who, &form).await
        }
        Op::RemoveActivity => workshops::remove_activity(db, live, w, who, ids.activity).await,
        Op::Guests => workshops::guests(db, w, who).await.map(drop),
        Op::RemoveGuest => workshops::remove_guest(db, live, w, who, ids.guest).await,
        Op::ReportPage => report::report_page(db, w, who, today()).await.map(drop),
        Op::RawRecords => report::input(db, w, who, today(), report::Detail::Raw)
            .await
            .map(drop),
        Op::CreateAction => {
            let form = actions::ActionForm {
                title: "Ring the bus company".into(),
                owner_id: ids.owner,
                due_on: "2027-01-15".into(),
                theme_id: None,
                note_id: None,
            };
            actions::create(db, w, who, &form).await.map(drop)
        }
        Op::SaveTemplate => templates::save(db, w, who, "Access", "").await.map(drop),
    }
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

fn refused(result: &Result<(), AppError>) -> bool {
    matches!(
        result,
        Err(AppError::Forbidden) | Err(AppError::Unauthenticated)
    )
}

#[tokio::test]
async fn every_workshop_operation_admits_only_its_participants_and_facilitator() {
    for_each_database(|db| async move {
        let settings = Settings {
            participants_theme: true,
            ..Settings::default()
        };
        let (live, w, hein) = setup(&db, settings).await;
        // Another workshop with its own guest.
        let (_, other, _) = setup(&db, Settings::default()).await;
        let stranger_guest = guest("phone-of-another-workshop");
        enter(&db, &live, &other, &stranger_guest, "Olga", "carer")
            .await
            .unwrap();
        let ana = guest("phone-ana");
        enter(&db, &live, &w, &ana, "Ana", "patient").await.unwrap();
        let ben = guest("phone-ben");
        let ben_p = enter(&db, &live, &w, &ben, "Ben", "carer").await.unwrap();
        workshops::control(&db, &live, w.id, &hein, Control::Start)
            .await
            .unwrap();
        let note = workshops::post_note(&db, &live, w.id, &ana, "No bus after six", "k")
            .await
            .unwrap();
        let theme = workshops::create_theme(&db, &live, w.id, &hein, "Transport")
            .await
            .unwrap();
        let extra = workshops::ActivityForm {
            kind: "poll".into(),
            prompt: "Go ahead?".into(),
            budget: "5".into(),
            cap: String::new(),
            target: "themes".into(),
            options: "Yes\nNo".into(),
            multiple: false,
        };
        workshops::add_activity(&db, &live, w.id, &hein, &extra)
            .await
            .unwrap();
        let activity = workshops::activities(&db, w.id)
            .await
            .unwrap()
            .last()
            .unwrap()
            .id;
        let ids = Ids {
            workshop: w.id,
            note,
            theme,
            activity,
            guest: ben_p.id,
            owner: hein.person.as_ref().unwrap().id,
        };
        let nobody = Who::default();
        let karen = member(&db, "karen@demo.q-commons.org").await;
        for op in Op::ALL {
            for (name, who) in [
                ("no cookie", &nobody),
                ("a member of another region", &karen),
                ("a guest of another workshop", &stranger_guest),
            ] {
                let result = call(*op, &db, &live, &ids, who).await;
                assert!(refused(&result), "{op:?} by {name}: {result:?}");
            }
            let result = call(*op, &db, &live, &ids, &ana).await;
            assert_eq!(
                refused(&result),
                op.facilitator_only(),
                "{op:?} by a participant: {result:?}"
            );
            let result = call(*op, &db, &live, &ids, &hein).await;
            assert!(!refused(&result), "{op:?} by the facilitator: {result:?}");
        }
        // A removed guest is refused like a stranger, and cannot join again.
        let result = call(Op::PostNote, &db, &live, &ids, &ben).await;
        assert!(refused(&result), "removed guest posts: {result:?}");
        let again = enter(&db, &live, &w, &ben, "Ben again", "carer").await;
        assert!(again.unwrap_err().to_string().contains("removed you"));
    })
    .await;
}

/// "Propose this" on a workshop report: a theme starts a draft that links back to the
/// workshop, for a member of its space; someone who may not read the report gets nothing
/// from it, not even the theme's name.
#[tokio::test]
async fn a_theme_in_a_report_starts_a_linked_proposal_only_for_those_who_may_read_it() {
    use crate::server::services::proposals::{self, from_workshop};
    for_each_database(|db| async move {
        let (live, w, hein) = setup(&db, Settings::default()).await;
        let ana = guest("ana");
        enter(&db, &live, &w, &ana, "Ana", "patient").await.unwrap();
        workshops::control(&db, &live, w.id, &hein, Control::Start)
            .await
            .unwrap();
        let note = workshops::post_note(&db, &live, w.id, &ana, "Transport home is late", "1")
            .await
            .unwrap();
        workshops::control(&db, &live, w.id, &hein, Control::Advance)
            .await
            .unwrap();
        let theme = workshops::create_theme(&db, &live, w.id, &hein, "Transport")
            .await
            .unwrap();
        workshops::move_note(&db, &live, w.id, &hein, note, Some(theme))
            .await
            .unwrap();
        let from = format!("theme:{theme}");

        // A member of West of England who was not there may read the report, and so may
        // start a proposal from it.
        let sam = member(&db, "sam@demo.q-commons.org").await.person.unwrap();
        let source = from_workshop::source(&db, &sam, &from)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(source.workshop_id, w.id);
        assert_eq!(source.title, "Transport");
        assert!(
            source.body.contains("the theme “Transport” (1 note)"),
            "{}",
            source.body
        );
        assert!(
            source
                .body
                .contains(&format!("(/workshops/{}/report)", w.id))
        );
        let p = proposals::create(
            &db,
            &sam,
            &proposals::ProposalForm {
                space: "west-of-england".into(),
                title: source.title.clone(),
                body: source.body.clone(),
                method: "consent".into(),
                threshold_percent: 50,
                from: from.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(p.workshop_id, Some(w.id));
        let page = proposals::page(&db, &sam, p.id).await.unwrap();
        assert_eq!(page.workshop, Some((w.id, w.title.clone())));

        // Helen (South West) was not there and is not a member of its space: nothing.
        let helen = member(&db, "helen@demo.q-commons.org")
            .await
            .person
            .unwrap();
        let refused = from_workshop::source(&db, &helen, &from).await.unwrap_err();
        assert_eq!(
            refused.message_for("from"),
            Some("That theme or action is not in a workshop report you can read.")
        );
        for nonsense in [
            "theme:999999",
            "theme:x",
            "note:1",
            "action:999999",
            "theme",
        ] {
            assert!(
                from_workshop::source(&db, &sam, nonsense).await.is_err(),
                "{nonsense}"
            );
        }
        assert_eq!(from_workshop::source(&db, &sam, "").await.unwrap(), None);
        // Nor can she smuggle the link into a proposal of her own.
        let err = proposals::create(
            &db,
            &helen,
            &proposals::ProposalForm {
                space: "south-west".into(),
                title: "Transport".into(),
                body: "Mine".into(),
                method: "consent".into(),
                threshold_percent: 50,
                from,
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert!(err.message_for("from").is_some(), "{err:?}");
        drop(live);
    })
    .await;
}
