//! Live workshop benchmark: N simulated participants, each with its own live connection
//! (server-sent events over real TCP) to a real server, post notes and then votes over
//! HTTP while every connection records when it sees each change. Prints, for N = 100 and
//! N = 1,000 (or the sizes in BENCH_SIZES), the time from a note or vote being sent to
//! every participant seeing it (p50/p95/p99), deliveries lost, and memory per connection.
//!
//! Each note and vote is timed from the moment it was due to be sent (its slot in the
//! paced schedule), so a client that falls behind shows as latency, not as a slower rate;
//! the rate printed is the one achieved. Every failed request is counted, and the bench
//! fails if there are any. Moving to the next activity is asked for over HTTP as the
//! facilitator's screen does, and timed from that request to the last board arriving.
//!
//! `cargo bench -p server --bench workshop_live`; BENCH_DATABASE_URL runs it on PostgreSQL.
//! The server and the simulated participants share this process and the machine's cores:
//! memory per connection is both ends together (`scripts/load.sh` is the server alone).
mod common;

use app::domain::workshop::Control;
use app::domain::workshop::board::{Change, Delta, Settings};
use app::server::db;
use app::server::live::Live;
use app::server::services::{accounts, demo, sessions, workshops};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::watch;

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// What a change is known by on every screen: a note by its id, a vote by (note, total),
/// since each participant votes on their own note and its total only rises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Note(i64),
    Dots(i64, u32),
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

