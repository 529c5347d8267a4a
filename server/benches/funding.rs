//! Benchmark: a funding round with 500 shortlisted proposals and 5,000 members' ballots —
//! the close of voting (every ballot counted by the round's rule, every project's result
//! stored, once) and the results page served over HTTP by the real app to a signed-in
//! member, with every project's votes and reason and the votes by perspective. Prints
//! latency percentiles and the queries the page costs. SQLite by default; set
//! `BENCH_DATABASE_URL` to a PostgreSQL database to run the same on PostgreSQL.
//!
//! Run with `CARGO_TARGET_DIR=target/bench cargo bench -p server --bench funding`.
use app::domain::membership::Perspective;
use app::model::assets::{AssetForm, EntryForm};
use app::model::funding::RoundForm;
use app::server::entities::{funding_ballot, funding_elector, funding_idea, funding_round, space};
use app::server::services::{accounts, assets, demo, funding, sessions};
use app::server::{db, time};
use chrono::{Duration as Days, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

mod common;
use common::{load, ms};

const PROPOSALS: usize = 500;
const BALLOTS: usize = 5_000;
/// The round's budget: £450,000, as Q Exchange 2018's pot.
const BUDGET: i64 = 45_000_000;

/// A small deterministic generator, so every run counts the same ballots.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[tokio::main]
async fn main() {
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| {
        let dir = std::env::temp_dir().join(format!("qc-bench-funding-{}", std::process::id()));
        format!("sqlite://{}/bench.db", dir.display())
    });
    let mut database = db::connect(&url).await.expect("database");
    let db = &database.clone();
    demo::seed_if_empty(db).await.expect("demo data");
    let started = Instant::now();
    let region = space::Entity::find()
        .filter(space::Column::Slug.eq("west-of-england"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let now = Utc::now();
    let people: Vec<i64> = common::add_members(
        db,
        "member",
        BALLOTS,
        |i| format!("Member {i}"),
        |p| common::active_member(p, region.id),
        |p| vec![Perspective::ALL[p.id as usize % Perspective::ALL.len()]],
    )
    .await
    .into_iter()
    .map(|p| p.id)
    .collect();

    // The pot and the round, opened by the region's convener.
    let hein = accounts::find_by_email(db, "hein@demo.q-commons.org")
        .await
        .unwrap()
        .unwrap();
    let pot = assets::add(
        db,
        hein.id,
        "west-of-england",
        &AssetForm {
            name: "Exchange pot".into(),
            kind: "funding_pot".into(),
            rules: String::new(),
        },
    )
    .await
    .unwrap();
    assets::record(
        db,
        hein.id,
        pot,
        &EntryForm {
            kind: "top_up".into(),
            amount: "450,000".into(),
            reason: "The year's pot".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let at = |d: i64| time::to_uk_input(now + Days::days(d));
    let round = funding::open(
        db,
        hein.id,
        "west-of-england",
        &RoundForm {
            title: "A big round".into(),
            purpose: "Five hundred proposals, five thousand voters.".into(),
            asset: pot.to_string(),
            budget: "450,000".into(),
            max_per_project: "30,000".into(),
            voting_style: "knapsack".into(),
            choices_min: "1".into(),
            choices_max: "1".into(),
            result_rule: "equal_shares".into(),
            shortlist_places: PROPOSALS.to_string(),
            criteria: "Impact".into(),
            ideas_at: at(-1),
            refinement_at: at(1),
            shortlisting_at: at(2),
            voting_at: at(3),
            voting_closes_at: at(4),
        },
    )
    .await
    .unwrap();
    // 500 shortlisted proposals, each its author's one, costing £5,000–£30,000.
    let mut rng = Lcg(2018);
    funding_idea::Entity::insert_many((0..PROPOSALS).map(|i| {
        let author = people[i * (BALLOTS / PROPOSALS)];
        funding_idea::ActiveModel {
            round_id: Set(round),
            author_id: Set(author),
            title: Set(format!("Proposal {i}: a project members put forward")),
            summary: Set("What we would do, and why it matters. ".repeat(8)),
            amount: Set(500_000 + (rng.next() % 26) as i64 * 100_000),
            team: Set("A team".into()),
            proposed_by: Set(Some(author)),
            version: Set(1),
            shortlisted: Set(true),
            score_total: Set(Some(30)),
            score_count: Set(Some(8)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
    }))
    .exec(db)
    .await
    .expect("proposals");
    let projects: Vec<(i64, i64)> = funding_idea::Entity::find()
        .filter(funding_idea::Column::RoundId.eq(round))
        .order_by_asc(funding_idea::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.id, i.amount))
        .collect();
    // The electorate and 5,000 knapsack ballots, each fitting the budget; popular projects
    // (the first fifty) are chosen more often.
    for chunk in people.chunks(500) {
        funding_elector::Entity::insert_many(chunk.iter().map(|id| {
            funding_elector::ActiveModel {
                round_id: Set(round),
                person_id: Set(*id),
                perspectives: Set(Perspective::ALL[*id as usize % Perspective::ALL.len()]
                    .code()
                    .into()),
            }
        }))
        .exec(db)
        .await
        .expect("electors");
        funding_ballot::Entity::insert_many(chunk.iter().map(|id| {
            let mut chosen = std::collections::BTreeSet::new();
            let mut cost = 0;
            for _ in 0..(1 + rng.next() % 12) {
                let at = if rng.next() % 2 == 0 {
                    rng.next() as usize % 50
                } else {
                    rng.next() as usize % PROPOSALS
                };
                let (p, c) = projects[at];
                if cost + c <= BUDGET && chosen.insert(p) {
                    cost += c;
                }
            }
            funding_ballot::ActiveModel {
                round_id: Set(round),
                person_id: Set(*id),
                choices: Set(chosen
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",")),
                cost: Set(cost),
                cast_at: Set(now),
            }
        }))
        .exec(db)
        .await
        .expect("ballots");
    }
    // Voting is open with its electorate fixed; its close is due.
    funding_round::Entity::update_many()
        .col_expr(funding_round::Column::Phase, "voting".into())
        .col_expr(
            funding_round::Column::EligibleCount,
            (BALLOTS as i32).into(),
        )
        .col_expr(funding_round::Column::IdeasAt, (now - Days::days(5)).into())
        .col_expr(
            funding_round::Column::RefinementAt,
            (now - Days::days(4)).into(),
        )
        .col_expr(
            funding_round::Column::ShortlistingAt,
            (now - Days::days(3)).into(),
        )
        .col_expr(
            funding_round::Column::VotingAt,
            (now - Days::days(2)).into(),
        )
        .col_expr(
            funding_round::Column::VotingClosesAt,
            (now - Days::days(1)).into(),
        )
        .filter(funding_round::Column::Id.eq(round))
        .exec(db)
        .await
        .unwrap();
    if url.starts_with("postgres") {
        use sea_orm::ConnectionTrait;
        db.execute_unprepared("ANALYZE").await.expect("analyse");
    }
    println!(
        "{} on {}: {PROPOSALS} shortlisted proposals, {BALLOTS} members' ballots, written in {:.1} s\n",
        env!("CARGO_PKG_NAME"),
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        started.elapsed().as_secs_f64()
    );

    // The close of voting: every ballot read, counted by equal shares, every result kept.
    let t = Instant::now();
    let moved = funding::advance_due(db, Utc::now()).await.unwrap();
    assert_eq!(moved, vec![round]);
    println!(
        "close of voting (read 5,000 ballots, count by equal shares, store 500 results): {}\n",
        ms(t.elapsed())
    );

    let cookie = format!(
        "qc_session={}",
        sessions::create(db, hein.id).await.unwrap()
    );
    let queries = Arc::new(AtomicUsize::new(0));
    let counter = queries.clone();
    database.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    let live = app::server::live::Live::start(&database).await.unwrap();
    let base = common::serve_app(database.clone(), live).await;
    let client = common::client();
    let url = format!("{base}/funding/{round}");
    queries.store(0, Ordering::Relaxed);
    let (status, body) = common::get(&client, &url, Some(&cookie)).await;
    let per_page = queries.load(Ordering::Relaxed);
    assert!(status.is_success(), "{status}");
    assert!(
        body.contains("Who voted, by perspective"),
        "the results page"
    );
    assert!(
        body.matches("Funded.").count() >= 10,
        "funded projects listed"
    );
    println!(
        "results page ({} KiB of HTML, {per_page} queries), served over HTTP to a signed-in member, 3 s after 0.5 s warm-up:\n",
        body.len() / 1024
    );
    println!(
        "{:<16} {:>8} {:>10} {:>10} {:>10}",
        "connections", "req/s", "p50", "p95", "p99"
    );
    for connections in [1, 4] {
        load(
            &client,
            &url,
            Some(&cookie),
            connections,
            Duration::from_millis(500),
        )
        .await;
        let s = load(
            &client,
            &url,
            Some(&cookie),
            connections,
            Duration::from_secs(3),
        )
        .await;
        assert_eq!(s.errors, 0, "errors under load");
        println!(
            "{connections:<16} {:>8.0} {:>10} {:>10} {:>10}",
            s.rps(),
            ms(s.pct(0.5)),
            ms(s.pct(0.95)),
            ms(s.pct(0.99))
        );
    }
}
