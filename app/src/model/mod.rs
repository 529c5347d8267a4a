//! Wire types: what crosses between the server and the browser — a page's data, a list
//! item, a query. Compiled for both; depends only on `domain`, serde and chrono, so the
//! doors (`api`), the services and the views can all use them without importing upward.
pub mod account;
pub mod admin;
pub mod assets;
pub mod coffee;
pub mod community;
pub mod dashboard;
pub mod directory;
pub mod flow;
pub mod form;
pub mod funding;
pub mod measures;
pub mod meetings;
pub mod membership;
pub mod output;
pub mod partners;
pub mod proposals;
pub mod rules;
pub mod spaces;
pub mod trials;
pub mod workshops;
