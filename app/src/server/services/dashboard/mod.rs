//! A space's dashboard: members joining, workshops held and who came, decisions made, a
//! value a month, and the balance of perspectives among members beside that among those
//! who took part. Counted by the database (GROUP BY space and month, in [`facts`]), never
//! by loading rows, so the number of queries grows neither with the data nor with the
//! number of regions. Every member of the community may read every dashboard: those who
//! monitor answer to the members (Ostrom 4).
mod facts;

use crate::domain::dashboard::{
    Grain, Period, fill, gap_headline, levels, median_of_counts, medians, share,
};
use crate::domain::membership::Perspective;
use crate::domain::structure::SpaceKind;
use crate::error::AppError;
use crate::model::dashboard::{
    Balance, DashboardPage, NationalDashboard, NeedsYou, Series, Term, Waiting,
};
use crate::server::cache::CountsCache;
use crate::server::entities::{person, space};
use chrono::{DateTime, NaiveDate, Utc};
use facts::{Facts, Of, Owner, Window, sum};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

fn series(
    key: &str,
    title: &str,
    buckets: &[String],
    counts: &[(String, i64)],
    // What happened, for one and for more: ("workshop was held", "workshops were held").
    (one, many): (&str, &str),
) -> Series {
    let values = fill(buckets, counts);
    let total: f64 = values.iter().fold(0.0, |a, b| a + b);
    Series {
        key: key.into(),
        title: title.into(),
        headline: format!(
            "{} {} in this period.",
            total as i64,
            if total as i64 == 1 { one } else { many }
        ),
        months: buckets.to_vec(),
        values,
    }
}

/// A series with its own headline.
fn told(key: &str, title: String, headline: String, points: Vec<(String, f64)>) -> Series {
    let (months, values) = points.into_iter().unzip();
    Series {
        key: key.into(),
        title,
        headline,
        months,
        values,
    }
}

/// A series of medians of days, a value a bucket, from (bucket, days, how many) rows; its
/// headline gives the median over the whole period in words (`said`), or `none`.
fn median_series(
    key: &str,
    title: String,
    buckets: &[String],
    rows: &[(String, i64, i64)],
    none: &str,
    said: impl Fn(String) -> String,
) -> Series {
    let all: Vec<(i64, i64)> = rows.iter().map(|(_, v, n)| (*v, *n)).collect();
    told(
        key,
        title,
        median_of_counts(&all).map_or_else(|| none.to_owned(), |m| said(in_days(m))),
        medians(buckets, rows),
    )
}

/// A number of days in words, to one decimal place where it has one ("2.5 days").
fn in_days(d: f64) -> String {
    if d == 1.0 {
        "1 day".into()
    } else if d.fract() == 0.0 {
        format!("{d:.0} days")
    } else {
        format!("{d:.1} days")
    }
}

/// The facts behind the dashboards of the spaces `ids`, as counted within the last
/// minute, with when they were counted.
async fn counted(
    db: &impl ConnectionTrait,
    counts: &CountsCache,
    ids: &[i64],
    everyone: bool,
    window: &Window,
) -> Result<std::sync::Arc<(Facts, DateTime<Utc>)>, AppError> {
    let key = format!(
        "{ids:?} {everyone} {} {} {}",
        window.period.code(),
        window.grain.code(),
        window.today
    );
    counts
        .get(key, async {
            let facts = Facts::read(db, ids, everyone, window).await?;
            Ok((facts, Utc::now()))
        })
        .await
}

fn is_national(s: &space::Model) -> bool {
    SpaceKind::from_code(&s.kind) == Some(SpaceKind::NationalStewardshipGroup)
}

/// The dashboard of the space `slug` over `period` ("12m" when not given or not known), a
/// value a month or a week (`grain`, "month" when not given or not known).
pub async fn page(
    db: &impl ConnectionTrait,
    counts: &CountsCache,
    viewer: &person::Model,
    slug: &str,
    period: &str,
    grain: &str,
) -> Result<DashboardPage, AppError> {
    crate::server::services::membership::require_member_or_team(db, viewer.id).await?;
    let s = crate::server::services::rules::space_by_slug(db, slug).await?;
    let window = Window::new(period, grain, Utc::now().date_naive());
    let everyone = is_national(&s);
    let facts = counted(db, counts, &[s.id], everyone, &window).await?;
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
    let terms = terms(db, &s).await?;
    let (flow, flow_link) = match SpaceKind::from_code(&s.kind) {
        Some(SpaceKind::Region) => (
            crate::server::services::flow::summary(db, Some(s.id)).await?,
            format!("/spaces/{}/flow", s.slug),
        ),
        Some(SpaceKind::NationalStewardshipGroup) => (
            crate::server::services::flow::summary(db, None).await?,
            "/flow".to_owned(),
        ),
        _ => (vec![], String::new()),
    };
    Ok(DashboardPage {
        flow,
        flow_link,
        ..assemble(
            &s,
            &facts.0.of(Owner { id: s.id, everyone }),
            facts.1,
            &window,
            needs_you,
            terms,
        )
    })
}

