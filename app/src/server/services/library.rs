//! The learning library: what the community has learned, searchable by text, space and
//! kind — trials (with what was learned), workshop reports (title, purpose and themes)
//! and decisions taken. For the community's members; each entry links to its own page,
//! which decides what that reader may see of it.
use crate::domain::proposal::Stage;
use crate::domain::trial::TrialStatus;
use crate::error::AppError;
use crate::model::trials::{LibraryEntry, LibraryPage};
use crate::server::entities::{proposal, space, trial, workshop, workshop_theme};
use crate::server::services::directory::like_pattern;
use crate::server::services::membership;
use crate::server::services::workshops::archive::QUERY_MAX;
use crate::server::time;
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// The most entries of each kind one search shows.
const SHOWN: u64 = 30;

const KINDS: &[(&str, &str)] = &[
    ("trial", "Trials"),
    ("workshop", "Workshop reports"),
    ("decision", "Decisions"),
];

fn lower(col: impl sea_orm::sea_query::IntoColumnRef) -> SimpleExpr {
    Expr::expr(Func::lower(Expr::col(col))).into()
}

fn matches(cols: Vec<SimpleExpr>, q: &str) -> Condition {
    let mut any = Condition::any();
    for c in cols {
        any = any.add(c.like(LikeExpr::new(like_pattern(q)).escape('\\')));
    }
    any
}

fn short(text: &str) -> String {
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > 240 {
        format!("{}…", text.chars().take(240).collect::<String>())
    } else {
        text
    }
}

