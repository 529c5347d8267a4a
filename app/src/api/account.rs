//! Accounts: who is signed in, registering, signing in and out, passwords, e-mailed links.
use crate::error::AppError;
use crate::model::account::*;
use leptos::prelude::*;

#[server(endpoint = "session")]
pub async fn get_session_info() -> Result<SessionInfo, AppError> {
    use crate::server::{
        auth,
        services::{sessions, settings},
    };
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::current_person(&state).await?;
            let actor = auth::current_actor(&state).await?;
            let settings =
                settings::cached(&state.db, state.live.structure(), &state.config).await?;
            Ok(sessions::session_info(
                &settings.name,
                state.config.demo,
                person,
                actor.as_ref(),
            ))
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
            let client = auth::client_ip(&state);
            let person =
                accounts::register_from(&state.db, &client, &name, &email, &password).await?;
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
            accounts::send_link_later(
                &state,
                &auth::client_ip(&state),
                &email,
                accounts::LinkKind::PasswordReset,
            )
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
            accounts::send_link_later(
                &state,
                &auth::client_ip(&state),
                &email,
                accounts::LinkKind::SignIn,
            )
            .await?;
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
    use crate::server::{auth, services::mail};
    auth::respond(
        async {
            let state = auth::state()?;
            mail::outbox(&state.db, state.config.demo).await
        }
        .await,
    )
}

/// The signed-in member's privacy choices: the perspectives held and the consent given.
#[server(endpoint = "account_privacy")]
pub async fn get_account_privacy() -> Result<crate::model::admin::AccountPrivacy, AppError> {
    use crate::server::{auth, services::privacy};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            privacy::choices(&state.db, person.id).await
        }
        .await,
    )
}

/// Change the perspectives held (with consent), or withdraw consent (`withdraw` sent):
/// only ever one's own.
#[server(endpoint = "account_perspectives")]
pub async fn set_perspectives(
    perspectives: Option<Vec<String>>,
    withdraw: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{auth, services::privacy};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            let chosen = perspectives.unwrap_or_default();
            let chosen = (!crate::api::checked(withdraw)).then_some(chosen.as_slice());
            privacy::set_perspectives(&state.db, person.id, chosen).await
        }
        .await,
    )
}

/// Delete one's own account (the e-mail address typed to be sure), then sign out.
#[server(endpoint = "delete_account")]
pub async fn delete_account(confirm_email: String) -> Result<(), AppError> {
    use crate::server::{auth, services::privacy};
    auth::respond(
        async {
            let state = auth::state()?;
            let person = auth::require_person(&state).await?;
            privacy::erase(&state.db, person.id, &confirm_email).await?;
            auth::end_session(&state).await?;
            state.live.structure_changed(&state.db).await;
            leptos_axum::redirect("/?account_deleted=1");
            Ok(())
        }
        .await,
    )
}
