//! A member's rights under UK GDPR, built in: download everything held about you, give or
//! withdraw consent to hold your perspectives, and delete your account — your personal
//! data erased, what you contributed kept as a former member's so the community's records
//! and tallies stay true.
use crate::domain::audit::AuditAction;
use crate::domain::structure::RoleKind;
use crate::error::AppError;
use crate::server::entities::{
    action, audit_log, group_membership, login_token, member, member_perspective,
    membership_application, outbox_email, partner_organisation, person, proposal, proposal_advice,
    proposal_ballot, proposal_comment, proposal_objection, role, session, sign_in_attempt,
    workshop_note, workshop_participant, workshop_reflection,
};
use crate::server::services::audit::{self, Entry};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, Set, Statement,
};
use serde_json::{Value, json};

/// What an erased person is called wherever their name was.
pub const FORMER_MEMBER: &str = "Former member";

/// Text columns that are each a whole name, address or key: left out of the search and
/// replace in free text when an account is deleted.
const IDENTITY_COLUMNS: &[(&str, &str)] = &[
    ("person", "name"),
    ("person", "email"),
    ("person", "password_hash"),
    ("outbox_email", "to_address"),
    ("sign_in_attempt", "email"),
    ("partner_organisation", "name"),
    ("partner_organisation", "contact_email"),
    ("community", "contact_email"),
    ("space", "slug"),
    ("workshop_participant", "display_name"),
    ("session", "token_hash"),
    ("login_token", "token_hash"),
];

fn at(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339()
}