/// Search the library: `q` in the text (empty: everything, newest first), within the space
/// `space` (a slug; empty: every space) and of the kind `kind` (empty: every kind).
pub async fn search(
    db: &DatabaseConnection,
    viewer_id: i64,
    q: &str,
    space_slug: &str,
    kind: &str,
) -> Result<LibraryPage, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let q = q.trim();
    if q.chars().count() > QUERY_MAX {
        return Err(AppError::invalid(
            "q",
            format!("Search for at most {QUERY_MAX} characters."),
        ));
    }
    let spaces = space::Entity::find()
        .order_by_asc(space::Column::Name)
        .all(db)
        .await?;
    let within = match space_slug.trim() {
        "" => None,
        slug => Some(
            spaces
                .iter()
                .find(|s| s.slug == slug)
                .map(|s| s.id)
                .ok_or_else(|| AppError::invalid("space", "Choose a space from the list."))?,
        ),
    };
    let kind = kind.trim();
    if !kind.is_empty() && !KINDS.iter().any(|(k, _)| *k == kind) {
        return Err(AppError::invalid("kind", "Choose a kind from the list."));
    }
    let wants = |k: &str| kind.is_empty() || kind == k;
    let name_of: HashMap<i64, String> = spaces.iter().map(|s| (s.id, s.name.clone())).collect();
    let space_name = |id: Option<i64>| {
        id.and_then(|i| name_of.get(&i).cloned())
            .unwrap_or_default()
    };
    // (date for ordering, entry)
    let mut found: Vec<(NaiveDate, LibraryEntry)> = vec![];

    if wants("trial") {
        let mut filter = Condition::all();
        if let Some(s) = within {
            filter = filter.add(trial::Column::SpaceId.eq(s));
        }
        if !q.is_empty() {
            filter = filter.add(matches(
                vec![
                    lower((trial::Entity, trial::Column::Title)),
                    lower((trial::Entity, trial::Column::Aim)),
                    lower((trial::Entity, trial::Column::Change)),
                    lower((trial::Entity, trial::Column::Learned)),
                ],
                q,
            ));
        }
        for t in trial::Entity::find()
            .filter(filter)
            .order_by_desc(trial::Column::StartedAt)
            .limit(SHOWN)
            .all(db)
            .await?
        {
            let status = TrialStatus::from_code(&t.status).unwrap_or(TrialStatus::Running);
            let on = t.started_at.date_naive();
            found.push((
                on,
                LibraryEntry {
                    kind: format!("Trial · {}", status.label()),
                    href: format!("/trials/{}", t.id),
                    space_name: space_name(Some(t.space_id)),
                    on: time::day(on),
                    summary: short(t.learned.as_deref().unwrap_or(&t.aim)),
                    title: t.title,
                },
            ));
        }
    }
    if wants("workshop") {
        let mut filter = Condition::all().add(workshop::Column::Finished.eq(true));
        if let Some(s) = within {
            filter = filter.add(workshop::Column::SpaceId.eq(s));
        }
        if !q.is_empty() {
            filter = filter.add(
                matches(
                    vec![
                        lower((workshop::Entity, workshop::Column::Title)),
                        lower((workshop::Entity, workshop::Column::Purpose)),
                    ],
                    q,
                )
                .add(
                    workshop::Column::Id.in_subquery(
                        Query::select()
                            .column(workshop_theme::Column::WorkshopId)
                            .from(workshop_theme::Entity)
                            .cond_where(matches(
                                vec![lower((
                                    workshop_theme::Entity,
                                    workshop_theme::Column::Name,
                                ))],
                                q,
                            ))
                            .to_owned(),
                    ),
                ),
            );
        }
        for w in workshop::Entity::find()
            .filter(filter)
            .order_by_desc(workshop::Column::HeldOn)
            .limit(SHOWN)
            .all(db)
            .await?
        {
            found.push((
                w.held_on,
                LibraryEntry {
                    kind: "Workshop report".into(),
                    href: format!("/workshops/{}/report", w.id),
                    space_name: space_name(w.space_id),
                    on: time::day(w.held_on),
                    summary: short(&w.purpose),
                    title: w.title,
                },
            ));
        }
    }
    if wants("decision") {
        let mut filter = Condition::all().add(proposal::Column::Stage.eq(Stage::Closed.code()));
        if let Some(s) = within {
            filter = filter.add(proposal::Column::SpaceId.eq(s));
        }
        if !q.is_empty() {
            filter = filter.add(matches(
                vec![
                    lower((proposal::Entity, proposal::Column::Title)),
                    lower((proposal::Entity, proposal::Column::Body)),
                    lower((proposal::Entity, proposal::Column::Outcome)),
                ],
                q,
            ));
        }
        for p in proposal::Entity::find()
            .filter(filter)
            .order_by_desc(proposal::Column::ClosedAt)
            .limit(SHOWN)
            .all(db)
            .await?
        {
            let on = p.closed_at.unwrap_or(p.created_at).date_naive();
            found.push((
                on,
                LibraryEntry {
                    kind: "Decision".into(),
                    href: format!("/proposals/{}", p.id),
                    space_name: space_name(Some(p.space_id)),
                    on: time::day(on),
                    summary: short(p.outcome.as_deref().or(p.result.as_deref()).unwrap_or("")),
                    title: p.title,
                },
            ));
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0));
    Ok(LibraryPage {
        q: q.to_owned(),
        space: within
            .map(|_| space_slug.trim().to_owned())
            .unwrap_or_default(),
        kind: kind.to_owned(),
        spaces: spaces
            .iter()
            .map(|s| (s.slug.clone(), s.name.clone()))
            .collect(),
        kinds: KINDS
            .iter()
            .map(|(k, l)| ((*k).to_owned(), (*l).to_owned()))
            .collect(),
        entries: found.into_iter().map(|(_, e)| e).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::services::{accounts, demo, trials};
    use crate::server::testing::for_each_database;
    use chrono::Utc;
    use sea_orm::{ActiveModelTrait, Set};

    async fn id_of(db: &DatabaseConnection, email: &str) -> i64 {
        accounts::find_by_email(db, email)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    fn titles(page: &LibraryPage) -> Vec<String> {
        page.entries.iter().map(|e| e.title.clone()).collect()
    }

    #[tokio::test]
    async fn the_library_finds_trials_reports_and_decisions_by_text_space_and_kind() {
        for_each_database(async |db| {
            demo::seed_if_empty(&db).await.unwrap();
            let sam = id_of(&db, "sam@demo.q-commons.org").await;
            let stranger = accounts::register(
                &db,
                "Stranger",
                "stranger@example.org",
                "long enough secret",
            )
            .await
            .unwrap()
            .id;
            let west = space::Entity::find()
                .filter(space::Column::Slug.eq("west-of-england"))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            let t = trials::start(
                &db,
                sam,
                "west-of-england",
                &trials::TrialForm {
                    title: "Evening workshops".into(),
                    aim: "More patients at workshops.".into(),
                    change: "Meet at 18:00.".into(),
                    review_on: "2027-03-01".into(),
                    measures: vec![],
                },
            )
            .await
            .unwrap();
            trials::conclude(
                &db,
                sam,
                t.id,
                "adopted",
                "Paying travel up front mattered most.",
            )
            .await
            .unwrap();
            // A finished workshop whose theme, not its title, speaks of transport; and one
            // still running, which has no report yet.
            let now = Utc::now();
            let mut ids = vec![];
            for (title, finished) in [("Winter listening event", true), ("Open session", false)] {
                let w = workshop::ActiveModel {
                    space_id: Set(Some(west.id)),
                    title: Set(title.into()),
                    purpose: Set("Hear what matters.".into()),
                    held_on: Set(now.date_naive()),
                    join_code: Set(format!("LIB{}", ids.len())),
                    facilitator_id: Set(sam),
                    seq: Set(0),
                    finished: Set(finished),
                    finished_at: Set(finished.then_some(now)),
                    locked: Set(false),
                    revealed: Set(true),
                    anonymous: Set(true),
                    notes_visible: Set(true),
                    results_live: Set(false),
                    participants_theme: Set(false),
                    code_days: Set(1),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(&db)
                .await
                .unwrap();
                workshop_theme::ActiveModel {
                    workshop_id: Set(w.id),
                    name: Set("Transport home".into()),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(&db)
                .await
                .unwrap();
                ids.push(w.id);
            }

            // By text, whatever its case: a trial by what was learned, a report by a theme.
            let found = search(&db, sam, "TRAVEL UP FRONT", "", "").await.unwrap();
            assert_eq!(titles(&found), vec!["Evening workshops"]);
            assert_eq!(found.entries[0].kind, "Trial · Adopted");
            assert_eq!(found.entries[0].href, format!("/trials/{}", t.id));
            let found = search(&db, sam, "transport", "", "").await.unwrap();
            assert_eq!(
                titles(&found),
                vec!["Winter listening event"],
                "only the finished one"
            );
            // By kind and by space.
            let decisions = search(&db, sam, "", "", "decision").await.unwrap();
            assert!(!decisions.entries.is_empty());
            assert!(decisions.entries.iter().all(|e| e.kind == "Decision"));
            let elsewhere = search(&db, sam, "evening", "south-west", "").await.unwrap();
            assert!(elsewhere.entries.is_empty());
            let here = search(&db, sam, "evening", "west-of-england", "trial")
                .await
                .unwrap();
            assert_eq!(titles(&here), vec!["Evening workshops"]);
            // A search with wildcards in it looks for them as they are.
            assert!(
                search(&db, sam, "%", "", "")
                    .await
                    .unwrap()
                    .entries
                    .is_empty()
            );
            // Bad input is refused; strangers read nothing.
            assert!(matches!(
                search(&db, sam, "", "", "gossip").await,
                Err(AppError::Invalid(_))
            ));
            assert!(matches!(
                search(&db, sam, "", "nowhere", "").await,
                Err(AppError::Invalid(_))
            ));
            assert!(matches!(
                search(&db, sam, &"x".repeat(QUERY_MAX + 1), "", "").await,
                Err(AppError::Invalid(_))
            ));
            assert_eq!(
                search(&db, stranger, "", "", "").await.unwrap_err(),
                AppError::Forbidden
            );
        })
        .await;
    }
}
