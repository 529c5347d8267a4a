//! Accounts: registering, signing in (rate-limited), changing and resetting passwords,
//! and signing in by a link sent by e-mail.
use crate::domain::account::{
    sign_in_wait_seconds, validate_email, validate_new_password, validate_registration,
};
use crate::error::AppError;
use crate::server::Config;
use crate::server::entities::{login_token, person, sign_in_attempt};
use crate::server::services::mail::Mailer;
use crate::server::services::throttle::{self, Bucket};
use crate::server::{password, tokens};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, SqlErr,
};

/// Failed sign-ins allowed from one client address, whatever the account, in
/// [`WINDOW_MINUTES`]: someone trying many accounts from one place.
pub const MAX_FAILURES_PER_CLIENT: u64 = 30;
pub const WINDOW_MINUTES: i64 = 15;
/// Sign-in e-mails (reset, magic link) sent to one address per hour.
pub const MAX_EMAILS_PER_HOUR: u64 = 5;

pub const PASSWORD_RESET: &str = "password_reset";
pub const MAGIC_LINK: &str = "magic_link";
/// A sign-in link for someone added by others (the first project-team member, an imported
/// member): it signs them in like a magic link, and lasts long enough to reach them.
pub const INVITATION: &str = "invitation";
pub const INVITATION_DAYS: i64 = 7;

/// The names of the people `ids`, in one query (a missing id has none).
pub async fn names(
    db: &impl sea_orm::ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>, AppError> {
    let ids: Vec<i64> = ids.into_iter().collect();
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect())
}

