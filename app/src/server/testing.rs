//! Test databases: an in-memory SQLite always, and a fresh PostgreSQL schema when
//! `TEST_DATABASE_URL` is set, each with the real migrations applied.
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::future::Future;

/// Run `test` once per database. A PostgreSQL schema is dropped after a passing run;
/// one left by a failing run is named `qc_test_…` and is swept by `.ci/run`.
pub async fn for_each_database<F, Fut>(test: F)
where
    F: Fn(DatabaseConnection) -> Fut,
    Fut: Future<Output = ()>,
{
    let sqlite = super::db::connect("sqlite::memory:")
        .await
        .expect("in-memory SQLite");
    test(sqlite).await;

    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        return;
    };
    if url.is_empty() {
        return;
    }
    let schema = format!(
        "qc_test_{}",
        super::tokens::new_secret()
            .to_lowercase()
            .replace(['-', '_'], "")[..16]
            .to_owned()
    );
    let admin = super::db::connect_with(&url, None)
        .await
        .expect("PostgreSQL at TEST_DATABASE_URL");
    admin
        .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
        .await
        .expect("create test schema");
    let db = super::db::connect_with(&url, Some(&schema))
        .await
        .expect("connect to test schema");
    super::db::migrate(&db).await.expect("migrate test schema");
    test(db.clone()).await;
    db.close().await.ok();
    admin
        .execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE"))
        .await
        .expect("drop test schema");
}

/// A second app server on the same database: on PostgreSQL its own pool and live bus
/// (listening for itself), as another machine would have; on SQLite (one app server)
/// the same ones.
pub async fn second_server(
    db: &DatabaseConnection,
    first: &crate::server::live::Live,
) -> (DatabaseConnection, crate::server::live::Live) {
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return (db.clone(), first.clone());
    }
    let direct = db.get_postgres_connection_pool().connect_options();
    second_server_through(db, (direct.get_host(), direct.get_port())).await
}

/// A second app server on PostgreSQL that reaches the database at `addr` (say, through a
/// relay that can cut it off), with the pool wait the app uses.
pub async fn second_server_through(
    db: &DatabaseConnection,
    (host, port): (&str, u16),
) -> (DatabaseConnection, crate::server::live::Live) {
    let schema: String = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT current_schema() AS s",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get("", "s")
        .unwrap();
    let opts = (*db.get_postgres_connection_pool().connect_options())
        .clone()
        .host(host)
        .port(port)
        .options([("search_path", schema)]);
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(super::db::DATABASE_WAIT)
        .connect_with(opts)
        .await
        .unwrap();
    let other = sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(pool);
    let live = crate::server::live::Live::start(&other).await.unwrap();
    (other, live)
}

/// A demo account signed in: the person, and the `Cookie` header value a browser would
/// send for their new session (for router tests and benches).
pub async fn signed_in(
    db: &DatabaseConnection,
    email: &str,
) -> (crate::server::entities::person::Model, String) {
    use crate::server::services::{accounts, sessions};
    let person = accounts::find_by_email(db, email)
        .await
        .expect("a person read")
        .unwrap_or_else(|| panic!("no account for {email}"));
    let secret = sessions::create(db, person.id).await.expect("a session");
    (person, format!("qc_session={secret}"))
}
