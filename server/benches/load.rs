//! The load client: N participants' phones against Q Commons running as its own process or
//! processes (started by `scripts/load.sh`), so what the servers do and hold is measured
//! apart from what the participants cost. It sets the workshop up in the servers' database
//! (as the server would on N joins), then does everything else over TCP: N live screens on
//! server-sent events, notes and votes posted at the chosen rate, the move to the vote
//! asked for by the facilitator. Prints, for each size, p50/p95/p99 until every screen,
//! lost deliveries, the rate achieved and the servers' memory per idle and per busy
//! connection, read from their own processes. Fails on any failed request or broken stream.
//!
//! With a fault (`LOAD_FAULT`: `kill` or `term` the first app server, or `restart` the
//! database with `LOAD_RESTART`), each size instead rides the fault out mid-workshop
//! (`common::failover`): screens reconnect and notes are sent again as the page does, and
//! it fails on any note never stored, any acknowledged note missing, or any screen whose
//! board differs from the database's.
//!
//! Run through `scripts/load.sh [sizes] [rate]`; it sets LOAD_URL (the servers, or the
//! proxy in front of them), LOAD_SERVER_URLS, LOAD_DATABASE_URL, LOAD_SERVER_PIDS,
//! LOAD_SIZES, LOAD_RATE, LOAD_REUSE (streams on kept-alive connections) and, for a fault, LOAD_FAULT and LOAD_RESTART.
mod common;

use app::server::db;
use app::server::live::Live;
use common::failover::Fault;

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run scripts/load.sh"))
}

fn list(name: &str) -> Vec<String> {
    env(name)
        .split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

#[tokio::main]
async fn main() {
    let base = env("LOAD_URL");
    let database = db::connect(&env("LOAD_DATABASE_URL"))
        .await
        .expect("the servers' database");
    let pids: Vec<u32> = list("LOAD_SERVER_PIDS")
        .iter()
        .map(|p| p.parse().expect("a process id"))
        .collect();
    let servers = list("LOAD_SERVER_URLS");
    let sizes: Vec<usize> = list("LOAD_SIZES")
        .iter()
        .filter_map(|x| x.parse().ok())
        .collect();
    let rate: f64 = env("LOAD_RATE").parse().expect("changes a second");
    let fault = std::env::var("LOAD_FAULT").unwrap_or_default();
    // Only to set the workshops up: the servers' own bus carries everything after.
    let live = Live::start(&database).await.expect("live bus");
    let run = std::process::id().to_string();
    let mut failures = 0;
    for n in sizes {
        let w = common::live::workshop(&database, &live, n, &run).await;
        let fault = match fault.as_str() {
            "" => None,
            "kill" | "term" => Some(Fault::StopServer {
                pid: pids[0],
                signal: if fault == "kill" { "KILL" } else { "TERM" },
            }),
            "restart" => Some(Fault::RestartDatabase {
                command: env("LOAD_RESTART")
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
            }),
            other => panic!("LOAD_FAULT is kill, term or restart, not {other:?}"),
        };
        match fault {
            Some(fault) => {
                failures +=
                    common::failover::ride_out(&base, &servers, &database, &w, rate, fault).await;
                // A stopped server stays stopped: one fault per run.
                break;
            }
            None => {
                failures += common::live::drive(
                    &base,
                    &w,
                    rate,
                    common::live::Memory {
                        pids: pids.clone(),
                        what: "the server processes alone",
                    },
                    common::live::Streams::from_env(),
                )
                .await;
                let kib: u64 = pids.iter().map(|&p| common::live::rss_kib(p)).sum();
                println!("  servers' memory now: {:.1} MiB", kib as f64 / 1024.0);
            }
        }
    }
    if failures > 0 {
        eprintln!("{failures} requests, streams, notes or boards failed");
        std::process::exit(1);
    }
}
