//! Pure, typed governance and community rules: no IO, no Leptos; shared by server and browser.
pub mod account;
#[macro_use]
pub mod structure;
pub mod action;
pub mod advice;
pub mod asset;
pub mod audit;
pub mod chart;
pub mod charter;
pub mod dashboard;
pub mod decision;
pub mod flow;
pub mod funding;
pub mod import;
pub mod measure;
pub mod meeting;
pub mod membership;
pub mod pairing;
pub mod proposal;
pub mod rule;
pub mod trial;
pub mod workshop;
