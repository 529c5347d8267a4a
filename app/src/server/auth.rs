//! Request glue: the app state, who is asking (a signed-in person from the session cookie,
//! a guest from the device cookie) for server functions, streams and downloads alike, the
//! client's address, and mapping errors to HTTP statuses.
use super::AppState;
use super::cache::Checked;
use super::entities::person;
use super::services::sessions;
use crate::domain::membership::Actor;
use crate::error::AppError;
use http::{HeaderValue, header, request::Parts};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

pub const SESSION_COOKIE: &str = "qc_session";

/// A cookie's name as sent: over HTTPS with the `__Host-` prefix, which the browser only
/// accepts from this host, `Secure`, for every path — so no sibling subdomain or plain-HTTP
/// page can plant or overwrite it.
pub fn cookie_name(base: &str, secure: bool) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

/// Who is signed in, looked up once per request: one page calls several server
/// functions, and each would otherwise read the session and person again.
/// The server provides a fresh one for every request.
#[derive(Clone, Default)]
pub struct RequestSession(std::sync::Arc<std::sync::Mutex<std::sync::Arc<Known>>>);

/// What this request has looked up. The page's parts ask at the same time: the first
/// reads, the others wait for its answer.
#[derive(Default)]
struct Known {
    /// The database's change count, read once: what this request may keep or reuse.
    checked: tokio::sync::OnceCell<Checked>,
    visit: tokio::sync::OnceCell<Option<sessions::Visit>>,
}

impl RequestSession {
    fn known(&self) -> std::sync::Arc<Known> {
        self.0.lock().map(|k| k.clone()).unwrap_or_default()
    }

