//! The demo's funding rounds: a finished "Q Exchange"-like round in the national space
//! (five shortlisted proposals, members' votes, three funded with delivery updates) and
//! West of England's small grants round, open for ideas. Made through the services, as
//! members would, then dated as history.
use super::*;
use crate::model::funding::IdeaForm;
use crate::server::entities::{funding_elector, funding_phase_close};
use crate::server::services::accounts;
use chrono::Duration;

async fn id_of(db: &DatabaseConnection, email: &str) -> Result<i64, AppError> {
    Ok(accounts::find_by_email(db, email)
        .await?
        .ok_or(AppError::Internal)?
        .id)
}

fn member(name: &str) -> String {
    format!(
        "{}@members.demo.q-commons.org",
        name.to_lowercase().replace(' ', ".")
    )
}

fn idea(title: &str, summary: &str, amount: &str, team: &str) -> IdeaForm {
    IdeaForm {
        title: title.into(),
        summary: summary.into(),
        amount: amount.into(),
        team: team.into(),
    }
}

fn round_form(pot: i64, title: &str, purpose: &str, days: [i64; 5]) -> RoundForm {
    let at = |d: i64| time::to_uk_input(Utc::now() + Duration::days(d));
    RoundForm {
        title: title.into(),
        purpose: purpose.into(),
        asset: pot.to_string(),
        budget: String::new(),
        max_per_project: String::new(),
        voting_style: String::new(),
        choices_min: "1".into(),
        choices_max: "3".into(),
        result_rule: String::new(),
        shortlist_places: "5".into(),
        criteria: "Benefit to patients, carers and communities\nFeasible in the time and money\nLearning shared with the Q community".into(),
        ideas_at: at(days[0]),
        refinement_at: at(days[1]),
        shortlisting_at: at(days[2]),
        voting_at: at(days[3]),
        voting_closes_at: at(days[4]),
    }
}

/// Seed both rounds: `exchange` is the national Q Exchange pot, `grants` West of
/// England's small grants pot.
pub async fn seed(db: &DatabaseConnection, exchange: i64, grants: i64) -> Result<(), AppError> {
    seed_national(db, exchange).await?;
    seed_regional(db, grants).await
}

