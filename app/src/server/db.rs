//! Connecting to SQLite (the embedded default) or PostgreSQL, and migrating at start-up.
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};
use std::time::Duration;

/// Whether the database refused a row because a unique key already holds its value: the
/// one database error that means "someone else got there first", not a fault.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// A database error as the app's error, with a unique-key violation told apart as the
/// conflict given (a retry or a race that the unique key settled), not a fault.
pub fn conflict_on_unique(
    field: &'static str,
    message: &'static str,
) -> impl FnOnce(DbErr) -> crate::error::AppError {
    move |err| {
        if is_unique_violation(&err) {
            crate::error::AppError::conflict(field, message)
        } else {
            err.into()
        }
    }
}

/// How long a request waits for a PostgreSQL connection before it is told the database is
/// unavailable.
pub const DATABASE_WAIT: Duration = Duration::from_secs(3);

pub fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

fn is_sqlite_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// The file a `sqlite:` URL points at, if it is a file.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    if is_sqlite_memory(url) {
        return None;
    }
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty()).then(|| path.into())
}

/// Connect with the pool settings this app wants, then bring the schema up to date.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let db = connect_with(url, None).await?;
    migrate(&db).await?;
    Ok(db)
}

/// Connect without migrating: a backup before an upgrade must copy the database as it is.
pub async fn open_as_is(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, None).await
}

pub(crate) async fn connect_with(
    url: &str,
    search_path: Option<&str>,
) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    // QC_LOG_SQL=1 with RUST_LOG=sqlx::query=info logs every statement and its time.
    opts.sqlx_logging(std::env::var_os("QC_LOG_SQL").is_some())
        .min_connections(1);
    if let Some(schema) = search_path {
        opts.set_schema_search_path(schema.to_owned());
    }
    if is_sqlite(url) {
        if let Some(parent) = sqlite_file(url)
            .as_deref()
            .and_then(std::path::Path::parent)
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)
                .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", parent.display())))?;
        }
        // Every connection to `sqlite::memory:` is its own database: keep to one.
        opts.max_connections(if is_sqlite_memory(url) { 1 } else { 8 })
            .acquire_timeout(Duration::from_secs(10));
        opts.map_sqlx_sqlite_opts(|o| {
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    } else {
        // A request waits this long for a connection: long enough to ride out a restart of
        // PostgreSQL (the pool keeps trying to connect meanwhile), short enough that a
        // longer outage is a prompt 503 with `Retry-After`, not a hang.
        opts.max_connections(16).acquire_timeout(DATABASE_WAIT);
    }
    Database::connect(opts).await
}

/// Begin a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a transaction that reads first and writes later could otherwise
/// find, under WAL, that another connection wrote in between, and fail at once instead of
/// waiting its turn. PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Run pending migrations. On PostgreSQL an advisory lock makes several app servers
/// starting at once take turns instead of racing.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        let txn_free_lock = "SELECT pg_advisory_lock(7263001)";
        // The lock is held by one connection: run the migrations on that same connection.
        let conn = sea_orm::TransactionTrait::begin(db).await?;
        conn.execute_unprepared(txn_free_lock).await?;
        let result = Migrator::up(&conn, None).await;
        conn.execute_unprepared("SELECT pg_advisory_unlock(7263001)")
            .await?;
        conn.commit().await?;
        result
    } else {
        Migrator::up(db, None).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_file("sqlite://data/q.db?mode=rwc").unwrap().to_str(),
            Some("data/q.db")
        );
        assert_eq!(sqlite_file("sqlite:q.db").unwrap().to_str(), Some("q.db"));
        assert!(sqlite_file("sqlite::memory:").is_none());
        assert!(is_sqlite("sqlite::memory:"));
        assert!(!is_sqlite("postgres://localhost/test"));
    }
}
