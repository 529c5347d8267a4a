//! A live workshop under load, shared by the in-process bench (`workshop_live`) and the
//! load client that runs as its own process against a running server (`load`,
//! `scripts/load.sh`): a workshop of N participants set up in the database, N screens on
//! server-sent events over TCP, notes then votes posted over HTTP at a paced rate, and when
//! each change reached every screen.
//!
//! Each note and vote is timed from the moment it was due (its slot in the schedule), so a
//! client that falls behind shows as latency, not as a slower rate; the rate printed is the
//! one achieved. Every failed request is counted. Moving to the next activity is asked for
//! over HTTP, as the facilitator's console does, and timed until every screen has its new
//! board.
use app::domain::workshop::Control;
use app::domain::workshop::board::{Change, Delta, Settings};
use app::server::live::Live;
use app::server::services::{accounts, sessions, workshops};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

pub type LiveClient = Client<HttpConnector, Full<Bytes>>;

/// A keep-alive client with TCP_NODELAY, as many connections to one host as it needs.
pub fn live_client() -> LiveClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(usize::MAX)
        .build(connector)
}

/// What a change is known by on every screen: a note by its id, a vote by (note, total),
/// since each participant votes on their own note and its total only rises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Note(i64),
    Dots(i64, u32),
}

/// A process's resident memory in KiB (`/proc/<pid>/status`, VmRSS).
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

pub async fn post(
    client: &LiveClient,
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

/// How each screen asks for its live stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streams {
    /// As the first request on a connection of its own, as every screen behind nginx does
    /// (the server's lean path for live streams).
    Fresh,
    /// On a connection kept alive from an earlier request, as a browser talking to the app
    /// directly asks (hyper serves these). `LOAD_REUSE=1` in `scripts/load.sh`.
    Reused,
}

impl Streams {
    pub fn from_env() -> Self {
        match std::env::var("LOAD_REUSE").as_deref() {
            Ok("1") => Streams::Reused,
            _ => Streams::Fresh,
        }
    }
}

