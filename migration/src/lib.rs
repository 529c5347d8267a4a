//! The database's history: every schema change, in order, for SQLite and PostgreSQL alike.
pub use sea_orm_migration::prelude::*;

mod m20261126_000001_foundation;
mod m20261126_000002_membership;
mod m20261126_000003_directory_indexes;
mod m20261126_000004_workshops;
mod m20261126_000005_workshop_outcomes;
mod m20261127_000006_trust;
mod m20261127_000007_form_returns;
mod m20261127_000008_proposals;
mod m20261127_000009_decision_register_index;
mod m20261128_000010_rule_book;
mod m20261128_000011_charter;
mod m20261128_000012_comment_history;
pub mod m20261128_000013_register_words;
mod m20261128_000014_advice;
pub mod m20261128_000015_register_words_cost;
mod m20261128_000016_charter_changes;
mod m20261128_000017_run_for_real;
mod m20261128_000018_measures;
mod m20261128_000019_dashboard_indexes;
mod m20261128_000020_coffee;
mod m20261128_000021_meetings;
mod m20261128_000022_trials;
mod m20261128_000023_cascades;
mod m20261128_000024_relationships;
mod m20261129_000025_assets;
mod m20261129_000026_funding_rounds;
mod m20261207_000027_change_counter;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_foundation::Migration),
            Box::new(m20261126_000002_membership::Migration),
            Box::new(m20261126_000003_directory_indexes::Migration),
            Box::new(m20261126_000004_workshops::Migration),
            Box::new(m20261126_000005_workshop_outcomes::Migration),
            Box::new(m20261127_000006_trust::Migration),
            Box::new(m20261127_000007_form_returns::Migration),
            Box::new(m20261127_000008_proposals::Migration),
            Box::new(m20261127_000009_decision_register_index::Migration),
            Box::new(m20261128_000010_rule_book::Migration),
            Box::new(m20261128_000011_charter::Migration),
            Box::new(m20261128_000012_comment_history::Migration),
            Box::new(m20261128_000013_register_words::Migration),
            Box::new(m20261128_000014_advice::Migration),
            Box::new(m20261128_000015_register_words_cost::Migration),
            Box::new(m20261128_000016_charter_changes::Migration),
            Box::new(m20261128_000017_run_for_real::Migration),
            Box::new(m20261128_000018_measures::Migration),
            Box::new(m20261128_000019_dashboard_indexes::Migration),
            Box::new(m20261128_000020_coffee::Migration),
            Box::new(m20261128_000021_meetings::Migration),
            Box::new(m20261128_000022_trials::Migration),
            Box::new(m20261128_000023_cascades::Migration),
            Box::new(m20261128_000024_relationships::Migration),
            Box::new(m20261129_000025_assets::Migration),
            Box::new(m20261129_000026_funding_rounds::Migration),
            Box::new(m20261207_000027_change_counter::Migration),
        ]
    }
}
