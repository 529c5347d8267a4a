//! Workshop report benchmark: a finished workshop with P participants (spread across the
//! perspectives), N notes, 20 themes, a dot vote, every participant rating every theme, a
//! poll, reflections and actions. Its report page is served over HTTP by the real app and
//! rendered server-side for the facilitator; so is the CSV export. Prints p50/p95/p99 and
//! the SQL queries one page costs, for a small and the full-size workshop, so that the
//! count can be seen not to grow with the notes.
//!
//! `cargo bench -p server --bench workshop_report`; BENCH_DATABASE_URL runs it on
//! PostgreSQL.
mod common;

use app::domain::membership::Perspective;
use app::domain::workshop::board::Settings;
use app::domain::workshop::responses::ReflectionPrompt;
use app::domain::workshop::{ActivityKind, Control};
use app::server::auth::Who;
use app::server::db;
use app::server::entities::{
    action, action_event, workshop_dot, workshop_note, workshop_participant, workshop_poll_choice,
    workshop_rating, workshop_reflection, workshop_theme,
};
use app::server::services::workshops::{self, ActivityForm, WorkshopForm};
use app::server::services::{accounts, demo, sessions};
use chrono::Utc;
use common::{load, ms};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Set};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const THEMES: usize = 20;

async fn seed(db: &DatabaseConnection, participants: usize, notes: usize) -> (i64, i64) {
    demo::seed_if_empty(db).await.expect("demo data");
    let hein = accounts::find_by_email(db, "hein@demo.q-commons.org")
        .await
        .unwrap()
        .unwrap();
    let who = Who {
        person: Some(hein.clone()),
        device_token: None,
    };
    let w = workshops::create(
        db,
        &hein,
        &WorkshopForm {
            title: "Getting home from hospital".into(),
            purpose: "What makes leaving hospital go well.".into(),
            held_on: "2026-12-01".into(),
            space: "west-of-england".into(),
            prompt: "What gets in the way?".into(),
            template: None,
            settings: Settings::default(),
        },
    )
    .await
    .expect("workshop");
    let live = app::server::live::Live::start(db).await.unwrap();
    for (kind, prompt, options) in [
        ("prioritise", "Impact and effort?", ""),
        (
            "poll",
            "Which first?",
            "Transport\nMedicines\nLetters\nSomething else",
        ),
        ("reflection", "Looking back", ""),
    ] {
        let f = ActivityForm {
            kind: kind.into(),
            prompt: prompt.into(),
            budget: "5".into(),
            cap: String::new(),
            target: "themes".into(),
            options: options.into(),
            multiple: false,
        };
        workshops::add_activity(db, &live, w.id, &who, &f)
            .await
            .expect("activity");
    }
    let agenda = workshops::activities(db, w.id).await.unwrap();
    let id_of = |k: ActivityKind| agenda.iter().find(|a| a.kind == k).unwrap();
    let (capture, vote, prioritise, poll, reflection) = (
        id_of(ActivityKind::IdeaCapture).id,
        id_of(ActivityKind::DotVote).id,
        id_of(ActivityKind::Prioritise).id,
        id_of(ActivityKind::Poll),
        id_of(ActivityKind::Reflection).id,
    );
    let now = Utc::now();
    let themes: Vec<i64> = {
        workshop_theme::Entity::insert_many((0..THEMES).map(|i| workshop_theme::ActiveModel {
            workshop_id: Set(w.id),
            name: Set(format!("Theme {i}")),
            created_at: Set(now),
            ..Default::default()
        }))
        .exec(db)
        .await
        .unwrap();
        workshops::report::input(
            db,
            w.id,
            &who,
            now.date_naive(),
            workshops::report::Detail::Summary,
        )
        .await
        .unwrap()
        .themes
        .iter()
        .map(|t| t.id)
        .collect()
    };
    for chunk in (0..participants).collect::<Vec<_>>().chunks(200) {
        workshop_participant::Entity::insert_many(chunk.iter().map(|i| {
            let p = Perspective::ALL[i % Perspective::ALL.len()];
            workshop_participant::ActiveModel {
                workshop_id: Set(w.id),
                person_id: Set(None),
                device_token_hash: Set(Some(format!("{:064x}", i))),
                display_name: Set(format!("Guest {i}")),
                perspective: Set((i % 10 != 9).then(|| p.code().to_owned())),
                joined_at: Set(now),
                ..Default::default()
            }
        }))
        .exec(db)
        .await
        .unwrap();
    }
    let first: i64 = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT MIN(id) FROM workshop_participant WHERE workshop_id = {}",
                w.id
            ),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    let pid = |i: usize| first + i as i64;
    for chunk in (0..notes).collect::<Vec<_>>().chunks(500) {
        workshop_note::Entity::insert_many(chunk.iter().map(|n| workshop_note::ActiveModel {
            workshop_id: Set(w.id),
            activity_id: Set(capture),
            participant_id: Set(pid(n % participants)),
            body: Set(format!(
                "Idea number {n}: the discharge letter came late, again"
            )),
            theme_id: Set(Some(themes[n % THEMES])),
            client_key: Set(format!("k{n}")),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }))
        .exec(db)
        .await
        .unwrap();
    }
    let mut dots = Vec::new();
    let mut ratings = Vec::new();
    for i in 0..participants {
        // Each perspective leans its own way, so the breakdown and divergence have work.
        let lean = i % Perspective::ALL.len();
        dots.push((pid(i), themes[lean % THEMES], 3));
        dots.push((pid(i), themes[(i * 7 + 1) % THEMES], 2));
        for (t, theme) in themes.iter().enumerate() {
            ratings.push(workshop_rating::ActiveModel {
                activity_id: Set(prioritise),
                participant_id: Set(pid(i)),
                theme_id: Set(*theme),
                impact: Set(((i + t) % 5 + 1) as i16),
                effort: Set(((i * 3 + t) % 5 + 1) as i16),
            });
        }
    }
    dots.sort();
    dots.dedup_by_key(|d| (d.0, d.1));
    for chunk in dots.chunks(500) {
        workshop_dot::Entity::insert_many(chunk.iter().map(|(p, item, n)| {
            workshop_dot::ActiveModel {
                activity_id: Set(vote),
                participant_id: Set(*p),
                item: Set(*item),
                dots: Set(*n),
            }
        }))
        .exec(db)
        .await
        .unwrap();
    }
    for chunk in ratings.chunks(1000) {
        workshop_rating::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .unwrap();
    }
    for chunk in (0..participants).collect::<Vec<_>>().chunks(500) {
        workshop_poll_choice::Entity::insert_many(chunk.iter().map(|i| {
            workshop_poll_choice::ActiveModel {
                activity_id: Set(poll.id),
                participant_id: Set(pid(*i)),
                option_id: Set(poll.options[i % poll.options.len()].id),
            }
        }))
        .exec(db)
        .await
        .unwrap();
        workshop_reflection::Entity::insert_many(chunk.iter().map(|i| {
            workshop_reflection::ActiveModel {
                workshop_id: Set(w.id),
                activity_id: Set(reflection),
                participant_id: Set(pid(*i)),
                prompt: Set(ReflectionPrompt::ALL[i % 3].code().into()),
                body: Set(format!("Reflection {i}: asking carers first helped")),
                anonymous: Set(i % 4 == 0),
                client_key: Set(format!("r{i}")),
                created_at: Set(now),
                ..Default::default()
            }
        }))
        .exec(db)
        .await
        .unwrap();
    }
    for (i, theme) in themes.iter().enumerate() {
        let a = action::Entity::insert(action::ActiveModel {
            workshop_id: Set(Some(w.id)),
            space_id: Set(w.space_id),
            theme_id: Set(Some(*theme)),
            note_id: Set(None),
            title: Set(format!("Follow up theme {i}")),
            owner_id: Set(hein.id),
            due_on: Set(now.date_naive()),
            status: Set("open".into()),
            created_by: Set(hein.id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .exec(db)
        .await
        .unwrap();
        action_event::Entity::insert(action_event::ActiveModel {
            action_id: Set(a.last_insert_id),
            status: Set("open".into()),
            by_id: Set(hein.id),
            at: Set(now),
            ..Default::default()
        })
        .exec(db)
        .await
        .unwrap();
    }
    workshops::control(db, &live, w.id, &who, Control::Start)
        .await
        .unwrap();
    for _ in 0..agenda.len() {
        workshops::control(db, &live, w.id, &who, Control::Advance)
            .await
            .unwrap();
    }
    (w.id, hein.id)
}

/// The database for one size: BENCH_DATABASE_URL (PostgreSQL, a database of its own: each
/// run adds its workshops), else a fresh SQLite file.
async fn connect(size: usize) -> (DatabaseConnection, Option<std::path::PathBuf>) {
    match std::env::var("BENCH_DATABASE_URL") {
        Ok(url) if !url.is_empty() => (db::connect(&url).await.expect("PostgreSQL"), None),
        _ => {
            let dir =
                std::env::temp_dir().join(format!("qc-bench-report-{}-{size}", std::process::id()));
            let url = format!("sqlite://{}/bench.db", dir.display());
            (db::connect(&url).await.expect("database"), Some(dir))
        }
    }
}

#[tokio::main]
async fn main() {
    let on = if std::env::var("BENCH_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "Workshop report on {on}: signed in as the facilitator; 2 connections, 3 s per page after 0.5 s warm-up, on 2 cores.\n"
    );
    println!(
        "{:>12} {:>6}  {:<22} {:>8} {:>10} {:>10} {:>10} {:>8} {:>9}",
        "participants", "notes", "page", "req/s", "p50", "p95", "p99", "queries", "KiB"
    );
    for (participants, notes) in [(50usize, 200usize), (500, 2_000)] {
        let (mut database, dir) = connect(participants).await;
        let (id, hein) = seed(&database, participants, notes).await;
        let cookie = format!(
            "qc_session={}",
            sessions::create(&database, hein).await.unwrap()
        );
        let queries = Arc::new(AtomicUsize::new(0));
        let counter = queries.clone();
        database.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let live = app::server::live::Live::start(&database).await.unwrap();
        let base = common::serve_app(database.clone(), live).await;
        let client = common::client();
        for (label, path) in [
            ("report page (SSR)", format!("/workshops/{id}/report")),
            ("CSV export", format!("/workshops/{id}/report.csv")),
        ] {
            let url = format!("{base}{path}");
            queries.store(0, Ordering::Relaxed);
            let (status, body) = common::get(&client, &url, Some(&cookie)).await;
            let per_page = queries.load(Ordering::Relaxed);
            assert!(status.is_success(), "{label}: {status}");
            assert!(
                path.ends_with(".csv") || body.contains("Where views diverged most"),
                "{label}: the report did not render"
            );
            load(&client, &url, Some(&cookie), 2, Duration::from_millis(500)).await;
            let s = load(&client, &url, Some(&cookie), 2, Duration::from_secs(3)).await;
            assert_eq!(s.errors, 0, "{label}: errors under load");
            println!(
                "{participants:>12} {notes:>6}  {label:<22} {:>8.0} {:>10} {:>10} {:>10} {:>8} {:>9}",
                s.rps(),
                ms(s.pct(0.5)),
                ms(s.pct(0.95)),
                ms(s.pct(0.99)),
                per_page,
                body.len() / 1024
            );
        }
        if let Some(dir) = dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