/// Every region's dashboard side by side, and the national group's own, over `period`, a
/// value each `grain` — read in the same queries as one region's.
pub async fn national(
    db: &impl ConnectionTrait,
    counts: &CountsCache,
    viewer: &person::Model,
    period: &str,
    grain: &str,
) -> Result<NationalDashboard, AppError> {
    crate::server::services::membership::require_member_or_team(db, viewer.id).await?;
    let mut spaces = crate::server::services::membership::regions(db).await?;
    spaces.push(crate::server::services::rules::national(db).await?);
    let window = Window::new(period, grain, Utc::now().date_naive());
    let ids: Vec<i64> = spaces.iter().map(|s| s.id).collect();
    let facts = counted(db, counts, &ids, true, &window).await?;
    let spaces: Vec<DashboardPage> = spaces
        .iter()
        .map(|s| {
            let owner = Owner {
                id: s.id,
                everyone: is_national(s),
            };
            assemble(s, &facts.0.of(owner), facts.1, &window, None, vec![])
        })
        .collect();
    let first = spaces.first().ok_or(AppError::Internal)?;
    Ok(NationalDashboard {
        period: first.period.clone(),
        periods: first.periods.clone(),
        grain: first.grain.clone(),
        grains: first.grains.clone(),
        span: first.span.clone(),
        flow: crate::server::services::flow::summary(db, None).await?,
        spaces,
    })
}

