//! Accounts: who is signed in, registering, signing in and out, passwords, e-mailed links.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// What every page needs to know about the visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub community_name: String,
    pub demo: bool,
    pub user: Option<CurrentUser>,
    /// The signed-in person's membership status code, if they have applied or joined.
    pub member_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEmail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: String,
    pub sent: bool,
}

#[server(endpoint = "session")]
pub async fn get_session_info() -> Result<SessionInfo, AppError> {
    use crate::server::auth;
    auth::respond(
        async {
            let state = auth::state()?;
            use crate::server::entities::member;
            use sea_orm::EntityTrait;
            let person = auth::current_person(&state).await?;
            let member_status = match &person {
                Some(p) => member::Entity::find_by_id(p.id)
                    .one(&state.db)
                    .await?
                    .map(|m| m.status),
                None => None,
            };
            Ok(SessionInfo {
                community_name: state.config.community_name.clone(),
                demo: state.config.demo,
                user: person.map(|p| CurrentUser {
                    id: p.id,
                    name: p.name,
                    email: p.email,
                }),
                member_status,
            })
        }
        .await,
    )
}

#[server(endpoint = "register")]
pub async fn register(name: String, email: String, password: String) -> Result<(), AppError> {
    use crate::server::{auth, services::accounts};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = accounts::register(&state.db, &name, &email, &password).await?;
            auth::start_session(&state, person.id).await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use crate::server::{auth, services::accounts};
    auth::respond(
        async {
            let state = auth::state()?;
            let ip = auth::client_ip(&state);
            let person = accounts::sign_in(&state.db, &email, &password, &ip).await?;
            auth::start_session(&state, person.id).await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::auth;
    auth::respond(
        async {
            let state = auth::state()?;
            auth::end_session(&state).await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::server::{
        auth,
        services::{accounts, sessions},
    };
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            accounts::change_password(&state.db, &person, &current_password, &new_password).await?;
            sessions::end_others(&state.db, person.id, auth::session_token().as_deref()).await?;
            leptos_axum::redirect("/account?password_changed=1");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::server::{auth, services::accounts};
    auth::respond(
        async {
            let state = auth::state()?;
            accounts::request_password_reset(&state.db, &state.mailer, &state.config, &email)
                .await?;
            leptos_axum::redirect("/forgot-password?sent=1");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, new_password: String) -> Result<(), AppError> {
    use crate::server::{auth, services::accounts};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = accounts::reset_password(&state.db, &token, &new_password).await?;
            auth::start_session(&state, person.id).await?;
            leptos_axum::redirect("/account?password_reset=1");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "request_sign_in_link")]
pub async fn request_sign_in_link(email: String) -> Result<(), AppError> {
    use crate::server::{auth, services::accounts};
    auth::respond(
        async {
            let state = auth::state()?;
            accounts::request_magic_link(&state.db, &state.mailer, &state.config, &email).await?;
            leptos_axum::redirect("/sign-in-link?sent=1");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "use_sign_in_link")]
pub async fn use_sign_in_link(token: String) -> Result<(), AppError> {
    use crate::server::{auth, services::accounts};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = accounts::use_magic_link(&state.db, &token).await?;
            auth::start_session(&state, person.id).await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}

/// The e-mail outbox, newest first: shown only in demo mode.
#[server(endpoint = "outbox")]
pub async fn outbox() -> Result<Vec<OutboxEmail>, AppError> {
    use crate::server::{auth, entities::outbox_email};
    use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
    auth::respond(
        async {
            let state = auth::state()?;
            if !state.config.demo {
                return Err(AppError::NotFound("There is no outbox here.".into()));
            }
            let rows = outbox_email::Entity::find()
                .order_by_desc(outbox_email::Column::Id)
                .limit(50)
                .all(&state.db)
                .await?;
            Ok(rows
                .into_iter()
                .map(|m| OutboxEmail {
                    id: m.id,
                    to_address: m.to_address,
                    subject: m.subject,
                    body: m.body,
                    created_at: m.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    sent: m.sent_at.is_some(),
                })
                .collect())
        }
        .await,
    )
}
