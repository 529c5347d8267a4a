//! A funding round end to end on both databases, and what it refuses.
use super::*;
use crate::model::assets::{AssetForm, EntryForm};
use crate::model::funding::IdeaForm;
use crate::server::entities::{
    funding_ballot, funding_elector, funding_idea, funding_idea_version, ledger_entry,
};
use crate::server::services::{accounts, assets, demo};
use crate::server::testing::for_each_database;
use chrono::Duration;
use sea_orm::PaginatorTrait;

async fn person(db: &DatabaseConnection, email: &str) -> i64 {
    accounts::find_by_email(db, email)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn people(db: &DatabaseConnection) -> [i64; 5] {
    [
        person(db, "hein@demo.q-commons.org").await,
        person(db, "sam@demo.q-commons.org").await,
        person(db, "priya@demo.q-commons.org").await,
        person(db, "aisha.rahman@members.demo.q-commons.org").await,
        person(db, "helen@demo.q-commons.org").await,
    ]
}

/// West of England's pot, holding £5,000.
async fn pot(db: &DatabaseConnection, hein: i64) -> i64 {
    let id = assets::add(
        db,
        hein,
        "west-of-england",
        &AssetForm {
            name: "Small grants pot".into(),
            kind: "funding_pot".into(),
            rules: String::new(),
        },
    )
    .await
    .unwrap();
    assets::record(
        db,
        hein,
        id,
        &EntryForm {
            kind: "top_up".into(),
            amount: "5,000".into(),
            reason: "From the host".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    id
}

fn form(pot: i64, style: &str, rule: &str) -> RoundForm {
    let at = |days: i64| time::to_uk_input(Utc::now() + Duration::days(days));
    RoundForm {
        title: "Small grants 2027".into(),
        purpose: "Small projects that bring patients and staff together.".into(),
        asset: pot.to_string(),
        budget: "2,000".into(),
        max_per_project: "1,500".into(),
        voting_style: style.into(),
        choices_min: "1".into(),
        choices_max: "2".into(),
        result_rule: rule.into(),
        shortlist_places: "2".into(),
        criteria: "Impact on patients\nFeasibility\n".into(),
        ideas_at: time::to_uk_input(Utc::now() - Duration::hours(1)),
        refinement_at: at(7),
        shortlisting_at: at(14),
        voting_at: at(21),
        voting_closes_at: at(28),
    }
}

fn idea_form(title: &str, amount: &str) -> IdeaForm {
    IdeaForm {
        title: title.into(),
        summary: format!("{title}: what we would do, and why it matters."),
        amount: amount.into(),
        team: "Two nurses and a patient partner".into(),
    }
}

async fn close(db: &DatabaseConnection, hein: i64, round: i64) {
    close_early(db, hein, round, "Enough ideas for a small round")
        .await
        .unwrap();
}

#[tokio::test]
async fn a_round_runs_from_ideas_to_funded_projects_and_the_pot_pays_them() {
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let [hein, sam, priya, aisha, helen] = people(&db).await;
        let pot_id = pot(&db, hein).await;

        // A budget the pot cannot cover, and bad input, are refused; nothing is stored.
        let mut too_much = form(pot_id, "knapsack", "equal_shares");
        too_much.budget = "6,000".into();
        too_much.criteria = " \n".into();
        let err = open(&db, hein, "west-of-england", &too_much).await.unwrap_err();
        assert_eq!(
            err.message_for("budget"),
            Some("Small grants pot holds £5,000: the budget cannot be more.")
        );
        assert!(err.message_for("criteria").is_some());
        assert_eq!(funding_round::Entity::find().count(&db).await.unwrap(), 0);
        // Only the space's stewards open rounds.
        assert_eq!(
            open(&db, aisha, "west-of-england", &form(pot_id, "knapsack", "equal_shares")).await,
            Err(AppError::Forbidden)
        );
        let round = open(&db, hein, "west-of-england", &form(pot_id, "knapsack", "equal_shares"))
            .await
            .unwrap();

        // Ideas: members of the region post; others may not.
        let a = post(&db, sam, round, &idea_form("Discharge lounge", "1,400")).await.unwrap();
        let b = post(&db, priya, round, &idea_form("Carers' café", "800")).await.unwrap();
        let c = post(&db, hein, round, &idea_form("Ward walkabouts", "600")).await.unwrap();
        let d = post(&db, priya, round, &idea_form("Peer mentors", "300")).await.unwrap();
        let err = post(&db, helen, round, &idea_form("Not mine to post", "100"))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("West of England"), "{err}");
        let err = post(&db, sam, round, &idea_form("Too big", "1,600")).await.unwrap_err();
        assert_eq!(
            err.message_for("amount"),
            Some("This round funds up to £1,500 a project.")
        );
        comment(&db, aisha, a, "Could the lounge open at weekends?").await.unwrap();
        back(&db, priya, a, Backing::CoAuthor).await.unwrap();
        back(&db, aisha, a, Backing::Support).await.unwrap();
        assert!(back(&db, sam, a, Backing::Support).await.is_err());
        // Proposals wait for refinement.
        let err = propose(&db, sam, a).await.unwrap_err();
        assert_eq!(
            err.message_for("propose"),
            Some("Making proposals is not open now: the round is in its ideas phase.")
        );

        // Refinement: one proposal a member, in versions.
        close(&db, hein, round).await;
        assert!(post(&db, sam, round, &idea_form("Late", "100")).await.is_err());
        propose(&db, sam, a).await.unwrap();
        assert!(propose(&db, priya, a).await.is_err(), "a proposal already");
        propose(&db, priya, b).await.unwrap();
        let err = propose(&db, priya, d).await.unwrap_err();
        assert!(
            err.message_for("propose").unwrap().contains("Carers' café"),
            "{err:?}"
        );
        assert!(propose(&db, aisha, c).await.is_err(), "not an author");
        propose(&db, hein, c).await.unwrap();
        assert_eq!(
            revise(&db, priya, a, &idea_form("Discharge lounge", "1,300")).await,
            Ok(2)
        );
        assert!(revise(&db, priya, a, &idea_form("Discharge lounge", "1,300")).await.is_err());
        assert_eq!(
            funding_idea_version::Entity::find().count(&db).await.unwrap(),
            4
        );

        // The panel: stewards choose members of the region; a conflicted member and an
        // author are refused their scores.
        let err = add_panelist(&db, hein, round, "helen@demo.q-commons.org").await.unwrap_err();
        assert!(err.to_string().contains("not among the members"), "{err}");
        for email in [
            "aisha.rahman@members.demo.q-commons.org",
            "sam@demo.q-commons.org",
            "hein@demo.q-commons.org",
        ] {
            add_panelist(&db, hein, round, email).await.unwrap();
        }
        assert_eq!(
            add_panelist(&db, aisha, round, "priya@demo.q-commons.org").await,
            Err(AppError::Forbidden)
        );
        close(&db, hein, round).await;
        assert_eq!(score(&db, priya, b, &[5, 5], "").await, Err(AppError::Forbidden));
        score(&db, aisha, a, &[5, 4], "Strong").await.unwrap();
        score(&db, aisha, b, &[3, 3], "").await.unwrap();
        score(&db, aisha, c, &[4, 4], "").await.unwrap();
        score(&db, sam, b, &[4, 4], "").await.unwrap();
        score(&db, sam, c, &[2, 2], "").await.unwrap();
        let err = score(&db, sam, a, &[5, 5], "Mine").await.unwrap_err();
        assert!(err.to_string().contains("authors"), "{err}");
        declare_conflict(&db, hein, b, "I line-manage one of the team").await.unwrap();
        let err = score(&db, hein, b, &[5, 5], "").await.unwrap_err();
        assert_eq!(
            err.message_for("score"),
            Some("You declared a conflict of interest with this proposal, so you do not score it.")
        );
        assert!(score(&db, aisha, a, &[6, 1], "").await.is_err());
        assert!(score(&db, aisha, a, &[5], "").await.is_err());

        // Voting: the shortlist is drawn and the electorate fixed, once.
        close(&db, hein, round).await;
        let page = round_page(&db, aisha, round).await.unwrap();
        assert_eq!(page.phase.as_deref(), Some("voting"));
        let shortlisted: Vec<i64> = page.ideas.iter().map(|i| i.id).collect();
        assert_eq!(shortlisted, vec![a, b], "A (mean 4.5) and B (3.5) over C (3)");
        let electors = funding_elector::Entity::find().count(&db).await.unwrap();
        assert_eq!(page.eligible_count, Some(electors as i32));
        assert!(electors >= 4);

        // Ballots: over the budget is told, a changed mind replaces, a stranger is refused.
        let err = cast(&db, aisha, round, &[a, b]).await.unwrap_err();
        assert_eq!(
            err.message_for("choices"),
            Some("These projects cost £2,100, £100 more than the budget of £2,000. Leave one out.")
        );
        assert_eq!(cast(&db, aisha, round, &[a]).await, Ok(70_000));
        assert_eq!(cast(&db, aisha, round, &[b]).await, Ok(120_000));
        assert_eq!(cast(&db, sam, round, &[a]).await, Ok(70_000));
        assert_eq!(cast(&db, priya, round, &[b]).await, Ok(120_000));
        assert_eq!(cast(&db, hein, round, &[a]).await, Ok(70_000));
        assert!(cast(&db, helen, round, &[a]).await.is_err());
        assert!(cast(&db, sam, round, &[c]).await.is_err(), "not on the ballot");
        assert_eq!(funding_ballot::Entity::find().count(&db).await.unwrap(), 4);
        assert!(export_csv(&db, aisha, round).await.is_err(), "published after the close");

        // Results by equal shares: each of the four voters holds £500. B's two voters
        // can pay its £800; A's two cannot pay £1,300, and the £1,200 left does not cover it.
        close(&db, hein, round).await;
        let page = round_page(&db, aisha, round).await.unwrap();
        assert_eq!(page.phase.as_deref(), Some("results"));
        let funded: Vec<(i64, Option<u32>, bool)> =
            page.ideas.iter().map(|i| (i.id, i.votes, i.funded)).collect();
        assert_eq!(funded, vec![(b, Some(2), true), (a, Some(2), false)]);
        assert_eq!(
            page.ideas[1].outcome.as_deref(),
            Some("Not funded: its voters' equal shares could not pay for it, and the £1,200 left did not cover it.")
        );
        assert_eq!(page.spent, Some(("£800".into(), "£1,200".into())));
        let voted: u32 = page.by_perspective.iter().map(|p| p.voted).sum();
        assert!(voted >= 4, "{:?}", page.by_perspective);
        let csv = export_csv(&db, aisha, round).await.unwrap();
        assert_eq!(csv.lines().filter(|l| l.starts_with("ballot,")).count(), 4);

        // Confirming records each award in the pot's ledger, once.
        assert_eq!(confirm(&db, aisha, round).await, Err(AppError::Forbidden));
        confirm(&db, hein, round).await.unwrap();
        assert!(confirm(&db, hein, round).await.is_err());
        let pot_now = asset::Entity::find_by_id(pot_id).one(&db).await.unwrap().unwrap();
        assert_eq!(pot_now.balance, 500_000 - 80_000);
        let allocations = ledger_entry::Entity::find()
            .filter(ledger_entry::Column::FundingRoundId.eq(round))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(allocations.len(), 1);
        assert_eq!(allocations[0].to_whom.as_deref(), Some("Carers' café"));

        // Delivery: the funded project's team post updates; nobody else does, and an
        // unfunded project has none to post.
        post_update(&db, priya, b, "The café opened on Monday.").await.unwrap();
        assert_eq!(
            post_update(&db, aisha, b, "Not mine").await,
            Err(AppError::Forbidden)
        );
        assert!(post_update(&db, sam, a, "Not funded").await.is_err());
        let page = idea_page(&db, aisha, b).await.unwrap();
        assert_eq!(page.updates.len(), 1);
        assert_eq!(page.scores.len(), 2, "Aisha's and Sam's scores, shown after shortlisting");
        let page = idea_page(&db, aisha, a).await.unwrap();
        assert_eq!(page.versions.len(), 2);
        assert_eq!(page.line.co_authors, vec!["Priya Patel".to_owned()]);
    })
    .await;
}

