//! A count of changes to who people are and what spaces show of their activity: sessions,
//! people, memberships and their perspectives, roles, group memberships, the audit log,
//! meetings and applications. The database counts them itself (triggers), whoever writes
//! and on whichever app server, so an app server may keep what it read of these tables
//! and trust it while the count stands: one small read per request instead of several.
//!
//! On PostgreSQL the count moves at commit (a deferred constraint trigger): a reader never
//! sees the new count before the change is visible, and the counter's row lock is the last
//! lock a writing transaction takes, so it cannot be part of a deadlock. A transaction
//! counts once however many rows it changed (an import of 2,500 members moves it by one).
use sea_orm_migration::prelude::*;

/// The tables whose changes are counted.
pub const COUNTED: [&str; 9] = [
    "session",
    "person",
    "member",
    "member_perspective",
    "role",
    "group_membership",
    "audit_log",
    "meeting",
    "membership_application",
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared(
            "CREATE TABLE change_counter (id INTEGER NOT NULL PRIMARY KEY, changes BIGINT NOT NULL)",
        )
        .await?;
        db.execute_unprepared("INSERT INTO change_counter (id, changes) VALUES (1, 0)")
            .await?;
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            db.execute_unprepared(
                "CREATE OR REPLACE FUNCTION qc_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                   IF current_setting('qc.counted', true) = txid_current()::text THEN
                     RETURN NULL;
                   END IF;
                   PERFORM set_config('qc.counted', txid_current()::text, true);
                   UPDATE change_counter SET changes = changes + 1 WHERE id = 1;
                   RETURN NULL;
                 END $$",
            )
            .await?;
            for table in COUNTED {
                db.execute_unprepared(&format!(
                    "CREATE CONSTRAINT TRIGGER counts_{table} AFTER INSERT OR UPDATE OR DELETE ON \"{table}\" \
                     DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION qc_count_change()"
                ))
                .await?;
            }
        } else {
            for table in COUNTED {
                for op in ["INSERT", "UPDATE", "DELETE"] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER counts_{table}_{} AFTER {op} ON \"{table}\" \
                         BEGIN UPDATE change_counter SET changes = changes + 1 WHERE id = 1; END",
                        op.to_lowercase()
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            for table in COUNTED {
                db.execute_unprepared(&format!(
                    "DROP TRIGGER IF EXISTS counts_{table} ON \"{table}\""
                ))
                .await?;
            }
            db.execute_unprepared("DROP FUNCTION IF EXISTS qc_count_change()")
                .await?;
        } else {
            for table in COUNTED {
                for op in ["insert", "update", "delete"] {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS counts_{table}_{op}"))
                        .await?;
                }
            }
        }
        db.execute_unprepared("DROP TABLE change_counter").await?;
        Ok(())
    }
}
