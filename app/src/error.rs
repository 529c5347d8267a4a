//! The one error type of the app: what went wrong, in words a person can act on,
//! with the HTTP status it maps to and, where it is about one form field, which.
use serde::{Deserialize, Serialize};

/// What is wrong with one form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The input is not acceptable: every field that is wrong, each with its message.
    #[error("{}", join_messages(.0))]
    Invalid(Vec<FieldError>),
    /// The input clashes with something that exists (e.g. an e-mail already registered).
    #[error("{}", .0.message)]
    Conflict(FieldError),
    #[error("Please sign in to do that.")]
    Unauthenticated,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("{0}")]
    NotFound(String),
    #[error(
        "Too many attempts. Please wait {retry_after_minutes} minute{} and try again.",
        if *retry_after_minutes == 1 { "" } else { "s" }
    )]
    RateLimited { retry_after_minutes: u32 },
    /// Something failed on the server; the details are in the server's log, never sent.
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// The database cannot be reached just now (it is restarting, or the network to it is
    /// down): a passing outage, answered at once with 503 and a `Retry-After`, not a hang.
    #[error("Q Commons cannot reach its database just now. Please try again in a few seconds.")]
    Unavailable,
    /// The request's values could not be read as the server function's arguments (a
    /// number that is not one, a missing value): a stale page or a hand-made request.
    #[error(
        "The form could not be read: a value was missing or not in the form expected. Reload the page and try again."
    )]
    Unreadable,
    /// The request did not reach the server, or its answer could not be read.
    #[error("Could not reach Q Commons. Check your connection and try again.")]
    Transport(String),
}

fn join_messages(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }

    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        AppError::Conflict(FieldError {
            field: field.to_owned(),
            message: message.into(),
        })
    }

    /// The same refusal reported on `field` (a checker written for one form reused on
    /// another); any other error is left as it is.
    pub fn on_field(self, field: &str) -> Self {
        match self {
            AppError::Invalid(errors) => AppError::invalid(
                field,
                errors
                    .into_iter()
                    .next()
                    .map(|e| e.message)
                    .unwrap_or_default(),
            ),
            other => other,
        }
    }

    /// The form fields this error is about, in form order; empty for form-level errors.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            AppError::Invalid(errors) => errors,
            AppError::Conflict(error) => std::slice::from_ref(error),
            _ => &[],
        }
    }

    /// The first form field this error is about, if any.
    pub fn field(&self) -> Option<&str> {
        self.field_errors().first().map(|e| e.field.as_str())
    }

    /// What is wrong with this one field, if anything.
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.field_errors()
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Whether this failure may pass by itself (no network, the server's database away, a
    /// fault on the server), so what was refused is kept and sent again later, rather than
    /// a refusal that sending again would only repeat.
    pub fn may_pass(&self) -> bool {
        matches!(
            self,
            AppError::Transport(_) | AppError::Unavailable | AppError::Internal
        )
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound(_) => 404,
            AppError::RateLimited { .. } => 429,
            AppError::Internal => 500,
            AppError::Unavailable => 503,
            AppError::Unreadable => 400,
            AppError::Transport(_) => 502,
        }
    }

    /// [`AppError::status`] as the server's HTTP status: the one place a server door (a
    /// server function, a stream, a download) turns a refusal into a status. A 503 gets
    /// its `Retry-After` from the security headers' middleware.
    #[cfg(feature = "ssr")]
    pub fn status_code(&self) -> http::StatusCode {
        http::StatusCode::from_u16(self.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr;
        match value {
            // On the server: the request's values are not the function's arguments.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::Unreadable,
            other => AppError::Transport(other.to_string()),
        }
    }
}

/// Checks a whole form, so that a person sees every problem at once, not one per try.
/// Each field is checked with [`Validation::take`]; [`Validation::finish_with`] then gives
/// the typed, checked form — or every field's error, and never a half-checked value.
#[derive(Debug, Default)]
pub struct Validation {
    errors: Vec<FieldError>,
    /// An error that is not about a field (the database failed): it wins over field errors.
    failure: Option<AppError>,
}

impl Validation {
    fn remember(&mut self, err: AppError) {
        match err {
            AppError::Invalid(errors) => self.errors.extend(errors),
            AppError::Conflict(error) => self.errors.push(error),
            other => {
                self.failure.get_or_insert(other);
            }
        }
    }

    /// Keep the value if it passed; remember its errors if not.
    pub fn check<T>(&mut self, result: Result<T, AppError>) -> Option<T> {
        result.map_err(|e| self.remember(e)).ok()
    }

    /// The value if it passed; if not, its errors are remembered and a placeholder stands in,
    /// which [`Validation::finish_with`] never lets out.
    pub fn take<T: Default>(&mut self, result: Result<T, AppError>) -> T {
        self.check(result).unwrap_or_default()
    }

    /// Add an error about a field.
    /// Text that must be given, trimmed, at most `max` characters: refused with `missing`
    /// when empty.
    pub fn text(&mut self, field: &str, value: &str, max: usize, missing: &str) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.refuse(field, missing);
        } else if value.chars().count() > max {
            self.refuse(field, format!("Keep it to {max} characters."));
        }
        value.to_owned()
    }

    pub fn refuse(&mut self, field: &str, message: impl Into<String>) {
        self.remember(AppError::invalid(field, message));
    }

    pub fn finish(self) -> Result<(), AppError> {
        self.finish_with(())
    }

    /// The checked value if every check passed; otherwise every field's error.
    pub fn finish_with<T>(self, value: T) -> Result<T, AppError> {
        if let Some(failure) = self.failure {
            Err(failure)
        } else if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(AppError::Invalid(self.errors))
        }
    }
}

