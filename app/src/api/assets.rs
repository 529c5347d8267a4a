//! A space's commons assets and their ledgers: thin doors to the services, which decide
//! who may do what from the asset's own space.
use crate::error::AppError;
use crate::model::assets::*;
use leptos::prelude::*;

#[server(endpoint = "space_assets")]
pub async fn get_space_assets(slug: String) -> Result<SpaceAssets, AppError> {
    use crate::server::{auth, services::assets};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            assets::register(&state.db, viewer.id, &slug).await
        }
        .await,
    )
}

#[server(endpoint = "asset")]
pub async fn get_asset(id: i64) -> Result<AssetPage, AppError> {
    use crate::server::{auth, services::assets};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            assets::page(&state.db, viewer.id, id).await
        }
        .await,
    )
}

#[server(endpoint = "add_asset")]
pub async fn add_asset(
    space: String,
    name: String,
    kind: String,
    rules: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::assets};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let id = assets::add(
                &state.db,
                actor.id,
                &space,
                &AssetForm { name, kind, rules },
            )
            .await?;
            leptos_axum::redirect(&format!("/assets/{id}"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "ledger_entry")]
pub async fn record_entry(
    asset: i64,
    kind: String,
    amount: String,
    reason: String,
    to_whom: String,
    proposal: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::assets};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let form = EntryForm {
                kind,
                amount,
                reason,
                to_whom,
                proposal,
            };
            assets::record(&state.db, actor.id, asset, &form)
                .await
                .map(|_| ())
        }
        .await,
    )
}

#[server(endpoint = "asset_rules")]
pub async fn change_asset_rules(asset: i64, rules: String) -> Result<(), AppError> {
    use crate::server::{auth, services::assets};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            assets::change_rules(&state.db, actor.id, asset, &rules)
                .await
                .map(|_| ())
        }
        .await,
    )
}
