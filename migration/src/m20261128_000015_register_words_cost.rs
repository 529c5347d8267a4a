//! The register's word search on PostgreSQL, planned as it should be. Migration 000013
//! indexed the searched expression, but PostgreSQL's planner costs `lower(a || b || c)` as
//! a few cheap operators and so scanned all 10,000 decisions (24 ms) rather than read the
//! trigram index (0.1 ms). The expression becomes a function that says what it costs
//! (plpgsql, so it is not inlined and its cost stands), indexed in its place. SQLite is
//! unchanged.
use sea_orm_migration::prelude::*;

/// What the register searches on PostgreSQL, exactly as its query and index write it.
pub const SEARCHED: &str = "qc_searched(title, body, outcome)";

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Create the trigram index on `expression`, named `name`, where pg_trgm is available.
async fn trigram_index(
    db: &SchemaManagerConnection<'_>,
    name: &str,
    expression: &str,
) -> Result<(), DbErr> {
    let expression = expression.replace('\'', "''");
    db.execute_unprepared(&format!(
        "DO $$ DECLARE trgm text;
         BEGIN
           SELECT n.nspname INTO trgm FROM pg_extension e
             JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
           IF trgm IS NOT NULL THEN
             EXECUTE format('CREATE INDEX IF NOT EXISTS {name} ON proposal USING gin (({expression}) %I.gin_trgm_ops)', trgm);
           END IF;
         END $$;"
    ))
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        db.execute_unprepared(
            "CREATE OR REPLACE FUNCTION qc_searched(title text, body text, outcome text)
               RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 1000
               AS $$ BEGIN RETURN lower(title || ' ' || body || ' ' || coalesce(outcome, '')); END $$",
        )
        .await?;
        trigram_index(db, "idx_proposal_searched", SEARCHED).await?;
        db.execute_unprepared("DROP INDEX IF EXISTS idx_proposal_words")
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS idx_proposal_searched")
            .await?;
        db.execute_unprepared("DROP FUNCTION IF EXISTS qc_searched(text, text, text)")
            .await?;
        trigram_index(
            db,
            "idx_proposal_words",
            super::m20261128_000013_register_words::SEARCHED,
        )
        .await
    }
}
