//! Forms posted without JavaScript (every form on a page without islands, and an island's
//! before its script arrives). A server function answers such a post with a redirect
//! back to the page, and on failure appends `__path=…&__err=…` to the address: the page
//! then shows the error but not what was typed, and each failure adds another pair.
//! This middleware keeps the input instead (see `services::form_returns`), sends the
//! browser to the clean address with a short-lived cookie, and hands the input and error
//! to the page it comes back to, which puts both in place.
use super::AppState;
use super::auth::{cookie, cookie_header, secure_request};
use super::security::BODY_LIMIT;
use super::services::form_returns;
use crate::model::form::ReturnedForm;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, Method, StatusCode, header};

/// The cookie holding the key to a form sent back.
pub const FORM_COOKIE: &str = "qc_form";

/// axum middleware: keep a failed form's input on the way out, give it back on the way in.
pub async fn return_failed_forms(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let secure = secure_request(&state.config, req.headers());
    if is_plain_form_post(&req) {
        return keep_on_failure(&state, secure, req, next).await;
    }
    let key = (req.method() == Method::GET && accepts_html(req.headers()))
        .then(|| {
            cookie(
                req.headers(),
                &super::auth::cookie_name(FORM_COOKIE, secure),
            )
        })
        .flatten();
    match key {
        Some(key) => give_back(&state, secure, &key, req, next).await,
        None => next.run(req).await,
    }
}

fn accepts_html(headers: &http::HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// A browser's own form submission to a server function (a script's call asks for JSON).
fn is_plain_form_post(req: &Request) -> bool {
    req.method() == Method::POST
        && req.uri().path().starts_with("/api/")
        && accepts_html(req.headers())
        && req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

async fn keep_on_failure(state: &AppState, secure: bool, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&bytes)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut res = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let Some((clean, path, error)) = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(split_error)
    else {
        return res;
    };
    let form = ReturnedForm {
        path,
        error,
        fields,
    };
    let key = match form_returns::keep(&state.db, &form, chrono::Utc::now()).await {
        Ok(key) => key,
        Err(e) => {
            // The error still reaches the page through the address, as before.
            tracing::warn!("could not keep a form's input: {e}");
            return res;
        }
    };
    let max_age = form_returns::KEEP_MINUTES * 60;
    let set = cookie_header(FORM_COOKIE, &key, max_age, secure);
    if let (Ok(location), Ok(set)) = (HeaderValue::from_str(&clean), HeaderValue::from_str(&set)) {
        *res.status_mut() = StatusCode::SEE_OTHER;
        res.headers_mut().insert(header::LOCATION, location);
        res.headers_mut().append(header::SET_COOKIE, set);
    }
    res
}

async fn give_back(
    state: &AppState,
    secure: bool,
    key: &str,
    mut req: Request,
    next: Next,
) -> Response {
    match form_returns::take(&state.db, key, chrono::Utc::now()).await {
        Ok(Some(form)) => {
            req.extensions_mut().insert(form);
        }
        Ok(None) => {}
        Err(e) => tracing::warn!("could not read a form's input: {e}"),
    }
    let mut res = next.run(req).await;
    if let Ok(clear) = HeaderValue::from_str(&cookie_header(FORM_COOKIE, "", 0, secure)) {
        res.headers_mut().append(header::SET_COOKIE, clear);
    }
    res
}

/// Split a redirect's address into the address without the error and the error's
/// server-function path and encoded error (the last pair, if an old address held more).
pub fn split_error(location: &str) -> Option<(String, String, String)> {
    let mut url = url::Url::parse(location).ok()?;
    let mut path = None;
    let mut error = None;
    let mut kept = Vec::new();
    for (key, value) in url.query_pairs() {
        match &*key {
            "__path" => path = Some(value.into_owned()),
            "__err" => error = Some(value.into_owned()),
            _ => kept.push((key.into_owned(), value.into_owned())),
        }
    }
    let (path, error) = (path?, error?);
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    Some((url.to_string(), path, error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_leaves_the_address_and_the_rest_stays() {
        let (clean, path, error) = split_error(
            "http://localhost:3000/sign-in?__path=%2Fapi%2Fold&__err=b2xk&__path=%2Fapi%2Fsign_in&__err=bmV3",
        )
        .unwrap();
        assert_eq!(clean, "http://localhost:3000/sign-in");
        assert_eq!((path.as_str(), error.as_str()), ("/api/sign_in", "bmV3"));
        let (clean, _, _) =
            split_error("http://h/workshops/new?space=7&__path=%2Fapi%2Fx&__err=e%3D").unwrap();
        assert_eq!(clean, "http://h/workshops/new?space=7");
    }

    #[test]
    fn a_redirect_without_an_error_is_left_alone() {
        assert_eq!(split_error("http://h/sign-in?sent=1"), None);
        assert_eq!(split_error("/relative"), None);
    }
}