/// One space's dashboard from its share of the facts: every series with its headline, and
/// the balance of perspectives.
fn assemble(
    s: &space::Model,
    facts: &Of<'_>,
    counted_at: DateTime<Utc>,
    window: &Window,
    needs_you: Option<NeedsYou>,
    terms: Vec<Term>,
) -> DashboardPage {
    let (grain, buckets) = (window.grain, &window.buckets);
    let (per, each) = match grain {
        Grain::Month => ("a month", "each month"),
        Grain::Week => ("a week", "each week"),
    };
    let label = |k: &str| grain.bucket_label(k);
    let now_label = buckets.last().map(|b| label(b)).unwrap_or_default();

    let active_values = fill(buckets, &facts.of_members(|f| &f.active));
    let active_median = median_of_counts(
        &active_values
            .iter()
            .map(|v| (*v as i64, 1))
            .collect::<Vec<_>>(),
    )
    .unwrap_or(0.0);
    let active_series = told(
        "active",
        format!("Members who took part, {per}"),
        format!(
            "{} members took part in {now_label} (in a workshop or a vote); a median of {} {per} in this period.",
            active_values.last().copied().unwrap_or(0.0),
            active_median
        ),
        buckets.iter().cloned().zip(active_values).collect(),
    );
    let waiting = levels(
        buckets,
        sum(&facts.of_members(|f| &f.waiting_before)),
        &facts.of_members(|f| &f.applied),
        &facts.of_members(|f| &f.answered),
    );
    let waiting_series = told(
        "waiting",
        format!("Applications waiting at the end of {each}"),
        match waiting.last().copied().unwrap_or(0.0) as i64 {
            1 => "1 application is waiting for a decision now.".into(),
            n => format!("{n} applications are waiting for a decision now."),
        },
        buckets.iter().cloned().zip(waiting).collect(),
    );
    let decide_series = median_series(
        "days_to_decide",
        format!("Days from application to decision (median, {per})"),
        buckets,
        &facts.values_of_members(|f| &f.decision_days),
        "No applications were decided in this period.",
        |m| format!("Applications decided in this period waited a median of {m}."),
    );
    let decided = facts.own(|f| &f.decided);
    let (took, could) = (
        fill(buckets, &facts.own(|f| &f.took_votes)),
        fill(buckets, &facts.own(|f| &f.could_vote)),
    );
    let (took_all, could_all) = (took.iter().sum::<f64>(), could.iter().sum::<f64>());
    let turnout_series = told(
        "turnout",
        format!("Turnout in decisions, {per} (% of those who could take part)"),
        if could_all == 0.0 {
            "No decisions closed in this period.".into()
        } else {
            format!(
                "{} % of those who could take part did, across the {} decisions closed in this period.",
                share(took_all as u32, could_all as u32),
                sum(&decided)
            )
        },
        buckets
            .iter()
            .zip(took.iter().zip(&could))
            .filter(|(_, (_, could))| **could > 0.0)
            .map(|(k, (took, could))| (k.clone(), f64::from(share(*took as u32, *could as u32))))
            .collect(),
    );
    let open = levels(
        buckets,
        sum(&facts.actions("open_before")),
        &facts.actions("opened"),
        &facts.actions("ended"),
    );
    let overdue = levels(
        buckets,
        sum(&facts.actions("overdue_before")),
        &facts.actions("fell_due"),
        &facts.actions("ended_overdue"),
    );
    let (not_started, in_progress) = (
        sum(&facts.actions("open")),
        sum(&facts.actions("in_progress")),
    );
    let overdue_now = overdue.last().copied().unwrap_or(0.0);
    let open_series = told(
        "actions_open",
        format!("Actions open at the end of {each}"),
        format!(
            "Now {} open: {not_started} not started and {in_progress} in progress; {overdue_now} overdue.",
            not_started + in_progress
        ),
        buckets.iter().cloned().zip(open).collect(),
    );
    let overdue_series = told(
        "actions_overdue",
        format!("Actions overdue at the end of {each}"),
        match overdue_now as i64 {
            0 => "No action is overdue now.".into(),
            1 => "1 action is overdue now.".into(),
            n => format!("{n} actions are overdue now."),
        },
        buckets.iter().cloned().zip(overdue).collect(),
    );
    let done_days_series = median_series(
        "days_to_done",
        format!("Days from action to done (median, {per})"),
        buckets,
        &facts.action_values("done"),
        "No actions were done in this period.",
        |m| format!("Actions done in this period took a median of {m}."),
    );
    let (balance, balance_headline) =
        balance(&facts.of_members(|f| &f.held), &facts.own(|f| &f.took));
    DashboardPage {
        needs_you,
        terms,
        flow: vec![],
        flow_link: String::new(),
        span: format!(
            "{} to {}",
            buckets.first().map(|m| label(m)).unwrap_or_default(),
            now_label
        ),
        counted_at: crate::server::time::clock(counted_at),
        series: vec![
            series(
                "joined",
                &format!("Members who joined, {per}"),
                buckets,
                &facts.of_members(|f| &f.joined),
                ("joined", "joined"),
            ),
            active_series,
            series(
                "left",
                &format!("Members who left or lapsed, {per}"),
                buckets,
                &facts.of_members(|f| &f.gone),
                ("left or lapsed", "left or lapsed"),
            ),
            waiting_series,
            decide_series,
            series(
                "workshops",
                &format!("Workshops held, {per}"),
                buckets,
                &facts.own(|f| &f.workshops),
                ("workshop was held", "workshops were held"),
            ),
            series(
                "participants",
                &format!("Workshop participants, {per}"),
                buckets,
                &facts.own(|f| &f.came),
                ("took part in workshops", "took part in workshops"),
            ),
            series(
                "decisions",
                &format!("Decisions made, {per}"),
                buckets,
                &decided,
                ("decision was made", "decisions were made"),
            ),
            turnout_series,
            series(
                "actions_done",
                &format!("Actions done, {per}"),
                buckets,
                &facts.own(|f| &f.done),
                ("action was done", "actions were done"),
            ),
            open_series,
            overdue_series,
            done_days_series,
        ],
        balance,
        balance_headline,
        space_name: s.name.clone(),
        space_slug: s.slug.clone(),
        period: window.period.code().to_owned(),
        periods: Period::ALL
            .iter()
            .map(|p| (p.code().to_owned(), p.label().to_owned()))
            .collect(),
        grain: grain.code().to_owned(),
        grains: Grain::ALL
            .iter()
            .map(|g| (g.code().to_owned(), g.label().to_owned()))
            .collect(),
    }
}

