//! SeaORM entities: one module a table, named as in DOMAIN.md.
pub mod audit_log;
pub mod group_membership;
pub mod login_token;
pub mod member;
pub mod member_perspective;
pub mod membership_application;
pub mod outbox_email;
pub mod partner_organisation;
pub mod person;
pub mod role;
pub mod session;
pub mod sign_in_attempt;
pub mod space;
pub mod space_partner;
