//! The home page as everyone who is not signed in sees it, kept rendered. It is made only
//! of what the structure cache already keeps (the community's overview and settings, by
//! day), so it is kept in that same cache and goes when they go: a change to the
//! structure or the settings, here or on another app server, or a new day. Rendering it
//! afresh for every visitor was most of the server's work per visit (Leptos's server
//! rendering, not the database); when a national event sends thousands of phones to the
//! front page, each is now a lookup.
//!
//! It is compressed once when kept, with brotli and gzip at their highest levels, and
//! sent in whichever the browser reads — never compressed again per request.
//!
//! Kept only when it is safe to give one visitor's page to another: a `GET` of a listed
//! path without a query and without any cookie (no session, no guest, no form coming
//! back), answered 200 with no cookie set and no script carrying the request's
//! Content-Security-Policy nonce.
use crate::server::AppState;
use crate::server::cache::Key;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderMap, Method, StatusCode, header};
use std::sync::Arc;

/// The pages kept: those whose anonymous HTML depends only on the structure cache.
pub const PATHS: &[&str] = &["/"];

/// A page larger than this is not kept (the home page is a few KiB).
const MOST: usize = 256 * 1024;

/// A page as it was answered, and compressed.
struct Kept {
    headers: HeaderMap,
    body: Bytes,
    brotli: Bytes,
    gzip: Bytes,
}

impl Kept {
    fn new(headers: HeaderMap, body: Bytes) -> Kept {
        use std::io::Write;
        let mut brotli = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut brotli, 4096, 11, 22);
            // Writing to memory cannot fail.
            let _ = w.write_all(&body);
        }
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let _ = gzip.write_all(&body);
        let gzip = gzip.finish().unwrap_or_default();
        Kept {
            headers,
            body,
            brotli: brotli.into(),
            gzip: gzip.into(),
        }
    }

    /// The page in the encoding the request reads best.
    fn answer(&self, accept: Option<&http::HeaderValue>) -> Response {
        let accept = accept.and_then(|v| v.to_str().ok()).unwrap_or("");
        let (body, encoding) = if accepts(accept, "br") && !self.brotli.is_empty() {
            (self.brotli.clone(), Some("br"))
        } else if accepts(accept, "gzip") && !self.gzip.is_empty() {
            (self.gzip.clone(), Some("gzip"))
        } else {
            (self.body.clone(), None)
        };
        let mut res = Response::new(Body::from(body));
        *res.headers_mut() = self.headers.clone();
        let headers = res.headers_mut();
        headers.remove(header::CONTENT_LENGTH);
        headers.append(
            header::VARY,
            http::HeaderValue::from_static("accept-encoding"),
        );
        if let Some(encoding) = encoding {
            headers.insert(
                header::CONTENT_ENCODING,
                http::HeaderValue::from_static(encoding),
            );
        }
        res
    }
}

/// Whether an `Accept-Encoding` value takes `coding` (named, or `*`, and not with q=0).
fn accepts(accept: &str, coding: &str) -> bool {
    accept_weight(accept, coding) > 0.0
}

/// The weight an `Accept-Encoding` value gives `coding`: its own `q` (1 if none is given),
/// else that of `*`, else 0 (not taken).
pub fn accept_weight(accept: &str, coding: &str) -> f32 {
    let mut any = None;
    for part in accept.split(',') {
        let mut bits = part.split(';');
        let name = bits.next().unwrap_or("").trim();
        let q = bits
            .filter_map(|b| b.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if name.eq_ignore_ascii_case(coding) {
            return q;
        } else if name == "*" {
            any = Some(q);
        }
    }
    any.unwrap_or(0.0)
}

/// Whether a request may be answered with, or fill, the kept page.
fn anonymous_page(req: &Request) -> bool {
    req.method() == Method::GET
        && req.uri().query().is_none()
        && PATHS.contains(&req.uri().path())
        && !req.headers().contains_key(header::COOKIE)
        && !req.headers().contains_key(header::AUTHORIZATION)
}

/// axum middleware: answer a kept page from memory, or render it and keep it.
pub async fn anonymous_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !anonymous_page(&req) {
        return next.run(req).await;
    }
    let structure = state.live.structure();
    let key = Key::AnonymousPage(req.uri().path().to_owned(), chrono::Utc::now().date_naive());
    let accept = req.headers().get(header::ACCEPT_ENCODING).cloned();
    if let Some(kept) = structure.kept::<Kept>(&key) {
        return kept.answer(accept.as_ref());
    }
    let read_in = structure.generation();
    let res = next.run(req).await;
    let keepable = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
    if !keepable {
        return res;
    }
    let (parts, body) = res.into_parts();
    let body = match axum::body::to_bytes(body, MOST).await {
        Ok(body) => body,
        // Too large to keep, or the render failed part-way: render it again.
        Err(_) => return render_again(),
    };
    // A page with a script carries this request's nonce: never give it to another.
    let Some(body) = without_scripts(&body) else {
        return Response::from_parts(parts, Body::from(body));
    };
    let kept = Arc::new(Kept::new(parts.headers, body));
    structure.keep(key, kept.clone(), read_in);
    kept.answer(accept.as_ref())
}

