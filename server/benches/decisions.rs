//! Benchmark: the decision register with 10,000 closed decisions (listed, searched by
//! words, filtered) and a proposal page with 1,000 ballots and 500 comments (100 of them
//! replies), read through the services a
//! page's server function calls. Prints p50/p95/max per read. SQLite by default; set
//! `BENCH_DATABASE_URL` to a PostgreSQL database to run the same on PostgreSQL.
//!
//! Run with `CARGO_TARGET_DIR=target/bench cargo bench -p server --bench decisions`.
use app::domain::decision::{Ballot, Choice, Method, Verdict};
use app::model::proposals::RegisterQuery;
use app::server::db;
use app::server::entities::{
    person, proposal, proposal_ballot, proposal_comment, proposal_elector, space,
};
use app::server::services::{demo, proposals};
use chrono::{Duration as Days, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use std::time::{Duration, Instant};

mod common;

const DECISIONS: usize = 10_000;
const BALLOTS: usize = 1_000;
const COMMENTS: usize = 500;
const ROUNDS: usize = 200;

const WORDS: &[&str] = &[
    "discharge",
    "transport",
    "pharmacy",
    "evening",
    "meet-ups",
    "carers",
    "rooms",
    "training",
    "budget",
    "waiting",
    "letters",
    "volunteers",
];

async fn add_decisions(db: &DatabaseConnection) {
    let spaces: Vec<space::Model> = space::Entity::find()
        .filter(space::Column::Kind.eq("region"))
        .order_by_asc(space::Column::Id)
        .all(db)
        .await
        .expect("regions");
    let author = person::Entity::find()
        .one(db)
        .await
        .expect("a person")
        .expect("a person");
    let methods = [
        Method::Consent,
        Method::Majority,
        Method::Gradients,
        Method::RankedChoice,
    ];
    let verdicts = [
        Verdict::Passed,
        Verdict::NotPassed,
        Verdict::NoQuorum,
        Verdict::Chosen,
    ];
    let now = Utc::now();
    for chunk in (0..DECISIONS).collect::<Vec<_>>().chunks(500) {
        proposal::Entity::insert_many(chunk.iter().map(|&i| {
            let closed = now - Days::hours(i as i64 * 7);
            let w = |k: usize| WORDS[(i * 7 + k) % WORDS.len()];
            proposal::ActiveModel {
                space_id: Set(spaces[i % spaces.len()].id),
                author_id: Set(author.id),
                title: Set(format!("Decision {i}: {} and {}", w(0), w(3))),
                body: Set(format!(
                    "We propose to change how we handle {} for {}. {}",
                    w(1),
                    w(2),
                    "Details follow. ".repeat(20)
                )),
                method: Set(methods[i % methods.len()].code().into()),
                stage: Set("closed".into()),
                anonymous: Set(false),
                results_live: Set(false),
                quorum_percent: Set(25),
                threshold_percent: Set(50),
                threshold_at_least: Set(false),
                named_only: Set(false),
                opens_at: Set(Some(closed - Days::days(14))),
                closes_at: Set(Some(closed)),
                closed_at: Set(Some(closed)),
                result: Set(Some(verdicts[i % verdicts.len()].code().into())),
                eligible_count: Set(Some(40)),
                took_part_count: Set(Some((i % 40) as i32)),
                outcome: Set(Some(format!("Agreed: {} first.", w(5)))),
                outcome_by: Set(Some(author.id)),
                review_on: Set(None),
                workshop_id: Set(None),
                reminder_sent_at: Set(None),
                version: Set(1),
                created_at: Set(closed - Days::days(20)),
                updated_at: Set(closed),
                ..Default::default()
            }
        }))
        .exec(db)
        .await
        .expect("decisions");
    }
}

/// A closed majority vote with `BALLOTS` ballots from as many members.
async fn add_big_vote(db: &DatabaseConnection) -> (i64, person::Model) {
    let region = space::Entity::find()
        .filter(space::Column::Slug.eq("west-of-england"))
        .one(db)
        .await
        .expect("region")
        .expect("region");
    let now = Utc::now();
    let voters = common::add_members(
        db,
        "voter",
        BALLOTS,
        |i| format!("Voter {i}"),
        |p| common::active_member(p, region.id),
        |_| Vec::new(),
    )
    .await;
    let author = voters[0].clone();
    let form = proposals::ProposalForm {
        space: "west-of-england".into(),
        title: "A vote a thousand members took part in".into(),
        body: "**Markdown** with a [link](https://example.org).".into(),
        method: "majority".into(),
        quorum_percent: 25,
        threshold_percent: 50,
        ..Default::default()
    };
    let p = proposals::create(db, &author, &form)
        .await
        .expect("proposal");
    proposals::open_voting(db, &author, p.id, now + Days::days(3))
        .await
        .expect("open");
    for chunk in voters.chunks(500) {
        proposal_ballot::Entity::insert_many(chunk.iter().enumerate().map(|(i, v)| {
            let choice = [Choice::For, Choice::For, Choice::Against, Choice::Abstain][i % 4];
            proposal_ballot::ActiveModel {
                proposal_id: Set(p.id),
                person_id: Set(v.id),
                choice: Set(serde_json::to_string(&Ballot::Majority(choice)).unwrap()),
                perspectives: Set(String::new()),
                client_key: Set(format!("k{}", v.id)),
                cast_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        }))
        .exec(db)
        .await
        .expect("ballots");
    }
    // The discussion: 400 comments, and 100 replies to the first of them.
    for chunk in (0..COMMENTS).collect::<Vec<_>>().chunks(250) {
        proposal_comment::Entity::insert_many(chunk.iter().map(|i| {
            proposal_comment::ActiveModel {
                proposal_id: Set(p.id),
                parent_id: Set(None),
                author_id: Set(voters[i % voters.len()].id),
                body: Set(format!(
                    "Comment {i}: what about **{}**?",
                    WORDS[i % WORDS.len()]
                )),
                created_at: Set(now),
                edited_at: Set(None),
                ..Default::default()
            }
        }))
        .exec(db)
        .await
        .expect("comments");
    }
    let first = proposal_comment::Entity::find()
        .filter(proposal_comment::Column::ProposalId.eq(p.id))
        .order_by_asc(proposal_comment::Column::Id)
        .all(db)
        .await
        .expect("comments");
    for c in first.iter().skip(COMMENTS - 100) {
        let mut a: proposal_comment::ActiveModel = c.clone().into();
        a.parent_id = Set(Some(first[0].id));
        sea_orm::ActiveModelTrait::update(a, db)
            .await
            .expect("reply");
    }
    let electors = proposal_elector::Entity::find()
        .filter(proposal_elector::Column::ProposalId.eq(p.id))
        .all(db)
        .await
        .expect("electors");
    assert!(electors.len() >= BALLOTS, "every voter could vote");
    let mut a: proposal::ActiveModel = proposals::by_id(db, p.id).await.unwrap().into();
    a.closes_at = Set(Some(now - Days::seconds(1)));
    sea_orm::ActiveModelTrait::update(a, db).await.expect("due");
    proposals::close_due(db, now).await.expect("closed");
    (p.id, author)
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    println!(
        "{what:<58} p50 {:>9}  p95 {:>9}  max {:>9}",
        ms(pct(0.5)),
        ms(pct(0.95)),
        ms(*times.last().unwrap())
    );
}

async fn time<F, Fut, T>(rounds: usize, f: F) -> Vec<Duration>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut out = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        std::hint::black_box(f().await);
        out.push(start.elapsed());
    }
    out
}

