pub mod account;
pub mod directory;
pub mod home;
pub mod membership;
pub mod not_found;
pub mod outbox;
pub mod partners;
pub mod space;
