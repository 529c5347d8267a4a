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

#[cfg(test)]
pub(crate) mod tests;
