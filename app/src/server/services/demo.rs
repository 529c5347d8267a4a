//! Demo data: the 2018 Q pilot structure and a few accounts to sign in with.
//! Written only into an empty database.
use crate::domain::decision::Method;
use crate::domain::membership::{MembershipStatus, Perspective};
use crate::domain::structure::{PartnerKind, PartnerRelationship, RoleKind, SpaceKind};
use crate::error::AppError;
use crate::server::entities::{
    member, member_perspective, partner_organisation, person, role, space, space_partner,
};
use crate::server::services::accounts;
use chrono::{Datelike, Months, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Set};

pub const DEMO_PASSWORD: &str = "commons-demo-2018";

pub struct DemoAccount {
    pub name: &'static str,
    pub email: &'static str,
    pub role: &'static str,
    pub region: &'static str,
    pub perspectives: &'static [Perspective],
}

pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        name: "Hein le Roux",
        email: "hein@demo.q-commons.org",
        role: "convener, West of England",
        region: "west-of-england",
        perspectives: &[Perspective::ImprovementSpecialist],
    },
    DemoAccount {
        name: "Helen Smith",
        email: "helen@demo.q-commons.org",
        role: "convener, South West",
        region: "south-west",
        perspectives: &[Perspective::Clinician, Perspective::Educator],
    },
    DemoAccount {
        name: "Karen Morrell",
        email: "karen@demo.q-commons.org",
        role: "convener, North East and North Cumbria",
        region: "north-east-and-north-cumbria",
        perspectives: &[Perspective::Manager],
    },
    DemoAccount {
        name: "Priya Patel",
        email: "priya@demo.q-commons.org",
        role: "Q project team",
        region: "west-of-england",
        perspectives: &[Perspective::ImprovementSpecialist],
    },
    DemoAccount {
        name: "Sam Okafor",
        email: "sam@demo.q-commons.org",
        role: "patient member, steward in West of England",
        region: "west-of-england",
        perspectives: &[Perspective::Patient],
    },
];

/// Demo members without accounts, so that region pages and the directory look real:
/// (name, region slug, perspectives, organisation).
const DEMO_MEMBERS: &[(&str, &str, &[Perspective], Option<&str>)] = &[
    (
        "Aisha Rahman",
        "west-of-england",
        &[Perspective::Patient],
        None,
    ),
    ("Ben Carter", "west-of-england", &[Perspective::Carer], None),
    (
        "Chloe Evans",
        "west-of-england",
        &[Perspective::Clinician],
        Some("North Bristol NHS Trust"),
    ),
    (
        "Dev Mistry",
        "west-of-england",
        &[Perspective::Manager, Perspective::ImprovementSpecialist],
        Some("Sirona care & health"),
    ),
    (
        "Ellen Walsh",
        "west-of-england",
        &[Perspective::Researcher],
        Some("University of Bristol"),
    ),
    (
        "Femi Adeyemi",
        "west-of-england",
        &[Perspective::Educator],
        Some("University of the West of England"),
    ),
    (
        "Grace Lin",
        "south-west",
        &[Perspective::Patient, Perspective::Carer],
        None,
    ),
    (
        "Harry Pascoe",
        "south-west",
        &[Perspective::Clinician],
        Some("Royal Cornwall Hospitals NHS Trust"),
    ),
    (
        "Isla Trevithick",
        "south-west",
        &[Perspective::ImprovementSpecialist],
        Some("Torbay and South Devon NHS Foundation Trust"),
    ),
    ("Jack Nance", "south-west", &[Perspective::Carer], None),
    (
        "Kemi Obi",
        "south-west",
        &[Perspective::Researcher, Perspective::Clinician],
        Some("University of Exeter"),
    ),
    (
        "Liam Hughes",
        "south-west",
        &[Perspective::Other],
        Some("Healthwatch Devon"),
    ),
    (
        "Maya Singh",
        "north-east-and-north-cumbria",
        &[Perspective::Patient],
        None,
    ),
    (
        "Noah Robson",
        "north-east-and-north-cumbria",
        &[Perspective::Manager],
        Some("Newcastle upon Tyne Hospitals"),
    ),
    (
        "Olivia Armstrong",
        "north-east-and-north-cumbria",
        &[Perspective::Carer, Perspective::Educator],
        None,
    ),
    (
        "Priti Shah",
        "north-east-and-north-cumbria",
        &[Perspective::Clinician],
        Some("Cumbria, Northumberland, Tyne and Wear NHS Foundation Trust"),
    ),
    (
        "Quinn Bell",
        "north-east-and-north-cumbria",
        &[Perspective::ImprovementSpecialist],
        Some("AHSN North East and North Cumbria"),
    ),
    (
        "Rosa Milburn",
        "north-east-and-north-cumbria",
        &[Perspective::Researcher],
        Some("Newcastle University"),
    ),
];

