//! The one live connection each screen keeps open: server-sent events for a workshop.
//! It starts with the whole board as this viewer may see it, then each change redacted
//! for them; when they may see more (a reveal) or fell behind, the board again.
use super::AppState;
use super::auth::{self, Who};
use super::live::{Signal, sse_frame};
use super::services::workshops;
use crate::domain::workshop::board::{Change, Viewer, Viewpoint};
use crate::error::AppError;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::header;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use workshops::Snapshot;

/// A workshop's live stream. Its events are framed by hand rather than by axum's `Sse`: a
/// change most screens see alike is framed once and every such screen is handed the same
/// bytes, and one server-wide timer keeps idle streams open instead of a timer per screen
/// reset on every change — at a national event that is 3,000 screens for each change.
pub async fn workshop_events(
    state: AppState,
    Path(workshop_id): Path<i64>,
    headers: HeaderMap,
) -> Result<axum::response::Response, StatusCode> {
    let who = auth::who_from_headers(&state, &headers)
        .await
        .map_err(status)?;
    let w = workshops::by_id(&state.db, workshop_id)
        .await
        .map_err(status)?;
    let viewer = workshops::actor(&state.db, &w, &who)
        .await
        .map_err(status)?
        .viewer();
    // Subscribe before reading where the workshop stands: every change after that read
    // arrives on `rx`, and the board sent first holds at least every change before it
    // (what it already holds arrives again with old numbers, which are skipped). Reading
    // the number before subscribing could hand over a shared board missing the last
    // changes, with nothing after them to show the gap.
    let rx = state.live.subscribe(workshop_id);
    // Stopping began before this subscription: its Closing was not heard here.
    if state.live.is_closing() {
        return Err(StatusCode::SERVICE_UNAVAILABLE);
    }
    let seq = workshops::by_id(&state.db, workshop_id)
        .await
        .map_err(status)?
        .seq;
    let snap = state
        .live
        .boards()
        .at_least(&state.db, &state.live, workshop_id, seq)
        .await
        .map_err(status)?;
    let first = board_event(&snap, viewer).map_err(status)?;
    let view = View {
        vp: snap.viewpoint(viewer),
        seq: snap.seq(),
        who,
    };
    let stream = futures::stream::unfold(
        (Some(first), rx, view, state),
        move |(pending, mut rx, mut view, state)| async move {
            if let Some(event) = pending {
                return Some((Ok(event), (None, rx, view, state)));
            }
            // Each screen holds this future while it waits, thousands at once: what a
            // resync awaits (database reads) is boxed when needed, not held inline by all.
            loop {
                let event = match rx.recv().await {
                    // The server is stopping: end the stream so it can.
                    Ok(Signal::Closing) => return None,
                    Ok(Signal::KeepAlive) => Bytes::from_static(b":\n\n"),
                    // Already in the board this screen was sent.
                    Ok(Signal::Change(told)) if told.seq <= view.seq => continue,
                    Ok(Signal::Change(told)) => {
                        view.seq = told.seq;
                        match view.vp.observe(&told).change {
                            Change::Resync => {
                                Box::pin(resync(&state, workshop_id, &mut view, told.seq)).await?
                            }
                            change => {
                                // Encoded once for every screen that sees it alike.
                                match told.encoded(change) {
                                    Ok(frame) => frame,
                                    // A delta that cannot be sent must not be skipped
                                    // silently: the whole board goes instead.
                                    Err(_) => {
                                        Box::pin(resync(&state, workshop_id, &mut view, told.seq))
                                            .await?
                                    }
                                }
                            }
                        }
                    }
                    Ok(Signal::Resync) | Err(RecvError::Lagged(_)) => {
                        Box::pin(resync_latest(&state, workshop_id, &mut view)).await?
                    }
                    Err(RecvError::Closed) => return None,
                };
                return Some((Ok::<_, Infallible>(event), (None, rx, view, state)));
            }
        },
    );
    Ok(axum::response::Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(axum::body::Body::from_stream(stream))
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?)
}

