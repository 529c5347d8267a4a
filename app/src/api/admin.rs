//! The project team's administration, and the privacy notice everyone reads. Every door
//! asks the service, which refuses anyone outside the project team.
use crate::error::AppError;
use crate::model::admin::*;
use leptos::prelude::*;

#[server(endpoint = "admin")]
pub async fn get_admin_page() -> Result<AdminPage, AppError> {
    use crate::server::{auth, services::admin};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            admin::page(&state.db, &state.config, actor.id).await
        }
        .await,
    )
}

#[server(endpoint = "privacy")]
pub async fn get_privacy() -> Result<PrivacyPage, AppError> {
    use crate::server::{auth, markdown, services::settings};
    auth::respond(
        async {
            let state = auth::state()?;
            let s = settings::cached(&state.db, state.live.structure(), &state.config).await?;
            Ok(PrivacyPage {
                community_name: s.name.clone(),
                contact_email: s.contact_email.clone(),
                notice_html: markdown::to_html(&s.privacy_notice),
                guest_retention_days: s.guest_retention_days,
            })
        }
        .await,
    )
}

#[server(endpoint = "admin_settings")]
pub async fn save_settings(
    name: String,
    contact_email: String,
    privacy_notice: String,
    guest_retention_days: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::settings};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let form = settings::SettingsForm {
                name,
                contact_email,
                privacy_notice,
                guest_retention_days,
            };
            settings::update(&state.db, actor.id, &form).await?;
            state.live.structure_changed(&state.db).await;
            leptos_axum::redirect("/admin");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "admin_create_space")]
pub async fn create_space(
    kind: String,
    parent: String,
    name: String,
    purpose: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::admin};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let form = admin::SpaceForm {
                kind,
                parent,
                name,
                purpose,
            };
            let created = admin::create_space(&state.db, actor.id, &form).await?;
            state.live.structure_changed(&state.db).await;
            leptos_axum::redirect(&format!("/admin/spaces/{}", created.slug));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "admin_edit_space")]
pub async fn edit_space(slug: String, name: String, purpose: String) -> Result<(), AppError> {
    use crate::server::{auth, services::admin};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            admin::edit_space(&state.db, actor.id, &slug, &name, &purpose).await?;
            state.live.structure_changed(&state.db).await;
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "admin_archive_space")]
pub async fn archive_space(slug: String, archive: String) -> Result<(), AppError> {
    use crate::server::{auth, services::admin};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let archive = match archive.as_str() {
                "archive" => true,
                "restore" => false,
                _ => {
                    return Err(AppError::invalid(
                        "archive",
                        "Choose to archive or restore.",
                    ));
                }
            };
            admin::archive_space(&state.db, actor.id, &slug, archive).await?;
            state.live.structure_changed(&state.db).await;
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "admin_set_host")]
pub async fn set_host(
    slug: String,
    partner: String,
    new_name: String,
    new_kind: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::admin};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let form = admin::HostForm {
                partner,
                new_name,
                new_kind,
            };
            admin::set_host(&state.db, actor.id, &slug, &form).await?;
            state.live.structure_changed(&state.db).await;
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "admin_add_to_team")]
pub async fn add_to_team(name: String, email: String) -> Result<(), AppError> {
    use crate::server::{auth, services::admin};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            admin::add_to_team(
                &state.db,
                &state.mailer,
                &state.config,
                actor.id,
                &name,
                &email,
            )
            .await?;
            state.live.structure_changed(&state.db).await;
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "admin_remove_from_team")]
pub async fn remove_from_team(person_id: String) -> Result<(), AppError> {
    use crate::server::{auth, services::admin};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let person_id = person_id.parse().map_err(|_| {
                AppError::invalid("person_id", "Choose someone in the project team.")
            })?;
            admin::remove_from_team(&state.db, actor.id, person_id).await?;
            state.live.structure_changed(&state.db).await;
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "admin_import")]
pub async fn get_import_preview(id: i64) -> Result<ImportPreview, AppError> {
    use crate::server::{auth, services::import};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            import::preview(&state.db, actor.id, id).await
        }
        .await,
    )
}

/// Add the upload's members; their invitations go out through the outbox afterwards,
/// off the request path.
#[server(endpoint = "admin_confirm_import")]
pub async fn confirm_import(id: String, skip_bad: Option<String>) -> Result<(), AppError> {
    use crate::server::{auth, services::import};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let id = id
                .parse()
                .map_err(|_| AppError::NotFound("There is no such upload.".into()))?;
            let done =
                import::confirm(&state.db, actor.id, id, crate::api::checked(skip_bad)).await?;
            let (db, mailer, config) =
                (state.db.clone(), state.mailer.clone(), state.config.clone());
            tokio::spawn(async move {
                if let Err(e) = import::invite_all(&db, &mailer, &config, &done.added).await {
                    tracing::warn!("could not invite every imported member: {e}");
                }
            });
            Ok(())
        }
        .await,
    )
}
