//! Partner organisations (AHSNs, trusts, universities, charities, …) and their
//! relationships with regions: who hosts, who partners, and whom to contact.
use crate::domain::account::validate_email;
use crate::domain::audit::AuditAction;
use crate::domain::membership::{Action, MembershipStatus};
use crate::domain::structure::{PartnerKind, PartnerRelationship, SpaceKind};
use crate::error::{AppError, Validation};
use crate::model::partners::{PartnerView, PartnersPage, Tie};
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
    let day = crate::server::time::day;
    let mut may_keep: HashMap<i64, bool> = HashMap::new();
    let mut links: HashMap<i64, Vec<Tie>> = HashMap::new();
    for l in space_partner::Entity::find().all(db).await? {
        let Some(s) = spaces.get(&l.space_id) else {
            continue;
        };
        let may_edit = match (&actor, may_keep.get(&s.id)) {
            (None, _) => false,
            (Some(_), Some(known)) => *known,
            (Some(a), None) => {
                let may = s.kind == SpaceKind::Region.code()
                    && a.may(
                        Action::ManagePartners,
                        &membership::scope(db, s).await?,
                        today,
                    );
                may_keep.insert(s.id, may);
                may
            }
        };
        let kind = PartnerRelationship::from_code(&l.relationship);
        let shown = |v: Option<String>| v.filter(|_| is_member);
        links
            .entry(l.partner_organisation_id)
            .or_default()
            .push(Tie {
                space_id: s.id,
                slug: s.slug.clone(),
                name: s.name.clone(),
                relationship_label: kind.map_or("Partner", |k| k.label()).to_owned(),
                agreement: shown(match (l.agreement_from, l.agreement_to) {
                    (Some(f), Some(t)) => Some(format!("{} to {}", day(f), day(t))),
                    (Some(f), None) => Some(format!("from {}", day(f))),
                    (None, Some(t)) => Some(format!("until {}", day(t))),
                    (None, None) => None,
                }),
                agreement_url: shown(l.agreement_url.clone()),
                last_contact: shown(l.last_contact_on.map(day)),
                next_step: shown(l.next_step.clone()),
                may_edit,
                form: if may_edit {
                    (
                        l.agreement_from.map(|d| d.to_string()).unwrap_or_default(),
                        l.agreement_to.map(|d| d.to_string()).unwrap_or_default(),
                        l.agreement_url.clone().unwrap_or_default(),
                        l.last_contact_on.map(|d| d.to_string()).unwrap_or_default(),
                        l.next_step.clone().unwrap_or_default(),
                    )
                } else {
                    Default::default()
                },
                relationship: l.relationship,
            });
    }
    let partners = partner_organisation::Entity::find()
        .order_by_asc(partner_organisation::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PartnerView {
            id: p.id,
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
        ..Default::default()
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
                    PartnerRelationship::Funder => "a funder",
                    PartnerRelationship::Collaborator => "a collaborator",
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

pub struct TieForm {
    pub relationship: String,
    pub agreement_from: String,
    pub agreement_to: String,
    pub agreement_url: String,
    pub last_contact_on: String,
    pub next_step: String,
}

/// Keep a region's relationship with a partner up: its kind, the agreement's dates and
/// document, the last contact and the next step. The region's convener (or the project
/// team), as for recording a partner.
pub async fn keep_tie(
    db: &DatabaseConnection,
    actor_id: i64,
    region_slug: &str,
    partner_id: i64,
    f: &TieForm,
) -> Result<(), AppError> {
    let region = membership::region_by_slug(db, region_slug).await?;
    membership::authorise(db, actor_id, Action::ManagePartners, &region).await?;
    let tie = space_partner::Entity::find()
        .filter(space_partner::Column::SpaceId.eq(region.id))
        .filter(space_partner::Column::PartnerOrganisationId.eq(partner_id))
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::NotFound("That organisation does not work with this region.".into())
        })?;
    let mut v = Validation::default();
    let relationship = v.take(
        PartnerRelationship::from_code(&f.relationship).ok_or_else(|| {
            AppError::invalid("relationship", "Choose how it works with the region.")
        }),
    );
    let day = |field: &str, raw: &str, v: &mut Validation| -> Option<chrono::NaiveDate> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let parsed = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok();
        if parsed.is_none() {
            v.refuse(field, "Give a date like 2027-03-31, or leave it empty.");
        }
        parsed
    };
    let from = day("agreement_from", &f.agreement_from, &mut v);
    let to = day("agreement_to", &f.agreement_to, &mut v);
    let last = day("last_contact_on", &f.last_contact_on, &mut v);
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            v.refuse("agreement_to", "The agreement ends before it starts.");
        }
    }
    if last.is_some_and(|l| l > Utc::now().date_naive()) {
        v.refuse(
            "last_contact_on",
            "The last contact cannot be in the future.",
        );
    }
    let url = f.agreement_url.trim();
    if !url.is_empty() && (!crate::domain::meeting::is_web_link(url) || url.len() > 500) {
        v.refuse(
            "agreement_url",
            "Give the agreement's web address starting https://, or leave it empty.",
        );
    }
    let next_step = f.next_step.trim();
    if next_step.chars().count() > 1_000 {
        v.refuse("next_step", "Keep the next step to 1000 characters.");
    }
    let relationship = v.finish_with(relationship)?;
    let partner_name = partner_organisation::Entity::find_by_id(partner_id)
        .one(db)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    let mut a: space_partner::ActiveModel = tie.into();
    a.relationship = Set(relationship.code().to_owned());
    a.agreement_from = Set(from);
    a.agreement_to = Set(to);
    a.agreement_url = Set(Some(url.to_owned()).filter(|u| !u.is_empty()));
    a.last_contact_on = Set(last);
    a.next_step = Set(Some(next_step.to_owned()).filter(|n| !n.is_empty()));
    let txn = crate::server::db::begin_write(db).await?;
    a.update(&txn).await?;
    audit::record(
        &txn,
        Entry {
            actor_id: Some(actor_id),
            space_id: Some(region.id),
            subject_person_id: None,
            action: AuditAction::PartnerKept,
            summary: format!(
                "{partner_name}'s relationship with {} was kept up ({})",
                region.name,
                relationship.label().to_lowercase()
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
            assert_eq!(bristol.spaces[0].relationship, "partner");
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

    #[tokio::test]
    async fn a_convener_keeps_a_relationship_up_and_members_read_it() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = accounts::find_by_email(&db, "hein@demo.q-commons.org")
                .await
                .unwrap()
                .unwrap()
                .id;
            let helen = accounts::find_by_email(&db, "helen@demo.q-commons.org")
                .await
                .unwrap()
                .unwrap()
                .id;
            let host = page(&db, Some(hein)).await.unwrap();
            let ahsn = host
                .partners
                .iter()
                .find(|p| p.spaces.iter().any(|t| t.slug == "west-of-england"))
                .unwrap()
                .id;
            let form = |from: &str, to: &str, url: &str, last: &str| TieForm {
                relationship: "funder".into(),
                agreement_from: from.into(),
                agreement_to: to.into(),
                agreement_url: url.into(),
                last_contact_on: last.into(),
                next_step: "Agree next year's events budget.".into(),
            };
            // Refused whole: nonsense dates, an end before the start, a script for a link,
            // a contact in the future; nothing changes.
            let e = keep_tie(
                &db,
                hein,
                "west-of-england",
                ahsn,
                &form("2027-04-01", "2026-03-31", "javascript:x", "2999-01-01"),
            )
            .await
            .unwrap_err();
            let AppError::Invalid(errors) = e else {
                panic!("{e:?}")
            };
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(
                fields,
                vec!["agreement_to", "last_contact_on", "agreement_url"]
            );
            assert!(matches!(
                keep_tie(
                    &db,
                    hein,
                    "west-of-england",
                    ahsn,
                    &form("soon", "", "", "")
                )
                .await,
                Err(AppError::Invalid(_))
            ));
            // Only the region's convener; only a partner the region works with.
            assert_eq!(
                keep_tie(&db, helen, "west-of-england", ahsn, &form("", "", "", ""))
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            assert!(matches!(
                keep_tie(&db, helen, "south-west", ahsn, &form("", "", "", "")).await,
                Err(AppError::NotFound(_))
            ));
            keep_tie(
                &db,
                hein,
                "west-of-england",
                ahsn,
                &form(
                    "2026-04-01",
                    "2027-03-31",
                    "https://docs.example.org/mou.pdf",
                    "2026-11-03",
                ),
            )
            .await
            .unwrap();

            // Members read it; the public sees the kind only; Helen may not edit it.
            let read = page(&db, Some(helen)).await.unwrap();
            let tie = read
                .partners
                .iter()
                .flat_map(|p| p.spaces.iter())
                .find(|t| t.slug == "west-of-england")
                .unwrap();
            assert_eq!(tie.relationship, "funder");
            assert_eq!(
                tie.agreement.as_deref(),
                Some("1 April 2026 to 31 March 2027")
            );
            assert_eq!(tie.last_contact.as_deref(), Some("3 November 2026"));
            assert_eq!(
                tie.next_step.as_deref(),
                Some("Agree next year's events budget.")
            );
            assert!(!tie.may_edit);
            let own = page(&db, Some(hein)).await.unwrap();
            assert!(
                own.partners
                    .iter()
                    .flat_map(|p| p.spaces.iter())
                    .any(|t| t.slug == "west-of-england" && t.may_edit)
            );
            let public = page(&db, None).await.unwrap();
            let seen = public
                .partners
                .iter()
                .flat_map(|p| p.spaces.iter())
                .find(|t| t.slug == "west-of-england")
                .unwrap();
            assert_eq!(seen.relationship, "funder");
            assert!(
                seen.agreement.is_none()
                    && seen.next_step.is_none()
                    && seen.agreement_url.is_none()
            );
            // Kept up once, refused four times: one line in the region's audit log.
            use sea_orm::PaginatorTrait;
            assert_eq!(
                crate::server::entities::audit_log::Entity::find()
                    .filter(
                        crate::server::entities::audit_log::Column::Action
                            .eq(AuditAction::PartnerKept.code())
                    )
                    .count(&db)
                    .await
                    .unwrap(),
                1
            );
        })
        .await;
    }
}
