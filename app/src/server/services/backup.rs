//! `server backup FILE`: a consistent copy of a live SQLite database, taken while app
//! servers go on writing (SQLite's `VACUUM INTO` reads one snapshot in one transaction,
//! so the copy is whole and never half a write). PostgreSQL is backed up with `pg_dump`.
use crate::error::AppError;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::path::Path;

/// What the copy holds, to print: its size and how many rows each table has.
#[derive(Debug)]
pub struct Copied {
    pub bytes: u64,
    pub tables: Vec<(String, i64)>,
}

/// Copy the SQLite database `db` into `target`, a file that must not exist yet.
pub async fn sqlite(db: &DatabaseConnection, target: &Path) -> Result<Copied, AppError> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Err(AppError::invalid(
            "file",
            "This is a PostgreSQL database: back it up with pg_dump (see the README).",
        ));
    }
    if target.exists() {
        return Err(AppError::invalid(
            "file",
            format!(
                "{} already exists: choose a new file name.",
                target.display()
            ),
        ));
    }
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.is_dir()
    {
        return Err(AppError::invalid(
            "file",
            format!("There is no folder {}.", parent.display()),
        ));
    }
    let path = target
        .to_str()
        .ok_or_else(|| AppError::invalid("file", "Choose a file name made of plain characters."))?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "VACUUM INTO ?",
        [path.into()],
    ))
    .await?;
    let bytes = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
    Ok(Copied {
        bytes,
        tables: row_counts(db).await?,
    })
}

/// Every table's row count (the migration bookkeeping aside), by name.
pub async fn row_counts(db: &impl ConnectionTrait) -> Result<Vec<(String, i64)>, AppError> {
    let names: Vec<String> = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations' ORDER BY name",
        ))
        .await?
        .iter()
        .filter_map(|r| r.try_get_by_index::<String>(0).ok())
        .collect();
    let mut counts = Vec::with_capacity(names.len());
    for name in names {
        let n = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!("SELECT COUNT(*) FROM \"{}\"", name.replace('"', "\"\"")),
            ))
            .await?
            .and_then(|r| r.try_get_by_index::<i64>(0).ok())
            .unwrap_or(0);
        counts.push((name, n));
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::db;
    use crate::server::entities::outbox_email;
    use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};

    /// Writes go on while the copy is taken; the copy is whole (integrity check), opens,
    /// and holds a consistent state: every table as of one moment, nothing half-written.
    #[tokio::test]
    async fn a_copy_taken_while_writing_is_whole_and_restores() {
        let dir = std::env::temp_dir().join(format!("qc-backup-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/live.db", dir.display());
        let live = db::connect(&url).await.unwrap();
        crate::server::services::demo::seed_if_empty(&live)
            .await
            .unwrap();

        let writer = {
            let live = live.clone();
            tokio::spawn(async move {
                for i in 0..400 {
                    outbox_email::ActiveModel {
                        to_address: Set(format!("w{i}@example.org")),
                        subject: Set("written during the backup".into()),
                        body: Set("x".repeat(2000)),
                        created_at: Set(chrono::Utc::now()),
                        ..Default::default()
                    }
                    .insert(&live)
                    .await
                    .unwrap();
                    tokio::task::yield_now().await;
                }
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let target = dir.join("copy.db");
        let copied = sqlite(&live, &target).await.unwrap();
        writer.await.unwrap();
        assert!(copied.bytes > 0);

        // A second backup to the same file is refused and leaves the copy alone.
        let e = sqlite(&live, &target).await.unwrap_err();
        assert!(e.message_for("file").unwrap().contains("already exists"));

        // Restore: open the copy as the app would.
        let restored = db::connect(&format!("sqlite://{}", target.display()))
            .await
            .unwrap();
        let check = restored
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA integrity_check",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<String>(0)
            .unwrap();
        assert_eq!(check, "ok");
        let in_copy = row_counts(&restored).await.unwrap();
        let in_live = row_counts(&live).await.unwrap();
        // Every table but the outbox (written to during the copy) is as it was.
        for ((name, n), (live_name, live_n)) in in_copy.iter().zip(&in_live) {
            assert_eq!(name, live_name);
            if name != "outbox_email" {
                assert_eq!(n, live_n, "{name}");
            }
        }
        assert!(in_copy.iter().any(|(name, n)| name == "person" && *n > 5));
        let mails_in_copy = outbox_email::Entity::find().count(&restored).await.unwrap();
        assert!(mails_in_copy <= 400, "at most what was written");
        assert_eq!(
            in_copy.iter().find(|(n, _)| n == "outbox_email").unwrap().1,
            mails_in_copy as i64,
            "the copy's counts are its own"
        );
        // Each copied mail is whole: no row half-written.
        let short = outbox_email::Entity::find()
            .all(&restored)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.body.len() != 2000)
            .count();
        assert_eq!(short, 0);
        drop(restored);
        drop(live);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
