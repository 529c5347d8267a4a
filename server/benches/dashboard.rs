//! Benchmark: the dashboards of a community of 10,000 members with five years of history —
//! members joining across 60 months with their applications, 1,980 workshops with their
//! participants, decisions closed with ballots, 5,040 actions done, open and overdue — served
//! over HTTP by the real app to a signed-in convener. Prints latency percentiles and the
//! SQL queries each page costs (the goal: p95 within 50 ms for a region's dashboard).
//!
//! SQLite by default; set `BENCH_DATABASE_URL` to an empty PostgreSQL database to run it
//! there. Run with `cargo bench -p server --bench dashboard`.
use app::domain::membership::{MembershipStatus, Perspective};
use app::server::db;
use app::server::entities::{
    action, action_event, member, member_perspective, membership_application, person, proposal,
    proposal_ballot, space, workshop, workshop_participant,
};
use app::server::services::{accounts, demo};
use chrono::{Duration as Days, NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;
use common::{load, ms};

const MEMBERS: usize = 10_000;
const MONTHS: i64 = 60;

/// A small deterministic generator, so every run builds the same community.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

async fn insert_chunks<A, E>(db: &DatabaseConnection, rows: Vec<A>)
where
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
    E: EntityTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(400).collect();
        E::insert_many(chunk).exec(db).await.expect("rows");
    }
}

