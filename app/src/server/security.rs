//! Refusing cross-site requests that would change something (CSRF), decided from the
//! browser's own `Sec-Fetch-Site` header, else from `Origin` against `Host`; and the
//! headers every response carries so a browser holds the app to what it is.
use http::{HeaderMap, HeaderValue, Method, header};

/// What a page may load and run: its own scripts (the hydration script by its nonce), its
/// WebAssembly, its stylesheet; `style` attributes (bars drawn to a share) but no inline
/// `<style>`; nothing from elsewhere; never framed. `nonce` is the page's, if it has one.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(n) => format!("'self' 'nonce-{n}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; \
         style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         font-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// The nonce of one response, made by [`security_headers`] before the request reaches the
/// app and carried in the request's extensions.
#[derive(Debug, Clone)]
pub struct CspNonce(pub std::sync::Arc<str>);

impl CspNonce {
    fn new() -> Self {
        use base64::Engine;
        let mut bytes = [0u8; 16];
        rand::fill(&mut bytes);
        CspNonce(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(bytes)
                .into(),
        )
    }
}

/// Hand Leptos this response's nonce, so the scripts it writes into the page carry the
/// nonce the Content-Security-Policy header names. The header is set by the middleware
/// itself, which made the nonce: nothing depends on the page setting it.
pub fn provide_page_nonce() {
    use leptos::prelude::{provide_context, use_context};
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// axum middleware: the security headers on every response, with a fresh nonce for the
/// Content-Security-Policy that the page's own scripts carry ([`provide_page_nonce`]).
/// HSTS only when the app is reached over HTTPS (`https` is decided from the public URL).
pub async fn security_headers(
    axum::extract::State(https): axum::extract::State<bool>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let nonce = CspNonce::new();
    req.extensions_mut().insert(nonce.clone());
    let mut res = next.run(req).await;
    let unavailable = res.status() == http::StatusCode::SERVICE_UNAVAILABLE;
    let h = res.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(Some(&nonce.0))) {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Sign-in and reset tokens travel in URLs: never tell another site where we were.
    // (`same-origin`, not `no-referrer`: a form posted before the WASM loads is sent back
    // to itself with its errors by the Referer, which only ever goes to this site.)
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Every 503 (the database unreachable, the server stopping, a request out of time) says
    // when to try again, for browsers, proxies and the live screens alike.
    if unavailable {
        h.entry(header::RETRY_AFTER)
            .or_insert_with(|| HeaderValue::from(crate::error::RETRY_AFTER_SECONDS));
    }
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

/// The most a request body may hold: every form and server function fits many times over.
pub const BODY_LIMIT: usize = 64 * 1024;

/// axum middleware: a request too large gets a message a person can act on, not a bare 413.
pub async fn explain_too_large(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let res = next.run(req).await;
    if res.status() != http::StatusCode::PAYLOAD_TOO_LARGE {
        return res;
    }
    (
        http::StatusCode::PAYLOAD_TOO_LARGE,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!(
            "That was too much to send at once: Q Commons takes at most {} KiB in one request. \
             Shorten it and try again.",
            BODY_LIMIT / 1024
        ),
    )
        .into_response()
}

/// axum middleware: a server function that failed before its body ran (its arguments could
/// not be read) answers 500 whatever the error; give it the status its error names, so a
/// malformed request reads as the client's mistake (400), not the server's.
pub async fn server_fn_status(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let res = next.run(req).await;
    if res.status() != http::StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return axum::response::IntoResponse::into_response(
            http::StatusCode::INTERNAL_SERVER_ERROR,
        );
    };
    if let Ok(err) = serde_json::from_slice::<crate::error::AppError>(&bytes) {
        parts.status = err.status_code();
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

pub fn is_cross_site_write(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            !origin_host.eq_ignore_ascii_case(host)
        }
        (Some(_), None) => true,
        // No browser headers at all: not a browser, so no ambient cookies to abuse
        // beyond what SameSite=Lax already withholds.
        (None, _) => false,
    }
}

/// axum middleware: answer 403 to a cross-site write before it reaches a server function.
pub async fn refuse_cross_site(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if is_cross_site_write(req.method(), req.headers()) {
        tracing::warn!(path = %req.uri().path(), "refused a cross-site request");
        return (
            http::StatusCode::FORBIDDEN,
            "Refused: this request came from another site.",
        )
            .into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn same_origin_posts_pass() {
        assert!(!is_cross_site_write(
            &Method::POST,
            &headers(&[("sec-fetch-site", "same-origin")])
        ));
        assert!(!is_cross_site_write(
            &Method::POST,
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ])
        ));
    }

    #[test]
    fn cross_site_posts_are_refused() {
        assert!(is_cross_site_write(
            &Method::POST,
            &headers(&[("sec-fetch-site", "cross-site")])
        ));
        assert!(is_cross_site_write(
            &Method::POST,
            &headers(&[("sec-fetch-site", "same-site")])
        ));
        assert!(is_cross_site_write(
            &Method::POST,
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000")
            ])
        ));
        assert!(is_cross_site_write(
            &Method::POST,
            &headers(&[("origin", "null"), ("host", "a")])
        ));
    }

    #[test]
    fn the_policy_allows_only_the_page_s_own_script_and_forbids_framing() {
        let csp = content_security_policy(Some("abc123"));
        assert!(csp.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains("object-src 'none'"));
        assert!(!csp.contains("unsafe-eval'") || csp.contains("wasm-unsafe-eval"));
        assert!(!content_security_policy(None).contains("nonce"));
    }

    #[test]
    fn reads_are_never_refused() {
        assert!(!is_cross_site_write(
            &Method::GET,
            &headers(&[("sec-fetch-site", "cross-site")])
        ));
    }
}
