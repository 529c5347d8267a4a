//! What the dashboards count, read by the database for many spaces at once: each query
//! groups by the space a row belongs to as well as by month or week, so the national
//! dashboard (every region side by side) costs the same queries as one region's, however
//! many regions and however much history there is. Aggregated in SQL, never by loading
//! rows.
use crate::domain::dashboard::{Grain, Period, monday};
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, Value};

/// The time a dashboard covers: from the first bucket's first day to today.
pub struct Window {
    pub period: Period,
    pub grain: Grain,
    pub today: NaiveDate,
    pub from: NaiveDate,
    /// The keys of the months or weeks shown, oldest first.
    pub buckets: Vec<String>,
}

impl Window {
    /// `period` and `grain` as asked ("12m" and "month" when not given or not known).
    pub fn new(period: &str, grain: &str, today: NaiveDate) -> Self {
        let period = Period::from_code(period).unwrap_or(Period::Months12);
        let grain = Grain::from_code(grain).unwrap_or(Grain::Month);
        let earliest = NaiveDate::from_ymd_opt(2018, 1, 1).unwrap_or(today);
        let from = match grain {
            Grain::Month => period.start(today, earliest),
            Grain::Week => monday(period.start(today, earliest)),
        };
        Window {
            period,
            grain,
            today,
            from,
            buckets: grain.buckets(from, today),
        }
    }

    fn from_time(&self) -> DateTime<Utc> {
        self.from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
    }
}

/// One row of a grouped count: the space it belongs to (`g`), its bucket or category
/// (`k`), a value where the count is of values (`v`, days waited), and how many (`n`).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub g: Option<i64>,
    pub k: String,
    pub v: i64,
    pub n: i64,
}

/// Whose rows count for one space: those grouped under its id; for the national commons,
/// on the measures of members (joining, taking part, applications, leaving, perspectives),
/// every member's, wherever their home.
#[derive(Debug, Clone, Copy)]
pub struct Owner {
    pub id: i64,
    pub everyone: bool,
}

/// Every count behind the dashboards of some spaces, each a list of grouped rows.
pub struct Facts {
    // Of members (national: everyone).
    pub joined: Vec<Row>,
    pub active: Vec<Row>,
    pub waiting_before: Vec<Row>,
    pub applied: Vec<Row>,
    pub answered: Vec<Row>,
    pub decision_days: Vec<Row>,
    pub gone: Vec<Row>,
    pub held: Vec<Row>,
    // Of the space itself.
    pub workshops: Vec<Row>,
    pub came: Vec<Row>,
    pub took: Vec<Row>,
    pub decided: Vec<Row>,
    pub took_votes: Vec<Row>,
    pub could_vote: Vec<Row>,
    pub done: Vec<Row>,
    /// The action measures, each row named by what it counts ("opened", "ended", …).
    pub actions: Vec<(String, Row)>,
}

/// One space's share of the facts.
pub struct Of<'a> {
    facts: &'a Facts,
    owner: Owner,
}

impl Facts {
    pub fn of(&self, owner: Owner) -> Of<'_> {
        Of { facts: self, owner }
    }
}

fn pairs<'r>(rows: impl Iterator<Item = &'r Row>) -> Vec<(String, i64)> {
    rows.map(|r| (r.k.clone(), r.n)).collect()
}

impl Of<'_> {
    fn mine(&self, r: &Row) -> bool {
        r.g == Some(self.owner.id)
    }
    fn members_mine(&self, r: &Row) -> bool {
        self.owner.everyone || self.mine(r)
    }
    /// (bucket, count) rows of a measure of members.
    pub fn of_members(&self, rows: fn(&Facts) -> &Vec<Row>) -> Vec<(String, i64)> {
        pairs(rows(self.facts).iter().filter(|r| self.members_mine(r)))
    }
    /// (bucket, value, count) rows of a measure of members.
    pub fn values_of_members(&self, rows: fn(&Facts) -> &Vec<Row>) -> Vec<(String, i64, i64)> {
        rows(self.facts)
            .iter()
            .filter(|r| self.members_mine(r))
            .map(|r| (r.k.clone(), r.v, r.n))
            .collect()
    }
    /// (bucket, count) rows of a measure of the space itself.
    pub fn own(&self, rows: fn(&Facts) -> &Vec<Row>) -> Vec<(String, i64)> {
        pairs(rows(self.facts).iter().filter(|r| self.mine(r)))
    }
    /// (bucket, count) rows of one of the action measures.
    pub fn actions(&self, what: &str) -> Vec<(String, i64)> {
        pairs(
            self.facts
                .actions
                .iter()
                .filter(|(w, r)| w == what && self.mine(r))
                .map(|(_, r)| r),
        )
    }
    /// (bucket, value, count) rows of one of the action measures.
    pub fn action_values(&self, what: &str) -> Vec<(String, i64, i64)> {
        self.facts
            .actions
            .iter()
            .filter(|(w, r)| w == what && self.mine(r))
            .map(|(_, r)| (r.k.clone(), r.v, r.n))
            .collect()
    }
}

