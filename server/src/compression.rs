//! Compressing what is made per request: pages, server functions' answers, downloads.
//!
//! tower-http's `CompressionLayer` makes a new encoder for every response. For brotli at
//! quality 4 that means allocating and zeroing a 512 KiB hash table twice per page, and
//! under `perf` compressing a signed-in region page (5.7 KiB) took a quarter of the
//! server's CPU. Here each worker thread keeps one zstd context and reuses it:
//!
//! | 5.7 KiB of HTML (this machine) | per response | sent |
//! | --- | ---: | ---: |
//! | brotli 4, new encoder (before) | 130 µs | 2,862 B |
//! | gzip 6, new encoder | 58 µs | 2,871 B |
//! | **zstd 3, kept context** | **29 µs** | 2,962 B |
//!
//! A browser that reads zstd (Chromium, Firefox) gets zstd; any other gets gzip, which for
//! pages this size is as small as brotli 4 at under half its cost; one that reads only
//! brotli gets brotli 4. Files built once (the WASM, the CSS) are compressed at build time
//! at the highest levels and never here ([`crate::static_files`]); the kept home page
//! carries its own encodings ([`app::server::page_cache`]).
//!
//! Pages are rendered whole before they are sent (`SsrMode::Async`), so the body is
//! collected and compressed in one piece. Live streams (`text/event-stream`) pass through
//! untouched, as does anything already encoded, a range, an image or a tiny body.
use app::server::page_cache::accept_weight;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderValue, Method, StatusCode, header};
use http_body_util::BodyExt;
use std::cell::RefCell;
use std::io::Write;

/// zstd's level for pages made per request: its default, where its speed and ratio meet.
pub const ZSTD_LEVEL: i32 = 3;
/// gzip's level for browsers without zstd.
pub const GZIP_LEVEL: u32 = 6;
/// brotli's quality for a browser that reads brotli but neither zstd nor gzip.
pub const BROTLI_QUALITY: u32 = 4;
/// Below this, compressing costs more than it saves (tower-http's threshold too).
const SMALLEST: usize = 32;

/// How a response is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Zstd,
    Gzip,
    Brotli,
    Identity,
}

impl Encoding {
    fn token(self) -> Option<&'static str> {
        match self {
            Encoding::Zstd => Some("zstd"),
            Encoding::Gzip => Some("gzip"),
            Encoding::Brotli => Some("br"),
            Encoding::Identity => None,
        }
    }
}

/// The encoding to answer an `Accept-Encoding` with: the one with the highest weight, and
/// among equals zstd, then gzip, then brotli (cheapest first for what they send). A weight
/// of 0 refuses a coding; `*` stands for any not named.
pub fn choose(accept: &str) -> Encoding {
    let mut best = (Encoding::Identity, 0.0_f32);
    for encoding in [Encoding::Zstd, Encoding::Gzip, Encoding::Brotli] {
        let q = accept_weight(accept, encoding.token().unwrap_or(""));
        if q > best.1 {
            best = (encoding, q);
        }
    }
    best.0
}

/// Whether a response of this kind is worth compressing here.
fn compressible(res: &Response) -> bool {
    let headers = res.headers();
    if res.status() == StatusCode::PARTIAL_CONTENT
        || res.status() == StatusCode::NO_CONTENT
        || res.status() == StatusCode::NOT_MODIFIED
        || headers.contains_key(header::CONTENT_ENCODING)
        || headers.contains_key(header::CONTENT_RANGE)
    {
        return false;
    }
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    !(kind.starts_with("text/event-stream")
        || kind.starts_with("application/grpc")
        || (kind.starts_with("image/") && !kind.starts_with("image/svg+xml")))
}

thread_local! {
    /// Each worker thread's zstd context, made once and reused for every response.
    static ZSTD: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
}

/// `body` in `encoding`; `None` if the encoder failed (the response then goes as it was).
pub fn encode(encoding: Encoding, body: &[u8]) -> Option<Vec<u8>> {
    match encoding {
        Encoding::Zstd => ZSTD.with_borrow_mut(|kept| {
            if kept.is_none() {
                *kept = zstd::bulk::Compressor::new(ZSTD_LEVEL).ok();
            }
            kept.as_mut()?.compress(body).ok()
        }),
        Encoding::Gzip => {
            let mut gz = flate2::write::GzEncoder::new(
                Vec::with_capacity(body.len() / 2 + 64),
                flate2::Compression::new(GZIP_LEVEL),
            );
            gz.write_all(body).ok()?;
            gz.finish().ok()
        }
        Encoding::Brotli => {
            let mut out = Vec::with_capacity(body.len() / 2 + 64);
            {
                let mut w = brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, 22);
                w.write_all(body).ok()?;
            }
            Some(out)
        }
        Encoding::Identity => None,
    }
}

