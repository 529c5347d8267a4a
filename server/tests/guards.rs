//! The guards every request passes, on the real router: the body limit with a message, the
//! security headers (a page's policy naming its own nonce), the time limit, demo mode kept
//! off reachable addresses, and a shutdown that does not hang on an open request.
use axum::body::Body;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use std::time::Duration;
use tower::ServiceExt;

mod common;
use common::app;

async fn text(res: http::Response<Body>) -> String {
    String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes()).into_owned()
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_a_message_a_person_can_act_on() {
    let body = format!(
        "name={}&email=a%40example.org&password=x",
        "x".repeat(100 * 1024)
    );
    let res = app("http://127.0.0.1:3000")
        .await
        .oneshot(
            Request::post("/api/register")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::CONTENT_LENGTH, body.len())
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(text(res).await.contains("too much to send at once"));
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_a_page_names_its_nonce() {
    let res = app("http://127.0.0.1:3000")
        .await
        .oneshot(Request::get("/join").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers().clone();
    let csp = h[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"));
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(h[header::REFERRER_POLICY], "same-origin");
    assert_eq!(
        h[header::CACHE_CONTROL],
        "private, no-cache",
        "a page may show a person's own data: no shared cache keeps it"
    );
    assert!(
        !h.contains_key(header::STRICT_TRANSPORT_SECURITY),
        "plain HTTP: no HSTS"
    );
    let html = text(res).await;
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("the page's policy names a nonce");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries it"
    );
    // Every response has its own nonce; over HTTPS, HSTS too.
    let res = app("https://q.example.org")
        .await
        .oneshot(
            Request::get("/manifest.webmanifest")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(
        res.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    assert!(
        res.headers()
            .contains_key(header::STRICT_TRANSPORT_SECURITY)
    );
}

#[tokio::test]
async fn a_request_that_takes_too_long_is_answered_503() {
    let slow = axum::Router::new()
        .route(
            "/slow",
            axum::routing::get(|| async {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                "never"
            }),
        )
        .layer(server::time_limit(Duration::from_millis(200)));
    let res = slow
        .oneshot(Request::get("/slow").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[test]
fn demo_mode_stays_on_loopback_unless_said_to_be_public() {
    let public: std::net::SocketAddr = "0.0.0.0:3000".parse().unwrap();
    let local: std::net::SocketAddr = "127.0.0.1:3000".parse().unwrap();
    assert!(server::check_demo(true, public, false).is_err());
    assert!(server::check_demo(true, public, true).is_ok());
    assert!(server::check_demo(true, local, false).is_ok());
    assert!(server::check_demo(false, public, false).is_ok());
}

#[tokio::test]
async fn stopping_does_not_hang_on_a_request_that_never_ends() {
    let stuck = axum::Router::new().route(
        "/stuck",
        axum::routing::get(std::future::pending::<&'static str>),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (told, on_stop) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve(
        listener,
        stuck,
        async {
            let _ = stopped.await;
        },
        move || {
            let _ = told.send(());
        },
        Duration::from_millis(300),
    ));
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    use tokio::io::AsyncWriteExt;
    tcp.write_all(b"GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let asked = std::time::Instant::now();
    stop.send(()).unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(5), server).await;
    assert!(ended.is_ok(), "the server hung on the open request");
    assert!(
        asked.elapsed() >= Duration::from_millis(300),
        "it gave the request its drain time"
    );
    assert!(on_stop.await.is_ok(), "the app was told to end its streams");
}

/// A connection that never asked for anything (a browser's preconnected socket) does not
/// hold up stopping: the server is done at once, not after its drain time.
#[tokio::test]
async fn stopping_closes_connections_that_asked_for_nothing_at_once() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve(
        listener,
        axum::Router::new(),
        async {
            let _ = stopped.await;
        },
        || {},
        Duration::from_secs(30),
    ));
    let mut silent = tokio::net::TcpStream::connect(addr).await.unwrap();
    // And one that began a live stream's request but never finished it.
    let mut halfway = tokio::net::TcpStream::connect(addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    halfway
        .write_all(b"GET /live/workshops/1 HTTP/1.1\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(5), server).await;
    assert!(
        ended.is_ok(),
        "stopping waited for connections that asked for nothing"
    );
    for tcp in [&mut silent, &mut halfway] {
        let mut buf = [0u8; 16];
        let read = tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut buf)).await;
        assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "closed: {read:?}");
    }
}

/// The member import takes a file far larger than any form (its own limit), still behind
/// the cross-site refusal, and still only for someone signed in.
#[tokio::test]
async fn the_member_upload_takes_a_large_file_but_not_from_another_site() {
    let upload = |site: &'static str| {
        let file =
            "name,email,home region\n".to_owned() + &"Ada,ada@example.org,x\n".repeat(40_000);
        let body = format!(
            "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--b--\r\n"
        );
        Request::post("/admin/import/upload")
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=b")
            .header(header::CONTENT_LENGTH, body.len())
            .header("sec-fetch-site", site)
            .body(Body::from(body))
            .unwrap()
    };
    let res = app("http://127.0.0.1:3000")
        .await
        .oneshot(upload("same-origin"))
        .await
        .unwrap();
    // Over 64 KiB, accepted by the limit; nobody signed in, so sent to sign in.
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/sign-in");
    let res = app("http://127.0.0.1:3000")
        .await
        .oneshot(upload("cross-site"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

/// A request whose values are not the server function's arguments (a number that is not
/// one) is the client's mistake: 400 with a message a person can act on, never a 500.
#[tokio::test]
async fn a_malformed_argument_is_a_bad_request_not_a_server_error() {
    let res = app("http://127.0.0.1:3000")
        .await
        .oneshot(
            Request::post("/api/change_role_term")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from("role_id=abc&change=end"))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let err: app::error::AppError = serde_json::from_str(&text(res).await).unwrap();
    assert_eq!(err, app::error::AppError::Unreadable);
    assert!(err.to_string().contains("could not be read"));
}

/// A page is sent compressed in what the browser reads best — zstd where it can (Chromium,
/// Firefox), gzip where it cannot (Safari), brotli to one that reads only brotli — and whole
/// when it names none; what arrives is the same page, and every answer says it varied.
#[tokio::test]
async fn pages_made_per_request_are_sent_compressed_in_what_the_browser_reads() {
    let router = app("http://127.0.0.1:3000").await;
    let plain = router
        .clone()
        .oneshot(Request::get("/join").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert!(!plain.headers().contains_key(header::CONTENT_ENCODING));
    assert_eq!(plain.headers()[header::VARY], "accept-encoding");
    let plain = text(plain).await;
    assert!(plain.contains("</html>"));
    for (accept, encoding) in [
        ("gzip, deflate, br, zstd", "zstd"),
        ("gzip, deflate, br", "gzip"),
        ("br", "br"),
    ] {
        let res = router
            .clone()
            .oneshot(
                Request::get("/join")
                    .header(header::ACCEPT_ENCODING, accept)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(
            res.headers()[header::CONTENT_ENCODING],
            encoding,
            "{accept}"
        );
        assert!(
            res.headers()
                .get_all(header::VARY)
                .iter()
                .any(|v| v == "accept-encoding")
        );
        assert!(
            !res.headers().contains_key(header::CONTENT_LENGTH) || {
                let n: usize = res.headers()[header::CONTENT_LENGTH]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                n < plain.len()
            }
        );
        let compressed = res.into_body().collect().await.unwrap().to_bytes();
        assert!(
            compressed.len() < plain.len() / 2,
            "{accept}: {} bytes",
            compressed.len()
        );
        let page = match encoding {
            "zstd" => String::from_utf8(zstd::decode_all(&compressed[..]).unwrap()).unwrap(),
            "gzip" => {
                let mut page = String::new();
                std::io::Read::read_to_string(
                    &mut flate2::read::GzDecoder::new(&compressed[..]),
                    &mut page,
                )
                .unwrap();
                page
            }
            _ => common::unbrotli(&compressed),
        };
        // The page's nonce differs per request: compare what is around it.
        assert!(page.contains("</html>") && page.len().abs_diff(plain.len()) < 64);
    }
    // A HEAD is answered without a body to compress.
    let head = router
        .oneshot(
            Request::head("/join")
                .header(header::ACCEPT_ENCODING, "gzip, deflate, br, zstd")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(!head.headers().contains_key(header::CONTENT_ENCODING));
}

/// With the database gone (here its pool closed; on PostgreSQL a restart), every answer
/// that needs it is a prompt 503 that says when to try again — a server function, a live
/// screen, the health check a load balancer asks — never a hang, a 404 or a 500.
#[tokio::test]
async fn without_its_database_the_app_answers_503_with_when_to_retry() {
    let (app, state) = common::app_and_state("http://127.0.0.1:3000").await;
    let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
    let res = app.clone().oneshot(get("/health")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(text(res).await, "ok\n");

    state.db.clone().close().await.unwrap();
    let retry = app::error::RETRY_AFTER_SECONDS.to_string();
    let res = app.clone().oneshot(get("/health")).await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()[header::RETRY_AFTER], retry.as_str());

    let form = "workshop_id=1&body=Transport+home&client_key=k1";
    let res = app
        .clone()
        .oneshot(
            Request::post("/api/post_note")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, "qc_device=a-phone")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(form))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()[header::RETRY_AFTER], retry.as_str());
    // The error as the screen reads it, to say "try again in a few seconds".
    let said = text(res).await;
    let err: app::error::AppError = serde_json::from_str(&said).unwrap();
    assert_eq!(err, app::error::AppError::Unavailable, "{said}");

    // A live screen, and the downloads (a report as a guest, the register as one who
    // says they are signed in: both need the database to decide).
    for (path, cookie) in [
        ("/live/workshops/1", "qc_device=a-phone"),
        ("/workshops/1/report.csv", "qc_device=a-phone"),
        ("/decisions.csv", "qc_session=a-session"),
    ] {
        let res = common::get_with_cookie(&app, path, cookie).await;
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(res.headers()[header::RETRY_AFTER], retry.as_str(), "{path}");
    }
}
