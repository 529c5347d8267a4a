//! Refusing cross-site requests that would change something (CSRF), decided from the
//! browser's own `Sec-Fetch-Site` header, else from `Origin` against `Host`.
use http::{HeaderMap, Method, header};

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
    fn reads_are_never_refused() {
        assert!(!is_cross_site_write(
            &Method::GET,
            &headers(&[("sec-fetch-site", "cross-site")])
        ));
    }
}