/// One participant's screen: reads its event stream and notes when each change arrives.
/// The boards it was sent are counted in `boards`; a stream that cannot open or breaks is
/// counted in `broken`. With [`Streams::Reused`] it first asks for `/health` on a client of
/// its own, so that the stream goes on that kept-alive connection.
async fn watch_stream(
    streams: Streams,
    base: String,
    client: LiveClient,
    url: String,
    cookie: String,
    boards: Arc<AtomicUsize>,
    broken: Arc<AtomicUsize>,
    mut stop: watch::Receiver<bool>,
) -> (Vec<(Key, Instant)>, usize) {
    let client = match streams {
        Streams::Fresh => client,
        Streams::Reused => {
            let own = live_client();
            let warmed = match own
                .get(format!("{base}/health").parse().expect("url"))
                .await
            {
                Ok(res) => res.into_body().collect().await.is_ok(),
                Err(_) => false,
            };
            if !warmed {
                broken.fetch_add(1, Ordering::Relaxed);
                return (Vec::new(), 0);
            }
            own
        }
    };
    let req = http::Request::get(&url)
        .header("cookie", &cookie)
        .header("accept", "text/event-stream")
        .body(Full::new(Bytes::new()))
        .expect("request");
    let mut body = match client.request(req).await {
        Ok(res) if res.status().is_success() => res.into_body(),
        _ => {
            broken.fetch_add(1, Ordering::Relaxed);
            return (Vec::new(), 0);
        }
    };
    let mut seen = Vec::new();
    let mut resyncs = 0;
    let mut buf = String::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            frame = body.frame() => {
                let Some(Ok(frame)) = frame else {
                    broken.fetch_add(1, Ordering::Relaxed);
                    break;
                };
                let Ok(data) = frame.into_data() else { continue };
                let now = Instant::now();
                buf.push_str(&String::from_utf8_lossy(&data));
                while let Some(end) = buf.find("\n\n") {
                    let event: String = buf.drain(..end + 2).collect();
                    let kind = event.lines().find_map(|l| l.strip_prefix("event:")).map(str::trim);
                    let data: String = event
                        .lines()
                        .filter_map(|l| l.strip_prefix("data:"))
                        .map(|d| d.strip_prefix(' ').unwrap_or(d))
                        .collect();
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
        super::ms(pct(&r.every_client, 0.5)),
        super::ms(pct(&r.every_client, 0.95)),
        super::ms(pct(&r.every_client, 0.99)),
        super::ms(r.every_client.last().copied().unwrap_or_default()),
        super::ms(pct(&r.deliveries, 0.5)),
        super::ms(pct(&r.deliveries, 0.95)),
        super::ms(pct(&r.deliveries, 0.99)),
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

/// A workshop ready for the load: started, capturing ideas, a dot vote next, with `n`
/// participants joined (each as from its own address, as phones on 4G would be).
pub struct Workshop {
    pub id: i64,
    /// Each participant's cookie.
    pub participants: Vec<String>,
    /// The facilitator's session cookie.
    pub facilitator: String,
}

/// Set up a workshop of `n` participants in `database`, facilitated by the demo's
/// convener. `label` keeps the participants of different runs apart.
pub async fn workshop(
    database: &DatabaseConnection,
    live: &Live,
    n: usize,
    label: &str,
) -> Workshop {
    let hein = app::server::auth::Who {
        person: accounts::find_by_email(database, "hein@demo.q-commons.org")
            .await
            .expect("a query")
            .or_else(|| panic!("the demo's convener: run with demo data")),
        device_token: None,
    };
    let form = workshops::WorkshopForm {
        title: format!("Load {label}: {n} participants"),
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
    let w = workshops::create(database, hein.person.as_ref().unwrap(), &form)
        .await
        .expect("a workshop");
    let agenda = workshops::activities(database, w.id).await.unwrap();
    for a in &agenda[1..] {
        workshops::remove_activity(database, live, w.id, &hein, a.id)
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
    workshops::add_activity(database, live, w.id, &hein, &vote)
        .await
        .unwrap();
    let mut participants = Vec::with_capacity(n);
    for i in 0..n {
        let token = format!("load-{label}-{n}-{i}");
        let who = app::server::auth::Who {
            person: None,
            device_token: Some(token.clone()),
        };
        let perspective = ["patient", "carer", "clinician", "manager"][i % 4];
        let join = workshops::JoinForm {
            display_name: format!("Participant {i}"),
            perspective: perspective.into(),
            named_in_report: false,
        };
        let address = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256);
        workshops::join(database, live, &w, &who, &join, &address)
            .await
            .expect("a participant joins");
        participants.push(format!("qc_device={token}"));
    }
    workshops::control(database, live, w.id, &hein, Control::Start)
        .await
        .unwrap();
    let facilitator = format!(
        "qc_session={}",
        sessions::create(database, hein.person.as_ref().unwrap().id)
            .await
            .expect("a session")
    );
    Workshop {
        id: w.id,
        participants,
        facilitator,
    }
}

/// Whose memory is measured (the processes' sum), and what to call it.
pub struct Memory {
    pub pids: Vec<u32>,
    pub what: &'static str,
}

impl Memory {
    fn kib(&self) -> u64 {
        self.pids.iter().map(|&p| rss_kib(p)).sum()
    }
}

/// Run the load on workshop `w` served at `base`: open every screen, post every note, move
/// to the vote, cast two dots each, and print what every screen saw. The number of failed
/// requests and broken streams (the caller fails on any).
pub async fn drive(base: &str, w: &Workshop, rate: f64, memory: Memory, streams: Streams) -> usize {
    let n = w.participants.len();
    let client = live_client();
    let before = memory.kib();
    let boards = Arc::new(AtomicUsize::new(0));
    let broken = Arc::new(AtomicUsize::new(0));
    let (stop_tx, stop_rx) = watch::channel(false);
    let stream_url = format!("{base}/live/workshops/{}", w.id);
    // Screens open in two halves, so that what one more idle screen costs (the growth from
    // the first half to all of them) is seen apart from what the first ones set going
    // (database connections, caches, worker threads).
    let open = |range: std::ops::Range<usize>| {
        w.participants[range]
            .iter()
            .map(|c| {
                tokio::spawn(watch_stream(
                    streams,
                    base.to_owned(),
                    client.clone(),
                    stream_url.clone(),
                    c.clone(),
                    boards.clone(),
                    broken.clone(),
                    stop_rx.clone(),
                ))
            })
            .collect::<Vec<_>>()
    };
    let connect_start = Instant::now();
    let opened = async |count: usize| {
        while boards.load(Ordering::Relaxed) + broken.load(Ordering::Relaxed) < count {
            assert!(
                connect_start.elapsed() < Duration::from_secs(180),
                "connections did not open"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let half = n / 2;
    let mut watchers = open(0..half);
    opened(half).await;
    let mut connected_in = connect_start.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let at_half = memory.kib();
    let second_start = Instant::now();
    watchers.extend(open(half..n));
    opened(n).await;
    connected_in += second_start.elapsed();
    // Idle: every screen open on its board, nothing happening.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let all_open = memory.kib();
    let idle = all_open.saturating_sub(before) as f64 / n as f64;
    let one_more = all_open.saturating_sub(at_half) as f64 / (n - half).max(1) as f64;

    // While changes flow: the most memory seen.
    let peak = Arc::new(AtomicUsize::new(0));
    let sampler = {
        let peak = peak.clone();
        let pids = memory.pids.clone();
        tokio::spawn(async move {
            loop {
                let kib: u64 = pids.iter().map(|&p| rss_kib(p)).sum();
                peak.fetch_max(kib as usize, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));

    // Notes: every participant posts one, paced at `rate` a second.
    let sent_notes = Arc::new(Mutex::new(HashMap::new()));
    let gap = Duration::from_secs_f64(1.0 / rate);
    let mut tasks = Vec::new();
    let start = Instant::now();
    for (i, cookie) in w.participants.iter().enumerate() {
        let due = start + gap * i as u32;
        tokio::time::sleep_until(due.into()).await;
        let (client, base, cookie, sent, errors) = (
            client.clone(),
            base.to_owned(),
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
    let mut note_of = vec![0i64; n];
    for (i, t) in tasks.into_iter().enumerate() {
        note_of[i] = t.await.unwrap().unwrap_or(0);
    }
    let notes_rate = n as f64 / start.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;

    // Move on to the vote, asked over HTTP: every screen reads the board again. Timed from
    // the request to the last board arriving.
    let boards_before = boards.load(Ordering::Relaxed);
    let advance = Instant::now();
    if let Err(e) = post(
        &client,
        base,
        "/api/control_workshop",
        &w.facilitator,
        format!("workshop_id={}&control=advance", w.id),
    )
    .await
    {
        errors.lock().unwrap().push(format!("advance: {e}"));
    }
    let alive = n - broken.load(Ordering::Relaxed);
    while boards.load(Ordering::Relaxed) < boards_before + alive {
        if advance.elapsed() > Duration::from_secs(180) {
            errors.lock().unwrap().push("boards did not arrive".into());
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let resync_all = advance.elapsed();

    // Votes: every participant puts one dot, then a second, on their own note.
    let sent_votes = Arc::new(Mutex::new(HashMap::new()));
    let mut tasks = Vec::new();
    let start = Instant::now();
    let mut k = 0u32;
    for dots in 1..=2u32 {
        for (i, cookie) in w.participants.iter().enumerate() {
            let due = start + gap * k;
            tokio::time::sleep_until(due.into()).await;
            k += 1;
            let (client, base, cookie, sent, errors) = (
                client.clone(),
                base.to_owned(),
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
    sampler.abort();
    let busy = (peak.load(Ordering::Relaxed) as u64).saturating_sub(before) as f64 / n as f64;
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
        "N = {n}: {n} connections open in {} (in two halves, {streams:?}); memory per connection ({}): {idle:.1} KiB idle ({one_more:.1} KiB for each screen of the second half), {busy:.1} KiB at the busiest; moving to the vote re-sent {alive} boards in {} (over HTTP, until the last arrived); unexpected resyncs {resyncs}",
        super::ms(connected_in),
        memory.what,
        super::ms(resync_all),
    );
    report("notes", n, rate, &mut tally(&notes, &seen, n, notes_rate));
    report("votes", n, rate, &mut tally(&votes, &seen, n, votes_rate));
    let errors = errors.lock().unwrap();
    let broken = broken.load(Ordering::Relaxed);
    if broken > 0 {
        eprintln!("N = {n}: {broken} streams broke or were refused");
    }
    if !errors.is_empty() {
        eprintln!("N = {n}: {} requests failed:", errors.len());
        for e in errors.iter().take(20) {
            eprintln!("  {e}");
        }
    }
    errors.len() + broken
}