async fn seed_national(db: &DatabaseConnection, pot: i64) -> Result<(), AppError> {
    let priya = id_of(db, "priya@demo.q-commons.org").await?;
    let mut f = round_form(
        pot,
        "Q Exchange 2018",
        "Members give away £90,000 of the Q Exchange pot to improvement projects that members themselves propose, refine, shortlist and choose.",
        [-1, 1, 2, 3, 4],
    );
    f.budget = "90,000".into();
    f.max_per_project = "30,000".into();
    f.voting_style = "approval".into();
    f.result_rule = "greedy_by_votes".into();
    let round = open(db, priya, "national", &f).await?;
    let projects = [
        (
            "Aisha Rahman",
            "Patient-led discharge checklists",
            "Patients and carers write the checklist wards use on the day of discharge, tested on four wards with weekly run charts.",
            "30,000",
            "Aisha Rahman with two ward sisters",
        ),
        (
            "Chloe Evans",
            "Frailty huddles in primary care",
            "Daily ten-minute huddles between GPs, community nurses and social care about their frailest patients.",
            "25,000",
            "Chloe Evans and a GP practice team",
        ),
        (
            "Maya Singh",
            "Carers' voices in mental health ward rounds",
            "Carers join ward rounds by phone at a time agreed with them, with a short guide for staff.",
            "28,000",
            "Maya Singh, a carer partner and a ward manager",
        ),
        (
            "Noah Robson",
            "Learning from excellence in maternity",
            "Staff and families report what went well; a monthly review spreads it.",
            "18,000",
            "Noah Robson with midwives in two trusts",
        ),
        (
            "Grace Lin",
            "Translated sepsis advice for families",
            "Sepsis warning signs in the ten languages most spoken locally, co-designed with community groups.",
            "22,000",
            "Grace Lin and a community health worker",
        ),
    ];
    let mut ideas = vec![];
    for (who, title, summary, amount, team) in projects {
        let author = id_of(db, &member(who)).await?;
        ideas.push((
            author,
            post(db, author, round, &idea(title, summary, amount, team)).await?,
        ));
    }
    let ben = id_of(db, &member("Ben Carter")).await?;
    comment(
        db,
        ben,
        ideas[0].1,
        "As a carer I would have loved this checklist. Could it include who to call at night?",
    )
    .await?;
    comment(
        db,
        ideas[0].0,
        ideas[0].1,
        "Yes — the night contact is now the first line of the checklist.",
    )
    .await?;
    back(db, ben, ideas[0].1, Backing::Support).await?;
    back(
        db,
        id_of(db, &member("Kemi Obi")).await?,
        ideas[2].1,
        Backing::CoAuthor,
    )
    .await?;
    close_early(db, priya, round, "Demo history: the ideas phase as it ran").await?;
    for (author, id) in &ideas {
        propose(db, *author, *id).await?;
    }
    for who in ["karen@demo.q-commons.org", "helen@demo.q-commons.org"] {
        add_panelist(db, priya, round, who).await?;
    }
    add_panelist(db, priya, round, &member("Liam Hughes")).await?;
    close_early(
        db,
        priya,
        round,
        "Demo history: the refinement phase as it ran",
    )
    .await?;
    let karen = id_of(db, "karen@demo.q-commons.org").await?;
    let helen = id_of(db, "helen@demo.q-commons.org").await?;
    let liam = id_of(db, &member("Liam Hughes")).await?;
    let marks = [[5, 4, 4], [4, 5, 4], [4, 4, 5], [3, 4, 4], [4, 3, 3]];
    for ((_, id), m) in ideas.iter().zip(marks) {
        score(db, karen, *id, &m, "Clear aims and a plan to measure them.").await?;
        score(db, liam, *id, &[m[1], m[0], m[2]], "").await?;
    }
    declare_conflict(db, helen, ideas[1].1, "I work with this GP practice").await?;
    for (_, id) in ideas.iter().filter(|(_, id)| *id != ideas[1].1) {
        score(db, helen, *id, &[4, 4, 4], "").await?;
    }
    close_early(
        db,
        priya,
        round,
        "Demo history: the shortlisting phase as it ran",
    )
    .await?;
    // The members' vote: each elector's ballot by a simple pattern, so the votes differ.
    let electors: Vec<i64> = funding_elector::Entity::find()
        .filter(funding_elector::Column::RoundId.eq(round))
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.person_id)
        .collect();
    let patterns: [&[usize]; 6] = [&[0, 1], &[0, 2], &[1, 3], &[0], &[1, 2, 4], &[0, 1, 3]];
    for (n, voter) in electors
        .iter()
        .enumerate()
        .take(electors.len().saturating_sub(3))
    {
        let chosen: Vec<i64> = patterns[n % patterns.len()]
            .iter()
            .map(|i| ideas[*i].1)
            .collect();
        cast(db, *voter, round, &chosen).await?;
    }
    close_early(db, priya, round, "Demo history: the vote as it ran").await?;
    confirm(db, priya, round).await?;
    for (author, id) in &ideas {
        if super::idea(db, *id).await?.funded_order.is_some() {
            post_update(db, *author, *id, "Three months in: the team has met every fortnight, the first test ran on one ward and the run chart is on the project page.").await?;
            post_update(db, *author, *id, "Six months in: spreading to a second site, and the learning is written up for the Q community.").await?;
        }
    }
    // Dated as history: the round ran a year ago on its own dates.
    let ago = |d: i64| Utc::now() - Duration::days(d);
    funding_phase_close::Entity::delete_many()
        .filter(funding_phase_close::Column::RoundId.eq(round))
        .exec(db)
        .await?;
    funding_round::Entity::update_many()
        .col_expr(funding_round::Column::CreatedAt, ago(430).into())
        .col_expr(funding_round::Column::IdeasAt, ago(425).into())
        .col_expr(funding_round::Column::RefinementAt, ago(404).into())
        .col_expr(funding_round::Column::ShortlistingAt, ago(376).into())
        .col_expr(funding_round::Column::VotingAt, ago(362).into())
        .col_expr(funding_round::Column::VotingClosesAt, ago(348).into())
        .col_expr(funding_round::Column::ConfirmedAt, Some(ago(345)).into())
        .filter(funding_round::Column::Id.eq(round))
        .exec(db)
        .await?;
    Ok(())
}

async fn seed_regional(db: &DatabaseConnection, pot: i64) -> Result<(), AppError> {
    let hein = id_of(db, "hein@demo.q-commons.org").await?;
    let mut f = round_form(
        pot,
        "Small grants 2027",
        "Up to £2,000 each for members' improvement work in the West of England, chosen by the region's members.",
        [-3, 11, 25, 32, 46],
    );
    f.budget = "6,000".into();
    f.max_per_project = "2,000".into();
    f.voting_style = "knapsack".into();
    f.result_rule = "equal_shares".into();
    f.shortlist_places = "8".into();
    let round = open(db, hein, "west-of-england", &f).await?;
    let sam = id_of(db, "sam@demo.q-commons.org").await?;
    let ben = id_of(db, &member("Ben Carter")).await?;
    let chloe = id_of(db, &member("Chloe Evans")).await?;
    let cafe = post(db, sam, round, &idea("Carers' café at the BRI", "A monthly café where carers meet ward staff away from the bedside, and say what would help.", "1,200", "Sam Okafor and two carers")).await?;
    let walk = post(db, chloe, round, &idea("Walking handovers", "Nurses hand over at the bedside with the patient, on two wards, measured by falls and complaints.", "1,800", "Chloe Evans and ward 9's nurses")).await?;
    post(
        db,
        ben,
        round,
        &idea(
            "Young carers' toolkit",
            "A short guide, written with young carers, for school nurses and GPs.",
            "900",
            "Ben Carter",
        ),
    )
    .await?;
    comment(
        db,
        ben,
        cafe,
        "Could it run in the evening too, for carers who work?",
    )
    .await?;
    back(db, ben, cafe, Backing::Support).await?;
    back(db, hein, walk, Backing::Support).await?;
    Ok(())
}
