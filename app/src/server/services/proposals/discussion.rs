//! A proposal's discussion: comments in Markdown, replies one level deep, and edits that
//! keep what they replaced. Open while the proposal is under discussion or being decided,
//! to the members it is for; read in two queries however long the thread grows.
use super::voting::when;
use super::{by_id, may_take_part, space_of};
use crate::domain::proposal::Stage;
use crate::error::AppError;
use crate::model::proposals::CommentLine;
use crate::server::entities::{person, proposal, proposal_comment, proposal_comment_version};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use std::collections::HashMap;

pub const COMMENT_MAX: usize = 5_000;

fn checked(body: &str) -> Result<String, AppError> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > COMMENT_MAX {
        return Err(AppError::invalid(
            "comment",
            format!("Write your comment (at most {COMMENT_MAX} characters)."),
        ));
    }
    Ok(body.to_owned())
}

/// Whether `who` may comment on `p` now; if not, why.
pub(crate) async fn may_comment(
    db: &impl ConnectionTrait,
    who: &person::Model,
    p: &proposal::Model,
) -> Result<(), AppError> {
    match Stage::from_code(&p.stage) {
        Some(Stage::Discussion | Stage::Voting) => {}
        Some(Stage::Closed) => {
            return Err(AppError::invalid(
                "comment",
                "The discussion closed with the vote.",
            ));
        }
        _ => {
            return Err(AppError::invalid(
                "comment",
                "The discussion opens when the author opens it.",
            ));
        }
    }
    let (s, scope) = space_of(db, p).await?;
    may_take_part(db, who.id, &s, &scope)
        .await
        .map_err(|e| AppError::invalid("comment", e.to_string()))
}

/// Comment on a proposal, or reply to a comment (a reply to a reply joins its thread).
pub async fn comment(
    db: &DatabaseConnection,
    who: &person::Model,
    proposal_id: i64,
    reply_to: Option<i64>,
    body: &str,
) -> Result<proposal_comment::Model, AppError> {
    let body = checked(body)?;
    let p = by_id(db, proposal_id).await?;
    if p.stage == Stage::Draft.code() && p.author_id != who.id {
        return Err(AppError::NotFound("There is no such proposal.".into()));
    }
    may_comment(db, who, &p).await?;
    let parent_id = match reply_to {
        None => None,
        Some(id) => {
            let parent = proposal_comment::Entity::find_by_id(id)
                .one(db)
                .await?
                .filter(|c| c.proposal_id == p.id)
                .ok_or_else(|| AppError::invalid("comment", "That comment is not here."))?;
            Some(parent.parent_id.unwrap_or(parent.id))
        }
    };
    Ok(proposal_comment::ActiveModel {
        proposal_id: Set(p.id),
        parent_id: Set(parent_id),
        author_id: Set(who.id),
        body: Set(body),
        created_at: Set(Utc::now()),
        edited_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// Its author edits a comment while the discussion is open; the text it replaces is kept.
pub async fn edit_comment(
    db: &DatabaseConnection,
    who: &person::Model,
    comment_id: i64,
    body: &str,
) -> Result<proposal_comment::Model, AppError> {
    let body = checked(body)?;
    let txn = crate::server::db::begin_write(db).await?;
    let c = proposal_comment::Entity::find_by_id(comment_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such comment.".into()))?;
    if c.author_id != who.id {
        return Err(AppError::Forbidden);
    }
    let p = by_id(&txn, c.proposal_id).await?;
    may_comment(&txn, who, &p).await?;
    if c.body == body {
        txn.commit().await?;
        return Ok(c);
    }
    let now = Utc::now();
    proposal_comment_version::ActiveModel {
        comment_id: Set(c.id),
        body: Set(c.body.clone()),
        at: Set(c.edited_at.unwrap_or(c.created_at)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut a: proposal_comment::ActiveModel = c.into();
    a.body = Set(body);
    a.edited_at = Set(Some(now));
    let c = a.update(&txn).await?;
    txn.commit().await?;
    Ok(c)
}

/// The discussion as `viewer` reads it: comments oldest first, each with its replies.
pub async fn thread(
    db: &impl ConnectionTrait,
    viewer: &person::Model,
    proposal_id: i64,
) -> Result<Vec<CommentLine>, AppError> {
    let comments = proposal_comment::Entity::find()
        .filter(proposal_comment::Column::ProposalId.eq(proposal_id))
        .order_by_asc(proposal_comment::Column::Id)
        .all(db)
        .await?;
    let mut author_ids: Vec<i64> = comments.iter().map(|c| c.author_id).collect();
    author_ids.sort_unstable();
    author_ids.dedup();
    let names: HashMap<i64, String> = if author_ids.is_empty() {
        HashMap::new()
    } else {
        person::Entity::find()
            .filter(person::Column::Id.is_in(author_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect()
    };
    let line = |c: &proposal_comment::Model| CommentLine {
        id: c.id,
        author: names.get(&c.author_id).cloned().unwrap_or_default(),
        body_html: crate::server::markdown::to_html(&c.body),
        // The text as written goes only to its author, who may edit it.
        body: if c.author_id == viewer.id {
            c.body.clone()
        } else {
            String::new()
        },
        at: when(c.created_at),
        edited: c.edited_at.is_some(),
        mine: c.author_id == viewer.id,
        replies: vec![],
    };
    let mut top: Vec<CommentLine> = Vec::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    for c in comments.iter().filter(|c| c.parent_id.is_none()) {
        index.insert(c.id, top.len());
        top.push(line(c));
    }
    for c in comments.iter().filter(|c| c.parent_id.is_some()) {
        if let Some(&i) = c.parent_id.and_then(|p| index.get(&p)) {
            top[i].replies.push(line(c));
        }
    }
    Ok(top)
}

/// The texts a comment had before its edits, oldest first.
pub async fn earlier_texts(
    db: &impl ConnectionTrait,
    comment_id: i64,
) -> Result<Vec<String>, AppError> {
    Ok(proposal_comment_version::Entity::find()
        .filter(proposal_comment_version::Column::CommentId.eq(comment_id))
        .order_by_asc(proposal_comment_version::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|v| v.body)
        .collect())
}
