//! A signed-in page reads who is asking — their session, membership and roles — once,
//! however many parts of the page ask (the frame's account links, the page's own data,
//! a panel only some may see). What it read is kept for the next requests while the
//! database's count of changes stands, so a region's page costs one small read; a role
//! that ended or an application withdrawn, however it was written, is gone from the very
//! next page.
use app::server::db;
use app::server::entities::{membership_application, role, space};
use app::server::services::demo;
use http::StatusCode;
use http_body_util::BodyExt;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use std::sync::{Arc, Mutex};

mod common;

async fn page(app: &axum::Router, path: &str, cookie: &str) -> String {
    let res = common::get_with_cookie(app, path, cookie).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let body = res.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&body).into_owned()
}

/// How many of the statements run read from `table`.
fn reading(statements: &[String], table: &str) -> usize {
    let from = format!("FROM \"{table}\"");
    statements.iter().filter(|s| s.contains(&from)).count()
}

#[tokio::test]
async fn a_region_page_reads_who_is_asking_once_and_again_on_the_next_request() {
    let database = db::connect("sqlite::memory:").await.unwrap();
    demo::seed_if_empty(&database).await.unwrap();
    let (hein, cookie) =
        app::server::testing::signed_in(&database, "hein@demo.q-commons.org").await;
    let statements = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = statements.clone();
    let mut watched = database.clone();
    watched.set_metric_callback(move |info| {
        seen.lock().unwrap().push(info.statement.sql.clone());
    });
    let (app, _) = common::app_on(watched, "http://127.0.0.1:3000").await;

    // The first visit also fills what every server keeps (spaces, role holders, settings).
    let first = page(&app, "/spaces/west-of-england", &cookie).await;
    assert!(first.contains("Signed in as"), "{first}");
    statements.lock().unwrap().clear();
    let again = page(&app, "/spaces/west-of-england", &cookie).await;
    let run = statements.lock().unwrap().clone();
    // Hein convenes the region: the page shows him its applications and its activity.
    assert!(
        again.contains("Applications waiting for a decision"),
        "{again}"
    );
    assert_eq!(
        run.len(),
        1,
        "only the database's count of changes: who is asking and what the region shows \
         are kept while it stands: {run:#?}"
    );
    assert!(run[0].contains("change_counter"), "{run:#?}");

    // An application arrives, written straight to the database (as another app server
    // would): the very next page shows it.
    let reason = "I sit on our discharge lounge's patient panel and want to share it.";
    let west = space::Entity::find()
        .filter(space::Column::Slug.eq("west-of-england"))
        .one(&database)
        .await
        .unwrap()
        .unwrap();
    assert!(!again.contains("discharge lounge"), "{again}");
    membership_application::ActiveModel {
        person_id: Set(hein.id),
        region_id: Set(west.id),
        perspectives: Set("patient".into()),
        reason: Set(reason.into()),
        status: Set("pending".into()),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&database)
    .await
    .unwrap();
    statements.lock().unwrap().clear();
    let after_applying = page(&app, "/spaces/west-of-england", &cookie).await;
    assert!(
        after_applying.contains("discharge lounge"),
        "a new application is on the next page: {after_applying}"
    );
    let run = statements.lock().unwrap().clone();
    assert_eq!(reading(&run, "session"), 1, "read afresh: {run:#?}");
    assert_eq!(reading(&run, "role"), 1, "the roles, once: {run:#?}");
    assert_eq!(
        reading(&run, "space"),
        0,
        "spaces come from what the server keeps: {run:#?}"
    );

    // Hein's term as convener ends, in the database alone. The next page asks again and no
    // longer offers him the convener's panels: what is kept of who is asking is trusted
    // only while the database counts no change to it.
    let held = role::Entity::find()
        .filter(role::Column::PersonId.eq(hein.id))
        .all(&database)
        .await
        .unwrap();
    assert!(!held.is_empty());
    for r in held {
        let mut ended: role::ActiveModel = r.into();
        ended.ends_on = Set(Some(chrono::Utc::now().date_naive() - chrono::Days::new(1)));
        ended.update(&database).await.unwrap();
    }
    let after = page(&app, "/spaces/west-of-england", &cookie).await;
    assert!(after.contains("Signed in as"), "{after}");
    assert!(
        !after.contains("Applications waiting for a decision"),
        "a convener whose term ended sees no applications: {after}"
    );
}
