//! Benchmark: a community of 1,000 and of 10,000 members — a region page and the member
//! directory, served over HTTP by the real app to a signed-in convener. Prints latency
//! percentiles and the number of SQL queries each page costs, which must not grow with
//! the number of members.
//!
//! Run with `cargo bench -p server --bench community`.
use app::domain::membership::Perspective;
use app::server::db;
use app::server::entities::space;
use app::server::services::demo;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

mod common;
use common::{load, ms};

const FIRST: &[&str] = &[
    "Alex", "Sam", "Jo", "Priya", "Femi", "Grace", "Tom", "Aisha", "Ben", "Mina", "Rob", "Lena",
];
const LAST: &[&str] = &[
    "Smith", "Patel", "Jones", "Okafor", "Evans", "Khan", "Walsh", "Brown", "Lin", "Hughes",
];

/// Add `n` active members across the three regions, with one or two perspectives each.
async fn add_members(db: &DatabaseConnection, n: usize) {
    let regions: Vec<i64> = space::Entity::find()
        .filter(space::Column::Kind.eq("region"))
        .order_by_asc(space::Column::Id)
        .all(db)
        .await
        .expect("regions")
        .into_iter()
        .map(|r| r.id)
        .collect();
    common::add_members(
        db,
        "bench",
        n,
        |i| {
            format!(
                "{} {} {i}",
                FIRST[i % FIRST.len()],
                LAST[(i / 7) % LAST.len()]
            )
        },
        |p| {
            let mut m = common::active_member(p, regions[p.id as usize % regions.len()]);
            m.organisation = Set(Some(format!("Trust {}", p.id % 40)));
            m.interests = Set(if p.id % 5 == 0 {
                "discharge".into()
            } else {
                "primary care".into()
            });
            m.show_organisation = Set(true);
            m
        },
        |p| {
            let first = Perspective::ALL[p.id as usize % Perspective::ALL.len()];
            let second = Perspective::ALL[(p.id as usize / 3) % Perspective::ALL.len()];
            if second != first && p.id % 2 == 0 {
                vec![first, second]
            } else {
                vec![first]
            }
        },
    )
    .await;
}

#[tokio::main]
async fn main() {
    let pages = [
        ("region page", "/spaces/west-of-england"),
        ("directory, first page", "/members"),
        (
            "directory search + filter",
            "/members?q=smith&region=west-of-england&perspective=carer&page=2",
        ),
    ];
    println!(
        "Signed in as a convener; 4 connections, 3 s per page after 0.5 s warm-up, on 2 cores.\n"
    );
    println!(
        "{:>7}  {:<27} {:>8} {:>10} {:>10} {:>10} {:>8}",
        "members", "page", "req/s", "p50", "p95", "p99", "queries"
    );
    for n in [1_000usize, 10_000] {
        let dir =
            std::env::temp_dir().join(format!("qc-bench-community-{}-{n}", std::process::id()));
        let url = format!("sqlite://{}/bench.db", dir.display());
        let mut database = db::connect(&url).await.expect("database");
        demo::seed_if_empty(&database).await.expect("demo data");
        add_members(&database, n).await;
        let (_, cookie) =
            app::server::testing::signed_in(&database, "hein@demo.q-commons.org").await;
        let queries = Arc::new(AtomicUsize::new(0));
        let counter = queries.clone();
        database.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let live = app::server::live::Live::start(&database).await.unwrap();
        let base = common::serve_app(database.clone(), live).await;
        let client = common::client();
        for (label, path) in pages {
            let url = format!("{base}{path}");
            queries.store(0, Ordering::Relaxed);
            let (status, body) = common::get(&client, &url, Some(&cookie)).await;
            let per_page = queries.load(Ordering::Relaxed);
            assert!(
                status.is_success() && body.contains("</html>"),
                "{label}: {status}"
            );
            load(&client, &url, Some(&cookie), 4, Duration::from_millis(500)).await;
            let s = load(&client, &url, Some(&cookie), 4, Duration::from_secs(3)).await;
            assert_eq!(s.errors, 0, "{label}: errors under load");
            println!(
                "{n:>7}  {label:<27} {:>8.0} {:>10} {:>10} {:>10} {:>8}",
                s.rps(),
                ms(s.pct(0.5)),
                ms(s.pct(0.95)),
                ms(s.pct(0.99)),
                per_page
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
