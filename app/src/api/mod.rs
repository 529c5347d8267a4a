//! Server functions: thin, authorised doors from the browser to the services.
//! Each file holds one area's wire types and its `#[server]` functions.
pub mod account;
pub mod community;
pub mod directory;
pub mod groups;
pub mod membership;
pub mod output;
pub mod partners;
pub mod proposals;
pub mod spaces;
pub mod workshops;
