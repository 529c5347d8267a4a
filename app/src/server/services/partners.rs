//! Partner organisations (AHSNs, trusts, universities, charities, …) and their
//! relationships with regions: who hosts, who partners, and whom to contact.
use crate::domain::account::validate_email;
use crate::domain::audit::AuditAction;
use crate::domain::membership::{Action, MembershipStatus};
use crate::domain::structure::{PartnerKind, PartnerRelationship, SpaceKind};
use crate::error::{AppError, Validation};
use crate::model::partners::{PartnerView, PartnersPage};
use crate::server::entities::{partner_organisation, space, space_partner};
use crate::server::services::audit::{self, Entry};
use crate::server::services::membership;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;

pub async fn page(db: &DatabaseConnection, viewer: Option<i64>) -> Result<PartnersPage, AppError> {
    let today = Utc::now().date_naive();
    let actor = match viewer {
        Some(id) => Some(membership::actor(db, id).await?),
        None => None,
    };
    let is_member = actor
        .as_ref()
        .is_some_and(|a| a.status == Some(MembershipStatus::Active) || a.is_project_team(today));
    let spaces: HashMap<i64, space::Model> = space::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut links: HashMap<i64, Vec<(String, String, String)>> = HashMap::new();
    for l in space_partner::Entity::find().all(db).await? {
        if let Some(s) = spaces.get(&l.space_id) {
            links.entry(l.partner_organisation_id).or_default().push((
                s.slug.clone(),
                s.name.clone(),
                l.relationship,
            ));
        }
    }
    let partners = partner_organisation::Entity::find()
        .order_by_asc(partner_organisation::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PartnerView {
            kind: PartnerKind::from_code(&p.kind)
                .map_or("Organisation", |k| k.label())
                .to_owned(),
            website: p.website,
            spaces: links.remove(&p.id).unwrap_or_default(),
            contact: match (is_member, p.contact_name, p.contact_email) {
                (true, Some(n), Some(e)) => Some(format!("{n} <{e}>")),
                (true, Some(n), None) => Some(n),
                (true, None, Some(e)) => Some(e),
                _ => None,
            },
            name: p.name,
        })
        .collect();
    let mut may_add_to = Vec::new();
    if let Some(actor) = &actor {
        let mut regions: Vec<&space::Model> = spaces
            .values()
            .filter(|s| s.kind == SpaceKind::Region.code())
            .collect();
        regions.sort_by(|a, b| a.name.cmp(&b.name));
        for r in regions {
            if actor.may(
                Action::ManagePartners,
                &membership::scope(db, r).await?,
                today,
            ) {
                may_add_to.push((r.slug.clone(), r.name.clone()));
            }
        }
    }
    Ok(PartnersPage {
        partners,
        may_add_to,
    })
}

pub struct PartnerForm {
    pub region: String,
    pub name: String,
    pub kind: String,
    pub relationship: String,
    pub website: String,
    pub contact_name: String,
    pub contact_email: String,
}

