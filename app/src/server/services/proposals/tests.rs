use super::*;
use crate::domain::decision::{Ballot, Choice};
use crate::server::entities::{proposal_ballot, proposal_elector};
use crate::server::services::proposals::register;
use crate::server::services::{accounts, demo};
use crate::server::testing::for_each_database;
use sea_orm::PaginatorTrait;

async fn person_named(db: &DatabaseConnection, name: &str) -> person::Model {
    person::Entity::find()
        .filter(person::Column::Name.eq(name))
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no {name} in the demo"))
}

async fn account(db: &DatabaseConnection, email: &str) -> person::Model {
    accounts::find_by_email(db, email).await.unwrap().unwrap()
}

async fn set_member(
    db: &DatabaseConnection,
    who: &person::Model,
    status: &str,
    region: Option<i64>,
) {
    let m = member::Entity::find_by_id(who.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut a: member::ActiveModel = m.into();
    a.status = Set(status.into());
    if region.is_some() {
        a.home_region_id = Set(region);
    }
    a.update(db).await.unwrap();
}

fn form(method: Method) -> ProposalForm {
    ProposalForm {
        space: "west-of-england".into(),
        title: "Meet in Bath every other month".into(),
        body: "We alternate **Bristol** and Bath, so members in the east can come.".into(),
        method: method.code().into(),
        options: String::new(),
        quorum_percent: 25,
        threshold_percent: 50,
        threshold_at_least: false,
        anonymous: false,
        results_live: false,
        ..Default::default()
    }
}

fn refusal(err: AppError) -> String {
    err.message_for("vote")
        .unwrap_or_else(|| panic!("{err:?}"))
        .to_owned()
}

async fn open(db: &DatabaseConnection, author: &person::Model, method: Method) -> proposal::Model {
    let p = create(db, author, &form(method)).await.unwrap();
    start_discussion(db, author, p.id).await.unwrap();
    open_voting(db, author, p.id, Utc::now() + chrono::Duration::days(2))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_draft_needs_its_parts_and_every_edit_is_kept_until_voting_opens() {
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let seeded = proposal::Entity::find().count(&db).await.unwrap();
        let hein = account(&db, "hein@demo.q-commons.org").await;
        let bad = ProposalForm {
            space: "nowhere".into(),
            method: "coin_toss".into(),
            ..Default::default()
        };
        let err = create(&db, &hein, &bad).await.unwrap_err();
        for field in ["space", "title", "body", "method"] {
            assert!(err.message_for(field).is_some(), "{field}: {err:?}");
        }
        let ranked = ProposalForm {
            options: "Only Bath\n".into(),
            ..form(Method::RankedChoice)
        };
        let err = create(&db, &hein, &ranked).await.unwrap_err();
        assert!(err.message_for("options").is_some(), "{err:?}");
        assert_eq!(proposal::Entity::find().count(&db).await.unwrap(), seeded);

        // Someone from another region may not propose here.
        let helen = account(&db, "helen@demo.q-commons.org").await;
        let err = create(&db, &helen, &form(Method::Majority))
            .await
            .unwrap_err();
        assert_eq!(
            err.message_for("space"),
            Some("Only members of West of England can take part here.")
        );

        let p = create(&db, &hein, &form(Method::Majority)).await.unwrap();
        let sam = account(&db, "sam@demo.q-commons.org").await;
        assert_eq!(
            edit(&db, &sam, p.id, "Mine now", "Not yours")
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        edit(
            &db,
            &hein,
            p.id,
            "Meet in Bath in spring",
            "Bath in March and May.",
        )
        .await
        .unwrap();
        let v = versions(&db, p.id).await.unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].title, "Meet in Bath every other month");
        assert_eq!(v[1].body, "Bath in March and May.");

        open_voting(&db, &hein, p.id, Utc::now() + chrono::Duration::days(1))
            .await
            .unwrap();
        let err = edit(&db, &hein, p.id, "Too late", "Too late")
            .await
            .unwrap_err();
        assert!(err.message_for("body").is_some(), "{err:?}");
        assert_eq!(versions(&db, p.id).await.unwrap().len(), 2);
        assert_eq!(
            by_id(&db, p.id).await.unwrap().title,
            "Meet in Bath in spring"
        );
    })
    .await;
}

