//! Two-way work between the national commons and its regions. A *cascade*: the national
//! group (its stewards, or the project team) asks every region or chosen ones for input by
//! a day, and each region's convener or stewards answer — from one of the region's
//! meetings or decisions, or in words. An *escalation*: a region's convener or stewards
//! raise a matter to the national group, which answers. Both are listed on both levels
//! with their state and the time answers took; every member may read them.
use crate::domain::flow::{Answering, days_label, median_days};
use crate::domain::membership::Action;
use crate::error::{AppError, Validation};
use crate::model::flow::{
    AnswerFor, CascadeLine, CascadePage, EscalationLine, EscalationPage, FlowPage, RegionAnswer,
};
use crate::server::entities::{
    cascade, cascade_region, escalation, meeting, person, proposal, role, space,
};
use crate::server::services::mail::Mailer;
use crate::server::services::{accounts, membership, rules};
use crate::server::time;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

const TITLE_MAX: usize = 120;
const TEXT_MAX: usize = 4_000;
/// The most cascades and escalations a page lists.
const SHOWN: u64 = 100;

fn plural_regions(n: usize) -> String {
    if n == 1 {
        "1 region".to_owned()
    } else {
        format!("{n} regions")
    }
}

async fn region_by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<space::Model, AppError> {
    membership::region_by_slug(db, slug).await
}

/// Who speaks for a region today — its conveners and the stewards of its stewardship
/// group — or, for `None`, for the national group: its stewards and the project team.
async fn speakers(
    db: &impl ConnectionTrait,
    region: Option<&space::Model>,
) -> Result<Vec<person::Model>, AppError> {
    use crate::domain::structure::{RoleKind, SpaceKind};
    use sea_orm::Condition;
    let today = Utc::now().date_naive();
    let who = match region {
        Some(r) => {
            let mut spaces = vec![r.id];
            spaces.extend(
                space::Entity::find()
                    .filter(space::Column::ParentId.eq(r.id))
                    .filter(space::Column::Kind.eq(SpaceKind::StewardshipGroup.code()))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|g| g.id),
            );
            Condition::all()
                .add(role::Column::SpaceId.is_in(spaces))
                .add(
                    role::Column::Kind.is_in([RoleKind::Convener.code(), RoleKind::Steward.code()]),
                )
        }
        None => Condition::any()
            .add(
                Condition::all()
                    .add(role::Column::SpaceId.eq(rules::national(db).await?.id))
                    .add(role::Column::Kind.eq(RoleKind::Steward.code())),
            )
            .add(role::Column::Kind.eq(RoleKind::ProjectTeam.code())),
    };
    let ids: Vec<i64> = role::Entity::find()
        .filter(who)
        .filter(role::Column::StartsOn.lte(today))
        .filter(
            Condition::any()
                .add(role::Column::EndsOn.is_null())
                .add(role::Column::EndsOn.gte(today)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.person_id)
        .collect();
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .filter(person::Column::ErasedAt.is_null())
        .order_by_asc(person::Column::Id)
        .all(db)
        .await?)
}

