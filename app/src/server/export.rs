//! Downloads of a workshop's report: the raw records as CSV and the report as Markdown,
//! for the same people who may read the report.
use super::AppState;
use super::auth;
use super::services::workshops;
use crate::error::AppError;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Markdown,
}

/// A file name from the workshop's title: letters, digits and dashes.
fn file_name(title: &str, held_on: chrono::NaiveDate, ext: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_end_matches('-').chars().take(60).collect();
    format!(
        "{held_on}-{}.{ext}",
        if slug.is_empty() { "workshop" } else { &slug }
    )
}

pub async fn report_download(
    state: AppState,
    Path(workshop_id): Path<i64>,
    headers: HeaderMap,
    format: Format,
) -> Response {
    let made = async {
        let who = auth::who_from_headers(&state, &headers).await?;
        let today = chrono::Utc::now().date_naive();
        let detail = match format {
            Format::Csv => workshops::report::Detail::Raw,
            Format::Markdown => workshops::report::Detail::Summary,
        };
        let input = workshops::report::input(&state.db, workshop_id, &who, today, detail).await?;
        let (body, mime, ext) = match format {
            Format::Csv => (
                workshops::report::csv(&input)?,
                "text/csv; charset=utf-8",
                "csv",
            ),
            Format::Markdown => (
                input.report().markdown(),
                "text/markdown; charset=utf-8",
                "md",
            ),
        };
        let name = file_name(&input.header.title, input.header.held_on, ext);
        Ok::<_, AppError>((body, mime, name))
    }
    .await;
    match made {
        Ok((body, mime, name)) => {
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                .unwrap_or(HeaderValue::from_static("attachment"));
            (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
                    (header::CONTENT_DISPOSITION, disposition),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("private, no-store"),
                    ),
                ],
                body,
            )
                .into_response()
        }
        Err(e) => (e.status_code(), e.to_string()).into_response(),
    }
}

/// The decision register as CSV, for whoever may read it (anyone signed in), with the
/// same filters as the page and every matching line.
pub async fn register_download(
    state: AppState,
    axum::extract::Query(query): axum::extract::Query<crate::model::proposals::RegisterQuery>,
    headers: HeaderMap,
) -> Response {
    use super::services::proposals::register;
    let made = async {
        let who = auth::who_from_headers(&state, &headers).await?;
        let person = who.person.ok_or(AppError::Unauthenticated)?;
        super::services::membership::require_member_or_team(&state.db, person.id).await?;
        let lines = register::search(&state.db, &query, None).await?;
        register::csv(&lines, |id| state.config.link(&format!("/proposals/{id}")))
    }
    .await;
    csv_response(made, "decision-register.csv")
}

/// A funding round's ballots as CSV, for any member once voting has closed.
pub async fn ballots_download(
    state: AppState,
    axum::extract::Path(id): axum::extract::Path<i64>,
    headers: HeaderMap,
) -> Response {
    let made = async {
        let who = auth::who_from_headers(&state, &headers).await?;
        let person = who.person.ok_or(AppError::Unauthenticated)?;
        super::services::funding::export_csv(&state.db, person.id, id).await
    }
    .await;
    csv_response(made, &format!("funding-round-{id}-ballots.csv"))
}

/// A CSV made for whoever asked, or the status its error calls for.
fn csv_response(made: Result<String, AppError>, file: &str) -> Response {
    download(made, file, "text/csv; charset=utf-8")
}

fn download(made: Result<String, AppError>, file: &str, mime: &'static str) -> Response {
    match made {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
                        .unwrap_or(HeaderValue::from_static("attachment")),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-store"),
                ),
            ],
            body,
        )
            .into_response(),
        Err(e) => (e.status_code(), e.to_string()).into_response(),
    }
}

/// What a dashboard download is asked for.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    pub period: String,
    pub grain: String,
}

/// A space's dashboard as CSV: a row a month or week, a column a measure, for every member.
pub async fn dashboard_download(
    state: AppState,
    Path(slug): Path<String>,
    axum::extract::Query(query): axum::extract::Query<DashboardQuery>,
    headers: HeaderMap,
) -> Response {
    use super::services::dashboard;
    let made = async {
        let who = auth::who_from_headers(&state, &headers).await?;
        let person = who.person.ok_or(AppError::Unauthenticated)?;
        let page = dashboard::page(
            &state.db,
            state.live.counts(),
            &person,
            &slug,
            &query.period,
            &query.grain,
        )
        .await?;
        dashboard::csv(&page)
    }
    .await;
    csv_response(made, &format!("dashboard-{slug}.csv"))
}

/// Everything held about the signed-in person, as JSON or CSV (`/account/data.json`,
/// `/account/data.csv`): only ever their own.
pub async fn your_data_download(state: AppState, headers: HeaderMap, json: bool) -> Response {
    use super::services::privacy;
    let made = async {
        let who = auth::who_from_headers(&state, &headers).await?;
        let person = who.person.ok_or(AppError::Unauthenticated)?;
        let data = privacy::your_data(&state.db, person.id).await?;
        if json {
            serde_json::to_string_pretty(&data).map_err(|_| AppError::Internal)
        } else {
            privacy::as_csv(&data)
        }
    }
    .await;
    let today = chrono::Utc::now().date_naive();
    if json {
        download(made, &format!("{today}-your-data.json"), "application/json")
    } else {
        download(
            made,
            &format!("{today}-your-data.csv"),
            "text/csv; charset=utf-8",
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_safe_and_dated() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(
            super::file_name("Waiting times: what matters?", d, "csv"),
            "2026-12-01-waiting-times-what-matters.csv"
        );
        assert_eq!(super::file_name("¿¿", d, "md"), "2026-12-01-workshop.md");
    }
}

/// A space's calendar as an iCalendar file, for a member signed in.
pub async fn space_calendar_download(
    state: AppState,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    use super::services::calendar;
    let made = async {
        let who = auth::who_from_headers(&state, &headers).await?;
        let person = who.person.ok_or(AppError::Unauthenticated)?;
        let base = state.config.public_url.trim_end_matches('/');
        calendar::space_feed(&state.db, person.id, &slug, base).await
    }
    .await;
    download(
        made,
        &format!("calendar-{slug}.ics"),
        "text/calendar; charset=utf-8",
    )
}

/// A member's calendar behind its secret address (`/calendar/{key}.ics`), fetched by
/// calendar apps without signing in.
pub async fn member_calendar(state: AppState, Path(file): Path<String>) -> Response {
    use super::services::calendar;
    let made = async {
        let key = file
            .strip_suffix(".ics")
            .ok_or_else(|| AppError::NotFound("There is no such calendar.".into()))?;
        let base = state.config.public_url.trim_end_matches('/');
        calendar::member_feed(&state.db, key, base).await
    }
    .await;
    download(made, "q-commons.ics", "text/calendar; charset=utf-8")
}