#[tokio::test]
async fn who_may_vote_is_fixed_when_voting_opens_and_everyone_else_is_told_why() {
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let hein = account(&db, "hein@demo.q-commons.org").await;
        let sam = account(&db, "sam@demo.q-commons.org").await;
        let helen = account(&db, "helen@demo.q-commons.org").await;
        let aisha = person_named(&db, "Aisha Rahman").await;
        let ben = person_named(&db, "Ben Carter").await;
        let west = by_id(
            &db,
            create(&db, &hein, &form(Method::Majority))
                .await
                .unwrap()
                .id,
        )
        .await
        .unwrap()
        .space_id;
        // Ben lapses before voting opens.
        set_member(&db, &ben, "lapsed", None).await;

        let p = open(&db, &hein, Method::Majority).await;
        let active_in_west = member::Entity::find()
            .filter(member::Column::Status.eq("active"))
            .filter(member::Column::HomeRegionId.eq(west))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(p.eligible_count, Some(active_in_west as i32));
        let electors = proposal_elector::Entity::find()
            .filter(proposal_elector::Column::ProposalId.eq(p.id))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(electors, active_in_west);

        let for_ = Ballot::Majority(Choice::For);
        vote(&db, &sam, p.id, &for_, "sam-1").await.unwrap();
        // Aisha lapses after opening: the right she was given stays.
        set_member(&db, &aisha, "lapsed", None).await;
        vote(&db, &aisha, p.id, &for_, "aisha-1").await.unwrap();

        assert_eq!(
            refusal(vote(&db, &ben, p.id, &for_, "ben-1").await.unwrap_err()),
            "Your membership has lapsed, so you cannot vote."
        );
        assert_eq!(
            refusal(vote(&db, &helen, p.id, &for_, "helen-1").await.unwrap_err()),
            "Only members of West of England can vote on this."
        );
        let newcomer = accounts::register(
            &db,
            "Nia Jones",
            "nia@example.org",
            "a long passphrase here",
        )
        .await
        .unwrap();
        assert_eq!(
            refusal(
                vote(&db, &newcomer, p.id, &for_, "nia-1")
                    .await
                    .unwrap_err()
            ),
            "Only members of the commons can vote."
        );
        // Helen moves to West of England after voting opened: not her vote.
        set_member(&db, &helen, "active", Some(west)).await;
        let late = refusal(vote(&db, &helen, p.id, &for_, "helen-2").await.unwrap_err());
        assert!(
            late.contains("only those who were members of West of England then"),
            "{late}"
        );
        assert_eq!(
            by_id(&db, p.id).await.unwrap().eligible_count,
            Some(active_in_west as i32)
        );

        // A ballot sent twice counts once; a changed one replaces it.
        vote(&db, &sam, p.id, &for_, "sam-1").await.unwrap();
        let ballots = || async {
            proposal_ballot::Entity::find()
                .filter(proposal_ballot::Column::ProposalId.eq(p.id))
                .all(&db)
                .await
                .unwrap()
        };
        assert_eq!(ballots().await.len(), 2);
        vote(&db, &sam, p.id, &Ballot::Majority(Choice::Against), "sam-2")
            .await
            .unwrap();
        let now = ballots().await;
        assert_eq!(now.len(), 2);
        let sams = now.iter().find(|b| b.person_id == sam.id).unwrap();
        assert_eq!(
            sams.choice,
            serde_json::to_string(&Ballot::Majority(Choice::Against)).unwrap()
        );
        assert_eq!(sams.perspectives, "patient");
        // A ballot of the wrong shape changes nothing.
        let err = vote(&db, &sam, p.id, &Ballot::Consent, "sam-3")
            .await
            .unwrap_err();
        assert!(refusal(err).contains("majority vote"));
        assert_eq!(ballots().await, now);
    })
    .await;
}

#[tokio::test]
async fn two_app_servers_close_a_due_vote_once_and_a_late_vote_is_told_when_it_closed() {
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let live = crate::server::live::Live::start(&db).await.unwrap();
        let (db_b, _live_b) = crate::server::testing::second_server(&db, &live).await;
        let hein = account(&db, "hein@demo.q-commons.org").await;
        let sam = account(&db, "sam@demo.q-commons.org").await;
        let p = open(&db, &hein, Method::Majority).await;
        vote(&db, &sam, p.id, &Ballot::Majority(Choice::For), "k")
            .await
            .unwrap();
        vote(&db, &hein, p.id, &Ballot::Majority(Choice::For), "k")
            .await
            .unwrap();

        assert!(
            close_due(&db, Utc::now()).await.unwrap().is_empty(),
            "not due yet"
        );
        let closes = chrono::DateTime::parse_from_rfc3339("2026-03-03T18:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut a: proposal::ActiveModel = by_id(&db, p.id).await.unwrap().into();
        a.closes_at = Set(Some(closes));
        a.update(&db).await.unwrap();

        let now = Utc::now();
        let (a, b) = tokio::join!(close_due(&db, now), close_due(&db_b, now));
        let closed: Vec<i64> = a.unwrap().into_iter().chain(b.unwrap()).collect();
        assert_eq!(closed, vec![p.id], "closed once, by one of them");
        let p = by_id(&db, p.id).await.unwrap();
        assert_eq!(p.stage, "closed");
        assert_eq!(p.took_part_count, Some(2));
        // Two of West of England's members is under a quarter of them.
        let eligible = p.eligible_count.unwrap();
        let expected = if 2 * 4 >= eligible {
            "passed"
        } else {
            "no_quorum"
        };
        assert_eq!(p.result.as_deref(), Some(expected));
        assert!(close_due(&db, Utc::now()).await.unwrap().is_empty());

        assert_eq!(
            refusal(
                vote(&db, &sam, p.id, &Ballot::Majority(Choice::Against), "late")
                    .await
                    .unwrap_err()
            ),
            "This vote closed at 18:00 on 3 March."
        );
    })
    .await;
}

#[tokio::test]
async fn consent_passes_only_when_no_objection_stands_at_the_close() {
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let hein = account(&db, "hein@demo.q-commons.org").await;
        let sam = account(&db, "sam@demo.q-commons.org").await;
        let aisha = person_named(&db, "Aisha Rahman").await;
        let close_now = async |id: i64| {
            let mut a: proposal::ActiveModel = by_id(&db, id).await.unwrap().into();
            a.closes_at = Set(Some(Utc::now() - chrono::Duration::seconds(1)));
            a.update(&db).await.unwrap();
            close_due(&db, Utc::now()).await.unwrap();
            by_id(&db, id).await.unwrap()
        };

        let p = open(&db, &hein, Method::Consent).await;
        let err = object(&db, &sam, p.id, "  ").await.unwrap_err();
        assert!(err.message_for("reason").is_some());
        let o = object(
            &db,
            &sam,
            p.id,
            "Bath is hard to reach by bus from Swindon.",
        )
        .await
        .unwrap();
        assert!(
            refusal(
                vote(&db, &sam, p.id, &Ballot::Consent, "s")
                    .await
                    .unwrap_err()
            )
            .contains("withdraw it first")
        );
        assert_eq!(
            answer(&db, &sam, o.id, "Not mine to answer")
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        answer(&db, &hein, o.id, "We will run a minibus from Swindon.")
            .await
            .unwrap();
        assert_eq!(
            settle_objection(&db, &aisha, o.id, true).await.unwrap_err(),
            AppError::Forbidden
        );
        settle_objection(&db, &sam, o.id, true).await.unwrap();
        vote(&db, &sam, p.id, &Ballot::Consent, "s").await.unwrap();
        vote(&db, &aisha, p.id, &Ballot::Consent, "a")
            .await
            .unwrap();
        let p = close_now(p.id).await;
        assert_eq!(p.result.as_deref(), Some("passed"));
        assert_eq!(p.took_part_count, Some(2));

        // An objection kept after the answer stops it.
        let q = open(&db, &hein, Method::Consent).await;
        let o = object(&db, &aisha, q.id, "The room has no step-free access.")
            .await
            .unwrap();
        answer(&db, &hein, o.id, "We will ask for another room.")
            .await
            .unwrap();
        settle_objection(&db, &aisha, o.id, false).await.unwrap();
        vote(&db, &sam, q.id, &Ballot::Consent, "s").await.unwrap();
        let q = close_now(q.id).await;
        assert_eq!(q.result.as_deref(), Some("not_passed"));
        let err = settle_objection(&db, &aisha, o.id, true).await.unwrap_err();
        assert!(
            err.message_for("objection")
                .unwrap()
                .starts_with("This vote closed at")
        );
    })
    .await;
}

