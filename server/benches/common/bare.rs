//! The machine's limit for pushing changes to many screens: a bare axum server with the
//! same routes the live load uses, that stores nothing, checks nothing and encodes each
//! change once — a note or a dot total as the same JSON delta Q Commons sends, framed as a
//! server-sent event and handed to every screen as shared bytes. The load drives it exactly
//! as it drives Q Commons, so the two are compared at the same rate, size and transport.
use app::domain::workshop::board::{Change, Delta, Dots, Note};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Form, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures::StreamExt;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// As the live bus's: how far a screen may fall behind.
const BUFFER: usize = 4096;

struct Bare {
    tx: broadcast::Sender<Bytes>,
    /// The last change's number and every note so far (a board is all of them), taken
    /// together so changes go out in order.
    state: Mutex<(i64, Vec<Note>)>,
}

fn frame(event: &str, json: &str) -> Bytes {
    Bytes::from(format!("event: {event}\ndata: {json}\n\n"))
}

impl Bare {
    fn board(notes: &[Note]) -> Bytes {
        frame("board", &serde_json::to_string(notes).expect("json"))
    }

    fn tell(&self, change: impl FnOnce(i64, &mut Vec<Note>) -> Change) -> i64 {
        let mut state = self.state.lock().unwrap();
        state.0 += 1;
        let seq = state.0;
        let change = change(seq, &mut state.1);
        let json = serde_json::to_string(&Delta { seq, change }).expect("json");
        let _ = self.tx.send(frame("delta", &json));
        seq
    }
}

async fn stream(State(bare): State<Arc<Bare>>) -> Response {
    let rx = bare.tx.subscribe();
    let first = Bare::board(&bare.state.lock().unwrap().1);
    // A screen that falls too far behind skips what it missed (counted as lost).
    let changes = futures::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(bytes) => return Some((Ok::<_, Infallible>(bytes), rx)),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let events = futures::stream::once(async move { Ok::<_, Infallible>(first) }).chain(changes);
    (
        [(header::CONTENT_TYPE, "text/event-stream")],
        Body::from_stream(events),
    )
        .into_response()
}

async fn post_note(
    State(bare): State<Arc<Bare>>,
    Form(form): Form<HashMap<String, String>>,
) -> String {
    let body = form.get("body").cloned().unwrap_or_default();
    let mut id = 0;
    bare.tell(|seq, notes| {
        id = seq;
        let note = Note {
            id,
            activity_id: 1,
            mine: false,
            author: None,
            body,
            theme_id: None,
        };
        notes.push(note.clone());
        Change::NoteSaved(note)
    });
    id.to_string()
}

async fn set_dots(
    State(bare): State<Arc<Bare>>,
    Form(form): Form<HashMap<String, String>>,
) -> &'static str {
    let number = |k: &str| form.get(k).and_then(|v| v.parse().ok()).unwrap_or(0);
    let (item, total) = (number("item"), number("dots") as u32);
    bare.tell(|_, _| {
        Change::DotsChanged(Dots {
            activity_id: 2,
            item,
            total,
        })
    });
    "null"
}

async fn advance(State(bare): State<Arc<Bare>>) -> &'static str {
    let state = bare.state.lock().unwrap();
    let _ = bare.tx.send(Bare::board(&state.1));
    "null"
}

/// Serve the bare broadcaster on a free port: its base URL.
pub async fn serve() -> String {
    let bare = Arc::new(Bare {
        tx: broadcast::channel(BUFFER).0,
        state: Mutex::new((0, Vec::new())),
    });
    let router = Router::new()
        .route("/live/workshops/{id}", get(stream))
        .route("/api/post_note", post(post_note))
        .route("/api/set_dots", post(set_dots))
        .route("/api/control_workshop", post(advance))
        .with_state(bare);
    super::spawn(router).await
}
