//! The rule book of each space: its rules with every version, who proposed it, when and
//! the decision that made it. A region's book shows the national rules it inherits, the
//! ones it adapted (with the words it changed) and its own. A rule changes only when a
//! proposal carrying the new text passes; the change is applied once, in the transaction
//! that closes the vote.
use crate::domain::rule::{self, RuleChange, Standing, Target};
use crate::domain::structure::SpaceKind;
use crate::error::{AppError, Validation};
use crate::model::rules::{
    DiffPart, ProposalStart, RuleBookPage, RuleChangeLine, RuleLine, RuleVersionLine,
};
use crate::server::entities::{
    person, proposal, proposal_rule_change, rule as rule_e, rule_version, space,
};
use crate::server::services::membership;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 10_000;
/// Where a region's own rules start, after the national ones it inherits.
const LOCAL_POSITIONS: i32 = 1_000;

/// The words `new` changes in `old`, as runs of kept, added and removed words (the
/// `similar` crate's diff over Unicode words, so punctuation is a word of its own: Myers'
/// algorithm, whitespace kept).
pub fn diff(old: &str, new: &str) -> Vec<DiffPart> {
    use similar::{ChangeTag, TextDiff};
    let mut parts: Vec<DiffPart> = Vec::new();
    for change in TextDiff::from_unicode_words(old, new).iter_all_changes() {
        let text = change.value();
        match (change.tag(), parts.last_mut()) {
            (ChangeTag::Equal, Some(DiffPart::Same(s)))
            | (ChangeTag::Insert, Some(DiffPart::Added(s)))
            | (ChangeTag::Delete, Some(DiffPart::Removed(s))) => s.push_str(text),
            (ChangeTag::Equal, _) => parts.push(DiffPart::Same(text.to_owned())),
            (ChangeTag::Insert, _) => parts.push(DiffPart::Added(text.to_owned())),
            (ChangeTag::Delete, _) => parts.push(DiffPart::Removed(text.to_owned())),
        }
    }
    readable(parts)
}

