//! How each accepted connection is served. A request for a live stream (`GET /live/…`:
//! a workshop's or a proposal's server-sent events) takes a lean path of our own: its head
//! is parsed with httparse, the app's router answers it like any request (every layer
//! applies: sessions, security headers, refusals), and the events go straight to the
//! socket, chunked, until the stream ends or the screen goes away; then the connection
//! closes. Everything else is served by hyper, handed the bytes already read.
//!
//! Why: at a national event thousands of screens hold a stream open, idle most of the
//! time. hyper keeps a read and a write buffer of 8 KiB for a connection's whole life (it
//! has no setting for their size), and axum's `serve` wraps more around each: 30 KiB of
//! heap per idle stream, measured with a stream that sends one event and waits. This path
//! keeps only the socket, the stream and a few words: 3.3 KiB.
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use bytes::{Buf, Bytes};
use http::{HeaderMap, Request, Response, header};
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tower::ServiceExt;

/// What a request for a live stream starts with.
const LIVE: &[u8] = b"GET /live/";
/// The longest head a live stream's request may have; a longer one goes to hyper, which
/// refuses it as it refuses any such head.
const MOST_HEAD: usize = 8 * 1024;
/// How long a live stream's request may take to arrive whole once it has begun.
const HEAD_TIME: Duration = Duration::from_secs(30);
/// The most header lines a live stream's request may have (browsers send about a dozen).
const MOST_HEADERS: usize = 48;

/// Serve one accepted connection until it closes. `stopping` turns true when the server is
/// asked to stop: hyper then finishes the request under way and closes; a live stream ends
/// when the app ends its streams.
pub async fn serve_connection(
    mut tcp: TcpStream,
    peer: SocketAddr,
    app: Router,
    mut stopping: watch::Receiver<bool>,
) {
    let mut head = Vec::with_capacity(512);
    // A connection that has not yet asked for anything is closed when the server stops,
    // as hyper closes one kept alive between requests.
    let read = tokio::select! {
        read = read_head(&mut tcp, &mut head, peer) => read,
        _ = stopping.wait_for(|stop| *stop) => return,
    };
    let live = match read {
        Ok(Some(request)) => request,
        Ok(None) => {
            let io = Rewind {
                read: Bytes::from(head),
                tcp,
            };
            return Box::pin(with_hyper(io, peer, app, stopping)).await;
        }
        Err(_) => return,
    };
    drop(head);
    let response = app.oneshot(live).await.unwrap_or_else(|e| match e {});
    if let Err(e) = answer(&mut tcp, response).await {
        tracing::debug!(%peer, "live stream ended: {e}");
    }
}

/// Read until the connection's first request is known to be for a live stream (and is
/// whole: it is returned, ready for the router), or known not to be (`None`: hyper serves
/// it, starting from the bytes read so far). An error, or a connection closed before it
/// said anything, ends the connection.
async fn read_head(
    tcp: &mut TcpStream,
    head: &mut Vec<u8>,
    peer: SocketAddr,
) -> io::Result<Option<Request<Body>>> {
    // Until a byte differs from a live stream's request, wait as hyper would; once it is
    // one, its head must arrive in time.
    let mut deadline = None;
    loop {
        let read = match deadline {
            None => tcp.read_buf(head).await?,
            Some(at) => tokio::time::timeout_at(at, tcp.read_buf(head))
                .await
                .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "slow request head"))??,
        };
        if read == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let seen = head.len().min(LIVE.len());
        if head[..seen] != LIVE[..seen] {
            return Ok(None);
        }
        if head.len() < LIVE.len() {
            continue;
        }
        deadline.get_or_insert_with(|| tokio::time::Instant::now() + HEAD_TIME);
        match live_request(head, peer) {
            Parsed::Whole(request) => return Ok(Some(request)),
            Parsed::Partial if head.len() < MOST_HEAD => {}
            Parsed::Partial | Parsed::NotLean => return Ok(None),
        }
    }
}

/// A live stream's request, read so far.
#[derive(Debug)]
enum Parsed {
    Whole(Request<Body>),
    Partial,
    /// Something this path does not take (a body, an upgrade, HTTP/1.0, a request
    /// pipelined behind it, a malformed head): hyper serves it, or refuses it.
    NotLean,
}