#[tokio::main]
async fn main() {
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| {
        let dir = std::env::temp_dir().join(format!("qc-bench-decisions-{}", std::process::id()));
        format!("sqlite://{}/bench.db", dir.display())
    });
    let database = db::connect(&url).await.expect("database");
    demo::seed_if_empty(&database).await.expect("demo data");
    let started = Instant::now();
    add_decisions(&database).await;
    let (big, author) = add_big_vote(&database).await;
    // After a bulk load PostgreSQL's autovacuum analyses the table within a minute; do it
    // now, so the planner reads the register as it would in use.
    if url.starts_with("postgres") {
        use sea_orm::ConnectionTrait;
        database
            .execute_unprepared("ANALYZE")
            .await
            .expect("analyse");
    }
    println!(
        "{} on {}: {DECISIONS} closed decisions and a vote of {BALLOTS} ballots written in {:.1} s\n",
        env!("CARGO_PKG_NAME"),
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        started.elapsed().as_secs_f64()
    );
    let db = &database;
    let q = |f: fn(&mut RegisterQuery)| {
        let mut q = RegisterQuery::default();
        f(&mut q);
        q
    };
    let cases: [(&str, RegisterQuery); 5] = [
        ("register, newest 50 of all", RegisterQuery::default()),
        (
            "register, words \"pharmacy\"",
            q(|q| q.q = "pharmacy".into()),
        ),
        (
            "register, words in no decision",
            q(|q| q.q = "helicopter rota".into()),
        ),
        (
            "register, one region + consent + passed",
            q(|q| {
                q.space = "south-west".into();
                q.method = "consent".into();
                q.result = "passed".into();
            }),
        ),
        (
            "register, closed in one month",
            q(|q| {
                let to = Utc::now().date_naive() - Days::days(60);
                q.from = (to - Days::days(30)).to_string();
                q.to = to.to_string();
            }),
        ),
    ];
    for (what, query) in &cases {
        let _ = proposals::register::page(db, query).await.expect("warm");
        report(
            what,
            time(ROUNDS, || proposals::register::page(db, query)).await,
        );
    }
    let all = proposals::register::search(db, &RegisterQuery::default(), None)
        .await
        .expect("all");
    report(
        &format!("register CSV of all {} decisions", all.len()),
        time(20, || async {
            let lines = proposals::register::search(db, &RegisterQuery::default(), None)
                .await
                .unwrap();
            proposals::register::csv(&lines, |id| format!("https://q.example/proposals/{id}"))
                .unwrap()
        })
        .await,
    );
    report(
        &format!("proposal page, closed vote, {BALLOTS} ballots, {COMMENTS} comments"),
        time(ROUNDS, || proposals::page(db, &author, big)).await,
    );
}
