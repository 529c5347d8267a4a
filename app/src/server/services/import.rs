//! Importing members from a CSV file (name, e-mail, home region, perspectives,
//! organisation): the project team uploads it, sees a preview that names every bad line
//! and why, and confirms; only then are members added — in one transaction — and invited
//! by e-mail through the outbox (a sign-in link; no password is ever sent). Importing the
//! same file again changes nothing.
use crate::domain::audit::AuditAction;
use crate::domain::import::{self, Checked, MAX_ROWS, RawRow, Region};
use crate::domain::membership::MembershipStatus;
use crate::domain::structure::SpaceKind;
use crate::error::AppError;
use crate::model::admin::{ImportLine, ImportPreview, ImportProblem};
use crate::server::Config;
use crate::server::entities::{
    audit_log, erased_address, member, member_import, member_perspective, person, space,
};
use crate::server::services::{accounts, mail::Mailer, membership, settings};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Set,
};
use std::collections::{HashMap, HashSet};

/// The largest file taken, in bytes: 10,000 members fit with room to spare.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
/// Rows written per statement (well inside both databases' limits on parameters).
const CHUNK: usize = 500;
/// An upload not confirmed within this long is purged (it holds people's details).
pub const KEEP_UNCONFIRMED_HOURS: i64 = 24;

/// Keep an uploaded file, unchecked, for its preview: nothing is added to the membership.
pub async fn upload(
    db: &DatabaseConnection,
    actor_id: i64,
    file_name: &str,
    body: &str,
) -> Result<i64, AppError> {
    membership::require_project_team(db, actor_id).await?;
    if body.trim().is_empty() {
        return Err(AppError::invalid(
            "file",
            "Choose a CSV file of members, or paste one.",
        ));
    }
    if body.len() > MAX_BYTES {
        return Err(AppError::invalid(
            "file",
            format!(
                "A file can be at most {} MiB: split it in two.",
                MAX_BYTES / 1024 / 1024
            ),
        ));
    }
    let name: String = file_name.trim().chars().take(200).collect();
    let kept = member_import::ActiveModel {
        created_by: Set(actor_id),
        created_at: Set(Utc::now()),
        file_name: Set(if name.is_empty() {
            "pasted.csv".into()
        } else {
            name
        }),
        body: Set(body.to_owned()),
        imported_at: Set(None),
        summary: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(kept.id)
}

/// The column a header names, whatever its case and spacing.
fn column(headers: &csv::StringRecord, names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| {
        let h = h
            .trim()
            .trim_start_matches('\u{feff}')
            .to_lowercase()
            .replace(['_', '-'], " ");
        names.contains(&h.as_str())
    })
}

/// Read the file's lines; a file that cannot be read at all says why.
pub fn read(body: &str) -> Result<Vec<RawRow>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("The file cannot be read as CSV: {e}."))?
        .clone();
    let name = column(&headers, &["name", "full name"]);
    let email = column(
        &headers,
        &["email", "e mail", "email address", "e mail address"],
    );
    let region = column(&headers, &["home region", "region"]);
    let perspectives = column(&headers, &["perspectives", "perspective"]);
    let organisation = column(&headers, &["organisation", "organization"]);
    let missing: Vec<&str> = [("name", name), ("email", email), ("home region", region)]
        .iter()
        .filter(|(_, at)| at.is_none())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "The first line must name the columns; missing: {}. Expected: name, email, home region, perspectives, organisation.",
            missing.join(", ")
        ));
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| format!("Line {line} cannot be read: {e}."))?;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(format!(
                "A file can hold at most {MAX_ROWS} members: split it."
            ));
        }
        let get = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("").to_owned();
        rows.push(RawRow {
            line,
            name: get(name),
            email: get(email),
            region: get(region),
            perspectives: get(perspectives),
            organisation: get(organisation),
        });
    }
    Ok(rows)
}