/// axum middleware: compress a response made per request in what the browser reads best.
pub async fn compress(req: Request, next: Next) -> Response {
    let encoding = match req.method() {
        &Method::HEAD => Encoding::Identity,
        _ => req
            .headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .map_or(Encoding::Identity, choose),
    };
    let mut res = next.run(req).await;
    if !compressible(&res) {
        return res;
    }
    // Whatever is chosen, the answer depended on the request's Accept-Encoding.
    if !res
        .headers()
        .get_all(header::VARY)
        .iter()
        .any(|v| v.as_bytes().eq_ignore_ascii_case(b"accept-encoding"))
    {
        res.headers_mut()
            .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    let Some(token) = encoding.token() else {
        return res;
    };
    let (mut parts, body) = res.into_parts();
    let bytes: Bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            // Never a short page that looks whole: the request failed, and says so.
            tracing::error!("a response's body failed while it was read to compress: {e}");
            let failed = app::error::AppError::Internal;
            return axum::response::IntoResponse::into_response((
                failed.status_code(),
                failed.to_string(),
            ));
        }
    };
    if bytes.len() < SMALLEST {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let Some(compressed) = encode(encoding, &bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    parts
        .headers
        .insert(header::CONTENT_ENCODING, HeaderValue::from_static(token));
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::ACCEPT_RANGES);
    Response::from_parts(parts, Body::from(compressed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_gets_the_cheapest_of_what_it_reads_best() {
        // Chromium and Firefox today.
        assert_eq!(choose("gzip, deflate, br, zstd"), Encoding::Zstd);
        // Safari; older browsers.
        assert_eq!(choose("gzip, deflate, br"), Encoding::Gzip);
        assert_eq!(choose("br"), Encoding::Brotli);
        assert_eq!(choose("identity"), Encoding::Identity);
        assert_eq!(choose(""), Encoding::Identity);
        // Weights are honoured, and 0 refuses.
        assert_eq!(choose("zstd;q=0.5, br;q=0.9, gzip;q=0.1"), Encoding::Brotli);
        assert_eq!(choose("zstd;q=0, gzip"), Encoding::Gzip);
        assert_eq!(choose("ZSTD ; q=1 , gzip"), Encoding::Zstd);
        assert_eq!(choose("*"), Encoding::Zstd);
        assert_eq!(choose("*;q=0.2, zstd;q=0"), Encoding::Gzip);
    }

    #[test]
    fn live_streams_ranges_images_and_what_is_already_encoded_pass_untouched() {
        let with = |kind: &str, status: StatusCode, extra: Option<(header::HeaderName, &str)>| {
            let mut res = Response::new(Body::empty());
            *res.status_mut() = status;
            res.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_str(kind).unwrap());
            if let Some((name, value)) = extra {
                res.headers_mut()
                    .insert(name, HeaderValue::from_str(value).unwrap());
            }
            compressible(&res)
        };
        assert!(with("text/html; charset=utf-8", StatusCode::OK, None));
        assert!(with("application/json", StatusCode::BAD_REQUEST, None));
        assert!(with("image/svg+xml", StatusCode::OK, None));
        assert!(!with("text/event-stream", StatusCode::OK, None));
        assert!(!with("image/png", StatusCode::OK, None));
        assert!(!with("text/csv", StatusCode::PARTIAL_CONTENT, None));
        assert!(!with(
            "text/csv",
            StatusCode::OK,
            Some((header::CONTENT_RANGE, "bytes 0-9/20"))
        ));
        assert!(!with(
            "application/wasm",
            StatusCode::OK,
            Some((header::CONTENT_ENCODING, "br"))
        ));
    }

    #[tokio::test]
    async fn a_body_that_fails_while_read_is_a_server_error_not_a_short_page() {
        use tower::ServiceExt;
        let app = axum::Router::new()
            .route(
                "/",
                axum::routing::get(|| async {
                    let parts: Vec<Result<&'static str, std::io::Error>> = vec![
                        Ok("<html><body><p>The first half of a page</p>"),
                        Err(std::io::Error::other("the render failed")),
                    ];
                    (
                        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                        Body::from_stream(futures::stream::iter(parts)),
                    )
                }),
            )
            .layer(axum::middleware::from_fn(compress));
        let res = app
            .oneshot(
                Request::get("/")
                    .header(header::ACCEPT_ENCODING, "gzip, deflate, br, zstd")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!res.headers().contains_key(header::CONTENT_ENCODING));
    }

    #[test]
    fn each_encoding_gives_back_the_page_and_the_kept_context_forgets_the_last_one() {
        let pages = [
            "<html><body>".to_owned() + &"<p>West of England</p>".repeat(200) + "</body></html>",
            "<html><body>".to_owned() + &"<li>Kernow</li>".repeat(300) + "</body></html>",
        ];
        for page in pages.iter().chain(pages.iter()) {
            let zstd = encode(Encoding::Zstd, page.as_bytes()).unwrap();
            assert!(zstd.len() < page.len() / 4, "{} bytes", zstd.len());
            assert_eq!(zstd::decode_all(&zstd[..]).unwrap(), page.as_bytes());
            let gzip = encode(Encoding::Gzip, page.as_bytes()).unwrap();
            let mut plain = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gzip[..]), &mut plain)
                .unwrap();
            assert_eq!(plain, page.as_bytes());
            let br = encode(Encoding::Brotli, page.as_bytes()).unwrap();
            let mut plain = Vec::new();
            brotli::BrotliDecompress(&mut &br[..], &mut plain).unwrap();
            assert_eq!(plain, page.as_bytes());
        }
        assert_eq!(encode(Encoding::Identity, b"page"), None);
    }
}
