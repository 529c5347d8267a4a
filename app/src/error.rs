//! The one error type of the app: what went wrong, in words a person can act on,
//! with the HTTP status it maps to and, where it is about one form field, which.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The input is not acceptable; `field` names the form field it is about.
    #[error("{message}")]
    Invalid {
        field: Option<String>,
        message: String,
    },
    /// The input clashes with something that exists (e.g. an e-mail already registered).
    #[error("{message}")]
    Conflict {
        field: Option<String>,
        message: String,
    },
    #[error("Please sign in to do that.")]
    Unauthenticated,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("{0}")]
    NotFound(String),
    #[error("Too many attempts. Please wait {retry_after_minutes} minutes and try again.")]
    RateLimited { retry_after_minutes: u32 },
    /// Something failed on the server; the details are in the server's log, never sent.
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// The request did not reach the server, or its answer could not be read.
    #[error("Could not reach Q Commons. Check your connection and try again.")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }

    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }

    /// The form field this error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } | AppError::Conflict { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid { .. } => 422,
            AppError::Conflict { .. } => 409,
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound(_) => 404,
            AppError::RateLimited { .. } => 429,
            AppError::Internal => 500,
            AppError::Transport(_) => 502,
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_name_their_field_and_status() {
        let e = AppError::invalid("email", "Enter an e-mail address.");
        assert_eq!(e.field(), Some("email"));
        assert_eq!(e.status(), 422);
        assert_eq!(e.to_string(), "Enter an e-mail address.");
        assert_eq!(AppError::conflict("email", "taken").status(), 409);
        assert_eq!(AppError::Forbidden.field(), None);
    }

    #[test]
    fn internal_errors_say_nothing_of_their_cause() {
        assert!(!AppError::Internal.to_string().contains("SQL"));
        assert_eq!(AppError::Internal.status(), 500);
    }

    #[test]
    fn errors_survive_the_wire() {
        let e = AppError::RateLimited {
            retry_after_minutes: 15,
        };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), e);
        assert!(e.to_string().contains("15 minutes"));
    }
}