/// The count of all rows.
pub fn sum(rows: &[(String, i64)]) -> i64 {
    rows.iter().map(|(_, n)| n).sum()
}

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

/// The month ("YYYY-MM") or week (its Monday, "YYYY-MM-DD") of a date or time column, as
/// each database writes it — the same keys as [`Grain::key`].
fn bucket_of(backend: DbBackend, column: &str, grain: Grain) -> String {
    match (backend, grain) {
        (DbBackend::Postgres, Grain::Month) => format!("to_char({column}, 'YYYY-MM')"),
        (DbBackend::Postgres, Grain::Week) => {
            format!("to_char(date_trunc('week', {column}), 'YYYY-MM-DD')")
        }
        (_, Grain::Month) => format!("substr(CAST({column} AS TEXT), 1, 7)"),
        // SQLite: forward to the week's Sunday (or stay on it), then back to its Monday.
        (_, Grain::Week) => format!("date({column}, 'weekday 0', '-6 days')"),
    }
}

/// Whole days from one time column to another.
fn days_between(backend: DbBackend, from: &str, to: &str) -> String {
    match backend {
        DbBackend::Postgres => {
            format!("CAST(floor(EXTRACT(EPOCH FROM ({to} - {from})) / 86400) AS BIGINT)")
        }
        _ => format!("CAST(julianday({to}) - julianday({from}) AS INTEGER)"),
    }
}

/// A row selecting `g`, `k`, `v` and `n`.
fn row(r: &QueryResult) -> Result<Row, AppError> {
    Ok(Row {
        g: r.try_get::<Option<i64>>("", "g")?,
        k: r.try_get::<Option<String>>("", "k")?.unwrap_or_default(),
        v: r.try_get::<Option<i64>>("", "v")?.unwrap_or_default(),
        n: r.try_get::<Option<i64>>("", "n")?.unwrap_or_default(),
    })
}

