//! Riding out a fault mid-workshop, measured from outside: an app server stopped (of two
//! behind a proxy) or the database restarted, while N screens watch and notes are posted.
//!
//! Each screen behaves as the participant's page does: when its stream ends, breaks or is
//! refused it looks again a second later and opens another, and takes the board it is sent;
//! each delta is applied to its board with the page's own code (`Board::apply`), which asks
//! for a fresh board when one is missing. A note not answered 200 (a 503 during the outage,
//! a connection reset by a stopping server) is sent again a second later with the same key,
//! as the page's outbox does. Reported: how long screens were without a stream, how the
//! failed tries were answered and the slowest answer (an outage must not hang), when every
//! screen had each note, how soon each app server was healthy after the database; checked
//! at the end: every acknowledged note is in the database, and every screen's board equals
//! the board the database gives that viewer.
use super::live::{LiveClient, live_client, post};
use super::ms;
use app::domain::workshop::board::{Applied, Board, Change, Delta, Viewer};
use app::server::services::workshops;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// What goes wrong mid-workshop.
pub enum Fault {
    /// An app server is killed (`KILL`: a crash) or asked to stop (`TERM`: a deploy).
    StopServer { pid: u32, signal: &'static str },
    /// The database restarts: this command, e.g. `pg_ctlcluster 15 main restart`.
    RestartDatabase { command: Vec<String> },
}

/// How often a screen whose stream is gone looks again (the page's own tick).
const LOOK_AGAIN: Duration = Duration::from_secs(1);

/// The longest a note is tried before it counts as failed.
const GIVE_UP: Duration = Duration::from_secs(60);

#[derive(Default)]
struct ScreenReport {
    board: Option<Board>,
    /// When each note was first on this screen (by delta or in a board).
    first_seen: HashMap<i64, Instant>,
    /// From a stream ending to the next board arriving.
    gaps: Vec<Duration>,
    /// Tries to open a stream that were refused or failed.
    refused: usize,
}

/// One screen, until `stop`.
async fn screen(
    client: LiveClient,
    url: String,
    cookie: String,
    report: Arc<Mutex<ScreenReport>>,
    mut stop: watch::Receiver<bool>,
) {
    let mut lost_at: Option<Instant> = None;
    while !*stop.borrow() {
        let req = http::Request::get(&url)
            .header("cookie", &cookie)
            .header("accept", "text/event-stream")
            .body(Full::new(Bytes::new()))
            .expect("request");
        match client.request(req).await {
            Ok(res) if res.status().is_success() => {
                let mut body = res.into_body();
                let mut buf = String::new();
                'stream: loop {
                    let frame = tokio::select! {
                        _ = stop.changed() => return,
                        frame = body.frame() => frame,
                    };
                    let Some(Ok(frame)) = frame else { break };
                    let Ok(data) = frame.into_data() else {
                        continue;
                    };
                    let now = Instant::now();
                    buf.push_str(&String::from_utf8_lossy(&data));
                    while let Some(end) = buf.find("\n\n") {
                        let event: String = buf.drain(..end + 2).collect();
                        let kind = event
                            .lines()
                            .find_map(|l| l.strip_prefix("event:"))
                            .map(str::trim);
                        let data: String = event
                            .lines()
                            .filter_map(|l| l.strip_prefix("data:"))
                            .map(|d| d.strip_prefix(' ').unwrap_or(d))
                            .collect();
                        let mut r = report.lock().unwrap();
                        match kind {
                            Some("board") => {
                                let Ok(board) = serde_json::from_str::<Board>(&data) else {
                                    break 'stream;
                                };
                                for n in &board.notes {
                                    r.first_seen.entry(n.id).or_insert(now);
                                }
                                r.board = Some(board);
                                if let Some(at) = lost_at.take() {
                                    r.gaps.push(now - at);
                                }
                            }
                            Some("delta") => {
                                let Ok(delta) = serde_json::from_str::<Delta>(&data) else {
                                    break 'stream;
                                };
                                let Some(board) = r.board.as_mut() else {
                                    continue;
                                };
                                if board.apply(&delta) == Applied::NeedsResync {
                                    // As the page does: a change went missing, start again.
                                    break 'stream;
                                }
                                if let Change::NoteSaved(n) = &delta.change {
                                    r.first_seen.entry(n.id).or_insert(now);
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => report.lock().unwrap().refused += 1,
        }
        lost_at.get_or_insert_with(Instant::now);
        tokio::select! {
            _ = stop.changed() => return,
            () = tokio::time::sleep(LOOK_AGAIN) => {}
        }
    }
}

/// What a note's tries met.
#[derive(Default)]
struct Tries {
    unavailable: usize,
    bad_gateway: usize,
    transport: usize,
    other: Vec<String>,
    slowest: Duration,
}

/// Post a note until it is stored (answered 200 with its id), as the page's outbox does.
async fn post_until_stored(
    client: &LiveClient,
    base: &str,
    cookie: &str,
    form: String,
    tries: &Mutex<Tries>,
) -> Option<i64> {
    let start = Instant::now();
    loop {
        let asked = Instant::now();
        let answer = post(client, base, "/api/post_note", cookie, form.clone()).await;
        let took = asked.elapsed();
        {
            let mut t = tries.lock().unwrap();
            t.slowest = t.slowest.max(took);
            match answer {
                Ok(text) => return text.trim().parse().ok(),
                Err(e) if e.starts_with("503") => t.unavailable += 1,
                Err(e) if e.starts_with("502") || e.starts_with("504") => t.bad_gateway += 1,
                Err(e) if e.as_bytes().first().is_some_and(u8::is_ascii_digit) => {
                    t.other.push(e);
                    return None;
                }
                Err(_) => t.transport += 1,
            }
        }
        if start.elapsed() > GIVE_UP {
            tries
                .lock()
                .unwrap()
                .other
                .push("gave up after 60 s".into());
            return None;
        }
        tokio::time::sleep(LOOK_AGAIN).await;
    }
}

/// A board as compared: the server's clock and the order things arrived in set aside.
fn normal(mut b: Board) -> Board {
    b.server_now_ms = 0;
    b.notes.sort_by_key(|n| n.id);
    b.hidden_notes.sort();
    b.dots.sort_by_key(|d| (d.activity_id, d.item));
    b.themes.sort_by_key(|t| t.id);
    b.reflections.sort_by_key(|r| r.id);
    b.hidden_reflections.sort();
    b
}

fn percentiles(mut xs: Vec<Duration>) -> String {
    xs.sort();
    let at = |p: f64| {
        xs.get(((xs.len().max(1) - 1) as f64 * p).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    format!(
        "p50 {} p95 {} p99 {} max {}",
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(0.99)),
        ms(xs.last().copied().unwrap_or_default())
    )
}

/// Run the workshop `w` through `fault`, served at `base` (the proxy, or the one server),
/// with `health` the address of each app server (to time their recovery). Returns how
/// many things failed: notes never stored, acknowledged notes missing, screens whose board
/// differs from the database's.
pub async fn ride_out(
    base: &str,
    health: &[String],
    database: &DatabaseConnection,
    w: &super::live::Workshop,
    rate: f64,
    fault: Fault,
) -> usize {
    let n = w.participants.len();
    let client = live_client();
    let (stop_tx, stop_rx) = watch::channel(false);
    let url = format!("{base}/live/workshops/{}", w.id);
    let reports: Vec<_> = (0..n)
        .map(|_| Arc::new(Mutex::new(ScreenReport::default())))
        .collect();
    let screens: Vec<_> = w
        .participants
        .iter()
        .zip(&reports)
        .map(|(cookie, r)| {
            tokio::spawn(screen(
                client.clone(),
                url.clone(),
                cookie.clone(),
                r.clone(),
                stop_rx.clone(),
            ))
        })
        .collect();
    let opening = Instant::now();
    while reports.iter().any(|r| r.lock().unwrap().board.is_none()) {
        assert!(
            opening.elapsed() < Duration::from_secs(120),
            "screens did not open"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!("N = {n}: {n} screens open in {}", ms(opening.elapsed()));

    let tries = Arc::new(Mutex::new(Tries::default()));
    let sent = Arc::new(Mutex::new(HashMap::<i64, Instant>::new()));
    let gap = Duration::from_secs_f64(1.0 / rate);
    let start = Instant::now();
    let mut tasks = Vec::new();
    let mut fault = Some(fault);
    let mut fault_task = None;
    for (i, cookie) in w.participants.iter().enumerate() {
        let due = start + gap * i as u32;
        tokio::time::sleep_until(due.into()).await;
        if i == n / 2
            && let Some(f) = fault.take()
        {
            fault_task = Some(tokio::spawn(strike(f, health.to_vec(), start, i)));
        }
        let (client, base, cookie, tries, sent) = (
            client.clone(),
            base.to_owned(),
            cookie.clone(),
            tries.clone(),
            sent.clone(),
        );
        let ws = w.id;
        tasks.push(tokio::spawn(async move {
            let form = format!("workshop_id={ws}&body=Idea+number+{i}&client_key=f{i}");
            if let Some(id) = post_until_stored(&client, &base, &cookie, form, &tries).await {
                sent.lock().unwrap().insert(id, due);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let posted_in = start.elapsed();
    let recovery = match fault_task {
        Some(t) => t.await.unwrap(),
        None => Vec::new(),
    };

    // Every screen holds every acknowledged note, or 30 s have passed.
    let acknowledged = sent.lock().unwrap().clone();
    let waiting = Instant::now();
    while waiting.elapsed() < Duration::from_secs(30)
        && reports.iter().any(|r| {
            let r = r.lock().unwrap();
            acknowledged.keys().any(|id| !r.first_seen.contains_key(id))
        })
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop_tx.send(true).unwrap();
    for s in screens {
        let _ = s.await;
    }

    let t = tries.lock().unwrap();
    println!(
        "  notes: {} of {n} acknowledged in {} ({:.0}/s asked {rate:.0}/s); tries answered 503 {}, 502/504 {}, reset or refused {}, other {}; slowest answer {}",
        acknowledged.len(),
        ms(posted_in),
        n as f64 / posted_in.as_secs_f64(),
        t.unavailable,
        t.bad_gateway,
        t.transport,
        t.other.len(),
        ms(t.slowest),
    );
    for e in t.other.iter().take(5) {
        eprintln!("    {e}");
    }
    let mut every_screen = Vec::new();
    let mut gaps = Vec::new();
    let mut refused = 0;
    let mut broken_screens = 0;
    for r in &reports {
        let r = r.lock().unwrap();
        gaps.extend(&r.gaps);
        refused += r.refused;
        broken_screens += usize::from(!r.gaps.is_empty());
    }
    for (id, due) in &acknowledged {
        let last = reports
            .iter()
            .filter_map(|r| r.lock().unwrap().first_seen.get(id).copied())
            .collect::<Vec<_>>();
        if last.len() == n {
            every_screen.push(
                last.into_iter()
                    .max()
                    .unwrap()
                    .saturating_duration_since(*due),
            );
        }
    }
    println!(
        "  screens: {broken_screens} lost their stream and came back, {} times in all; without a stream {}; tries to reopen refused {refused}",
        gaps.len(),
        percentiles(gaps)
    );
    println!(
        "  each note until every screen (from its slot, outage included): {} ({} of {} notes on every screen)",
        percentiles(every_screen.clone()),
        every_screen.len(),
        acknowledged.len()
    );
    for line in recovery {
        println!("  {line}");
    }

    // What the database holds, against what was acknowledged and what each screen shows.
    let snap = workshops::snapshot(database, w.id)
        .await
        .expect("the workshop, read back");
    let stored: std::collections::HashSet<i64> = snap
        .board(Viewer {
            participant_id: None,
            facilitator: true,
        })
        .notes
        .iter()
        .map(|n| n.id)
        .collect();
    let missing = acknowledged
        .keys()
        .filter(|id| !stored.contains(id))
        .count();
    let mut differ = 0;
    for r in &reports {
        let r = r.lock().unwrap();
        let Some(board) = r.board.clone() else {
            differ += 1;
            continue;
        };
        let truth = normal(snap.board(board.viewer));
        let shown = normal(board);
        if shown != truth {
            if differ == 0 {
                eprintln!(
                    "    first screen that differs: seq {} vs {}; notes {} vs {}",
                    shown.seq,
                    truth.seq,
                    shown.notes.len(),
                    truth.notes.len()
                );
            }
            differ += 1;
        }
    }
    println!(
        "  at the end: {missing} acknowledged notes missing from the database; {} of {n} screens' boards equal the database's",
        n - differ
    );
    let never_stored = n - acknowledged.len();
    missing + differ + never_stored
}

/// Bring the fault about, and say what happened and how the app servers recovered.
async fn strike(fault: Fault, health: Vec<String>, start: Instant, at_note: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let when = ms(start.elapsed());
    match fault {
        Fault::StopServer { pid, signal } => {
            let status = std::process::Command::new("kill")
                .args([format!("-{signal}"), pid.to_string()])
                .status()
                .expect("kill");
            assert!(status.success(), "kill -{signal} {pid}");
            lines.push(format!(
                "fault: app server {pid} sent {signal} at {when} (note {at_note})"
            ));
        }
        Fault::RestartDatabase { command } => {
            let asked = Instant::now();
            let out = tokio::task::spawn_blocking(move || {
                std::process::Command::new(&command[0])
                    .args(&command[1..])
                    .output()
                    .map(|out| (out, command))
            })
            .await
            .unwrap()
            .expect("the restart command");
            let (out, command) = out;
            assert!(
                out.status.success(),
                "{command:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let up = Instant::now();
            lines.push(format!(
                "fault: database restarted at {when} (note {at_note}): `{}` took {}",
                command.join(" "),
                ms(up - asked)
            ));
            let client = super::client();
            for server in &health {
                loop {
                    let healthy = super::get(&client, &format!("{server}/health"), None)
                        .await
                        .0
                        == http::StatusCode::OK;
                    if healthy {
                        break;
                    }
                    if up.elapsed() > Duration::from_secs(60) {
                        lines.push(format!("{server} not healthy 60 s after the database"));
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                lines.push(format!(
                    "app server {server} healthy {} after the database was back",
                    ms(up.elapsed())
                ));
            }
        }
    }
    lines
}