#[tokio::test]
async fn greedy_results_skip_what_does_not_fit_and_ineligible_members_are_refused() {
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let [hein, sam, priya, aisha, _] = people(&db).await;
        let pot_id = pot(&db, hein).await;
        let mut f = form(pot_id, "approval", "greedy_by_votes");
        f.choices_min = "1".into();
        f.choices_max = "1".into();
        let round = open(&db, hein, "west-of-england", &f).await.unwrap();
        let a = post(&db, sam, round, &idea_form("Big one", "1,500"))
            .await
            .unwrap();
        let b = post(&db, priya, round, &idea_form("Middle one", "1,000"))
            .await
            .unwrap();
        close(&db, hein, round).await;
        propose(&db, sam, a).await.unwrap();
        propose(&db, priya, b).await.unwrap();
        add_panelist(&db, hein, round, "aisha.rahman@members.demo.q-commons.org")
            .await
            .unwrap();
        close(&db, hein, round).await;
        score(&db, aisha, a, &[3, 3], "").await.unwrap();
        score(&db, aisha, b, &[3, 3], "").await.unwrap();
        // Aisha leaves before voting opens: she is not an elector.
        crate::server::entities::member::Entity::update_many()
            .col_expr(
                crate::server::entities::member::Column::Status,
                "lapsed".into(),
            )
            .filter(crate::server::entities::member::Column::PersonId.eq(aisha))
            .exec(&db)
            .await
            .unwrap();
        close(&db, hein, round).await;
        assert!(cast(&db, aisha, round, &[a]).await.is_err());
        let err = cast(&db, sam, round, &[a, b]).await.unwrap_err();
        assert_eq!(
            err.message_for("choices"),
            Some("Choose exactly 1: you chose 2.")
        );
        cast(&db, sam, round, &[a]).await.unwrap();
        cast(&db, hein, round, &[a]).await.unwrap();
        cast(&db, priya, round, &[b]).await.unwrap();
        close(&db, hein, round).await;
        let page = round_page(&db, sam, round).await.unwrap();
        let out: Vec<(i64, bool)> = page.ideas.iter().map(|i| (i.id, i.funded)).collect();
        assert_eq!(out, vec![(a, true), (b, false)]);
        assert_eq!(
            page.ideas[1].outcome.as_deref(),
            Some("Not funded: it cost more than the £500 left when its turn came.")
        );
    })
    .await;
}

