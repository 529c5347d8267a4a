//! Joining a workshop, as a member or a guest on a device, and finding who is asking.
use crate::domain::membership::Perspective;
use crate::domain::workshop::board::{DISPLAY_NAME_MAX, Fact, Viewer, VoteTarget};
use crate::error::{AppError, Validation};
use crate::server::auth::Who;
use crate::server::entities::{
    workshop, workshop_dot, workshop_note, workshop_participant, workshop_poll_choice,
    workshop_rating, workshop_reflection,
};
use crate::server::live::Live;
use crate::server::tokens;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::agenda::activities;
use super::lookup::{actor, actor_in, by_code_from, by_id, is_facilitator};
use super::notes::remove_dots_on;
use super::snapshot::board;
use super::text;
use crate::model::workshops::{GuestLine, ParticipantPage};
use crate::server::db::conflict_on_unique;
use crate::server::entities::member_perspective;
use sea_orm::PaginatorTrait;

/// Guests one network address may add to one workshop. A room on one hospital Wi-Fi
/// shares an address, so this is generous; the facilitator sees and removes guests.
pub const GUESTS_PER_ADDRESS: u64 = 40;

/// The participant `who` is in this workshop, if they joined and were not removed.
pub async fn participant(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    who: &Who,
) -> Result<Option<workshop_participant::Model>, AppError> {
    Ok(any_participant(db, workshop_id, who)
        .await?
        .filter(|p| p.removed_at.is_none()))
}

/// The participant `who` is or was in this workshop, removed or not.
async fn any_participant(
    db: &impl ConnectionTrait,
    workshop_id: i64,
    who: &Who,
) -> Result<Option<workshop_participant::Model>, AppError> {
    let by = if let Some(p) = &who.person {
        workshop_participant::Column::PersonId.eq(p.id)
    } else if let Some(token) = &who.device_token {
        workshop_participant::Column::DeviceTokenHash.eq(tokens::digest(token))
    } else {
        return Ok(None);
    };
    Ok(workshop_participant::Entity::find()
        .filter(workshop_participant::Column::WorkshopId.eq(workshop_id))
        .filter(by)
        .one(db)
        .await?)
}

pub async fn viewer(
    db: &impl ConnectionTrait,
    w: &workshop::Model,
    who: &Who,
) -> Result<Viewer, AppError> {
    Ok(Viewer {
        participant_id: participant(db, w.id, who).await?.map(|p| p.id),
        facilitator: is_facilitator(w, who),
    })
}

fn perspective_from(code: &str) -> Result<Option<Perspective>, AppError> {
    match code {
        "prefer_not_to_say" => Ok(None),
        c => Perspective::from_code(c).map(Some).ok_or_else(|| {
            AppError::invalid("perspective", "Choose a perspective, or prefer not to say.")
        }),
    }
}

/// What someone joining tells the workshop.
#[derive(Debug, Clone, Default)]
pub struct JoinForm {
    /// A guest's name as others will see it (a member joins under their own).
    pub display_name: String,
    /// A [`Perspective`] code, or `prefer_not_to_say`.
    pub perspective: String,
    /// They agree that readers of the report may see their name with what they wrote.
    pub named_in_report: bool,
}

/// A digest of a guest's network address, salted with the workshop, so the count per
/// address works without keeping addresses.
fn address_digest(w: &workshop::Model, client: &str) -> String {
    tokens::digest(&format!("{}:{}:{client}", w.id, w.join_code))
}

/// Join a workshop: a signed-in person as themselves, anyone else as a guest with a
/// display name, known again by their device token. Joining twice — even twice at the
/// same moment — is joining once. A finished workshop takes no one new, and a guest the
/// facilitator removed cannot come back on the same device.
pub async fn join(
    db: &DatabaseConnection,
    live: &Live,
    w: &workshop::Model,
    who: &Who,
    f: &JoinForm,
    client: &str,
) -> Result<workshop_participant::Model, AppError> {
    if let Some(existing) = any_participant(db, w.id, who).await? {
        if existing.removed_at.is_some() {
            return Err(removed());
        }
        return Ok(existing);
    }
    if w.finished {
        return Err(finished());
    }
    let mut v = Validation::default();
    let perspective = v.take(perspective_from(&f.perspective));
    let name = match &who.person {
        Some(p) => p.name.clone(),
        None => v.take(text(
            "display_name",
            &f.display_name,
            "the name others will see",
            DISPLAY_NAME_MAX,
            true,
        )),
    };
    let (perspective, name) = v.finish_with((perspective, name))?;
    let (token, address) = match (&who.person, &who.device_token) {
        (Some(_), _) => (None, None),
        (None, Some(t)) => (Some(tokens::digest(t)), Some(address_digest(w, client))),
        (None, None) => return Err(AppError::Unauthenticated),
    };
    if let Some(address) = &address {
        let guests = workshop_participant::Entity::find()
            .filter(workshop_participant::Column::WorkshopId.eq(w.id))
            .filter(workshop_participant::Column::GuestAddress.eq(address.as_str()))
            .count(db)
            .await?;
        if guests >= GUESTS_PER_ADDRESS {
            return Err(AppError::invalid(
                "display_name",
                "Too many guests have joined from this network. Ask the facilitator to help you join.",
            ));
        }
    }
    let joined = live
        .write(db, w.id, async |txn| {
            // Read again in the transaction: the facilitator may have finished meanwhile.
            if by_id(txn, w.id).await?.finished {
                return Err(finished());
            }
            let p = workshop_participant::ActiveModel {
                workshop_id: Set(w.id),
                person_id: Set(who.person.as_ref().map(|p| p.id)),
                device_token_hash: Set(token.clone()),
                display_name: Set(name.clone()),
                perspective: Set(perspective.map(|p| p.code().to_owned())),
                joined_at: Set(Utc::now()),
                named_in_report: Set(f.named_in_report),
                guest_address: Set(address.clone()),
                removed_at: Set(None),
                ..Default::default()
            }
            .insert(txn)
            .await
            .map_err(conflict_on_unique("workshop", "You have already joined."))?;
            Ok((p, vec![Fact::Joined { perspective }]))
        })
        .await;
    match joined {
        // The same device or person joining twice at once: the unique key let one in.
        Err(AppError::Conflict(_)) => participant(db, w.id, who).await?.ok_or(AppError::Internal),
        other => other,
    }
}

