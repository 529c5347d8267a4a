//! Live co-production workshops: creating one and its agenda, joining (as a member or a
//! guest on a device), notes, themes, dots and the facilitator's controls. Every change
//! is stored and numbered in one transaction, then told to every screen by the live bus.
use crate::error::AppError;

pub mod agenda;
pub mod archive;
pub mod facilitation;
pub mod lookup;
pub mod notes;
pub mod participants;
pub mod reflections;
pub mod report;
pub mod snapshot;
pub mod templates;
pub mod themes;
pub mod voting;

pub use agenda::*;
pub use facilitation::*;
pub use lookup::*;
pub use notes::*;
pub use participants::*;
pub use reflections::*;
pub use snapshot::*;
pub use themes::*;
pub use voting::*;

/// Longest workshop title and purpose, in characters.
pub const TITLE_MAX: usize = 200;

pub const PURPOSE_MAX: usize = 2000;

pub const PROMPT_MAX: usize = 300;

/// A count from the database: never negative.
pub(crate) fn nat(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

pub(crate) fn text(
    field: &str,
    value: &str,
    label: &str,
    max: usize,
    required: bool,
) -> Result<String, AppError> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(AppError::invalid(field, format!("Enter {label}.")));
    }
    if value.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("Keep {label} to {max} characters."),
        ));
    }
    Ok(value.to_owned())
}

/// The key a phone gives a post so that sending it again (after a lost connection) stores
/// it once: `what` names the post in the message ("A note needs…").
pub(crate) fn client_key<'a>(raw: &'a str, what: &str) -> Result<&'a str, AppError> {
    let key = raw.trim();
    if key.is_empty() || key.len() > 64 {
        return Err(AppError::invalid(
            "client_key",
            format!("{what} needs a key of up to 64 characters."),
        ));
    }
    Ok(key)
}

/// The end of a post stored once by its client key: when the same post was sent twice at
/// the same moment, the unique key let one in and refused the other as a conflict — that
/// one stands, and `stored_by_key` finds it.
pub(crate) async fn stored_once(
    written: Result<i64, AppError>,
    participant: Option<i64>,
    stored_by_key: impl AsyncFnOnce(i64) -> Result<Option<i64>, AppError>,
) -> Result<i64, AppError> {
    match (written, participant) {
        (Err(AppError::Conflict(_)), Some(me)) => {
            stored_by_key(me).await?.ok_or(AppError::Internal)
        }
        (other, _) => other,
    }
}

#[cfg(test)]
pub(crate) mod tests;