/// Everything between the national commons and its regions (`region` = None), or what
/// concerns one region.
pub async fn page(
    db: &DatabaseConnection,
    viewer_id: i64,
    region: Option<&str>,
) -> Result<FlowPage, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let today = Utc::now().date_naive();
    let region = match region {
        Some(slug) => Some(region_by_slug(db, slug).await?),
        None => None,
    };
    let regions = membership::regions(db).await?;
    let national = rules::national(db).await?;
    let asked = cascade_region::Entity::find()
        .filter(match &region {
            Some(r) => cascade_region::Column::RegionId.eq(r.id),
            None => cascade_region::Column::RegionId.is_not_null(),
        })
        .all(db)
        .await?;
    let cascade_ids: Vec<i64> = {
        let mut ids: Vec<i64> = asked.iter().map(|a| a.cascade_id).collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let cascades = cascade::Entity::find()
        .filter(cascade::Column::Id.is_in(cascade_ids.clone()))
        .order_by_desc(cascade::Column::AskedAt)
        .limit(SHOWN)
        .all(db)
        .await?;
    // Every region asked in those cascades, for the counts of who answered.
    let all_asked = cascade_region::Entity::find()
        .filter(cascade_region::Column::CascadeId.is_in(cascade_ids))
        .all(db)
        .await?;
    let cascade_time = median_days(
        &all_asked
            .iter()
            .filter(|a| region.as_ref().is_none_or(|r| r.id == a.region_id))
            .filter_map(|a| {
                let c = cascades.iter().find(|c| c.id == a.cascade_id)?;
                Some((c.asked_at, a.answered_at?))
            })
            .collect::<Vec<_>>(),
    );
    let escalations = escalation::Entity::find()
        .filter(match &region {
            Some(r) => escalation::Column::RegionId.eq(r.id),
            None => escalation::Column::RegionId.is_not_null(),
        })
        .order_by_desc(escalation::Column::RaisedAt)
        .limit(SHOWN)
        .all(db)
        .await?;
    let escalation_time = median_days(
        &escalations
            .iter()
            .filter_map(|e| Some((e.raised_at, e.answered_at?)))
            .collect::<Vec<_>>(),
    );
    let name_of = |id: i64| {
        regions
            .iter()
            .find(|r| r.id == id)
            .map_or(String::new(), |r| r.name.clone())
    };
    Ok(FlowPage {
        cascades: cascades
            .iter()
            .map(|c| {
                let of_it: Vec<&cascade_region::Model> =
                    all_asked.iter().filter(|a| a.cascade_id == c.id).collect();
                CascadeLine {
                    id: c.id,
                    title: c.title.clone(),
                    due_on: time::day(c.due_on),
                    asked: of_it.len(),
                    answered: of_it.iter().filter(|a| a.answered_at.is_some()).count(),
                    state: region.as_ref().and_then(|r| {
                        of_it.iter().find(|a| a.region_id == r.id).map(|a| {
                            Answering::of(a.answered_at.is_some(), c.due_on, today)
                                .label()
                                .to_owned()
                        })
                    }),
                }
            })
            .collect(),
        escalations: escalations
            .iter()
            .map(|e| EscalationLine {
                id: e.id,
                title: e.title.clone(),
                region: name_of(e.region_id),
                raised_on: time::when_dated(e.raised_at),
                state: match e.answered_at {
                    Some(at) => format!(
                        "Answered in {}",
                        days_label(median_days(&[(e.raised_at, at)]).unwrap_or(0.0))
                    ),
                    None => "Open".into(),
                },
            })
            .collect(),
        cascade_time: cascade_time
            .map(|d| format!("Regions answered in a median of {}.", days_label(d))),
        escalation_time: escalation_time.map(|d| {
            format!(
                "The national group answered in a median of {}.",
                days_label(d)
            )
        }),
        may_ask: region.is_none()
            && membership::may(db, viewer_id, Action::RunMeeting, &national).await?,
        may_raise: match &region {
            Some(r) => membership::may(db, viewer_id, Action::RunMeeting, r).await?,
            None => false,
        },
        regions: regions
            .iter()
            .map(|r| (r.id.to_string(), r.name.clone()))
            .collect(),
        region: region.map(|r| (r.slug, r.name)),
    })
}

pub struct CascadeForm {
    pub title: String,
    pub question: String,
    pub due_on: String,
    /// Ids of the regions asked, as sent; none: every region.
    pub regions: Vec<String>,
}

