//! A space's commons assets (Ostrom 1b): the register every member may read, and the
//! ledger the space's conveners and stewards keep — allocations, use and top-ups, each with
//! who, when, why and the decision that authorised it. The balance lives on the asset and
//! moves in the same statement that checks it: two allocations racing for the last of a
//! pot cannot both pass (the database's check on the balance stands behind it).
use crate::domain::asset::{ASSET_NAME_MAX, ASSET_TEXT_MAX, ASSET_WHO_MAX, AssetKind, EntryKind};
use crate::domain::audit::AuditAction;
use crate::domain::membership::Action;
use crate::error::{AppError, Validation};
use crate::model::assets::{AssetForm, AssetLine, AssetPage, EntryForm, EntryView, SpaceAssets};
use crate::server::entities::{asset, asset_rule, funding_round, ledger_entry, proposal, space};
use crate::server::services::{accounts, audit, membership, rules};
use crate::server::time;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait,
    QueryFilter, QueryOrder, Set,
};

pub(crate) fn kind_of(a: &asset::Model) -> AssetKind {
    AssetKind::from_code(&a.kind).unwrap_or(AssetKind::FundingPot)
}

async fn asset_and_space(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<(asset::Model, space::Model), AppError> {
    let not_found = || AppError::NotFound("There is no such asset.".into());
    let a = asset::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let s = space::Entity::find_by_id(a.space_id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    Ok((a, s))
}

/// A space's register, for any member of the community.
pub async fn register(
    db: &DatabaseConnection,
    viewer_id: i64,
    slug: &str,
) -> Result<SpaceAssets, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let s = rules::space_by_slug(db, slug).await?;
    let assets = asset::Entity::find()
        .filter(asset::Column::SpaceId.eq(s.id))
        .order_by_asc(asset::Column::Name)
        .all(db)
        .await?;
    Ok(SpaceAssets {
        may_steward: membership::may(db, viewer_id, Action::StewardAssets, &s).await?,
        space_slug: s.slug,
        space_name: s.name,
        assets: assets
            .iter()
            .map(|a| AssetLine {
                id: a.id,
                name: a.name.clone(),
                kind: kind_of(a).label().to_owned(),
                balance: kind_of(a).unit().show(a.balance),
            })
            .collect(),
    })
}

/// Add an asset to a space's register, with its first rules of use if written.
pub async fn add(
    db: &DatabaseConnection,
    actor_id: i64,
    slug: &str,
    f: &AssetForm,
) -> Result<i64, AppError> {
    let s = rules::space_by_slug(db, slug).await?;
    membership::authorise(db, actor_id, Action::StewardAssets, &s).await?;
    let mut v = Validation::default();
    let name = v.text("name", &f.name, ASSET_NAME_MAX, "Name the asset.");
    let kind = v.take(
        AssetKind::from_code(f.kind.trim())
            .ok_or_else(|| AppError::invalid("kind", "Choose what kind of asset it is.")),
    );
    let body = f.rules.trim();
    if body.chars().count() > ASSET_TEXT_MAX {
        v.refuse(
            "rules",
            format!("Keep the rules to {ASSET_TEXT_MAX} characters."),
        );
    }
    v.finish()?;
    // Looked for in the write transaction, so two stewards adding the same name at once
    // get the same clear refusal (the unique index stands behind it).
    let txn = crate::server::db::begin_write(db).await?;
    let taken = asset::Entity::find()
        .filter(asset::Column::SpaceId.eq(s.id))
        .filter(asset::Column::Name.eq(name.as_str()))
        .one(&txn)
        .await?
        .is_some();
    if taken {
        return Err(AppError::conflict(
            "name",
            format!("{} already holds an asset of that name.", s.name),
        ));
    }
    let now = Utc::now();
    let a = asset::ActiveModel {
        space_id: Set(s.id),
        name: Set(name.clone()),
        kind: Set(kind.code().to_owned()),
        balance: Set(0),
        created_by: Set(actor_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if !body.is_empty() {
        asset_rule::ActiveModel {
            asset_id: Set(a.id),
            version: Set(1),
            body: Set(body.to_owned()),
            written_by: Set(actor_id),
            written_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    audit::in_space(
        &txn,
        actor_id,
        s.id,
        AuditAction::AssetAdded,
        format!("Added {} ({}) to the register", name, kind.label()),
    )
    .await?;
    txn.commit().await?;
    Ok(a.id)
}

/// Write a new version of an asset's rules of use; returns its version number.
pub async fn change_rules(
    db: &DatabaseConnection,
    actor_id: i64,
    asset_id: i64,
    body: &str,
) -> Result<i32, AppError> {
    let (a, s) = asset_and_space(db, asset_id).await?;
    membership::authorise(db, actor_id, Action::StewardAssets, &s).await?;
    let mut v = Validation::default();
    let body = v.text("rules", body, ASSET_TEXT_MAX, "Write the rules of use.");
    v.finish()?;
    let txn = crate::server::db::begin_write(db).await?;
    let last = asset_rule::Entity::find()
        .filter(asset_rule::Column::AssetId.eq(a.id))
        .order_by_desc(asset_rule::Column::Version)
        .one(&txn)
        .await?;
    if last.as_ref().is_some_and(|r| r.body == body) {
        return Err(AppError::invalid(
            "rules",
            "These are the rules already in force.",
        ));
    }
    let version = last.map_or(1, |r| r.version + 1);
    asset_rule::ActiveModel {
        asset_id: Set(a.id),
        version: Set(version),
        body: Set(body),
        written_by: Set(actor_id),
        written_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::in_space(
        &txn,
        actor_id,
        s.id,
        AuditAction::AssetRulesChanged,
        format!("Wrote version {version} of the rules of use of {}", a.name),
    )
    .await?;
    txn.commit().await?;
    Ok(version)
}

/// Record an allocation, a use or a top-up; returns the balance after it. An entry the
/// balance cannot cover is refused in words and nothing is stored.
pub async fn record(
    db: &DatabaseConnection,
    actor_id: i64,
    asset_id: i64,
    f: &EntryForm,
) -> Result<i64, AppError> {
    let (a, s) = asset_and_space(db, asset_id).await?;
    membership::authorise(db, actor_id, Action::StewardAssets, &s).await?;
    let unit = kind_of(&a).unit();
    let mut v = Validation::default();
    let kind = v.take(
        EntryKind::from_code(f.kind.trim())
            .ok_or_else(|| AppError::invalid("kind", "Choose an allocation, a use or a top-up.")),
    );
    let amount = v.take(
        unit.parse(&f.amount)
            .map_err(|m| AppError::invalid("amount", m)),
    );
    let reason = v.text("reason", &f.reason, ASSET_TEXT_MAX, "Say what it is for.");
    let to_whom = f.to_whom.split_whitespace().collect::<Vec<_>>().join(" ");
    if to_whom.chars().count() > ASSET_WHO_MAX {
        v.refuse(
            "to_whom",
            format!("Keep who receives it to {ASSET_WHO_MAX} characters."),
        );
    }
    let proposal_id = match f.proposal.trim() {
        "" => None,
        raw => {
            let found = match raw.parse::<i64>() {
                Ok(id) => proposal::Entity::find_by_id(id).one(db).await?,
                Err(_) => None,
            };
            match found {
                Some(p) if p.space_id == s.id => Some(p.id),
                _ => {
                    v.refuse("proposal", "Choose a decision of this space.");
                    None
                }
            }
        }
    };
    v.finish()?;

    let txn = crate::server::db::begin_write(db).await?;
    let balance = enter(
        &txn,
        &a,
        &Entry {
            kind,
            amount,
            reason,
            to_whom: (!to_whom.is_empty()).then_some(to_whom),
            proposal_id,
            funding_round_id: None,
        },
        actor_id,
    )
    .await?;
    audit::in_space(
        &txn,
        actor_id,
        s.id,
        AuditAction::LedgerEntryRecorded,
        format!(
            "{} of {} in {}; {} left",
            kind.label(),
            unit.show(amount),
            a.name,
            unit.show(balance)
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(balance)
}

/// A ledger entry, checked and ready to record.
pub(crate) struct Entry {
    pub kind: EntryKind,
    pub amount: i64,
    pub reason: String,
    pub to_whom: Option<String>,
    pub proposal_id: Option<i64>,
    pub funding_round_id: Option<i64>,
}

/// Record `entry` in `a`'s ledger inside the caller's write transaction; the balance
/// after it. An entry the balance cannot cover is refused in words (the caller's
/// transaction then stores nothing).
pub(crate) async fn enter(
    txn: &impl ConnectionTrait,
    a: &asset::Model,
    entry: &Entry,
    actor_id: i64,
) -> Result<i64, AppError> {
    let (kind, amount) = (entry.kind, entry.amount);
    let signed = kind.signed(amount);
    // The check and the change in one statement: another entry recorded at the same
    // moment either sees this one's balance or waits for it.
    let moved = asset::Entity::update_many()
        .col_expr(
            asset::Column::Balance,
            Expr::col(asset::Column::Balance).add(signed),
        )
        .filter(asset::Column::Id.eq(a.id))
        .filter(Expr::col(asset::Column::Balance).add(signed).gte(0))
        .exec(txn)
        .await?;
    let balance = asset::Entity::find_by_id(a.id)
        .one(txn)
        .await?
        .map_or(0, |now| now.balance);
    if moved.rows_affected == 0 {
        let refusal = kind
            .apply(balance, amount, kind_of(a).unit())
            .err()
            .unwrap_or_else(|| "The balance changed: try again.".into());
        return Err(AppError::invalid("amount", refusal));
    }
    ledger_entry::ActiveModel {
        asset_id: Set(a.id),
        kind: Set(kind.code().to_owned()),
        amount: Set(amount),
        balance_after: Set(balance),
        reason: Set(entry.reason.clone()),
        to_whom: Set(entry.to_whom.clone()),
        proposal_id: Set(entry.proposal_id),
        funding_round_id: Set(entry.funding_round_id),
        recorded_by: Set(actor_id),
        recorded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(balance)
}

/// An asset's page with its rules of use and its ledger, for any member.
pub async fn page(
    db: &DatabaseConnection,
    viewer_id: i64,
    asset_id: i64,
) -> Result<AssetPage, AppError> {
    membership::require_member_or_team(db, viewer_id).await?;
    let (a, s) = asset_and_space(db, asset_id).await?;
    let rule = asset_rule::Entity::find()
        .filter(asset_rule::Column::AssetId.eq(a.id))
        .order_by_desc(asset_rule::Column::Version)
        .one(db)
        .await?;
    let entries = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::AssetId.eq(a.id))
        .order_by_desc(ledger_entry::Column::Id)
        .all(db)
        .await?;
    let proposals = proposal::Entity::find()
        .filter(proposal::Column::Id.is_in(entries.iter().filter_map(|e| e.proposal_id)))
        .all(db)
        .await?;
    let rounds = funding_round::Entity::find()
        .filter(funding_round::Column::Id.is_in(entries.iter().filter_map(|e| e.funding_round_id)))
        .all(db)
        .await?;
    let names = accounts::names(db, entries.iter().map(|e| e.recorded_by)).await?;
    let unit = kind_of(&a).unit();
    Ok(AssetPage {
        id: a.id,
        may_steward: membership::may(db, viewer_id, Action::StewardAssets, &s).await?,
        space_slug: s.slug,
        space_name: s.name,
        name: a.name.clone(),
        kind: kind_of(&a).label().to_owned(),
        balance: unit.show(a.balance),
        rules_version: rule.as_ref().map_or(0, |r| r.version),
        rules: rule.map(|r| r.body),
        entries: entries
            .into_iter()
            .map(|e| {
                let kind = EntryKind::from_code(&e.kind).unwrap_or(EntryKind::Use);
                let signed = kind.signed(e.amount);
                EntryView {
                    id: e.id,
                    kind: kind.label().to_owned(),
                    change: format!("{}{}", if signed > 0 { "+" } else { "" }, unit.show(signed)),
                    balance_after: unit.show(e.balance_after),
                    reason: e.reason,
                    to_whom: e.to_whom,
                    proposal: e.proposal_id.and_then(|id| {
                        proposals
                            .iter()
                            .find(|p| p.id == id)
                            .map(|p| (p.id, p.title.clone()))
                    }),
                    round: e.funding_round_id.and_then(|id| {
                        rounds
                            .iter()
                            .find(|r| r.id == id)
                            .map(|r| (r.id, r.title.clone()))
                    }),
                    recorded_by: names.get(&e.recorded_by).cloned().unwrap_or_default(),
                    recorded_at: time::when(e.recorded_at),
                }
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::services::demo;
    use crate::server::testing::for_each_database;
    use sea_orm::{PaginatorTrait, QuerySelect};

    async fn person(db: &DatabaseConnection, email: &str) -> i64 {
        accounts::find_by_email(db, email)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    fn entry(kind: &str, amount: &str, reason: &str) -> EntryForm {
        EntryForm {
            kind: kind.into(),
            amount: amount.into(),
            reason: reason.into(),
            ..Default::default()
        }
    }

    async fn pot(db: &DatabaseConnection, hein: i64) -> i64 {
        add(
            db,
            hein,
            "west-of-england",
            &AssetForm {
                name: "Small grants pot".into(),
                kind: "funding_pot".into(),
                rules: "Up to £2,000 a project, decided by the region's members.".into(),
            },
        )
        .await
        .unwrap()
    }

    async fn sum_of_entries(db: &DatabaseConnection, asset_id: i64) -> i64 {
        ledger_entry::Entity::find()
            .filter(ledger_entry::Column::AssetId.eq(asset_id))
            .all(db)
            .await
            .unwrap()
            .iter()
            .map(|e| EntryKind::from_code(&e.kind).unwrap().signed(e.amount))
            .sum()
    }

    #[tokio::test]
    async fn the_ledger_balance_is_the_sum_of_its_entries_and_never_goes_below_nothing() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = person(&db, "hein@demo.q-commons.org").await;
            let id = pot(&db, hein).await;
            assert_eq!(
                record(&db, hein, id, &entry("top_up", "£5,000", "From the host")).await,
                Ok(500_000)
            );
            let mut grant = entry("allocation", "1,250.50", "Discharge lounge trial");
            grant.to_whom = "  Bristol   discharge team ".into();
            assert_eq!(record(&db, hein, id, &grant).await, Ok(374_950));

            // More than is left: refused in words, nothing stored.
            let before = ledger_entry::Entity::find().count(&db).await.unwrap();
            let audits = crate::server::entities::audit_log::Entity::find()
                .count(&db)
                .await
                .unwrap();
            let err = record(&db, hein, id, &entry("use", "3750", "Too much"))
                .await
                .unwrap_err();
            assert_eq!(
                err.message_for("amount"),
                Some("Only £3,749.50 is left: an asset cannot give more than it holds.")
            );
            assert_eq!(
                ledger_entry::Entity::find().count(&db).await.unwrap(),
                before
            );
            assert_eq!(
                crate::server::entities::audit_log::Entity::find()
                    .count(&db)
                    .await
                    .unwrap(),
                audits
            );

            // Bad input: every field said at once, nothing stored.
            let err = record(&db, hein, id, &entry("gift", "-3", " "))
                .await
                .unwrap_err();
            for field in ["kind", "amount", "reason"] {
                assert!(err.message_for(field).is_some(), "{field}: {err:?}");
            }
            assert_eq!(
                ledger_entry::Entity::find().count(&db).await.unwrap(),
                before
            );

            let page = page(&db, hein, id).await.unwrap();
            assert_eq!(page.balance, "£3,749.50");
            assert_eq!(page.rules_version, 1);
            assert_eq!(page.entries.len(), 2);
            assert_eq!(page.entries[0].change, "−£1,250.50");
            assert_eq!(
                page.entries[0].to_whom.as_deref(),
                Some("Bristol discharge team")
            );
            assert_eq!(page.entries[1].change, "+£5,000");
            let a = asset::Entity::find_by_id(id)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(a.balance, sum_of_entries(&db, id).await);
        })
        .await;
    }

    #[tokio::test]
    async fn two_allocations_racing_for_the_last_of_a_pot_cannot_both_pass() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = person(&db, "hein@demo.q-commons.org").await;
            let id = pot(&db, hein).await;
            record(&db, hein, id, &entry("top_up", "1000", "Opening")).await.unwrap();
            for round in 0..3 {
                // Ten allocations of £300 at once against what is left: only what the
                // balance covers passes.
                let tries = (0..10).map(|i| {
                    let db = db.clone();
                    tokio::spawn(async move {
                        record(&db, hein, id, &entry("allocation", "300", &format!("Race {round}.{i}"))).await
                    })
                });
                let results = futures::future::join_all(tries).await;
                let passed = results.iter().filter(|r| matches!(r, Ok(Ok(_)))).count();
                let refused = results
                    .iter()
                    .filter(|r| matches!(r, Ok(Err(e)) if e.message_for("amount").is_some_and(|m| m.starts_with("Only "))))
                    .count();
                assert_eq!(passed + refused, 10, "{results:?}");
                let a = asset::Entity::find_by_id(id).one(&db).await.unwrap().unwrap();
                assert!(a.balance >= 0);
                assert_eq!(a.balance, sum_of_entries(&db, id).await);
                if round == 0 {
                    assert_eq!(passed, 3, "£1,000 covers three allocations of £300");
                    assert_eq!(a.balance, 10_000);
                }
                record(&db, hein, id, &entry("top_up", "600", "More")).await.unwrap();
            }
            // Each entry's balance after is what the ledger summed to at that point.
            let entries = ledger_entry::Entity::find()
                .filter(ledger_entry::Column::AssetId.eq(id))
                .order_by_asc(ledger_entry::Column::Id)
                .all(&db)
                .await
                .unwrap();
            let mut running = 0;
            for e in &entries {
                running += EntryKind::from_code(&e.kind).unwrap().signed(e.amount);
                assert_eq!(e.balance_after, running, "entry {}", e.id);
            }
        })
        .await;
    }

    #[tokio::test]
    async fn members_read_the_register_and_only_the_space_s_stewards_keep_it() {
        for_each_database(|db| async move {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = person(&db, "hein@demo.q-commons.org").await;
            let helen = person(&db, "helen@demo.q-commons.org").await;
            let id = pot(&db, hein).await;
            // Another region's convener reads it but keeps nothing here.
            let seen = register(&db, helen, "west-of-england").await.unwrap();
            assert_eq!(seen.assets.len(), 1);
            assert!(!seen.may_steward);
            assert!(page(&db, helen, id).await.unwrap().rules.is_some());
            assert_eq!(
                record(&db, helen, id, &entry("top_up", "5", "Mine")).await,
                Err(AppError::Forbidden)
            );
            assert_eq!(
                change_rules(&db, helen, id, "Anything goes").await,
                Err(AppError::Forbidden)
            );
            let form = AssetForm {
                name: "Room".into(),
                kind: "venue".into(),
                rules: String::new(),
            };
            assert_eq!(
                add(&db, helen, "west-of-england", &form).await,
                Err(AppError::Forbidden)
            );
            // The same name twice in a space is refused.
            let same = AssetForm {
                name: "Small grants pot".into(),
                kind: "funding_pot".into(),
                rules: String::new(),
            };
            assert_eq!(
                add(&db, hein, "west-of-england", &same)
                    .await
                    .unwrap_err()
                    .status(),
                409
            );
            // Rules of use are versioned; the same words again are refused.
            assert_eq!(
                change_rules(&db, hein, id, "Up to £3,000 a project.").await,
                Ok(2)
            );
            assert!(
                change_rules(&db, hein, id, "Up to £3,000 a project.")
                    .await
                    .is_err()
            );
            assert_eq!(page(&db, helen, id).await.unwrap().rules_version, 2);
            // A decision of another space cannot authorise an entry here.
            let elsewhere = proposal::Entity::find()
                .filter(proposal::Column::SpaceId.ne(seen_space_id(&db, id).await))
                .limit(1)
                .one(&db)
                .await
                .unwrap();
            if let Some(p) = elsewhere {
                let mut e = entry("top_up", "10", "Authorised elsewhere");
                e.proposal = p.id.to_string();
                let err = record(&db, hein, id, &e).await.unwrap_err();
                assert_eq!(
                    err.message_for("proposal"),
                    Some("Choose a decision of this space.")
                );
            }
        })
        .await;
    }

    async fn seen_space_id(db: &DatabaseConnection, asset_id: i64) -> i64 {
        asset::Entity::find_by_id(asset_id)
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .space_id
    }
}
