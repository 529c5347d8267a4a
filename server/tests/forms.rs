//! A form posted without JavaScript that fails comes back, on the real router, to a clean
//! address with what was typed in place (never the password) and one message per field.
use axum::body::Body;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

mod common;
use common::app;

const SITE: &str = "http://127.0.0.1:3000";

/// A browser's own form post (no script): it asks for HTML and names the page it came from.
async fn post_form(app: &axum::Router, path: &str, from: &str, body: &str) -> http::Response<Body> {
    app.clone()
        .oneshot(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "text/html,application/xhtml+xml")
                .header(header::REFERER, format!("{SITE}{from}"))
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(body.to_owned()))
                .unwrap(),
        )
        .await
        .unwrap()
}

async fn get_page(app: &axum::Router, location: &str, cookie: &str) -> (String, Vec<String>) {
    let path = location.strip_prefix(SITE).unwrap_or(location);
    let res = app
        .clone()
        .oneshot(
            Request::get(path)
                .header(header::ACCEPT, "text/html")
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookies = set_cookies(&res);
    let html = res.into_body().collect().await.unwrap().to_bytes();
    (String::from_utf8_lossy(&html).into_owned(), cookies)
}

fn set_cookies(res: &http::Response<Body>) -> Vec<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// The `qc_form=…` pair from a response's cookies.
fn form_cookie(res: &http::Response<Body>) -> String {
    set_cookies(res)
        .into_iter()
        .find(|c| c.starts_with("qc_form="))
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .expect("a qc_form cookie")
}

#[tokio::test]
async fn a_failed_sign_in_comes_back_to_a_clean_address_with_the_e_mail_but_not_the_password() {
    let app = app(SITE).await;
    // An earlier failure's pair in the address (as older versions left it) goes too.
    let res = post_form(
        &app,
        "/api/sign_in",
        "/sign-in?__path=%2Fapi%2Fsign_in&__err=b2xk",
        "email=ada%40example.org&password=my+secret+sentence",
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], format!("{SITE}/sign-in"));
    let cookie = form_cookie(&res);
    let (html, cookies) = get_page(&app, "/sign-in", &cookie).await;
    assert!(
        html.contains(r#"value="ada@example.org""#),
        "the e-mail is in place"
    );
    assert!(!html.contains("my secret sentence"), "never the password");
    assert!(html.contains(r#"role="alert""#), "the error is shown");
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("qc_form=;") && c.contains("Max-Age=0")),
        "the cookie is cleared: {cookies:?}"
    );
    // Shown once: a reload is a fresh form.
    let (again, _) = get_page(&app, "/sign-in", &cookie).await;
    assert!(!again.contains("ada@example.org"));
    assert!(!again.contains(r#"role="alert""#));
}

#[tokio::test]
async fn a_failed_registration_keeps_every_field_but_the_password_with_one_message_per_field() {
    let app = app(SITE).await;
    let res = post_form(
        &app,
        "/api/register",
        "/register",
        "name=Ada+Lovelace&email=not-an-address&password=short",
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], format!("{SITE}/register"));
    let (html, _) = get_page(&app, "/register", &form_cookie(&res)).await;
    assert!(html.contains(r#"value="Ada Lovelace""#));
    assert!(html.contains(r#"value="not-an-address""#));
    assert!(!html.contains(r#"value="short""#));
    assert_eq!(
        html.matches(r#"id="field-email-error""#).count(),
        1,
        "one message for the e-mail"
    );
    assert_eq!(html.matches(r#"id="field-password-error""#).count(), 1);
    assert_eq!(html.matches(r#"id="field-name-error""#).count(), 0);
}

#[tokio::test]
async fn a_form_that_succeeds_or_a_script_s_call_is_left_as_it_was() {
    let app = app(SITE).await;
    let res = post_form(
        &app,
        "/api/register",
        "/register",
        "name=Ada&email=ada%40example.org&password=a+long+enough+password",
    )
    .await;
    assert!(res.status().is_redirection());
    assert!(set_cookies(&res).iter().all(|c| !c.starts_with("qc_form=")));
    // A script asks for JSON and gets the error as JSON, no redirect.
    let res = app
        .clone()
        .oneshot(
            Request::post("/api/sign_in")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::ACCEPT, "application/json")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(
                    "email=ada%40example.org&password=wrong+password",
                ))
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(!res.status().is_redirection());
    assert!(set_cookies(&res).iter().all(|c| !c.starts_with("qc_form=")));
}