/// The national group asks regions for input by a day; each region's conveners and
/// stewards are told by e-mail, with the link to answer (`base`: the app's address).
pub async fn ask(
    db: &DatabaseConnection,
    mailer: &Mailer,
    base: &str,
    actor_id: i64,
    f: &CascadeForm,
) -> Result<i64, AppError> {
    let national = rules::national(db).await?;
    membership::authorise(db, actor_id, Action::RunMeeting, &national).await?;
    let mut v = Validation::default();
    let title = v.text("title", &f.title, TITLE_MAX, "Name what you ask.");
    let question = v.text(
        "question",
        &f.question,
        TEXT_MAX,
        "Write the question the regions answer.",
    );
    let today = Utc::now().date_naive();
    let due_on = match NaiveDate::parse_from_str(f.due_on.trim(), "%Y-%m-%d") {
        Ok(d) if d >= today => d,
        Ok(_) => {
            v.refuse("due_on", "The day to answer by is in the past.");
            today
        }
        Err(_) => {
            v.refuse("due_on", "Give the day to answer by, like 2027-01-31.");
            today
        }
    };
    let regions = membership::regions(db).await?;
    let mut asked: Vec<i64> = vec![];
    for r in &f.regions {
        match r.trim().parse::<i64>() {
            Ok(id) if regions.iter().any(|x| x.id == id) => asked.push(id),
            _ => v.refuse("regions", "Choose regions from the list."),
        }
    }
    if f.regions.is_empty() {
        asked = regions.iter().map(|r| r.id).collect();
    }
    asked.sort();
    asked.dedup();
    v.finish()?;
    let txn = crate::server::db::begin_write(db).await?;
    let c = cascade::ActiveModel {
        title: Set(title),
        question: Set(question),
        due_on: Set(due_on),
        asked_by: Set(actor_id),
        asked_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for region_id in asked.iter().copied() {
        cascade_region::ActiveModel {
            cascade_id: Set(c.id),
            region_id: Set(region_id),
            answer: Set(None),
            meeting_id: Set(None),
            proposal_id: Set(None),
            answered_by: Set(None),
            answered_at: Set(None),
        }
        .insert(&txn)
        .await?;
    }
    crate::server::services::audit::in_space(
        &txn,
        actor_id,
        national.id,
        crate::domain::audit::AuditAction::CascadeAsked,
        format!(
            "{} asked of {}, to answer by {}",
            c.title,
            plural_regions(asked.len()),
            time::day(c.due_on)
        ),
    )
    .await?;
    txn.commit().await?;
    for region in regions.iter().filter(|r| asked.contains(&r.id)) {
        for p in speakers(db, Some(region)).await? {
            mailer
                .send(
                    db,
                    &p.email,
                    &format!("The national group asks {}: {}", region.name, c.title),
                    &format!(
                        "Dear {},\n\nThe national commons stewardship group asks {} for its answer by {}:\n\n{}\n\nAnswer for the region here (its convener or a steward): {base}/cascades/{}\n",
                        p.name,
                        region.name,
                        time::day(c.due_on),
                        c.question,
                        c.id
                    ),
                )
                .await?;
        }
    }
    Ok(c.id)
}

/// Where an answer may come from in `region`: its meetings and its decisions.
async fn sources(
    db: &impl ConnectionTrait,
    region: &space::Model,
) -> Result<Vec<(String, String)>, AppError> {
    let mut out: Vec<(String, String)> = meeting::Entity::find()
        .filter(meeting::Column::SpaceId.eq(region.id))
        .order_by_desc(meeting::Column::StartsAt)
        .limit(20)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            (
                format!("meeting:{}", m.id),
                format!("Meeting: {} ({})", m.title, time::when_dated(m.starts_at)),
            )
        })
        .collect();
    out.extend(
        proposal::Entity::find()
            .filter(proposal::Column::SpaceId.eq(region.id))
            .order_by_desc(proposal::Column::Id)
            .limit(20)
            .all(db)
            .await?
            .into_iter()
            .map(|p| {
                (
                    format!("proposal:{}", p.id),
                    format!("Decision: {}", p.title),
                )
            }),
    );
    Ok(out)
}

/// A cascade with every region's answer, and the forms for the regions the viewer answers for.
pub async fn cascade_page(
    db: &DatabaseConnection,
    viewer_id: i64,
    id: i64,
) -> Result<CascadePage, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let c = cascade::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such cascade.".into()))?;
    let today = Utc::now().date_naive();
    let asked = cascade_region::Entity::find()
        .filter(cascade_region::Column::CascadeId.eq(c.id))
        .all(db)
        .await?;
    let regions = space::Entity::find()
        .filter(space::Column::Id.is_in(asked.iter().map(|a| a.region_id)))
        .order_by_asc(space::Column::Name)
        .all(db)
        .await?;
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::Id.is_in(asked.iter().filter_map(|a| a.meeting_id)))
        .all(db)
        .await?;
    let proposals = proposal::Entity::find()
        .filter(proposal::Column::Id.is_in(asked.iter().filter_map(|a| a.proposal_id)))
        .all(db)
        .await?;
    let names = accounts::names(
        db,
        asked
            .iter()
            .filter_map(|a| a.answered_by)
            .chain([c.asked_by]),
    )
    .await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    // Who the viewer answers for: their roles and every space's place, read once rather
    // than once a region.
    let viewer = membership::actor(db, viewer_id).await?;
    let scopes = membership::scopes(db).await?;
    let answers_for = |r: &space::Model| {
        scopes
            .iter()
            .find(|(s, _)| s.id == r.id)
            .is_some_and(|(_, scope)| viewer.may(Action::RunMeeting, scope, today))
    };
    let mut answer_for = vec![];
    let mut answers = vec![];
    for r in &regions {
        let Some(a) = asked.iter().find(|a| a.region_id == r.id) else {
            continue;
        };
        let from = a
            .meeting_id
            .and_then(|m| meetings.iter().find(|x| x.id == m))
            .map(|m| {
                (
                    format!("Meeting: {}", m.title),
                    format!("/meetings/{}", m.id),
                )
            })
            .or_else(|| {
                a.proposal_id
                    .and_then(|p| proposals.iter().find(|x| x.id == p))
                    .map(|p| {
                        (
                            format!("Decision: {}", p.title),
                            format!("/proposals/{}", p.id),
                        )
                    })
            });
        answers.push(RegionAnswer {
            slug: r.slug.clone(),
            name: r.name.clone(),
            state: Answering::of(a.answered_at.is_some(), c.due_on, today)
                .label()
                .to_owned(),
            answer: a.answer.clone(),
            from,
            answered: a.answered_at.map(|at| {
                format!(
                    "{}, {}",
                    a.answered_by.map(name).unwrap_or_default(),
                    time::when_dated(at)
                )
            }),
        });
        if answers_for(r) {
            answer_for.push(AnswerFor {
                slug: r.slug.clone(),
                name: r.name.clone(),
                sources: sources(db, r).await?,
                answer: a.answer.clone(),
            });
        }
    }
    Ok(CascadePage {
        id: c.id,
        title: c.title.clone(),
        question: c.question.clone(),
        due_on: time::day(c.due_on),
        asked_by: name(c.asked_by),
        regions: answers,
        answer_for,
    })
}

