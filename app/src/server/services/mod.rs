//! The business operations. Each takes a database connection and plain arguments,
//! so tests call them directly on SQLite and PostgreSQL.
pub mod accounts;
pub mod actions;
pub mod admin;
pub mod audit;
pub mod backup;
pub mod charter;
pub mod community;
pub mod dashboard;
pub mod demo;
pub mod directory;
pub mod form_returns;
pub mod groups;
pub mod housekeeping;
pub mod import;
pub mod mail;
pub mod membership;
pub mod partners;
pub mod proposals;
pub mod roles;
pub mod rules;
pub mod sessions;
pub mod settings;
pub mod setup;
pub mod spaces;
pub mod throttle;
pub mod workshops;