/// Fold the little words two changes share ("and", "in", a space) into the changes, and
/// show each stretch of change as the words removed, then the words added: a reader sees
/// "keep what … otherwise" replaced by "meet only in step-free rooms", not a word salad.
fn readable(parts: Vec<DiffPart>) -> Vec<DiffPart> {
    const SHORT: usize = 3;
    let n = parts.len();
    let changed =
        |p: Option<&DiffPart>| matches!(p, Some(DiffPart::Added(_) | DiffPart::Removed(_)));
    let mut out: Vec<DiffPart> = Vec::new();
    let (mut removed, mut added) = (String::new(), String::new());
    let flush = |out: &mut Vec<DiffPart>, removed: &mut String, added: &mut String| {
        if !removed.is_empty() {
            out.push(DiffPart::Removed(std::mem::take(removed)));
        }
        if !added.is_empty() {
            out.push(DiffPart::Added(std::mem::take(added)));
        }
    };
    for (i, p) in parts.iter().enumerate() {
        match p {
            DiffPart::Removed(s) => removed.push_str(s),
            DiffPart::Added(s) => added.push_str(s),
            DiffPart::Same(s)
                if i > 0
                    && i + 1 < n
                    && s.trim().chars().count() <= SHORT
                    && changed(parts.get(i - 1))
                    && changed(parts.get(i + 1)) =>
            {
                removed.push_str(s);
                added.push_str(s);
            }
            DiffPart::Same(s) => {
                flush(&mut out, &mut removed, &mut added);
                out.push(DiffPart::Same(s.clone()));
            }
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out
}

/// The national commons' space.
pub async fn national(db: &impl ConnectionTrait) -> Result<space::Model, AppError> {
    space::Entity::find()
        .filter(space::Column::Kind.eq(SpaceKind::NationalStewardshipGroup.code()))
        .order_by_asc(space::Column::Id)
        .one(db)
        .await?
        .ok_or(AppError::Internal)
}

fn kind_of(s: &space::Model) -> SpaceKind {
    SpaceKind::from_code(&s.kind).unwrap_or(SpaceKind::ProjectGroup)
}

/// The space named `slug`, or "There is no such space."
pub async fn space_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<space::Model, AppError> {
    space::Entity::find()
        .filter(space::Column::Slug.eq(slug.trim()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such space.".into()))
}

/// A rule with its versions, oldest first.
struct Held {
    rule: rule_e::Model,
    versions: Vec<rule_version::Model>,
}

impl Held {
    fn current(&self) -> Option<&rule_version::Model> {
        self.versions.last()
    }
}

/// The rules of these spaces, each with every version, in book order.
async fn rules_of(db: &impl ConnectionTrait, space_ids: &[i64]) -> Result<Vec<Held>, AppError> {
    let rules = rule_e::Entity::find()
        .filter(rule_e::Column::SpaceId.is_in(space_ids.iter().copied()))
        .order_by_asc(rule_e::Column::Position)
        .order_by_asc(rule_e::Column::Id)
        .all(db)
        .await?;
    let mut versions: HashMap<i64, Vec<rule_version::Model>> = HashMap::new();
    for v in rule_version::Entity::find()
        .filter(rule_version::Column::RuleId.is_in(rules.iter().map(|r| r.id)))
        .order_by_asc(rule_version::Column::Number)
        .all(db)
        .await?
    {
        versions.entry(v.rule_id).or_default().push(v);
    }
    Ok(rules
        .into_iter()
        .map(|r| Held {
            versions: versions.remove(&r.id).unwrap_or_default(),
            rule: r,
        })
        .collect())
}

/// The titles of the proposals that made these versions.
async fn decisions(
    db: &impl ConnectionTrait,
    held: &[Held],
) -> Result<HashMap<i64, String>, AppError> {
    let ids: Vec<i64> = held
        .iter()
        .flat_map(|h| h.versions.iter().filter_map(|v| v.proposal_id))
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(proposal::Entity::find()
        .filter(proposal::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.title))
        .collect())
}

fn date(at: DateTime<Utc>) -> String {
    at.format("%-d %B %Y").to_string()
}

fn line(
    held: &Held,
    standing: Standing,
    national_text: Option<&str>,
    change: String,
    titles: &HashMap<i64, String>,
) -> Option<RuleLine> {
    let current = held.current()?;
    Some(RuleLine {
        id: held.rule.id,
        title: current.title.clone(),
        body_html: crate::server::markdown::to_html(&current.body),
        standing: standing.code().to_owned(),
        standing_label: standing.label().to_owned(),
        version: current.number,
        history: held
            .versions
            .iter()
            .rev()
            .map(|v| RuleVersionLine {
                number: v.number,
                title: v.title.clone(),
                at: date(v.at),
                decision: v
                    .proposal_id
                    .map(|id| (id, titles.get(&id).cloned().unwrap_or_default())),
            })
            .collect(),
        diff: national_text.map_or_else(Vec::new, |n| diff(n, &current.body)),
        change,
    })
}

/// A space's rule book as `viewer` reads it: for a region, each national rule inherited or
/// adapted, then its own rules; for the national commons and groups, their own rules.
pub async fn book(
    db: &impl ConnectionTrait,
    viewer: &person::Model,
    slug: &str,
) -> Result<RuleBookPage, AppError> {
    membership::require_member_or_team(db, viewer.id).await?;
    let s = space_by_slug(db, slug).await?;
    let kind = kind_of(&s);
    let scope = membership::scope(db, &s).await?;
    let may_propose = super::proposals::may_take_part(db, viewer.id, &s, &scope)
        .await
        .is_ok();
    let region = kind == SpaceKind::Region;
    let nat = national(db).await?;
    let ids = if region {
        vec![nat.id, s.id]
    } else {
        vec![s.id]
    };
    let held = rules_of(db, &ids).await?;
    let titles = decisions(db, &held).await?;
    let (inherited, own): (Vec<&Held>, Vec<&Held>) = held
        .iter()
        .partition(|h| region && h.rule.space_id == nat.id);
    let mut rules = Vec::new();
    for n in &inherited {
        let adaptation = own
            .iter()
            .find(|h| h.rule.adapts_rule_id == Some(n.rule.id));
        let l = match adaptation {
            Some(a) => line(
                a,
                Standing::Adapted,
                n.current().map(|v| v.body.as_str()),
                format!("amend:{}", a.rule.id),
                &titles,
            ),
            None => line(
                n,
                Standing::Inherited,
                None,
                format!("adapt:{}", n.rule.id),
                &titles,
            ),
        };
        rules.extend(l);
    }
    for h in own.iter().filter(|h| h.rule.adapts_rule_id.is_none()) {
        let standing = rule::standing(kind, true, false);
        rules.extend(line(
            h,
            standing,
            None,
            format!("amend:{}", h.rule.id),
            &titles,
        ));
    }
    Ok(RuleBookPage {
        space_name: s.name,
        space_slug: s.slug,
        region,
        may_propose,
        rules,
    })
}

/// A rule change as the proposal form sends it: "" (none), "add", "amend:ID", "adapt:ID".
fn parse(choice: &str) -> Result<Option<(RuleChange, Option<i64>)>, AppError> {
    let choice = choice.trim();
    if choice.is_empty() {
        return Ok(None);
    }
    let (code, id) = choice.split_once(':').unwrap_or((choice, ""));
    let change = RuleChange::from_code(code)
        .ok_or_else(|| AppError::invalid("rule", "Choose what the proposal changes."))?;
    let id = match id {
        "" => None,
        id => Some(
            id.parse::<i64>()
                .map_err(|_| AppError::invalid("rule", "Choose what the proposal changes."))?,
        ),
    };
    Ok(Some((change, id)))
}

/// What the server knows of rule `id` as seen from space `s`.
async fn target(
    db: &impl ConnectionTrait,
    s: &space::Model,
    id: i64,
) -> Result<Option<(rule_e::Model, Target)>, AppError> {
    let Some(r) = rule_e::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let nat = national(db).await?;
    let adapted_here = rule_e::Entity::find()
        .filter(rule_e::Column::SpaceId.eq(s.id))
        .filter(rule_e::Column::AdaptsRuleId.eq(id))
        .one(db)
        .await?
        .is_some();
    let t = Target {
        in_this_space: r.space_id == s.id,
        national: r.space_id == nat.id,
        adapted_here,
    };
    Ok(Some((r, t)))
}

/// A checked rule change, ready to record with its proposal.
#[derive(Debug, Clone)]
pub struct Checked {
    change: RuleChange,
    rule_id: Option<i64>,
    title: String,
    body: String,
}

/// Check the rule change a proposal in `s` would carry (`choice` as the form sends it),
/// putting what is wrong into `v`; `None` when it carries none.
pub(crate) async fn check(
    db: &impl ConnectionTrait,
    v: &mut Validation,
    s: &space::Model,
    choice: &str,
    title: &str,
    body: &str,
) -> Result<Option<Checked>, AppError> {
    let parsed = match parse(choice) {
        Ok(p) => p,
        Err(e) => {
            v.take::<()>(Err(e));
            return Ok(None);
        }
    };
    let Some((change, id)) = parsed else {
        return Ok(None);
    };
    let target = match id {
        Some(id) => match target(db, s, id).await? {
            Some((_, t)) => Some(t),
            None => {
                v.refuse("rule", "There is no such rule.");
                return Ok(None);
            }
        },
        None => None,
    };
    if let Err(why) = rule::check(change, kind_of(s), target) {
        v.refuse("rule", why);
    }
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        v.refuse(
            "rule_title",
            format!("Give the rule a title (at most {TITLE_MAX} characters)."),
        );
    }
    let body = body.trim().to_owned();
    if body.is_empty() || body.chars().count() > TEXT_MAX {
        v.refuse(
            "rule_text",
            format!("Write the rule's new text (at most {TEXT_MAX} characters)."),
        );
    }
    Ok(Some(Checked {
        change,
        rule_id: id,
        title,
        body,
    }))
}

/// Keep the rule change with its proposal.
pub(crate) async fn record(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    c: Checked,
) -> Result<(), AppError> {
    proposal_rule_change::ActiveModel {
        proposal_id: Set(proposal_id),
        change: Set(c.change.code().to_owned()),
        rule_id: Set(c.rule_id),
        title: Set(c.title),
        body: Set(c.body),
        applied_rule_id: Set(None),
        applied_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Add a version to `r` (its number the next), made by proposal `by` (none: the founding
/// text), and make it the rule's text.
async fn add_version(
    db: &impl ConnectionTrait,
    r: rule_e::Model,
    title: String,
    body: String,
    by: Option<&proposal::Model>,
    at: DateTime<Utc>,
) -> Result<rule_e::Model, AppError> {
    let number = r.version + 1;
    rule_version::ActiveModel {
        rule_id: Set(r.id),
        number: Set(number),
        title: Set(title),
        body: Set(body),
        proposal_id: Set(by.map(|p| p.id)),
        by_id: Set(by.map(|p| p.author_id)),
        at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut a: rule_e::ActiveModel = r.into();
    a.version = Set(number);
    Ok(a.update(db).await?)
}

async fn new_rule(
    db: &impl ConnectionTrait,
    space_id: i64,
    adapts: Option<i64>,
    position: i32,
    at: DateTime<Utc>,
) -> Result<rule_e::Model, AppError> {
    Ok(rule_e::ActiveModel {
        space_id: Set(space_id),
        adapts_rule_id: Set(adapts),
        position: Set(position),
        version: Set(0),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

async fn next_local_position(db: &impl ConnectionTrait, space_id: i64) -> Result<i32, AppError> {
    let last = rule_e::Entity::find()
        .filter(rule_e::Column::SpaceId.eq(space_id))
        .order_by_desc(rule_e::Column::Position)
        .one(db)
        .await?;
    Ok(last.map_or(LOCAL_POSITIONS, |r| r.position.max(LOCAL_POSITIONS - 1) + 1))
}

/// A founding rule (no decision made it: the text the commons started with), for the
/// national rules and seed data. `adapts`: the national rule a region's text adapts.
pub async fn found(
    db: &impl ConnectionTrait,
    space_id: i64,
    adapts: Option<i64>,
    title: &str,
    body: &str,
) -> Result<rule_e::Model, AppError> {
    let now = Utc::now();
    let position = match adapts {
        Some(n) => {
            rule_e::Entity::find_by_id(n)
                .one(db)
                .await?
                .ok_or(AppError::Internal)?
                .position
        }
        None => next_local_position(db, space_id).await?,
    };
    let r = new_rule(db, space_id, adapts, position, now).await?;
    add_version(db, r, title.to_owned(), body.to_owned(), None, now).await
}

/// Apply the rule change a proposal carries, now that it has passed: in the transaction
/// that closed it, so it happens exactly once. An adaptation of a rule the region adapted
/// meanwhile (another proposal passed first) becomes a new version of that adaptation.
pub(crate) async fn apply_passed(
    db: &impl ConnectionTrait,
    p: &proposal::Model,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(c) = proposal_rule_change::Entity::find_by_id(p.id)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    if c.applied_at.is_some() {
        return Ok(());
    }
    let change = RuleChange::from_code(&c.change).ok_or(AppError::Internal)?;
    let rule = match (change, c.rule_id) {
        (RuleChange::Amend, Some(id)) => rule_e::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(AppError::Internal)?,
        (RuleChange::Adapt, Some(id)) => {
            let existing = rule_e::Entity::find()
                .filter(rule_e::Column::SpaceId.eq(p.space_id))
                .filter(rule_e::Column::AdaptsRuleId.eq(id))
                .one(db)
                .await?;
            match existing {
                Some(r) => r,
                None => {
                    let national = rule_e::Entity::find_by_id(id)
                        .one(db)
                        .await?
                        .ok_or(AppError::Internal)?;
                    new_rule(db, p.space_id, Some(id), national.position, now).await?
                }
            }
        }
        (RuleChange::Add, _) => {
            let position = next_local_position(db, p.space_id).await?;
            new_rule(db, p.space_id, None, position, now).await?
        }
        _ => return Err(AppError::Internal),
    };
    let rule = add_version(db, rule, c.title.clone(), c.body.clone(), Some(p), now).await?;
    let mut a: proposal_rule_change::ActiveModel = c.into();
    a.applied_rule_id = Set(Some(rule.id));
    a.applied_at = Set(Some(now));
    a.update(db).await?;
    Ok(())
}

/// The rule change proposal `p` carries, as its page shows it: the new text and the words
/// it changes in the text it would replace (as it stands now, or stood when it passed).
pub async fn change_line(
    db: &impl ConnectionTrait,
    p: &proposal::Model,
) -> Result<Option<RuleChangeLine>, AppError> {
    let Some(c) = proposal_rule_change::Entity::find_by_id(p.id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let change = RuleChange::from_code(&c.change).ok_or(AppError::Internal)?;
    let version = async |rule_id: i64, number: i32| {
        rule_version::Entity::find()
            .filter(rule_version::Column::RuleId.eq(rule_id))
            .filter(rule_version::Column::Number.eq(number))
            .one(db)
            .await
    };
    let replaced = match (c.applied_rule_id, c.rule_id) {
        // Passed: the version before the one it made.
        (Some(applied), _) => {
            let made = rule_version::Entity::find()
                .filter(rule_version::Column::RuleId.eq(applied))
                .filter(rule_version::Column::ProposalId.eq(p.id))
                .one(db)
                .await?;
            match made {
                Some(m) if m.number > 1 => version(applied, m.number - 1).await?,
                _ => None,
            }
        }
        (None, Some(id)) => match rule_e::Entity::find_by_id(id).one(db).await? {
            Some(r) => version(r.id, r.version).await?,
            None => None,
        },
        (None, None) => None,
    };
    // A region's first text of a national rule compares with the national text as it stood
    // when the adaptation took effect.
    let replaced = match (change, c.rule_id, replaced) {
        (RuleChange::Adapt, Some(id), None) => {
            rule_version::Entity::find()
                .filter(rule_version::Column::RuleId.eq(id))
                .filter(rule_version::Column::At.lte(c.applied_at.unwrap_or_else(Utc::now)))
                .order_by_desc(rule_version::Column::Number)
                .one(db)
                .await?
        }
        (_, _, replaced) => replaced,
    };
    let rule_title = replaced.as_ref().map(|v| v.title.clone());
    let what = match rule_title {
        Some(t) => format!("{}: {t}", change.label()),
        None => change.label().to_owned(),
    };
    Ok(Some(RuleChangeLine {
        what,
        title: c.title.clone(),
        body_html: crate::server::markdown::to_html(&c.body),
        diff: replaced.map_or_else(Vec::new, |v| diff(&v.body, &c.body)),
        applied: c.applied_at.is_some(),
    }))
}

/// What the form to start a proposal in `slug` offers for the rule book, opened with
/// `choice` ("amend:ID", "adapt:ID", "add" or "") and that rule's text to start from.
pub async fn new_proposal(
    db: &impl ConnectionTrait,
    viewer: &person::Model,
    slug: &str,
    choice: &str,
) -> Result<ProposalStart, AppError> {
    let book = book(db, viewer, slug).await?;
    let mut rule_choices = vec![
        (String::new(), "Nothing in the rule book".to_owned()),
        ("add".to_owned(), "Add a new rule".to_owned()),
    ];
    for r in &book.rules {
        let label = match r.standing.as_str() {
            "inherited" => format!(
                "Adapt the national rule “{}” for {}",
                r.title, book.space_name
            ),
            _ => format!("Change “{}”", r.title),
        };
        rule_choices.push((r.change.clone(), label));
    }
    let chosen = book.rules.iter().find(|r| r.change == choice);
    let (rule, rule_title, rule_text) = match chosen {
        Some(r) => {
            let text = rule_version::Entity::find()
                .filter(rule_version::Column::RuleId.eq(r.id))
                .filter(rule_version::Column::Number.eq(r.version))
                .one(db)
                .await?
                .map(|v| v.body)
                .unwrap_or_default();
            (r.change.clone(), r.title.clone(), text)
        }
        None if choice == "add" => ("add".to_owned(), String::new(), String::new()),
        None => (String::new(), String::new(), String::new()),
    };
    Ok(ProposalStart {
        space_slug: book.space_slug,
        space_name: book.space_name,
        rule_choices,
        rule,
        rule_title,
        rule_text,
        from: String::new(),
        workshop_title: None,
        title: String::new(),
        body: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decision::{Ballot, Method};
    use crate::server::entities::proposal_rule_change;
    use crate::server::services::proposals::{self, ProposalForm};
    use crate::server::services::{accounts, demo};
    use crate::server::testing::for_each_database;
    use sea_orm::{DatabaseConnection, PaginatorTrait};

    async fn account(db: &DatabaseConnection, email: &str) -> person::Model {
        accounts::find_by_email(db, email).await.unwrap().unwrap()
    }

    fn titled<'a>(book: &'a RuleBookPage, title: &str) -> &'a RuleLine {
        book.rules
            .iter()
            .find(|r| r.title == title)
            .unwrap_or_else(|| panic!("no rule {title}"))
    }

    fn change(space: &str, rule: String, title: &str, text: &str) -> ProposalForm {
        ProposalForm {
            space: space.into(),
            title: format!("Rule: {title}"),
            body: "So the rule fits how we work here.".into(),
            method: Method::Consent.code().into(),
            threshold_percent: 50,
            rule,
            rule_title: title.into(),
            rule_text: text.into(),
            ..Default::default()
        }
    }

    /// Open `p` for voting and close it now, as the closing job would; consent with no
    /// objection passes, with one standing it does not.
    async fn decide(
        db: &DatabaseConnection,
        author: &person::Model,
        p: &proposal::Model,
        objector: Option<&person::Model>,
    ) -> proposal::Model {
        proposals::start_discussion(db, author, p.id).await.unwrap();
        proposals::open_voting(db, author, p.id, Utc::now() + chrono::Duration::days(1))
            .await
            .unwrap();
        proposals::vote(db, author, p.id, &Ballot::Consent, "k")
            .await
            .unwrap();
        if let Some(o) = objector {
            proposals::object(db, o, p.id, "Not yet: we have not asked the patients.")
                .await
                .unwrap();
        }
        proposals::close_now(db, p.id).await
    }

    #[tokio::test]
    async fn a_region_reads_the_national_rules_it_inherits_adapts_and_adds_to() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = account(&db, "hein@demo.q-commons.org").await;
            let west = book(&db, &hein, "west-of-england").await.unwrap();
            assert!(west.region && west.may_propose);
            let standings: Vec<(&str, &str)> = west
                .rules
                .iter()
                .map(|r| (r.title.as_str(), r.standing.as_str()))
                .collect();
            assert_eq!(
                standings,
                [
                    ("Membership", "inherited"),
                    ("Conveners' terms", "adapted"),
                    ("Conduct", "inherited"),
                    ("How decisions are made", "inherited"),
                    ("Spending", "inherited"),
                ]
            );
            let terms = titled(&west, "Conveners' terms");
            let added: Vec<&DiffPart> = terms
                .diff
                .iter()
                .filter(|d| matches!(d, DiffPart::Added(_)))
                .collect();
            assert_eq!(
                added,
                [&DiffPart::Added(
                    ", with at least one patient or carer member,".into()
                )],
                "{:?}",
                terms.diff
            );
            let made_by = terms.history[0].decision.clone().unwrap();
            assert_eq!(
                made_by.1,
                "A patient or carer member on every convener appointment"
            );
            // Another region still follows the national text; the national book is national.
            let helen = account(&db, "helen@demo.q-commons.org").await;
            let south = book(&db, &helen, "south-west").await.unwrap();
            assert_eq!(titled(&south, "Conveners' terms").standing, "inherited");
            let national = book(&db, &hein, "national").await.unwrap();
            assert!(
                national
                    .rules
                    .iter()
                    .all(|r| r.standing == "national" && r.diff.is_empty())
            );
            assert_eq!(national.rules.len(), 5);
        })
        .await;
    }

    #[tokio::test]
    async fn a_rule_changes_only_when_a_proposal_carrying_its_new_text_passes() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = account(&db, "hein@demo.q-commons.org").await;
            let sam = account(&db, "sam@demo.q-commons.org").await;
            let west = book(&db, &hein, "west-of-england").await.unwrap();
            let conduct = titled(&west, "Conduct").clone();
            assert_eq!(conduct.change, format!("adapt:{}", conduct.id));
            let proposals_before = proposal::Entity::find().count(&db).await.unwrap();

            // What cannot be proposed is refused, field by field, and nothing is kept.
            let refused = [
                (change("national", conduct.change.clone(), "Conduct", "x"), "rule", "Only a region adapts the national rules."),
                (change("west-of-england", format!("amend:{}", conduct.id), "Conduct", "x"), "rule", "A region changes a national rule for itself by adapting it."),
                (change("west-of-england", "adapt:999999".into(), "Conduct", "x"), "rule", "There is no such rule."),
                (change("west-of-england", "repeal:1".into(), "Conduct", "x"), "rule", "Choose what the proposal changes."),
                (change("west-of-england", conduct.change.clone(), "Conduct", "  "), "rule_text", "Write the rule's new text (at most 10000 characters)."),
                (ProposalForm { method: Method::Score.code().into(), options: "A\nB".into(), ..change("west-of-england", conduct.change.clone(), "Conduct", "x") }, "method", "A change to the rule book is decided together and passes or fails: decide it by consent, majority or gradients of agreement."),
            ];
            for (form, field, message) in refused {
                let err = proposals::create(&db, &hein, &form).await.unwrap_err();
                assert_eq!(err.message_for(field), Some(message), "{err:?}");
            }
            assert_eq!(proposal::Entity::find().count(&db).await.unwrap(), proposals_before);

            // Proposed and objected to: not passed, and the rule stands as it was.
            let text = "Members treat each other with respect, credit others' work, keep what patients and carers tell them in confidence and **meet where a wheelchair user can come**.";
            let p = proposals::create(&db, &hein, &change("west-of-england", conduct.change.clone(), "Conduct", text)).await.unwrap();
            assert_eq!(titled(&book(&db, &hein, "west-of-england").await.unwrap(), "Conduct").standing, "inherited", "a draft changes nothing");
            let p = decide(&db, &hein, &p, Some(&sam)).await;
            assert_eq!(p.result.as_deref(), Some("not_passed"));
            assert_eq!(titled(&book(&db, &hein, "west-of-england").await.unwrap(), "Conduct").standing, "inherited");

            // Proposed again and passed: the region's adaptation, linked to its decision.
            let p = proposals::create(&db, &hein, &change("west-of-england", conduct.change.clone(), "Conduct", text)).await.unwrap();
            let shown = change_line(&db, &p).await.unwrap().unwrap();
            assert_eq!(shown.what, "Adapt a national rule for this region: Conduct");
            assert!(!shown.applied && shown.diff.iter().any(|d| matches!(d, DiffPart::Added(s) if s.contains("wheelchair"))));
            let p = decide(&db, &hein, &p, None).await;
            assert_eq!(p.result.as_deref(), Some("passed"));
            let west = book(&db, &hein, "west-of-england").await.unwrap();
            let adapted = titled(&west, "Conduct");
            assert_eq!(adapted.standing, "adapted");
            assert!(adapted.body_html.contains("<strong>meet where a wheelchair user can come</strong>"));
            assert_eq!(adapted.history.len(), 1);
            assert_eq!(adapted.history[0].decision.as_ref().map(|d| d.0), Some(p.id));
            assert!(change_line(&db, &p).await.unwrap().unwrap().applied);
            // Closing again (another app server, a restart) applies nothing twice.
            apply_passed(&db, &p, Utc::now()).await.unwrap();
            assert_eq!(titled(&book(&db, &hein, "west-of-england").await.unwrap(), "Conduct").version, 1);

            // Its own adaptation is then amended, and both versions are kept.
            let amend = adapted.change.clone();
            assert_eq!(amend, format!("amend:{}", adapted.id));
            let p2 = proposals::create(&db, &hein, &change("west-of-england", amend, "Conduct", "Members treat each other with respect.")).await.unwrap();
            let p2 = decide(&db, &hein, &p2, None).await;
            let west = book(&db, &hein, "west-of-england").await.unwrap();
            let amended = titled(&west, "Conduct");
            assert_eq!(amended.version, 2);
            let by: Vec<Option<i64>> = amended.history.iter().map(|v| v.decision.as_ref().map(|d| d.0)).collect();
            assert_eq!(by, [Some(p2.id), Some(p.id)], "newest first");
            // The national rule and South West's book are untouched.
            let national = book(&db, &hein, "national").await.unwrap();
            assert!(!titled(&national, "Conduct").body_html.contains("wheelchair"));
            let helen = account(&db, "helen@demo.q-commons.org").await;
            assert_eq!(titled(&book(&db, &helen, "south-west").await.unwrap(), "Conduct").standing, "inherited");

            // A new local rule comes after the national ones.
            let add = proposals::create(&db, &hein, &change("west-of-england", "add".into(), "Quiet room", "Every meet-up has a quiet room.")).await.unwrap();
            decide(&db, &hein, &add, None).await;
            let west = book(&db, &hein, "west-of-england").await.unwrap();
            let last = west.rules.last().unwrap();
            assert_eq!((last.title.as_str(), last.standing.as_str()), ("Quiet room", "local"));
        })
        .await;
    }

    #[tokio::test]
    async fn two_adaptations_of_one_rule_passing_in_turn_make_two_versions_of_one_rule() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = account(&db, "hein@demo.q-commons.org").await;
            let west = book(&db, &hein, "west-of-england").await.unwrap();
            let spending = titled(&west, "Spending").change.clone();
            let a = proposals::create(
                &db,
                &hein,
                &change(
                    "west-of-england",
                    spending.clone(),
                    "Spending",
                    "Up to £1,000.",
                ),
            )
            .await
            .unwrap();
            let b = proposals::create(
                &db,
                &hein,
                &change("west-of-england", spending, "Spending", "Up to £1,500."),
            )
            .await
            .unwrap();
            decide(&db, &hein, &a, None).await;
            decide(&db, &hein, &b, None).await;
            let west = book(&db, &hein, "west-of-england").await.unwrap();
            let s = titled(&west, "Spending");
            assert_eq!((s.standing.as_str(), s.version), ("adapted", 2));
            assert!(s.body_html.contains("£1,500"));
            assert_eq!(
                rule_e::Entity::find()
                    .filter(rule_e::Column::AdaptsRuleId.is_not_null())
                    .count(&db)
                    .await
                    .unwrap(),
                2,
                "the demo's adaptation and this one"
            );
            assert_eq!(
                proposal_rule_change::Entity::find()
                    .filter(proposal_rule_change::Column::AppliedAt.is_not_null())
                    .count(&db)
                    .await
                    .unwrap(),
                3
            );
        })
        .await;
    }

    proptest::proptest! {
        /// Whatever the texts, the kept and added words give the new text back and the
        /// kept and removed words the old: nothing is lost or invented in the display.
        #[test]
        fn a_diff_always_rebuilds_both_texts(old in "[a-c ,.]{0,40}", new in "[a-c ,.]{0,40}") {
            let parts = diff(&old, &new);
            let rebuilt = |keep_added: bool| -> String {
                parts
                    .iter()
                    .filter_map(|p| match p {
                        DiffPart::Same(s) => Some(s.as_str()),
                        DiffPart::Added(s) if keep_added => Some(s.as_str()),
                        DiffPart::Removed(s) if !keep_added => Some(s.as_str()),
                        _ => None,
                    })
                    .collect()
            };
            proptest::prop_assert_eq!(rebuilt(true), new);
            proptest::prop_assert_eq!(rebuilt(false), old);
        }
    }

    #[test]
    fn a_word_diff_keeps_the_words_and_marks_what_changed() {
        let parts = diff(
            "Conveners serve a term of two years.",
            "Conveners serve a term of three years, renewable once.",
        );
        let added: String = parts
            .iter()
            .filter_map(|p| match p {
                DiffPart::Added(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        let removed: String = parts
            .iter()
            .filter_map(|p| match p {
                DiffPart::Removed(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        assert!(added.contains("three") && added.contains("renewable"));
        assert!(removed.contains("two"));
        // Kept and added words give the new text back; kept and removed, the old.
        let new: String = parts
            .iter()
            .filter_map(|p| match p {
                DiffPart::Same(s) | DiffPart::Added(s) => Some(s.as_str()),
                DiffPart::Removed(_) => None,
            })
            .collect();
        assert_eq!(
            new,
            "Conveners serve a term of three years, renewable once."
        );
        assert_eq!(diff("same", "same"), vec![DiffPart::Same("same".into())]);

        // A rewrite reads as the words removed, then the words added.
        let old = "Members treat each other with respect, credit others' work and keep what patients and carers tell them in confidence unless they agree otherwise.";
        let new = "Members treat each other with respect, credit others' work and meet only in step-free rooms.";
        assert_eq!(
            diff(old, new),
            vec![
                DiffPart::Same("Members treat each other with respect, credit others' work and ".into()),
                DiffPart::Removed("keep what patients and carers tell them in confidence unless they agree otherwise".into()),
                DiffPart::Added("meet only in step-free rooms".into()),
                DiffPart::Same(".".into()),
            ]
        );
        let text = |parts: &[DiffPart], keep_added: bool| -> String {
            parts
                .iter()
                .filter_map(|p| match p {
                    DiffPart::Same(s) => Some(s.as_str()),
                    DiffPart::Added(s) if keep_added => Some(s.as_str()),
                    DiffPart::Removed(s) if !keep_added => Some(s.as_str()),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(text(&diff(old, new), true), new);
        assert_eq!(text(&diff(old, new), false), old);
    }
}