/// A region answers a cascade it was asked in — in words, from one of its meetings or
/// decisions (`from`: "meeting:ID", "proposal:ID" or empty). A later answer replaces it,
/// dated anew.
pub async fn answer(
    db: &DatabaseConnection,
    mailer: &Mailer,
    base: &str,
    actor_id: i64,
    cascade_id: i64,
    region_slug: &str,
    text: &str,
    from: &str,
) -> Result<(), AppError> {
    let region = region_by_slug(db, region_slug).await?;
    membership::authorise(db, actor_id, Action::RunMeeting, &region).await?;
    let asked = cascade_region::Entity::find_by_id((cascade_id, region.id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("This region was not asked in that cascade.".into()))?;
    let mut v = Validation::default();
    let text = v.text("answer", text, TEXT_MAX, "Write the region's answer.");
    let (mut meeting_id, mut proposal_id) = (None, None);
    // "meeting:ID" or "proposal:ID": one of this region's own, or refused.
    let source = from.trim();
    let (kind, id) = source.split_once(':').unwrap_or((source, ""));
    let id = id.parse::<i64>().ok();
    let found = match (kind, id) {
        ("", _) => true,
        ("meeting", Some(id)) => {
            meeting_id = meeting::Entity::find_by_id(id)
                .filter(meeting::Column::SpaceId.eq(region.id))
                .one(db)
                .await?
                .map(|m| m.id);
            meeting_id.is_some()
        }
        ("proposal", Some(id)) => {
            proposal_id = proposal::Entity::find_by_id(id)
                .filter(proposal::Column::SpaceId.eq(region.id))
                .one(db)
                .await?
                .map(|p| p.id);
            proposal_id.is_some()
        }
        _ => false,
    };
    if !found {
        v.refuse("from", "Choose one of the region's meetings or decisions.");
    }
    v.finish()?;
    let mut a: cascade_region::ActiveModel = asked.into();
    a.answer = Set(Some(text));
    a.meeting_id = Set(meeting_id);
    a.proposal_id = Set(proposal_id);
    a.answered_by = Set(Some(actor_id));
    a.answered_at = Set(Some(Utc::now()));
    let txn = crate::server::db::begin_write(db).await?;
    a.update(&txn).await?;
    crate::server::services::audit::in_space(
        &txn,
        actor_id,
        region.id,
        crate::domain::audit::AuditAction::CascadeAnswered,
        format!("{} answered the national group's question", region.name),
    )
    .await?;
    txn.commit().await?;
    // Whoever asked is told.
    if let Some(c) = cascade::Entity::find_by_id(cascade_id).one(db).await? {
        if let Some(asker) = person::Entity::find_by_id(c.asked_by)
            .one(db)
            .await?
            .filter(|p| p.erased_at.is_none())
        {
            mailer
                .send(
                    db,
                    &asker.email,
                    &format!("{} answered: {}", region.name, c.title),
                    &format!(
                        "Dear {},\n\n{} answered “{}”. Read every region's answer: {base}/cascades/{}\n",
                        asker.name, region.name, c.title, c.id
                    ),
                )
                .await?;
        }
    }
    Ok(())
}

/// A region's convener or stewards raise a matter to the national group.
pub async fn raise(
    db: &DatabaseConnection,
    mailer: &Mailer,
    base: &str,
    actor_id: i64,
    region_slug: &str,
    title: &str,
    matter: &str,
) -> Result<i64, AppError> {
    let region = region_by_slug(db, region_slug).await?;
    membership::authorise(db, actor_id, Action::RunMeeting, &region).await?;
    let mut v = Validation::default();
    let title = v.text("title", title, TITLE_MAX, "Name the matter.");
    let matter = v.text(
        "matter",
        matter,
        TEXT_MAX,
        "Say what the national group is asked to do or decide.",
    );
    v.finish()?;
    let e = escalation::ActiveModel {
        region_id: Set(region.id),
        title: Set(title),
        matter: Set(matter),
        raised_by: Set(actor_id),
        raised_at: Set(Utc::now()),
        answer: Set(None),
        answered_by: Set(None),
        answered_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    crate::server::services::audit::in_space(
        db,
        actor_id,
        region.id,
        crate::domain::audit::AuditAction::EscalationRaised,
        format!("“{}” was raised to the national group", e.title),
    )
    .await?;
    // The national group is told.
    for p in speakers(db, None).await? {
        mailer
            .send(
                db,
                &p.email,
                &format!("{} raises a matter: {}", region.name, e.title),
                &format!(
                    "Dear {},\n\n{} raises a matter to the national commons stewardship group:\n\n{}\n\nAnswer it here: {base}/escalations/{}\n",
                    p.name, region.name, e.matter, e.id
                ),
            )
            .await?;
    }
    Ok(e.id)
}

/// An escalation and its answer, for any member; the form for the national group.
pub async fn escalation_page(
    db: &DatabaseConnection,
    viewer_id: i64,
    id: i64,
) -> Result<EscalationPage, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let e = escalation::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such escalation.".into()))?;
    let region = space::Entity::find_by_id(e.region_id)
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    let national = rules::national(db).await?;
    let names = accounts::names(db, [e.raised_by].into_iter().chain(e.answered_by)).await?;
    let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
    Ok(EscalationPage {
        id: e.id,
        title: e.title.clone(),
        matter: e.matter.clone(),
        region: (region.slug, region.name),
        raised_by: name(e.raised_by),
        raised_on: time::when_dated(e.raised_at),
        answer: e.answer.clone(),
        answered: e.answered_at.map(|at| {
            format!(
                "{}, {}",
                e.answered_by.map(name).unwrap_or_default(),
                time::when_dated(at)
            )
        }),
        may_answer: membership::may(db, viewer_id, Action::RunMeeting, &national).await?,
    })
}

/// The national group answers an escalation (a later answer replaces it, and is dated).
pub async fn respond(
    db: &DatabaseConnection,
    mailer: &Mailer,
    base: &str,
    actor_id: i64,
    id: i64,
    text: &str,
) -> Result<(), AppError> {
    let national = rules::national(db).await?;
    membership::authorise(db, actor_id, Action::RunMeeting, &national).await?;
    let e = escalation::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such escalation.".into()))?;
    let mut v = Validation::default();
    let text = v.text(
        "answer",
        text,
        TEXT_MAX,
        "Write the national group's answer.",
    );
    v.finish()?;
    let (raised_by, title) = (e.raised_by, e.title.clone());
    let mut a: escalation::ActiveModel = e.into();
    a.answer = Set(Some(text));
    a.answered_by = Set(Some(actor_id));
    a.answered_at = Set(Some(Utc::now()));
    let txn = crate::server::db::begin_write(db).await?;
    a.update(&txn).await?;
    crate::server::services::audit::in_space(
        &txn,
        actor_id,
        national.id,
        crate::domain::audit::AuditAction::EscalationAnswered,
        format!("The matter “{title}” was answered"),
    )
    .await?;
    txn.commit().await?;
    // Whoever raised it is told.
    if let Some(raiser) = person::Entity::find_by_id(raised_by)
        .one(db)
        .await?
        .filter(|p| p.erased_at.is_none())
    {
        mailer
            .send(
                db,
                &raiser.email,
                &format!("The national group answered: {title}"),
                &format!(
                    "Dear {},\n\nThe national commons stewardship group answered the matter you raised, “{title}”: {base}/escalations/{id}\n",
                    raiser.name
                ),
            )
            .await?;
    }
    Ok(())
}

/// The work between the national commons and one region (or every region: `None`), in
/// words for the dashboards: how many questions were asked and answered and how quickly,
/// how many matters were raised and answered and how quickly.
pub async fn summary(
    db: &impl ConnectionTrait,
    region: Option<i64>,
) -> Result<Vec<String>, AppError> {
    let asked = cascade_region::Entity::find()
        .filter(match region {
            Some(r) => cascade_region::Column::RegionId.eq(r),
            None => cascade_region::Column::RegionId.is_not_null(),
        })
        .all(db)
        .await?;
    let cascades = cascade::Entity::find()
        .filter(cascade::Column::Id.is_in(asked.iter().map(|a| a.cascade_id)))
        .all(db)
        .await?;
    let escalations = escalation::Entity::find()
        .filter(match region {
            Some(r) => escalation::Column::RegionId.eq(r),
            None => escalation::Column::RegionId.is_not_null(),
        })
        .all(db)
        .await?;
    let answered: Vec<(DateTime<Utc>, DateTime<Utc>)> = asked
        .iter()
        .filter_map(|a| {
            let c = cascades.iter().find(|c| c.id == a.cascade_id)?;
            Some((c.asked_at, a.answered_at?))
        })
        .collect();
    let closed: Vec<(DateTime<Utc>, DateTime<Utc>)> = escalations
        .iter()
        .filter_map(|e| Some((e.raised_at, e.answered_at?)))
        .collect();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let took = |pairs: &[(DateTime<Utc>, DateTime<Utc>)]| {
        median_days(pairs)
            .map(|d| format!(", in a median of {}", days_label(d)))
            .unwrap_or_default()
    };
    let mut lines = vec![];
    if !asked.is_empty() {
        lines.push(match region {
            Some(_) => format!(
                "The national group asked {}; the region answered {}{}.",
                plural(asked.len(), "question", "questions"),
                answered.len(),
                took(&answered)
            ),
            None => format!(
                "The national group asked {} of the regions; {} of {} answers are in{}.",
                plural(cascades.len(), "question", "questions"),
                answered.len(),
                asked.len(),
                took(&answered)
            ),
        });
    }
    if !escalations.is_empty() {
        lines.push(format!(
            "{} raised to the national group; {} answered{}.",
            plural(escalations.len(), "matter", "matters"),
            closed.len(),
            took(&closed)
        ));
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::entities::outbox_email;
    use crate::server::services::{demo, meetings};
    use crate::server::testing::for_each_database;

    const BASE: &str = "https://commons.example.org";

    /// The outbox's letters since `after` (an id): (to, subject).
    async fn letters(db: &DatabaseConnection, after: i64) -> Vec<(String, String)> {
        outbox_email::Entity::find()
            .filter(outbox_email::Column::Id.gt(after))
            .order_by_asc(outbox_email::Column::Id)
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.to_address, m.subject))
            .collect()
    }

    async fn last_letter(db: &DatabaseConnection) -> i64 {
        outbox_email::Entity::find()
            .order_by_desc(outbox_email::Column::Id)
            .one(db)
            .await
            .unwrap()
            .map_or(0, |m| m.id)
    }

    async fn id_of(db: &DatabaseConnection, email: &str) -> i64 {
        accounts::find_by_email(db, email)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    async fn region_id(db: &DatabaseConnection, slug: &str) -> String {
        region_by_slug(db, slug).await.unwrap().id.to_string()
    }

    /// How many lines of the audit log say `action`.
    async fn audited(db: &DatabaseConnection, action: crate::domain::audit::AuditAction) -> u64 {
        use sea_orm::PaginatorTrait;
        crate::server::entities::audit_log::Entity::find()
            .filter(crate::server::entities::audit_log::Column::Action.eq(action.code()))
            .count(db)
            .await
            .unwrap()
    }

    fn fields(e: AppError) -> Vec<String> {
        match e {
            AppError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn the_national_group_cascades_a_question_regions_answer_and_a_region_escalates_a_matter()
    {
        for_each_database(async |db| {
            demo::seed_if_empty(&db).await.unwrap();
            let mailer = Mailer::outbox_only();
            let priya = id_of(&db, "priya@demo.q-commons.org").await;
            let hein = id_of(&db, "hein@demo.q-commons.org").await;
            let helen = id_of(&db, "helen@demo.q-commons.org").await;
            let karen = id_of(&db, "karen@demo.q-commons.org").await;
            let sam = id_of(&db, "sam@demo.q-commons.org").await;
            let soon = (Utc::now().date_naive() + chrono::Duration::days(14)).to_string();
            let form = |regions: Vec<String>, due_on: &str| CascadeForm {
                title: "Priorities for next year".into(),
                question: "What should the national commons fund first?".into(),
                due_on: due_on.into(),
                regions,
            };
            let chosen = vec![
                region_id(&db, "west-of-england").await,
                region_id(&db, "south-west").await,
            ];
            // Only the national group asks; bad input is refused whole.
            assert_eq!(
                ask(&db, &mailer, BASE, hein, &form(chosen.clone(), &soon))
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            assert_eq!(
                fields(
                    ask(
                        &db,
                        &mailer,
                        BASE,
                        priya,
                        &CascadeForm {
                            title: " ".into(),
                            question: String::new(),
                            due_on: "2020-01-01".into(),
                            regions: vec!["999".into()]
                        }
                    )
                    .await
                    .unwrap_err()
                ),
                vec!["title", "question", "due_on", "regions"]
            );
            let before = last_letter(&db).await;
            let c = ask(&db, &mailer, BASE, priya, &form(chosen, &soon))
                .await
                .unwrap();
            // Each asked region's convener and stewards are told; North East is not.
            let told = letters(&db, before).await;
            let to: Vec<&str> = told.iter().map(|(to, _)| to.as_str()).collect();
            for who in [
                "hein@demo.q-commons.org",
                "sam@demo.q-commons.org",
                "helen@demo.q-commons.org",
            ] {
                assert!(to.contains(&who), "{who} in {to:?}");
            }
            assert!(!to.contains(&"karen@demo.q-commons.org"));
            assert!(
                told.iter().any(|(_, s)| s
                    == "The national group asks West of England: Priorities for next year")
            );
            let mail = outbox_email::Entity::find()
                .filter(outbox_email::Column::ToAddress.eq("hein@demo.q-commons.org"))
                .order_by_desc(outbox_email::Column::Id)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert!(mail.body.contains(&format!("{BASE}/cascades/{c}")));

            // West of England answers from its meeting; South West in words; North East
            // was not asked.
            let held = (Utc::now() - chrono::Duration::days(2))
                .format("%Y-%m-%dT10:00")
                .to_string();
            let m = meetings::schedule(
                &db,
                hein,
                "west-of-england",
                &meetings::MeetingForm {
                    title: "Stewardship group".into(),
                    starts_at: held,
                    length: "60".into(),
                    place: "Bristol".into(),
                    call_link: String::new(),
                },
            )
            .await
            .unwrap();
            let other_region_meeting = meetings::schedule(
                &db,
                helen,
                "south-west",
                &meetings::MeetingForm {
                    title: "South West stewards".into(),
                    starts_at: (Utc::now() - chrono::Duration::days(1))
                        .format("%Y-%m-%dT10:00")
                        .to_string(),
                    length: "60".into(),
                    place: "Exeter".into(),
                    call_link: String::new(),
                },
            )
            .await
            .unwrap();
            assert_eq!(
                answer(&db, &mailer, BASE, helen, c, "west-of-england", "Ours.", "")
                    .await
                    .unwrap_err(),
                AppError::Forbidden,
                "another region's convener"
            );
            assert_eq!(
                fields(
                    answer(
                        &db,
                        &mailer,
                        BASE,
                        hein,
                        c,
                        "west-of-england",
                        "Travel.",
                        &format!("meeting:{}", other_region_meeting.id)
                    )
                    .await
                    .unwrap_err()
                ),
                vec!["from"],
                "another region's meeting"
            );
            assert_eq!(
                fields(
                    answer(
                        &db,
                        &mailer,
                        BASE,
                        hein,
                        c,
                        "west-of-england",
                        " ",
                        "rumour:1"
                    )
                    .await
                    .unwrap_err()
                ),
                vec!["answer", "from"]
            );
            answer(
                &db,
                &mailer,
                BASE,
                sam,
                c,
                "west-of-england",
                "Travel for patient and carer members.",
                &format!("meeting:{}", m.id),
            )
            .await
            .unwrap();
            let before = last_letter(&db).await;
            answer(
                &db,
                &mailer,
                BASE,
                helen,
                c,
                "south-west",
                "Training for new conveners.",
                "",
            )
            .await
            .unwrap();
            assert_eq!(
                letters(&db, before).await,
                vec![(
                    "priya@demo.q-commons.org".to_owned(),
                    "South West answered: Priorities for next year".to_owned()
                )],
                "whoever asked is told"
            );
            assert!(matches!(
                answer(
                    &db,
                    &mailer,
                    BASE,
                    karen,
                    c,
                    "north-east-and-north-cumbria",
                    "Us too.",
                    ""
                )
                .await,
                Err(AppError::NotFound(_))
            ));

            let read = cascade_page(&db, karen, c).await.unwrap();
            let states: Vec<(String, String)> = read
                .regions
                .iter()
                .map(|r| (r.name.clone(), r.state.clone()))
                .collect();
            assert_eq!(
                states,
                vec![
                    ("South West".into(), "Answered".into()),
                    ("West of England".into(), "Answered".into())
                ]
            );
            let west = read
                .regions
                .iter()
                .find(|r| r.slug == "west-of-england")
                .unwrap();
            assert_eq!(
                west.from,
                Some((
                    "Meeting: Stewardship group".into(),
                    format!("/meetings/{}", m.id)
                ))
            );
            assert!(read.answer_for.is_empty(), "Karen answers for neither");
            assert_eq!(
                cascade_page(&db, hein, c).await.unwrap().answer_for.len(),
                1
            );

            // The national page and each region's list it with its state.
            let national = page(&db, karen, None).await.unwrap();
            assert_eq!(
                (national.cascades[0].asked, national.cascades[0].answered),
                (2, 2)
            );
            assert!(national.cascade_time.is_some());
            assert!(!national.may_ask);
            assert!(page(&db, priya, None).await.unwrap().may_ask);
            let west_view = page(&db, hein, Some("west-of-england")).await.unwrap();
            assert_eq!(west_view.cascades[0].state.as_deref(), Some("Answered"));
            assert!(west_view.may_raise);
            let north = page(&db, karen, Some("north-east-and-north-cumbria"))
                .await
                .unwrap();
            assert!(north.cascades.is_empty());

            // An escalation, raised by a region and answered nationally.
            assert_eq!(
                raise(&db, &mailer, BASE, helen, "west-of-england", "X", "Y")
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            assert_eq!(
                fields(
                    raise(&db, &mailer, BASE, hein, "west-of-england", "", "")
                        .await
                        .unwrap_err()
                ),
                vec!["title", "matter"]
            );
            let before = last_letter(&db).await;
            let e = raise(
                &db,
                &mailer,
                BASE,
                hein,
                "west-of-england",
                "Room hire costs",
                "Trust rooms now cost £200 an evening: can the national budget help?",
            )
            .await
            .unwrap();
            // The national group (here the project team) is told.
            assert_eq!(
                letters(&db, before).await,
                vec![(
                    "priya@demo.q-commons.org".to_owned(),
                    "West of England raises a matter: Room hire costs".to_owned()
                )]
            );
            let listed = page(&db, helen, None).await.unwrap();
            assert_eq!(listed.escalations[0].state, "Open");
            assert_eq!(listed.escalations[0].region, "West of England");
            assert!(!escalation_page(&db, hein, e).await.unwrap().may_answer);
            assert_eq!(
                respond(&db, &mailer, BASE, hein, e, "Yes.")
                    .await
                    .unwrap_err(),
                AppError::Forbidden
            );
            assert_eq!(
                fields(
                    respond(&db, &mailer, BASE, priya, e, " ")
                        .await
                        .unwrap_err()
                ),
                vec!["answer"]
            );
            let before = last_letter(&db).await;
            respond(
                &db,
                &mailer,
                BASE,
                priya,
                e,
                "Yes: up to £1,000 this year from the events pot.",
            )
            .await
            .unwrap();
            assert_eq!(
                letters(&db, before).await,
                vec![(
                    "hein@demo.q-commons.org".to_owned(),
                    "The national group answered: Room hire costs".to_owned()
                )]
            );
            let answered = escalation_page(&db, sam, e).await.unwrap();
            assert_eq!(
                answered.answer.as_deref(),
                Some("Yes: up to £1,000 this year from the events pot.")
            );
            assert!(answered.answered.unwrap().starts_with("Priya Patel, "));
            let listed = page(&db, sam, Some("west-of-england")).await.unwrap();
            assert!(listed.escalations[0].state.starts_with("Answered in "));
            assert!(listed.escalation_time.is_some());
            // The dashboards say it in words.
            let west_id = region_by_slug(&db, "west-of-england").await.unwrap().id;
            let said = summary(&db, Some(west_id)).await.unwrap();
            assert_eq!(said.len(), 2);
            assert!(
                said[0].starts_with(
                    "The national group asked 1 question; the region answered 1, in a median of "
                ),
                "{said:?}"
            );
            assert!(
                said[1].starts_with(
                    "1 matter raised to the national group; 1 answered, in a median of "
                ),
                "{said:?}"
            );
            let all = summary(&db, None).await.unwrap();
            assert!(
                all[0].starts_with(
                    "The national group asked 1 question of the regions; 2 of 2 answers are in"
                ),
                "{all:?}"
            );
            let north_id = region_by_slug(&db, "north-east-and-north-cumbria")
                .await
                .unwrap()
                .id;
            assert!(summary(&db, Some(north_id)).await.unwrap().is_empty());
            // Each step is in the audit log of the space it was taken in.
            use crate::domain::audit::AuditAction;
            assert_eq!(audited(&db, AuditAction::CascadeAsked).await, 1);
            assert_eq!(audited(&db, AuditAction::CascadeAnswered).await, 2);
            assert_eq!(audited(&db, AuditAction::EscalationRaised).await, 1);
            assert_eq!(audited(&db, AuditAction::EscalationAnswered).await, 1);
        })
        .await;
    }
}