struct RegionSeed {
    slug: &'static str,
    name: &'static str,
    purpose: &'static str,
    ahsn: &'static str,
    website: &'static str,
    convener_email: &'static str,
}

const REGIONS: &[RegionSeed] = &[
    RegionSeed {
        slug: "west-of-england",
        name: "West of England",
        purpose: "The regional commons for Q members in Bristol, Bath, Gloucestershire, Swindon and Wiltshire.",
        ahsn: "West of England AHSN",
        website: "https://www.weahsn.net",
        convener_email: "hein@demo.q-commons.org",
    },
    RegionSeed {
        slug: "south-west",
        name: "South West",
        purpose: "The regional commons for Q members in Cornwall, Devon and Somerset.",
        ahsn: "South West AHSN",
        website: "https://www.swahsn.com",
        convener_email: "helen@demo.q-commons.org",
    },
    RegionSeed {
        slug: "north-east-and-north-cumbria",
        name: "North East and North Cumbria",
        purpose: "The regional commons for Q members from the Scottish border to the Tees valley and North Cumbria.",
        ahsn: "AHSN North East and North Cumbria",
        website: "https://www.ahsn-nenc.org.uk",
        convener_email: "karen@demo.q-commons.org",
    },
];

async fn add_space(
    db: &DatabaseConnection,
    parent_id: Option<i64>,
    kind: SpaceKind,
    slug: &str,
    name: &str,
    purpose: &str,
) -> Result<space::Model, AppError> {
    Ok(space::ActiveModel {
        parent_id: Set(parent_id),
        kind: Set(kind.code().into()),
        slug: Set(slug.into()),
        name: Set(name.into()),
        purpose: Set(purpose.into()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

async fn add_member(
    db: &DatabaseConnection,
    person_id: i64,
    region_id: i64,
    perspectives: &[Perspective],
    organisation: Option<&str>,
) -> Result<(), AppError> {
    let now = Utc::now();
    member::ActiveModel {
        person_id: Set(person_id),
        status: Set(MembershipStatus::Active.code().into()),
        home_region_id: Set(Some(region_id)),
        organisation: Set(organisation.map(str::to_owned)),
        clinician_discipline: Set(perspectives
            .contains(&Perspective::Clinician)
            .then(|| "General practice".to_owned())),
        bio: Set(String::new()),
        interests: Set(String::new()),
        show_email: Set(false),
        show_organisation: Set(true),
        joined_on: Set(Some(now.date_naive())),
        updated_at: Set(now),
        perspectives_consented_at: Set(Some(now)),
    }
    .insert(db)
    .await?;
    member_perspective::Entity::insert_many(perspectives.iter().map(|p| {
        member_perspective::ActiveModel {
            person_id: Set(person_id),
            perspective: Set(p.code().into()),
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

async fn add_role(
    db: &DatabaseConnection,
    person_id: i64,
    space_id: i64,
    kind: RoleKind,
    months: Option<u32>,
) -> Result<(), AppError> {
    let today = Utc::now().date_naive();
    role::ActiveModel {
        person_id: Set(person_id),
        space_id: Set(space_id),
        kind: Set(kind.code().into()),
        starts_on: Set(today),
        ends_on: Set(months.and_then(|m| today.checked_add_months(Months::new(m)))),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Seed the demo community if nobody has an account yet. Returns whether it seeded.
pub async fn seed_if_empty(db: &DatabaseConnection) -> Result<bool, AppError> {
    if person::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    crate::server::services::settings::create(db, "Q Commons", "hello@demo.q-commons.org").await?;
    let mut people = std::collections::HashMap::new();
    for a in DEMO_ACCOUNTS {
        let p = accounts::register(db, a.name, a.email, DEMO_PASSWORD).await?;
        people.insert(a.email, p.id);
    }
    let national = add_space(
        db,
        None,
        SpaceKind::NationalStewardshipGroup,
        "national",
        "National commons stewardship group",
        "Stewards the commons of the whole Q community and decides what belongs at national level.",
    )
    .await?;
    add_role(
        db,
        people["priya@demo.q-commons.org"],
        national.id,
        RoleKind::ProjectTeam,
        None,
    )
    .await?;

    let mut region_ids: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    for r in REGIONS {
        let region = add_space(
            db,
            Some(national.id),
            SpaceKind::Region,
            r.slug,
            r.name,
            r.purpose,
        )
        .await?;
        let group = add_space(
            db,
            Some(region.id),
            SpaceKind::StewardshipGroup,
            &format!("{}-stewardship-group", r.slug),
            &format!("{} commons stewardship group", r.name),
            "Stewards the regional commons with the convener.",
        )
        .await?;
        let ahsn = partner_organisation::ActiveModel {
            name: Set(r.ahsn.into()),
            kind: Set(PartnerKind::Ahsn.code().into()),
            website: Set(Some(r.website.into())),
            ..Default::default()
        }
        .insert(db)
        .await?;
        space_partner::ActiveModel {
            space_id: Set(region.id),
            partner_organisation_id: Set(ahsn.id),
            relationship: Set(PartnerRelationship::Host.code().into()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        add_role(
            db,
            people[r.convener_email],
            region.id,
            RoleKind::Convener,
            Some(12),
        )
        .await?;
        if r.slug == "west-of-england" {
            add_role(
                db,
                people["sam@demo.q-commons.org"],
                group.id,
                RoleKind::Steward,
                None,
            )
            .await?;
        }
        region_ids.insert(r.slug, region.id);
    }
    for a in DEMO_ACCOUNTS {
        add_member(
            db,
            people[a.email],
            region_ids[a.region],
            a.perspectives,
            None,
        )
        .await?;
    }
    for (name, region, perspectives, organisation) in DEMO_MEMBERS {
        let now = Utc::now();
        let p = person::ActiveModel {
            name: Set((*name).into()),
            email: Set(format!(
                "{}@members.demo.q-commons.org",
                name.to_lowercase().replace(' ', ".")
            )),
            password_hash: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        add_member(db, p.id, region_ids[region], perspectives, *organisation).await?;
    }
    seed_rule_book(db).await?;
    for d in DECISIONS {
        seed_decision(db, d, None).await?;
    }
    Ok(true)
}

/// Workshop participants a month in West of England over the last 23 months, oldest first:
/// about ten a month until the evening sessions began nine months ago, then about
/// eighteen — a real shift, which the region's run chart over two years finds.
pub const HISTORY_CAME: [u32; 23] = [
    9, 11, 10, 8, 12, 10, 9, 11, 10, 12, 9, 10, 11, 8, 17, 19, 16, 18, 20, 17, 19, 18, 21,
];

/// Workshop participants a month in South West and in North East and North Cumbria over
/// the same months: common-cause variation around a steady level, no signal.
const HISTORY_CAME_STEADY: [[u32; 23]; 2] = [
    [
        12, 14, 11, 13, 12, 15, 11, 12, 14, 13, 12, 11, 13, 14, 12, 13, 11, 15, 12, 13, 14, 12, 13,
    ],
    [
        7, 6, 8, 7, 5, 8, 6, 7, 9, 6, 7, 8, 6, 7, 8, 5, 7, 6, 8, 7, 6, 9, 7,
    ],
];

/// Two years of history for a freshly seeded demo, so dashboards tell a story on first run:
/// members joined across the last two years (each after an application that waited some
/// days), and each pilot region held two workshops a month, each leaving an action that
/// was done — West of England with a real shift. Tests that count from an empty
/// community leave it out.
pub async fn seed_history(db: &DatabaseConnection) -> Result<(), AppError> {
    use crate::server::entities::membership_application;
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    let region = async |slug: &str, convener: &str| -> Result<(i64, i64), AppError> {
        let space = space::Entity::find()
            .filter(space::Column::Slug.eq(slug))
            .one(db)
            .await?
            .ok_or(AppError::Internal)?;
        let person = accounts::find_by_email(db, convener)
            .await?
            .ok_or(AppError::Internal)?;
        Ok((space.id, person.id))
    };
    let (west, convener) = region("west-of-england", "hein@demo.q-commons.org").await?;
    let now = Utc::now();
    let today = now.date_naive();
    let members = member::Entity::find()
        .order_by_asc(member::Column::PersonId)
        .all(db)
        .await?;
    let n = members.len().max(1) as u64;
    let mut applications = vec![];
    for (i, m) in members.iter().enumerate() {
        // Spread over the 23 months before this one; a few days' to a month's wait.
        let joined = today - chrono::Days::new(30 + (i as u64 * 690) / n);
        let decided = joined.and_hms_opt(11, 0, 0).unwrap_or_default().and_utc();
        let mut a: member::ActiveModel = m.clone().into();
        a.joined_on = Set(Some(joined));
        a.update(db).await?;
        applications.push(membership_application::ActiveModel {
            person_id: Set(m.person_id),
            region_id: Set(m.home_region_id.unwrap_or(west)),
            perspectives: Set(String::new()),
            reason: Set("To learn from others improving care.".into()),
            status: Set("approved".into()),
            decided_by: Set(Some(convener)),
            created_at: Set(decided - chrono::Duration::days(3 + (i as i64 * 7) % 26)),
            decided_at: Set(Some(decided)),
            ..Default::default()
        });
    }
    membership_application::Entity::insert_many(applications)
        .exec(db)
        .await?;
    seed_workshops(db, &members, west, convener, &HISTORY_CAME).await?;
    let (south_west, helen) = region("south-west", "helen@demo.q-commons.org").await?;
    seed_workshops(db, &members, south_west, helen, &HISTORY_CAME_STEADY[0]).await?;
    let (north_east, karen) =
        region("north-east-and-north-cumbria", "karen@demo.q-commons.org").await?;
    seed_workshops(db, &members, north_east, karen, &HISTORY_CAME_STEADY[1]).await?;
    seed_meetings(db, convener).await?;
    let (exchange, grants) = seed_assets(db, convener).await?;
    crate::server::services::funding::demo::seed(db, exchange, grants).await
}

/// Commons assets with a ledger: the national Q Exchange pot, and West of England's small
/// grants pot and its places at the community festival.
async fn seed_assets(db: &DatabaseConnection, convener: i64) -> Result<(i64, i64), AppError> {
    use crate::model::assets::{AssetForm, EntryForm};
    use crate::server::services::assets;
    let priya = accounts::find_by_email(db, "priya@demo.q-commons.org")
        .await?
        .ok_or(AppError::Internal)?
        .id;
    let asset = |name: &str, kind: &str, rules: &str| AssetForm {
        name: name.into(),
        kind: kind.into(),
        rules: rules.into(),
    };
    let entry = |kind: &str, amount: &str, reason: &str, to_whom: &str| EntryForm {
        kind: kind.into(),
        amount: amount.into(),
        reason: reason.into(),
        to_whom: to_whom.into(),
        proposal: String::new(),
    };
    let exchange = assets::add(
        db,
        priya,
        "national",
        &asset(
            "Q Exchange pot",
            "funding_pot",
            "Given away by the members themselves in funding rounds: up to £30,000 a project, shortlisted by member panels and chosen by members' vote.",
        ),
    )
    .await?;
    assets::record(
        db,
        priya,
        exchange,
        &entry(
            "top_up",
            "450,000",
            "Q Exchange funding from the Health Foundation and NHS England",
            "",
        ),
    )
    .await?;
    let grants = assets::add(
        db,
        convener,
        "west-of-england",
        &asset(
            "Small grants pot",
            "funding_pot",
            "Up to £2,000 a project for members' improvement work in the region, decided by the region's members.",
        ),
    )
    .await?;
    assets::record(
        db,
        convener,
        grants,
        &entry(
            "top_up",
            "10,000",
            "Given by the host, West of England AHSN, for the year",
            "",
        ),
    )
    .await?;
    assets::record(
        db,
        convener,
        grants,
        &entry(
            "allocation",
            "1,800",
            "Evening workshops: room hire and travel for patients and carers",
            "Bristol evening workshops",
        ),
    )
    .await?;
    assets::record(
        db,
        convener,
        grants,
        &entry(
            "use",
            "450.75",
            "Travel paid up front for patient partners",
            "Bristol evening workshops",
        ),
    )
    .await?;
    let places = assets::add(
        db,
        convener,
        "west-of-england",
        &asset(
            "Community festival places",
            "event_places",
            "Offered first to patients and carers, then to members who have not been before.",
        ),
    )
    .await?;
    assets::record(
        db,
        convener,
        places,
        &entry(
            "top_up",
            "40",
            "Places given to the region by the festival",
            "",
        ),
    )
    .await?;
    assets::record(
        db,
        convener,
        places,
        &entry(
            "allocation",
            "12",
            "Patient and carer partners",
            "Patient partners",
        ),
    )
    .await?;
    Ok((exchange, grants))
}

/// West of England's stewardship meetings: one held three weeks ago, minuted, and the
/// next in twelve days with its agenda begun.
async fn seed_meetings(db: &DatabaseConnection, convener: i64) -> Result<(), AppError> {
    use crate::server::services::meetings;
    let sam = accounts::find_by_email(db, "sam@demo.q-commons.org")
        .await?
        .ok_or(AppError::Internal)?
        .id;
    let at = |days: i64| {
        (Utc::now() + chrono::Duration::days(days))
            .format("%Y-%m-%dT18:00")
            .to_string()
    };
    let form = |title: &str, starts_at: String| meetings::MeetingForm {
        title: title.into(),
        starts_at,
        length: "90".into(),
        place: "Engine Shed, Station Approach, Bristol".into(),
        call_link: "https://meet.example.org/q-west-of-england".into(),
    };
    let held = meetings::schedule(
        db,
        convener,
        "west-of-england",
        &form("Stewardship group", at(-21)),
    )
    .await?;
    for (title, minutes) in [
        (
            "Who is missing from the room",
            "Patients were a third of members but fewer than a fifth of workshop participants. Agreed to try evening sessions and to pay travel for patient and carer members.",
        ),
        (
            "Terms ending in the spring",
            "Two stewards' terms end in March. The convener will ask the members for nominations in January.",
        ),
    ] {
        let item = meetings::add_item(db, sam, held.id, title, "").await?;
        meetings::minute_item(db, convener, item, minutes, None).await?;
    }
    meetings::record_attendance(db, convener, held.id, convener, "present").await?;
    meetings::record_attendance(db, convener, held.id, sam, "present").await?;
    let next = meetings::schedule(
        db,
        convener,
        "west-of-england",
        &form("Stewardship group", at(12)),
    )
    .await?;
    meetings::add_item(
        db,
        sam,
        next.id,
        "How the evening sessions went",
        "https://papers.example.org/evening-sessions.pdf",
    )
    .await?;
    meetings::add_item(db, convener, next.id, "Spring events budget", "").await?;
    Ok(())
}

/// Two workshops a month in `region` for the months `came` covers (oldest first, the last
/// one the month before this), with `came[i]` participants that month — up to three of
/// them the region's members, the rest guests — and an action from each, done.
async fn seed_workshops(
    db: &DatabaseConnection,
    members: &[member::Model],
    region: i64,
    convener: i64,
    came: &[u32],
) -> Result<(), AppError> {
    use crate::server::entities::{action, action_event, workshop, workshop_participant};
    use sea_orm::{ColumnTrait, QueryFilter};
    let now = Utc::now();
    let today = now.date_naive();
    let west = region;
    let west_members: Vec<(i64, Option<String>)> = {
        let ids: Vec<i64> = members
            .iter()
            .filter(|m| m.home_region_id == Some(west))
            .map(|m| m.person_id)
            .collect();
        let perspectives = member_perspective::Entity::find()
            .filter(member_perspective::Column::PersonId.is_in(ids.clone()))
            .all(db)
            .await?;
        ids.into_iter()
            .map(|id| {
                let p = perspectives.iter().find(|p| p.person_id == id);
                (id, p.map(|p| p.perspective.clone()))
            })
            .collect()
    };
    // Guests come from every perspective, patients and carers less often than they belong.
    let guests = [
        Perspective::Clinician,
        Perspective::Manager,
        Perspective::ImprovementSpecialist,
        Perspective::Clinician,
        Perspective::Patient,
        Perspective::Researcher,
        Perspective::Educator,
        Perspective::Carer,
        Perspective::Clinician,
        Perspective::Manager,
    ];
    for (back, came) in (1..=came.len() as u32).rev().zip(came.iter().copied()) {
        let month = today.checked_sub_months(Months::new(back)).unwrap_or(today);
        let first = month.with_day0(0).unwrap_or(month);
        for (k, (day, title)) in [(9, "Improvement huddle"), (23, "Community conversation")]
            .into_iter()
            .enumerate()
        {
            let held = first.with_day(day).unwrap_or(first);
            let finished = held.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc();
            let w = workshop::ActiveModel {
                space_id: Set(Some(west)),
                title: Set(format!("{title}, {}", held.format("%B %Y"))),
                purpose: Set("The region's regular get-together.".into()),
                held_on: Set(held),
                join_code: Set(format!("HIST{region}{back:02}{k}")),
                facilitator_id: Set(convener),
                seq: Set(0),
                finished: Set(true),
                finished_at: Set(Some(finished)),
                locked: Set(false),
                revealed: Set(true),
                anonymous: Set(true),
                notes_visible: Set(true),
                results_live: Set(false),
                participants_theme: Set(false),
                code_days: Set(1),
                created_at: Set(finished - chrono::Duration::days(14)),
                ..Default::default()
            }
            .insert(db)
            .await?;
            // Half the month's participants at each; members first, then guests.
            let at_this = came / 2 + (came % 2) * (k as u32 == 0) as u32;
            let joined_at = held.and_hms_opt(10, 0, 0).unwrap_or_default().and_utc();
            let rows = (0..at_this as usize).map(|i| {
                let member =
                    (i < 3).then(|| &west_members[(back as usize + i) % west_members.len()]);
                workshop_participant::ActiveModel {
                    workshop_id: Set(w.id),
                    person_id: Set(member.map(|m| m.0)),
                    display_name: Set(format!("Participant {}", i + 1)),
                    perspective: Set(match member {
                        Some(m) => m.1.clone(),
                        None => Some(guests[(i + back as usize) % guests.len()].code().into()),
                    }),
                    joined_at: Set(joined_at),
                    named_in_report: Set(false),
                    ..Default::default()
                }
            });
            workshop_participant::Entity::insert_many(rows)
                .exec(db)
                .await?;
            let created = finished;
            let done_at =
                created + chrono::Duration::days(5 + i64::from(back * 3 + k as u32 * 11) % 35);
            let a = action::ActiveModel {
                workshop_id: Set(Some(w.id)),
                space_id: Set(Some(west)),
                title: Set(format!("Share what the {} found", title.to_lowercase())),
                owner_id: Set(convener),
                due_on: Set(held + chrono::Days::new(30)),
                status: Set("done".into()),
                created_by: Set(convener),
                created_at: Set(created),
                updated_at: Set(done_at.min(now)),
                ..Default::default()
            }
            .insert(db)
            .await?;
            action_event::ActiveModel {
                action_id: Set(a.id),
                status: Set("done".into()),
                by_id: Set(convener),
                at: Set(done_at.min(now)),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// The national rule book the commons started with: (title, text).
const NATIONAL_RULES: &[(&str, &str)] = &[
    (
        "Membership",
        "Anyone who works to improve health and care in the UK, or who uses services or cares for someone who does, may join. Members belong to the region where they live or work, and agree to the conduct rule.",
    ),
    (
        "Conveners' terms",
        "A regional convener is appointed for a term of two years and may serve two terms. The region's stewardship group is consulted before an appointment.",
    ),
    (
        "Conduct",
        "Members treat each other with respect, credit others' work and keep what patients and carers tell them in confidence unless they agree otherwise.",
    ),
    (
        "How decisions are made",
        "A decision that affects a space's members is proposed openly, discussed for at least a week and decided by the method the proposal names. Rules change only through a proposal that passes.",
    ),
    (
        "Spending",
        "A region may spend up to £2,000 on one activity without national agreement. More than that needs the national stewardship group.",
    ),
];

/// The national rules, and West of England's adaptation of conveners' terms, passed by
/// its members by consent.
async fn seed_rule_book(db: &DatabaseConnection) -> Result<(), AppError> {
    use crate::server::services::rules;
    let national = rules::national(db).await?;
    let mut terms = None;
    for (title, body) in NATIONAL_RULES {
        let r = rules::found(db, national.id, None, title, body).await?;
        if *title == "Conveners' terms" {
            terms = Some(r.id);
        }
    }
    let terms = terms.ok_or(AppError::Internal)?;
    let adaptation = (
        "west-of-england",
        "hein@demo.q-commons.org",
        Method::Consent,
        "A patient or carer member on every convener appointment",
        "The people our work is for should help choose who convenes it. We propose adapting the national rule on conveners' terms so a patient or carer member sits on every appointment.",
        Some(
            "Agreed by consent. The next appointment panel includes a patient member of the stewardship group.",
        ),
    );
    let text = "A regional convener is appointed for a term of two years and may serve two terms. The region's stewardship group, with at least one patient or carer member, is consulted before an appointment.";
    seed_decision(
        db,
        &adaptation,
        Some((format!("adapt:{terms}"), "Conveners' terms", text)),
    )
    .await
}

/// A decision each pilot region took, and one it is taking:
/// (region, convener's e-mail, method, title, text, outcome if decided).
type DecisionSeed = (
    &'static str,
    &'static str,
    Method,
    &'static str,
    &'static str,
    Option<&'static str>,
);

const DECISIONS: &[DecisionSeed] = &[
    (
        "west-of-england",
        "hein@demo.q-commons.org",
        Method::Consent,
        "Hold our meet-ups in Bristol and Bath in turn",
        "Members east of Bristol find the city hard to reach in the evening. We propose that the regional meet-up **alternates** between Bristol and Bath.",
        Some(
            "Agreed by consent. From January the meet-up alternates between Bristol and Bath; the convener books both rooms a term ahead.",
        ),
    ),
    (
        "west-of-england",
        "hein@demo.q-commons.org",
        Method::Majority,
        "Pay travel for patient and carer members who come to meet-ups",
        "Patient and carer members give their time unpaid. We propose the region's budget pays their **travel** to meet-ups, up to £30 a time.",
        None,
    ),
    (
        "south-west",
        "helen@demo.q-commons.org",
        Method::Majority,
        "Run a spring learning event in Exeter",
        "A one-day event for members across Cornwall, Devon and Somerset to share what they tried this year.",
        Some(
            "Passed. The event is on a Saturday in April; members who can host a session say so by February.",
        ),
    ),
    (
        "south-west",
        "helen@demo.q-commons.org",
        Method::Gradients,
        "Open our meet-ups to people who are not yet members",
        "Guests could come twice before applying. We propose trying this for six months.",
        None,
    ),
    (
        "north-east-and-north-cumbria",
        "karen@demo.q-commons.org",
        Method::Majority,
        "Meet in the evening once a quarter",
        "Members on shifts cannot come at lunchtime. We propose one meet-up a quarter from 6 pm.",
        Some(
            "Passed. The first evening meet-up is in March in Newcastle, with a video link for North Cumbria.",
        ),
    ),
    (
        "north-east-and-north-cumbria",
        "karen@demo.q-commons.org",
        Method::Consent,
        "Keep a shared list of rooms members can book free",
        "Members' organisations have offered rooms. We propose a list the stewardship group keeps up to date.",
        None,
    ),
];

/// One seeded decision: opened by the region's convener, and if it has an outcome,
/// voted on by every member of the region (all in favour), closed and written up.
async fn seed_decision(
    db: &DatabaseConnection,
    d: &DecisionSeed,
    rule: Option<(String, &str, &str)>,
) -> Result<(), AppError> {
    use crate::domain::decision::{Ballot, Choice};
    use crate::server::entities::proposal;
    use crate::server::services::proposals;
    use sea_orm::{ColumnTrait, QueryFilter};
    let (region, convener, method, title, body, outcome) = *d;
    let author = accounts::find_by_email(db, convener)
        .await?
        .ok_or(AppError::Internal)?;
    let form = proposals::ProposalForm {
        space: region.into(),
        title: title.into(),
        body: body.into(),
        method: method.code().into(),
        quorum_percent: 25,
        threshold_percent: 50,
        ..Default::default()
    };
    let form = match rule {
        Some((choice, title, text)) => proposals::ProposalForm {
            rule: choice,
            rule_title: title.into(),
            rule_text: text.into(),
            ..form
        },
        None => form,
    };
    let p = proposals::create(db, &author, &form).await?;
    proposals::start_discussion(db, &author, p.id).await?;
    let p =
        proposals::open_voting(db, &author, p.id, Utc::now() + chrono::Duration::days(7)).await?;
    let Some(outcome) = outcome else {
        return Ok(());
    };
    let ballot = match method {
        Method::Consent => Ballot::Consent,
        _ => Ballot::Majority(Choice::For),
    };
    let members = member::Entity::find()
        .filter(member::Column::HomeRegionId.eq(p.space_id))
        .filter(member::Column::Status.eq(MembershipStatus::Active.code()))
        .all(db)
        .await?;
    for m in members {
        if let Some(voter) = person::Entity::find_by_id(m.person_id).one(db).await? {
            proposals::vote(db, &voter, p.id, &ballot, &format!("demo-{}", voter.id)).await?;
        }
    }
    // Decided a month ago, after a fortnight's vote.
    let closes = Utc::now() - chrono::Duration::days(30);
    let mut a: proposal::ActiveModel = p.into();
    a.opens_at = Set(Some(closes - chrono::Duration::days(14)));
    a.closes_at = Set(Some(closes));
    let p = a.update(db).await?;
    proposals::close_due(db, Utc::now()).await?;
    let mut a: proposal::ActiveModel = proposals::by_id(db, p.id).await?.into();
    a.closed_at = Set(Some(closes));
    a.outcome = Set(Some(outcome.into()));
    a.outcome_by = Set(Some(author.id));
    a.update(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::services::community;
    use crate::server::testing::for_each_database;

    /// The demo's two years of history: members joined across them, and West of England's
    /// workshop participants shift upward nine months ago — the dashboard's run chart over
    /// two years finds the shift, in the months it began.
    #[tokio::test]
    async fn the_demo_history_shows_a_shift_on_the_dashboard() {
        for_each_database(|db| async move {
            seed_if_empty(&db).await.unwrap();
            seed_history(&db).await.unwrap();
            let hein = accounts::find_by_email(&db, "hein@demo.q-commons.org")
                .await
                .unwrap()
                .unwrap();
            let page = crate::server::services::dashboard::page(
                &db,
                &crate::server::cache::CountsCache::none(),
                &hein,
                "west-of-england",
                "24m",
                "month",
            )
            .await
            .unwrap();
            let came = page
                .series
                .iter()
                .find(|s| s.key == "participants")
                .unwrap();
            assert_eq!(came.values.len(), 24);
            let history: Vec<f64> = HISTORY_CAME.iter().map(|n| f64::from(*n)).collect();
            assert_eq!(
                &came.values[..23],
                history.as_slice(),
                "every month's participants, as seeded"
            );
            let a = crate::domain::chart::run::analyse(&came.values, None).unwrap();
            assert!(a.shift, "{a:?}");
            assert_eq!(
                a.shifted,
                (14..23).collect::<Vec<_>>(),
                "the nine months since the change"
            );
            // Members joined across the two years, each after an application decided.
            let joined = page.series.iter().find(|s| s.key == "joined").unwrap();
            assert!(
                joined.values.iter().filter(|v| **v > 0.0).count() >= 5,
                "{:?}",
                joined.values
            );
            let decide = page
                .series
                .iter()
                .find(|s| s.key == "days_to_decide")
                .unwrap();
            assert!(!decide.values.is_empty() && decide.values.iter().all(|d| *d >= 3.0));
            let done = page
                .series
                .iter()
                .find(|s| s.key == "days_to_done")
                .unwrap();
            assert!(done.values.len() >= 20, "actions done in most months");
            // The region's register: its pot with what is left after a grant and a use.
            let register =
                crate::server::services::assets::register(&db, hein.id, "west-of-england")
                    .await
                    .unwrap();
            let balances: Vec<(&str, &str)> = register
                .assets
                .iter()
                .map(|a| (a.name.as_str(), a.balance.as_str()))
                .collect();
            assert_eq!(
                balances,
                [
                    ("Community festival places", "28"),
                    ("Small grants pot", "£7,749.25")
                ]
            );
            // A finished national round with funded projects reporting, and the region's
            // round open for ideas.
            use crate::server::services::funding;
            let national = funding::space_rounds(&db, hein.id, "national")
                .await
                .unwrap();
            assert_eq!(national.rounds[0].phase, "Delivery");
            let round = funding::round_page(&db, hein.id, national.rounds[0].id)
                .await
                .unwrap();
            let funded: Vec<&crate::model::funding::IdeaLine> =
                round.ideas.iter().filter(|i| i.funded).collect();
            assert_eq!(funded.len(), 3, "{:?}", round.ideas);
            assert!(
                round
                    .ideas
                    .iter()
                    .any(|i| !i.funded && i.outcome.as_deref().is_some_and(|o| o.contains("left")))
            );
            assert!(round.ballots_cast >= 10);
            let first = funding::idea_page(&db, hein.id, funded[0].id)
                .await
                .unwrap();
            assert_eq!(first.updates.len(), 2);
            let region = funding::space_rounds(&db, hein.id, "west-of-england")
                .await
                .unwrap();
            assert_eq!(region.rounds[0].phase, "Ideas");
        })
        .await;
    }

    #[tokio::test]
    async fn demo_seeds_the_2018_pilot_once() {
        for_each_database(|db| async move {
            assert!(seed_if_empty(&db).await.unwrap());
            assert!(
                !seed_if_empty(&db).await.unwrap(),
                "a second start writes nothing"
            );
            let o = community::overview(&db, "Q Commons").await.unwrap();
            assert_eq!(o.national.unwrap().slug, "national");
            let regions: Vec<_> = o.regions.iter().map(|r| r.space.name.as_str()).collect();
            assert_eq!(
                regions,
                [
                    "North East and North Cumbria",
                    "South West",
                    "West of England"
                ]
            );
            let west = o
                .regions
                .iter()
                .find(|r| r.space.slug == "west-of-england")
                .unwrap();
            assert_eq!(west.conveners[0].name, "Hein le Roux");
            assert!(
                west.conveners[0].term_ends_on.is_some(),
                "a convener's term has an end"
            );
            assert_eq!(west.host_partners, ["West of England AHSN"]);
            assert_eq!(
                west.stewardship_group.as_deref(),
                Some("West of England commons stewardship group")
            );
            accounts::sign_in(&db, "karen@demo.q-commons.org", DEMO_PASSWORD, "ip")
                .await
                .unwrap();
        })
        .await;
    }
}
