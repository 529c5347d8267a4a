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