#[tokio::test]
async fn the_page_keeps_drafts_to_their_author_and_names_out_of_anonymous_votes() {
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let hein = account(&db, "hein@demo.q-commons.org").await;
        let sam = account(&db, "sam@demo.q-commons.org").await;
        let helen = account(&db, "helen@demo.q-commons.org").await;

        let draft = create(&db, &hein, &form(Method::Consent)).await.unwrap();
        assert!(matches!(
            page(&db, &sam, draft.id).await,
            Err(AppError::NotFound(_))
        ));
        let mine = page(&db, &hein, draft.id).await.unwrap();
        assert_eq!(
            (mine.stage.as_str(), mine.may_vote.clone()),
            ("draft", None)
        );
        assert!(
            mine.body_html.contains("<strong>Bristol</strong>"),
            "{}",
            mine.body_html
        );
        let listed = space_proposals(&db, &sam, "west-of-england").await.unwrap();
        assert!(
            !listed.proposals.iter().any(|l| l.id == draft.id),
            "a draft is not listed for others"
        );
        assert_eq!(listed.may_propose, Ok(()));

        let anonymous = ProposalForm {
            anonymous: true,
            ..form(Method::Consent)
        };
        let p = create(&db, &hein, &anonymous).await.unwrap();
        open_voting(&db, &hein, p.id, Utc::now() + chrono::Duration::days(1))
            .await
            .unwrap();
        object(&db, &sam, p.id, "Not on a weekday, please.")
            .await
            .unwrap();
        let seen_by_helen = page(&db, &helen, p.id).await.unwrap();
        assert_eq!(
            seen_by_helen.may_vote,
            Some(Err(
                "Only members of West of England can vote on this.".into()
            ))
        );
        assert_eq!(seen_by_helen.objections[0].by, None, "anonymous: no names");
        assert!(!seen_by_helen.objections[0].mine);
        assert!(page(&db, &sam, p.id).await.unwrap().objections[0].mine);
        assert_eq!(
            space_proposals(&db, &helen, "west-of-england")
                .await
                .unwrap()
                .may_propose,
            Err("Only members of West of England can take part here.".into())
        );

        // An account that is not a member (or the project team) reads none of it.
        let stranger = accounts::register(
            &db,
            "Nia Jones",
            "nia@example.org",
            "a long passphrase here",
        )
        .await
        .unwrap();
        assert_eq!(
            page(&db, &stranger, p.id).await.unwrap_err(),
            AppError::Forbidden
        );
        assert_eq!(
            space_proposals(&db, &stranger, "west-of-england")
                .await
                .unwrap_err(),
            AppError::Forbidden
        );

        let named = open(&db, &hein, Method::Consent).await;
        object(&db, &sam, named.id, "Not on a weekday, please.")
            .await
            .unwrap();
        let p = page(&db, &helen, named.id).await.unwrap();
        assert_eq!(p.objections[0].by.as_deref(), Some("Sam Okafor"));
        assert_eq!(p.objections[0].state, "Raised");
    })
    .await;
}

#[tokio::test]
async fn the_outcome_is_written_by_the_author_or_a_steward_and_everyone_who_took_part_is_told() {
    use crate::server::entities::outbox_email;
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let mailer = crate::server::services::mail::Mailer::outbox_only();
        let config = crate::server::config::Config::default();
        let hein = account(&db, "hein@demo.q-commons.org").await;
        let sam = account(&db, "sam@demo.q-commons.org").await;
        let helen = account(&db, "helen@demo.q-commons.org").await;
        let aisha = person_named(&db, "Aisha Rahman").await;
        let p = open(&db, &aisha, Method::Majority).await;
        vote(&db, &sam, p.id, &Ballot::Majority(Choice::For), "s")
            .await
            .unwrap();
        vote(&db, &aisha, p.id, &Ballot::Majority(Choice::For), "a")
            .await
            .unwrap();

        let early = write_outcome(&db, &mailer, &config, &aisha, p.id, "Too soon", None)
            .await
            .unwrap_err();
        assert!(early.message_for("outcome").is_some(), "{early:?}");
        close_now(&db, p.id).await;
        // Someone else's region's convener may not; the author and this region's may.
        assert_eq!(
            write_outcome(&db, &mailer, &config, &helen, p.id, "Not mine", None)
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        let past = chrono::NaiveDate::from_ymd_opt(2020, 1, 1);
        let err = write_outcome(&db, &mailer, &config, &aisha, p.id, " ", past)
            .await
            .unwrap_err();
        assert!(err.message_for("outcome").is_some() && err.message_for("review_on").is_some());
        assert_eq!(by_id(&db, p.id).await.unwrap().outcome, None);

        let review = Utc::now().date_naive() + chrono::Duration::days(180);
        write_outcome(
            &db,
            &mailer,
            &config,
            &aisha,
            p.id,
            "We meet in Bath from March.",
            Some(review),
        )
        .await
        .unwrap();
        let told = || async {
            outbox_email::Entity::find()
                .filter(outbox_email::Column::Subject.eq("Decided: Meet in Bath every other month"))
                .all(&db)
                .await
                .unwrap()
        };
        let mut mails = vec![];
        for _ in 0..50 {
            mails = told().await;
            if mails.len() >= 2 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let mut to: Vec<String> = mails.iter().map(|m| m.to_address.clone()).collect();
        to.sort();
        assert_eq!(
            to,
            vec![aisha.email.clone(), sam.email.clone()],
            "those who voted, once each"
        );
        assert!(mails[0].body.contains("We meet in Bath from March."));
        // The convener corrects it; nobody is told twice.
        write_outcome(
            &db,
            &mailer,
            &config,
            &hein,
            p.id,
            "We meet in Bath from April.",
            None,
        )
        .await
        .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(told().await.len(), 2);
        let p = by_id(&db, p.id).await.unwrap();
        assert_eq!(p.outcome.as_deref(), Some("We meet in Bath from April."));
        assert_eq!(p.outcome_by, Some(hein.id));
    })
    .await;
}