async fn known(
    db: &impl ConnectionTrait,
    rows: &[RawRow],
) -> Result<(Vec<Region>, HashSet<String>, HashSet<String>), AppError> {
    let regions = space::Entity::find()
        .filter(space::Column::Kind.eq(SpaceKind::Region.code()))
        .filter(space::Column::ArchivedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|s| Region {
            id: s.id,
            slug: s.slug,
            name: s.name,
        })
        .collect();
    let emails: Vec<String> = rows.iter().map(|r| r.email.trim().to_lowercase()).collect();
    let mut members = HashSet::new();
    for chunk in emails.chunks(CHUNK) {
        let found: Vec<String> = member::Entity::find()
            .select_only()
            .column(person::Column::Email)
            .inner_join(person::Entity)
            .filter(person::Column::Email.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        members.extend(found);
    }
    // Deleted accounts are known only by their address's digest.
    let by_digest: HashMap<String, String> = emails
        .iter()
        .map(|e| (crate::server::tokens::digest(e), e.clone()))
        .collect();
    let digests: Vec<String> = by_digest.keys().cloned().collect();
    let mut erased = HashSet::new();
    for chunk in digests.chunks(CHUNK) {
        for gone in erased_address::Entity::find()
            .filter(erased_address::Column::Digest.is_in(chunk.iter().cloned()))
            .all(db)
            .await?
        {
            if let Some(email) = by_digest.get(&gone.digest) {
                erased.insert(email.clone());
            }
        }
    }
    Ok((regions, members, erased))
}

async fn kept(
    db: &impl ConnectionTrait,
    actor_id: i64,
    id: i64,
) -> Result<member_import::Model, AppError> {
    membership::require_project_team(db, actor_id).await?;
    member_import::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(
                "There is no such upload (unconfirmed uploads are kept for a day).".into(),
            )
        })
}

fn lines(checked: &Checked) -> (Vec<ImportLine>, Vec<ImportProblem>) {
    let add = checked
        .add
        .iter()
        .map(|m| ImportLine {
            line: m.line,
            name: m.name.clone(),
            email: m.email.clone(),
            region: m.region_name.clone(),
            perspectives: m
                .perspectives
                .iter()
                .map(|p| p.label())
                .collect::<Vec<_>>()
                .join(", "),
            organisation: m.organisation.clone().unwrap_or_default(),
        })
        .collect();
    let problems = checked
        .problems
        .iter()
        .map(|p| ImportProblem {
            line: p.line,
            text: p.text.clone(),
            why: p.why.clone(),
        })
        .collect();
    (add, problems)
}

/// What importing the upload would do, line by line.
pub async fn preview(
    db: &DatabaseConnection,
    actor_id: i64,
    id: i64,
) -> Result<ImportPreview, AppError> {
    let upload = kept(db, actor_id, id).await?;
    let mut preview = ImportPreview {
        id,
        file_name: upload.file_name.clone(),
        to_add: vec![],
        unchanged: 0,
        problems: vec![],
        file_problem: None,
        imported: upload
            .summary
            .clone()
            .filter(|_| upload.imported_at.is_some()),
    };
    if upload.imported_at.is_some() {
        return Ok(preview);
    }
    match read(&upload.body) {
        Err(why) => preview.file_problem = Some(why),
        Ok(rows) => {
            let (regions, members, erased) = known(db, &rows).await?;
            let checked = import::check(&rows, &regions, &members, &erased);
            let (add, problems) = lines(&checked);
            preview.to_add = add;
            preview.problems = problems;
            preview.unchanged = checked.unchanged.len();
        }
    }
    Ok(preview)
}

/// What an import did.
#[derive(Debug, PartialEq, Eq)]
pub struct Imported {
    pub summary: String,
    /// The people added, to invite.
    pub added: Vec<i64>,
}