    /// Forget what was looked up (the session just started or ended).
    fn forget(&self) {
        if let Ok(mut known) = self.0.lock() {
            *known = std::sync::Arc::default();
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

/// Whether this request reached the app over HTTPS: by the public URL, or by a trusted
/// proxy's word.
pub fn secure_request(config: &super::Config, headers: &http::HeaderMap) -> bool {
    config.secure_cookies()
        || (config.trust_proxy
            && headers
                .get("x-forwarded-proto")
                .is_some_and(|v| v == "https"))
}

/// The session token from the request's cookies, if any.
pub fn session_token() -> Option<String> {
    let state = use_context::<AppState>()?;
    let headers = parts()?.headers;
    cookie(
        &headers,
        &cookie_name(SESSION_COOKIE, secure_request(&state.config, &headers)),
    )
}

/// This device's token, if it has one.
pub fn device_token() -> Option<String> {
    let state = use_context::<AppState>()?;
    let headers = parts()?.headers;
    cookie(
        &headers,
        &cookie_name(DEVICE_COOKIE, secure_request(&state.config, &headers)),
    )
}

/// This device's token, given to it now if it has none.
pub fn ensure_device_token(state: &AppState) -> String {
    if let Some(token) = device_token() {
        return token;
    }
    let token = super::tokens::new_secret();
    let max_age = DEVICE_DAYS * 24 * 3600;
    set_cookie(DEVICE_COOKIE, &token, max_age, secure(state));
    token
}

/// The database's change count as this request read it (once, however many parts ask),
/// with the copies kept between requests that are still as fresh.
pub async fn checked(state: &AppState) -> Result<Checked, AppError> {
    let read = async || Checked::read(&state.db, state.live.checked()).await;
    match use_context::<RequestSession>() {
        Some(cache) => cache.known().checked.get_or_try_init(read).await.cloned(),
        None => read().await,
    }
}

/// Who this request's session signs in, with their membership and roles, read once per
/// request (the page's frame, its data and its panels each ask) and kept between
/// requests while the database's change count stands.
async fn visit(state: &AppState) -> Result<Option<sessions::Visit>, AppError> {
    let read = async || match session_token() {
        Some(token) => sessions::visit(&state.db, &checked(state).await?, &token).await,
        None => Ok(None),
    };
    match use_context::<RequestSession>() {
        Some(cache) => cache.known().visit.get_or_try_init(read).await.cloned(),
        None => read().await,
    }
}

pub async fn current_person(state: &AppState) -> Result<Option<person::Model>, AppError> {
    Ok(visit(state).await?.map(|v| v.person))
}

/// The signed-in person as the rules see them (membership and roles).
pub async fn current_actor(state: &AppState) -> Result<Option<Actor>, AppError> {
    Ok(visit(state).await?.map(|v| v.actor))
}

/// Forget who this request found signed in (the session just started or ended).
fn forget_session() {
    if let Some(cache) = use_context::<RequestSession>() {
        cache.forget();
    }
}

pub async fn require_person(state: &AppState) -> Result<person::Model, AppError> {
    current_person(state)
        .await?
        .ok_or(AppError::Unauthenticated)
}

fn secure(state: &AppState) -> bool {
    parts().is_some_and(|p| secure_request(&state.config, &p.headers))
        || state.config.secure_cookies()
}

/// A `Set-Cookie` value: for every path, hidden from scripts, sent on same-site
/// navigations only; over HTTPS `Secure` with the `__Host-` prefix.
pub fn cookie_header(base: &str, value: &str, max_age: i64, secure: bool) -> String {
    let name = cookie_name(base, secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

fn set_cookie(base: &str, value: &str, max_age: i64, secure: bool) {
    let value = cookie_header(base, value, max_age, secure);
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
    let max_age = sessions::SESSION_DAYS * 24 * 3600;
    set_cookie(SESSION_COOKIE, &token, max_age, secure(state));
    Ok(())
}

/// End the current session (if any) and clear its cookie.
pub async fn end_session(state: &AppState) -> Result<(), AppError> {
    if let Some(token) = session_token() {
        sessions::end(&state.db, &token).await?;
    }
    forget_session();
    set_cookie(SESSION_COOKIE, "", 0, secure(state));
    Ok(())
}

/// The client's address, for rate limits: the socket's peer, or — behind the one trusted
/// proxy (`QC_TRUST_PROXY`) — the right-most `X-Forwarded-For` entry, the address that
/// proxy saw. Entries to its left are whatever the client chose to send.
pub fn client_ip(state: &AppState) -> String {
    let Some(parts) = parts() else {
        return "unknown".into();
    };
    client_ip_from(
        state.config.trust_proxy,
        &parts.headers,
        parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0),
    )
}

pub fn client_ip_from(
    trust_proxy: bool,
    headers: &http::HeaderMap,
    peer: Option<std::net::SocketAddr>,
) -> String {
    if trust_proxy
        && let Some(ip) = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|v| !v.is_empty())
    {
        return ip.to_owned();
    }
    peer.map(|p| p.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Give an error its HTTP status. A plain HTML form post (no JavaScript yet) is left
/// alone: it is answered with a redirect back to the form, which shows the error.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(err) = &result {
        let form_post = parts()
            .and_then(|p| p.headers.get(header::ACCEPT).cloned())
            .is_some_and(|v| v.to_str().is_ok_and(|v| v.contains("text/html")));
        if !form_post && let Some(res) = use_context::<ResponseOptions>() {
            res.set_status(err.status_code());
        }
    }
    result
}

/// Who is asking: a signed-in person, a guest's device, both or neither. Built here, once
/// per request, for server functions, the live stream and downloads alike; services decide
/// from it and the object's own state what the asker may do.
#[derive(Debug, Clone, Default)]
pub struct Who {
    pub person: Option<person::Model>,
    pub device_token: Option<String>,
}

/// Who is asking this server function.
pub async fn who(state: &AppState) -> Result<Who, AppError> {
    Ok(Who {
        person: current_person(state).await?,
        device_token: device_token(),
    })
}

/// Who is asking, who must be signed in.
pub async fn signed_in(state: &AppState) -> Result<Who, AppError> {
    let who = who(state).await?;
    if who.person.is_none() {
        return Err(AppError::Unauthenticated);
    }
    Ok(who)
}

/// Who is asking, from a plain request's headers (the live stream, downloads).
pub async fn who_from_headers(
    state: &AppState,
    headers: &http::HeaderMap,
) -> Result<Who, AppError> {
    let person = match cookie(headers, SESSION_COOKIE) {
        Some(token) => sessions::person_for_token(&state.db, &token).await?,
        None => None,
    };
    Ok(Who {
        person,
        device_token: cookie(headers, DEVICE_COOKIE),
    })
}

/// A server function's body for whoever is asking (signed-in person or guest device),
/// with its error mapped to the right HTTP status.
pub async fn as_who<T>(
    body: impl AsyncFnOnce(&AppState, &Who) -> Result<T, AppError>,
) -> Result<T, AppError> {
    respond(
        async {
            let state = state()?;
            let who = who(&state).await?;
            body(&state, &who).await
        }
        .await,
    )
}

/// [`as_who`] for a change to a live workshop, with the body given the state and who is
/// asking as its own: it runs on the writers' runtime ([`crate::server::writes`]), so at a
/// large event its database round trips do not each wait behind thousands of screens'
/// deliveries. It runs to the end even if the asker goes away meanwhile.
pub async fn as_who_live<T, Fut>(body: impl FnOnce(AppState, Who) -> Fut) -> Result<T, AppError>
where
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
    T: Send + 'static,
{
    respond(
        async {
            let state = state()?;
            let who = who(&state).await?;
            super::writes::run(body(state, who)).await
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behind_a_trusted_proxy_the_client_is_the_right_most_forwarded_address() {
        let mut h = http::HeaderMap::new();
        // The client claims to be 1.1.1.1; the proxy appends what it saw.
        h.insert("x-forwarded-for", "1.1.1.1, 203.0.113.7".parse().unwrap());
        let peer = Some("10.0.0.2:443".parse().unwrap());
        assert_eq!(client_ip_from(true, &h, peer), "203.0.113.7");
        assert_eq!(client_ip_from(false, &h, peer), "10.0.0.2", "not trusted");
        assert_eq!(
            client_ip_from(true, &http::HeaderMap::new(), peer),
            "10.0.0.2"
        );
    }

    #[test]
    fn cookies_over_https_carry_the_host_prefix() {
        assert_eq!(cookie_name(SESSION_COOKIE, true), "__Host-qc_session");
        assert_eq!(cookie_name(DEVICE_COOKIE, false), "qc_device");
    }
}