#[tokio::test]
async fn the_register_lists_closed_decisions_searched_and_filtered_and_exports_them_without_names()
{
    use crate::model::proposals::RegisterQuery;
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let hein = account(&db, "hein@demo.q-commons.org").await;
        let sam = account(&db, "sam@demo.q-commons.org").await;
        let karen = account(&db, "karen@demo.q-commons.org").await;
        let a = open(&db, &hein, Method::Majority).await;
        vote(&db, &sam, a.id, &Ballot::Majority(Choice::For), "s")
            .await
            .unwrap();
        close_now(&db, a.id).await;
        let north = ProposalForm {
            space: "north-east-and-north-cumbria".into(),
            title: "=HYPERLINK(\"http://evil\") Evening sessions".into(),
            body: "Meet after work, not at lunch.".into(),
            ..form(Method::Consent)
        };
        let b = create(&db, &karen, &north).await.unwrap();
        open_voting(&db, &karen, b.id, Utc::now() + chrono::Duration::days(1))
            .await
            .unwrap();
        vote(&db, &karen, b.id, &Ballot::Consent, "k")
            .await
            .unwrap();
        close_now(&db, b.id).await;
        // Still open: not in the register.
        open(&db, &hein, Method::Consent).await;

        let ours = [a.id, b.id];
        let all: Vec<_> = register::search(&db, &RegisterQuery::default(), None)
            .await
            .unwrap()
            .into_iter()
            .filter(|l| ours.contains(&l.id))
            .collect();
        assert_eq!(all.len(), 2, "closed ones only");
        // Ours among what a query finds (the demo's own decisions are there too).
        let by = |q: RegisterQuery| {
            let db = db.clone();
            async move {
                register::search(&db, &q, None)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|l| l.id)
                    .filter(|id| ours.contains(id))
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            by(RegisterQuery {
                q: "AFTER WORK".into(),
                ..Default::default()
            })
            .await,
            vec![b.id]
        );
        assert_eq!(
            by(RegisterQuery {
                q: "100%".into(),
                ..Default::default()
            })
            .await,
            Vec::<i64>::new()
        );
        assert_eq!(
            by(RegisterQuery {
                space: "west-of-england".into(),
                ..Default::default()
            })
            .await,
            vec![a.id]
        );
        assert_eq!(
            by(RegisterQuery {
                method: "consent".into(),
                ..Default::default()
            })
            .await,
            vec![b.id]
        );
        assert_eq!(
            by(RegisterQuery {
                result: "passed".into(),
                ..Default::default()
            })
            .await,
            vec![b.id]
        );
        let today = Utc::now().date_naive().to_string();
        assert_eq!(
            by(RegisterQuery {
                from: today.clone(),
                to: today,
                ..Default::default()
            })
            .await
            .len(),
            2
        );
        assert_eq!(
            by(RegisterQuery {
                to: "2020-01-01".into(),
                ..Default::default()
            })
            .await
            .len(),
            0
        );
        let bad = register::search(
            &db,
            &RegisterQuery {
                from: "soon".into(),
                method: "dice".into(),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap_err();
        assert!(bad.message_for("from").is_some() && bad.message_for("method").is_some());

        let line = all.iter().find(|l| l.id == a.id).unwrap();
        assert_eq!((line.took_part, line.result.as_str()), (1, "No quorum"));
        let csv = register::csv(&all, |id| format!("https://q.example/proposals/{id}")).unwrap();
        assert!(csv.starts_with(
            "Decision,Space,Method,Opened,Closed,Could vote,Took part,Result,Outcome,Link"
        ));
        assert!(
            csv.contains("'=HYPERLINK"),
            "a formula is neutralised: {csv}"
        );
        for name in ["Hein", "Sam", "Karen"] {
            assert!(!csv.contains(name), "no names in the register: {csv}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_demo_has_a_decided_and_an_open_proposal_in_each_pilot_region() {
    use crate::model::proposals::RegisterQuery;
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let hein = account(&db, "hein@demo.q-commons.org").await;
        for region in [
            "west-of-england",
            "south-west",
            "north-east-and-north-cumbria",
        ] {
            let listed = space_proposals(&db, &hein, region).await.unwrap();
            let stages: Vec<&str> = listed.proposals.iter().map(|p| p.stage.as_str()).collect();
            // West of England also adapted a national rule (the rule book's demo).
            let decided_here = if region == "west-of-england" { 2 } else { 1 };
            let mut expected = vec!["Decision"];
            expected.extend(std::iter::repeat_n("Closed", decided_here));
            assert_eq!(stages, expected, "{region}");
            let q = RegisterQuery {
                space: region.into(),
                ..Default::default()
            };
            let decided = register::search(&db, &q, None).await.unwrap();
            assert_eq!(decided.len(), decided_here, "{region}");
            assert_eq!(decided[0].result, "Passed");
            assert!(decided[0].took_part > 0 && decided[0].took_part == decided[0].eligible);
            assert!(!decided[0].outcome.is_empty());
        }
    })
    .await;
}

#[tokio::test]
async fn members_discuss_with_replies_and_edits_that_keep_the_earlier_text_until_the_vote_closes() {
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let hein = account(&db, "hein@demo.q-commons.org").await;
        let sam = account(&db, "sam@demo.q-commons.org").await;
        let helen = account(&db, "helen@demo.q-commons.org").await;
        let p = create(&db, &hein, &form(Method::Consent)).await.unwrap();
        let err = comment(&db, &hein, p.id, None, "Too early")
            .await
            .unwrap_err();
        assert_eq!(
            err.message_for("comment"),
            Some("The discussion opens when the author opens it.")
        );
        assert!(
            matches!(
                comment(&db, &sam, p.id, None, "Let me in")
                    .await
                    .unwrap_err(),
                AppError::NotFound(_)
            ),
            "a draft is its author's alone"
        );
        start_discussion(&db, &hein, p.id).await.unwrap();

        let first = comment(&db, &sam, p.id, None, "What about **Swindon**?")
            .await
            .unwrap();
        let reply = comment(&db, &hein, p.id, Some(first.id), "A minibus.")
            .await
            .unwrap();
        // A reply to a reply joins the thread it is in.
        let again = comment(&db, &sam, p.id, Some(reply.id), "Thank you.")
            .await
            .unwrap();
        assert_eq!(again.parent_id, Some(first.id));
        for bad in ["   ", &"x".repeat(5_001)] {
            assert!(
                comment(&db, &sam, p.id, None, bad)
                    .await
                    .unwrap_err()
                    .message_for("comment")
                    .is_some()
            );
        }
        // Another region's member reads but does not join in.
        assert_eq!(
            comment(&db, &helen, p.id, None, "From the south west")
                .await
                .unwrap_err()
                .message_for("comment"),
            Some("Only members of West of England can take part here.")
        );

        // Only its author edits a comment; the earlier text is kept and it says "edited".
        assert_eq!(
            edit_comment(&db, &hein, first.id, "Mine now")
                .await
                .unwrap_err(),
            AppError::Forbidden
        );
        edit_comment(
            &db,
            &sam,
            first.id,
            "What about **Swindon** and Chippenham?",
        )
        .await
        .unwrap();
        assert_eq!(
            earlier_texts(&db, first.id).await.unwrap(),
            ["What about **Swindon**?"]
        );

        let page = super::page(&db, &sam, p.id).await.unwrap();
        assert!(page.may_comment.is_ok());
        assert_eq!(page.comments.len(), 1);
        let shown = &page.comments[0];
        assert!(shown.edited && shown.mine);
        assert!(
            shown
                .body_html
                .contains("<strong>Swindon</strong> and Chippenham")
        );
        let replies: Vec<(&str, bool)> = shown
            .replies
            .iter()
            .map(|r| (r.author.as_str(), r.mine))
            .collect();
        assert_eq!(replies, [("Hein le Roux", false), ("Sam Okafor", true)]);

        // The vote closes, and so does the discussion.
        open_voting(&db, &hein, p.id, Utc::now() + chrono::Duration::days(1))
            .await
            .unwrap();
        comment(&db, &sam, p.id, None, "Still open while voting.")
            .await
            .unwrap();
        close_now(&db, p.id).await;
        assert_eq!(
            comment(&db, &sam, p.id, None, "Late")
                .await
                .unwrap_err()
                .message_for("comment"),
            Some("The discussion closed with the vote.")
        );
        assert!(
            edit_comment(&db, &sam, first.id, "Late edit")
                .await
                .is_err()
        );
        let page = super::page(&db, &sam, p.id).await.unwrap();
        assert_eq!(
            page.may_comment,
            Err("The discussion closed with the vote.".to_owned())
        );
        assert_eq!(page.comments.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_day_before_the_close_everyone_who_may_vote_and_has_not_is_reminded_once() {
    use crate::server::entities::{outbox_email, proposal_elector};
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let mailer = crate::server::services::mail::Mailer::outbox_only();
        let config = crate::server::config::Config::default();
        let hein = account(&db, "hein@demo.q-commons.org").await;
        let sam = account(&db, "sam@demo.q-commons.org").await;
        let p = open(&db, &hein, Method::Majority).await;
        vote(&db, &sam, p.id, &Ballot::Majority(Choice::For), "k")
            .await
            .unwrap();
        let subject = format!("Your vote: {} closes", p.title);
        let reminders = async || {
            outbox_email::Entity::find()
                .filter(outbox_email::Column::Subject.starts_with(&subject))
                .all(&db)
                .await
                .unwrap()
        };
        // Two days out: not yet.
        assert!(
            remind_due(&db, &mailer, &config, Utc::now())
                .await
                .unwrap()
                .is_empty()
        );
        // Within a day of the close: once, by one of two servers, to all who have not voted.
        let now = p.closes_at.unwrap() - REMIND_BEFORE + chrono::Duration::minutes(1);
        let (a, b) = tokio::join!(
            remind_due(&db, &mailer, &config, now),
            remind_due(&db, &mailer, &config, now)
        );
        let reminded: Vec<i64> = a.unwrap().into_iter().chain(b.unwrap()).collect();
        assert_eq!(reminded, [p.id]);
        let electors = proposal_elector::Entity::find()
            .filter(proposal_elector::Column::ProposalId.eq(p.id))
            .count(&db)
            .await
            .unwrap();
        let sent = reminders().await;
        assert_eq!(
            sent.len() as u64,
            electors - 1,
            "everyone but Sam, who voted"
        );
        assert!(sent.iter().all(|m| m.to_address != sam.email));
        assert!(sent.iter().any(|m| m.to_address == hein.email));
        assert!(
            remind_due(&db, &mailer, &config, now)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(reminders().await.len(), sent.len(), "never twice");
    })
    .await;
}

#[tokio::test]
async fn each_member_lists_the_decisions_they_took_part_in() {
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let hein = account(&db, "hein@demo.q-commons.org").await;
        let sam = account(&db, "sam@demo.q-commons.org").await;
        let helen = account(&db, "helen@demo.q-commons.org").await;
        let titles = |lines: Vec<crate::model::proposals::ProposalLine>| -> Vec<String> {
            lines.into_iter().map(|l| l.title).collect()
        };
        let before = titles(taken_part(&db, &sam).await.unwrap());
        assert!(
            before.contains(&"Hold our meet-ups in Bristol and Bath in turn".to_owned()),
            "{before:?}"
        );
        assert!(
            !titles(taken_part(&db, &helen).await.unwrap())
                .iter()
                .any(|t| t.contains("Bristol"))
        );
        // A comment is taking part too.
        let p = create(&db, &hein, &form(Method::Consent)).await.unwrap();
        start_discussion(&db, &hein, p.id).await.unwrap();
        comment(&db, &sam, p.id, None, "Yes, please.")
            .await
            .unwrap();
        let after = titles(taken_part(&db, &sam).await.unwrap());
        assert_eq!(after.first(), Some(&p.title), "newest first");
        assert_eq!(after.len(), before.len() + 1);
    })
    .await;
}

#[tokio::test]
async fn under_the_advice_process_the_author_asks_answers_every_piece_and_then_decides() {
    use crate::server::entities::outbox_email;
    use crate::server::services::proposals::advice;
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let mailer = crate::server::services::mail::Mailer::outbox_only();
        let config = crate::server::config::Config::default();
        let hein = account(&db, "hein@demo.q-commons.org").await;
        let sam = account(&db, "sam@demo.q-commons.org").await;
        let helen = account(&db, "helen@demo.q-commons.org").await;
        let karen = account(&db, "karen@demo.q-commons.org").await;
        let aisha = person_named(&db, "Aisha Rahman").await;
        let message = |e: AppError, field: &str| {
            e.message_for(field)
                .unwrap_or_else(|| panic!("{field}: {e:?}"))
                .to_owned()
        };

        // Advice is given by name: it cannot be anonymous.
        let anonymous = ProposalForm {
            anonymous: true,
            ..form(Method::AdviceProcess)
        };
        let err = create(&db, &hein, &anonymous).await.unwrap_err();
        assert!(err.message_for("anonymous").is_some(), "{err:?}");

        let p = create(&db, &hein, &form(Method::AdviceProcess))
            .await
            .unwrap();
        let in_two_days = Utc::now() + chrono::Duration::days(2);
        // Nobody to ask yet: the advice cannot open.
        let err = open_voting(&db, &hein, p.id, in_two_days).await.unwrap_err();
        assert!(message(err, "closes_at").starts_with("Name at least one person"));

        // Asking: a name as the directory shows it, or an e-mail address; never oneself,
        // never twice, never someone who is not a member; only by the author.
        let ask = |who: person::Model, name: &'static str| {
            let (db, mailer, config) = (db.clone(), mailer.clone(), config.clone());
            async move { advice::ask(&db, &mailer, &config, &who, p.id, name).await }
        };
        assert!(message(ask(hein.clone(), " ").await.unwrap_err(), "adviser").starts_with("Give the name"));
        assert!(message(ask(hein.clone(), "Nobody Here").await.unwrap_err(), "adviser").starts_with("No member of the commons is called “Nobody Here”"));
        assert!(message(ask(hein.clone(), "Hein").await.unwrap_err(), "adviser").starts_with("No member"));
        assert_eq!(ask(sam.clone(), "Aisha Rahman").await.unwrap_err(), AppError::Forbidden);
        let err = advice::ask(&db, &mailer, &config, &hein, p.id, &hein.email).await.unwrap_err();
        assert_eq!(message(err, "adviser"), "You are the one deciding: ask other people for advice.");
        assert_eq!(ask(hein.clone(), "Sam Okafor").await.unwrap().id, sam.id);
        assert_eq!(
            message(ask(hein.clone(), "Sam Okafor").await.unwrap_err(), "adviser"),
            "You have asked Sam Okafor already."
        );
        // An expert from another region, by e-mail address (any case).
        advice::ask(&db, &mailer, &config, &hein, p.id, &helen.email.to_uppercase())
            .await
            .unwrap();
        advice::unask(&db, &hein, p.id, helen.id).await.unwrap();
        advice::ask(&db, &mailer, &config, &hein, p.id, &helen.email).await.unwrap();
        // Nobody is e-mailed before the advice opens.
        let asked_mail = || async {
            outbox_email::Entity::find()
                .filter(outbox_email::Column::Subject.eq(format!("Hein le Roux asks for your advice: {}", p.title)))
                .all(&db)
                .await
                .unwrap()
        };
        assert!(asked_mail().await.is_empty());

        let p = open_voting(&db, &hein, p.id, in_two_days).await.unwrap();
        let (a, b) = tokio::join!(
            advice::tell_advisers(&db, &mailer, &config, &p),
            advice::tell_advisers(&db, &mailer, &config, &p)
        );
        assert_eq!(a.unwrap() + b.unwrap(), 2, "each asked once, however many servers");
        let mut to: Vec<String> = asked_mail().await.into_iter().map(|m| m.to_address).collect();
        to.sort();
        let mut expected = vec![sam.email.clone(), helen.email.clone()];
        expected.sort();
        assert_eq!(to, expected);
        assert_eq!(
            message(advice::unask(&db, &hein, p.id, sam.id).await.unwrap_err(), "adviser"),
            "The advice has opened: those asked stay asked."
        );

        // Advice: from those asked (wherever they are) and the space's members; not from
        // another region's member who was not asked, nor from the author; never a vote.
        assert!(message(advice::give(&db, &sam, p.id, "  ").await.unwrap_err(), "advice").starts_with("Write your advice"));
        let from_sam = advice::give(&db, &sam, p.id, "Ask the **bus** company first.").await.unwrap();
        let from_helen = advice::give(&db, &helen, p.id, "Bath's room has no lift.").await.unwrap();
        let from_aisha = advice::give(&db, &aisha, p.id, "Evenings suit carers.").await.unwrap();
        assert_eq!(
            message(advice::give(&db, &karen, p.id, "Try York.").await.unwrap_err(), "advice"),
            "Only the people asked and those who were members of West of England when the advice opened can give advice on this."
        );
        assert!(message(advice::give(&db, &hein, p.id, "Mine").await.unwrap_err(), "advice").starts_with("You asked for this advice"));
        assert!(vote(&db, &sam, p.id, &Ballot::Consent, "v").await.is_err());

        let seen = page(&db, &hein, p.id).await.unwrap();
        assert_eq!(seen.stage_label, "Seeking advice");
        assert_eq!(seen.may_vote, None);
        let panel = seen.advice.unwrap();
        assert_eq!(panel.headline, "2 of the 2 people asked gave advice, and 1 other person.");
        assert_eq!(panel.pieces.len(), 3);
        assert!(panel.pieces[0].body_html.contains("<strong>bus</strong>"));
        assert_eq!(panel.may_end_early, Some(Ok(())));
        assert!(panel.may_answer && panel.may_ask && !panel.may_remove);
        let karen_sees = page(&db, &karen, p.id).await.unwrap().advice.unwrap();
        assert!(karen_sees.may_give.is_err() && !karen_sees.may_answer && karen_sees.may_end_early.is_none());

        // Only the author decides, after the advice closes and every piece is answered.
        assert!(write_outcome(&db, &mailer, &config, &hein, p.id, "Too soon", None).await.is_err());
        assert_eq!(advice::end_early(&db, &sam, p.id).await.unwrap_err(), AppError::Forbidden);
        advice::end_early(&db, &hein, p.id).await.unwrap();
        let closed = by_id(&db, p.id).await.unwrap();
        assert_eq!(closed.stage, Stage::Closed.code());
        assert_eq!(closed.result.as_deref(), Some("decided"));
        assert_eq!(closed.took_part_count, Some(3));
        assert!(message(advice::give(&db, &aisha, p.id, "Late").await.unwrap_err(), "advice").starts_with("The advice closed at"));
        assert!(message(ask(hein.clone(), "Aisha Rahman").await.unwrap_err(), "adviser").starts_with("The advice has closed"));

        let err = write_outcome(&db, &mailer, &config, &hein, p.id, "We go ahead.", None).await.unwrap_err();
        assert_eq!(message(err, "outcome"), "Answer the 3 pieces of advice still waiting before you decide.");
        // Sam stewards West of England, but under the advice process the author decides.
        assert_eq!(
            write_outcome(&db, &mailer, &config, &sam, p.id, "We go ahead.", None).await.unwrap_err(),
            AppError::Forbidden
        );
        assert_eq!(advice::answer(&db, &sam, p.id, from_sam.id, "No").await.unwrap_err(), AppError::Forbidden);
        assert!(matches!(advice::answer(&db, &hein, p.id + 1, from_sam.id, "Wrong").await.unwrap_err(), AppError::NotFound(_)));
        for (a, text) in [
            (&from_sam, "We asked: a minibus runs from Swindon."),
            (&from_helen, "We use the ground-floor room."),
            (&from_aisha, "Meetings start at 6pm."),
        ] {
            advice::answer(&db, &hein, p.id, a.id, text).await.unwrap();
        }
        assert_eq!(page(&db, &hein, p.id).await.unwrap().advice.unwrap().may_decide, Ok(()));
        write_outcome(&db, &mailer, &config, &hein, p.id, "We go ahead, in the ground-floor room at 6pm.", None)
            .await
            .unwrap();
        assert!(message(advice::answer(&db, &hein, p.id, from_sam.id, "Later").await.unwrap_err(), "answer").starts_with("You have decided"));
        // Everyone asked and everyone who advised is told.
        let mut told = vec![];
        for _ in 0..50 {
            told = outbox_email::Entity::find()
                .filter(outbox_email::Column::Subject.eq(format!("Decided: {}", p.title)))
                .all(&db)
                .await
                .unwrap();
            if told.len() >= 3 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let mut to: Vec<String> = told.into_iter().map(|m| m.to_address).collect();
        to.sort();
        let mut expected = vec![sam.email.clone(), helen.email.clone(), aisha.email.clone()];
        expected.sort();
        assert_eq!(to, expected);
        assert!(taken_part(&db, &aisha).await.unwrap().iter().any(|l| l.id == p.id));
        assert_eq!(line_of(&db, p.id).await, "Decided by the author");
    })
    .await;
}

