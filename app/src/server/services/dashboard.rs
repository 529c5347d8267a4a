//! A space's dashboard: members joining, workshops held and who came, decisions made, a
//! value a month, and the balance of perspectives among members beside that among those
//! who took part. Counted by the database (GROUP BY month), never by loading rows, so the
//! number of queries does not grow with the data. Every member of the community may read
//! every dashboard: those who monitor answer to the members (Ostrom 4).
use crate::domain::dashboard::{Period, fill, gap_headline, months, share};
use crate::domain::membership::Perspective;
use crate::domain::structure::SpaceKind;
use crate::error::AppError;
use crate::model::dashboard::{Balance, DashboardPage, Series};
use crate::server::entities::{person, space};
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement, Value,
};

/// `sql` with `?` placeholders, numbered for PostgreSQL.
fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = if backend == DbBackend::Postgres {
        let mut n = 0;
        sql.chars()
            .map(|c| {
                if c == '?' {
                    n += 1;
                    format!("${n}")
                } else {
                    c.to_string()
                }
            })
            .collect()
    } else {
        sql.to_owned()
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// The month ("YYYY-MM") of a date or time column, as each database writes it.
fn month_of(backend: DbBackend, column: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("to_char({column}, 'YYYY-MM')"),
        _ => format!("substr(CAST({column} AS TEXT), 1, 7)"),
    }
}

/// (key, count) rows of a grouped query.
async fn grouped(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<(String, i64)>, AppError> {
    let rows = db
        .query_all_raw(statement(db.get_database_backend(), sql, values))
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<Option<String>>("", "k")?.unwrap_or_default(),
                r.try_get::<i64>("", "n")?,
            ))
        })
        .collect()
}

fn series(
    key: &str,
    title: &str,
    months: &[String],
    counts: &[(String, i64)],
    // What happened, for one and for more: ("workshop was held", "workshops were held").
    (one, many): (&str, &str),
) -> Series {
    let values = fill(months, counts);
    let total: f64 = values.iter().fold(0.0, |a, b| a + b);
    Series {
        key: key.into(),
        title: title.into(),
        headline: format!(
            "{} {} in this period.",
            total as i64,
            if total as i64 == 1 { one } else { many }
        ),
        months: months.to_vec(),
        values,
    }
}