/// Seconds a client is asked to wait (`Retry-After`) before trying again after a 503.
pub const RETRY_AFTER_SECONDS: u32 = 3;

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        if database_unreachable(&err) {
            tracing::warn!(error = %err, "database unreachable");
            AppError::Unavailable
        } else {
            tracing::error!(error = %err, "database error");
            AppError::Internal
        }
    }
}

/// Whether a database error says the database could not be reached or went away (a
/// restart, a lost network, a pool that could not connect in time), rather than that the
/// statement was wrong: the one kind of failure worth trying again in a moment.
#[cfg(feature = "ssr")]
fn database_unreachable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr, sqlx::Error};
    let cause = match err {
        // No connection could be had, or making one failed.
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    match cause.as_ref() {
        Error::Io(_) | Error::PoolTimedOut | Error::PoolClosed | Error::WorkerCrashed => true,
        // PostgreSQL: class 08 is "connection exception"; 57P01–57P03 are the server
        // shutting down or not yet accepting connections. SQLite: 5 is "busy" (another
        // writer held the lock past the busy timeout).
        Error::Database(e) => e.code().is_some_and(|code| {
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "5")
        }),
        _ => false,
    }
}

impl From<crate::domain::workshop::WorkshopError> for AppError {
    fn from(err: crate::domain::workshop::WorkshopError) -> Self {
        use crate::domain::workshop::WorkshopError::*;
        let field = match err {
            OverBudget { .. } | OverCap { .. } => "dots",
            BadTimer => "seconds",
            _ => "workshop",
        };
        AppError::invalid(field, err.to_string())
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
    fn validation_gathers_every_field_error() {
        let mut v = Validation::default();
        assert_eq!(v.check(Ok::<_, AppError>(1)), Some(1));
        assert_eq!(
            v.check(Err::<(), _>(AppError::invalid("name", "Enter your name."))),
            None
        );
        assert_eq!(
            v.check(Err::<(), _>(AppError::invalid("email", "Enter an e-mail."))),
            None
        );
        let err = v.finish().unwrap_err();
        assert_eq!(err.message_for("name"), Some("Enter your name."));
        assert_eq!(err.message_for("email"), Some("Enter an e-mail."));
        assert_eq!(err.message_for("password"), None);
        assert_eq!(err.to_string(), "Enter your name. Enter an e-mail.");
        assert!(Validation::default().finish().is_ok());
    }

    #[test]
    fn a_checked_form_comes_out_whole_or_not_at_all() {
        let mut v = Validation::default();
        let name: String = v.take(Ok("Ada".to_owned()));
        let age: u32 = v.take(Err(AppError::invalid("age", "Enter your age.")));
        let err = v.finish_with((name, age)).unwrap_err();
        assert_eq!(err.message_for("age"), Some("Enter your age."));
        // A failure that is not about a field is never hidden behind a placeholder.
        let mut v = Validation::default();
        let _: u32 = v.take(Err(AppError::Internal));
        v.refuse("name", "Enter your name.");
        assert_eq!(v.finish_with(()).unwrap_err(), AppError::Internal);
        let mut v = Validation::default();
        let n: u32 = v.take(Ok(3));
        assert_eq!(v.finish_with(n), Ok(3));
    }

    /// A database failure reaches the person as "something went wrong", never as the SQL,
    /// the table or the values that failed: not in its words and not on the wire.
    #[cfg(feature = "ssr")]
    #[test]
    fn internal_errors_say_nothing_of_their_cause() {
        let cause = "UNIQUE constraint failed: person.email (SELECT password_hash FROM person WHERE email = 'sam@example.org')";
        let e = AppError::from(sea_orm::DbErr::Custom(cause.into()));
        assert_eq!(e, AppError::Internal);
        assert_eq!(e.status(), 500);
        let words = e.to_string();
        let wire = serde_json::to_string(&e).unwrap();
        for secret in [
            "password_hash",
            "person",
            "sam@example.org",
            "SELECT",
            "UNIQUE",
        ] {
            assert!(!words.contains(secret), "{words:?} names {secret}");
            assert!(!wire.contains(secret), "{wire:?} names {secret}");
        }
        assert!(!words.is_empty());
    }

    /// A database that went away is a 503 to try again, not a fault; a wrong statement is.
    #[cfg(feature = "ssr")]
    #[test]
    fn an_unreachable_database_is_told_apart_from_a_fault() {
        use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr, sqlx};
        use std::sync::Arc;
        let lost = |e: sqlx::Error| DbErr::Query(RuntimeErr::SqlxError(Arc::new(e)));
        for gone in [
            DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
            lost(sqlx::Error::PoolTimedOut),
            lost(sqlx::Error::Io(
                std::io::ErrorKind::ConnectionRefused.into(),
            )),
            lost(sqlx::Error::Io(std::io::ErrorKind::UnexpectedEof.into())),
        ] {
            let e = AppError::from(gone);
            assert_eq!(e, AppError::Unavailable);
            assert_eq!(e.status(), 503);
            assert!(
                e.may_pass(),
                "a screen keeps what it could not send, to send again"
            );
            assert!(e.to_string().contains("try again"), "{e}");
        }
        assert!(!AppError::Forbidden.may_pass());
        assert!(!AppError::invalid("body", "Write something first.").may_pass());
        for fault in [
            DbErr::Custom("no such column".into()),
            lost(sqlx::Error::RowNotFound),
            lost(sqlx::Error::ColumnNotFound("seq".into())),
        ] {
            assert_eq!(AppError::from(fault), AppError::Internal);
        }
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