async fn line_of(db: &DatabaseConnection, id: i64) -> String {
    let p = by_id(db, id).await.unwrap();
    crate::domain::decision::Verdict::from_code(p.result.as_deref().unwrap_or(""))
        .map(|v| v.label().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_day_before_the_advice_closes_those_asked_who_have_not_advised_are_reminded() {
    use crate::server::entities::outbox_email;
    use crate::server::services::proposals::advice;
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let mailer = crate::server::services::mail::Mailer::outbox_only();
        let config = crate::server::config::Config::default();
        let hein = account(&db, "hein@demo.q-commons.org").await;
        let sam = account(&db, "sam@demo.q-commons.org").await;
        let helen = account(&db, "helen@demo.q-commons.org").await;
        let p = create(&db, &hein, &form(Method::AdviceProcess))
            .await
            .unwrap();
        for who in [&sam.email, &helen.email] {
            advice::ask(&db, &mailer, &config, &hein, p.id, who)
                .await
                .unwrap();
        }
        let p = open_voting(&db, &hein, p.id, Utc::now() + chrono::Duration::days(2))
            .await
            .unwrap();
        advice::give(&db, &sam, p.id, "Fine by me.").await.unwrap();
        let now = p.closes_at.unwrap() - REMIND_BEFORE + chrono::Duration::minutes(1);
        assert!(
            remind_due(&db, &mailer, &config, now)
                .await
                .unwrap()
                .contains(&p.id)
        );
        let sent: Vec<String> = outbox_email::Entity::find()
            .filter(outbox_email::Column::Subject.starts_with(format!("Your advice: {}", p.title)))
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.to_address)
            .collect();
        assert_eq!(
            sent,
            vec![helen.email.clone()],
            "only those asked who have not advised"
        );
    })
    .await;
}

