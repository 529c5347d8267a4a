//! Live workshop benchmark: N simulated participants, each with its own live connection
//! (server-sent events over real TCP) to a real server, post notes and then votes over
//! HTTP while every connection records when it sees each change. Prints, for N = 100 and
//! N = 1,000 (or the sizes in BENCH_SIZES), the time from a note or vote being due to
//! every participant seeing it (p50/p95/p99), the rate achieved, deliveries lost, the
//! re-send of every board on moving to the vote, and memory per connection; fails on any
//! failed request (see `common/live.rs` for how each figure is taken).
//!
//! `cargo bench -p server --bench workshop_live`; BENCH_DATABASE_URL runs it on PostgreSQL,
//! BENCH_RATE sets the changes a second (100). The server and the simulated participants
//! share this process and the machine's cores, so memory per connection is both ends
//! together: `scripts/load.sh` runs the participants as their own process and measures the
//! server alone.
mod common;

use app::server::db;
use app::server::live::Live;
use app::server::services::demo;

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100, 1000]);
    let rate: f64 = std::env::var("BENCH_RATE")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(100.0);
    let mut failures = 0;
    for n in sizes {
        let url = match std::env::var("BENCH_DATABASE_URL") {
            Ok(url) => url,
            Err(_) => {
                let dir =
                    std::env::temp_dir().join(format!("qc-live-bench-{}-{n}", std::process::id()));
                format!("sqlite://{}/bench.db", dir.display())
            }
        };
        // The machine's limit first: the same load on a bare broadcaster.
        println!("Bare axum broadcast, same routes, rate and sizes:");
        let bare = common::bare::serve().await;
        let nobody = common::live::Workshop {
            id: 1,
            participants: (0..n).map(|i| format!("bare={i}")).collect(),
            facilitator: String::new(),
        };
        failures += common::live::drive(
            &bare,
            &nobody,
            rate,
            common::live::Memory {
                pids: vec![std::process::id()],
                what: "server and participants in one process",
            },
            common::live::Streams::Fresh,
        )
        .await;
        println!("Q Commons:");
        let database = db::connect(&url).await.expect("database");
        demo::seed_if_empty(&database).await.expect("demo data");
        let live = Live::start(&database).await.expect("live bus");
        let base = common::serve_app(database.clone(), live.clone()).await;
        let w = common::live::workshop(&database, &live, n, "bench").await;
        failures += common::live::drive(
            &base,
            &w,
            rate,
            common::live::Memory {
                pids: vec![std::process::id()],
                what: "server and participants in one process",
            },
            common::live::Streams::Fresh,
        )
        .await;
    }
    if failures > 0 {
        eprintln!("{failures} requests or streams failed");
        std::process::exit(1);
    }
}