/// Two years of a community: returns how many rows of each kind it wrote.
async fn history(db: &DatabaseConnection) -> Vec<(&'static str, usize)> {
    let mut rng = Lcg(2018);
    let now = Utc::now();
    let today = now.date_naive();
    let regions: Vec<i64> = space::Entity::find()
        .filter(space::Column::Kind.eq("region"))
        .order_by_asc(space::Column::Id)
        .all(db)
        .await
        .expect("regions")
        .into_iter()
        .map(|r| r.id)
        .collect();
    let hein = accounts::find_by_email(db, "hein@demo.q-commons.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    insert_chunks(
        db,
        (0..MEMBERS)
            .map(|i| person::ActiveModel {
                name: Set(format!("Member {i}")),
                email: Set(format!("history{i}@example.org")),
                password_hash: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect(),
    )
    .await;
    let people: Vec<i64> = person::Entity::find()
        .filter(person::Column::Email.like("history%"))
        .order_by_asc(person::Column::Id)
        .all(db)
        .await
        .expect("people")
        .into_iter()
        .map(|p| p.id)
        .collect();
    // Each member: a home region, a day they joined in the last two years, an application
    // decided that day after 1–30 days' wait, one or two perspectives.
    let joined: Vec<(i64, i64, NaiveDate)> = people
        .iter()
        .map(|&p| {
            let region = regions[rng.next(regions.len() as u64) as usize];
            (
                p,
                region,
                today - Days::days(rng.next((MONTHS * 30) as u64) as i64),
            )
        })
        .collect();
    insert_chunks(
        db,
        joined
            .iter()
            .map(|&(p, region, on)| member::ActiveModel {
                person_id: Set(p),
                status: Set(MembershipStatus::Active.code().into()),
                home_region_id: Set(Some(region)),
                organisation: Set(None),
                clinician_discipline: Set(None),
                bio: Set(String::new()),
                interests: Set(String::new()),
                show_email: Set(false),
                show_organisation: Set(true),
                joined_on: Set(Some(on)),
                updated_at: Set(now),
                perspectives_consented_at: Set(Some(now)),
            })
            .collect(),
    )
    .await;
    insert_chunks(
        db,
        joined
            .iter()
            .map(|&(p, _, _)| member_perspective::ActiveModel {
                person_id: Set(p),
                perspective: Set(Perspective::ALL[p as usize % Perspective::ALL.len()]
                    .code()
                    .into()),
            })
            .collect(),
    )
    .await;
    let mut applications: Vec<membership_application::ActiveModel> = joined
        .iter()
        .map(|&(p, region, on)| {
            let decided = on.and_hms_opt(10, 0, 0).unwrap().and_utc();
            membership_application::ActiveModel {
                person_id: Set(p),
                region_id: Set(region),
                perspectives: Set("patient".into()),
                reason: Set("To help.".into()),
                status: Set("approved".into()),
                decided_by: Set(Some(hein)),
                created_at: Set(decided - Days::days(1 + rng.next(30) as i64)),
                decided_at: Set(Some(decided)),
                ..Default::default()
            }
        })
        .collect();
    // Forty still waiting.
    for &(p, region, _) in joined.iter().take(40) {
        applications.push(membership_application::ActiveModel {
            person_id: Set(p),
            region_id: Set(region),
            perspectives: Set("carer".into()),
            reason: Set("To help.".into()),
            status: Set("pending".into()),
            created_at: Set(now - Days::days(rng.next(40) as i64)),
            ..Default::default()
        });
    }
    let n_applications = applications.len();
    insert_chunks(db, applications).await;

    // Eleven workshops a region a month, 30 came to each (two in three members of the region).
    let mut workshops = vec![];
    for &region in &regions {
        for month in 0..MONTHS {
            for w in 0..11 {
                let held = today - Days::days(month * 30 + w * 2);
                workshops.push(workshop::ActiveModel {
                    space_id: Set(Some(region)),
                    title: Set(format!("Workshop {month}-{w}")),
                    purpose: Set(String::new()),
                    held_on: Set(held),
                    join_code: Set(format!("H{region}{month:02}{w:02}")),
                    facilitator_id: Set(hein),
                    seq: Set(0),
                    finished: Set(true),
                    finished_at: Set(Some(held.and_hms_opt(12, 0, 0).unwrap().and_utc())),
                    locked: Set(false),
                    revealed: Set(true),
                    anonymous: Set(true),
                    notes_visible: Set(true),
                    results_live: Set(false),
                    participants_theme: Set(false),
                    code_days: Set(1),
                    created_at: Set(now),
                    ..Default::default()
                });
            }
        }
    }
    insert_chunks(db, workshops).await;
    let held: Vec<workshop::Model> = workshop::Entity::find()
        .filter(workshop::Column::JoinCode.like("H%"))
        .all(db)
        .await
        .expect("workshops");
    let by_region = |region: i64| -> Vec<i64> {
        joined
            .iter()
            .filter(|(_, r, _)| *r == region)
            .map(|(p, _, _)| *p)
            .collect()
    };
    let region_members: Vec<(i64, Vec<i64>)> = regions.iter().map(|&r| (r, by_region(r))).collect();
    let mut participants = vec![];
    for w in &held {
        let members = &region_members
            .iter()
            .find(|(r, _)| Some(*r) == w.space_id)
            .unwrap()
            .1;
        let start = rng.next(members.len() as u64) as usize;
        for i in 0..30 {
            let person = (i % 3 != 0).then(|| members[(start + i * 7) % members.len()]);
            participants.push(workshop_participant::ActiveModel {
                workshop_id: Set(w.id),
                person_id: Set(person),
                display_name: Set(format!("P{i}")),
                perspective: Set(Some(
                    Perspective::ALL[i % Perspective::ALL.len()].code().into(),
                )),
                joined_at: Set(w.held_on.and_hms_opt(10, 0, 0).unwrap().and_utc()),
                named_in_report: Set(false),
                ..Default::default()
            });
        }
    }
    let n_participants = participants.len();
    insert_chunks(db, participants).await;

    // Two decisions a region a month, 150 ballots each.
    let mut proposals = vec![];
    for &region in &regions {
        for month in 0..MONTHS {
            for d in 0..2 {
                let closed = now - Days::days(month * 30 + d * 10);
                proposals.push(proposal::ActiveModel {
                    space_id: Set(region),
                    author_id: Set(hein),
                    title: Set(format!("Decision {month}-{d}")),
                    body: Set(String::new()),
                    method: Set("majority".into()),
                    stage: Set("closed".into()),
                    anonymous: Set(true),
                    results_live: Set(false),
                    quorum_percent: Set(0),
                    threshold_percent: Set(50),
                    threshold_at_least: Set(false),
                    named_only: Set(false),
                    opens_at: Set(Some(closed - Days::days(7))),
                    closes_at: Set(Some(closed)),
                    closed_at: Set(Some(closed)),
                    result: Set(Some("passed".into())),
                    eligible_count: Set(Some(3_300)),
                    took_part_count: Set(Some(150)),
                    version: Set(1),
                    created_at: Set(closed - Days::days(14)),
                    updated_at: Set(closed),
                    kind: Set("general".into()),
                    ..Default::default()
                });
            }
        }
    }
    insert_chunks(db, proposals).await;
    let decided: Vec<proposal::Model> = proposal::Entity::find()
        .filter(proposal::Column::Title.like("Decision %"))
        .all(db)
        .await
        .expect("proposals");
    let mut ballots = vec![];
    for p in &decided {
        let members = &region_members
            .iter()
            .find(|(r, _)| *r == p.space_id)
            .unwrap()
            .1;
        let start = rng.next(members.len() as u64) as usize;
        for i in 0..150 {
            let person = members[(start + i * 11) % members.len()];
            let at = p.closed_at.unwrap() - Days::hours(1 + i as i64);
            ballots.push(proposal_ballot::ActiveModel {
                proposal_id: Set(p.id),
                person_id: Set(person),
                choice: Set("yes".into()),
                perspectives: Set(String::new()),
                client_key: Set(format!("h{}-{i}", p.id)),
                cast_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            });
        }
    }
    let n_ballots = ballots.len();
    insert_chunks(db, ballots).await;

    // Actions: 28 a region a month, two in three done within 1–60 days, some overdue.
    let mut actions = vec![];
    for &region in &regions {
        for month in 0..MONTHS {
            for a in 0..28 {
                let created = now - Days::days(month * 30 + a);
                actions.push(action::ActiveModel {
                    space_id: Set(Some(region)),
                    title: Set(format!("Action {month}-{a}")),
                    owner_id: Set(hein),
                    due_on: Set(created.date_naive() + Days::days(30)),
                    status: Set(if a % 3 == 0 { "open" } else { "done" }.into()),
                    created_by: Set(hein),
                    created_at: Set(created),
                    updated_at: Set(created),
                    ..Default::default()
                });
            }
        }
    }
    let n_actions = actions.len();
    insert_chunks(db, actions).await;
    let done: Vec<action::Model> = action::Entity::find()
        .filter(action::Column::Status.eq("done"))
        .filter(action::Column::Title.like("Action %"))
        .all(db)
        .await
        .expect("actions");
    let events: Vec<action_event::ActiveModel> = done
        .iter()
        .map(|a| action_event::ActiveModel {
            action_id: Set(a.id),
            status: Set("done".into()),
            by_id: Set(hein),
            at: Set((a.created_at + Days::days(1 + rng.next(60) as i64)).min(now)),
            ..Default::default()
        })
        .collect();
    let n_events = events.len();
    insert_chunks(db, events).await;
    vec![
        ("members", MEMBERS),
        ("applications", n_applications),
        ("workshops", held.len()),
        ("workshop participants", n_participants),
        ("decisions", decided.len()),
        ("ballots", n_ballots),
        ("actions", n_actions),
        ("of them done", n_events),
    ]
}

#[tokio::main]
async fn main() {
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| {
        let dir = std::env::temp_dir().join(format!("qc-bench-dashboard-{}", std::process::id()));
        format!("sqlite://{}/bench.db", dir.display())
    });
    let mut database = db::connect(&url).await.expect("database");
    demo::seed_if_empty(&database).await.expect("demo data");
    let t = Instant::now();
    let rows = history(&database).await;
    if url.starts_with("postgres") {
        // PostgreSQL's autovacuum analyses freshly written tables within a minute or so;
        // until then the planner has no statistics and joins as if tables were empty
        // (a nested loop over 5 million pairs). A running server has them: so does this.
        use sea_orm::ConnectionTrait;
        database
            .execute_unprepared("ANALYZE")
            .await
            .expect("ANALYZE");
    }
    println!(
        "{} with five years of history, written in {:.1} s: {}.\n",
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        t.elapsed().as_secs_f64(),
        rows.iter()
            .map(|(what, n)| format!("{n} {what}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (hein, cookie) =
        app::server::testing::signed_in(&database, "hein@demo.q-commons.org").await;
    let queries = Arc::new(AtomicUsize::new(0));
    let counter = queries.clone();
    // With BENCH_PROFILE set, each page's statements with their times are kept, and the
    // slowest printed: where the page's time goes.
    let profile = std::env::var_os("BENCH_PROFILE").is_some();
    let timed: Arc<Mutex<Vec<(Duration, String)>>> = Arc::default();
    let keep = timed.clone();
    database.set_metric_callback(move |info| {
        counter.fetch_add(1, Ordering::Relaxed);
        if profile {
            let sql = info
                .statement
                .sql
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            keep.lock().unwrap().push((info.elapsed, sql));
        }
    });
    let live = app::server::live::Live::start(&database).await.unwrap();
    let base = common::serve_app(database.clone(), live).await;
    let client = common::client();
    let pages = [
        (
            "region, 12 months by month",
            "/spaces/west-of-england/dashboard",
        ),
        (
            "region, 2 years by week",
            "/spaces/west-of-england/dashboard?period=24m&grain=week",
        ),
        (
            "region, 5 years by month",
            "/spaces/west-of-england/dashboard?period=all",
        ),
        ("region, CSV", "/spaces/west-of-england/dashboard.csv"),
        ("national (every region)", "/dashboard"),
    ];
    println!(
        "Served by the app (counts kept for a minute once counted), signed in as a convener;\n4 connections, 3 s per page after 0.5 s warm-up, on 2 cores. Queries: the first request's.\n"
    );
    println!(
        "{:<30} {:>8} {:>10} {:>10} {:>10} {:>8}",
        "page", "req/s", "p50", "p95", "p99", "queries"
    );
    for (label, path) in pages {
        let url = format!("{base}{path}");
        queries.store(0, Ordering::Relaxed);
        timed.lock().unwrap().clear();
        let (status, body) = common::get(&client, &url, Some(&cookie)).await;
        let per_page = queries.load(Ordering::Relaxed);
        let mut slowest = std::mem::take(&mut *timed.lock().unwrap());
        slowest.sort_by(|a, b| b.0.cmp(&a.0));
        for (took, sql) in slowest.iter().take(8) {
            println!(
                "    {:>9}  {}",
                ms(*took),
                sql.chars().take(150).collect::<String>()
            );
        }
        assert!(status.is_success(), "{label}: {status}");
        assert!(
            path.ends_with(".csv") || body.contains("Members who took part"),
            "{label}: the page shows the measures"
        );
        load(&client, &url, Some(&cookie), 4, Duration::from_millis(500)).await;
        let s = load(&client, &url, Some(&cookie), 4, Duration::from_secs(3)).await;
        assert_eq!(s.errors, 0, "{label}: errors under load");
        println!(
            "{label:<30} {:>8.0} {:>10} {:>10} {:>10} {:>8}",
            s.rps(),
            ms(s.pct(0.5)),
            ms(s.pct(0.95)),
            ms(s.pct(0.99)),
            per_page
        );
    }

    // What counting costs when nothing is kept: the service called directly, one request
    // at a time, every call counting afresh.
    println!("\nCounted afresh on every call (no counts kept), one at a time, 3 s per page:\n");
    println!(
        "{:<30} {:>8} {:>10} {:>10} {:>10} {:>8}",
        "page", "calls", "p50", "p95", "p99", "queries"
    );
    use app::server::cache::CountsCache;
    use app::server::services::dashboard;
    let none = CountsCache::none();
    let afresh: [(&str, Option<(&str, &str)>); 4] = [
        ("region, 12 months by month", Some(("12m", "month"))),
        ("region, 2 years by week", Some(("24m", "week"))),
        ("region, 5 years by month", Some(("all", "month"))),
        ("national (every region)", None),
    ];
    for (label, asked) in afresh {
        let mut latencies = vec![];
        let mut per_call = 0;
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline || latencies.is_empty() {
            queries.store(0, Ordering::Relaxed);
            let t = Instant::now();
            match asked {
                Some((period, grain)) => {
                    dashboard::page(&database, &none, &hein, "west-of-england", period, grain)
                        .await
                        .map(|_| ())
                }
                None => dashboard::national(&database, &none, &hein, "12m", "month")
                    .await
                    .map(|_| ()),
            }
            .expect("a dashboard");
            latencies.push(t.elapsed());
            per_call = queries.load(Ordering::Relaxed);
        }
        latencies.sort();
        let at = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
        println!(
            "{label:<30} {:>8} {:>10} {:>10} {:>10} {:>8}",
            latencies.len(),
            ms(at(0.5)),
            ms(at(0.95)),
            ms(at(0.99)),
            per_call
        );
    }
}
