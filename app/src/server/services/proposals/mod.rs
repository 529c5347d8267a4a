//! Proposals: a question put to a space's members, from draft through discussion to a
//! decision and its outcome. Who may propose and vote is read from membership on the
//! server; the text's every edit is kept; the people who may vote are fixed when voting
//! opens; a vote closes on time, once, however many app servers run.
pub mod advice;
mod discussion;
pub mod from_workshop;
mod outcome;
mod pages;
pub mod register;
#[cfg(test)]
mod tests;
mod voting;

pub use discussion::{comment, earlier_texts, edit_comment, thread};
pub use outcome::{participants, write_outcome};
pub use pages::{live_tally, page, space_proposals, taken_part};
pub use voting::{
    REMIND_BEFORE, answer, close_due, keep_closing, object, open_voting, remind_due,
    settle_objection, tally_of, vote, when,
};

use crate::domain::decision::Method;
use crate::domain::membership::{MembershipStatus, SpaceScope};
use crate::domain::proposal::{Electorate, Refusal, Stage, Voter};
use crate::domain::structure::SpaceKind;
use crate::error::{AppError, Validation};
use crate::server::entities::{
    group_membership, member, person, proposal, proposal_option, proposal_version, role, space,
};
use crate::server::services::membership;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;
pub const OPTIONS_MAX: usize = 12;

/// What the author fills in to start a proposal.
#[derive(Debug, Clone, Default)]
pub struct ProposalForm {
    /// The space's slug (`national` for the national commons).
    pub space: String,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub method: String,
    /// A ranked, score or approval vote's options, one a line.
    pub options: String,
    pub quorum_percent: i16,
    pub threshold_percent: i16,
    /// The threshold is "at least" the share (e.g. two thirds) rather than "more than".
    pub threshold_at_least: bool,
    pub anonymous: bool,
    pub results_live: bool,
    /// The change to the rule book it carries: "" (none), "add", "amend:ID", "adapt:ID".
    pub rule: String,
    pub rule_title: String,
    /// The rule's new text (Markdown).
    pub rule_text: String,
    /// A [`crate::domain::charter::DecisionKind`] code ("" for general).
    pub kind: String,
    /// For spending: how much, in pounds as typed.
    pub amount: String,
    /// For an override: the number of the region's decision it overrides.
    pub overrides: String,
    /// The workshop theme or action it comes from: `theme:ID`, `action:ID` or "".
    pub from: String,
    /// A charter proposal's change: the clause (a decision kind's code, or "" for none),
    /// who would take it (`region` or `national`) and a region's spending limit in pounds.
    pub charter_clause: String,
    pub charter_level: String,
    pub charter_limit: String,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

/// A proposal's title (spaces collapsed) and body (trimmed), each checked.
fn text(v: &mut Validation, title: &str, body: &str) -> (String, String) {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        v.refuse(
            "title",
            format!("Give the proposal a title (at most {TITLE_MAX} characters)."),
        );
    }
    let body = body.trim().to_owned();
    if body.is_empty() || body.chars().count() > BODY_MAX {
        v.refuse(
            "body",
            format!("Say what you propose and why (at most {BODY_MAX} characters)."),
        );
    }
    (title, body)
}

/// What the server knows of a person, for the rules on who may vote.
pub(crate) async fn voter(db: &impl ConnectionTrait, person_id: i64) -> Result<Voter, AppError> {
    let m = member::Entity::find_by_id(person_id).one(db).await?;
    let mut group_ids: Vec<i64> = group_membership::Entity::find()
        .filter(group_membership::Column::PersonId.eq(person_id))
        .filter(group_membership::Column::Status.eq("active"))
        .all(db)
        .await?
        .into_iter()
        .map(|g| g.space_id)
        .collect();
    let today = Utc::now().date_naive();
    group_ids.extend(
        role::Entity::find()
            .filter(role::Column::PersonId.eq(person_id))
            .all(db)
            .await?
            .into_iter()
            .filter(|r| r.starts_on <= today && r.ends_on.is_none_or(|e| e >= today))
            .map(|r| r.space_id),
    );
    Ok(Voter {
        person_id: Some(person_id),
        status: m
            .as_ref()
            .and_then(|m| MembershipStatus::from_code(&m.status)),
        home_region_id: m.and_then(|m| m.home_region_id),
        group_ids,
    })
}

