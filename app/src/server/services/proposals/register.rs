//! The decision register: every decision closed in a space or in the whole community —
//! method, dates, how many could vote and took part, the result and the outcome —
//! searchable, filterable, and exported as CSV. Names never appear in it.
use super::voting::when;
use crate::domain::decision::{Method, Verdict};
use crate::domain::proposal::Stage;
use crate::error::AppError;
use crate::model::proposals::{RegisterLine, RegisterQuery};
use crate::server::entities::{proposal, space};
use crate::server::services::directory::like_pattern;
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// The most lines one page of the register shows (the CSV has them all).
pub const PAGE: u64 = 50;

fn date(field: &str, text: &str) -> Result<Option<NaiveDate>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| AppError::invalid(field, "Give a date as YYYY-MM-DD."))
}

/// The closed decisions matching `q`, newest first; `limit` lines at most.
pub async fn search(
    db: &impl ConnectionTrait,
    q: &RegisterQuery,
    limit: Option<u64>,
) -> Result<Vec<RegisterLine>, AppError> {
    let mut v = crate::error::Validation::default();
    let from = v.take(date("from", &q.from));
    let to = v.take(date("to", &q.to));
    let spaces = space::Entity::find().all(db).await?;
    let space = if q.space.is_empty() {
        None
    } else {
        v.take(
            spaces
                .iter()
                .find(|s| s.slug == q.space)
                .map(|s| Some(s.id))
                .ok_or_else(|| AppError::invalid("space", "Choose a space from the list.")),
        )
    };
    let method = if q.method.is_empty() {
        None
    } else {
        v.take(
            Method::from_code(&q.method)
                .map(Some)
                .ok_or_else(|| AppError::invalid("method", "Choose a method from the list.")),
        )
    };
    let verdict = if q.result.is_empty() {
        None
    } else {
        v.take(
            Verdict::from_code(&q.result)
                .map(Some)
                .ok_or_else(|| AppError::invalid("result", "Choose a result from the list.")),
        )
    };
    v.finish()?;
    let mut filter = Condition::all().add(proposal::Column::Stage.eq(Stage::Closed.code()));
    if let Some(id) = space {
        filter = filter.add(proposal::Column::SpaceId.eq(id));
    }
    if let Some(m) = method {
        filter = filter.add(proposal::Column::Method.eq(m.code()));
    }
    if let Some(r) = verdict {
        filter = filter.add(proposal::Column::Result.eq(r.code()));
    }
    if let Some(d) = from {
        filter =
            filter.add(proposal::Column::ClosedAt.gte(d.and_hms_opt(0, 0, 0).map(|t| t.and_utc())));
    }
    if let Some(d) = to.and_then(|d| d.succ_opt()) {
        filter =
            filter.add(proposal::Column::ClosedAt.lt(d.and_hms_opt(0, 0, 0).map(|t| t.and_utc())));
    }
    if !q.q.trim().is_empty() {
        // One expression over the title, text and outcome: on PostgreSQL a function with
        // a trigram index on it answers it (migrations 000013 and 000015).
        let like = LikeExpr::new(like_pattern(&q.q)).escape('\\');
        let searched = if db.get_database_backend() == sea_orm::DbBackend::Postgres {
            migration::m20261128_000015_register_words_cost::SEARCHED
        } else {
            migration::m20261128_000013_register_words::SEARCHED
        };
        filter = filter.add(Expr::cust(searched).like(like));
    }
    let mut select = proposal::Entity::find()
        .filter(filter)
        .order_by_desc(proposal::Column::ClosedAt)
        .order_by_desc(proposal::Column::Id);
    if let Some(n) = limit {
        select = select.limit(n);
    }
    let rows = select.all(db).await?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let s = spaces.iter().find(|s| s.id == p.space_id);
            RegisterLine {
                id: p.id,
                title: p.title,
                space: s.map(|s| s.name.clone()).unwrap_or_default(),
                space_slug: s.map(|s| s.slug.clone()).unwrap_or_default(),
                method: Method::from_code(&p.method)
                    .map_or("", Method::label)
                    .to_owned(),
                opened: p.opens_at.map(when).unwrap_or_default(),
                closed: p.closed_at.map(when).unwrap_or_default(),
                closed_on: p
                    .closed_at
                    .map(|c| c.date_naive().to_string())
                    .unwrap_or_default(),
                eligible: p.eligible_count.unwrap_or(0),
                took_part: p.took_part_count.unwrap_or(0),
                result: p
                    .result
                    .as_deref()
                    .and_then(Verdict::from_code)
                    .map_or("", Verdict::label)
                    .to_owned(),
                outcome: p.outcome.unwrap_or_default(),
            }
        })
        .collect())
}

/// The register as CSV (a spreadsheet cannot be made to run anything from it).
pub fn csv(
    lines: &[RegisterLine],
    public_link: impl Fn(i64) -> String,
) -> Result<String, AppError> {
    use crate::domain::workshop::report::spreadsheet_safe;
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "Decision",
        "Space",
        "Method",
        "Opened",
        "Closed",
        "Could vote",
        "Took part",
        "Result",
        "Outcome",
        "Link",
    ])
    .map_err(|_| AppError::Internal)?;
    for l in lines {
        let row = [
            l.title.clone(),
            l.space.clone(),
            l.method.clone(),
            l.opened.clone(),
            l.closed_on.clone(),
            l.eligible.to_string(),
            l.took_part.to_string(),
            l.result.clone(),
            l.outcome.clone(),
            public_link(l.id),
        ];
        out.write_record(row.iter().map(|c| spreadsheet_safe(c).into_owned()))
            .map_err(|_| AppError::Internal)?;
    }
    let bytes = out.into_inner().map_err(|_| AppError::Internal)?;
    String::from_utf8(bytes).map_err(|_| AppError::Internal)
}

/// One page of the register, with the spaces to filter by.
pub async fn page(
    db: &impl ConnectionTrait,
    q: &RegisterQuery,
) -> Result<crate::model::proposals::RegisterPage, AppError> {
    let mut lines = search(db, q, Some(PAGE + 1)).await?;
    let more = lines.len() as u64 > PAGE;
    lines.truncate(PAGE as usize);
    let spaces = space::Entity::find()
        .order_by_asc(space::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.slug, s.name))
        .collect();
    let mut csv = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("q", &q.q),
        ("space", &q.space),
        ("method", &q.method),
        ("result", &q.result),
        ("from", &q.from),
        ("to", &q.to),
    ] {
        if !value.is_empty() {
            csv.append_pair(key, value);
        }
    }
    Ok(crate::model::proposals::RegisterPage {
        csv: format!("/decisions.csv?{}", csv.finish()),
        query: q.clone(),
        lines,
        more,
        spaces,
    })
}