/// The proposal page reads the database a fixed number of times however many ballots,
/// objections and comments it has: no query per ballot or per comment.
#[tokio::test]
async fn the_proposal_page_asks_the_same_number_of_queries_whatever_its_ballots_and_comments() {
    use crate::server::entities::proposal_elector;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let hein = account(&db, "hein@demo.q-commons.org").await;
        let queries = Arc::new(AtomicUsize::new(0));
        let mut counted = db.clone();
        let counter = queries.clone();
        counted.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let mut seen = vec![];
        for (voters, comments) in [(1usize, 1usize), (6, 40)] {
            let live = ProposalForm {
                results_live: true,
                ..form(Method::Consent)
            };
            let p = create(&db, &hein, &live).await.unwrap();
            open_voting(&db, &hein, p.id, Utc::now() + chrono::Duration::days(2))
                .await
                .unwrap();
            let electors: Vec<i64> = proposal_elector::Entity::find()
                .filter(proposal_elector::Column::ProposalId.eq(p.id))
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.person_id)
                .collect();
            let people = person::Entity::find()
                .filter(person::Column::Id.is_in(electors))
                .all(&db)
                .await
                .unwrap();
            assert!(people.len() > voters, "enough members to vote");
            for (i, who) in people.iter().take(voters).enumerate() {
                if i % 2 == 0 {
                    vote(&db, who, p.id, &Ballot::Consent, &format!("k{i}"))
                        .await
                        .unwrap();
                } else {
                    object(&db, who, p.id, "Not yet.").await.unwrap();
                }
            }
            let mut last = None;
            for i in 0..comments {
                let who = &people[i % people.len()];
                let c = comment(
                    &db,
                    who,
                    p.id,
                    if i % 3 == 2 { last } else { None },
                    "A thought.",
                )
                .await
                .unwrap();
                last = Some(c.id);
            }
            queries.store(0, Ordering::Relaxed);
            let shown = page(&counted, &hein, p.id).await.unwrap();
            assert_eq!(shown.objections.len(), voters / 2);
            seen.push(queries.load(Ordering::Relaxed));
        }
        assert!(seen[0] > 5, "the queries are counted: {seen:?}");
        assert_eq!(
            seen[0], seen[1],
            "queries for a small and a large proposal: {seen:?}"
        );
        println!("proposal page: {} queries", seen[0]);
    })
    .await;
}

