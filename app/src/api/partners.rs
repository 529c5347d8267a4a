//! Partner organisations and how they work with the community's spaces.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerView {
    pub name: String,
    pub kind: String,
    pub website: Option<String>,
    /// (space slug, space name, relationship)
    pub spaces: Vec<(String, String, String)>,
    /// Shown to members only.
    pub contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnersPage {
    pub partners: Vec<PartnerView>,
    /// (slug, name) of the regions the viewer may record partners for.
    pub may_add_to: Vec<(String, String)>,
}

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
            partners::add(&state.db, actor.id, &form).await
        }
        .await,
    )
}
