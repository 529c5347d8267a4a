//! Connections as `server::serve` serves them over real TCP: a live stream on its lean
//! path (`server::connections`), everything else through hyper.
mod common;

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};

/// Serve `app` on a port of its own until the test ends.
async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server::serve(
        listener,
        app,
        std::future::pending(),
        || {},
        Duration::from_secs(1),
    ));
    addr
}

/// Read until `wanted` has arrived (or the connection ends, or 10 seconds pass).
async fn read_until(tcp: &mut TcpStream, seen: &mut String, wanted: &str) -> bool {
    let mut buf = [0u8; 4096];
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

/// Sends `()` when dropped: the stream it sits in has been let go.
struct Dropped(Option<oneshot::Sender<()>>);

impl Drop for Dropped {
    fn drop(&mut self) {
        let _ = self.0.take().map(|told| told.send(()));
    }
}

/// A router whose `/live/stream` sends what the test pushes into `events` (and tells
/// `dropped` when the server lets it go); `/live/peer` and `/page` answer who asked.
fn stub(events: mpsc::Receiver<&'static str>, dropped: oneshot::Sender<()>) -> axum::Router {
    let events = std::sync::Arc::new(std::sync::Mutex::new(Some((
        events,
        Dropped(Some(dropped)),
    ))));
    let stream = move || {
        let (events, guard) = events.lock().unwrap().take().expect("one stream");
        let body = futures::stream::unfold((events, guard), |(mut events, guard)| async move {
            let event = events.recv().await?;
            Some((
                Ok::<_, std::convert::Infallible>(Bytes::from(event)),
                (events, guard),
            ))
        });
        async move {
            axum::response::Response::builder()
                .header("content-type", "text/event-stream")
                .body(Body::from_stream(body))
                .unwrap()
        }
    };
    let peer = |ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.ip().to_string() };
    axum::Router::new()
        .route("/live/stream", axum::routing::get(stream))
        .route("/live/peer", axum::routing::get(peer))
        .route(
            "/page",
            axum::routing::get(peer).post(|body: String| async move { body }),
        )
        // Every layer applies on the lean path too.
        .layer(axum::middleware::map_response(
            |mut res: axum::response::Response| async move {
                res.headers_mut()
                    .insert("x-layer", http::HeaderValue::from_static("applied"));
                res
            },
        ))
}

/// [`stub`] served on a port of its own: its address, where to push the stream's events,
/// and what hears that the stream was let go.
async fn serve_stub() -> (
    SocketAddr,
    mpsc::Sender<&'static str>,
    oneshot::Receiver<()>,
) {
    let (events, rx) = mpsc::channel(4);
    let (dropped, let_go) = oneshot::channel();
    (serve(stub(rx, dropped)).await, events, let_go)
}

#[tokio::test]
async fn a_live_stream_is_sent_as_it_comes_and_let_go_when_the_screen_goes_away() {
    let (addr, events, let_go) = serve_stub().await;
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    // The request arrives in pieces, the first shorter than what marks a live stream.
    tcp.write_all(b"GE").await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    tcp.write_all(b"T /live/stream HTTP/1.1\r\nHost: q\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    tcp.write_all(b"Accept: text/event-stream\r\n\r\n")
        .await
        .unwrap();
    let mut seen = String::new();
    assert!(read_until(&mut tcp, &mut seen, "\r\n\r\n").await);
    let head = seen.to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200 ok\r\n"), "{seen}");
    for line in [
        "content-type: text/event-stream\r\n",
        "x-layer: applied\r\n",
        "transfer-encoding: chunked\r\n",
        "connection: close\r\n",
        "date: ",
    ] {
        assert!(head.contains(line), "{line:?} in {seen}");
    }
    // Each event is sent as it comes, as one chunk.
    events.send("event: board\ndata: {}\n\n").await.unwrap();
    assert!(read_until(&mut tcp, &mut seen, "17\r\nevent: board\ndata: {}\n\n\r\n").await);
    events.send(":\n\n").await.unwrap();
    assert!(read_until(&mut tcp, &mut seen, "3\r\n:\n\n\r\n").await);
    // The screen goes away: its stream is let go at once, not at the next event.
    drop(tcp);
    tokio::time::timeout(Duration::from_secs(5), let_go)
        .await
        .expect("the stream was let go")
        .unwrap();
}

/// Events already waiting when the stream is polled (a screen that fell behind) go in one
/// write, as one chunk, in their order.
#[tokio::test]
async fn events_waiting_together_are_sent_together() {
    let (addr, events, _let_go) = serve_stub().await;
    for event in ["data: 1\n\n", "data: 2\n\n", "data: 3\n\n"] {
        events.send(event).await.unwrap();
    }
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"GET /live/stream HTTP/1.1\r\nHost: q\r\n\r\n")
        .await
        .unwrap();
    let mut seen = String::new();
    assert!(read_until(&mut tcp, &mut seen, "data: 3\n\n\r\n").await);
    assert!(
        seen.ends_with("\r\n\r\n1b\r\ndata: 1\n\ndata: 2\n\ndata: 3\n\n\r\n"),
        "{seen:?}"
    );
}

