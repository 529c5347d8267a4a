//! The load client: N participants' phones against a Q Commons server running as its own
//! process (started by `scripts/load.sh`), so what the server does and holds is measured
//! apart from what the participants cost. It sets the workshop up in the server's database
//! (as the server would on N joins), then does everything else over TCP: N live screens on
//! server-sent events, notes and votes posted at the chosen rate, the move to the vote
//! asked for by the facilitator. Prints, for each size, p50/p95/p99 until every screen,
//! lost deliveries, the rate achieved and the server's memory per idle and per busy
//! connection, read from its own process. Fails on any failed request or broken stream.
//!
//! Run through `scripts/load.sh [sizes] [rate]`; it sets LOAD_URL (the server),
//! LOAD_DATABASE_URL (its database), LOAD_SERVER_PID, LOAD_SIZES and LOAD_RATE.
mod common;

use app::server::db;
use app::server::live::Live;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run scripts/load.sh"))
}

#[tokio::main]
async fn main() {
    let base = env("LOAD_URL");
    let database = db::connect(&env("LOAD_DATABASE_URL"))
        .await
        .expect("the server's database");
    let pid: u32 = env("LOAD_SERVER_PID").parse().expect("a process id");
    let sizes: Vec<usize> = env("LOAD_SIZES")
        .split(',')
        .filter_map(|x| x.trim().parse().ok())
        .collect();
    let rate: f64 = env("LOAD_RATE").parse().expect("changes a second");
    // Only to set the workshops up: the server's own bus carries everything after.
    let live = Live::start(&database).await.expect("live bus");
    let run = std::process::id().to_string();
    let mut failures = 0;
    for n in sizes {
        let w = common::live::workshop(&database, &live, n, &run).await;
        failures += common::live::drive(
            &base,
            &w,
            rate,
            common::live::Memory {
                pid,
                what: "the server process alone",
            },
        )
        .await;
        println!(
            "  server's memory now: {:.1} MiB",
            common::live::rss_kib(pid) as f64 / 1024.0
        );
    }
    if failures > 0 {
        eprintln!("{failures} requests or streams failed");
        std::process::exit(1);
    }
}