/// The dashboard of the space `slug` over `period` ("12m" when not given or not known).
pub async fn page(
    db: &impl ConnectionTrait,
    viewer: &person::Model,
    slug: &str,
    period: &str,
) -> Result<DashboardPage, AppError> {
    crate::server::services::membership::require_member_or_team(db, viewer.id).await?;
    let s = space::Entity::find()
        .filter(space::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such space.".into()))?;
    let national = SpaceKind::from_code(&s.kind) == Some(SpaceKind::NationalStewardshipGroup);
    let period = Period::from_code(period).unwrap_or(Period::Months12);
    let today = Utc::now().date_naive();
    let earliest = NaiveDate::from_ymd_opt(2018, 1, 1).unwrap_or(today);
    let from = period.start(today, earliest);
    let months = months(from, today);
    let backend = db.get_database_backend();
    // Members of a region are those whose home it is; of the national commons, everyone.
    let (members_where, members_values): (&str, Vec<Value>) = if national {
        ("1 = 1", vec![])
    } else {
        ("m.home_region_id = ?", vec![s.id.into()])
    };
    let joined_month = month_of(backend, "m.joined_on");
    let mut values = members_values.clone();
    values.push(from.into());
    let joined = grouped(
        db,
        &format!(
            "SELECT {joined_month} AS k, COUNT(*) AS n FROM member m
             WHERE {members_where} AND m.joined_on >= ? GROUP BY {joined_month}"
        ),
        values,
    )
    .await?;
    let held_month = month_of(backend, "w.held_on");
    let workshops = grouped(
        db,
        &format!(
            "SELECT {held_month} AS k, COUNT(*) AS n FROM workshop w
             WHERE w.space_id = ? AND w.held_on >= ? AND w.held_on <= ? GROUP BY {held_month}"
        ),
        vec![s.id.into(), from.into(), today.into()],
    )
    .await?;
    let came = grouped(
        db,
        &format!(
            "SELECT {held_month} AS k, COUNT(*) AS n FROM workshop_participant p
             JOIN workshop w ON w.id = p.workshop_id
             WHERE w.space_id = ? AND w.held_on >= ? AND w.held_on <= ? AND p.removed_at IS NULL
             GROUP BY {held_month}"
        ),
        vec![s.id.into(), from.into(), today.into()],
    )
    .await?;
    let closed_month = month_of(backend, "p.closed_at");
    let from_time = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let decided = grouped(
        db,
        &format!(
            "SELECT {closed_month} AS k, COUNT(*) AS n FROM proposal p
             WHERE p.space_id = ? AND p.stage = 'closed' AND p.closed_at >= ?
             GROUP BY {closed_month}"
        ),
        vec![s.id.into(), from_time.into()],
    )
    .await?;
    // Members who left or were marked as lapsed, from the audit log (each is logged in the
    // member's home region when it happens).
    let at_month = month_of(backend, "a.at");
    let (gone_where, mut gone_values): (&str, Vec<Value>) = if national {
        ("1 = 1", vec![])
    } else {
        ("a.space_id = ?", vec![s.id.into()])
    };
    gone_values.push(from_time.into());
    let gone = grouped(
        db,
        &format!(
            "SELECT {at_month} AS k, COUNT(*) AS n FROM audit_log a
             WHERE a.action IN ('membership.left', 'membership.lapsed') AND {gone_where} AND a.at >= ?
             GROUP BY {at_month}"
        ),
        gone_values,
    )
    .await?;
    // Actions done, from each action's record of changes.
    let done_month = month_of(backend, "e.at");
    let done = grouped(
        db,
        &format!(
            "SELECT {done_month} AS k, COUNT(*) AS n FROM action_event e
             JOIN action x ON x.id = e.action_id
             WHERE e.status = 'done' AND x.space_id = ? AND e.at >= ?
             GROUP BY {done_month}"
        ),
        vec![s.id.into(), from_time.into()],
    )
    .await?;
    // The balance: active members by perspective, and those who came to workshops here.
    let held = grouped(
        db,
        &format!(
            "SELECT mp.perspective AS k, COUNT(*) AS n FROM member_perspective mp
             JOIN member m ON m.person_id = mp.person_id
             WHERE m.status = 'active' AND {members_where} GROUP BY mp.perspective"
        ),
        members_values,
    )
    .await?;
    let took = grouped(
        db,
        "SELECT p.perspective AS k, COUNT(*) AS n FROM workshop_participant p
         JOIN workshop w ON w.id = p.workshop_id
         WHERE w.space_id = ? AND w.held_on >= ? AND w.held_on <= ? AND p.removed_at IS NULL
           AND p.perspective IS NOT NULL
         GROUP BY p.perspective",
        vec![s.id.into(), from.into(), today.into()],
    )
    .await?;
    let count = |rows: &[(String, i64)], code: &str| {
        rows.iter()
            .filter(|(k, _)| k == code)
            .map(|(_, n)| *n as u32)
            .sum::<u32>()
    };
    let (all_held, all_took): (u32, u32) = (
        Perspective::ALL
            .iter()
            .map(|p| count(&held, p.code()))
            .sum(),
        Perspective::ALL
            .iter()
            .map(|p| count(&took, p.code()))
            .sum(),
    );
    let balance: Vec<Balance> = Perspective::ALL
        .iter()
        .map(|p| {
            let (m, t) = (count(&held, p.code()), count(&took, p.code()));
            Balance {
                perspective: p.label().to_owned(),
                members: m,
                members_share: share(m, all_held),
                took_part: t,
                took_part_share: share(t, all_took),
            }
        })
        .collect();
    let plural = |label: &str| match label {
        "Other" => "Others".to_owned(),
        l => format!("{l}s"),
    };
    let balance_headline = gap_headline(
        &balance
            .iter()
            .map(|b| (plural(&b.perspective), b.members_share, b.took_part_share))
            .collect::<Vec<_>>(),
    );
    let month_name = |m: &str| {
        NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .map(|d| d.format("%B %Y").to_string())
            .unwrap_or_default()
    };
    // The conveners and stewards of this space see what needs them now as well.
    let needs_you = if crate::server::services::membership::authorise(
        db,
        viewer.id,
        crate::domain::membership::Action::WriteOutcome,
        &s,
    )
    .await
    .is_ok()
    {
        Some(needs_you(db, &s).await?)
    } else {
        None
    };
    Ok(DashboardPage {
        needs_you,
        span: format!(
            "{} to {}",
            months.first().map(|m| month_name(m)).unwrap_or_default(),
            months.last().map(|m| month_name(m)).unwrap_or_default()
        ),
        series: vec![
            series(
                "joined",
                "Members who joined, a month",
                &months,
                &joined,
                ("joined", "joined"),
            ),
            series(
                "left",
                "Members who left or lapsed, a month",
                &months,
                &gone,
                ("left or lapsed", "left or lapsed"),
            ),
            series(
                "workshops",
                "Workshops held, a month",
                &months,
                &workshops,
                ("workshop was held", "workshops were held"),
            ),
            series(
                "participants",
                "Workshop participants, a month",
                &months,
                &came,
                ("took part in workshops", "took part in workshops"),
            ),
            series(
                "decisions",
                "Decisions made, a month",
                &months,
                &decided,
                ("decision was made", "decisions were made"),
            ),
            series(
                "actions_done",
                "Actions done, a month",
                &months,
                &done,
                ("action was done", "actions were done"),
            ),
        ],
        balance,
        balance_headline,
        space_name: s.name,
        space_slug: s.slug,
        period: period.code().to_owned(),
        periods: Period::ALL
            .iter()
            .map(|p| (p.code().to_owned(), p.label().to_owned()))
            .collect(),
    })
}

/// How many of each thing the convener's view lists, at most.
const NEEDS_SHOWN: u64 = 10;

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

/// What needs the conveners and stewards of `s` now: applications waiting longest,
/// overdue actions and their owners, terms ending within 60 days — each a bounded query.
async fn needs_you(
    db: &impl ConnectionTrait,
    s: &space::Model,
) -> Result<crate::model::dashboard::NeedsYou, AppError> {
    use crate::model::dashboard::{NeedsYou, Waiting};
    use crate::server::entities::{action, membership_application, role};
    use sea_orm::{QueryOrder, QuerySelect};
    let today = Utc::now().date_naive();
    let now = Utc::now();
    let applications = membership_application::Entity::find()
        .filter(membership_application::Column::RegionId.eq(s.id))
        .filter(membership_application::Column::Status.eq("pending"))
        .order_by_asc(membership_application::Column::CreatedAt)
        .limit(NEEDS_SHOWN)
        .all(db)
        .await?;
    let overdue = action::Entity::find()
        .filter(action::Column::SpaceId.eq(s.id))
        .filter(action::Column::Status.is_in(["open", "in_progress"]))
        .filter(action::Column::DueOn.lt(today))
        .order_by_asc(action::Column::DueOn)
        .limit(NEEDS_SHOWN)
        .all(db)
        .await?;
    let terms = role::Entity::find()
        .filter(role::Column::SpaceId.eq(s.id))
        .filter(role::Column::EndsOn.gte(today))
        .filter(role::Column::EndsOn.lte(today + chrono::Duration::days(60)))
        .order_by_asc(role::Column::EndsOn)
        .limit(NEEDS_SHOWN)
        .all(db)
        .await?;
    let people = crate::server::services::accounts::names(
        db,
        applications
            .iter()
            .map(|a| a.person_id)
            .chain(overdue.iter().map(|a| a.owner_id))
            .chain(terms.iter().map(|r| r.person_id)),
    )
    .await?;
    let name = |id: i64| people.get(&id).cloned().unwrap_or_default();
    let at_space = format!("/spaces/{}", s.slug);
    Ok(NeedsYou {
        applications: applications
            .iter()
            .map(|a| Waiting {
                what: format!(
                    "{} applied {} ago",
                    name(a.person_id),
                    days((now - a.created_at).num_days())
                ),
                href: at_space.clone(),
            })
            .collect(),
        overdue: overdue
            .iter()
            .map(|a| Waiting {
                what: format!(
                    "{} — {}, {} overdue",
                    a.title,
                    name(a.owner_id),
                    days((today - a.due_on).num_days())
                ),
                href: match a.workshop_id {
                    Some(w) => format!("/workshops/{w}/report"),
                    None => format!("{at_space}/workshops"),
                },
            })
            .collect(),
        terms: terms
            .iter()
            .map(|r| Waiting {
                what: format!(
                    "{} — {}, ends {}",
                    name(r.person_id),
                    crate::domain::structure::RoleKind::from_code(&r.kind)
                        .map_or(r.kind.as_str(), |k| k.label()),
                    r.ends_on
                        .map(|d| d.format("%-d %B %Y").to_string())
                        .unwrap_or_default()
                ),
                href: at_space.clone(),
            })
            .collect(),
    })
}

/// Every region's dashboard side by side, and the national group's own, over `period`.
pub async fn national(
    db: &impl ConnectionTrait,
    viewer: &person::Model,
    period: &str,
) -> Result<crate::model::dashboard::NationalDashboard, AppError> {
    crate::server::services::membership::require_member_or_team(db, viewer.id).await?;
    let mut spaces = vec![];
    for r in crate::server::services::membership::regions(db).await? {
        spaces.push(page(db, viewer, &r.slug, period).await?);
    }
    let national = crate::server::services::rules::national(db).await?;
    spaces.push(page(db, viewer, &national.slug, period).await?);
    let first = spaces.first().ok_or(AppError::Internal)?;
    Ok(crate::model::dashboard::NationalDashboard {
        period: first.period.clone(),
        periods: first.periods.clone(),
        span: first.span.clone(),
        spaces,
    })
}

/// The dashboard's measures as CSV: a row a month, a column a measure.
pub fn csv(page: &DashboardPage) -> Result<String, AppError> {
    let mut w = csv::Writer::from_writer(vec![]);
    let mut head = vec!["Month".to_owned()];
    head.extend(page.series.iter().map(|s| s.title.clone()));
    w.write_record(&head).map_err(|_| AppError::Internal)?;
    let months = page
        .series
        .first()
        .map(|s| s.months.clone())
        .unwrap_or_default();
    for (i, m) in months.iter().enumerate() {
        let mut row = vec![m.clone()];
        row.extend(
            page.series
                .iter()
                .map(|s| s.values.get(i).map(|v| v.to_string()).unwrap_or_default()),
        );
        w.write_record(&row).map_err(|_| AppError::Internal)?;
    }
    String::from_utf8(w.into_inner().map_err(|_| AppError::Internal)?)
        .map_err(|_| AppError::Internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::workshop::board::Settings;
    use crate::server::auth::Who;
    use crate::server::entities::{member, member_perspective};
    use crate::server::services::{accounts, demo, workshops};
    use crate::server::testing::for_each_database;
    use sea_orm::{DatabaseConnection, PaginatorTrait};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn account(db: &DatabaseConnection, email: &str) -> person::Model {
        accounts::find_by_email(db, email).await.unwrap().unwrap()
    }

    fn total(page: &DashboardPage, key: &str) -> f64 {
        page.series
            .iter()
            .find(|s| s.key == key)
            .unwrap()
            .values
            .iter()
            .sum()
    }

    fn last(page: &DashboardPage, key: &str) -> f64 {
        *page
            .series
            .iter()
            .find(|s| s.key == key)
            .unwrap()
            .values
            .last()
            .unwrap()
    }

    #[tokio::test]
    async fn the_counts_behind_each_chart_equal_counts_taken_by_hand() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = account(&db, "hein@demo.q-commons.org").await;
            let west = space::Entity::find()
                .filter(space::Column::Slug.eq("west-of-england"))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            let queries = Arc::new(AtomicUsize::new(0));
            let mut counted = db.clone();
            let counter = queries.clone();
            counted.set_metric_callback(move |_| {
                counter.fetch_add(1, Ordering::Relaxed);
            });
            let before = page(&counted, &hein, "west-of-england", "12m")
                .await
                .unwrap();
            let queries_before = queries.swap(0, Ordering::Relaxed);
            assert_eq!(before.series[0].months.len(), 12);
            assert_eq!(before.period, "12m");

            // By hand: members of West of England who joined since the period began.
            let from = Period::Months12.start(Utc::now().date_naive(), Utc::now().date_naive());
            let joined = member::Entity::find()
                .filter(member::Column::HomeRegionId.eq(west.id))
                .filter(member::Column::JoinedOn.gte(from))
                .count(&db)
                .await
                .unwrap();
            assert_eq!(total(&before, "joined"), joined as f64);
            // Active patient members of the region, by hand.
            let active: Vec<i64> = member::Entity::find()
                .filter(member::Column::HomeRegionId.eq(west.id))
                .filter(member::Column::Status.eq("active"))
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|m| m.person_id)
                .collect();
            let patients = member_perspective::Entity::find()
                .filter(member_perspective::Column::PersonId.is_in(active))
                .filter(member_perspective::Column::Perspective.eq("patient"))
                .count(&db)
                .await
                .unwrap();
            let row = before
                .balance
                .iter()
                .find(|b| b.perspective == "Patient")
                .unwrap();
            assert_eq!(row.members as u64, patients);

            // A workshop held in the region today, with a patient and a carer.
            let live = crate::server::live::Live::start(&db).await.unwrap();
            let w = workshops::create(
                &db,
                &hein,
                &workshops::WorkshopForm {
                    title: "Counted".into(),
                    purpose: String::new(),
                    held_on: Utc::now().date_naive().to_string(),
                    space: "west-of-england".into(),
                    prompt: "What would help?".into(),
                    template: None,
                    settings: Settings::default(),
                },
            )
            .await
            .unwrap();
            for (device, perspective) in [("d1", "patient"), ("d2", "carer")] {
                let who = Who {
                    person: None,
                    device_token: Some(device.into()),
                };
                let form = workshops::JoinForm {
                    display_name: device.into(),
                    perspective: perspective.into(),
                    named_in_report: false,
                };
                workshops::join(&db, &live, &w, &who, &form, "127.0.0.1")
                    .await
                    .unwrap();
            }
            let after = page(&counted, &hein, "west-of-england", "12m")
                .await
                .unwrap();
            assert_eq!(
                queries.load(Ordering::Relaxed),
                queries_before,
                "the same queries, more data"
            );
            assert_eq!(last(&after, "workshops"), last(&before, "workshops") + 1.0);
            // A member of the region leaves: counted this month, with the same queries.
            let leaving = member::Entity::find()
                .filter(member::Column::HomeRegionId.eq(west.id))
                .filter(member::Column::Status.eq("active"))
                .filter(member::Column::PersonId.ne(hein.id))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            let leaving = person::Entity::find_by_id(leaving.person_id).one(&db).await.unwrap().unwrap();
            crate::server::services::membership::leave(&db, &leaving, "Moving abroad").await.unwrap();
            let after_leaving = page(&counted, &hein, "west-of-england", "12m").await.unwrap();
            assert_eq!(last(&after_leaving, "left"), last(&before, "left") + 1.0);
            // Actions done in the region, by hand from the record of changes.
            use crate::server::entities::{action, action_event};
            let in_west: Vec<i64> = action::Entity::find()
                .filter(action::Column::SpaceId.eq(west.id))
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|a| a.id)
                .collect();
            let done_by_hand = action_event::Entity::find()
                .filter(action_event::Column::Status.eq("done"))
                .filter(action_event::Column::ActionId.is_in(in_west))
                .filter(action_event::Column::At.gte(from.and_hms_opt(0, 0, 0).unwrap().and_utc()))
                .count(&db)
                .await
                .unwrap();
            assert_eq!(total(&after_leaving, "actions_done"), done_by_hand as f64);
            queries.swap(0, Ordering::Relaxed);
            page(&counted, &hein, "west-of-england", "12m").await.unwrap();
            assert_eq!(queries.load(Ordering::Relaxed), queries_before, "still the same queries");
            assert_eq!(
                last(&after, "participants"),
                last(&before, "participants") + 2.0
            );
            let took: Vec<(String, u32)> = after
                .balance
                .iter()
                .filter(|b| b.took_part > 0)
                .map(|b| (b.perspective.clone(), b.took_part))
                .collect();
            assert!(
                took.contains(&("Patient".into(), 1)) && took.contains(&("Carer".into(), 1)),
                "{took:?}"
            );
            assert!(
                after
                    .balance_headline
                    .ends_with("of workshop participants in this period.")
            );

            // Any member may read any region's dashboard; an account that is no member may not.
            let helen = account(&db, "helen@demo.q-commons.org").await;
            assert!(
                page(&db, &helen, "west-of-england", "3m")
                    .await
                    .unwrap()
                    .series[0]
                    .months
                    .len()
                    == 3
            );
            let stranger = accounts::register(
                &db,
                "Stranger",
                "stranger@example.org",
                "a long enough password",
            )
            .await
            .unwrap();
            assert_eq!(
                page(&db, &stranger, "west-of-england", "12m")
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            assert!(matches!(
                page(&db, &hein, "nowhere", "12m").await.unwrap_err(),
                AppError::NotFound(_)
            ));
            // What needs the convener now: an application waiting, an overdue action, a
            // term ending soon — for the region's convener and stewards only.
            {
                use crate::server::entities::{action, membership_application, role};
                use sea_orm::{ActiveModelTrait, Set};
                let now = Utc::now();
                membership_application::ActiveModel {
                    person_id: Set(stranger.id),
                    region_id: Set(west.id),
                    perspectives: Set("carer".into()),
                    reason: Set("I care for my father.".into()),
                    status: Set("pending".into()),
                    created_at: Set(now - chrono::Duration::days(12)),
                    ..Default::default()
                }
                .insert(&db)
                .await
                .unwrap();
                action::ActiveModel {
                    workshop_id: Set(Some(w.id)),
                    space_id: Set(Some(west.id)),
                    title: Set("Ask the bus company".into()),
                    owner_id: Set(helen.id),
                    due_on: Set(now.date_naive() - chrono::Duration::days(3)),
                    status: Set("open".into()),
                    created_by: Set(hein.id),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&db)
                .await
                .unwrap();
                role::ActiveModel {
                    person_id: Set(stranger.id),
                    space_id: Set(west.id),
                    kind: Set("steward".into()),
                    starts_on: Set(now.date_naive() - chrono::Duration::days(300)),
                    ends_on: Set(Some(now.date_naive() + chrono::Duration::days(20))),
                    ..Default::default()
                }
                .insert(&db)
                .await
                .unwrap();
                let seen = page(&db, &hein, "west-of-england", "12m").await.unwrap();
                let n = seen.needs_you.expect("the convener sees what needs them");
                assert_eq!(n.applications.len(), 1);
                assert_eq!(n.applications[0].what, "Stranger applied 12 days ago");
                assert_eq!(n.applications[0].href, "/spaces/west-of-england");
                assert_eq!(n.overdue[0].what, "Ask the bus company — Helen Smith, 3 days overdue");
                assert_eq!(n.overdue[0].href, format!("/workshops/{}/report", w.id));
                assert!(n.terms.iter().any(|t| t.what.starts_with("Stranger — Steward, ends ")), "{:?}", n.terms);
                // Another region's convener reads the dashboard, but not this.
                assert_eq!(page(&db, &helen, "west-of-england", "12m").await.unwrap().needs_you, None);
            }

            // Side by side: every region, then the national group, each with its own counts.
            let all = national(&db, &helen, "12m").await.unwrap();
            let regions = crate::server::services::membership::regions(&db).await.unwrap();
            assert_eq!(all.spaces.len(), regions.len() + 1);
            let west_there = all.spaces.iter().find(|s| s.space_slug == "west-of-england").unwrap();
            assert_eq!(last(west_there, "workshops"), last(&after, "workshops"));
            assert_eq!(all.spaces.last().unwrap().space_slug, "national");
            assert_eq!(national(&db, &stranger, "12m").await.unwrap_err(), AppError::Forbidden);
            assert_eq!(
                page(&db, &hein, "west-of-england", "nonsense")
                    .await
                    .unwrap()
                    .period,
                "12m"
            );
            // The CSV: a row a month with each measure, the same numbers as the charts.
            let table = csv(&after).unwrap();
            let lines: Vec<&str> = table.lines().collect();
            assert_eq!(lines[0], "Month,\"Members who joined, a month\",\"Members who left or lapsed, a month\",\"Workshops held, a month\",\"Workshop participants, a month\",\"Decisions made, a month\",\"Actions done, a month\"");
            assert_eq!(lines.len(), 13);
            let now = lines[12].split(',').collect::<Vec<_>>();
            assert_eq!(now[3], last(&after, "workshops").to_string());
            assert_eq!(now[4], last(&after, "participants").to_string());
        })
        .await;
    }
}
