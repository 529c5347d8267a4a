//! A live workshop on screen: the live connection and outbox, what participants see, and
//! the facilitator's controls.
pub mod board;
pub mod chart;
pub mod facilitate;
pub mod later;
pub mod legacy;
pub mod live;
pub mod responses;