fn finished() -> AppError {
    AppError::conflict(
        "workshop",
        "This workshop has finished, so it no longer takes new participants.",
    )
}

fn removed() -> AppError {
    AppError::conflict(
        "workshop",
        "The facilitator removed you from this workshop.",
    )
}

/// The participant's page: the board once joined; before that, what the join form needs,
/// or — for a finished workshop — that it takes no one new.
pub async fn participant_page(
    db: &DatabaseConnection,
    code: &str,
    who: &Who,
    client: &str,
) -> Result<ParticipantPage, AppError> {
    let w = by_code_from(db, code, client).await?;
    let viewer = viewer(db, &w, who).await?;
    let board = if viewer.participant_id.is_some() || viewer.facilitator {
        Some(board(db, w.id, viewer).await?)
    } else {
        None
    };
    let my_perspectives = match &who.person {
        Some(p) => member_perspective::Entity::find()
            .filter(member_perspective::Column::PersonId.eq(p.id))
            .all(db)
            .await?
            .into_iter()
            .map(|m| m.perspective)
            .collect(),
        None => vec![],
    };
    Ok(ParticipantPage {
        workshop_id: w.id,
        title: w.title,
        purpose: w.purpose,
        join_code: w.join_code,
        signed_in_as: who.person.as_ref().map(|p| p.name.clone()),
        my_perspectives,
        board,
        facilitating: viewer.facilitator,
        finished: w.finished,
    })
}

/// The guests of a workshop, for its facilitator: who they are and when they joined.
pub async fn guests(
    db: &DatabaseConnection,
    workshop_id: i64,
    who: &Who,
) -> Result<Vec<GuestLine>, AppError> {
    actor_in(db, workshop_id, who).await?.facilitator()?;
    Ok(workshop_participant::Entity::find()
        .filter(workshop_participant::Column::WorkshopId.eq(workshop_id))
        .filter(workshop_participant::Column::PersonId.is_null())
        .order_by_asc(workshop_participant::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| GuestLine {
            id: p.id,
            name: p.display_name,
            perspective: p.perspective.as_deref().and_then(Perspective::from_code),
            joined_at: p.joined_at.format("%H:%M").to_string(),
            removed: p.removed_at.is_some(),
        })
        .collect())
}

/// The facilitator removes a guest (one who stuffed the ballot, say): everything they put
/// on the board goes, and their device cannot join again. Members cannot be removed here.
pub async fn remove_guest(
    db: &DatabaseConnection,
    live: &Live,
    workshop_id: i64,
    who: &Who,
    participant_id: i64,
) -> Result<(), AppError> {
    live.write(db, workshop_id, async |txn| {
        let w = by_id(txn, workshop_id).await?;
        actor(txn, &w, who).await?.facilitator()?;
        let guest = workshop_participant::Entity::find_by_id(participant_id)
            .filter(workshop_participant::Column::WorkshopId.eq(workshop_id))
            .filter(workshop_participant::Column::PersonId.is_null())
            .filter(workshop_participant::Column::RemovedAt.is_null())
            .one(txn)
            .await?
            .ok_or_else(|| AppError::NotFound("That guest is not in this workshop.".into()))?;
        let activities = activities(txn, workshop_id).await?;
        let ids = || activities.iter().map(|a| a.id);
        workshop_dot::Entity::delete_many()
            .filter(workshop_dot::Column::ParticipantId.eq(guest.id))
            .filter(workshop_dot::Column::ActivityId.is_in(ids()))
            .exec(txn)
            .await?;
        workshop_rating::Entity::delete_many()
            .filter(workshop_rating::Column::ParticipantId.eq(guest.id))
            .exec(txn)
            .await?;
        workshop_poll_choice::Entity::delete_many()
            .filter(workshop_poll_choice::Column::ParticipantId.eq(guest.id))
            .exec(txn)
            .await?;
        workshop_reflection::Entity::delete_many()
            .filter(workshop_reflection::Column::ParticipantId.eq(guest.id))
            .exec(txn)
            .await?;
        let notes: Vec<i64> = workshop_note::Entity::find()
            .select_only()
            .column(workshop_note::Column::Id)
            .filter(workshop_note::Column::ParticipantId.eq(guest.id))
            .into_tuple()
            .all(txn)
            .await?;
        for note in &notes {
            remove_dots_on(txn, &activities, VoteTarget::Notes, *note).await?;
        }
        workshop_note::Entity::delete_many()
            .filter(workshop_note::Column::ParticipantId.eq(guest.id))
            .exec(txn)
            .await?;
        let mut removed: workshop_participant::ActiveModel = guest.into();
        removed.removed_at = Set(Some(Utc::now()));
        removed.update(txn).await?;
        Ok(((), vec![Fact::ParticipantRemoved]))
    })
    .await
}