pub async fn find_by_email(
    db: &DatabaseConnection,
    email: &str,
) -> Result<Option<person::Model>, AppError> {
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

/// [`register`] for a client who may create only so many accounts an hour: a form with
/// mistakes is told them first and not counted.
pub async fn register_from(
    db: &DatabaseConnection,
    client: &str,
    name: &str,
    email: &str,
    password: &str,
) -> Result<person::Model, AppError> {
    validate_registration(name, email, password)?;
    throttle::hit(db, Bucket::Registration, client).await?;
    register(db, name, email, password).await
}

pub async fn register(
    db: &DatabaseConnection,
    name: &str,
    email: &str,
    password: &str,
) -> Result<person::Model, AppError> {
    let (name, email) = validate_registration(name, email, password)?;
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

/// Note a sign-in attempt before its password is checked, as failed until it succeeds:
/// attempts sent in parallel then see each other and cannot all pass the limit.
async fn record_attempt(
    db: &DatabaseConnection,
    email: &str,
    client: &str,
) -> Result<sign_in_attempt::Model, AppError> {
    Ok(sign_in_attempt::ActiveModel {
        email: Set(email.chars().take(254).collect()),
        client_ip: Set(client.chars().take(64).collect()),
        succeeded: Set(false),
        attempted_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

fn wait_minutes(seconds: i64) -> AppError {
    AppError::RateLimited {
        retry_after_minutes: u32::try_from((seconds + 59) / 60).unwrap_or(1).max(1),
    }
}

/// Refuse this attempt if its client must wait: for this address, after its failures in a
/// row (growing delay); or for failing too often across addresses. Counts only attempts
/// noted before this one.
async fn throttle(
    db: &DatabaseConnection,
    attempt: &sign_in_attempt::Model,
) -> Result<(), AppError> {
    use sign_in_attempt::Column as C;
    let now = Utc::now();
    let last_success = sign_in_attempt::Entity::find()
        .filter(C::Email.eq(&attempt.email))
        .filter(C::ClientIp.eq(&attempt.client_ip))
        .filter(C::Succeeded.eq(true))
        .filter(C::Id.lt(attempt.id))
        .order_by_desc(C::Id)
        .one(db)
        .await?
        .map_or(0, |a| a.id);
    let failures = sign_in_attempt::Entity::find()
        .filter(C::Email.eq(&attempt.email))
        .filter(C::ClientIp.eq(&attempt.client_ip))
        .filter(C::Succeeded.eq(false))
        .filter(C::Id.gt(last_success))
        .filter(C::Id.lt(attempt.id))
        .filter(C::AttemptedAt.gt(now - Duration::days(1)))
        .order_by_desc(C::Id)
        .all(db)
        .await?;
    let wait = sign_in_wait_seconds(u32::try_from(failures.len()).unwrap_or(u32::MAX));
    if let Some(last) = failures.first() {
        let waited = (now - last.attempted_at).num_seconds();
        if waited < wait {
            return Err(wait_minutes(wait - waited));
        }
    }
    let from_client = sign_in_attempt::Entity::find()
        .filter(C::ClientIp.eq(&attempt.client_ip))
        .filter(C::Succeeded.eq(false))
        .filter(C::Id.lt(attempt.id))
        .filter(C::AttemptedAt.gt(now - Duration::minutes(WINDOW_MINUTES)))
        .count(db)
        .await?;
    if from_client >= MAX_FAILURES_PER_CLIENT {
        return Err(wait_minutes(WINDOW_MINUTES * 60));
    }
    Ok(())
}

/// Sign in with a password. Throttled per client: a client that keeps failing for an
/// address waits longer each time, and one that fails for many addresses is stopped; the
/// owner, signing in from their own device or by an e-mailed link, is never locked out by
/// a stranger's guesses.
pub async fn sign_in(
    db: &DatabaseConnection,
    email: &str,
    password: &str,
    client: &str,
) -> Result<person::Model, AppError> {
    let email = email.trim().to_lowercase();
    let mut v = crate::error::Validation::default();
    if email.is_empty() {
        v.refuse("email", "Enter your e-mail address.");
    }
    if password.is_empty() {
        v.refuse("password", "Enter your password.");
    }
    v.finish()?;
    let attempt = record_attempt(db, &email, client).await?;
    if let Err(refused) = throttle(db, &attempt).await {
        // A refused attempt checked no password: it does not lengthen the wait.
        sign_in_attempt::Entity::delete_by_id(attempt.id)
            .exec(db)
            .await?;
        return Err(refused);
    }
    let found = find_by_email(db, &email).await?;
    let ok = password::verify(
        password.to_owned(),
        found.as_ref().and_then(|p| p.password_hash.clone()),
    )
    .await?;
    match found {
        Some(person) if ok => {
            let mut succeeded: sign_in_attempt::ActiveModel = attempt.into();
            succeeded.succeeded = Set(true);
            succeeded.update(db).await?;
            Ok(person)
        }
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
        return Err(AppError::invalid(
            "current_password",
            "Your current password is not right.",
        ));
    }
    validate_new_password("new_password", new_password)?;
    set_password(db, person.id, new_password).await
}

async fn set_password(
    db: &DatabaseConnection,
    person_id: i64,
    new_password: &str,
) -> Result<(), AppError> {
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
        tracing::info!(
            purpose,
            "sign-in e-mail requested for an address with no account"
        );
        return Ok(());
    };
    let sent_lately = crate::server::entities::outbox_email::Entity::find()
        .filter(crate::server::entities::outbox_email::Column::ToAddress.eq(&person.email))
        .filter(
            crate::server::entities::outbox_email::Column::CreatedAt
                .gt(Utc::now() - Duration::hours(1)),
        )
        .count(db)
        .await?;
    if sent_lately >= MAX_EMAILS_PER_HOUR {
        tracing::warn!(
            purpose,
            "sign-in e-mail not sent: hourly limit for this address reached"
        );
        return Ok(());
    }
    let secret = tokens::new_secret();
    let now = Utc::now();
    let (valid_for, path, subject, what) = match purpose {
        PASSWORD_RESET => (
            Duration::hours(1),
            "/reset-password",
            "Reset your password",
            "choose a new password",
        ),
        _ => (
            Duration::minutes(20),
            "/sign-in-link/use",
            "Your sign-in link",
            "sign in",
        ),
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
    let community = crate::server::services::settings::read(db, config)
        .await?
        .name;
    let body = format!(
        "Hello {name},\n\nUse this link to {what} on {community}:\n\n{link}\n\n\
         It works once, for {minutes} minutes. If you did not ask for it, you can ignore this e-mail.\n",
        name = person.name,
        minutes = valid_for.num_minutes(),
    );
    mailer
        .send(
            db,
            &person.email,
            &format!("{subject} — {community}"),
            &body,
        )
        .await
}

/// Which one-time link to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    PasswordReset,
    SignIn,
}

/// Take a request for a one-time link and send it off the request path: the answer comes
/// at once and takes the same time whether or not the address has an account, and a
/// client may ask only so often. The address is checked here, so a typing mistake is
/// still told.
pub async fn send_link_later(
    state: &crate::server::AppState,
    client: &str,
    email: &str,
    kind: LinkKind,
) -> Result<(), AppError> {
    let email = validate_email(email)?;
    throttle::hit(&state.db, Bucket::EmailedLink, client).await?;
    let (db, mailer, config) = (state.db.clone(), state.mailer.clone(), state.config.clone());
    tokio::spawn(async move {
        let sent = match kind {
            LinkKind::PasswordReset => request_password_reset(&db, &mailer, &config, &email).await,
            LinkKind::SignIn => request_magic_link(&db, &mailer, &config, &email).await,
        };
        if let Err(e) = sent {
            tracing::warn!(?kind, "could not send a sign-in e-mail: {e}");
        }
    });
    Ok(())
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
async fn use_token(
    db: &DatabaseConnection,
    secret: &str,
    purposes: &[&str],
) -> Result<person::Model, AppError> {
    let expired = || {
        AppError::invalid(
            "token",
            "This link has expired or has already been used. Ask for a new one.",
        )
    };
    let token = login_token::Entity::find()
        .filter(login_token::Column::TokenHash.eq(tokens::digest(secret.trim())))
        .filter(login_token::Column::Purpose.is_in(purposes.iter().copied()))
        .one(db)
        .await?
        .ok_or_else(expired)?;
    let now = Utc::now();
    if token.used_at.is_some() || token.expires_at <= now {
        return Err(expired());
    }
    // Mark used only if still unused: of two concurrent uses, one wins.
    let marked = login_token::Entity::update_many()
        .col_expr(
            login_token::Column::UsedAt,
            sea_orm::sea_query::Expr::value(now),
        )
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

pub async fn reset_password(
    db: &DatabaseConnection,
    secret: &str,
    new_password: &str,
) -> Result<person::Model, AppError> {
    validate_new_password("new_password", new_password)?;
    let person = use_token(db, secret, &[PASSWORD_RESET]).await?;
    set_password(db, person.id, new_password).await?;
    crate::server::services::sessions::end_others(db, person.id, None).await?;
    Ok(person)
}

pub async fn use_magic_link(
    db: &DatabaseConnection,
    secret: &str,
) -> Result<person::Model, AppError> {
    use_token(db, secret, &[MAGIC_LINK, INVITATION]).await
}

/// Invite a person who did not sign up themselves: a sign-in link valid for
/// [`INVITATION_DAYS`], e-mailed through the outbox (no password is ever sent). Returns
/// the link, for an operator at a terminal to pass on by hand.
pub async fn invite(
    db: &DatabaseConnection,
    mailer: &Mailer,
    config: &Config,
    person: &person::Model,
    community: &str,
    why: &str,
) -> Result<String, AppError> {
    let secret = tokens::new_secret();
    let now = Utc::now();
    login_token::ActiveModel {
        token_hash: Set(tokens::digest(&secret)),
        person_id: Set(person.id),
        purpose: Set(INVITATION.to_owned()),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(INVITATION_DAYS)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let link = config.link(&format!("/sign-in-link/use?token={secret}"));
    let body = format!(
        "Hello {name},\n\n{why}\n\nUse this link to sign in to {community}:\n\n{link}\n\n\
         It works once, for {INVITATION_DAYS} days. Once signed in you can choose a password \
         on your account page, or sign in by e-mail link each time. If this means nothing \
         to you, you can ignore this e-mail.\n",
        name = person.name,
    );
    mailer
        .send(
            db,
            &person.email,
            &format!("You are invited to {community}"),
            &body,
        )
        .await?;
    Ok(link)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::entities::outbox_email;
    use crate::server::services::sessions;
    use crate::server::testing::for_each_database;
    use sea_orm::QueryOrder;

    const PW: &str = "a long enough password";

    fn config() -> Config {
        Config::default()
    }

    async fn newest_link(db: &DatabaseConnection, to: &str) -> String {
        let mail = outbox_email::Entity::find()
            .filter(outbox_email::Column::ToAddress.eq(to))
            .order_by_desc(outbox_email::Column::Id)
            .one(db)
            .await
            .unwrap()
            .expect("an e-mail in the outbox");
        let start = mail.body.find("token=").expect("a token in the e-mail") + "token=".len();
        mail.body[start..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    }

    #[tokio::test]
    async fn register_stores_a_normalised_account_with_an_argon2id_hash() {
        for_each_database(|db| async move {
            let p = register(&db, "  Ada  Okonjo ", "Ada@Example.org", PW)
                .await
                .unwrap();
            assert_eq!(p.name, "Ada Okonjo");
            assert_eq!(p.email, "ada@example.org");
            assert!(p.password_hash.unwrap().starts_with("$argon2id$"));
        })
        .await;
    }

    #[tokio::test]
    async fn duplicate_email_is_refused_whatever_its_case_and_changes_nothing() {
        for_each_database(|db| async move {
            register(&db, "Ada", "ada@example.org", PW).await.unwrap();
            let err = register(&db, "Other", "ADA@example.org", "other long password")
                .await
                .unwrap_err();
            assert_eq!(err.field(), Some("email"));
            assert_eq!(err.status(), 409);
            assert_eq!(person::Entity::find().count(&db).await.unwrap(), 1);
            sign_in(&db, "ada@example.org", PW, "1.1.1.1")
                .await
                .expect("the first password still works");
        })
        .await;
    }

    #[tokio::test]
    async fn bad_input_is_refused_before_anything_is_written() {
        for_each_database(|db| async move {
            assert_eq!(
                register(&db, "", "a@example.org", PW)
                    .await
                    .unwrap_err()
                    .field(),
                Some("name")
            );
            assert_eq!(
                register(&db, "A", "nope", PW).await.unwrap_err().field(),
                Some("email")
            );
            assert_eq!(
                register(&db, "A", "a@example.org", "short")
                    .await
                    .unwrap_err()
                    .field(),
                Some("password")
            );
            assert_eq!(person::Entity::find().count(&db).await.unwrap(), 0);
        })
        .await;
    }

    #[tokio::test]
    async fn sign_in_accepts_the_right_password_only() {
        for_each_database(|db| async move {
            let p = register(&db, "Ada", "ada@example.org", PW).await.unwrap();
            assert_eq!(
                sign_in(&db, " ADA@example.org ", PW, "ip")
                    .await
                    .unwrap()
                    .id,
                p.id
            );
            let err = sign_in(&db, "ada@example.org", "wrong password", "ip")
                .await
                .unwrap_err();
            assert_eq!(err.field(), Some("password"));
            let unknown = sign_in(&db, "nobody@example.org", PW, "ip")
                .await
                .unwrap_err();
            assert_eq!(
                unknown, err,
                "an unknown address looks the same as a wrong password"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_client_guessing_one_address_waits_longer_each_time_and_the_owner_is_not_locked_out()
    {
        for_each_database(|db| async move {
            register(&db, "Ada", "ada@example.org", PW).await.unwrap();
            for _ in 0..crate::domain::account::FREE_SIGN_IN_TRIES {
                let err = sign_in(&db, "ada@example.org", "wrong password", "6.6.6.6")
                    .await
                    .unwrap_err();
                assert_eq!(err.field(), Some("password"));
            }
            // The guesser now waits, even with the right password…
            let err = sign_in(&db, "ada@example.org", PW, "6.6.6.6")
                .await
                .unwrap_err();
            assert!(matches!(err, AppError::RateLimited { .. }), "{err:?}");
            assert_eq!(err.status(), 429);
            // …while Ada, from her own device, signs in.
            sign_in(&db, "ada@example.org", PW, "1.2.3.4")
                .await
                .unwrap();
            // Once the wait is over, the next try is checked again.
            sign_in_attempt::Entity::update_many()
                .col_expr(
                    sign_in_attempt::Column::AttemptedAt,
                    sea_orm::sea_query::Expr::value(Utc::now() - Duration::minutes(1)),
                )
                .exec(&db)
                .await
                .unwrap();
            sign_in(&db, "ada@example.org", PW, "6.6.6.6")
                .await
                .unwrap();
        })
        .await;
    }

    #[tokio::test]
    async fn guesses_sent_in_parallel_cannot_slip_past_the_limit() {
        for_each_database(|db| async move {
            register(&db, "Ada", "ada@example.org", PW).await.unwrap();
            let guesses = (0..12).map(|i| {
                let db = db.clone();
                async move {
                    sign_in(
                        &db,
                        "ada@example.org",
                        &format!("guess number {i}"),
                        "6.6.6.6",
                    )
                    .await
                }
            });
            let results = futures::future::join_all(guesses).await;
            let checked = results
                .iter()
                .filter(|r| matches!(r, Err(e) if e.field() == Some("password")))
                .count();
            assert!(
                checked <= crate::domain::account::FREE_SIGN_IN_TRIES as usize,
                "{checked} guesses were checked: {results:?}"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn sign_in_is_rate_limited_per_client_address() {
        for_each_database(|db| async move {
            for i in 0..MAX_FAILURES_PER_CLIENT {
                sign_in(
                    &db,
                    &format!("guess{i}@example.org"),
                    "wrong password",
                    "6.6.6.6",
                )
                .await
                .unwrap_err();
            }
            register(&db, "Ada", "ada@example.org", PW).await.unwrap();
            let err = sign_in(&db, "ada@example.org", PW, "6.6.6.6")
                .await
                .unwrap_err();
            assert_eq!(err.status(), 429);
            sign_in(&db, "ada@example.org", PW, "7.7.7.7")
                .await
                .unwrap();
        })
        .await;
    }

    #[tokio::test]
    async fn change_password_needs_the_current_one() {
        for_each_database(|db| async move {
            let p = register(&db, "Ada", "ada@example.org", PW).await.unwrap();
            let err = change_password(&db, &p, "wrong", "a new long password")
                .await
                .unwrap_err();
            assert_eq!(err.field(), Some("current_password"));
            let err = change_password(&db, &p, PW, "short").await.unwrap_err();
            assert_eq!(err.field(), Some("new_password"));
            sign_in(&db, "ada@example.org", PW, "ip")
                .await
                .expect("unchanged after refusals");
            change_password(&db, &p, PW, "a new long password")
                .await
                .unwrap();
            sign_in(&db, "ada@example.org", "a new long password", "ip")
                .await
                .unwrap();
            assert!(sign_in(&db, "ada@example.org", PW, "ip").await.is_err());
        })
        .await;
    }

    #[tokio::test]
    async fn password_reset_link_works_once_and_ends_other_sessions() {
        for_each_database(|db| async move {
            let mailer = Mailer::outbox_only();
            let p = register(&db, "Ada", "ada@example.org", PW).await.unwrap();
            let old_session = sessions::create(&db, p.id).await.unwrap();
            request_password_reset(&db, &mailer, &config(), "ADA@example.org")
                .await
                .unwrap();
            let token = newest_link(&db, "ada@example.org").await;

            let err = reset_password(&db, &token, "short").await.unwrap_err();
            assert_eq!(
                err.field(),
                Some("new_password"),
                "a bad password does not spend the link"
            );
            assert_eq!(
                reset_password(&db, &token, "my new long password")
                    .await
                    .unwrap()
                    .id,
                p.id
            );
            assert!(
                sessions::person_for_token(&db, &old_session)
                    .await
                    .unwrap()
                    .is_none()
            );
            sign_in(&db, "ada@example.org", "my new long password", "ip")
                .await
                .unwrap();
            let again = reset_password(&db, &token, "another long password")
                .await
                .unwrap_err();
            assert_eq!(again.field(), Some("token"));
        })
        .await;
    }

    #[tokio::test]
    async fn reset_for_an_unknown_address_sends_nothing_and_says_nothing() {
        for_each_database(|db| async move {
            request_password_reset(&db, &Mailer::outbox_only(), &config(), "nobody@example.org")
                .await
                .unwrap();
            assert_eq!(outbox_email::Entity::find().count(&db).await.unwrap(), 0);
        })
        .await;
    }

    #[tokio::test]
    async fn magic_link_signs_in_once_and_not_as_a_reset_token() {
        for_each_database(|db| async move {
            let mailer = Mailer::outbox_only();
            let p = register(&db, "Ada", "ada@example.org", PW).await.unwrap();
            request_magic_link(&db, &mailer, &config(), "ada@example.org")
                .await
                .unwrap();
            let token = newest_link(&db, "ada@example.org").await;
            assert!(
                reset_password(&db, &token, "my new long password")
                    .await
                    .is_err()
            );
            assert_eq!(use_magic_link(&db, &token).await.unwrap().id, p.id);
            assert!(use_magic_link(&db, &token).await.is_err());
            assert!(use_magic_link(&db, "made-up-token").await.is_err());
        })
        .await;
    }

    #[tokio::test]
    async fn sign_in_emails_to_one_address_are_limited_per_hour() {
        for_each_database(|db| async move {
            let mailer = Mailer::outbox_only();
            register(&db, "Ada", "ada@example.org", PW).await.unwrap();
            for _ in 0..MAX_EMAILS_PER_HOUR + 3 {
                request_magic_link(&db, &mailer, &config(), "ada@example.org")
                    .await
                    .unwrap();
            }
            assert_eq!(
                outbox_email::Entity::find().count(&db).await.unwrap(),
                MAX_EMAILS_PER_HOUR
            );
        })
        .await;
    }

    #[tokio::test]
    async fn links_are_sent_off_the_request_path_and_each_client_may_ask_only_so_often() {
        for_each_database(|db| async move {
            register(&db, "Ada", "ada@example.org", PW).await.unwrap();
            let state = crate::server::AppState {
                db: db.clone(),
                config: std::sync::Arc::new(config()),
                mailer: Mailer::outbox_only(),
                live: crate::server::live::Live::start(&db).await.unwrap(),
            };
            // Known and unknown addresses are answered alike, before any e-mail is written.
            for to in ["ada@example.org", "nobody@example.org"] {
                send_link_later(&state, "5.5.5.5", to, LinkKind::SignIn)
                    .await
                    .unwrap();
            }
            let mut sent = 0;
            for _ in 0..50 {
                sent = outbox_email::Entity::find().count(&db).await.unwrap();
                if sent > 0 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            assert_eq!(sent, 1, "only the address with an account gets mail");
            // A malformed address is still told at once.
            let err = send_link_later(&state, "5.5.5.5", "not an address", LinkKind::SignIn)
                .await
                .unwrap_err();
            assert_eq!(err.field(), Some("email"));
            let (most, _) = Bucket::EmailedLink.limit();
            for _ in 2..most {
                send_link_later(
                    &state,
                    "5.5.5.5",
                    "nobody@example.org",
                    LinkKind::PasswordReset,
                )
                .await
                .unwrap();
            }
            let err = send_link_later(
                &state,
                "5.5.5.5",
                "ada@example.org",
                LinkKind::PasswordReset,
            )
            .await
            .unwrap_err();
            assert!(matches!(err, AppError::RateLimited { .. }), "{err:?}");
            send_link_later(
                &state,
                "6.6.6.6",
                "ada@example.org",
                LinkKind::PasswordReset,
            )
            .await
            .unwrap();
        })
        .await;
    }
}
