//! Service tests of ratings, polls and reflections.
use super::{enter, guest, setup, told};
use crate::domain::membership::Perspective;
use crate::domain::workshop::Control;
use crate::domain::workshop::WorkshopError;
use crate::domain::workshop::board::Fact;
use crate::domain::workshop::board::{Settings, Viewer};
use crate::domain::workshop::responses::Rating;
use crate::server::services::workshops::*;
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
        enter(&db, &live, &w, &pat, "Pat", "patient").await.unwrap();
        enter(&db, &live, &w, &carl, "Carl", "clinician")
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
            rate(&db, &live, id, &pat, transport, Some((5, 2)))
                .await
                .map(|saved| saved.value),
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
        let again = rate(&db, &live, id, &carl, transport, Some((3, 4)))
            .await
            .unwrap();
        assert_eq!(
            crate::server::services::workshops::by_id(&db, id)
                .await
                .unwrap()
                .seq,
            seq
        );
        assert_eq!(again.seq, seq, "unchanged: held by the change already made");
        let facts = told(&db, &mut rx, id).await;
        assert!(
            facts
                .iter()
                .any(|e| matches!(&e.fact, Fact::Rated { after: Some(r), .. } if r.impact == 5))
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
            answer_poll(&db, &live, id, &pat, &[o1])
                .await
                .map(|saved| saved.value),
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
        assert!(csv.starts_with("record,activity,participant,perspective,theme,item,value,text"));
        assert!(csv.contains("impact,4 Prioritise by impact and effort,Pat,Patient,Transport,,5,"));
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