/// Parse `head` as a `GET` for a live stream: HTTP/1.1, no body, nothing after it.
fn live_request(head: &[u8], peer: SocketAddr) -> Parsed {
    let mut headers = [httparse::EMPTY_HEADER; MOST_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    let length = match parsed.parse(head) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) => return Parsed::Partial,
        Err(_) => return Parsed::NotLean,
    };
    if length != head.len() || parsed.method != Some("GET") || parsed.version != Some(1) {
        return Parsed::NotLean;
    }
    let mut request = Request::builder()
        .method(http::Method::GET)
        .version(http::Version::HTTP_11)
        .uri(parsed.path.unwrap_or_default());
    for h in parsed.headers.iter() {
        let body_or_protocol = [
            header::CONTENT_LENGTH,
            header::TRANSFER_ENCODING,
            header::UPGRADE,
            header::EXPECT,
        ];
        if body_or_protocol
            .iter()
            .any(|name| h.name.eq_ignore_ascii_case(name.as_str()))
        {
            return Parsed::NotLean;
        }
        request = request.header(h.name, h.value);
    }
    match request.extension(ConnectInfo(peer)).body(Body::empty()) {
        Ok(request) => Parsed::Whole(request),
        Err(_) => Parsed::NotLean,
    }
}

/// Send the router's answer to a live stream's request: its head, then its body as it
/// comes (chunked, unless its length is known), then close. Stops early, without error,
/// when the screen closes the connection or sends anything more (it was told the
/// connection closes after this answer).
///
/// A screen that fell behind (its task woken late on a busy server) has several events
/// waiting: they go in one write, as one chunk, rather than a write each — at a national
/// event every write to a screen is a system call and a wake-up on the other end.
async fn answer(tcp: &mut TcpStream, response: Response<Body>) -> io::Result<()> {
    use axum::body::HttpBody as _;
    let (parts, mut body) = response.into_parts();
    let length = body.size_hint().exact();
    tcp.write_all(&response_head(parts.status, &parts.headers, length))
        .await?;
    loop {
        let frame = tokio::select! {
            frame = body.frame() => frame,
            ready = tcp.readable() => {
                ready?;
                match tcp.try_read(&mut [0u8; 64]) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    // Gone (or talking out of turn): the stream ends here.
                    Ok(_) => return Ok(()),
                    Err(e) => return Err(e),
                }
            }
        };
        let (data, ended) = match frame {
            None => (Bytes::new(), true),
            Some(frame) => waiting_too(data_of(frame)?, &mut body)?,
        };
        if !data.is_empty() {
            if length.is_some() {
                tcp.write_all(&data).await?;
            } else {
                let size = Bytes::from(format!("{:x}\r\n", data.len()));
                tcp.write_all_buf(&mut size.chain(data).chain(&b"\r\n"[..]))
                    .await?;
            }
        }
        if ended {
            break;
        }
    }
    if length.is_none() {
        tcp.write_all(b"0\r\n\r\n").await?;
    }
    tcp.shutdown().await
}

/// The most bytes of waiting events put into one write.
const MOST_AT_ONCE: usize = 64 * 1024;

/// `first`, and the events already waiting behind it (up to [`MOST_AT_ONCE`]), joined; and
/// whether the body ended among them.
fn waiting_too(first: Bytes, body: &mut Body) -> io::Result<(Bytes, bool)> {
    use axum::body::HttpBody as _;
    let mut cx = Context::from_waker(std::task::Waker::noop());
    let mut joined: Option<Vec<u8>> = None;
    let mut size = first.len();
    let mut ended = false;
    while size < MOST_AT_ONCE {
        let data = match Pin::new(&mut *body).poll_frame(&mut cx) {
            Poll::Pending => break,
            Poll::Ready(None) => {
                ended = true;
                break;
            }
            Poll::Ready(Some(frame)) => data_of(frame)?,
        };
        size += data.len();
        joined
            .get_or_insert_with(|| {
                let mut all = Vec::with_capacity(size.max(1024));
                all.extend_from_slice(&first);
                all
            })
            .extend_from_slice(&data);
    }
    Ok((joined.map_or(first, Bytes::from), ended))
}

/// A body frame's data (none for trailers); its error as an IO error.
fn data_of(frame: Result<hyper::body::Frame<Bytes>, axum::Error>) -> io::Result<Bytes> {
    frame
        .map(|frame| frame.into_data().unwrap_or_default())
        .map_err(io::Error::other)
}

/// The status line and headers of an answer on the lean path, as hyper would write them,
/// saying the connection closes after it.
fn response_head(status: http::StatusCode, headers: &HeaderMap, length: Option<u64>) -> Vec<u8> {
    let mut head = Vec::with_capacity(512);
    let line = |head: &mut Vec<u8>, name: &[u8], value: &[u8]| {
        head.extend_from_slice(name);
        head.extend_from_slice(b": ");
        head.extend_from_slice(value);
        head.extend_from_slice(b"\r\n");
    };
    head.extend_from_slice(b"HTTP/1.1 ");
    head.extend_from_slice(status.as_str().as_bytes());
    head.push(b' ');
    head.extend_from_slice(status.canonical_reason().unwrap_or("").as_bytes());
    head.extend_from_slice(b"\r\n");
    let framing = [
        header::CONNECTION,
        header::CONTENT_LENGTH,
        header::TRANSFER_ENCODING,
        header::DATE,
        http::HeaderName::from_static("keep-alive"),
    ];
    for (name, value) in headers {
        if !framing.contains(name) {
            line(&mut head, name.as_str().as_bytes(), value.as_bytes());
        }
    }
    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
    line(&mut head, b"date", date.as_bytes());
    line(&mut head, b"connection", b"close");
    match length {
        Some(n) => line(&mut head, b"content-length", n.to_string().as_bytes()),
        None => line(&mut head, b"transfer-encoding", b"chunked"),
    }
    head.extend_from_slice(b"\r\n");
    head
}