/// The proposal's space with where it sits for the rules.
pub(crate) async fn space_of(
    db: &impl ConnectionTrait,
    p: &proposal::Model,
) -> Result<(space::Model, SpaceScope), AppError> {
    let s = space::Entity::find_by_id(p.space_id)
        .one(db)
        .await?
        .ok_or(AppError::Internal)?;
    let scope = membership::scope(db, &s).await?;
    Ok((s, scope))
}

/// Whether `person_id` may take part in `space` (propose, discuss): as for voting, the
/// members the space is for.
pub(crate) async fn may_take_part(
    db: &impl ConnectionTrait,
    person_id: i64,
    s: &space::Model,
    scope: &SpaceScope,
) -> Result<(), AppError> {
    let voter = voter(db, person_id).await?;
    Electorate {
        space: scope,
        space_name: &s.name,
        named: None,
    }
    .admits(&voter)
    .map_err(|Refusal(why)| {
        AppError::invalid("space", why.replace("vote on this", "take part here"))
    })
}

/// Close `id` now, as the closing job would once its time came (for tests here and in the
/// services that act on a closed decision: the rule book, the charter).
#[cfg(test)]
pub(crate) async fn close_now(db: &DatabaseConnection, id: i64) -> proposal::Model {
    let mut a: proposal::ActiveModel = by_id(db, id).await.unwrap().into();
    a.closes_at = Set(Some(Utc::now() - chrono::Duration::seconds(1)));
    a.update(db).await.unwrap();
    close_due(db, Utc::now()).await.unwrap();
    by_id(db, id).await.unwrap()
}

pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<proposal::Model, AppError> {
    proposal::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such proposal.".into()))
}

