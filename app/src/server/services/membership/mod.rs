//! Membership: who may act where (`access`), applying to join and deciding
//! (`applications`), and a membership's life after that (`lifecycle`).
pub mod access;
pub mod applications;
pub mod lifecycle;

use crate::error::AppError;

pub use access::*;
pub use applications::*;
pub use lifecycle::*;

pub use crate::domain::membership::REASON_MAX;
pub const ORGANISATION_MAX: usize = 200;
pub const DISCIPLINE_MAX: usize = 120;

/// Text that may be left empty, trimmed, at most `max` characters.
pub(crate) fn optional_text(
    field: &str,
    raw: &str,
    max: usize,
    label: &str,
) -> Result<Option<String>, AppError> {
    let text = raw.trim();
    if text.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("{label} can be at most {max} characters."),
        ));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

#[cfg(test)]
mod tests;