/// Everything held about a person, as one JSON document (sections of records).
pub async fn your_data(db: &DatabaseConnection, person_id: i64) -> Result<Value, AppError> {
    let p = person::Entity::find_by_id(person_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let m = member::Entity::find_by_id(person_id).one(db).await?;
    let perspectives: Vec<String> = member_perspective::Entity::find()
        .filter(member_perspective::Column::PersonId.eq(person_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.perspective)
        .collect();
    let applications = membership_application::Entity::find()
        .filter(membership_application::Column::PersonId.eq(person_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| json!({"applied_at": at(a.created_at), "region_id": a.region_id, "perspectives": a.perspectives,
            "organisation": a.organisation, "clinician_discipline": a.clinician_discipline, "reason": a.reason,
            "status": a.status, "decided_at": a.decided_at.map(at), "decision_reason": a.decision_reason}))
        .collect::<Vec<_>>();
    let groups = group_membership::Entity::find()
        .filter(group_membership::Column::PersonId.eq(person_id))
        .all(db)
        .await?
        .into_iter()
        .map(|g| json!({"space_id": g.space_id, "status": g.status, "since": at(g.created_at)}))
        .collect::<Vec<_>>();
    let roles = role::Entity::find()
        .filter(role::Column::PersonId.eq(person_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| json!({"kind": r.kind, "space_id": r.space_id, "starts_on": r.starts_on.to_string(), "ends_on": r.ends_on.map(|d| d.to_string())}))
        .collect::<Vec<_>>();
    let participations = workshop_participant::Entity::find()
        .filter(workshop_participant::Column::PersonId.eq(person_id))
        .all(db)
        .await?;
    let participant_ids: Vec<i64> = participations.iter().map(|w| w.id).collect();
    let workshops = participations
        .iter()
        .map(|w| json!({"workshop_id": w.workshop_id, "shown_as": w.display_name, "perspective": w.perspective,
            "joined_at": at(w.joined_at), "named_in_report": w.named_in_report}))
        .collect::<Vec<_>>();
    let notes = workshop_note::Entity::find()
        .filter(workshop_note::Column::ParticipantId.is_in(participant_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|n| json!({"workshop_id": n.workshop_id, "note": n.body, "at": at(n.created_at)}))
        .collect::<Vec<_>>();
    let reflections = workshop_reflection::Entity::find()
        .filter(workshop_reflection::Column::ParticipantId.is_in(participant_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| json!({"workshop_id": r.workshop_id, "prompt": r.prompt, "reflection": r.body, "anonymous": r.anonymous, "at": at(r.created_at)}))
        .collect::<Vec<_>>();
    let proposals = proposal::Entity::find()
        .filter(proposal::Column::AuthorId.eq(person_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| json!({"proposal_id": p.id, "title": p.title, "text": p.body, "stage": p.stage, "at": at(p.created_at)}))
        .collect::<Vec<_>>();
    let comments = proposal_comment::Entity::find()
        .filter(proposal_comment::Column::AuthorId.eq(person_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| json!({"proposal_id": c.proposal_id, "comment": c.body, "at": at(c.created_at)}))
        .collect::<Vec<_>>();
    let votes = proposal_ballot::Entity::find()
        .filter(proposal_ballot::Column::PersonId.eq(person_id))
        .all(db)
        .await?
        .into_iter()
        .map(|b| json!({"proposal_id": b.proposal_id, "vote": b.choice, "perspectives_when_cast": b.perspectives, "cast_at": at(b.cast_at)}))
        .collect::<Vec<_>>();
    let objections = proposal_objection::Entity::find()
        .filter(proposal_objection::Column::PersonId.eq(person_id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| json!({"proposal_id": o.proposal_id, "objection": o.reason, "answer": o.answer, "state": o.state, "at": at(o.created_at)}))
        .collect::<Vec<_>>();
    let advice = proposal_advice::Entity::find()
        .filter(proposal_advice::Column::PersonId.eq(person_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| json!({"proposal_id": a.proposal_id, "advice": a.body, "answer": a.answer, "at": at(a.given_at)}))
        .collect::<Vec<_>>();
    let actions = action::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(action::Column::OwnerId.eq(person_id))
                .add(action::Column::CreatedBy.eq(person_id)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|a| json!({"action_id": a.id, "title": a.title, "owner": a.owner_id == person_id, "due_on": a.due_on.to_string(), "status": a.status}))
        .collect::<Vec<_>>();
    use crate::server::entities::{coffee_opt_in, coffee_pair};
    let coffee = json!({
        "in_the_draw": coffee_opt_in::Entity::find_by_id(person_id).one(db).await?.map(|o| at(o.opted_in_at)),
        "drawn_with": coffee_pair::Entity::find()
            .filter(
                sea_orm::Condition::any()
                    .add(coffee_pair::Column::PersonA.eq(person_id))
                    .add(coffee_pair::Column::PersonB.eq(person_id)),
            )
            .order_by_asc(coffee_pair::Column::Month)
            .all(db)
            .await?
            .into_iter()
            .map(|c| json!({"month": c.month, "person_id": if c.person_a == person_id { c.person_b } else { c.person_a }}))
            .collect::<Vec<_>>(),
    });
    use crate::server::entities::{meeting_attendance, meeting_item};
    let meetings = json!({
        "agenda_items_added": meeting_item::Entity::find()
            .filter(meeting_item::Column::AddedBy.eq(person_id))
            .all(db)
            .await?
            .into_iter()
            .map(|i| json!({"meeting_id": i.meeting_id, "item": i.title, "at": at(i.added_at)}))
            .collect::<Vec<_>>(),
        "attendance": meeting_attendance::Entity::find()
            .filter(meeting_attendance::Column::PersonId.eq(person_id))
            .all(db)
            .await?
            .into_iter()
            .map(|a| json!({"meeting_id": a.meeting_id, "presence": a.presence}))
            .collect::<Vec<_>>(),
        "calendar_address_made": crate::server::entities::calendar_key::Entity::find_by_id(person_id)
            .one(db)
            .await?
            .map(|k| at(k.created_at)),
    });
    let audit = audit_log::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(audit_log::Column::SubjectPersonId.eq(person_id))
                .add(audit_log::Column::ActorId.eq(person_id)),
        )
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|a| json!({"at": at(a.at), "what": a.action, "summary": a.summary, "reason": a.reason,
            "about_you": a.subject_person_id == Some(person_id), "by_you": a.actor_id == Some(person_id)}))
        .collect::<Vec<_>>();
    Ok(json!({
        "downloaded_at": at(Utc::now()),
        "profile": {
            "name": p.name, "email": p.email, "has_password": p.password_hash.is_some(), "account_created_at": at(p.created_at),
            "membership": m.as_ref().map(|m| json!({"status": m.status, "home_region_id": m.home_region_id, "organisation": m.organisation,
                "clinician_discipline": m.clinician_discipline, "bio": m.bio, "interests": m.interests, "show_email": m.show_email,
                "show_organisation": m.show_organisation, "joined_on": m.joined_on.map(|d| d.to_string()),
                "perspectives_consented_at": m.perspectives_consented_at.map(at)})),
            "perspectives": perspectives,
        },
        "applications": applications,
        "groups": groups,
        "roles": roles,
        "workshops": workshops,
        "workshop_notes": notes,
        "reflections": reflections,
        "proposals": proposals,
        "comments": comments,
        "votes": votes,
        "objections": objections,
        "advice": advice,
        "actions": actions,
        "coffee": coffee,
        "meetings": meetings,
        "audit_entries": audit,
    }))
}

/// The same document as CSV: one row per value — section, record number, field, value.
pub fn as_csv(data: &Value) -> Result<String, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let row = |w: &mut csv::Writer<Vec<u8>>, a: &str, b: &str, c: &str, d: &str| {
        w.write_record([a, b, c, d]).map_err(|_| AppError::Internal)
    };
    row(&mut w, "section", "record", "field", "value")?;
    fn text(v: &Value) -> String {
        match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
    if let Value::Object(sections) = data {
        for (section, v) in sections {
            match v {
                Value::Array(records) => {
                    for (i, r) in records.iter().enumerate() {
                        match r {
                            Value::Object(fields) => {
                                for (field, value) in fields {
                                    row(
                                        &mut w,
                                        section,
                                        &(i + 1).to_string(),
                                        field,
                                        &text(value),
                                    )?;
                                }
                            }
                            other => row(&mut w, section, &(i + 1).to_string(), "", &text(other))?,
                        }
                    }
                }
                Value::Object(fields) => {
                    for (field, value) in fields {
                        match value {
                            Value::Object(inner) => {
                                for (f, x) in inner {
                                    row(&mut w, section, "1", &format!("{field}.{f}"), &text(x))?;
                                }
                            }
                            other => row(&mut w, section, "1", field, &text(other))?,
                        }
                    }
                }
                other => row(&mut w, section, "", "", &text(other))?,
            }
        }
    }
    String::from_utf8(w.into_inner().map_err(|_| AppError::Internal)?)
        .map_err(|_| AppError::Internal)
}

/// Change the perspectives held about a member, with their explicit consent (`Some`: these
/// codes, at least one), or withdraw consent (`None`): they are deleted.
pub async fn set_perspectives(
    db: &DatabaseConnection,
    person_id: i64,
    chosen: Option<&[String]>,
) -> Result<(), AppError> {
    use crate::domain::membership::Perspective;
    let chosen: Option<Vec<Perspective>> = match chosen {
        None => None,
        Some(codes) => {
            let mut out = Vec::new();
            for code in codes {
                match Perspective::from_code(code) {
                    Some(p) if !out.contains(&p) => out.push(p),
                    Some(_) => {}
                    None => {
                        return Err(AppError::invalid(
                            "perspectives",
                            "Choose perspectives from the list.",
                        ));
                    }
                }
            }
            if out.is_empty() {
                return Err(AppError::invalid(
                    "perspectives",
                    "Choose at least one perspective, or withdraw your consent instead.",
                ));
            }
            Some(out)
        }
    };
    let txn = crate::server::db::begin_write(db).await?;
    let m = member::Entity::find_by_id(person_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("You are not a member yet.".into()))?;
    let had_consent = m.perspectives_consented_at.is_some();
    let mut a: member::ActiveModel = m.into();
    a.perspectives_consented_at = Set(match (&chosen, had_consent) {
        (None, _) => None,
        (Some(_), true) => a.perspectives_consented_at.clone().unwrap(),
        (Some(_), false) => Some(Utc::now()),
    });
    a.updated_at = Set(Utc::now());
    a.update(&txn).await?;
    member_perspective::Entity::delete_many()
        .filter(member_perspective::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await?;
    if let Some(list) = &chosen {
        member_perspective::Entity::insert_many(list.iter().map(|p| {
            member_perspective::ActiveModel {
                person_id: Set(person_id),
                perspective: Set(p.code().into()),
            }
        }))
        .exec(&txn)
        .await?;
    }
    audit::record(
        &txn,
        Entry {
            actor_id: Some(person_id),
            space_id: None,
            subject_person_id: Some(person_id),
            action: if chosen.is_some() {
                AuditAction::ConsentGiven
            } else {
                AuditAction::ConsentWithdrawn
            },
            summary: match &chosen {
                Some(list) => format!(
                    "Agreed that the community holds their perspectives: {}",
                    list.iter()
                        .map(|p| p.label())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => "Withdrew consent to hold their perspectives; they were deleted".into(),
            },
            reason: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Every text column of every table the app keeps: (table, column).
pub async fn text_columns(db: &impl ConnectionTrait) -> Result<Vec<(String, String)>, AppError> {
    let backend = db.get_database_backend();
    let mut out = Vec::new();
    match backend {
        DbBackend::Postgres => {
            for r in db
                .query_all_raw(Statement::from_string(
                    backend,
                    "SELECT table_name::text, column_name::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying') \
                     AND table_name <> 'seaql_migrations' ORDER BY table_name, column_name",
                ))
                .await?
            {
                out.push((r.try_get_by_index(0)?, r.try_get_by_index(1)?));
            }
        }
        _ => {
            let tables: Vec<String> = db
                .query_all_raw(Statement::from_string(
                    backend,
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                     AND name <> 'seaql_migrations' ORDER BY name",
                ))
                .await?
                .iter()
                .filter_map(|r| r.try_get_by_index::<String>(0).ok())
                .collect();
            for t in tables {
                for c in db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("SELECT name, type FROM pragma_table_info('{t}')"),
                    ))
                    .await?
                {
                    let (name, kind): (String, String) = (c.try_get_by_index(0)?, c.try_get_by_index(1)?);
                    let kind = kind.to_lowercase();
                    if kind.contains("text") || kind.contains("char") || kind.contains("clob") {
                        out.push((t.clone(), name));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Replace `word` with `with` in every text column where it appears; returns the cells changed.
async fn replace_everywhere(
    db: &impl ConnectionTrait,
    columns: &[(String, String)],
    word: &str,
    with: &str,
) -> Result<u64, AppError> {
    let backend = db.get_database_backend();
    let (a, b, c) = match backend {
        DbBackend::Postgres => ("$1", "$2", "$3"),
        _ => ("?", "?", "?"),
    };
    let mut changed = 0;
    for (table, column) in columns {
        let sql = format!(
            "UPDATE \"{table}\" SET \"{column}\" = REPLACE(\"{column}\", {a}, {b}) WHERE \"{column}\" LIKE {c}"
        );
        let pattern = format!(
            "%{}%",
            word.replace('\\', "").replace('%', "").replace('_', "\\_")
        );
        let sql = format!("{sql} ESCAPE '\\'");
        changed += db
            .execute_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [word.into(), with.into(), pattern.into()],
            ))
            .await?
            .rows_affected();
    }
    Ok(changed)
}

/// Delete a person's account: their personal data erased everywhere, their contributions
/// (notes, votes, comments, proposals) kept as a former member's so records and tallies
/// stay true; any term they hold ends today. `typed` must be their e-mail address.
pub async fn erase(db: &DatabaseConnection, person_id: i64, typed: &str) -> Result<(), AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let p = person::Entity::find_by_id(person_id)
        .one(&txn)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if p.erased_at.is_some() {
        return Err(AppError::Unauthenticated);
    }
    if typed.trim().to_lowercase() != p.email {
        return Err(AppError::invalid(
            "confirm_email",
            "Type your e-mail address exactly as it is on your account, to be sure.",
        ));
    }
    let today = Utc::now().date_naive();
    let roles = role::Entity::find()
        .filter(role::Column::PersonId.eq(person_id))
        .all(&txn)
        .await?;
    let current =
        |r: &role::Model| r.starts_on <= today && r.ends_on.is_none_or(|end| today <= end);
    if roles
        .iter()
        .any(|r| current(r) && r.kind == RoleKind::ProjectTeam.code())
    {
        let others = role::Entity::find()
            .filter(role::Column::Kind.eq(RoleKind::ProjectTeam.code()))
            .filter(role::Column::PersonId.ne(person_id))
            .all(&txn)
            .await?
            .iter()
            .any(current);
        if !others {
            return Err(AppError::conflict(
                "confirm_email",
                "You are the project team's last member: add someone else to it first, so the community can still be run.",
            ));
        }
    }
    let now = Utc::now();
    // Terms end today (a term not begun yet ends before it starts).
    for r in roles
        .into_iter()
        .filter(|r| r.ends_on.is_none_or(|end| end >= today))
    {
        // Served until yesterday; a term not yet begun ends the day before it would have.
        let end = (today - Duration::days(1)).max(r.starts_on - Duration::days(1));
        let mut a: role::ActiveModel = r.into();
        a.ends_on = Set(Some(end));
        a.update(&txn).await?;
    }
    let (old_name, old_email) = (p.name.clone(), p.email.clone());
    // Only the address's digest is kept, so no import brings them back.
    use crate::server::entities::erased_address;
    erased_address::Entity::insert(erased_address::ActiveModel {
        digest: Set(crate::server::tokens::digest(&old_email)),
        erased_at: Set(Utc::now()),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::column(erased_address::Column::Digest)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    // What exists only because of them, or says who they are.
    session::Entity::delete_many()
        .filter(session::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await?;
    login_token::Entity::delete_many()
        .filter(login_token::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await?;
    // Out of the coffee draw.
    crate::server::entities::coffee_opt_in::Entity::delete_many()
        .filter(crate::server::entities::coffee_opt_in::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await?;
    // Their calendar address opens nothing.
    crate::server::entities::calendar_key::Entity::delete_many()
        .filter(crate::server::entities::calendar_key::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await?;
    member_perspective::Entity::delete_many()
        .filter(member_perspective::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await?;
    group_membership::Entity::delete_many()
        .filter(group_membership::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await?;
    outbox_email::Entity::delete_many()
        .filter(outbox_email::Column::ToAddress.eq(&old_email))
        .exec(&txn)
        .await?;
    sign_in_attempt::Entity::delete_many()
        .filter(sign_in_attempt::Column::Email.eq(&old_email))
        .exec(&txn)
        .await?;
    membership_application::Entity::update_many()
        .col_expr(
            membership_application::Column::Reason,
            sea_orm::sea_query::Expr::value(""),
        )
        .col_expr(
            membership_application::Column::Organisation,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .col_expr(
            membership_application::Column::ClinicianDiscipline,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .col_expr(
            membership_application::Column::Perspectives,
            sea_orm::sea_query::Expr::value(""),
        )
        .filter(membership_application::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await?;
    workshop_participant::Entity::update_many()
        .col_expr(
            workshop_participant::Column::DisplayName,
            sea_orm::sea_query::Expr::value(FORMER_MEMBER),
        )
        .col_expr(
            workshop_participant::Column::DeviceTokenHash,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .col_expr(
            workshop_participant::Column::GuestAddress,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .col_expr(
            workshop_participant::Column::NamedInReport,
            sea_orm::sea_query::Expr::value(false),
        )
        .filter(workshop_participant::Column::PersonId.eq(person_id))
        .exec(&txn)
        .await?;
    partner_organisation::Entity::update_many()
        .col_expr(
            partner_organisation::Column::ContactName,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .col_expr(
            partner_organisation::Column::ContactEmail,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .filter(partner_organisation::Column::ContactEmail.eq(&old_email))
        .exec(&txn)
        .await?;
    if let Some(m) = member::Entity::find_by_id(person_id).one(&txn).await? {
        let mut a: member::ActiveModel = m.into();
        a.status = Set(crate::domain::membership::MembershipStatus::Left
            .code()
            .into());
        a.organisation = Set(None);
        a.clinician_discipline = Set(None);
        a.bio = Set(String::new());
        a.interests = Set(String::new());
        a.show_email = Set(false);
        a.show_organisation = Set(false);
        a.perspectives_consented_at = Set(None);
        a.updated_at = Set(now);
        a.update(&txn).await?;
    }
    let mut a: person::ActiveModel = p.into();
    a.name = Set(FORMER_MEMBER.into());
    a.email = Set(format!("erased-{person_id}@erased.invalid"));
    a.password_hash = Set(None);
    a.erased_at = Set(Some(now));
    a.updated_at = Set(now);
    a.update(&txn).await?;
    // Where their name or address was written into text (the audit log's summaries,
    // e-mails to others, a mention in someone's note): replaced. A one-word name is left
    // in others' free text, where it would as likely be another word.
    // Columns that hold a whole name or address of their own (someone else's account, a
    // partner's contact, a space's address) are never edited here: "sam@x.org" must not
    // change inside "osam@x.org". Theirs were dealt with above, row by row.
    let columns: Vec<(String, String)> = text_columns(&txn)
        .await?
        .into_iter()
        .filter(|(t, c)| !IDENTITY_COLUMNS.contains(&(t.as_str(), c.as_str())))
        .collect();
    replace_everywhere(&txn, &columns, &old_email, "former member's address").await?;
    if old_name.contains(' ') || old_name.chars().count() >= 8 {
        replace_everywhere(&txn, &columns, &old_name, FORMER_MEMBER).await?;
    } else {
        let system_written = [
            ("audit_log".to_owned(), "summary".to_owned()),
            ("outbox_email".to_owned(), "body".to_owned()),
        ];
        replace_everywhere(&txn, &system_written, &old_name, FORMER_MEMBER).await?;
    }
    audit::record(
        &txn,
        Entry {
            actor_id: None,
            space_id: None,
            subject_person_id: Some(person_id),
            action: AuditAction::AccountErased,
            summary: "A member deleted their account; their personal data was erased".into(),
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
    use crate::server::services::{accounts, demo, membership};
    use crate::server::testing::for_each_database;
    use sea_orm::PaginatorTrait;

    async fn person_by(db: &DatabaseConnection, email: &str) -> person::Model {
        accounts::find_by_email(db, email).await.unwrap().unwrap()
    }

    /// How many cells of any text column hold `word` (case-insensitively).
    async fn cells_holding(db: &DatabaseConnection, word: &str) -> Vec<String> {
        let mut found = Vec::new();
        for (table, column) in text_columns(db).await.unwrap() {
            let backend = db.get_database_backend();
            let p = if backend == DbBackend::Postgres {
                "$1"
            } else {
                "?"
            };
            let n = db
                .query_one_raw(Statement::from_sql_and_values(
                    backend,
                    format!("SELECT COUNT(*) FROM \"{table}\" WHERE LOWER(\"{column}\") LIKE {p}"),
                    [format!("%{}%", word.to_lowercase()).into()],
                ))
                .await
                .unwrap()
                .unwrap()
                .try_get_by_index::<i64>(0)
                .unwrap();
            if n > 0 {
                found.push(format!("{table}.{column} ({n})"));
            }
        }
        found
    }

    #[tokio::test]
    async fn deleting_an_account_erases_every_trace_of_the_person_and_keeps_every_tally() {
        for_each_database(async |db| {
            demo::seed_if_empty(&db).await.unwrap();
            // A member who voted in the demo's decisions, and who convenes nothing.
            let voter_id = proposal_ballot::Entity::find()
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|b| b.person_id)
                .find(|id| *id > 6)
                .unwrap();
            let voter = person::Entity::find_by_id(voter_id)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            let (name, email) = (voter.name.clone(), voter.email.clone());
            // Traces the system writes: an audit entry naming them, an e-mail, a session,
            // someone else's comment that mentions them, their own comment.
            let proposal = proposal::Entity::find().one(&db).await.unwrap().unwrap();
            audit::record(
                &db,
                Entry {
                    actor_id: None,
                    space_id: None,
                    subject_person_id: Some(voter_id),
                    action: AuditAction::ProfileUpdated,
                    summary: format!("{name} updated their profile"),
                    reason: None,
                },
            )
            .await
            .unwrap();
            crate::server::services::mail::Mailer::outbox_only()
                .send(&db, &email, "Hello", &format!("Dear {name}"))
                .await
                .unwrap();
            crate::server::services::sessions::create(&db, voter_id)
                .await
                .unwrap();
            for (author, body) in [
                (voter_id, "My own view on this.".to_owned()),
                (1, format!("I agree with {name} here.")),
            ] {
                proposal_comment::ActiveModel {
                    proposal_id: Set(proposal.id),
                    parent_id: Set(None),
                    author_id: Set(author),
                    body: Set(body),
                    created_at: Set(Utc::now()),
                    edited_at: Set(None),
                    ..Default::default()
                }
                .insert(&db)
                .await
                .unwrap();
            }
            assert!(!cells_holding(&db, &name).await.is_empty());

            let results = async |db: &DatabaseConnection| {
                let mut out = Vec::new();
                for p in proposal::Entity::find()
                    .order_by_asc(proposal::Column::Id)
                    .all(db)
                    .await
                    .unwrap()
                {
                    let (tally, n) = crate::server::services::proposals::tally_of(db, &p)
                        .await
                        .unwrap();
                    out.push((
                        p.id,
                        p.result.clone(),
                        p.took_part_count,
                        format!("{tally:?}"),
                        n,
                    ));
                }
                (
                    out,
                    proposal_ballot::Entity::find().count(db).await.unwrap(),
                    proposal_comment::Entity::find().count(db).await.unwrap(),
                )
            };
            let before = results(&db).await;
            // Someone whose name and address contain the erased member's keeps both.
            let longer = person::ActiveModel {
                name: Set(format!("{name}son")),
                email: Set(format!("x{email}")),
                password_hash: Set(None),
                created_at: Set(Utc::now()),
                updated_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&db)
            .await
            .unwrap();

            // The wrong address typed: nothing happens.
            let e = erase(&db, voter_id, "someone@else.org").await.unwrap_err();
            assert!(e.message_for("confirm_email").is_some());
            assert_eq!(person_by(&db, &email).await.name, name);

            erase(&db, voter_id, &email.to_uppercase()).await.unwrap();
            // The name and address are nowhere but inside the other person's own.
            assert_eq!(
                cells_holding(&db, &name).await,
                ["person.name (1)"],
                "the name is nowhere else"
            );
            assert_eq!(
                cells_holding(&db, &email).await,
                ["person.email (1)"],
                "the address is nowhere else"
            );
            let kept = person::Entity::find_by_id(longer.id)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!((kept.name, kept.email), (longer.name, longer.email));
            assert_eq!(
                results(&db).await,
                before,
                "every tally, vote and comment stands"
            );
            let gone = person::Entity::find_by_id(voter_id)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(gone.name, FORMER_MEMBER);
            assert!(gone.erased_at.is_some() && gone.password_hash.is_none());
            assert_eq!(
                session::Entity::find()
                    .filter(session::Column::PersonId.eq(voter_id))
                    .count(&db)
                    .await
                    .unwrap(),
                0
            );
            assert_eq!(
                member_perspective::Entity::find()
                    .filter(member_perspective::Column::PersonId.eq(voter_id))
                    .count(&db)
                    .await
                    .unwrap(),
                0
            );
        })
        .await;
    }

    #[tokio::test]
    async fn a_convener_who_deletes_their_account_ends_their_term_and_the_last_of_the_project_team_cannot()
     {
        for_each_database(async |db| {
            demo::seed_if_empty(&db).await.unwrap();
            let hein = person_by(&db, "hein@demo.q-commons.org").await;
            erase(&db, hein.id, &hein.email).await.unwrap();
            let today = Utc::now().date_naive();
            let roles = role::Entity::find()
                .filter(role::Column::PersonId.eq(hein.id))
                .all(&db)
                .await
                .unwrap();
            assert!(
                !roles.is_empty()
                    && roles
                        .iter()
                        .all(|r| r.ends_on.is_some_and(|end| end < today))
            );
            let actor = membership::actor(&db, hein.id).await.unwrap();
            assert!(actor.roles.iter().all(|r| !r.is_current(today)));

            let priya = person_by(&db, "priya@demo.q-commons.org").await;
            let e = erase(&db, priya.id, &priya.email).await.unwrap_err();
            assert!(
                e.message_for("confirm_email")
                    .unwrap()
                    .contains("last member")
            );
            assert_eq!(
                person_by(&db, &priya.email).await.name,
                priya.name,
                "nothing erased"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn your_data_holds_your_votes_and_what_the_log_says_of_you_and_consent_can_be_withdrawn()
    {
        for_each_database(async |db| {
            demo::seed_if_empty(&db).await.unwrap();
            let voter_id = proposal_ballot::Entity::find()
                .one(&db)
                .await
                .unwrap()
                .unwrap()
                .person_id;
            let data = your_data(&db, voter_id).await.unwrap();
            let votes = data["votes"].as_array().unwrap();
            assert!(!votes.is_empty());
            assert_eq!(
                votes.len() as u64,
                proposal_ballot::Entity::find()
                    .filter(proposal_ballot::Column::PersonId.eq(voter_id))
                    .count(&db)
                    .await
                    .unwrap()
            );
            let email = data["profile"]["email"].as_str().unwrap().to_owned();
            let csv = as_csv(&data).unwrap();
            assert!(csv.starts_with("section,record,field,value"));
            assert!(csv.contains(&email) && csv.contains("votes,1,"));

            let held = data["profile"]["perspectives"].as_array().unwrap().len();
            assert!(held > 0);
            set_perspectives(&db, voter_id, None).await.unwrap();
            let data = your_data(&db, voter_id).await.unwrap();
            assert_eq!(data["profile"]["perspectives"].as_array().unwrap().len(), 0);
            assert!(data["profile"]["membership"]["perspectives_consented_at"].is_null());
            assert!(
                data["audit_entries"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|a| a["what"] == "consent.withdrawn")
            );
        })
        .await;
    }
}

/// What a member's account page shows of their privacy choices.
pub async fn choices(
    db: &DatabaseConnection,
    person_id: i64,
) -> Result<crate::model::admin::AccountPrivacy, AppError> {
    let m = member::Entity::find_by_id(person_id).one(db).await?;
    let perspectives = member_perspective::Entity::find()
        .filter(member_perspective::Column::PersonId.eq(person_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.perspective)
        .collect();
    Ok(crate::model::admin::AccountPrivacy {
        member: m.is_some(),
        perspectives,
        consented_on: m
            .and_then(|m| m.perspectives_consented_at)
            .map(crate::server::time::when),
    })
}