/// Add the upload's members, checked afresh (never the preview's word for it). With bad
/// lines, nothing is added unless `skip_bad` says to leave those lines out.
pub async fn confirm(
    db: &DatabaseConnection,
    actor_id: i64,
    id: i64,
    skip_bad: bool,
) -> Result<Imported, AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let upload = kept(&txn, actor_id, id).await?;
    if upload.imported_at.is_some() {
        return Err(AppError::conflict(
            "id",
            "This file has been imported already.",
        ));
    }
    let rows = read(&upload.body).map_err(|why| AppError::invalid("file", why))?;
    let (regions, members, erased) = known(&txn, &rows).await?;
    let checked = import::check(&rows, &regions, &members, &erased);
    if !checked.problems.is_empty() && !skip_bad {
        let lines: Vec<String> = checked
            .problems
            .iter()
            .map(|p| p.line.to_string())
            .collect();
        return Err(AppError::invalid(
            "skip_bad",
            if lines.len() == 1 {
                format!(
                    "Line {} has a problem: fix the file and upload it again, or choose to leave that line out.",
                    lines[0]
                )
            } else {
                format!(
                    "Lines {} have problems: fix the file and upload it again, or choose to leave those lines out.",
                    lines.join(", ")
                )
            },
        ));
    }
    let now = Utc::now();
    let today = now.date_naive();
    // People who have an account but are not members keep their account and name.
    let emails: Vec<String> = checked.add.iter().map(|m| m.email.clone()).collect();
    let mut ids: HashMap<String, i64> = HashMap::new();
    for chunk in emails.chunks(CHUNK) {
        let found: Vec<(i64, String)> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::Email)
            .filter(person::Column::Email.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(&txn)
            .await?;
        ids.extend(found.into_iter().map(|(id, email)| (email, id)));
    }
    let new_people: Vec<&import::NewMember> = checked
        .add
        .iter()
        .filter(|m| !ids.contains_key(&m.email))
        .collect();
    for chunk in new_people.chunks(CHUNK) {
        person::Entity::insert_many(chunk.iter().map(|m| person::ActiveModel {
            name: Set(m.name.clone()),
            email: Set(m.email.clone()),
            password_hash: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            erased_at: Set(None),
            ..Default::default()
        }))
        .exec(&txn)
        .await?;
        let found: Vec<(i64, String)> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::Email)
            .filter(person::Column::Email.is_in(chunk.iter().map(|m| m.email.clone())))
            .into_tuple()
            .all(&txn)
            .await?;
        ids.extend(found.into_iter().map(|(id, email)| (email, id)));
    }
    for chunk in checked.add.chunks(CHUNK) {
        member::Entity::insert_many(chunk.iter().map(|m| member::ActiveModel {
            person_id: Set(ids[&m.email]),
            status: Set(MembershipStatus::Active.code().into()),
            home_region_id: Set(Some(m.region_id)),
            organisation: Set(m.organisation.clone()),
            clinician_discipline: Set(None),
            bio: Set(String::new()),
            interests: Set(String::new()),
            show_email: Set(false),
            show_organisation: Set(true),
            joined_on: Set(Some(today)),
            updated_at: Set(now),
            // Given to the community before it moved here; the invitation says what is
            // held and how to withdraw it.
            perspectives_consented_at: Set((!m.perspectives.is_empty()).then_some(now)),
        }))
        .exec(&txn)
        .await?;
        let held: Vec<member_perspective::ActiveModel> = chunk
            .iter()
            .flat_map(|m| {
                let id = ids[&m.email];
                m.perspectives
                    .iter()
                    .map(move |p| member_perspective::ActiveModel {
                        person_id: Set(id),
                        perspective: Set(p.code().into()),
                    })
            })
            .collect();
        if !held.is_empty() {
            member_perspective::Entity::insert_many(held)
                .exec(&txn)
                .await?;
        }
        audit_log::Entity::insert_many(chunk.iter().map(|m| audit_log::ActiveModel {
            at: Set(now),
            actor_id: Set(Some(actor_id)),
            space_id: Set(Some(m.region_id)),
            subject_person_id: Set(Some(ids[&m.email])),
            action: Set(AuditAction::MembersImported.code().into()),
            summary: Set(format!("{} joined {} by import", m.name, m.region_name)),
            reason: Set(None),
            ..Default::default()
        }))
        .exec(&txn)
        .await?;
    }
    let skipped = checked.problems.len();
    let summary = format!(
        "{} members added from {}{}{}",
        checked.add.len(),
        upload.file_name,
        match checked.unchanged.len() {
            0 => String::new(),
            n => format!("; {n} already members, left as they were"),
        },
        match skipped {
            0 => String::new(),
            n => format!("; {n} lines with problems left out"),
        }
    );
    crate::server::services::audit::record(
        &txn,
        crate::server::services::audit::Entry {
            actor_id: Some(actor_id),
            space_id: None,
            subject_person_id: None,
            action: AuditAction::MembersImported,
            summary: summary.clone(),
            reason: None,
        },
    )
    .await?;
    let mut done: member_import::ActiveModel = upload.into();
    done.body = Set(String::new());
    done.imported_at = Set(Some(now));
    done.summary = Set(Some(summary.clone()));
    done.update(&txn).await?;
    txn.commit().await?;
    let added = checked.add.iter().map(|m| ids[&m.email]).collect();
    Ok(Imported { summary, added })
}