/// Start a proposal as a draft. The author must be among the members the space is for.
pub async fn create(
    db: &DatabaseConnection,
    author: &person::Model,
    f: &ProposalForm,
) -> Result<proposal::Model, AppError> {
    let mut v = Validation::default();
    let s = space::Entity::find()
        .filter(space::Column::Slug.eq(f.space.trim()))
        .one(db)
        .await?;
    let s = v.take(
        s.map(Some)
            .ok_or_else(|| AppError::invalid("space", "Choose where the proposal belongs.")),
    );
    let (title, body) = text(&mut v, &f.title, &f.body);
    let method = v.take(
        Method::from_code(&f.method)
            .map(Some)
            .ok_or_else(|| AppError::invalid("method", "Choose how it will be decided.")),
    );
    let options = lines(&f.options);
    if matches!(
        method,
        Some(Method::RankedChoice | Method::Score | Method::Approval)
    ) && !(2..=OPTIONS_MAX).contains(&options.len())
    {
        v.refuse(
            "options",
            format!("Give between 2 and {OPTIONS_MAX} options, one a line."),
        );
    }
    if options.iter().any(|o| o.chars().count() > 200) {
        v.refuse("options", "Keep each option to 200 characters.");
    }
    if !(0..=100).contains(&f.quorum_percent) {
        v.refuse("quorum_percent", "A quorum is a share from 0 to 100%.");
    }
    if !(1..=100).contains(&f.threshold_percent)
        || (f.threshold_percent == 100 && !f.threshold_at_least)
    {
        v.refuse(
            "threshold_percent",
            "A threshold is a share from 1 to 100%.",
        );
    }
    // Where the charter says it is decided (a region's proposal it reserves goes to the
    // national commons), then the rule change it carries, checked there.
    let placed = match &s {
        Some(s) => Some(
            crate::server::services::charter::place(
                db,
                &mut v,
                s,
                &f.kind,
                &f.amount,
                &f.overrides,
            )
            .await?,
        ),
        None => None,
    };
    let change = match &placed {
        Some(placed) => {
            crate::server::services::rules::check(
                db,
                &mut v,
                &placed.space,
                &f.rule,
                &f.rule_title,
                &f.rule_text,
            )
            .await?
        }
        None => None,
    };
    let amendment = match &placed {
        Some(placed) => crate::server::services::charter::amendment(
            &mut v,
            placed.kind,
            &f.charter_clause,
            &f.charter_level,
            &f.charter_limit,
        ),
        None => None,
    };
    if amendment.is_some()
        && matches!(
            method,
            Some(Method::RankedChoice | Method::Score | Method::Approval | Method::AdviceProcess)
        )
    {
        v.refuse(
            "method",
            "A change to the charter is decided together and passes or fails: decide it by consent, majority or gradients of agreement.",
        );
    }
    if change.is_some()
        && matches!(
            method,
            Some(Method::RankedChoice | Method::Score | Method::Approval | Method::AdviceProcess)
        )
    {
        v.refuse(
            "method",
            "A change to the rule book is decided together and passes or fails: decide it by consent, majority or gradients of agreement.",
        );
    }
    if method == Some(Method::AdviceProcess) && f.anonymous {
        v.refuse(
            "anonymous",
            "Advice is given by name, so the advice process cannot be anonymous.",
        );
    }
    let source = v
        .check(from_workshop::source(db, author, &f.from).await)
        .flatten();
    let (s, method) = v.finish_with((s, method))?;
    let (s, method, placed) = (
        s.ok_or(AppError::Internal)?,
        method.ok_or(AppError::Internal)?,
        placed.ok_or(AppError::Internal)?,
    );
    // The author raises it where they belong, wherever it is decided.
    let scope = membership::scope(db, &s).await?;
    may_take_part(db, author.id, &s, &scope).await?;

    let now = Utc::now();
    let txn = crate::server::db::begin_write(db).await?;
    let p = proposal::ActiveModel {
        space_id: Set(placed.space.id),
        kind: Set(placed.kind.code().to_owned()),
        amount_pence: Set(placed.amount_pence),
        raised_in_id: Set(placed.raised_in),
        overrides_id: Set(placed.overrides),
        author_id: Set(author.id),
        title: Set(title.clone()),
        body: Set(body.clone()),
        method: Set(method.code().to_owned()),
        stage: Set(Stage::Draft.code().to_owned()),
        anonymous: Set(f.anonymous),
        results_live: Set(f.results_live),
        quorum_percent: Set(f.quorum_percent),
        threshold_percent: Set(f.threshold_percent),
        threshold_at_least: Set(f.threshold_at_least),
        named_only: Set(false),
        workshop_id: Set(source.map(|s| s.workshop_id)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    proposal_version::ActiveModel {
        proposal_id: Set(p.id),
        number: Set(1),
        title: Set(title),
        body: Set(body),
        by_id: Set(author.id),
        at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if matches!(
        method,
        Method::RankedChoice | Method::Score | Method::Approval
    ) {
        for (i, label) in options.into_iter().enumerate() {
            proposal_option::ActiveModel {
                proposal_id: Set(p.id),
                position: Set(i as i32),
                label: Set(label),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    if let Some(c) = change {
        crate::server::services::rules::record(&txn, p.id, c).await?;
    }
    if let Some(a) = amendment {
        crate::server::services::charter::record(&txn, p.id, a).await?;
    }
    txn.commit().await?;
    Ok(p)
}

/// The author edits the text while it is a draft or under discussion; every edit is kept
/// as a new version.
pub async fn edit(
    db: &DatabaseConnection,
    who: &person::Model,
    id: i64,
    title: &str,
    body: &str,
) -> Result<proposal::Model, AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let p = by_id(&txn, id).await?;
    if p.author_id != who.id {
        return Err(AppError::Forbidden);
    }
    let stage = Stage::from_code(&p.stage).ok_or(AppError::Internal)?;
    if !stage.editable() {
        return Err(AppError::invalid(
            "body",
            "Voting has opened, so the text can no longer change.",
        ));
    }
    let mut v = Validation::default();
    let (title, body) = text(&mut v, title, body);
    v.finish()?;
    if title == p.title && body == p.body {
        txn.commit().await?;
        return Ok(p);
    }
    let now = Utc::now();
    let number = p.version + 1;
    proposal_version::ActiveModel {
        proposal_id: Set(p.id),
        number: Set(number),
        title: Set(title.clone()),
        body: Set(body.clone()),
        by_id: Set(who.id),
        at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(crate::server::db::conflict_on_unique(
        "body",
        "Someone saved another edit at the same moment; look at the latest and try again.",
    ))?;
    let mut a: proposal::ActiveModel = p.into();
    a.title = Set(title);
    a.body = Set(body);
    a.version = Set(number);
    a.updated_at = Set(now);
    let p = a.update(&txn).await?;
    txn.commit().await?;
    Ok(p)
}

/// Every version of the text, oldest first.
pub async fn versions(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Vec<proposal_version::Model>, AppError> {
    Ok(proposal_version::Entity::find()
        .filter(proposal_version::Column::ProposalId.eq(id))
        .order_by_asc(proposal_version::Column::Number)
        .all(db)
        .await?)
}

/// The author opens the draft for discussion.
pub async fn start_discussion(
    db: &DatabaseConnection,
    who: &person::Model,
    id: i64,
) -> Result<proposal::Model, AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let p = by_id(&txn, id).await?;
    if p.author_id != who.id {
        return Err(AppError::Forbidden);
    }
    if p.stage != Stage::Draft.code() {
        return Err(AppError::invalid(
            "stage",
            "Only a draft can be opened for discussion.",
        ));
    }
    let mut a: proposal::ActiveModel = p.into();
    a.stage = Set(Stage::Discussion.code().to_owned());
    a.updated_at = Set(Utc::now());
    let p = a.update(&txn).await?;
    txn.commit().await?;
    Ok(p)
}

/// Limit who may vote to these people (a stewardship group's own decisions). Only
/// before voting opens; an empty list lifts the limit.
pub async fn name_voters(
    db: &DatabaseConnection,
    who: &person::Model,
    id: i64,
    people: &[i64],
) -> Result<(), AppError> {
    use crate::server::entities::proposal_named;
    let txn = crate::server::db::begin_write(db).await?;
    let p = by_id(&txn, id).await?;
    if p.author_id != who.id {
        return Err(AppError::Forbidden);
    }
    if !Stage::from_code(&p.stage).is_some_and(Stage::editable) {
        return Err(AppError::invalid(
            "named",
            "Voting has opened: who votes is fixed.",
        ));
    }
    proposal_named::Entity::delete_many()
        .filter(proposal_named::Column::ProposalId.eq(id))
        .exec(&txn)
        .await?;
    let mut people = people.to_vec();
    people.sort_unstable();
    people.dedup();
    for person_id in &people {
        if person::Entity::find_by_id(*person_id)
            .one(&txn)
            .await?
            .is_none()
        {
            return Err(AppError::invalid("named", "Name members of the commons."));
        }
        proposal_named::ActiveModel {
            proposal_id: Set(id),
            person_id: Set(*person_id),
        }
        .insert(&txn)
        .await?;
    }
    let mut a: proposal::ActiveModel = p.into();
    a.named_only = Set(!people.is_empty());
    a.updated_at = Set(Utc::now());
    a.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Everyone the space is for today: a region's members, a group's, every member for the
/// national commons, a stewardship group's stewards, or only the named.
pub(crate) async fn electorate_now(
    db: &impl ConnectionTrait,
    p: &proposal::Model,
    scope: &SpaceScope,
) -> Result<Vec<i64>, AppError> {
    use crate::server::entities::proposal_named;
    let active =
        member::Entity::find().filter(member::Column::Status.eq(MembershipStatus::Active.code()));
    let mut ids: Vec<i64> = if p.named_only {
        let named: Vec<i64> = proposal_named::Entity::find()
            .filter(proposal_named::Column::ProposalId.eq(p.id))
            .all(db)
            .await?
            .into_iter()
            .map(|n| n.person_id)
            .collect();
        active
            .filter(member::Column::PersonId.is_in(named))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.person_id)
            .collect()
    } else {
        members_of(db, scope).await?
    };
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The active members a space is for today: everyone nationally, a region's own members,
/// and a group's members and role holders. Ascending, each once.
pub(crate) async fn members_of(
    db: &impl ConnectionTrait,
    scope: &SpaceScope,
) -> Result<Vec<i64>, AppError> {
    let active =
        member::Entity::find().filter(member::Column::Status.eq(MembershipStatus::Active.code()));
    let mut ids: Vec<i64> = match scope.kind {
        SpaceKind::NationalStewardshipGroup => active
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.person_id)
            .collect(),
        SpaceKind::Region => active
            .filter(member::Column::HomeRegionId.eq(scope.space_id))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.person_id)
            .collect(),
        _ => {
            let mut in_space: Vec<i64> = group_membership::Entity::find()
                .filter(group_membership::Column::SpaceId.eq(scope.space_id))
                .filter(group_membership::Column::Status.eq("active"))
                .all(db)
                .await?
                .into_iter()
                .map(|g| g.person_id)
                .collect();
            let today = Utc::now().date_naive();
            in_space.extend(
                role::Entity::find()
                    .filter(role::Column::SpaceId.eq(scope.space_id))
                    .all(db)
                    .await?
                    .into_iter()
                    .filter(|r| r.starts_on <= today && r.ends_on.is_none_or(|e| e >= today))
                    .map(|r| r.person_id),
            );
            active
                .filter(member::Column::PersonId.is_in(in_space))
                .all(db)
                .await?
                .into_iter()
                .map(|m| m.person_id)
                .collect()
        }
    };
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}