/// Record a partner organisation (new, or one already known by name) as a host of or
/// partner to a region.
pub async fn add(db: &DatabaseConnection, actor_id: i64, f: &PartnerForm) -> Result<(), AppError> {
    let region = membership::region_by_slug(db, &f.region)
        .await
        .map_err(|_| AppError::invalid("region", "Choose a region."))?;
    membership::authorise(db, actor_id, Action::ManagePartners, &region).await?;
    let mut v = Validation::default();
    let name = f.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 200 {
        v.refuse(
            "name",
            "Enter the organisation's name (at most 200 characters).",
        );
    }
    let kind = v.take(
        PartnerKind::from_code(&f.kind)
            .ok_or_else(|| AppError::invalid("kind", "Choose what kind of organisation it is.")),
    );
    let relationship = v.take(
        PartnerRelationship::from_code(&f.relationship)
            .ok_or_else(|| AppError::invalid("relationship", "Choose host or partner.")),
    );
    let website = f.website.trim();
    if !(website.is_empty() || website.starts_with("https://") || website.starts_with("http://")) {
        v.refuse("website", "Enter a web address starting https://");
    }
    let contact_email = if f.contact_email.trim().is_empty() {
        None
    } else {
        v.check(validate_email(&f.contact_email).map_err(|_| {
            AppError::invalid(
                "contact_email",
                "Enter the contact's e-mail address like name@example.org.",
            )
        }))
    };
    let (kind, relationship) = v.finish_with((kind, relationship))?;
    let txn = crate::server::db::begin_write(db).await?;
    let existing = partner_organisation::Entity::find()
        .filter(partner_organisation::Column::Name.eq(&name))
        .one(&txn)
        .await?;
    let partner = match existing {
        Some(p) => p,
        None => {
            partner_organisation::ActiveModel {
                name: Set(name.clone()),
                kind: Set(kind.code().into()),
                website: Set((!website.is_empty()).then(|| website.to_owned())),
                contact_name: Set(Some(f.contact_name.trim().to_owned()).filter(|n| !n.is_empty())),
                contact_email: Set(contact_email),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let linked = space_partner::Entity::find()
        .filter(space_partner::Column::SpaceId.eq(region.id))
        .filter(space_partner::Column::PartnerOrganisationId.eq(partner.id))
        .one(&txn)
        .await?;
    if linked.is_some() {
        return Err(AppError::conflict(
            "name",
            format!("{name} already works with {}.", region.name),
        ));
    }
    space_partner::ActiveModel {
        space_id: Set(region.id),
        partner_organisation_id: Set(partner.id),
        relationship: Set(relationship.code().to_owned()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Entry {
            actor_id: Some(actor_id),
            space_id: Some(region.id),
            subject_person_id: None,
            action: AuditAction::PartnerAdded,
            summary: format!(
                "{name} was recorded as {} of {}",
                match relationship {
                    PartnerRelationship::Host => "host",
                    PartnerRelationship::Partner => "a partner",
                },
                region.name
            ),
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::services::{accounts, demo};
    use crate::server::testing::for_each_database;

    fn form(region: &str) -> PartnerForm {
        PartnerForm {
            region: region.into(),
            name: "University of Bristol".into(),
            kind: "university".into(),
            relationship: "partner".into(),
            website: "https://www.bristol.ac.uk".into(),
            contact_name: "Dr Ada Lee".into(),
            contact_email: "ada.lee@example.org".into(),
        }
    }

    #[tokio::test]
    async fn convener_records_a_partner_of_own_region_and_members_see_the_contact() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = accounts::find_by_email(&db, "hein@demo.q-commons.org")
                .await
                .unwrap()
                .unwrap()
                .id;
            add(&db, hein, &form("west-of-england")).await.unwrap();
            assert_eq!(
                add(&db, hein, &form("west-of-england"))
                    .await
                    .unwrap_err()
                    .status(),
                409
            );
            assert_eq!(
                add(&db, hein, &form("south-west")).await.unwrap_err(),
                AppError::Forbidden
            );
            let seen = page(&db, Some(hein)).await.unwrap();
            let bristol = seen
                .partners
                .iter()
                .find(|p| p.name == "University of Bristol")
                .unwrap();
            assert_eq!(
                bristol.contact.as_deref(),
                Some("Dr Ada Lee <ada.lee@example.org>")
            );
            assert_eq!(bristol.spaces[0].2, "partner");
            assert_eq!(
                seen.may_add_to,
                [("west-of-england".to_owned(), "West of England".to_owned())]
            );
            let public = page(&db, None).await.unwrap();
            assert!(
                public.partners.iter().all(|p| p.contact.is_none()),
                "contacts are for members"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn bad_partner_input_is_refused_whole() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let priya = accounts::find_by_email(&db, "priya@demo.q-commons.org")
                .await
                .unwrap()
                .unwrap()
                .id;
            let bad = PartnerForm {
                name: " ".into(),
                kind: "cult".into(),
                relationship: "overlord".into(),
                website: "ftp://x".into(),
                contact_email: "nope".into(),
                ..form("south-west")
            };
            let err = add(&db, priya, &bad).await.unwrap_err();
            let fields: Vec<_> = err
                .field_errors()
                .iter()
                .map(|e| e.field.as_str())
                .collect();
            assert_eq!(
                fields,
                ["name", "kind", "relationship", "website", "contact_email"]
            );
        })
        .await;
    }
}
