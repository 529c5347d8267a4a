//! Funding rounds: thin doors to `services::funding`, which decides who may do what from
//! the round's own space and phase.
use crate::error::AppError;
use crate::model::funding::*;
use leptos::prelude::*;

#[server(endpoint = "funding_rounds")]
pub async fn get_space_rounds(slug: String) -> Result<SpaceRounds, AppError> {
    use crate::server::{auth, services::funding};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            funding::space_rounds(&state.db, viewer.id, &slug).await
        }
        .await,
    )
}

#[server(endpoint = "funding_round")]
pub async fn get_round(id: i64) -> Result<RoundPage, AppError> {
    use crate::server::{auth, services::funding};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            funding::round_page(&state.db, viewer.id, id).await
        }
        .await,
    )
}

#[server(endpoint = "funding_idea")]
pub async fn get_idea(id: i64) -> Result<IdeaPage, AppError> {
    use crate::server::{auth, services::funding};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            funding::idea_page(&state.db, viewer.id, id).await
        }
        .await,
    )
}

#[server(endpoint = "open_funding_round")]
#[allow(clippy::too_many_arguments)]
pub async fn open_round(
    space: String,
    title: String,
    purpose: String,
    asset: String,
    budget: String,
    max_per_project: String,
    voting_style: String,
    choices_min: String,
    choices_max: String,
    result_rule: String,
    shortlist_places: String,
    criteria: String,
    ideas_at: String,
    refinement_at: String,
    shortlisting_at: String,
    voting_at: String,
    voting_closes_at: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::funding};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            let form = RoundForm {
                title,
                purpose,
                asset,
                budget,
                max_per_project,
                voting_style,
                choices_min,
                choices_max,
                result_rule,
                shortlist_places,
                criteria,
                ideas_at,
                refinement_at,
                shortlisting_at,
                voting_at,
                voting_closes_at,
            };
            let id = funding::open(&state.db, actor.id, &space, &form).await?;
            leptos_axum::redirect(&format!("/funding/{id}"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "post_funding_idea")]
pub async fn post_idea(
    round: i64,
    title: String,
    summary: String,
    amount: String,
    team: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::funding};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            let form = IdeaForm {
                title,
                summary,
                amount,
                team,
            };
            let id = funding::post(&state.db, who.id, round, &form).await?;
            leptos_axum::redirect(&format!("/funding/ideas/{id}"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "revise_funding_idea")]
pub async fn revise_idea(
    idea: i64,
    title: String,
    summary: String,
    amount: String,
    team: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::funding};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            let form = IdeaForm {
                title,
                summary,
                amount,
                team,
            };
            funding::revise(&state.db, who.id, idea, &form)
                .await
                .map(|_| ())
        }
        .await,
    )
}

#[server(endpoint = "comment_funding_idea")]
pub async fn comment_idea(idea: i64, body: String) -> Result<(), AppError> {
    use crate::server::{auth, services::funding};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            funding::comment(&state.db, who.id, idea, &body).await
        }
        .await,
    )
}

#[server(endpoint = "back_funding_idea")]
pub async fn back_idea(idea: i64, backing: String) -> Result<(), AppError> {
    use crate::server::{auth, services::funding};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            let how = funding::Backing::from_code(&backing)
                .ok_or_else(|| AppError::invalid("backing", "Choose how to back the idea."))?;
            funding::back(&state.db, who.id, idea, how).await
        }
        .await,
    )
}

#[server(endpoint = "propose_funding_idea")]
pub async fn propose_idea(idea: i64) -> Result<(), AppError> {
    use crate::server::{auth, services::funding};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            funding::propose(&state.db, who.id, idea).await
        }
        .await,
    )
}

#[server(endpoint = "funding_panelist")]
pub async fn add_panelist(round: i64, email: String) -> Result<(), AppError> {
    use crate::server::{auth, services::funding};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            funding::add_panelist(&state.db, actor.id, round, &email).await
        }
        .await,
    )
}

#[server(endpoint = "funding_conflict")]
pub async fn declare_conflict(idea: i64, reason: String) -> Result<(), AppError> {
    use crate::server::{auth, services::funding};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            funding::declare_conflict(&state.db, who.id, idea, &reason).await
        }
        .await,
    )
}

#[server(endpoint = "funding_score")]
pub async fn score_proposal(
    idea: i64,
    score: Option<Vec<String>>,
    comment: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::funding};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            let scores = score
                .unwrap_or_default()
                .iter()
                .map(|s| s.trim().parse::<i32>().unwrap_or(0))
                .collect::<Vec<_>>();
            funding::score(&state.db, who.id, idea, &scores, &comment).await
        }
        .await,
    )
}

#[server(endpoint = "funding_ballot")]
pub async fn cast_ballot(round: i64, choices: Option<Vec<String>>) -> Result<(), AppError> {
    use crate::server::{auth, services::funding};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            let chosen = choices
                .unwrap_or_default()
                .iter()
                .map(|c| {
                    c.trim().parse::<i64>().map_err(|_| {
                        AppError::invalid(
                            "choices",
                            "One of the projects chosen is not on this round's ballot.",
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            funding::cast(&state.db, who.id, round, &chosen)
                .await
                .map(|_| ())
        }
        .await,
    )
}

#[server(endpoint = "funding_close_phase")]
pub async fn close_phase(round: i64, reason: String) -> Result<(), AppError> {
    use crate::server::{auth, services::funding};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            funding::close_early(&state.db, actor.id, round, &reason).await
        }
        .await,
    )
}

#[server(endpoint = "funding_confirm")]
pub async fn confirm_results(round: i64) -> Result<(), AppError> {
    use crate::server::{auth, services::funding};
    auth::respond(
        async {
            let state = auth::state()?;
            let actor = auth::require_person(&state).await?;
            funding::confirm(&state.db, actor.id, round).await
        }
        .await,
    )
}

#[server(endpoint = "funding_update")]
pub async fn post_update(idea: i64, body: String) -> Result<(), AppError> {
    use crate::server::{auth, services::funding};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            funding::post_update(&state.db, who.id, idea, &body).await
        }
        .await,
    )
}