/// A proposal's live tally: server-sent events for a vote whose results are shown while it
/// is open. Each time its ballots change (on any app server) the tally is read again as
/// this viewer may see it and sent if it moved; counts only, never a name or a ballot.
/// The stream ends when voting closes (after saying so) or the viewer may no longer see it.
pub async fn proposal_events(
    state: AppState,
    Path(proposal_id): Path<i64>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, StatusCode> {
    use super::services::proposals;
    let who = auth::who_from_headers(&state, &headers)
        .await
        .map_err(status)?;
    let person = who.person.ok_or(StatusCode::FORBIDDEN)?;
    // Subscribe first: a change after the first read arrives on `rx`.
    let rx = state.live.subscribe_proposal(proposal_id);
    let first = proposals::live_tally(&state.db, &person, proposal_id)
        .await
        .map_err(status)?;
    let tally_event = |t: &crate::model::proposals::LiveTally| {
        serde_json::to_string(t)
            .ok()
            .map(|json| Event::default().event("tally").data(json))
    };
    let first_event = tally_event(&first).ok_or(StatusCode::INTERNAL_SERVER_ERROR)?;
    let stream = futures::stream::unfold(
        (Some(first_event), first, rx, state, person),
        move |(pending, mut last, mut rx, state, person)| async move {
            if let Some(event) = pending {
                return Some((Ok(event), (None, last, rx, state, person)));
            }
            if last.closed {
                return None;
            }
            loop {
                let received = tokio::select! {
                    received = rx.recv() => received,
                    () = state.live.closed() => return None,
                };
                if let Err(RecvError::Closed) = received {
                    return None;
                }
                // A burst of ballots is read once: wait a moment and take what else came.
                tokio::time::sleep(Duration::from_millis(250)).await;
                while rx.try_recv().is_ok() {}
                let now = proposals::live_tally(&state.db, &person, proposal_id)
                    .await
                    .ok()?;
                if now == last {
                    continue;
                }
                let event = tally_event(&now)?;
                last = now;
                return Some((Ok(event), (None, last, rx, state, person)));
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// A stream refused, as its status. Anyone not let in gets 403 (a browser's event stream
/// cannot sign in, so 401 would ask for what it cannot do); a database that is restarting
/// is a 503 the screen retries (with `Retry-After`), not a 404 or a 500.
fn status(e: AppError) -> StatusCode {
    match e {
        AppError::Forbidden | AppError::Unauthenticated => StatusCode::FORBIDDEN,
        e => e.status_code(),
    }
}

/// Where one screen stands: its viewpoint, the last change it was told, and who it is.
struct View {
    vp: Viewpoint,
    seq: i64,
    who: Who,
}

fn board_event(snap: &Snapshot, viewer: Viewer) -> Result<Bytes, AppError> {
    let json = serde_json::to_string(&snap.board(viewer)).map_err(|_| AppError::Internal)?;
    Ok(sse_frame("board", &json))
}

/// [`resync`] to wherever the workshop stands now (messages may have been missed).
async fn resync_latest(state: &AppState, workshop_id: i64, view: &mut View) -> Option<Bytes> {
    let latest = match workshops::by_id(&state.db, workshop_id).await {
        Ok(w) => w.seq,
        // The database is away: end the stream; the screen reconnects (and is told 503
        // until it is back) for a fresh board.
        Err(AppError::Unavailable) => return None,
        Err(_) => i64::MAX,
    };
    resync(state, workshop_id, view, latest).await
}

/// How often a failed read of the board is tried again before the stream is closed.
const RESYNC_TRIES: u32 = 3;

/// Send the whole board again, as of change `seq` or later, and carry on from there. A
/// read that fails is tried again; if it keeps failing the stream ends (`None`) and the
/// screen reconnects for a fresh board — never carries on having missed a change. Who is
/// watching is checked again: a guest the facilitator removed is not sent the board.
async fn resync(state: &AppState, workshop_id: i64, view: &mut View, seq: i64) -> Option<Bytes> {
    for attempt in 0..RESYNC_TRIES {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
        }
        let read = async {
            let w = workshops::by_id(&state.db, workshop_id).await?;
            let viewer = workshops::actor(&state.db, &w, &view.who).await?.viewer();
            let snap = state
                .live
                .boards()
                .at_least(&state.db, &state.live, workshop_id, seq)
                .await?;
            let event = board_event(&snap, viewer)?;
            Ok::<_, AppError>((snap.viewpoint(viewer), snap.seq(), event))
        };
        match read.await {
            Ok((vp, seq, event)) => {
                view.vp = vp;
                view.seq = seq;
                return Some(event);
            }
            Err(
                AppError::Forbidden
                | AppError::Unauthenticated
                | AppError::NotFound(_)
                | AppError::Unavailable,
            ) => {
                return None;
            }
            Err(e) => tracing::warn!(workshop_id, attempt, "resync failed: {e}"),
        }
    }
    None
}

/// The last board read for each workshop, shared by its screens: when the facilitator
/// moves on, every screen needs the whole board again at once, and one read serves them
/// all. Kept only while someone watches.
#[derive(Clone, Default)]
pub struct BoardCache {
    slots: Arc<Mutex<HashMap<i64, Slot>>>,
    /// Reads to fail on purpose: the tests of a screen whose fresh board cannot be read.
    #[cfg(test)]
    faults: Arc<std::sync::atomic::AtomicU32>,
}

type Slot = Arc<tokio::sync::Mutex<Option<Arc<Snapshot>>>>;

impl BoardCache {
    /// A snapshot of the workshop at change `seq` or later.
    pub async fn at_least(
        &self,
        db: &sea_orm::DatabaseConnection,
        live: &crate::server::live::Live,
        workshop_id: i64,
        seq: i64,
    ) -> Result<Arc<Snapshot>, AppError> {
        #[cfg(test)]
        if self
            .faults
            .fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err(AppError::Internal);
        }
        let slot = {
            let mut map = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            map.retain(|id, _| *id == workshop_id || live.watchers(*id) > 0);
            map.entry(workshop_id).or_default().clone()
        };
        let mut slot = slot.lock().await;
        if let Some(snap) = slot.as_ref().filter(|s| s.seq() >= seq) {
            return Ok(snap.clone());
        }
        let fresh = Arc::new(workshops::snapshot(db, workshop_id).await?);
        *slot = Some(fresh.clone());
        Ok(fresh)
    }

    /// Make the next `n` reads fail.
    #[cfg(test)]
    pub fn fail_next_reads(&self, n: u32) {
        self.faults.store(n, SeqCst);
    }
}

#[cfg(test)]
use std::sync::atomic::Ordering::SeqCst;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workshop::Control;
    use crate::domain::workshop::board::Settings;
    use crate::server::config::Config;
    use crate::server::live::Live;
    use crate::server::services::{accounts, demo, mail::Mailer};
    use crate::server::testing::for_each_database;
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn serve(state: AppState) -> std::net::SocketAddr {
        let router = axum::Router::new().route(
            "/live/workshops/{id}",
            axum::routing::get(move |path, headers| workshop_events(state.clone(), path, headers)),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        addr
    }

    /// Read the event stream until `wanted` shows up, or give up after 10 seconds.
    async fn stream_until(
        addr: std::net::SocketAddr,
        path: &str,
        cookie: &str,
        wanted: &str,
        then: impl AsyncFnOnce(),
    ) -> String {
        let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
        );
        tcp.write_all(request.as_bytes()).await.unwrap();
        let mut seen = String::new();
        let mut buf = [0u8; 8192];
        // The first event is the board; once it is here, make the change.
        while !seen.contains("event: board") && !seen.contains("event:board") {
            let n = tokio::time::timeout(Duration::from_secs(10), tcp.read(&mut buf))
                .await
                .unwrap_or_else(|_| panic!("no board within 10 s: {seen:?}"))
                .unwrap();
            assert!(n > 0, "stream ended: {seen}");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        assert!(seen.starts_with("HTTP/1.1 200"), "{seen}");
        then().await;
        while !seen.contains(wanted) {
            let n = tokio::time::timeout(Duration::from_secs(10), tcp.read(&mut buf))
                .await
                .unwrap_or_else(|_| panic!("no {wanted:?} within 10 s: {seen}"))
                .unwrap();
            assert!(n > 0, "stream ended: {seen}");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        seen
    }

    /// A workshop facilitated by the demo's convener, started, that Ana (a patient) and Ben
    /// (a carer) joined as guests from their phones (`device-ana`, `device-ben`). Ana's
    /// `Who`, to post as her.
    async fn started_with_ana_and_ben(
        db: &sea_orm::DatabaseConnection,
        live: &Live,
        title: &str,
    ) -> (
        crate::server::entities::workshop::Model,
        crate::server::auth::Who,
    ) {
        let hein = crate::server::auth::Who {
            person: accounts::find_by_email(db, "hein@demo.q-commons.org")
                .await
                .unwrap(),
            device_token: None,
        };
        let form = workshops::WorkshopForm {
            title: title.into(),
            purpose: String::new(),
            held_on: "2026-12-01".into(),
            space: String::new(),
            prompt: "What would help?".into(),
            template: None,
            settings: Settings::default(),
        };
        let w = workshops::create(db, hein.person.as_ref().unwrap(), &form)
            .await
            .unwrap();
        let guest = |token: &str| crate::server::auth::Who {
            person: None,
            device_token: Some(token.into()),
        };
        let (ana, ben) = (guest("device-ana"), guest("device-ben"));
        workshops::tests::enter(db, live, &w, &ana, "Ana", "patient")
            .await
            .unwrap();
        workshops::tests::enter(db, live, &w, &ben, "Ben", "carer")
            .await
            .unwrap();
        workshops::control(db, live, w.id, &hein, Control::Start)
            .await
            .unwrap();
        (w, ana)
    }

    #[tokio::test]
    async fn a_note_posted_through_one_app_server_reaches_a_screen_on_another() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let live_a = Live::start(&db).await.unwrap();
            let (db_b, live_b) = crate::server::testing::second_server(&db, &live_a).await;
            let state_b = AppState {
                db: db_b,
                config: Arc::new(Config::default()),
                mailer: Mailer::outbox_only(),
                live: live_b,
            };
            let (w, ana) = started_with_ana_and_ben(&db, &live_a, "Two servers").await;

            // Ben watches through server B; Ana posts through server A.
            let addr = serve(state_b).await;
            let path = format!("/live/workshops/{}", w.id);
            let seen = stream_until(
                addr,
                &path,
                &format!("{}=device-ben", auth::DEVICE_COOKIE),
                "No one rang back",
                async || {
                    workshops::post_note(&db, &live_a, w.id, &ana, "No one rang back", "k1")
                        .await
                        .unwrap();
                },
            )
            .await;
            // The note arrives as a delta, named, as the board it reaches is read.
            let notes: Vec<_> = seen
                .split("event: delta")
                .skip(1)
                .filter_map(|e| e.split("data: ").nth(1)?.lines().next())
                .filter_map(|data| {
                    serde_json::from_str::<crate::domain::workshop::board::Delta>(data).ok()
                })
                .filter_map(|d| match d.change {
                    crate::domain::workshop::board::Change::NoteSaved(n) => Some(n),
                    _ => None,
                })
                .collect();
            assert_eq!(notes.len(), 1, "{seen}");
            assert_eq!(notes[0].author.as_deref(), Some("Ana"), "{seen}");
            assert_eq!(notes[0].body, "No one rang back");

            // Someone who has not joined is refused a stream.
            let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
            tcp.write_all(
                format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            )
            .await
            .unwrap();
            let mut answer = String::new();
            tcp.read_to_string(&mut answer).await.unwrap();
            assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
        })
        .await;
    }

    #[tokio::test]
    async fn open_streams_end_when_the_server_is_asked_to_stop() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let live = Live::start(&db).await.unwrap();
            let state = AppState {
                db: db.clone(),
                config: Arc::new(Config::default()),
                mailer: Mailer::outbox_only(),
                live: live.clone(),
            };
            let (_, w, _) =
                crate::server::services::workshops::tests::setup(&db, Settings::default()).await;
            let ana = Who {
                person: None,
                device_token: Some("device-ana".into()),
            };
            workshops::tests::enter(&db, &live, &w, &ana, "Ana", "patient")
                .await
                .unwrap();
            let addr = serve(state).await;
            let seen = stream_until(
                addr,
                &format!("/live/workshops/{}", w.id),
                &format!("{}=device-ana", auth::DEVICE_COOKIE),
                "\r\n0\r\n\r\n",
                async || live.close(),
            )
            .await;
            assert!(seen.contains("event: board") || seen.contains("event:board"));
        })
        .await;
    }

    /// One screen's stream, read as raw HTTP.
    struct Screen {
        tcp: tokio::net::TcpStream,
        seen: String,
    }

    impl Screen {
        async fn open(addr: std::net::SocketAddr, workshop_id: i64, device: &str) -> Screen {
            let path = format!("/live/workshops/{workshop_id}");
            let cookie = format!("{}={device}", auth::DEVICE_COOKIE);
            let tcp = request_stream(addr, &path, &cookie).await;
            let mut screen = Screen {
                tcp,
                seen: String::new(),
            };
            screen
                .until("the first board", |s| s.boards().len() == 1)
                .await;
            screen
        }

        /// Read until `done`, or fail after 10 seconds naming `what` was awaited.
        async fn until(&mut self, what: &str, done: impl Fn(&Screen) -> bool) {
            let mut buf = [0u8; 8192];
            while !done(self) {
                let n = tokio::time::timeout(Duration::from_secs(10), self.tcp.read(&mut buf))
                    .await
                    .unwrap_or_else(|_| panic!("no {what} within 10 s: {}", self.seen))
                    .unwrap();
                if n == 0 {
                    break;
                }
                self.seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
            assert!(
                done(self),
                "the connection closed before {what}: {}",
                self.seen
            );
        }

        /// The boards sent so far, in order.
        fn boards(&self) -> Vec<crate::domain::workshop::board::Board> {
            let mut boards = vec![];
            let mut lines = self.seen.lines();
            while let Some(line) = lines.next() {
                if line.trim_end() == "event: board"
                    && let Some(data) = lines.next().and_then(|d| d.strip_prefix("data: "))
                    && let Ok(board) = serde_json::from_str(data)
                {
                    boards.push(board);
                }
            }
            boards
        }

        /// The server ended the stream (the last chunk of a chunked answer).
        fn ended(&self) -> bool {
            self.seen.ends_with("\r\n0\r\n\r\n")
        }
    }

    /// What the database holds, as `who` may see it, with the clock of `like`.
    async fn stored_board(
        db: &sea_orm::DatabaseConnection,
        w: &crate::server::entities::workshop::Model,
        who: &Who,
        like: &crate::domain::workshop::board::Board,
    ) -> crate::domain::workshop::board::Board {
        let viewer = workshops::actor(db, w, who).await.unwrap().viewer();
        let mut board = workshops::snapshot(db, w.id).await.unwrap().board(viewer);
        board.server_now_ms = like.server_now_ms;
        board
    }

    #[tokio::test]
    async fn a_screen_converges_on_what_is_stored_when_reading_its_fresh_board_fails() {
        for_each_database(|db| async move {
            let (live, w, hein) =
                crate::server::services::workshops::tests::setup(&db, Settings::default()).await;
            let state = AppState {
                db: db.clone(),
                config: Arc::new(Config::default()),
                mailer: Mailer::outbox_only(),
                live: live.clone(),
            };
            let ana = workshops::tests::guest("device-ana");
            workshops::tests::enter(&db, &live, &w, &ana, "Ana", "patient")
                .await
                .unwrap();
            workshops::control(&db, &live, w.id, &hein, Control::Start)
                .await
                .unwrap();
            let addr = serve(state).await;

            // A failed read is tried again: the screen gets the board it missed.
            let mut screen = Screen::open(addr, w.id, "device-ana").await;
            live.boards().fail_next_reads(RESYNC_TRIES - 1);
            live.resync_all();
            workshops::post_note(&db, &live, w.id, &ana, "Buses stop at six", "k1")
                .await
                .unwrap();
            screen
                .until("the note, on a board or as a change", |s| {
                    s.seen.contains("Buses stop at six")
                })
                .await;
            assert_eq!(screen.boards().len(), 2, "{}", screen.seen);

            // Every try fails: the stream ends (the browser opens another) rather than
            // carry on from a board it never sent, and changes made meanwhile are not
            // lost to the screen.
            live.boards().fail_next_reads(RESYNC_TRIES);
            live.resync_all();
            workshops::post_note(&db, &live, w.id, &ana, "Parking costs too much", "k2")
                .await
                .unwrap();
            screen.until("the end of the stream", Screen::ended).await;
            assert_eq!(screen.boards().len(), 2, "no board after the failed reads");
            let again = Screen::open(addr, w.id, "device-ana").await;
            let board = again.boards().pop().unwrap();
            assert!(
                board
                    .notes
                    .iter()
                    .any(|n| n.body == "Parking costs too much")
            );
            assert_eq!(board, stored_board(&db, &w, &ana, &board).await);
        })
        .await;
    }

    /// Read an event stream until `wanted` shows up (or it ends, or 10 seconds pass).
    /// Ask for an event stream over raw HTTP, as a browser's `EventSource` does.
    async fn request_stream(
        addr: std::net::SocketAddr,
        path: &str,
        cookie: &str,
    ) -> tokio::net::TcpStream {
        let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
        );
        tcp.write_all(request.as_bytes()).await.unwrap();
        tcp
    }

    async fn read_until(tcp: &mut tokio::net::TcpStream, seen: &mut String, wanted: &str) -> bool {
        let mut buf = [0u8; 8192];
        while !seen.contains(wanted) {
            let n = tokio::time::timeout(Duration::from_secs(10), tcp.read(&mut buf))
                .await
                .unwrap_or_else(|_| panic!("no {wanted:?} within 10 s: {seen}"))
                .unwrap();
            if n == 0 {
                return false;
            }
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        true
    }

    #[tokio::test]
    async fn a_ballot_cast_through_one_app_server_moves_the_live_tally_on_another_until_it_closes()
    {
        use crate::domain::decision::{Ballot, Choice, Method};
        use crate::server::services::{proposals, sessions};
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let live_a = Live::start(&db).await.unwrap();
            let (db_b, live_b) = crate::server::testing::second_server(&db, &live_a).await;
            let state_b = AppState {
                db: db_b,
                config: Arc::new(Config::default()),
                mailer: Mailer::outbox_only(),
                live: live_b,
            };
            let router = axum::Router::new().route(
                "/live/proposals/{id}",
                axum::routing::get(move |path, headers| {
                    proposal_events(state_b.clone(), path, headers)
                }),
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(async move { axum::serve(listener, router).await });
            let person = |email: &'static str| {
                let db = db.clone();
                async move { accounts::find_by_email(&db, email).await.unwrap().unwrap() }
            };
            let (hein, sam) = (
                person("hein@demo.q-commons.org").await,
                person("sam@demo.q-commons.org").await,
            );
            let make = |live: bool| {
                let (db, hein) = (db.clone(), hein.clone());
                async move {
                    let f = proposals::ProposalForm {
                        space: "west-of-england".into(),
                        title: "Live".into(),
                        body: "Results as they come.".into(),
                        method: Method::Majority.code().into(),
                        threshold_percent: 50,
                        results_live: live,
                        ..Default::default()
                    };
                    let p = proposals::create(&db, &hein, &f).await.unwrap();
                    proposals::open_voting(
                        &db,
                        &hein,
                        p.id,
                        chrono::Utc::now() + chrono::Duration::days(1),
                    )
                    .await
                    .unwrap()
                }
            };
            let (live_p, hidden_p) = (make(true).await, make(false).await);
            let cookie = format!(
                "qc_session={}",
                sessions::create(&db, sam.id).await.unwrap()
            );

            // Nobody signed in, and a vote whose results wait for the close: refused.
            let mut seen = String::new();
            let mut tcp = request_stream(addr, &format!("/live/proposals/{}", live_p.id), "").await;
            read_until(&mut tcp, &mut seen, "\r\n\r\n").await;
            assert!(seen.starts_with("HTTP/1.1 403"), "{seen}");
            let mut seen = String::new();
            let mut tcp =
                request_stream(addr, &format!("/live/proposals/{}", hidden_p.id), &cookie).await;
            read_until(&mut tcp, &mut seen, "\r\n\r\n").await;
            assert!(seen.starts_with("HTTP/1.1 403"), "{seen}");

            // A member's screen gets the tally, then each ballot as it is cast elsewhere.
            let mut seen = String::new();
            let mut tcp =
                request_stream(addr, &format!("/live/proposals/{}", live_p.id), &cookie).await;
            assert!(read_until(&mut tcp, &mut seen, "For 0 · Against 0").await);
            assert!(seen.starts_with("HTTP/1.1 200"), "{seen}");
            proposals::vote(&db, &sam, live_p.id, &Ballot::Majority(Choice::For), "k1")
                .await
                .unwrap();
            live_a.proposal_changed(&db, live_p.id).await;
            assert!(read_until(&mut tcp, &mut seen, "For 1 · Against 0").await);
            assert!(!seen.contains("Sam"), "no name travels: {seen}");
            proposals::vote(
                &db,
                &hein,
                live_p.id,
                &Ballot::Majority(Choice::Against),
                "k2",
            )
            .await
            .unwrap();
            live_a.proposal_changed(&db, live_p.id).await;
            assert!(read_until(&mut tcp, &mut seen, "For 1 · Against 1").await);

            // It closes: the screen is told, and the stream ends.
            proposals::close_due(&db, chrono::Utc::now() + chrono::Duration::days(2))
                .await
                .unwrap();
            live_a.proposal_changed(&db, live_p.id).await;
            assert!(read_until(&mut tcp, &mut seen, "\"closed\":true").await);
            // The stream ends: the last chunk of the response.
            assert!(
                read_until(&mut tcp, &mut seen, "\r\n0\r\n\r\n").await,
                "the stream ends"
            );
        })
        .await;
    }

    /// A TCP relay between an app server and PostgreSQL that can cut every connection and
    /// refuse new ones, as a restart of the database does to the app servers using it.
    struct Relay {
        addr: std::net::SocketAddr,
        upstream: (String, u16),
        /// The accepting task and every relayed connection: aborted when cut.
        tasks: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    }

    impl Relay {
        async fn to(upstream: (String, u16)) -> Relay {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let relay = Relay {
                addr: listener.local_addr().unwrap(),
                upstream,
                tasks: Default::default(),
            };
            relay.accept(listener);
            relay
        }

        fn accept(&self, listener: tokio::net::TcpListener) {
            let (tasks, upstream) = (self.tasks.clone(), self.upstream.clone());
            let accepting = tokio::spawn(async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    let upstream = upstream.clone();
                    tasks.lock().unwrap().push(tokio::spawn(async move {
                        if let Ok(mut out) = tokio::net::TcpStream::connect(upstream).await {
                            let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
                        }
                    }));
                }
            });
            self.tasks.lock().unwrap().push(accepting);
        }

        /// Every connection dropped and new ones refused (the port is closed).
        fn cut(&self) {
            for task in self.tasks.lock().unwrap().drain(..) {
                task.abort();
            }
        }

        /// Accepting again, on the same port.
        async fn restore(&self) {
            let listener = loop {
                match tokio::net::TcpListener::bind(self.addr).await {
                    Ok(l) => break l,
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            };
            self.accept(listener);
        }
    }

    /// PostgreSQL goes away under an app server mid-workshop and comes back. Meanwhile that
    /// server answers at once that the database is unavailable (a 503 to retry, not a hang
    /// or a 404), ends its screens' streams so they reconnect, and is healthy again as soon
    /// as the database is; its screens then get every change made elsewhere during the
    /// outage, and it hears each change after it, as it did before.
    #[tokio::test]
    async fn an_app_server_survives_its_database_going_away() {
        for_each_database(|db| async move {
            if db.get_database_backend() != sea_orm::DbBackend::Postgres {
                return; // one embedded database: nothing between them to lose
            }
            demo::seed_if_empty(&db).await.unwrap();
            let live_a = Live::start(&db).await.unwrap();
            // Server B reaches the database through the relay, with the pool settings the
            // app uses.
            let direct = db.get_postgres_connection_pool().connect_options();
            let relay = Relay::to((direct.get_host().to_owned(), direct.get_port())).await;
            let (db_b, live_b) =
                crate::server::testing::second_server_through(&db, ("127.0.0.1", relay.addr.port()))
                    .await;
            let state_b = AppState {
                db: db_b.clone(),
                config: Arc::new(Config::default()),
                mailer: Mailer::outbox_only(),
                live: live_b,
            };
            let (w, ana) = started_with_ana_and_ben(&db, &live_a, "Through a restart").await;
            let addr = serve(state_b).await;
            let path = format!("/live/workshops/{}", w.id);
            let cookie = format!("{}=device-ben", auth::DEVICE_COOKIE);
            let open = async || {
                let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
                let request = format!(
                    "GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
                );
                tcp.write_all(request.as_bytes()).await.unwrap();
                tcp
            };
            // Ben's screen is live through server B.
            let mut screen = open().await;
            let mut seen = String::new();
            assert!(read_until(&mut screen, &mut seen, "event: board").await);
            assert!(seen.starts_with("HTTP/1.1 200"), "{seen}");

            relay.cut();
            // Server B says at once that the database is unavailable: a 503, not a hang.
            let asked = std::time::Instant::now();
            let err = workshops::by_id(&db_b, w.id).await.unwrap_err();
            assert_eq!(err, AppError::Unavailable);
            assert!(
                asked.elapsed() < crate::server::db::DATABASE_WAIT + Duration::from_secs(5),
                "answered after {:?}",
                asked.elapsed()
            );
            assert_eq!(
                crate::server::health::database_answers(&db_b).await,
                Err(AppError::Unavailable)
            );
            let mut refused = open().await;
            let mut answer = String::new();
            read_until(&mut refused, &mut answer, "\r\n\r\n").await;
            assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
            // Ben's stream ends, so his screen reconnects for a fresh board.
            assert!(
                read_until(&mut screen, &mut seen, "\r\n0\r\n\r\n").await,
                "the stream ends: {seen}"
            );
            // Meanwhile Ana posts through server A, which still reaches the database.
            workshops::post_note(&db, &live_a, w.id, &ana, "Said during the outage", "k1")
                .await
                .unwrap();

            relay.restore().await;
            let back = std::time::Instant::now();
            while crate::server::health::database_answers(&db_b).await.is_err() {
                assert!(
                    back.elapsed() < Duration::from_secs(15),
                    "server B never reached the database again"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            // Ben reconnects: his board holds what was said while server B was cut off,
            // and the next change made elsewhere reaches him (server B listens again).
            let mut seen = String::new();
            let mut screen = open().await;
            assert!(read_until(&mut screen, &mut seen, "event: board").await);
            assert!(read_until(&mut screen, &mut seen, "Said during the outage").await);
            let mut told = false;
            for attempt in 0..50 {
                // Server B's listener may still be connecting: post until it hears.
                let body = format!("After the outage {attempt}");
                workshops::post_note(&db, &live_a, w.id, &ana, &body, &format!("k2-{attempt}"))
                    .await
                    .unwrap();
                let mut buf = [0u8; 8192];
                if let Ok(Ok(n)) =
                    tokio::time::timeout(Duration::from_millis(200), screen.read(&mut buf)).await
                {
                    seen.push_str(&String::from_utf8_lossy(&buf[..n]));
                }
                if seen.contains("After the outage") {
                    told = true;
                    break;
                }
            }
            assert!(told, "server B hears changes again: {seen}");
        })
        .await;
    }
}