/// What Leptos writes after every page for islands to pick up: on a page without islands
/// it is empty and nothing reads it.
const EMPTY_RESOURCES: [&str; 2] = [
    "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];",
    "__INCOMPLETE_CHUNKS=[];",
];

/// The page without the empty resource scripts Leptos ends it with, if it has no other
/// script (none carrying the nonce); `None` for a page with a script of its own.
fn without_scripts(page: &[u8]) -> Option<Bytes> {
    let text = std::str::from_utf8(page).ok()?;
    let end = text.rfind("</html>")? + "</html>".len();
    let (html, mut after) = text.split_at(end);
    loop {
        // Built with type-erased components (as cargo-leptos builds the server), Leptos
        // puts an empty hydration marker between the page and its scripts.
        after = after.trim_start();
        if let Some(rest) = after.strip_prefix("<!>") {
            after = rest;
            continue;
        }
        let Some(rest) = after.strip_prefix("<script nonce=\"") else {
            break;
        };
        let (nonce, rest) = rest.split_once("\">")?;
        if !nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return None;
        }
        let (script, rest) = rest.split_once("</script>")?;
        if !EMPTY_RESOURCES.contains(&script) {
            return None;
        }
        after = rest;
    }
    (after.trim().is_empty() && !html.contains(" nonce=")).then(|| Bytes::from(html.to_owned()))
}

/// The page could not be read whole: the visitor tries again (it is never half-sent).
fn render_again() -> Response {
    let mut res = Response::new(Body::from("The page could not be made. Please reload it."));
    *res.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    res.headers_mut()
        .insert(header::RETRY_AFTER, http::HeaderValue::from_static("1"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(uri: &str, cookie: Option<&str>) -> Request {
        let mut req = Request::builder().uri(uri);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        req.body(Body::empty()).unwrap()
    }

    #[test]
    fn a_kept_page_goes_in_the_encoding_the_browser_reads_best() {
        assert!(accepts("gzip, deflate, br", "br"));
        assert!(accepts("br;q=0.5, gzip", "br"));
        assert!(!accepts("gzip, deflate", "br"));
        assert!(!accepts("br;q=0, gzip", "br"));
        assert!(accepts("*", "br"));
        assert!(!accepts("*, br;q=0", "br"));
        assert!(!accepts("", "gzip"));
        let page = "<html><body><p>West of England</p></body></html>".repeat(50);
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            "text/html; charset=utf-8".parse().unwrap(),
        );
        let kept = Kept::new(headers, Bytes::from(page.clone()));
        for (accept, encoding) in [
            (Some("gzip, deflate, br"), Some("br")),
            (Some("gzip"), Some("gzip")),
            (None, None),
        ] {
            let value = accept.map(|a| http::HeaderValue::from_str(a).unwrap());
            let res = kept.answer(value.as_ref());
            assert_eq!(
                res.headers()
                    .get(header::CONTENT_ENCODING)
                    .map(|v| v.to_str().unwrap()),
                encoding
            );
            assert_eq!(res.headers()[header::VARY], "accept-encoding");
            let body = match encoding {
                Some("br") => {
                    let mut out = Vec::new();
                    brotli::BrotliDecompress(&mut &kept.brotli[..], &mut out).unwrap();
                    assert!(kept.brotli.len() < page.len() / 10);
                    out
                }
                Some(_) => {
                    use std::io::Read;
                    let mut out = Vec::new();
                    flate2::read::GzDecoder::new(&kept.gzip[..])
                        .read_to_end(&mut out)
                        .unwrap();
                    out
                }
                None => kept.body.to_vec(),
            };
            assert_eq!(body, page.as_bytes());
        }
    }

    #[test]
    fn only_a_plain_anonymous_get_of_a_listed_page_is_kept() {
        assert!(anonymous_page(&request("/", None)));
        assert!(!anonymous_page(&request("/", Some("qc_session=abc"))));
        assert!(!anonymous_page(&request("/", Some("qc_guest=1"))));
        assert!(!anonymous_page(&request("/?account_deleted", None)));
        assert!(!anonymous_page(&request("/spaces/west-of-england", None)));
        let mut post = request("/", None);
        *post.method_mut() = Method::POST;
        assert!(!anonymous_page(&post));
    }

    #[test]
    fn only_a_page_without_scripts_of_its_own_is_kept_and_kept_without_the_empty_ones() {
        let empty = "<script nonce=\"Ab-_9\">__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];</script><script nonce=\"Ab-_9\">__INCOMPLETE_CHUNKS=[];</script>";
        for page in [
            format!("<html><body><p>Hello</p></body></html>{empty}"),
            format!("<html><body><p>Hello</p></body></html><!>{empty}"),
        ] {
            assert_eq!(
                without_scripts(page.as_bytes()).as_deref(),
                Some(&b"<html><body><p>Hello</p></body></html>"[..])
            );
        }
        let island = format!("<html><body><script nonce=\"Ab\">go()</script></body></html>{empty}");
        assert_eq!(without_scripts(island.as_bytes()), None);
        let resources = "<html></html><script nonce=\"Ab\">__RESOLVED_RESOURCES=[1];</script>";
        assert_eq!(without_scripts(resources.as_bytes()), None);
        assert_eq!(without_scripts(b"<p>cut short"), None);
    }
}