#[tokio::test]
async fn a_live_stream_that_ends_is_finished_and_its_connection_closed() {
    let (addr, events, _let_go) = serve_stub().await;
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"GET /live/stream HTTP/1.1\r\nHost: q\r\n\r\n")
        .await
        .unwrap();
    events.send("data: last\n\n").await.unwrap();
    let mut seen = String::new();
    assert!(read_until(&mut tcp, &mut seen, "data: last").await);
    drop(events);
    // The last chunk, then the end of the connection.
    assert!(
        read_until(&mut tcp, &mut seen, "\r\n0\r\n\r\n").await,
        "{seen}"
    );
    let mut rest = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), tcp.read_to_end(&mut rest))
        .await
        .expect("the connection closed")
        .unwrap();
    assert!(rest.is_empty(), "{rest:?}");
}

#[tokio::test]
async fn everything_else_is_served_by_hyper_from_the_bytes_already_read() {
    let (addr, _events, _let_go) = serve_stub().await;
    // Two requests on one kept-alive connection, each answered whole.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let mut seen = String::new();
    for _ in 0..2 {
        seen.clear();
        tcp.write_all(b"GET /page HTTP/1.1\r\nHost: q\r\n\r\n")
            .await
            .unwrap();
        assert!(read_until(&mut tcp, &mut seen, "127.0.0.1").await, "{seen}");
        let head = seen.to_ascii_lowercase();
        assert!(head.starts_with("http/1.1 200 ok\r\n"), "{seen}");
        assert!(head.contains("x-layer: applied"), "{seen}");
        assert!(!head.contains("connection: close"), "kept alive: {seen}");
    }
    // A request under /live/ with a body is not a live stream's: hyper reads its body.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"POST /page HTTP/1.1\r\nHost: q\r\nContent-Length: 5\r\n\r\nhello")
        .await
        .unwrap();
    let mut seen = String::new();
    assert!(read_until(&mut tcp, &mut seen, "hello").await, "{seen}");
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"GET /live/peer HTTP/1.1\r\nHost: q\r\nContent-Length: 0\r\n\r\n")
        .await
        .unwrap();
    let mut seen = String::new();
    assert!(read_until(&mut tcp, &mut seen, "127.0.0.1").await, "{seen}");
    assert!(
        !seen.to_ascii_lowercase().contains("connection: close"),
        "{seen}"
    );
    // The lean path's answers of known length say so, and carry who asked too.
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"GET /live/peer HTTP/1.1\r\nHost: q\r\n\r\n")
        .await
        .unwrap();
    let mut seen = String::new();
    tcp.read_to_string(&mut seen).await.unwrap();
    let head = seen.to_ascii_lowercase();
    assert!(head.contains("content-length: 9\r\n"), "{seen}");
    assert!(head.contains("connection: close\r\n"), "{seen}");
    assert!(seen.ends_with("\r\n\r\n127.0.0.1"), "{seen}");
}

/// The real app's refusal of a stream it may not open comes back on the lean path with
/// every header the app sets on any answer.
#[tokio::test]
async fn the_apps_own_refusal_of_a_stream_keeps_its_headers() {
    let addr = serve(common::app("http://127.0.0.1:3000").await).await;
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.write_all(
        b"GET /live/workshops/999 HTTP/1.1\r\nHost: q\r\nAccept: text/event-stream\r\n\r\n",
    )
    .await
    .unwrap();
    let mut seen = String::new();
    tcp.read_to_string(&mut seen).await.unwrap();
    let head = seen.to_ascii_lowercase();
    assert!(
        head.starts_with("http/1.1 403") || head.starts_with("http/1.1 404"),
        "{seen}"
    );
    assert!(head.contains("x-content-type-options: nosniff"), "{seen}");
    assert!(head.contains("connection: close"), "{seen}");
}