#[tokio::test]
async fn phases_move_on_their_dates_once_however_many_servers_try() {
    for_each_database(|db| async move {
        demo::seed_if_empty(&db).await.unwrap();
        let [hein, sam, ..] = people(&db).await;
        let pot_id = pot(&db, hein).await;
        let round = open(
            &db,
            hein,
            "west-of-england",
            &form(pot_id, "knapsack", "greedy_by_votes"),
        )
        .await
        .unwrap();
        post(&db, sam, round, &idea_form("Discharge lounge", "1,000"))
            .await
            .unwrap();
        // Time passes: the dates say voting has opened.
        let later = Utc::now() + Duration::days(22);
        let (one, two) = tokio::join!(advance(&db, round, later), advance(&db, round, later));
        one.unwrap();
        two.unwrap();
        let r = funding_round::Entity::find_by_id(round)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.phase, "voting");
        let electors = funding_elector::Entity::find().count(&db).await.unwrap();
        assert_eq!(r.eligible_count, Some(electors as i32), "fixed once");
        assert_eq!(advance_due(&db, later).await.unwrap(), Vec::<i64>::new());
        // A steward cannot close a phase twice, nor without a reason.
        assert!(close_early(&db, hein, round, " ").await.is_err());
        let moved = advance_due(&db, Utc::now() + Duration::days(29))
            .await
            .unwrap();
        assert_eq!(moved, vec![round]);
        let r = funding_round::Entity::find_by_id(round)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.phase, "results");
        assert_eq!(
            funding_idea::Entity::find().all(&db).await.unwrap()[0].outcome,
            None,
            "not shortlisted (nobody scored it), so not counted"
        );
    })
    .await;
}
