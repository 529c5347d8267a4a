//! The decision register's word search on PostgreSQL: a trigram index (pg_trgm) on the
//! text it searches, so "pharmacy" among 10,000 decisions reads the index instead of every
//! row. SQLite scans them fast enough (1.6 ms for 10,000) and needs nothing. Where the
//! database user may not add the extension, the search still works, without the index.
use sea_orm_migration::prelude::*;

/// What the register searches, exactly as its query writes it (the index must match).
pub const SEARCHED: &str = "lower(title || ' ' || body || ' ' || coalesce(outcome, ''))";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        // In the public schema, so it outlives any one schema (the tests' throwaway ones).
        db.execute_unprepared(
            "DO $$ BEGIN
               CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
             EXCEPTION WHEN insufficient_privilege OR invalid_schema_name THEN
               RAISE NOTICE 'pg_trgm is not available: the register searches words without an index';
             END $$;",
        )
        .await?;
        // The operator class named with the schema the extension lives in, wherever that is
        // (the expression's quotes doubled: it sits in a string literal there).
        let searched = SEARCHED.replace('\'', "''");
        db.execute_unprepared(&format!(
            "DO $$ DECLARE trgm text;
             BEGIN
               SELECT n.nspname INTO trgm FROM pg_extension e
                 JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
               IF trgm IS NOT NULL THEN
                 EXECUTE format('CREATE INDEX IF NOT EXISTS idx_proposal_words ON proposal USING gin (({searched}) %I.gin_trgm_ops)', trgm);
               END IF;
             END $$;"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == sea_orm::DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared("DROP INDEX IF EXISTS idx_proposal_words")
                .await?;
        }
        Ok(())
    }
}
