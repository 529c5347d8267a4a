//! Request glue for server functions: the app state, who is signed in (from the session
//! cookie), the client's address, and mapping errors to HTTP statuses.
use super::AppState;
use super::entities::person;
use super::services::sessions;
use crate::error::AppError;
use http::{HeaderValue, StatusCode, header, request::Parts};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

pub const SESSION_COOKIE: &str = "qc_session";

/// Who is signed in, looked up once per request: one page calls several server
/// functions, and each would otherwise read the session and person again.
/// The server provides a fresh one for every request.
#[derive(Clone, Default)]
pub struct RequestSession(std::sync::Arc<std::sync::Mutex<Option<Option<person::Model>>>>);

impl RequestSession {
    fn get(&self) -> Option<Option<person::Model>> {
        self.0.lock().ok().and_then(|cached| cached.clone())
    }

    fn set(&self, value: Option<Option<person::Model>>) {
        if let Ok(mut cached) = self.0.lock() {
            *cached = value;
        }
    }
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function's context");
        AppError::Internal
    })
}

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// A guest's device: a random token kept in a cookie, so a guest stays the same
/// participant across reloads and reconnects without an account.
pub const DEVICE_COOKIE: &str = "qc_device";
const DEVICE_DAYS: i64 = 180;

/// A cookie's value from request headers.
pub fn cookie(headers: &http::HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// The session token from the request's cookies, if any.
pub fn session_token() -> Option<String> {
    cookie(&parts()?.headers, SESSION_COOKIE)
}

/// This device's token, if it has one.
pub fn device_token() -> Option<String> {
    cookie(&parts()?.headers, DEVICE_COOKIE)
}

/// This device's token, given to it now if it has none.
pub fn ensure_device_token(state: &AppState) -> String {
    if let Some(token) = device_token() {
        return token;
    }
    let token = super::tokens::new_secret();
    let secure = if secure(state) { "; Secure" } else { "" };
    let max_age = DEVICE_DAYS * 24 * 3600;
    set_cookie(format!(
        "{DEVICE_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ));
    token
}

pub async fn current_person(state: &AppState) -> Result<Option<person::Model>, AppError> {
    let cache = use_context::<RequestSession>();
    if let Some(known) = cache.as_ref().and_then(RequestSession::get) {
        return Ok(known);
    }
    let found = match session_token() {
        Some(token) => sessions::person_for_token(&state.db, &token).await?,
        None => None,
    };
    if let Some(cache) = cache {
        cache.set(Some(found.clone()));
    }
    Ok(found)
}

/// Forget who this request found signed in (the session just started or ended).
fn forget_session() {
    if let Some(cache) = use_context::<RequestSession>() {
        cache.set(None);
    }
}

pub async fn require_person(state: &AppState) -> Result<person::Model, AppError> {
    current_person(state)
        .await?
        .ok_or(AppError::Unauthenticated)
}

fn secure(state: &AppState) -> bool {
    state.config.secure_cookies()
        || (state.config.trust_proxy
            && parts()
                .and_then(|p| p.headers.get("x-forwarded-proto").cloned())
                .is_some_and(|v| v == "https"))
}

fn set_cookie(value: String) {
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&value),
    ) {
        res.append_header(header::SET_COOKIE, value);
    }
}

/// Start a session for this person and hand its cookie to the browser.
pub async fn start_session(state: &AppState, person_id: i64) -> Result<(), AppError> {
    let token = sessions::create(&state.db, person_id).await?;
    forget_session();
    let secure = if secure(state) { "; Secure" } else { "" };
    let max_age = sessions::SESSION_DAYS * 24 * 3600;
    set_cookie(format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ));
    Ok(())
}

/// End the current session (if any) and clear its cookie.
pub async fn end_session(state: &AppState) -> Result<(), AppError> {
    if let Some(token) = session_token() {
        sessions::end(&state.db, &token).await?;
    }
    forget_session();
    let secure = if secure(state) { "; Secure" } else { "" };
    set_cookie(format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"
    ));
    Ok(())
}

/// The client's address, for rate limits: the socket's peer, or the first
/// `X-Forwarded-For` hop when a trusted proxy stands in front.
pub fn client_ip(state: &AppState) -> String {
    let Some(parts) = parts() else {
        return "unknown".into();
    };
    if state.config.trust_proxy
        && let Some(ip) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
    {
        return ip.trim().to_owned();
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Give an error its HTTP status. A plain HTML form post (no JavaScript yet) is left
/// alone: it is answered with a redirect back to the form, which shows the error.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        let form_post = parts()
            .and_then(|p| p.headers.get(header::ACCEPT).cloned())
            .is_some_and(|v| v.to_str().is_ok_and(|v| v.contains("text/html")));
        if !form_post
            && let (Some(res), Ok(status)) = (
                use_context::<ResponseOptions>(),
                StatusCode::from_u16(err.status()),
            )
        {
            res.set_status(status);
        }
    }
    result
}
