//! Partner organisations and how they work with the community's spaces.
use crate::error::AppError;
use crate::model::partners::*;
use leptos::prelude::*;

#[server(endpoint = "partners")]
pub async fn get_partners() -> Result<PartnersPage, AppError> {
    use crate::server::{auth, services::partners};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::current_person(&state).await?;
            partners::page(&state.db, viewer.map(|p| p.id)).await
        }
        .await,
    )
}

#[server(endpoint = "add_partner")]
pub async fn add_partner(
    region: String,
    name: String,
    kind: String,
    relationship: String,
    website: String,
    contact_name: String,
    contact_email: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::partners};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let form = partners::PartnerForm {
                region,
                name,
                kind,
                relationship,
                website,
                contact_name,
                contact_email,
            };
            partners::add(&state.db, actor.id, &form).await?;
            state.live.structure_changed(&state.db).await;
            Ok(())
        }
        .await,
    )
}

/// Keep a region's relationship with a partner up (its convener).
#[server(endpoint = "keep_tie")]
#[allow(clippy::too_many_arguments)]
pub async fn keep_tie(
    region: String,
    partner: i64,
    relationship: String,
    agreement_from: String,
    agreement_to: String,
    agreement_url: String,
    last_contact_on: String,
    next_step: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::partners};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let form = partners::TieForm {
                relationship,
                agreement_from,
                agreement_to,
                agreement_url,
                last_contact_on,
                next_step,
            };
            partners::keep_tie(&state.db, actor.id, &region, partner, &form).await?;
            state.live.structure_changed(&state.db).await;
            Ok(())
        }
        .await,
    )
}