/// The balance of perspectives: active members by perspective (`held`) beside those who
/// took part in workshops (`took`), and the gap said in words.
fn balance(held: &[(String, i64)], took: &[(String, i64)]) -> (Vec<Balance>, String) {
    let count = |rows: &[(String, i64)], code: &str| {
        rows.iter()
            .filter(|(k, _)| k == code)
            .map(|(_, n)| *n as u32)
            .sum::<u32>()
    };
    let all = |rows: &[(String, i64)]| -> u32 {
        Perspective::ALL.iter().map(|p| count(rows, p.code())).sum()
    };
    let (all_held, all_took) = (all(held), all(took));
    let balance: Vec<Balance> = Perspective::ALL
        .iter()
        .map(|p| {
            let (m, t) = (count(held, p.code()), count(took, p.code()));
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
    let headline = gap_headline(
        &balance
            .iter()
            .map(|b| (plural(&b.perspective), b.members_share, b.took_part_share))
            .collect::<Vec<_>>(),
    );
    (balance, headline)
}

/// The conveners' and stewards' terms in `s` and the stewardship groups inside it, current
/// or yet to start, those ending soonest first (no end date last).
async fn terms(db: &impl ConnectionTrait, s: &space::Model) -> Result<Vec<Term>, AppError> {
    use crate::domain::structure::RoleKind;
    use crate::server::entities::role;
    let today = Utc::now().date_naive();
    let mut spaces = space::Entity::find()
        .filter(space::Column::ParentId.eq(s.id))
        .filter(space::Column::Kind.eq(SpaceKind::StewardshipGroup.code()))
        .all(db)
        .await?;
    spaces.push(s.clone());
    let mut roles = role::Entity::find()
        .filter(role::Column::SpaceId.is_in(spaces.iter().map(|x| x.id)))
        .filter(role::Column::Kind.is_in([RoleKind::Convener.code(), RoleKind::Steward.code()]))
        .filter(
            sea_orm::Condition::any()
                .add(role::Column::EndsOn.is_null())
                .add(role::Column::EndsOn.gte(today)),
        )
        .all(db)
        .await?;
    roles.sort_by_key(|r| (r.ends_on.is_none(), r.ends_on, r.id));
    let people =
        crate::server::services::accounts::names(db, roles.iter().map(|r| r.person_id)).await?;
    let day = |d: NaiveDate| d.format("%-d %B %Y").to_string();
    Ok(roles
        .iter()
        .map(|r| Term {
            name: people.get(&r.person_id).cloned().unwrap_or_default(),
            office: format!(
                "{} of {}",
                RoleKind::from_code(&r.kind).map_or(r.kind.as_str(), |k| k.label()),
                spaces
                    .iter()
                    .find(|x| x.id == r.space_id)
                    .map_or("", |x| x.name.as_str())
            ),
            since: day(r.starts_on),
            until: r.ends_on.map(day),
            ends_in_days: r
                .ends_on
                .map(|e| (e - today).num_days())
                .filter(|d| *d <= 60),
        })
        .collect())
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
async fn needs_you(db: &impl ConnectionTrait, s: &space::Model) -> Result<NeedsYou, AppError> {
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

/// The dashboard's measures as CSV: a row a month (or week), a column a measure; a
/// median or share is blank where it had nothing to measure.
pub fn csv(page: &DashboardPage) -> Result<String, AppError> {
    let mut w = csv::Writer::from_writer(vec![]);
    let mut head = vec![
        if page.grain == "week" {
            "Week"
        } else {
            "Month"
        }
        .to_owned(),
    ];
    head.extend(page.series.iter().map(|s| s.title.clone()));
    w.write_record(&head).map_err(|_| AppError::Internal)?;
    let buckets = page
        .series
        .first()
        .map(|s| s.months.clone())
        .unwrap_or_default();
    for b in &buckets {
        let mut row = vec![b.clone()];
        row.extend(page.series.iter().map(|s| {
            s.months
                .iter()
                .position(|m| m == b)
                .and_then(|i| s.values.get(i))
                .map(|v| v.to_string())
                .unwrap_or_default()
        }));
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
            let before = page(&counted, &CountsCache::none(), &hein, "west-of-england", "12m", "month")
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
            let after = page(&counted, &CountsCache::none(), &hein, "west-of-england", "12m", "month")
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
            let after_leaving = page(&counted, &CountsCache::none(), &hein, "west-of-england", "12m", "month").await.unwrap();
            assert_eq!(last(&after_leaving, "left"), last(&before, "left") + 1.0);
            // Another lapses and returns: counted once among those who left or lapsed this
            // month, and among the members again once back.
            use crate::domain::membership::MembershipStatus;
            let lapsing = member::Entity::find()
                .filter(member::Column::HomeRegionId.eq(west.id))
                .filter(member::Column::Status.eq("active"))
                .filter(member::Column::PersonId.ne(hein.id))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            let members_of = |p: &DashboardPage| p.balance.iter().map(|b| b.members).sum::<u32>();
            crate::server::services::membership::set_status(&db, hein.id, lapsing.person_id, MembershipStatus::Lapsed, "No contact for two years")
                .await
                .unwrap();
            let lapsed = page(&counted, &CountsCache::none(), &hein, "west-of-england", "12m", "month").await.unwrap();
            assert_eq!(last(&lapsed, "left"), last(&after_leaving, "left") + 1.0);
            assert!(members_of(&lapsed) < members_of(&after_leaving), "a lapsed member is not counted among members");
            crate::server::services::membership::set_status(&db, hein.id, lapsing.person_id, MembershipStatus::Active, "Back in touch")
                .await
                .unwrap();
            let returned = page(&counted, &CountsCache::none(), &hein, "west-of-england", "12m", "month").await.unwrap();
            assert_eq!(last(&returned, "left"), last(&lapsed, "left"), "the lapse stays counted");
            assert_eq!(members_of(&returned), members_of(&after_leaving), "and the member counts again");
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
            page(&counted, &CountsCache::none(), &hein, "west-of-england", "12m", "month").await.unwrap();
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
                page(&db, &CountsCache::none(), &helen, "west-of-england", "3m", "month")
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
                page(&db, &CountsCache::none(), &stranger, "west-of-england", "12m", "month")
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            assert!(matches!(
                page(&db, &CountsCache::none(), &hein, "nowhere", "12m", "month").await.unwrap_err(),
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
                let seen = page(&db, &CountsCache::none(), &hein, "west-of-england", "12m", "month").await.unwrap();
                let n = seen.needs_you.expect("the convener sees what needs them");
                assert_eq!(n.applications.len(), 1);
                assert_eq!(n.applications[0].what, "Stranger applied 12 days ago");
                assert_eq!(n.applications[0].href, "/spaces/west-of-england");
                assert_eq!(n.overdue[0].what, "Ask the bus company — Helen Smith, 3 days overdue");
                assert_eq!(n.overdue[0].href, format!("/workshops/{}/report", w.id));
                assert!(n.terms.iter().any(|t| t.what.starts_with("Stranger — Steward, ends ")), "{:?}", n.terms);
                // Every member sees the terms of office: the one ending in 20 days first.
                let shown = page(&db, &CountsCache::none(), &helen, "west-of-england", "12m", "month").await.unwrap().terms;
                assert_eq!(shown[0].name, "Stranger");
                assert_eq!(shown[0].office, "Steward of West of England");
                assert_eq!(shown[0].ends_in_days, Some(20));
                assert!(shown.iter().any(|t| t.name == "Hein le Roux" && t.office == "Convener of West of England"));
                assert!(shown.iter().any(|t| t.name == "Sam Okafor" && t.office == "Steward of West of England commons stewardship group" && t.until.is_none()));
                // Another region's convener reads the dashboard, but not this.
                assert_eq!(page(&db, &CountsCache::none(), &helen, "west-of-england", "12m", "month").await.unwrap().needs_you, None);
            }

            // Side by side: every region, then the national group, each with its own counts.
            let all = national(&db, &CountsCache::none(), &helen, "12m", "month").await.unwrap();
            let regions = crate::server::services::membership::regions(&db).await.unwrap();
            assert_eq!(all.spaces.len(), regions.len() + 1);
            let west_there = all.spaces.iter().find(|s| s.space_slug == "west-of-england").unwrap();
            assert_eq!(last(west_there, "workshops"), last(&after, "workshops"));
            assert_eq!(all.spaces.last().unwrap().space_slug, "national");
            assert_eq!(national(&db, &CountsCache::none(), &stranger, "12m", "month").await.unwrap_err(), AppError::Forbidden);
            assert_eq!(
                page(&db, &CountsCache::none(), &hein, "west-of-england", "nonsense", "month")
                    .await
                    .unwrap()
                    .period,
                "12m"
            );
            // The CSV: a row a month with each measure, the same numbers as the charts.
            let table = csv(&after).unwrap();
            let lines: Vec<&str> = table.lines().collect();
            assert!(lines[0].starts_with("Month,\"Members who joined, a month\",\"Members who took part, a month\",\"Members who left or lapsed, a month\",Applications waiting at the end of each month,"), "{}", lines[0]);
            assert_eq!(lines.len(), 13);
            let now = lines[12].split(',').collect::<Vec<_>>();
            let column = |key: &str| 1 + after.series.iter().position(|s| s.key == key).unwrap();
            assert_eq!(now[column("workshops")], last(&after, "workshops").to_string());
            assert_eq!(now[column("participants")], last(&after, "participants").to_string());
        })
        .await;
    }

    /// Every measure added for the convener's questions — who is active, how long
    /// applications wait, turnout, actions open and overdue and how long they take — equals
    /// a count taken by hand from the rows, by the month and by the week.
    #[tokio::test]
    async fn the_measures_over_time_equal_counts_taken_by_hand() {
        use crate::server::entities::{
            action, membership_application, proposal, proposal_ballot, workshop_participant,
        };
        use chrono::Datelike;
        use sea_orm::{ActiveModelTrait, Set};
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            // Two years of workshops, actions and applications to count.
            demo::seed_history(&db).await.unwrap();
            let hein = account(&db, "hein@demo.q-commons.org").await;
            let west = space::Entity::find()
                .filter(space::Column::Slug.eq("west-of-england"))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            let now = Utc::now();
            let today = now.date_naive();
            // Two applications waiting, one decided after 9 days, and an overdue action.
            let mut waiting_ids = vec![];
            for (i, days_ago) in [(1, 20), (2, 4)] {
                let who = accounts::register(
                    &db,
                    &format!("Applicant {i}"),
                    &format!("applicant{i}@example.org"),
                    "a long enough password",
                )
                .await
                .unwrap();
                // As applying leaves it: an applicant's member row, and the application.
                member::ActiveModel {
                    person_id: Set(who.id),
                    status: Set("applicant".into()),
                    home_region_id: Set(None),
                    organisation: Set(None),
                    clinician_discipline: Set(None),
                    bio: Set(String::new()),
                    interests: Set(String::new()),
                    show_email: Set(false),
                    show_organisation: Set(false),
                    joined_on: Set(None),
                    updated_at: Set(now),
                    perspectives_consented_at: Set(None),
                }
                .insert(&db)
                .await
                .unwrap();
                let a = membership_application::ActiveModel {
                    person_id: Set(who.id),
                    region_id: Set(west.id),
                    perspectives: Set("patient".into()),
                    reason: Set("To help.".into()),
                    status: Set("pending".into()),
                    created_at: Set(now - chrono::Duration::days(days_ago)),
                    ..Default::default()
                }
                .insert(&db)
                .await
                .unwrap();
                waiting_ids.push(a.id);
            }
            crate::server::services::membership::decide(&db, hein.id, waiting_ids[0], true, "")
                .await
                .unwrap();
            action::ActiveModel {
                space_id: Set(Some(west.id)),
                title: Set("Write to the trust".into()),
                owner_id: Set(hein.id),
                due_on: Set(today - chrono::Duration::days(2)),
                status: Set("in_progress".into()),
                created_by: Set(hein.id),
                created_at: Set(now - chrono::Duration::days(30)),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&db)
            .await
            .unwrap();

            let queries = Arc::new(AtomicUsize::new(0));
            let mut counted_db = db.clone();
            let counter = queries.clone();
            counted_db.set_metric_callback(move |_| {
                counter.fetch_add(1, Ordering::Relaxed);
            });
            let monthly = page(
                &counted_db,
                &CountsCache::none(),
                &hein,
                "west-of-england",
                "12m",
                "month",
            )
            .await
            .unwrap();
            let by_month = queries.swap(0, Ordering::Relaxed);
            let weekly = page(
                &counted_db,
                &CountsCache::none(),
                &hein,
                "west-of-england",
                "12m",
                "week",
            )
            .await
            .unwrap();
            assert_eq!(
                queries.load(Ordering::Relaxed),
                by_month,
                "the same queries by the week"
            );
            let series = |p: &DashboardPage, key: &str| {
                p.series.iter().find(|s| s.key == key).unwrap().clone()
            };

            // Waiting now: the pending applications of the region, by hand.
            let pending = membership_application::Entity::find()
                .filter(membership_application::Column::RegionId.eq(west.id))
                .filter(membership_application::Column::Status.eq("pending"))
                .count(&db)
                .await
                .unwrap();
            assert!(pending >= 1);
            assert_eq!(last(&monthly, "waiting"), pending as f64);
            assert_eq!(last(&weekly, "waiting"), pending as f64);

            // Days to decide: this month's median, by hand from every application decided
            // (approved or declined) this month.
            let first = crate::domain::dashboard::first_of_month(today);
            let decided_now: Vec<(i64, i64)> = membership_application::Entity::find()
                .filter(membership_application::Column::RegionId.eq(west.id))
                .filter(membership_application::Column::Status.is_in(["approved", "declined"]))
                .filter(
                    membership_application::Column::DecidedAt
                        .gte(first.and_hms_opt(0, 0, 0).unwrap().and_utc()),
                )
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|a| ((a.decided_at.unwrap() - a.created_at).num_days(), 1))
                .collect();
            assert!(
                decided_now.iter().any(|(d, _)| *d == 20),
                "the one decided today waited 20 days"
            );
            let decide = series(&monthly, "days_to_decide");
            assert_eq!(decide.months.last().unwrap(), &Grain::Month.key(today));
            assert_eq!(
                *decide.values.last().unwrap(),
                median_of_counts(&decided_now).unwrap()
            );
            assert!(
                decide
                    .headline
                    .starts_with("Applications decided in this period waited a median of ")
            );

            // Turnout by month, by hand from the closed proposals of the region.
            let from = Period::Months12.start(today, today);
            let closed = proposal::Entity::find()
                .filter(proposal::Column::SpaceId.eq(west.id))
                .filter(proposal::Column::Stage.eq("closed"))
                .filter(
                    proposal::Column::ClosedAt.gte(from.and_hms_opt(0, 0, 0).unwrap().and_utc()),
                )
                .all(&db)
                .await
                .unwrap();
            let turnout = series(&monthly, "turnout");
            for (m, v) in turnout.months.iter().zip(&turnout.values) {
                let (took, could) = closed
                    .iter()
                    .filter(|p| Grain::Month.key(p.closed_at.unwrap().date_naive()) == *m)
                    .fold((0, 0), |(t, c), p| {
                        (
                            t + p.took_part_count.unwrap_or(0),
                            c + p.eligible_count.unwrap_or(0),
                        )
                    });
                assert_eq!(
                    *v,
                    f64::from(share(took as u32, could as u32)),
                    "turnout in {m}"
                );
            }

            // Actions open and overdue now, by hand.
            let live: Vec<action::Model> = action::Entity::find()
                .filter(action::Column::SpaceId.eq(west.id))
                .filter(action::Column::Status.is_in(["open", "in_progress"]))
                .all(&db)
                .await
                .unwrap();
            assert_eq!(last(&monthly, "actions_open"), live.len() as f64);
            // Every month's and week's level, by hand from each action's own rows.
            {
                use crate::domain::dashboard::{ActionSpan, action_levels};
                use crate::server::entities::action_event;
                let all = action::Entity::find()
                    .filter(action::Column::SpaceId.eq(west.id))
                    .all(&db)
                    .await
                    .unwrap();
                let events = action_event::Entity::find().all(&db).await.unwrap();
                let spans: Vec<ActionSpan> = all
                    .iter()
                    .map(|a| ActionSpan {
                        created: a.created_at.date_naive(),
                        due: a.due_on,
                        ended: events
                            .iter()
                            .filter(|e| {
                                e.action_id == a.id && (e.status == "done" || e.status == "dropped")
                            })
                            .map(|e| e.at)
                            .min()
                            .or((a.status == "done" || a.status == "dropped")
                                .then_some(a.updated_at))
                            .map(|e| e.date_naive()),
                    })
                    .collect();
                for (p, grain) in [(&monthly, Grain::Month), (&weekly, Grain::Week)] {
                    let ends: Vec<NaiveDate> = series(p, "actions_open")
                        .months
                        .iter()
                        .map(|b| grain.last_day(b).unwrap())
                        .collect();
                    let (open, overdue) = action_levels(&ends, today, &spans);
                    assert_eq!(
                        series(p, "actions_open").values,
                        open,
                        "open, by the {grain:?}"
                    );
                    assert_eq!(
                        series(p, "actions_overdue").values,
                        overdue,
                        "overdue, by the {grain:?}"
                    );
                }
            }
            let late = live.iter().filter(|a| a.due_on < today).count();
            assert!(late >= 1);
            assert_eq!(last(&monthly, "actions_overdue"), late as f64);
            assert_eq!(last(&weekly, "actions_overdue"), late as f64);
            assert!(
                series(&monthly, "actions_open")
                    .headline
                    .contains(&format!("{late} overdue"))
            );

            // Active this month: members of the region who took part in a workshop or
            // cast a ballot since the first of the month, each counted once.
            let since = first.and_hms_opt(0, 0, 0).unwrap().and_utc();
            let members: std::collections::HashSet<i64> = member::Entity::find()
                .filter(member::Column::HomeRegionId.eq(west.id))
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|m| m.person_id)
                .collect();
            let mut active: std::collections::HashSet<i64> = workshop_participant::Entity::find()
                .filter(workshop_participant::Column::JoinedAt.gte(since))
                .filter(workshop_participant::Column::RemovedAt.is_null())
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .filter_map(|p| p.person_id)
                .collect();
            active.extend(
                proposal_ballot::Entity::find()
                    .filter(proposal_ballot::Column::CastAt.gte(since))
                    .all(&db)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|b| b.person_id),
            );
            let active = active.intersection(&members).count();
            assert_eq!(last(&monthly, "active"), active as f64);

            // By the week: Mondays, one after another, and the same members joining.
            let joined = series(&weekly, "joined");
            let mondays: Vec<NaiveDate> = joined
                .months
                .iter()
                .map(|k| NaiveDate::parse_from_str(k, "%Y-%m-%d").unwrap())
                .collect();
            assert!(mondays.iter().all(|d| d.weekday() == chrono::Weekday::Mon));
            assert!(
                mondays
                    .windows(2)
                    .all(|w| w[1] - w[0] == chrono::Duration::days(7))
            );
            assert_eq!(
                *mondays.last().unwrap(),
                crate::domain::dashboard::monday(today)
            );
            let since_monday = member::Entity::find()
                .filter(member::Column::HomeRegionId.eq(west.id))
                .filter(member::Column::JoinedOn.gte(mondays[0]))
                .count(&db)
                .await
                .unwrap();
            assert_eq!(total(&weekly, "joined"), since_monday as f64);
            assert_eq!(weekly.grain, "week");
            assert!(csv(&weekly).unwrap().starts_with("Week,"));
            // A grain nobody knows reads as months.
            assert_eq!(
                page(
                    &db,
                    &CountsCache::none(),
                    &hein,
                    "west-of-england",
                    "12m",
                    "fortnight"
                )
                .await
                .unwrap()
                .grain,
                "month"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn the_national_dashboard_shows_each_region_as_its_own_page_does_in_the_same_queries() {
        use sea_orm::{ActiveModelTrait, Set};
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            demo::seed_history(&db).await.unwrap();
            let helen = account(&db, "helen@demo.q-commons.org").await;
            let queries = Arc::new(AtomicUsize::new(0));
            let mut counted = db.clone();
            let counter = queries.clone();
            counted.set_metric_callback(move |_| {
                counter.fetch_add(1, Ordering::Relaxed);
            });
            for (period, grain) in [("12m", "month"), ("24m", "week"), ("all", "month")] {
                queries.store(0, Ordering::Relaxed);
                let all = national(&counted, &CountsCache::none(), &helen, period, grain)
                    .await
                    .unwrap();
                let national_queries = queries.load(Ordering::Relaxed);
                let regions = crate::server::services::membership::regions(&db)
                    .await
                    .unwrap();
                assert_eq!(all.spaces.len(), regions.len() + 1);
                // Each region, and the national group, as its own dashboard shows it.
                for shown in &all.spaces {
                    let own = page(
                        &db,
                        &CountsCache::none(),
                        &helen,
                        &shown.space_slug,
                        period,
                        grain,
                    )
                    .await
                    .unwrap();
                    assert_eq!(
                        shown.series, own.series,
                        "{} {period} {grain}",
                        shown.space_slug
                    );
                    assert_eq!(shown.balance, own.balance, "{}", shown.space_slug);
                    assert_eq!(shown.balance_headline, own.balance_headline);
                    assert_eq!(shown.span, own.span);
                }
                // The national commons counts every member who joined, by hand.
                let from = facts::Window::new(period, grain, Utc::now().date_naive()).from;
                let everyone = member::Entity::find()
                    .filter(member::Column::JoinedOn.gte(from))
                    .count(&db)
                    .await
                    .unwrap();
                let national_page = all.spaces.last().unwrap();
                assert!(everyone > 0);
                assert_eq!(total(national_page, "joined"), everyone as f64, "{period}");

                // Another region: one more dashboard, not one more query.
                space::ActiveModel {
                    parent_id: Set(Some(all_national_id(&db).await)),
                    kind: Set("region".into()),
                    slug: Set(format!("new-region-{period}")),
                    name: Set(format!("New region {period}")),
                    purpose: Set(String::new()),
                    created_at: Set(Utc::now()),
                    joining: Set("open".into()),
                    ..Default::default()
                }
                .insert(&db)
                .await
                .unwrap();
                queries.store(0, Ordering::Relaxed);
                let more = national(&counted, &CountsCache::none(), &helen, period, grain)
                    .await
                    .unwrap();
                assert_eq!(more.spaces.len(), all.spaces.len() + 1);
                assert_eq!(
                    queries.load(Ordering::Relaxed),
                    national_queries,
                    "the same queries"
                );
            }

            // Counts kept for a minute: asked again, the same dashboard is not counted again.
            let kept = CountsCache::default();
            queries.store(0, Ordering::Relaxed);
            let first = national(&counted, &kept, &helen, "12m", "month")
                .await
                .unwrap();
            let counting = queries.swap(0, Ordering::Relaxed);
            let again = national(&counted, &kept, &helen, "12m", "month")
                .await
                .unwrap();
            let reading = queries.swap(0, Ordering::Relaxed);
            assert_eq!(first, again);
            assert!(
                reading + 10 < counting,
                "{reading} queries, counting took {counting}"
            );
            assert_eq!(first.spaces[0].counted_at.len(), "14:05".len());
            // Another grain is counted afresh.
            let weekly = national(&counted, &kept, &helen, "12m", "week")
                .await
                .unwrap();
            assert_eq!(queries.load(Ordering::Relaxed), counting);
            assert_eq!(weekly.grain, "week");
        })
        .await;
    }

    async fn all_national_id(db: &DatabaseConnection) -> i64 {
        crate::server::services::rules::national(db)
            .await
            .unwrap()
            .id
    }
}