async fn post(
    client: &HttpClient,
    base: &str,
    path: &str,
    cookie: &str,
    form: String,
) -> Result<String, String> {
    let req = http::Request::post(format!("{base}{path}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .body(Full::new(Bytes::from(form)))
        .map_err(|e| e.to_string())?;
    let res = client.request(req).await.map_err(|e| e.to_string())?;
    let status = res.status();
    let body = res
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    let text = String::from_utf8_lossy(&body).into_owned();
    if status.is_success() {
        Ok(text)
    } else {
        Err(format!("{status}: {text}"))
    }
}

/// One participant's screen: reads its event stream and notes when each change arrives.
async fn watch_stream(
    client: HttpClient,
    url: String,
    cookie: String,
    boards: Arc<AtomicUsize>,
    mut stop: watch::Receiver<bool>,
) -> (Vec<(Key, Instant)>, usize) {
    let req = http::Request::get(&url)
        .header("cookie", &cookie)
        .header("accept", "text/event-stream")
        .body(Full::new(Bytes::new()))
        .expect("request");
    let mut body = match client.request(req).await {
        Ok(res) if res.status().is_success() => res.into_body(),
        Ok(res) => panic!("stream refused: {}", res.status()),
        Err(e) => panic!("stream failed: {e}"),
    };
    let mut seen = Vec::new();
    let mut resyncs = 0;
    let mut buf = String::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            frame = body.frame() => {
                let Some(Ok(frame)) = frame else { break };
                let Ok(data) = frame.into_data() else { continue };
                let now = Instant::now();
                buf.push_str(&String::from_utf8_lossy(&data));
                while let Some(end) = buf.find("\n\n") {
                    let event: String = buf.drain(..end + 2).collect();
                    let kind = event.lines().find_map(|l| l.strip_prefix("event:")).map(str::trim);
                    let data: String = event.lines().filter_map(|l| l.strip_prefix("data:")).map(|d| d.strip_prefix(' ').unwrap_or(d)).collect();
                    match kind {
                        Some("board") => {
                            boards.fetch_add(1, Ordering::Relaxed);
                            resyncs += 1;
                        }
                        Some("delta") => {
                            if let Ok(d) = serde_json::from_str::<Delta>(&data) {
                                match d.change {
                                    Change::NoteSaved(n) => seen.push((Key::Note(n.id), now)),
                                    Change::DotsChanged(x) => seen.push((Key::Dots(x.item, x.total), now)),
                                    _ => {}
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    (seen, resyncs)
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

struct Report {
    sent: usize,
    /// Sends a second actually achieved: requests answered over the time from the first
    /// slot to the last answer.
    achieved: f64,
    every_client: Vec<Duration>,
    deliveries: Vec<Duration>,
    lost: usize,
}

fn report(phase: &str, n: usize, rate: f64, r: &mut Report) {
    r.every_client.sort();
    r.deliveries.sort();
    println!(
        "  {phase:<6} {:>5} sent at {:>4.0}/s (asked {rate:.0}/s) | until every screen: p50 {} p95 {} p99 {} max {} | each delivery: p50 {} p95 {} p99 {} | lost {} of {}",
        r.sent,
        r.achieved,
        common::ms(pct(&r.every_client, 0.5)),
        common::ms(pct(&r.every_client, 0.95)),
        common::ms(pct(&r.every_client, 0.99)),
        common::ms(r.every_client.last().copied().unwrap_or_default()),
        common::ms(pct(&r.deliveries, 0.5)),
        common::ms(pct(&r.deliveries, 0.95)),
        common::ms(pct(&r.deliveries, 0.99)),
        r.lost,
        r.sent * n,
    );
}

fn tally(
    sent: &HashMap<Key, Instant>,
    seen: &[Vec<(Key, Instant)>],
    n: usize,
    achieved: f64,
) -> Report {
    let mut received: HashMap<Key, (usize, Instant)> = HashMap::new();
    let mut deliveries = Vec::new();
    for client in seen {
        for (key, at) in client {
            if let Some(t0) = sent.get(key) {
                deliveries.push(at.saturating_duration_since(*t0));
                let e = received.entry(*key).or_insert((0, *at));
                e.0 += 1;
                e.1 = e.1.max(*at);
            }
        }
    }
    let mut every_client = Vec::new();
    let mut lost = 0;
    for (key, t0) in sent {
        match received.get(key) {
            Some((count, last)) => {
                lost += n.saturating_sub(*count);
                if *count >= n {
                    every_client.push(last.saturating_duration_since(*t0));
                }
            }
            None => lost += n,
        }
    }
    Report {
        sent: sent.len(),
        achieved,
        every_client,
        deliveries,
        lost,
    }
}

async fn run(url: &str, n: usize, rate: f64) {
    let database = db::connect(url).await.expect("database");
    demo::seed_if_empty(&database).await.expect("demo data");
    let live = Live::start(&database).await.expect("live bus");
    let base = common::serve_app(database.clone(), live.clone()).await;

    // A workshop with live results: capture ideas, then dot-vote on the notes.
    let hein = app::server::auth::Who {
        person: accounts::find_by_email(&database, "hein@demo.q-commons.org")
            .await
            .unwrap(),
        device_token: None,
    };
    let form = workshops::WorkshopForm {
        title: format!("Benchmark {n}"),
        purpose: String::new(),
        held_on: "2026-12-01".into(),
        space: String::new(),
        prompt: "What would help?".into(),
        template: None,
        settings: Settings {
            results_live: true,
            ..Settings::default()
        },
    };
    let w = workshops::create(&database, hein.person.as_ref().unwrap(), &form)
        .await
        .unwrap();
    let agenda = workshops::activities(&database, w.id).await.unwrap();
    for a in &agenda[1..] {
        workshops::remove_activity(&database, &live, w.id, &hein, a.id)
            .await
            .unwrap();
    }
    let vote = workshops::ActivityForm {
        kind: "dot_vote".into(),
        prompt: "Which ideas first?".into(),
        budget: "3".into(),
        cap: "3".into(),
        target: "notes".into(),
        options: String::new(),
        multiple: false,
    };
    workshops::add_activity(&database, &live, w.id, &hein, &vote)
        .await
        .unwrap();
    let mut cookies = Vec::with_capacity(n);
    for i in 0..n {
        let who = app::server::auth::Who {
            person: None,
            device_token: Some(format!("bench-{n}-{i}")),
        };
        let perspective = ["patient", "carer", "clinician", "manager"][i % 4];
        let form = workshops::JoinForm {
            display_name: format!("Participant {i}"),
            perspective: perspective.into(),
            named_in_report: false,
        };
        // Each from its own address, as phones on 4G would be.
        let address = format!("10.0.{}.{}", i / 256, i % 256);
        workshops::join(&database, &live, &w, &who, &form, &address)
            .await
            .unwrap();
        cookies.push(format!("qc_device=bench-{n}-{i}"));
    }
    workshops::control(&database, &live, w.id, &hein, Control::Start)
        .await
        .unwrap();
    let facilitator = format!(
        "qc_session={}",
        sessions::create(&database, hein.person.as_ref().unwrap().id)
            .await
            .expect("a session")
    );

    // N live connections.
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client: HttpClient = Client::builder(TokioExecutor::new()).build(connector);
    let before = rss_kib();
    let boards = Arc::new(AtomicUsize::new(0));
    let (stop_tx, stop_rx) = watch::channel(false);
    let stream_url = format!("{base}/live/workshops/{}", w.id);
    let watchers: Vec<_> = cookies
        .iter()
        .map(|c| {
            tokio::spawn(watch_stream(
                client.clone(),
                stream_url.clone(),
                c.clone(),
                boards.clone(),
                stop_rx.clone(),
            ))
        })
        .collect();
    let connect_start = Instant::now();
    while boards.load(Ordering::Relaxed) < n {
        assert!(
            connect_start.elapsed() < Duration::from_secs(120),
            "connections did not open"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let connected_in = connect_start.elapsed();
    let per_connection = (rss_kib().saturating_sub(before)) as f64 / n as f64;

    // Phase 1: every participant posts a note, paced at `rate` a second. Each is timed
    // from its slot in the schedule.
    let sent_notes = Arc::new(std::sync::Mutex::new(HashMap::new()));
    let errors = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut note_of = vec![0i64; n];
    let gap = Duration::from_secs_f64(1.0 / rate);
    let mut tasks = Vec::new();
    let start = Instant::now();
    for (i, cookie) in cookies.iter().enumerate() {
        let due = start + gap * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let (client, base, cookie, sent, errors) = (
            client.clone(),
            base.clone(),
            cookie.clone(),
            sent_notes.clone(),
            errors.clone(),
        );
        let ws = w.id;
        tasks.push(tokio::spawn(async move {
            let form = format!("workshop_id={ws}&body=Idea+number+{i}&client_key=k{i}");
            let answer = post(&client, &base, "/api/post_note", &cookie, form).await;
            match answer.map(|a| a.trim().parse::<i64>()) {
                Ok(Ok(id)) => {
                    sent.lock().unwrap().insert(Key::Note(id), due);
                    Some(id)
                }
                Ok(Err(e)) => {
                    errors.lock().unwrap().push(format!("note {i}: no id: {e}"));
                    None
                }
                Err(e) => {
                    errors.lock().unwrap().push(format!("note {i}: {e}"));
                    None
                }
            }
        }));
    }
    for (i, t) in tasks.into_iter().enumerate() {
        note_of[i] = t.await.unwrap().unwrap_or(0);
    }
    let notes_rate = n as f64 / start.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;

    // Move on to the vote, asked over HTTP as the facilitator's console does: every
    // screen reads the board again. Timed from the request to the last board arriving.
    let boards_before = boards.load(Ordering::Relaxed);
    let advance = Instant::now();
    post(
        &client,
        &base,
        "/api/control_workshop",
        &facilitator,
        format!("workshop_id={}&control=advance", w.id),
    )
    .await
    .expect("the facilitator moves on");
    while boards.load(Ordering::Relaxed) < boards_before + n {
        assert!(
            advance.elapsed() < Duration::from_secs(120),
            "boards did not arrive"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let resync_all = advance.elapsed();

    // Phase 2: every participant puts one dot, then a second, on their own note.
    let sent_votes = Arc::new(std::sync::Mutex::new(HashMap::new()));
    let mut tasks = Vec::new();
    let start = Instant::now();
    let mut k = 0u32;
    for dots in 1..=2u32 {
        for (i, cookie) in cookies.iter().enumerate() {
            let due = start + gap * k;
            tokio::time::sleep_until(due.into()).await;
            k += 1;
            let (client, base, cookie, sent, errors) = (
                client.clone(),
                base.clone(),
                cookie.clone(),
                sent_votes.clone(),
                errors.clone(),
            );
            let (ws, note) = (w.id, note_of[i]);
            tasks.push(tokio::spawn(async move {
                let answer = post(
                    &client,
                    &base,
                    "/api/set_dots",
                    &cookie,
                    format!("workshop_id={ws}&item={note}&dots={dots}"),
                )
                .await;
                match answer {
                    Ok(_) => {
                        sent.lock().unwrap().insert(Key::Dots(note, dots), due);
                    }
                    Err(e) => errors.lock().unwrap().push(format!("vote {i}/{dots}: {e}")),
                }
            }));
        }
    }
    for t in tasks {
        t.await.unwrap();
    }
    let votes_rate = k as f64 / start.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop_tx.send(true).unwrap();
    let mut seen = Vec::with_capacity(n);
    let mut resyncs = 0;
    for w in watchers {
        let (s, r) = w.await.unwrap();
        seen.push(s);
        resyncs += r.saturating_sub(2);
    }
    let notes = sent_notes.lock().unwrap().clone();
    let votes = sent_votes.lock().unwrap().clone();
    println!(
        "N = {n}: {n} connections open in {} ({:.1} KiB of memory each, server and client side together); moving to the vote re-sent {n} boards in {}; unexpected resyncs {resyncs}",
        common::ms(connected_in),
        per_connection,
        common::ms(resync_all),
    );
    report("notes", n, rate, &mut tally(&notes, &seen, n, notes_rate));
    report("votes", n, rate, &mut tally(&votes, &seen, n, votes_rate));
    let errors = errors.lock().unwrap();
    if !errors.is_empty() {
        eprintln!("N = {n}: {} requests failed:", errors.len());
        for e in errors.iter().take(20) {
            eprintln!("  {e}");
        }
        std::process::exit(1);
    }
}

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
    for n in sizes {
        let url = match std::env::var("BENCH_DATABASE_URL") {
            Ok(url) => url,
            Err(_) => {
                let dir =
                    std::env::temp_dir().join(format!("qc-live-bench-{}-{n}", std::process::id()));
                format!("sqlite://{}/bench.db", dir.display())
            }
        };
        run(&url, n, rate).await;
    }
}
