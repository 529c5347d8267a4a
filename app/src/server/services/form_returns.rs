//! Form returns: a form that fails without JavaScript comes back with what was typed.
//! The input is kept here under the digest of a random key the browser holds in a
//! cookie, read once by the page the person is sent back to, and forgotten after
//! [`KEEP_MINUTES`] if never read. Kept in the database so any app server can show it.
use crate::error::AppError;
use crate::model::form::ReturnedForm;
use crate::server::entities::form_return;
use crate::server::tokens;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

/// How long a form's input waits for its page.
pub const KEEP_MINUTES: i64 = 10;

/// Keep a failed form's input (without passwords or tokens) and return the key for the
/// browser's cookie.
pub async fn keep(
    db: &DatabaseConnection,
    form: &ReturnedForm,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let key = tokens::new_secret();
    let fields: Vec<&(String, String)> = form
        .fields
        .iter()
        .filter(|(name, _)| ReturnedForm::keeps(name))
        .collect();
    form_return::ActiveModel {
        key_hash: Set(tokens::digest(&key)),
        path: Set(form.path.chars().take(200).collect()),
        error: Set(form.error.clone()),
        fields: Set(serde_json::to_string(&fields).map_err(|_| AppError::Internal)?),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(key)
}

/// The form kept under `key`, once: reading it forgets it. Nothing if the key is unknown,
/// already used or older than [`KEEP_MINUTES`].
pub async fn take(
    db: &DatabaseConnection,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<ReturnedForm>, AppError> {
    let hash = tokens::digest(key);
    let Some(row) = form_return::Entity::find()
        .filter(form_return::Column::KeyHash.eq(&hash))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    // Whoever deletes the row shows it: two tabs racing for one key get it once.
    let deleted = form_return::Entity::delete_many()
        .filter(form_return::Column::Id.eq(row.id))
        .exec(db)
        .await?
        .rows_affected;
    if deleted == 0 || row.created_at <= now - Duration::minutes(KEEP_MINUTES) {
        return Ok(None);
    }
    Ok(Some(ReturnedForm {
        path: row.path,
        error: row.error,
        fields: serde_json::from_str(&row.fields).unwrap_or_default(),
    }))
}

/// Forget input nobody came back for; returns how many were forgotten.
pub async fn purge(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, AppError> {
    Ok(form_return::Entity::delete_many()
        .filter(form_return::Column::CreatedAt.lte(now - Duration::minutes(KEEP_MINUTES)))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::testing::for_each_database;

    fn sign_in_form() -> ReturnedForm {
        ReturnedForm {
            path: "/api/sign_in".into(),
            error: "encoded".into(),
            fields: vec![
                ("email".into(), "ada@example.org".into()),
                ("password".into(), "my secret sentence".into()),
            ],
        }
    }

    #[tokio::test]
    async fn a_form_comes_back_once_without_its_password() {
        for_each_database(|db| async move {
            let now = Utc::now();
            let key = keep(&db, &sign_in_form(), now).await.unwrap();
            let row = form_return::Entity::find().one(&db).await.unwrap().unwrap();
            assert!(!row.fields.contains("my secret sentence"), "{}", row.fields);
            assert_ne!(row.key_hash, key, "only the key's digest is stored");
            let back = take(&db, &key, now).await.unwrap().unwrap();
            assert_eq!(back.path, "/api/sign_in");
            assert_eq!(back.error, "encoded");
            assert_eq!(
                back.fields,
                [("email".to_owned(), "ada@example.org".to_owned())]
            );
            assert_eq!(take(&db, &key, now).await.unwrap(), None, "read once");
            assert_eq!(take(&db, "a guessed key", now).await.unwrap(), None);
        })
        .await;
    }

    #[tokio::test]
    async fn input_nobody_came_back_for_is_forgotten() {
        for_each_database(|db| async move {
            let then = Utc::now();
            let late = keep(&db, &sign_in_form(), then).await.unwrap();
            keep(&db, &sign_in_form(), then).await.unwrap();
            let later = then + Duration::minutes(KEEP_MINUTES + 1);
            assert_eq!(take(&db, &late, later).await.unwrap(), None, "too late");
            assert_eq!(purge(&db, later).await.unwrap(), 1);
            assert!(
                form_return::Entity::find()
                    .all(&db)
                    .await
                    .unwrap()
                    .is_empty()
            );
        })
        .await;
    }
}
