//! Accounts: registering, signing in (rate-limited), changing and resetting passwords,
//! and signing in by a link sent by e-mail.
use crate::domain::account::{validate_email, validate_name, validate_new_password};
use crate::error::AppError;
use crate::server::Config;
use crate::server::entities::{login_token, person, sign_in_attempt};
use crate::server::services::mail::Mailer;
use crate::server::{password, tokens};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set, SqlErr,
};

/// Failed sign-ins allowed per e-mail address, and per client address, in [`WINDOW_MINUTES`].
pub const MAX_FAILURES_PER_EMAIL: u64 = 5;
pub const MAX_FAILURES_PER_IP: u64 = 30;
pub const WINDOW_MINUTES: i64 = 15;
/// Sign-in e-mails (reset, magic link) sent to one address per hour.
pub const MAX_EMAILS_PER_HOUR: u64 = 5;

pub const PASSWORD_RESET: &str = "password_reset";
pub const MAGIC_LINK: &str = "magic_link";

pub async fn find_by_email(db: &DatabaseConnection, email: &str) -> Result<Option<person::Model>, AppError> {
    Ok(person::Entity::find()
        .filter(person::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?)
}

fn email_taken() -> AppError {
    AppError::conflict(
        "email",
        "An account with this e-mail address already exists. Sign in, or reset your password.",
    )
}

pub async fn register(
    db: &DatabaseConnection,
    name: &str,
    email: &str,
    password: &str,
) -> Result<person::Model, AppError> {
    let name = validate_name(name)?;
    let email = validate_email(email)?;
    validate_new_password("password", password)?;
    if find_by_email(db, &email).await?.is_some() {
        return Err(email_taken());
    }
    let hash = password::hash(password.to_owned()).await?;
    let now = Utc::now();
    person::ActiveModel {
        name: Set(name),
        email: Set(email),
        password_hash: Set(Some(hash)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| match e.sql_err() {
        // Two registrations with one address at once: the unique index decides.
        Some(SqlErr::UniqueConstraintViolation(_)) => email_taken(),
        _ => e.into(),
    })
}

async fn recent_failures(
    db: &DatabaseConnection,
    column: sign_in_attempt::Column,
    value: &str,
) -> Result<u64, AppError> {
    Ok(sign_in_attempt::Entity::find()
        .filter(column.eq(value))
        .filter(sign_in_attempt::Column::Succeeded.eq(false))
        .filter(sign_in_attempt::Column::AttemptedAt.gt(Utc::now() - Duration::minutes(WINDOW_MINUTES)))
        .count(db)
        .await?)
}

async fn record_attempt(db: &DatabaseConnection, email: &str, client_ip: &str, succeeded: bool) -> Result<(), AppError> {
    sign_in_attempt::ActiveModel {
        email: Set(email.chars().take(254).collect()),
        client_ip: Set(client_ip.chars().take(64).collect()),
        succeeded: Set(succeeded),
        attempted_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

pub async fn sign_in(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
    client_ip: &str,
) -> Result<person::Model, AppError> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err(AppError::invalid("email", "Enter your e-mail address."));
    }
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password."));
    }
    if recent_failures(db, sign_in_attempt::Column::Email, &email).await? >= MAX_FAILURES_PER_EMAIL
        || recent_failures(db, sign_in_attempt::Column::ClientIp, client_ip).await? >= MAX_FAILURES_PER_IP
    {
        return Err(AppError::RateLimited {
            retry_after_minutes: WINDOW_MINUTES as u32,
        });
    }
    let found = find_by_email(db, &email).await?;
    let ok = password::verify(
        password.to_owned(),
        found.as_ref().and_then(|p| p.password_hash.clone()),
    )
    .await?;
    record_attempt(db, &email, client_ip, ok).await?;
    match found {
        Some(person) if ok => Ok(person),
        _ => Err(AppError::invalid(
            "password",
            "That e-mail address and password do not match an account. Check them, or reset your password.",
        )),
    }
}

pub async fn change_password(
    db: &DatabaseConnection,
    person: &person::Model,
    current_password: &str,
    new_password: &str,
) -> Result<(), AppError> {
    if person.password_hash.is_some()
        && !password::verify(current_password.to_owned(), person.password_hash.clone()).await?
    {
        return Err(AppError::invalid("current_password", "Your current password is not right."));
    }
    validate_new_password("new_password", new_password)?;
    set_password(db, person.id, new_password).await
}

async fn set_password(db: &DatabaseConnection, person_id: i64, new_password: &str) -> Result<(), AppError> {
    let hash = password::hash(new_password.to_owned()).await?;
    person::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(person_id),
        password_hash: Set(Some(hash)),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Send a one-time link to an account's address. Says nothing about whether the
/// account exists: the caller tells every requester the same thing.
async fn send_link(
    db: &DatabaseConnection,
    mailer: &Mailer,
    config: &Config,
    email: &str,
    purpose: &str,
) -> Result<(), AppError> {
    let email = validate_email(email)?;
    let Some(person) = find_by_email(db, &email).await? else {
        tracing::info!(purpose, "sign-in e-mail requested for an address with no account");
        return Ok(());
    };
    let sent_lately = crate::server::entities::outbox_email::Entity::find()
        .filter(crate::server::entities::outbox_email::Column::ToAddress.eq(&person.email))
        .filter(crate::server::entities::outbox_email::Column::CreatedAt.gt(Utc::now() - Duration::hours(1)))
        .count(db)
        .await?;
    if sent_lately >= MAX_EMAILS_PER_HOUR {
        tracing::warn!(purpose, "sign-in e-mail not sent: hourly limit for this address reached");
        return Ok(());
    }
    let secret = tokens::new_secret();
    let now = Utc::now();
    let (valid_for, path, subject, what) = match purpose {
        PASSWORD_RESET => (Duration::hours(1), "/reset-password", "Reset your password", "choose a new password"),
        _ => (Duration::minutes(20), "/sign-in-link/use", "Your sign-in link", "sign in"),
    };
    login_token::ActiveModel {
        token_hash: Set(tokens::digest(&secret)),
        person_id: Set(person.id),
        purpose: Set(purpose.to_owned()),
        created_at: Set(now),
        expires_at: Set(now + valid_for),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let link = config.link(&format!("{path}?token={secret}"));
    let body = format!(
        "Hello {name},\n\nUse this link to {what} on {community}:\n\n{link}\n\n\
         It works once, for {minutes} minutes. If you did not ask for it, you can ignore this e-mail.\n",
        name = person.name,
        community = config.community_name,
        minutes = valid_for.num_minutes(),
    );
    mailer
        .send(db, &person.email, &format!("{subject} — {}", config.community_name), &body)
        .await
}

pub async fn request_password_reset(
    db: &DatabaseConnection,
    mailer: &Mailer,
    config: &Config,
    email: &str,
) -> Result<(), AppError> {
    send_link(db, mailer, config, email, PASSWORD_RESET).await
}

pub async fn request_magic_link(
    db: &DatabaseConnection,
    mailer: &Mailer,
    config: &Config,
    email: &str,
) -> Result<(), AppError> {
    send_link(db, mailer, config, email, MAGIC_LINK).await
}

/// Spend a one-time token: it must exist, be for this purpose, unused and unexpired.
async fn use_token(db: &DatabaseConnection, secret: &str, purpose: &str) -> Result<person::Model, AppError> {
    let expired = || {
        AppError::invalid(
            "token",
            "This link has expired or has already been used. Ask for a new one.",
        )
    };
    let token = login_token::Entity::find()
        .filter(login_token::Column::TokenHash.eq(tokens::digest(secret.trim())))
        .filter(login_token::Column::Purpose.eq(purpose))
        .one(db)
        .await?
        .ok_or_else(expired)?;
    let now = Utc::now();
    if token.used_at.is_some() || token.expires_at <= now {
        return Err(expired());
    }
    // Mark used only if still unused: of two concurrent uses, one wins.
    let marked = login_token::Entity::update_many()
        .col_expr(login_token::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(login_token::Column::Id.eq(token.id))
        .filter(login_token::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    if marked.rows_affected != 1 {
        return Err(expired());
    }
    person::Entity::find_by_id(token.person_id)
        .one(db)
        .await?
        .ok_or_else(expired)
}

pub async fn reset_password(db: &DatabaseConnection, secret: &str, new_password: &str) -> Result<person::Model, AppError> {
    validate_new_password("new_password", new_password)?;
    let person = use_token(db, secret, PASSWORD_RESET).await?;
    set_password(db, person.id, new_password).await?;
    crate::server::services::sessions::end_others(db, person.id, None).await?;
    Ok(person)
}

pub async fn use_magic_link(db: &DatabaseConnection, secret: &str) -> Result<person::Model, AppError> {
    use_token(db, secret, MAGIC_LINK).await
}