/// On PostgreSQL the register's word search reads its trigram index, not every decision:
/// the searched expression is a function that says it is costly (migration 000015). A
/// planner test, not a timing: with 3,000 decisions the plan names the index.
#[tokio::test]
async fn on_postgresql_a_word_search_reads_the_trigram_index() {
    use sea_orm::{DbBackend, Statement};
    for_each_database(|db| async move {
        if db.get_database_backend() != DbBackend::Postgres {
            return;
        }
        demo::seed_if_empty(&db).await.unwrap();
        let trgm = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT count(*) AS n FROM pg_extension WHERE extname = 'pg_trgm'",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get::<i64>("", "n")
            .unwrap();
        if trgm == 0 {
            eprintln!("pg_trgm is not installed here: nothing to plan with");
            return;
        }
        let columns: Vec<String> = db
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT column_name AS c FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = 'proposal' AND column_name <> 'id'
                 ORDER BY ordinal_position",
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String>("", "c").unwrap())
            .collect();
        let select: Vec<String> = columns
            .iter()
            .map(|c| match c.as_str() {
                "title" => "p.title || ' ' || g::text".to_owned(),
                "body" => "p.body || ' number ' || g::text || ' of the copies'".to_owned(),
                c => format!("p.{c}"),
            })
            .collect();
        db.execute_unprepared(&format!(
            "INSERT INTO proposal ({}) SELECT {} FROM proposal p, generate_series(1, 3000) g
             WHERE p.id = (SELECT min(id) FROM proposal WHERE stage = 'closed')",
            columns.join(", "),
            select.join(", ")
        ))
        .await
        .unwrap();
        db.execute_unprepared("ANALYZE proposal").await.unwrap();
        let plan: Vec<String> = db
            .query_all_raw(Statement::from_string(
                DbBackend::Postgres,
                format!(
                    "EXPLAIN SELECT id FROM proposal WHERE stage = 'closed' AND {} LIKE '%helicopter rota%'
                     ORDER BY closed_at DESC, id DESC LIMIT 51",
                    migration::m20261128_000015_register_words_cost::SEARCHED
                ),
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get::<String>("", "QUERY PLAN").unwrap())
            .collect();
        assert!(
            plan.iter().any(|l| l.contains("idx_proposal_searched")),
            "{}",
            plan.join("\n")
        );
        // And the search itself finds a copy by a word in its text.
        let found = register::search(
            &db,
            &crate::model::proposals::RegisterQuery {
                q: "number 2999 of the copies".into(),
                ..Default::default()
            },
            Some(51),
        )
        .await
        .unwrap();
        assert_eq!(found.len(), 1);
    })
    .await;
}
