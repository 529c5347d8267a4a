//! The home page as everyone not signed in sees it is kept rendered, and goes the moment
//! the structure it shows changes; every answer still carries its own security headers.
//! (Which requests may be answered from it: `app::server::page_cache`'s unit tests.)
use axum::body::Body;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use tower::ServiceExt;

mod common;

async fn home(app: &axum::Router) -> (String, String) {
    let res = app
        .clone()
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (String::from_utf8_lossy(&body).into_owned(), csp)
}

#[tokio::test]
async fn the_anonymous_home_page_is_kept_until_the_structure_changes() {
    use app::server::entities::space;
    let (app, state) = common::app_and_state("http://127.0.0.1:3000").await;
    app::server::services::demo::seed_if_empty(&state.db)
        .await
        .unwrap();
    let (first, first_csp) = home(&app).await;
    assert!(first.contains("West of England"), "{first}");

    // Renamed behind the services' backs: nothing has told the cache yet.
    let region = space::Entity::find()
        .filter(space::Column::Slug.eq("west-of-england"))
        .one(&state.db)
        .await
        .unwrap()
        .unwrap();
    let mut renamed: space::ActiveModel = region.into();
    renamed.name = Set("Severn and Avon".into());
    renamed.update(&state.db).await.unwrap();

    let (kept, kept_csp) = home(&app).await;
    assert_eq!(
        kept, first,
        "the second anonymous visit is answered from memory"
    );
    // A browser that reads brotli gets the copy compressed when the page was kept.
    let res = app
        .clone()
        .oneshot(
            Request::get("/")
                .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
    let compressed = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(common::unbrotli(&compressed), first);
    assert_ne!(
        kept_csp, first_csp,
        "each answer has its own policy and nonce"
    );
    assert!(
        !kept.contains("nonce"),
        "no script with another answer's nonce"
    );

    // What every service does after changing the structure.
    state.live.structure_changed(&state.db).await;
    let (after, _) = home(&app).await;
    // The region's own link, whether or not a hydration marker (`<!>`) follows its text.
    assert!(after.contains(">Severn and Avon<") && !after.contains(">West of England<"));
}
