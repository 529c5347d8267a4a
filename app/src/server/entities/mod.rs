//! SeaORM entities: one module a table, named as in DOMAIN.md.
pub mod login_token;
pub mod outbox_email;
pub mod partner_organisation;
pub mod person;
pub mod role;
pub mod session;
pub mod sign_in_attempt;
pub mod space;
pub mod space_partner;