/// The rows of a query selecting `g`, `k`, `v` and `n`.
async fn rows(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<Row>, AppError> {
    let read = db
        .query_all_raw(statement(db.get_database_backend(), sql, values))
        .await?;
    read.iter().map(row).collect()
}

/// `column IN (?, …)` over `ids`, or no condition at all when everyone counts.
fn among(column: &str, ids: &[i64], everyone: bool) -> (String, Vec<Value>) {
    if everyone {
        ("1 = 1".into(), vec![])
    } else if ids.is_empty() {
        ("1 = 0".into(), vec![])
    } else {
        (
            format!("{column} IN ({})", vec!["?"; ids.len()].join(", ")),
            ids.iter().map(|&id| id.into()).collect(),
        )
    }
}

impl Facts {
    /// Every count behind the dashboards of the spaces `ids` over `window`; `everyone`
    /// when the national commons is among them (its members are everyone's).
    pub async fn read(
        db: &impl ConnectionTrait,
        ids: &[i64],
        everyone: bool,
        window: &Window,
    ) -> Result<Facts, AppError> {
        let backend = db.get_database_backend();
        let bucket = |column: &str| bucket_of(backend, column, window.grain);
        let (from, today, from_time) = (window.from, window.today, window.from_time());
        // Members of a region are those whose home it is; of the national commons, everyone.
        let (members, member_ids) = among("m.home_region_id", ids, everyone);
        let with = |mut front: Vec<Value>, back: &[Value]| {
            front.extend(back.iter().cloned());
            front
        };
        let joined_bucket = bucket("m.joined_on");
        let joined = rows(
            db,
            &format!(
                "SELECT m.home_region_id AS g, {joined_bucket} AS k, CAST(0 AS BIGINT) AS v, COUNT(*) AS n
                 FROM member m WHERE {members} AND m.joined_on >= ?
                 GROUP BY m.home_region_id, {joined_bucket}"
            ),
            with(member_ids.clone(), &[from.into()]),
        )
        .await?;
        // Active: members who took part in a workshop or cast a ballot, anywhere, that
        // month. A member has one home, so a region's distinct counts add up to everyone's.
        let (p_bucket, b_bucket) = (bucket("p.joined_at"), bucket("b.cast_at"));
        let active = rows(
            db,
            &format!(
                "SELECT m.home_region_id AS g, t.k AS k, CAST(0 AS BIGINT) AS v, COUNT(DISTINCT t.person_id) AS n
                 FROM (
                     SELECT p.person_id AS person_id, {p_bucket} AS k FROM workshop_participant p
                     WHERE p.person_id IS NOT NULL AND p.removed_at IS NULL AND p.joined_at >= ?
                     UNION ALL
                     SELECT b.person_id AS person_id, {b_bucket} AS k FROM proposal_ballot b
                     WHERE b.cast_at >= ?
                 ) t JOIN member m ON m.person_id = t.person_id
                 WHERE {members} GROUP BY m.home_region_id, t.k"
            ),
            with(vec![from_time.into(), from_time.into()], &member_ids),
        )
        .await?;
        // Applications to join: those waiting at the end of each month, and how long those
        // decided waited. Withdrawn ones stop waiting when withdrawn and are not "decided".
        let (regions, region_ids) = among("a.region_id", ids, everyone);
        let stopped = "NOT (a.status = 'withdrawn' AND a.decided_at IS NULL)";
        let waiting_before = rows(
            db,
            &format!(
                "SELECT a.region_id AS g, '' AS k, CAST(0 AS BIGINT) AS v, COUNT(*) AS n
                 FROM membership_application a
                 WHERE {regions} AND {stopped} AND a.created_at < ?
                   AND (a.decided_at IS NULL OR a.decided_at >= ?)
                 GROUP BY a.region_id"
            ),
            with(region_ids.clone(), &[from_time.into(), from_time.into()]),
        )
        .await?;
        let applied_bucket = bucket("a.created_at");
        let since = with(region_ids.clone(), &[from_time.into()]);
        let applied = rows(
            db,
            &format!(
                "SELECT a.region_id AS g, {applied_bucket} AS k, CAST(0 AS BIGINT) AS v, COUNT(*) AS n
                 FROM membership_application a
                 WHERE {regions} AND {stopped} AND a.created_at >= ?
                 GROUP BY a.region_id, {applied_bucket}"
            ),
            since.clone(),
        )
        .await?;
        let decided_bucket = bucket("a.decided_at");
        let answered = rows(
            db,
            &format!(
                "SELECT a.region_id AS g, {decided_bucket} AS k, CAST(0 AS BIGINT) AS v, COUNT(*) AS n
                 FROM membership_application a
                 WHERE {regions} AND a.decided_at >= ?
                 GROUP BY a.region_id, {decided_bucket}"
            ),
            since.clone(),
        )
        .await?;
        let waited = days_between(backend, "a.created_at", "a.decided_at");
        let decision_days = rows(
            db,
            &format!(
                "SELECT a.region_id AS g, {decided_bucket} AS k, {waited} AS v, COUNT(*) AS n
                 FROM membership_application a
                 WHERE {regions} AND a.decided_at >= ? AND a.status IN ('approved', 'declined')
                 GROUP BY a.region_id, {decided_bucket}, {waited}"
            ),
            since,
        )
        .await?;
        // Members who left or were marked as lapsed, from the audit log (each is logged in
        // the member's home region when it happens).
        let (logged, log_ids) = among("a.space_id", ids, everyone);
        let at_bucket = bucket("a.at");
        let gone = rows(
            db,
            &format!(
                "SELECT a.space_id AS g, {at_bucket} AS k, CAST(0 AS BIGINT) AS v, COUNT(*) AS n FROM audit_log a
                 WHERE a.action IN ('membership.left', 'membership.lapsed') AND {logged}
                   AND a.at >= ?
                 GROUP BY a.space_id, {at_bucket}"
            ),
            with(log_ids, &[from_time.into()]),
        )
        .await?;
        // The balance among members: active members by perspective.
        let held = rows(
            db,
            &format!(
                "SELECT m.home_region_id AS g, mp.perspective AS k, CAST(0 AS BIGINT) AS v, COUNT(*) AS n
                 FROM member_perspective mp JOIN member m ON m.person_id = mp.person_id
                 WHERE m.status = 'active' AND {members}
                 GROUP BY m.home_region_id, mp.perspective"
            ),
            member_ids,
        )
        .await?;

        // What happened in the spaces themselves.
        let (at_workshop, workshop_ids) = among("w.space_id", ids, false);
        let held_bucket = bucket("w.held_on");
        let in_period = with(workshop_ids.clone(), &[from.into(), today.into()]);
        let workshops = rows(
            db,
            &format!(
                "SELECT w.space_id AS g, {held_bucket} AS k, CAST(0 AS BIGINT) AS v, COUNT(*) AS n FROM workshop w
                 WHERE {at_workshop} AND w.held_on >= ? AND w.held_on <= ?
                 GROUP BY w.space_id, {held_bucket}"
            ),
            in_period.clone(),
        )
        .await?;
        let came = rows(
            db,
            &format!(
                "SELECT w.space_id AS g, {held_bucket} AS k, CAST(0 AS BIGINT) AS v, COUNT(*) AS n
                 FROM workshop_participant p JOIN workshop w ON w.id = p.workshop_id
                 WHERE {at_workshop} AND w.held_on >= ? AND w.held_on <= ?
                   AND p.removed_at IS NULL
                 GROUP BY w.space_id, {held_bucket}"
            ),
            in_period.clone(),
        )
        .await?;
        // The balance among those who took part in workshops here.
        let took = rows(
            db,
            &format!(
                "SELECT w.space_id AS g, p.perspective AS k, CAST(0 AS BIGINT) AS v, COUNT(*) AS n
                 FROM workshop_participant p JOIN workshop w ON w.id = p.workshop_id
                 WHERE {at_workshop} AND w.held_on >= ? AND w.held_on <= ?
                   AND p.removed_at IS NULL AND p.perspective IS NOT NULL
                 GROUP BY w.space_id, p.perspective"
            ),
            in_period,
        )
        .await?;
        // Decisions closed, and their turnout: those who took part of those who could.
        let (at_proposal, proposal_ids) = among("p.space_id", ids, false);
        let closed_bucket = bucket("p.closed_at");
        let closed = |what: &str| {
            format!(
                "SELECT '{what}' AS what, p.space_id AS g, {closed_bucket} AS k, CAST(0 AS BIGINT) AS v,
                        {} AS n
                 FROM proposal p
                 WHERE {at_proposal} AND p.stage = 'closed' AND p.closed_at >= ?
                 GROUP BY p.space_id, {closed_bucket}",
                match what {
                    "took" => "SUM(COALESCE(p.took_part_count, 0))",
                    "could" => "SUM(COALESCE(p.eligible_count, 0))",
                    _ => "COUNT(*)",
                }
            )
        };
        let proposals = with(proposal_ids, &[from_time.into()]);
        let decisions = named(
            db,
            &[closed("decided"), closed("took"), closed("could")].join(" UNION ALL "),
            [proposals.clone(), proposals.clone(), proposals].concat(),
        )
        .await?;
        let of = |what: &str| -> Vec<Row> {
            decisions
                .iter()
                .filter(|(w, _)| w == what)
                .map(|(_, r)| r.clone())
                .collect()
        };
        let (decided, took_votes, could_vote) = (of("decided"), of("took"), of("could"));
        // Actions done, by each action's record of changes.
        let (at_action, action_ids) = among("x.space_id", ids, false);
        let done_bucket = bucket("e.at");
        let done = rows(
            db,
            &format!(
                "SELECT x.space_id AS g, {done_bucket} AS k, CAST(0 AS BIGINT) AS v, COUNT(*) AS n
                 FROM action_event e JOIN action x ON x.id = e.action_id
                 WHERE e.status = 'done' AND {at_action} AND e.at >= ?
                 GROUP BY x.space_id, {done_bucket}"
            ),
            with(action_ids, &[from_time.into()]),
        )
        .await?;
        let actions = actions(db, ids, window).await?;
        Ok(Facts {
            joined,
            active,
            waiting_before,
            applied,
            answered,
            decision_days,
            gone,
            held,
            workshops,
            came,
            took,
            decided,
            took_votes,
            could_vote,
            done,
            actions,
        })
    }
}

/// The rows of a query selecting `what` as well as `g`, `k`, `v` and `n`.
async fn named(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<(String, Row)>, AppError> {
    let read = db
        .query_all_raw(statement(db.get_database_backend(), sql, values))
        .await?;
    read.iter()
        .map(|r| Ok((r.try_get::<String>("", "what")?, row(r)?)))
        .collect()
}

/// The actions of the spaces `ids` over time, in one statement of grouped counts however
/// many actions and spaces there are; each row named by what it counts:
///
/// - `open_before`, `overdue_before`: open (not done or dropped), and overdue, at the
///   start of the period;
/// - `opened`, `ended`, `fell_due` (the day after it was due, or the day it was made if
///   that was later), `ended_overdue`: how many in each bucket since;
/// - `done`: by bucket done and days from made to done (`v`);
/// - `open`, `in_progress`: how many are in each state now.
///
/// An action ends when first done or dropped (by its record of changes; one closed
/// without a record ends when last changed).
async fn actions(
    db: &impl ConnectionTrait,
    ids: &[i64],
    window: &Window,
) -> Result<Vec<(String, Row)>, AppError> {
    let backend = db.get_database_backend();
    let (from, today) = (window.from, window.today);
    let postgres = backend == DbBackend::Postgres;
    let day = |c: &str| {
        if postgres {
            format!("CAST({c} AS DATE)")
        } else {
            format!("date({c})")
        }
    };
    let (next_day, later) = if postgres {
        ("CAST(x.due_on + 1 AS DATE)", "GREATEST")
    } else {
        ("date(x.due_on, '+1 day')", "MAX")
    };
    let (made, done_day, ended_day) = (
        day("x.created_at"),
        day("d.done_at"),
        day(
            "COALESCE(d.ended_at, CASE WHEN x.status IN ('done', 'dropped') THEN x.updated_at END)",
        ),
    );
    // The actions as a table kept once (MATERIALIZED, on both databases), then each count
    // read from it — a row per (what, space, bucket, value).
    let key = |c: &str| bucket_of(backend, c, window.grain);
    let took = if postgres {
        "CAST(t.done - t.made AS BIGINT)"
    } else {
        "CAST(julianday(t.done) - julianday(t.made) AS INTEGER)"
    };
    let by = |what: &str, column: &str, more: &str| {
        let k = key(column);
        format!(
            "SELECT '{what}' AS what, t.g AS g, {k} AS k, CAST(0 AS BIGINT) AS v, COUNT(*) AS n FROM t
             WHERE {column} >= ? AND {column} <= ? {more} GROUP BY t.g, {k}"
        )
    };
    let done_key = key("t.done");
    let (at_action, action_ids) = among("x.space_id", ids, false);
    let (at_action_now, _) = among("y.space_id", ids, false);
    let sql = format!(
        "WITH t AS MATERIALIZED (
             SELECT x.space_id AS g, {made} AS made, {ended_day} AS ended, {done_day} AS done,
                    {later}({made}, {next_day}) AS late
             FROM action x
             LEFT JOIN (SELECT e.action_id AS action_id,
                               MIN(CASE WHEN e.status = 'done' THEN e.at END) AS done_at,
                               MIN(e.at) AS ended_at
                        FROM action_event e WHERE e.status IN ('done', 'dropped')
                        GROUP BY e.action_id) d ON d.action_id = x.id
             WHERE {at_action})
         SELECT 'open_before' AS what, t.g AS g, '' AS k, CAST(0 AS BIGINT) AS v, COUNT(*) AS n FROM t
          WHERE t.made < ? AND (t.ended IS NULL OR t.ended >= ?) GROUP BY t.g
         UNION ALL
         SELECT 'overdue_before' AS what, t.g AS g, '' AS k, CAST(0 AS BIGINT) AS v, COUNT(*) AS n FROM t
          WHERE t.late < ? AND (t.ended IS NULL OR t.ended >= ?) GROUP BY t.g
         UNION ALL {opened}
         UNION ALL {ended}
         UNION ALL {fell_due}
         UNION ALL {ended_overdue}
         UNION ALL
         SELECT 'done' AS what, t.g AS g, {done_key} AS k, {took} AS v, COUNT(*) AS n FROM t
          WHERE t.done >= ? GROUP BY t.g, {done_key}, {took}
         UNION ALL
         SELECT y.status AS what, y.space_id AS g, '' AS k, CAST(0 AS BIGINT) AS v, COUNT(*) AS n FROM action y
          WHERE {at_action_now} AND y.status IN ('open', 'in_progress')
          GROUP BY y.space_id, y.status",
        opened = by("opened", "t.made", ""),
        ended = by("ended", "t.ended", ""),
        fell_due = by(
            "fell_due",
            "t.late",
            "AND (t.ended IS NULL OR t.ended > t.late)"
        ),
        ended_overdue = by("ended_overdue", "t.ended", "AND t.ended > t.late"),
    );
    let mut values = action_ids.clone();
    values.extend([from.into(), from.into(), from.into(), from.into()]);
    for _ in 0..4 {
        values.extend([Value::from(from), Value::from(today)]);
    }
    values.push(from.into());
    values.extend(action_ids);
    named(db, &sql, values).await
}