/// Invite each person added: a sign-in link through the outbox, one by one (the caller
/// runs it off the request path).
pub async fn invite_all(
    db: &DatabaseConnection,
    mailer: &Mailer,
    config: &Config,
    people: &[i64],
) -> Result<usize, AppError> {
    let community = settings::read(db, config).await?.name;
    let why = format!(
        "You are a member of {community}, which now runs on Q Commons. Your name, e-mail \
         address, home region, organisation and, if you gave them before, the perspectives \
         you speak from were brought over. You can see, change or withdraw them on your \
         account page, download everything held about you, or delete your account."
    );
    let mut sent = 0;
    for chunk in people.chunks(CHUNK) {
        for p in person::Entity::find()
            .filter(person::Column::Id.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            accounts::invite(db, mailer, config, &p, &community, &why).await?;
            sent += 1;
        }
    }
    Ok(sent)
}

/// Forget uploads never confirmed (they hold people's details).
pub async fn purge_unconfirmed(
    db: &DatabaseConnection,
    now: chrono::DateTime<Utc>,
) -> Result<u64, AppError> {
    let cutoff = now - Duration::hours(KEEP_UNCONFIRMED_HOURS);
    Ok(member_import::Entity::delete_many()
        .filter(member_import::Column::ImportedAt.is_null())
        .filter(member_import::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::entities::outbox_email;
    use crate::server::services::demo;
    use crate::server::testing::for_each_database;
    use sea_orm::PaginatorTrait;

    const FILE: &str = "Name,Email,Home region,Perspectives,Organisation\n\
        Ada Lovelace,ada@example.org,West of England,Patient;Carer,\n\
        Bea Jones,bea@example.org,south-west,Clinician,North Bristol NHS Trust\n\
        \"Cole, Sam\",cole@example.org,North East and North Cumbria,,\n\
        Dee Bad,not-an-address,Atlantis,astronaut,\n\
        Hein again,HEIN@demo.q-commons.org,West of England,,\n";

    async fn priya(db: &DatabaseConnection) -> i64 {
        accounts::find_by_email(db, "priya@demo.q-commons.org")
            .await
            .unwrap()
            .unwrap()
            .id
    }

    async fn counts(db: &DatabaseConnection) -> (u64, u64, u64, u64) {
        (
            person::Entity::find().count(db).await.unwrap(),
            member::Entity::find().count(db).await.unwrap(),
            member_perspective::Entity::find().count(db).await.unwrap(),
            audit_log::Entity::find().count(db).await.unwrap(),
        )
    }

    #[tokio::test]
    async fn a_file_with_a_bad_line_adds_nothing_until_told_to_leave_it_out_and_twice_changes_nothing()
     {
        for_each_database(async |db| {
            demo::seed_if_empty(&db).await.unwrap();
            let priya = priya(&db).await;
            let id = upload(&db, priya, "members.csv", FILE).await.unwrap();
            let p = preview(&db, priya, id).await.unwrap();
            assert_eq!(
                p.to_add
                    .iter()
                    .map(|l| l.email.as_str())
                    .collect::<Vec<_>>(),
                ["ada@example.org", "bea@example.org", "cole@example.org"]
            );
            assert_eq!(p.to_add[2].name, "Cole, Sam");
            assert_eq!(p.unchanged, 1, "Hein is a member already");
            assert_eq!(p.problems.len(), 1);
            assert_eq!(p.problems[0].line, 5);
            assert!(p.problems[0].why.contains("Atlantis"));

            let before = counts(&db).await;
            let refused = confirm(&db, priya, id, false).await.unwrap_err();
            assert!(refused.message_for("skip_bad").unwrap().contains('5'));
            assert_eq!(counts(&db).await, before, "nothing stored");

            let done = confirm(&db, priya, id, true).await.unwrap();
            assert_eq!(done.added.len(), 3);
            assert!(done.summary.contains("3 members added"), "{}", done.summary);
            let ada = accounts::find_by_email(&db, "ada@example.org")
                .await
                .unwrap()
                .unwrap();
            assert_eq!(ada.password_hash, None);
            let m = member::Entity::find_by_id(ada.id)
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(m.status, "active");
            assert_eq!(
                member_perspective::Entity::find()
                    .filter(member_perspective::Column::PersonId.eq(ada.id))
                    .count(&db)
                    .await
                    .unwrap(),
                2
            );
            // The upload's text is gone once imported; it cannot be imported twice.
            assert_eq!(
                member_import::Entity::find_by_id(id)
                    .one(&db)
                    .await
                    .unwrap()
                    .unwrap()
                    .body,
                ""
            );
            assert!(confirm(&db, priya, id, true).await.is_err());

            // Invitations: a sign-in link each, no password.
            let mailer = Mailer::outbox_only();
            assert_eq!(
                invite_all(&db, &mailer, &Config::default(), &done.added)
                    .await
                    .unwrap(),
                3
            );
            let invite = outbox_email::Entity::find()
                .filter(outbox_email::Column::ToAddress.eq("bea@example.org"))
                .one(&db)
                .await
                .unwrap()
                .unwrap();
            assert!(invite.body.contains("sign-in-link/use?token="));

            // The same file again: every good line is a member already.
            let after = counts(&db).await;
            let again = upload(&db, priya, "members.csv", FILE).await.unwrap();
            let p = preview(&db, priya, again).await.unwrap();
            assert!(p.to_add.is_empty());
            assert_eq!(p.unchanged, 4);
            let done = confirm(&db, priya, again, true).await.unwrap();
            assert!(done.added.is_empty());
            let (people, members, held, _) = counts(&db).await;
            assert_eq!(
                (people, members, held),
                (after.0, after.1, after.2),
                "nothing changed"
            );

            // Ada deletes her account: the same file does not bring her back.
            let ada = accounts::find_by_email(&db, "ada@example.org")
                .await
                .unwrap()
                .unwrap();
            crate::server::services::privacy::erase(&db, ada.id, "ada@example.org")
                .await
                .unwrap();
            let third = upload(&db, priya, "members.csv", FILE).await.unwrap();
            let p = preview(&db, priya, third).await.unwrap();
            assert!(p.to_add.is_empty(), "{:?}", p.to_add);
            assert!(
                p.problems
                    .iter()
                    .any(|l| l.line == 2 && l.why.contains("deleted their account"))
            );
        })
        .await;
    }

    #[tokio::test]
    async fn only_the_project_team_uploads_previews_or_confirms() {
        for_each_database(async |db| {
            demo::seed_if_empty(&db).await.unwrap();
            let priya = priya(&db).await;
            let hein = accounts::find_by_email(&db, "hein@demo.q-commons.org")
                .await
                .unwrap()
                .unwrap()
                .id;
            assert_eq!(
                upload(&db, hein, "x.csv", FILE).await.unwrap_err(),
                AppError::Forbidden
            );
            let id = upload(&db, priya, "x.csv", FILE).await.unwrap();
            assert_eq!(
                preview(&db, hein, id).await.unwrap_err(),
                AppError::Forbidden
            );
            let before = counts(&db).await;
            assert_eq!(
                confirm(&db, hein, id, true).await.unwrap_err(),
                AppError::Forbidden
            );
            assert_eq!(counts(&db).await, before);
        })
        .await;
    }

    #[test]
    fn a_file_without_the_needed_columns_says_which() {
        let why = read("Full name,Organisation\nAda,NHS\n").unwrap_err();
        assert!(
            why.contains("email") && why.contains("home region"),
            "{why}"
        );
        let rows = read("\u{feff}NAME,E-mail,Region\nAda,ada@example.org,south-west\n\n").unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
    }
}
