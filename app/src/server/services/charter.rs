//! The charter in use: which kinds of decision a region takes alone, where a proposal is
//! decided (a region's proposal of a kind the charter reserves is raised in the region and
//! decided nationally), and a national decision that overrides a region's, shown on both.
use crate::domain::charter::{self, Clause, DecisionKind, Level, Route};
use crate::domain::proposal::Stage;
use crate::domain::structure::SpaceKind;
use crate::error::{AppError, Validation};
use crate::model::proposals::{CharterLine, CharterPage, ProposalTie};
use crate::server::entities::{charter_clause, person, proposal, space};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// The charter's clauses: as changed by the national commons, or as the commons started.
pub async fn clauses(db: &impl ConnectionTrait) -> Result<Vec<Clause>, AppError> {
    let rows = charter_clause::Entity::find()
        .order_by_asc(charter_clause::Column::Position)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(charter::FOUNDING.to_vec());
    }
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Clause {
                kind: DecisionKind::from_code(&r.kind)?,
                level: Level::from_code(&r.level)?,
                limit_pence: r.limit_pence,
            })
        })
        .collect())
}

/// An amount of money as a person types it ("2500", "£2,500.50"), in pence.
pub fn pence(text: &str) -> Result<i64, AppError> {
    let bad = || AppError::invalid("amount", "Give the amount in pounds, for example 2500.");
    let t: String = text
        .trim()
        .trim_start_matches('£')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let (whole, part) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty()
        || part.len() > 2
        || !(whole
            .chars()
            .chain(part.chars())
            .all(|c| c.is_ascii_digit()))
    {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let part: i64 = if part.is_empty() {
        0
    } else {
        format!("{part:0<2}").parse().map_err(|_| bad())?
    };
    whole
        .checked_mul(100)
        .and_then(|p| p.checked_add(part))
        .filter(|p| *p <= 100_000_000_000)
        .ok_or_else(bad)
}

/// Where a proposal goes and what kind of decision it is, once checked.
#[derive(Debug, Clone)]
pub struct Placed {
    /// Where it is decided.
    pub space: space::Model,
    pub kind: DecisionKind,
    pub amount_pence: Option<i64>,
    /// The region it was raised in, when the charter sent it to the national commons.
    pub raised_in: Option<i64>,
    pub overrides: Option<i64>,
}

/// Check the kind of decision a proposal raised in `s` is (`kind`, `amount`, and for an
/// override the number of the region's decision), and place it where the charter says it
/// is decided. Problems go into `v`.
pub(crate) async fn place(
    db: &impl ConnectionTrait,
    v: &mut Validation,
    s: &space::Model,
    kind: &str,
    amount: &str,
    overrides: &str,
) -> Result<Placed, AppError> {
    let kind = match kind.trim() {
        "" => DecisionKind::General,
        code => DecisionKind::from_code(code).unwrap_or_else(|| {
            v.refuse("kind", "Choose what kind of decision it is.");
            DecisionKind::General
        }),
    };
    let amount_pence = match (kind, amount.trim()) {
        (DecisionKind::Spending, "") => {
            v.refuse("amount", "Say how much it would spend, in pounds.");
            None
        }
        (DecisionKind::Spending, text) => v.take(pence(text).map(Some)),
        _ => None,
    };
    let overrides = match (kind, overrides.trim()) {
        (DecisionKind::Override, "") => {
            v.refuse(
                "overrides",
                "Give the number of the region's decision it overrides.",
            );
            None
        }
        (DecisionKind::Override, text) => overridable(db, v, text).await?,
        (_, "") => None,
        (_, _) => {
            v.refuse(
                "overrides",
                "Only an override names a decision it overrides.",
            );
            None
        }
    };
    let space_kind = SpaceKind::from_code(&s.kind).unwrap_or(SpaceKind::ProjectGroup);
    let charter = clauses(db).await?;
    let (space, raised_in) = match charter::route(&charter, space_kind, kind, amount_pence) {
        Route::Here => (s.clone(), None),
        Route::National(_) => (
            crate::server::services::rules::national(db).await?,
            Some(s.id),
        ),
    };
    Ok(Placed {
        space,
        kind,
        amount_pence,
        raised_in,
        overrides,
    })
}

/// The region's decision numbered `text`, if it may be overridden: closed, and taken in a
/// region.
async fn overridable(
    db: &impl ConnectionTrait,
    v: &mut Validation,
    text: &str,
) -> Result<Option<i64>, AppError> {
    let id = text.trim().trim_start_matches('#').parse::<i64>().ok();
    let found = match id {
        Some(id) => proposal::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let Some(p) = found else {
        v.refuse("overrides", "There is no decision with that number.");
        return Ok(None);
    };
    let in_region = space::Entity::find_by_id(p.space_id)
        .one(db)
        .await?
        .is_some_and(|s| s.kind == SpaceKind::Region.code());
    if !in_region {
        v.refuse(
            "overrides",
            "Only a decision a region took can be overridden.",
        );
    } else if p.stage != Stage::Closed.code() {
        v.refuse(
            "overrides",
            "Only a decision that has closed can be overridden.",
        );
    }
    Ok(Some(p.id))
}

async fn tie(db: &impl ConnectionTrait, p: &proposal::Model) -> Result<ProposalTie, AppError> {
    let space = space::Entity::find_by_id(p.space_id)
        .one(db)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    Ok(ProposalTie {
        id: p.id,
        title: p.title.clone(),
        space,
        outcome: p.outcome.clone(),
    })
}

/// How proposal `p` is tied to other levels: the region it was raised in (with the
/// charter's reason), the region's decision it overrides, and the national decision that
/// overrode it (one that passed).
pub async fn ties(
    db: &impl ConnectionTrait,
    p: &proposal::Model,
) -> Result<(Option<String>, Option<ProposalTie>, Option<ProposalTie>), AppError> {
    let raised = match p.raised_in_id {
        Some(id) => {
            let region = space::Entity::find_by_id(id).one(db).await?;
            let kind = DecisionKind::from_code(&p.kind).unwrap_or(DecisionKind::General);
            let why = match charter::route(
                &clauses(db).await?,
                SpaceKind::Region,
                kind,
                p.amount_pence,
            ) {
                Route::National(why) => why,
                Route::Here => String::new(),
            };
            region.map(|r| format!("Raised in {}. {why}", r.name).trim().to_owned())
        }
        None => None,
    };
    let overrides = match p.overrides_id {
        Some(id) => match proposal::Entity::find_by_id(id).one(db).await? {
            Some(o) => Some(tie(db, &o).await?),
            None => None,
        },
        None => None,
    };
    let overridden_by = proposal::Entity::find()
        .filter(proposal::Column::OverridesId.eq(p.id))
        .filter(proposal::Column::Result.eq(crate::domain::decision::Verdict::Passed.code()))
        .order_by_asc(proposal::Column::ClosedAt)
        .one(db)
        .await?;
    let overridden_by = match overridden_by {
        Some(o) => Some(tie(db, &o).await?),
        None => None,
    };
    Ok((raised, overrides, overridden_by))
}

/// The change to the charter a proposal of `kind` asks for, from its form: `clause` (a
/// [`DecisionKind`] code, or "" for none), `level` and, for a region's spending, `limit`
/// in pounds. Refusals go into `v`.
pub(crate) fn amendment(
    v: &mut Validation,
    kind: DecisionKind,
    clause: &str,
    level: &str,
    limit: &str,
) -> Option<charter::Amendment> {
    let clause = clause.trim();
    if clause.is_empty() {
        return None;
    }
    if kind != DecisionKind::Charter {
        v.refuse(
            "charter_clause",
            "Only a proposal of the kind “The charter itself” changes the charter.",
        );
        return None;
    }
    let Some(clause) = DecisionKind::from_code(clause) else {
        v.refuse("charter_clause", "Choose which clause it changes.");
        return None;
    };
    let Some(level) = Level::from_code(level.trim()) else {
        v.refuse(
            "charter_level",
            "Choose who would take that kind of decision.",
        );
        return None;
    };
    let limit_pence = match limit.trim() {
        "" => None,
        text => match pence(text) {
            Ok(p) => Some(p),
            Err(_) => {
                v.refuse(
                    "charter_limit",
                    "Give the limit in pounds, for example 5000.",
                );
                return None;
            }
        },
    };
    let a = charter::Amendment {
        kind: clause,
        level,
        limit_pence,
    };
    match a.check() {
        Ok(()) => Some(a),
        Err(why) => {
            v.refuse("charter_clause", why);
            None
        }
    }
}

/// Keep the change proposal `proposal_id` carries, to apply if it passes.
pub(crate) async fn record(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    a: charter::Amendment,
) -> Result<(), AppError> {
    use sea_orm::{ActiveModelTrait, Set};
    crate::server::entities::proposal_charter_change::ActiveModel {
        proposal_id: Set(proposal_id),
        clause_kind: Set(a.kind.code().to_owned()),
        level: Set(a.level.code().to_owned()),
        limit_pence: Set(a.limit_pence),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The change to the charter proposal `id` carries, if any.
pub async fn change_of(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<charter::Amendment>, AppError> {
    Ok(
        crate::server::entities::proposal_charter_change::Entity::find_by_id(id)
            .one(db)
            .await?
            .and_then(|c| {
                Some(charter::Amendment {
                    kind: DecisionKind::from_code(&c.clause_kind)?,
                    level: Level::from_code(&c.level)?,
                    limit_pence: c.limit_pence,
                })
            }),
    )
}

/// A passed proposal's change to the charter takes effect at once (in the transaction
/// that closes it), and the clause names the decision that changed it.
pub(crate) async fn apply_passed(
    txn: &impl ConnectionTrait,
    p: &proposal::Model,
) -> Result<(), AppError> {
    use sea_orm::{ActiveModelTrait, Set};
    let Some(a) = change_of(txn, p.id).await? else {
        return Ok(());
    };
    let rows = charter_clause::Entity::find()
        .order_by_asc(charter_clause::Column::Position)
        .all(txn)
        .await?;
    // The first change writes down the charter the commons started with.
    if rows.is_empty() {
        for (i, c) in charter::FOUNDING.iter().enumerate() {
            charter_clause::ActiveModel {
                kind: Set(c.kind.code().to_owned()),
                level: Set(c.level.code().to_owned()),
                limit_pence: Set(c.limit_pence),
                position: Set(i as i32),
                changed_by_id: Set(None),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
    }
    let existing = charter_clause::Entity::find()
        .filter(charter_clause::Column::Kind.eq(a.kind.code()))
        .one(txn)
        .await?;
    match existing {
        Some(row) => {
            let mut row: charter_clause::ActiveModel = row.into();
            row.level = Set(a.level.code().to_owned());
            row.limit_pence = Set(a.limit_pence);
            row.changed_by_id = Set(Some(p.id));
            row.update(txn).await?;
        }
        None => {
            let position = charter_clause::Entity::find().all(txn).await?.len() as i32;
            charter_clause::ActiveModel {
                kind: Set(a.kind.code().to_owned()),
                level: Set(a.level.code().to_owned()),
                limit_pence: Set(a.limit_pence),
                position: Set(position),
                changed_by_id: Set(Some(p.id)),
                ..Default::default()
            }
            .insert(txn)
            .await?;
        }
    }
    Ok(())
}

/// The charter, for every member to read.
pub async fn page(
    db: &impl ConnectionTrait,
    viewer: &person::Model,
) -> Result<CharterPage, AppError> {
    crate::server::services::membership::require_member_or_team(db, viewer.id).await?;
    // Which decision last changed each clause.
    let changed: Vec<(String, i64)> = charter_clause::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| Some((r.kind, r.changed_by_id?)))
        .collect();
    let ids: Vec<i64> = changed.iter().map(|(_, id)| *id).collect();
    let decisions = proposal::Entity::find()
        .filter(proposal::Column::Id.is_in(ids))
        .all(db)
        .await?;
    let clauses = clauses(db)
        .await?
        .into_iter()
        .map(|c| CharterLine {
            changed_by: changed
                .iter()
                .find(|(k, _)| k == c.kind.code())
                .and_then(|(_, id)| decisions.iter().find(|d| d.id == *id))
                .map(|d| (d.id, d.title.clone())),
            kind: c.kind.label().to_owned(),
            level: match (c.level, c.limit_pence) {
                (Level::Region, Some(limit)) => format!(
                    "A region alone, up to {} (more: the national commons)",
                    charter::pounds(limit)
                ),
                (level, _) => level.label().to_owned(),
            },
        })
        .collect();
    Ok(CharterPage { clauses })
}

#[cfg(test)]
mod tests {
    use super::pence;
    use crate::domain::charter::{Clause, DecisionKind};
    use crate::domain::decision::{Ballot, Method};
    use crate::server::entities::{person, proposal};
    use crate::server::services::proposals::{self, ProposalForm};
    use crate::server::services::{accounts, demo};
    use crate::server::testing::for_each_database;
    use chrono::Utc;
    use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

    async fn account(db: &DatabaseConnection, email: &str) -> person::Model {
        accounts::find_by_email(db, email).await.unwrap().unwrap()
    }

    fn form(space: &str, kind: &str) -> ProposalForm {
        ProposalForm {
            space: space.into(),
            title: "A question".into(),
            body: "Why it matters.".into(),
            method: Method::Consent.code().into(),
            threshold_percent: 50,
            kind: kind.into(),
            ..Default::default()
        }
    }

    async fn pass(db: &DatabaseConnection, author: &person::Model, id: i64) -> proposal::Model {
        proposals::start_discussion(db, author, id).await.unwrap();
        proposals::open_voting(db, author, id, Utc::now() + chrono::Duration::days(1))
            .await
            .unwrap();
        proposals::vote(db, author, id, &Ballot::Consent, "k")
            .await
            .unwrap();
        proposals::close_now(db, id).await
    }

    #[tokio::test]
    async fn a_passed_charter_proposal_changes_the_charter_at_once_and_is_named_on_it() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = account(&db, "hein@demo.q-commons.org").await;
            let national = crate::server::services::rules::national(&db).await.unwrap();
            let change = |kind: &str, clause: &str, level: &str, limit: &str| ProposalForm {
                charter_clause: clause.into(),
                charter_level: level.into(),
                charter_limit: limit.into(),
                ..form("west-of-england", kind)
            };
            let refused = |f: ProposalForm| {
                let (db, hein) = (db.clone(), hein.clone());
                async move {
                    let err = proposals::create(&db, &hein, &f).await.unwrap_err();
                    err.message_for("charter_clause")
                        .or(err.message_for("charter_limit"))
                        .unwrap_or_else(|| panic!("{err:?}"))
                        .to_owned()
                }
            };
            let before = proposal::Entity::find().count(&db).await.unwrap();
            assert!(
                refused(change("general", "spending", "region", "5000"))
                    .await
                    .starts_with("Only a proposal of the kind")
            );
            assert_eq!(
                refused(change("charter", "charter", "region", "")).await,
                "The charter itself stays with the national commons."
            );
            assert!(
                refused(change("charter", "spending", "region", ""))
                    .await
                    .starts_with("Give the most a region may spend")
            );
            assert!(
                refused(change("charter", "spending", "region", "lots"))
                    .await
                    .starts_with("Give the limit in pounds")
            );
            assert_eq!(
                proposal::Entity::find().count(&db).await.unwrap(),
                before,
                "nothing saved"
            );

            // Raise a region's spending limit to £5,000: raised in West of England, decided
            // nationally, and nothing changes until it passes.
            let p = proposals::create(
                &db,
                &hein,
                &change("charter", "spending", "region", "£5,000"),
            )
            .await
            .unwrap();
            assert_eq!(p.space_id, national.id);
            let seen = proposals::page(&db, &hein, p.id).await.unwrap();
            assert_eq!(
                seen.charter_change.as_deref(),
                Some("Spending: a region alone, up to £5,000")
            );
            let limit = |c: Vec<Clause>| {
                c.into_iter()
                    .find(|c| c.kind == DecisionKind::Spending)
                    .and_then(|c| c.limit_pence)
            };
            assert_eq!(limit(super::clauses(&db).await.unwrap()), Some(200_000));
            let closed = pass(&db, &hein, p.id).await;
            assert_eq!(closed.result.as_deref(), Some("passed"));
            assert_eq!(limit(super::clauses(&db).await.unwrap()), Some(500_000));
            let page = super::page(&db, &hein).await.unwrap();
            let spending = page.clauses.iter().find(|c| c.kind == "Spending").unwrap();
            assert_eq!(spending.changed_by, Some((p.id, p.title.clone())));
            assert!(spending.level.contains("£5,000"));
            assert_eq!(
                page.clauses
                    .iter()
                    .filter(|c| c.changed_by.is_some())
                    .count(),
                1
            );
            // And a region's £4,000 spending is now its own to decide.
            let spend = ProposalForm {
                amount: "4000".into(),
                ..form("west-of-england", "spending")
            };
            let s = proposals::create(&db, &hein, &spend).await.unwrap();
            assert_ne!(s.space_id, national.id);
        })
        .await;
    }

    #[tokio::test]
    async fn a_proposal_the_charter_reserves_is_raised_in_the_region_and_decided_nationally() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = account(&db, "hein@demo.q-commons.org").await;
            let national = crate::server::services::rules::national(&db).await.unwrap();
            let west_id = |p: &proposal::Model| p.raised_in_id;

            // Within the limit: West of England decides.
            let small = ProposalForm { amount: "£2,000".into(), ..form("west-of-england", "spending") };
            let p = proposals::create(&db, &hein, &small).await.unwrap();
            assert_ne!(p.space_id, national.id);
            assert_eq!((p.amount_pence, west_id(&p)), (Some(200_000), None));

            // Over it, or the charter itself: raised here, decided nationally, and the page says why.
            let big = ProposalForm { amount: "2500".into(), ..form("west-of-england", "spending") };
            let p = proposals::create(&db, &hein, &big).await.unwrap();
            assert_eq!(p.space_id, national.id);
            let page = proposals::page(&db, &hein, p.id).await.unwrap();
            assert_eq!(page.raised_in.as_deref(), Some("Raised in West of England. A region may spend up to £2,000 alone; more is decided by the national commons."));
            assert_eq!(page.kind, "Spending: £2,500");
            let p = proposals::create(&db, &hein, &form("west-of-england", "charter")).await.unwrap();
            assert_eq!(p.space_id, national.id);

            // Bad input changes nothing.
            let before = proposal::Entity::find().count(&db).await.unwrap();
            for (f, field) in [
                (form("west-of-england", "spending"), "amount"),
                (ProposalForm { amount: "lots".into(), ..form("west-of-england", "spending") }, "amount"),
                (form("west-of-england", "coup"), "kind"),
                (form("national", "override"), "overrides"),
                (ProposalForm { overrides: "1".into(), ..form("west-of-england", "events") }, "overrides"),
            ] {
                let err = proposals::create(&db, &hein, &f).await.unwrap_err();
                assert!(err.message_for(field).is_some(), "{field}: {err:?}");
            }
            assert_eq!(proposal::Entity::find().count(&db).await.unwrap(), before);
        })
        .await;
    }

    #[tokio::test]
    async fn a_national_override_of_a_regional_decision_is_shown_on_both_with_its_reason() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = account(&db, "hein@demo.q-commons.org").await;
            let priya = account(&db, "priya@demo.q-commons.org").await;
            let decided = proposal::Entity::find()
                .filter(proposal::Column::Title.eq("Hold our meet-ups in Bristol and Bath in turn"))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            let open = proposal::Entity::find()
                .filter(
                    proposal::Column::Title
                        .eq("Pay travel for patient and carer members who come to meet-ups"),
                )
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            let err = proposals::create(
                &db,
                &priya,
                &ProposalForm {
                    overrides: open.id.to_string(),
                    ..form("national", "override")
                },
            )
            .await
            .unwrap_err();
            assert_eq!(
                err.message_for("overrides"),
                Some("Only a decision that has closed can be overridden.")
            );

            let o = proposals::create(
                &db,
                &hein,
                &ProposalForm {
                    title: "Keep regional meet-ups where they are step-free".into(),
                    overrides: format!("#{}", decided.id),
                    ..form("west-of-england", "override")
                },
            )
            .await
            .unwrap();
            assert_eq!(
                o.space_id,
                crate::server::services::rules::national(&db)
                    .await
                    .unwrap()
                    .id,
                "overrides are national"
            );
            let page = proposals::page(&db, &hein, o.id).await.unwrap();
            assert_eq!(
                page.overrides.as_ref().map(|t| (t.id, t.space.as_str())),
                Some((decided.id, "West of England"))
            );
            // Until it passes, the region's decision stands.
            assert!(
                proposals::page(&db, &hein, decided.id)
                    .await
                    .unwrap()
                    .overridden_by
                    .is_none()
            );

            let o = pass(&db, &hein, o.id).await;
            assert_eq!(o.result.as_deref(), Some("passed"));
            proposals::write_outcome(
                &db,
                &crate::server::services::mail::Mailer::outbox_only(),
                &crate::server::config::Config::default(),
                &hein,
                o.id,
                "The Bath room is not step-free; meet in Bristol until another is found.",
                None,
            )
            .await
            .unwrap();
            let shown = proposals::page(&db, &hein, decided.id)
                .await
                .unwrap()
                .overridden_by
                .unwrap();
            assert_eq!(shown.id, o.id);
            assert_eq!(
                shown.outcome.as_deref(),
                Some("The Bath room is not step-free; meet in Bristol until another is found.")
            );
        })
        .await;
    }

    #[test]
    fn amounts_are_read_as_people_type_them() {
        assert_eq!(pence("2500").unwrap(), 250_000);
        assert_eq!(pence(" £2,500.5 ").unwrap(), 250_050);
        assert_eq!(pence("0.99").unwrap(), 99);
        for bad in ["", "£", "two", "1.234", "-5", "1e9", "99999999999999999999"] {
            assert!(pence(bad).is_err(), "{bad}");
        }
    }
}
