//! Reading the community's structure: the national group, its regions, their
//! conveners and host partners — in a fixed number of queries, whatever the size.
use crate::domain::structure::{RoleKind, SpaceKind};
use crate::error::AppError;
use crate::model::community::{CommunityOverview, ConvenerSummary, RegionSummary, SpaceSummary};
use crate::server::entities::{partner_organisation, person, role, space, space_partner};
use chrono::Utc;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

fn summary(s: &space::Model) -> SpaceSummary {
    SpaceSummary {
        slug: s.slug.clone(),
        name: s.name.clone(),
        purpose: s.purpose.clone(),
    }
}

pub async fn overview(
    db: &DatabaseConnection,
    community_name: &str,
) -> Result<CommunityOverview, AppError> {
    let spaces = space::Entity::find()
        .filter(space::Column::Kind.is_in([
            SpaceKind::NationalStewardshipGroup.code(),
            SpaceKind::Region.code(),
            SpaceKind::StewardshipGroup.code(),
        ]))
        .filter(space::Column::ArchivedAt.is_null())
        .order_by_asc(space::Column::Name)
        .all(db)
        .await?;
    let region_ids: Vec<i64> = spaces
        .iter()
        .filter(|s| s.kind == SpaceKind::Region.code())
        .map(|s| s.id)
        .collect();

    let today = Utc::now().date_naive();
    let conveners = role::Entity::find()
        .find_also_related(person::Entity)
        .filter(role::Column::Kind.eq(RoleKind::Convener.code()))
        .filter(role::Column::SpaceId.is_in(region_ids.clone()))
        .filter(role::Column::StartsOn.lte(today))
        .filter(
            Condition::any()
                .add(role::Column::EndsOn.is_null())
                .add(role::Column::EndsOn.gte(today)),
        )
        .order_by_asc(role::Column::StartsOn)
        .all(db)
        .await?;
    let hosts = space_partner::Entity::find()
        .find_also_related(partner_organisation::Entity)
        .filter(space_partner::Column::SpaceId.is_in(region_ids))
        .filter(space_partner::Column::Relationship.eq("host"))
        .all(db)
        .await?;

    let mut conveners_by_space: HashMap<i64, Vec<ConvenerSummary>> = HashMap::new();
    for (r, p) in conveners {
        if let Some(p) = p {
            conveners_by_space
                .entry(r.space_id)
                .or_default()
                .push(ConvenerSummary {
                    name: p.name,
                    term_ends_on: r.ends_on,
                });
        }
    }
    let mut hosts_by_space: HashMap<i64, Vec<String>> = HashMap::new();
    for (sp, org) in hosts {
        if let Some(org) = org {
            hosts_by_space
                .entry(sp.space_id)
                .or_default()
                .push(org.name);
        }
    }

    let regions = spaces
        .iter()
        .filter(|s| s.kind == SpaceKind::Region.code())
        .map(|r| RegionSummary {
            space: summary(r),
            conveners: conveners_by_space.remove(&r.id).unwrap_or_default(),
            host_partners: hosts_by_space.remove(&r.id).unwrap_or_default(),
            stewardship_group: spaces
                .iter()
                .find(|g| g.parent_id == Some(r.id) && g.kind == SpaceKind::StewardshipGroup.code())
                .map(|g| g.name.clone()),
        })
        .collect();
    Ok(CommunityOverview {
        name: community_name.to_owned(),
        national: spaces
            .iter()
            .find(|s| s.kind == SpaceKind::NationalStewardshipGroup.code())
            .map(summary),
        regions,
    })
}