/// Serve the connection with hyper (HTTP/1.1, keep-alive, upgrades), as axum's `serve`
/// does, and finish gracefully once `stopping` turns true.
async fn with_hyper(
    io: Rewind,
    peer: SocketAddr,
    app: Router,
    mut stopping: watch::Receiver<bool>,
) {
    let service = app.map_request(move |request: Request<hyper::body::Incoming>| {
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    });
    let service = hyper_util::service::TowerToHyperService::new(service);
    let connection = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    let mut connection = std::pin::pin!(connection);
    let mut asked = false;
    loop {
        tokio::select! {
            served = connection.as_mut() => {
                if let Err(e) = served {
                    tracing::trace!(%peer, "connection ended: {e}");
                }
                return;
            }
            _ = stopping.wait_for(|stop| *stop), if !asked => {
                asked = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

/// A connection that first gives back the bytes already read from it.
struct Rewind {
    read: Bytes,
    tcp: TcpStream,
}

impl AsyncRead for Rewind {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.read.has_remaining() {
            let n = self.read.len().min(buf.remaining());
            buf.put_slice(&self.read.split_to(n));
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for Rewind {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> SocketAddr {
        "127.0.0.1:5000".parse().unwrap()
    }

    #[test]
    fn only_a_plain_get_for_a_live_stream_takes_the_lean_path() {
        let whole = b"GET /live/workshops/7 HTTP/1.1\r\nHost: q\r\nCookie: qc_device=abc\r\nAccept: text/event-stream\r\n\r\n";
        let Parsed::Whole(request) = live_request(whole, peer()) else {
            panic!("a browser's EventSource request is taken");
        };
        assert_eq!(request.uri(), "/live/workshops/7");
        assert_eq!(request.headers()["cookie"], "qc_device=abc");
        assert_eq!(
            request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .unwrap()
                .0,
            peer(),
            "rate limits still see who is asking"
        );
        assert!(matches!(
            live_request(&whole[..whole.len() - 2], peer()),
            Parsed::Partial
        ));
        let not_lean: [&[u8]; 6] = [
            b"GET /live/workshops/7 HTTP/1.0\r\nHost: q\r\n\r\n",
            b"GET /live/workshops/7 HTTP/1.1\r\nHost: q\r\nContent-Length: 3\r\n\r\nabc",
            b"GET /live/workshops/7 HTTP/1.1\r\nHost: q\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"GET /live/workshops/7 HTTP/1.1\r\nHost: q\r\nUpgrade: websocket\r\n\r\n",
            b"GET /live/workshops/7 HTTP/1.1\r\nHost: q\r\n\r\nGET / HTTP/1.1\r\n\r\n",
            b"GET /live/workshops/7 HTTP/1.1\r\nHost q\r\n\r\n",
        ];
        for head in not_lean {
            assert!(
                matches!(live_request(head, peer()), Parsed::NotLean),
                "{}",
                String::from_utf8_lossy(head)
            );
        }
    }

    #[test]
    fn the_head_written_says_how_the_body_ends_and_that_the_connection_closes() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, "text/event-stream".parse().unwrap());
        headers.append(header::SET_COOKIE, "a=1".parse().unwrap());
        headers.append(header::SET_COOKIE, "b=2".parse().unwrap());
        headers.insert(header::CONNECTION, "keep-alive".parse().unwrap());
        let head = String::from_utf8(response_head(http::StatusCode::OK, &headers, None)).unwrap();
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(head.ends_with("\r\n\r\n"), "{head}");
        for line in [
            "content-type: text/event-stream\r\n",
            "set-cookie: a=1\r\n",
            "set-cookie: b=2\r\n",
            "connection: close\r\n",
            "transfer-encoding: chunked\r\n",
            "date: ",
        ] {
            assert!(head.contains(line), "{line:?} in {head}");
        }
        assert!(!head.contains("keep-alive"), "{head}");
        let head = String::from_utf8(response_head(
            http::StatusCode::SERVICE_UNAVAILABLE,
            &HeaderMap::new(),
            Some(0),
        ))
        .unwrap();
        assert!(
            head.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
            "{head}"
        );
        assert!(head.contains("content-length: 0\r\n"), "{head}");
        assert!(!head.contains("chunked"), "{head}");
    }
}
