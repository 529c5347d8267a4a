//! The one upload: a CSV file of members, posted by the project team's import form as
//! `multipart/form-data` (a plain HTML form, no WASM needed). The file is kept for its
//! preview and the browser is sent on to it; nothing is added to the membership here.
use super::AppState;
use super::auth;
use super::services::import;
use crate::error::AppError;
use axum::extract::Multipart;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

/// Where the form posts.
pub const PATH: &str = "/admin/import/upload";

/// Why an upload came back, as the import page explains it (a code, never text from the
/// request, so a link cannot put words on the page).
fn back(problem: &str) -> Response {
    Redirect::to(&format!("/admin/import?problem={problem}")).into_response()
}

pub async fn members_csv(state: AppState, headers: HeaderMap, mut form: Multipart) -> Response {
    let person = match auth::who_from_headers(&state, &headers).await {
        Ok(who) => who.person,
        Err(_) => return back("failed"),
    };
    let Some(person) = person else {
        return Redirect::to("/sign-in").into_response();
    };
    let (mut file_name, mut file, mut pasted) = (String::new(), Vec::new(), String::new());
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let given = field.file_name().unwrap_or_default().to_owned();
                let Ok(bytes) = field.bytes().await else {
                    return back("too_big");
                };
                match name.as_str() {
                    "file" => {
                        file_name = given;
                        file = bytes.to_vec();
                    }
                    "pasted" => pasted = String::from_utf8_lossy(&bytes).into_owned(),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => return back("too_big"),
        }
    }
    let body = if file.is_empty() {
        pasted
    } else {
        match String::from_utf8(file) {
            Ok(text) => text.trim_start_matches('\u{feff}').to_owned(),
            Err(_) => return back("not_utf8"),
        }
    };
    match import::upload(&state.db, person.id, &file_name, &body).await {
        Ok(id) => Redirect::to(&format!("/admin/import/{id}")).into_response(),
        Err(AppError::Forbidden) => back("forbidden"),
        Err(AppError::Invalid(e)) if e.iter().any(|f| f.message.contains("MiB")) => back("too_big"),
        Err(AppError::Invalid(_)) => back("empty"),
        Err(e) => {
            tracing::warn!("member upload failed: {e}");
            back("failed")
        }
    }
}
