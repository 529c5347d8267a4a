//! Server functions: thin, authorised doors from the browser to the services.
//! Each file holds one area's wire types and its `#[server]` functions.
pub mod account;
pub mod admin;
pub mod assets;
pub mod coffee;

/// A form's checkbox: sent as "on" when ticked, absent otherwise.
#[cfg(feature = "ssr")]
pub(crate) fn checked(value: Option<String>) -> bool {
    value.is_some_and(|v| v == "on" || v == "true")
}

pub mod community;
pub mod dashboard;
pub mod directory;
pub mod flow;
pub mod funding;
pub mod groups;
pub mod measures;
pub mod meetings;
pub mod membership;
pub mod output;
pub mod partners;
pub mod proposals;
pub mod spaces;
pub mod trials;
pub mod workshops;
