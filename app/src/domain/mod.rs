//! Pure, typed governance and community rules: no IO, no Leptos; shared by server and browser.
pub mod account;
pub mod structure;
