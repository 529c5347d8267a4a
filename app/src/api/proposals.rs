//! Proposals: starting one, moving it on, voting, and consent's objections. Every door
//! decides on the server, from the proposal's own space and stage, who may do what; each
//! form posts without JavaScript and comes back to the proposal.
use crate::error::AppError;
use crate::model::proposals::{ProposalPage, SpaceProposals};
use leptos::prelude::*;

#[server(endpoint = "get_space_proposals")]
pub async fn get_space_proposals(slug: String) -> Result<SpaceProposals, AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            proposals::space_proposals(&state.db, &viewer, &slug).await
        }
        .await,
    )
}

#[server(endpoint = "get_proposal")]
pub async fn get_proposal(id: i64) -> Result<ProposalPage, AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            proposals::page(&state.db, &viewer, id).await
        }
        .await,
    )
}

#[allow(clippy::too_many_arguments)]
#[server(endpoint = "create_proposal")]
pub async fn create_proposal(
    space: String,
    title: String,
    body: String,
    method: String,
    options: Option<String>,
    quorum_percent: Option<String>,
    threshold_percent: Option<String>,
    threshold_at_least: Option<String>,
    anonymous: Option<String>,
    results_live: Option<String>,
    rule: Option<String>,
    rule_title: Option<String>,
    rule_text: Option<String>,
    kind: Option<String>,
    amount: Option<String>,
    overrides: Option<String>,
    from: Option<String>,
    charter_clause: Option<String>,
    charter_level: Option<String>,
    charter_limit: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let author = auth::require_person(&state).await?;
            let percent = |field: &str, text: &str, default: i16| -> Result<i16, AppError> {
                let text = text.trim().trim_end_matches('%');
                if text.is_empty() {
                    return Ok(default);
                }
                text.parse::<i16>()
                    .map_err(|_| AppError::invalid(field, "Give a whole number from 0 to 100."))
            };
            let form = proposals::ProposalForm {
                space,
                title,
                body,
                method,
                options: options.unwrap_or_default(),
                quorum_percent: percent(
                    "quorum_percent",
                    quorum_percent.as_deref().unwrap_or(""),
                    0,
                )?,
                threshold_percent: percent(
                    "threshold_percent",
                    threshold_percent.as_deref().unwrap_or(""),
                    50,
                )?,
                threshold_at_least: super::checked(threshold_at_least),
                anonymous: super::checked(anonymous),
                results_live: super::checked(results_live),
                rule: rule.unwrap_or_default(),
                rule_title: rule_title.unwrap_or_default(),
                rule_text: rule_text.unwrap_or_default(),
                kind: kind.unwrap_or_default(),
                amount: amount.unwrap_or_default(),
                overrides: overrides.unwrap_or_default(),
                from: from.unwrap_or_default(),
                charter_clause: charter_clause.unwrap_or_default(),
                charter_level: charter_level.unwrap_or_default(),
                charter_limit: charter_limit.unwrap_or_default(),
            };
            let p = proposals::create(&state.db, &author, &form).await?;
            leptos_axum::redirect(&format!("/proposals/{}", p.id));
            Ok(())
        }
        .await,
    )
}

/// The author moves the proposal on: `discussion`, or `voting` until `closes_at`
/// (`YYYY-MM-DDTHH:MM`, UK time).
#[server(endpoint = "move_proposal")]
pub async fn move_proposal(id: i64, to: String, closes_at: Option<String>) -> Result<(), AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            match to.as_str() {
                "discussion" => {
                    proposals::start_discussion(&state.db, &who, id).await?;
                }
                "voting" => {
                    let closes = crate::server::time::from_uk(closes_at.as_deref().unwrap_or(""))
                        .map_err(|why| AppError::invalid("closes_at", why))?;
                    let p = proposals::open_voting(&state.db, &who, id, closes).await?;
                    // Under the advice process, the people named are asked now.
                    proposals::advice::tell_advisers(&state.db, &state.mailer, &state.config, &p)
                        .await?;
                }
                _ => return Err(AppError::invalid("to", "Choose discussion or voting.")),
            }
            leptos_axum::redirect(&format!("/proposals/{id}"));
            Ok(())
        }
        .await,
    )
}

/// Vote: `choice` is `for`/`against`/`abstain` (majority), `consent`, or a gradient's code;
/// a ranked vote sends `rank[]` ("option:place"), a score vote `score[]` ("option:score")
/// and an approval vote `approve[]` (options).
#[server(endpoint = "cast_vote")]
pub async fn cast_vote(
    id: i64,
    key: String,
    choice: Option<String>,
    rank: Option<Vec<String>>,
    score: Option<Vec<String>>,
    approve: Option<Vec<String>>,
) -> Result<(), AppError> {
    use crate::domain::decision::{Ballot, Choice, Gradient, Method};
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            let choice = choice.unwrap_or_default();
            let marks = |sent: Vec<String>| -> Result<Vec<(usize, u8)>, AppError> {
                sent.iter()
                    .map(|m| m.trim())
                    .filter(|m| !m.is_empty())
                    .map(|m| {
                        let (o, n) = m.split_once(':').unwrap_or((m, "1"));
                        Ok((
                            o.parse::<usize>()
                                .map_err(|_| AppError::invalid("vote", "Choose how you vote."))?,
                            n.parse::<u8>()
                                .map_err(|_| AppError::invalid("vote", "Choose how you vote."))?,
                        ))
                    })
                    .collect()
            };
            let (method, sent) = match (rank, score, approve) {
                (Some(r), _, _) => (Some(Method::RankedChoice), r),
                (_, Some(s), _) => (Some(Method::Score), s),
                (_, _, Some(a)) => (Some(Method::Approval), a),
                _ => (None, vec![]),
            };
            let ballot = if let Some(method) = method {
                Ballot::from_marks(method, &marks(sent)?)
                    .map_err(|e| AppError::invalid("vote", e))?
            } else if choice == "consent" {
                Ballot::Consent
            } else if let Some(c) = Choice::from_code(&choice) {
                Ballot::Majority(c)
            } else if let Some(g) = Gradient::from_code(&choice) {
                Ballot::Gradient(g)
            } else {
                return Err(AppError::invalid("vote", "Choose how you vote."));
            };
            proposals::vote(&state.db, &who, id, &ballot, &key).await?;
            // Screens showing the live tally read it again.
            state.live.proposal_changed(&state.db, id).await;
            leptos_axum::redirect(&format!("/proposals/{id}"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "raise_objection")]
pub async fn raise_objection(id: i64, reason: String) -> Result<(), AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            proposals::object(&state.db, &who, id, &reason).await?;
            // Screens showing the live tally read it again.
            state.live.proposal_changed(&state.db, id).await;
            leptos_axum::redirect(&format!("/proposals/{id}"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "answer_objection")]
pub async fn answer_objection(id: i64, objection: i64, answer: String) -> Result<(), AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            // Screens showing the live tally read it again: the objection's own proposal,
            // not the one the form named.
            let changed = proposals::answer(&state.db, &who, objection, &answer).await?;
            state.live.proposal_changed(&state.db, changed).await;
            leptos_axum::redirect(&format!("/proposals/{id}"));
            Ok(())
        }
        .await,
    )
}

/// The objector's `decision`: `withdraw` or `keep`.
#[server(endpoint = "settle_objection")]
pub async fn settle_objection(id: i64, objection: i64, decision: String) -> Result<(), AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            let withdraw = match decision.as_str() {
                "withdraw" => true,
                "keep" => false,
                _ => {
                    return Err(AppError::invalid(
                        "decision",
                        "Choose to withdraw or keep it.",
                    ));
                }
            };
            let changed = proposals::settle_objection(&state.db, &who, objection, withdraw).await?;
            state.live.proposal_changed(&state.db, changed).await;
            leptos_axum::redirect(&format!("/proposals/{id}"));
            Ok(())
        }
        .await,
    )
}

/// The author, or a steward or convener of the space, writes the outcome once voting closed.
#[server(endpoint = "write_outcome")]
pub async fn write_outcome(
    id: i64,
    outcome: String,
    review_on: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            let review_on = match review_on.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(d) => Some(chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(
                    |_| AppError::invalid("review_on", "Give the review date as a date."),
                )?),
            };
            proposals::write_outcome(
                &state.db,
                &state.mailer,
                &state.config,
                &who,
                id,
                &outcome,
                review_on,
            )
            .await?;
            leptos_axum::redirect(&format!("/proposals/{id}"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "get_register")]
pub async fn get_register(
    query: crate::model::proposals::RegisterQuery,
) -> Result<crate::model::proposals::RegisterPage, AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            crate::server::services::membership::require_member_or_team(&state.db, viewer.id)
                .await?;
            proposals::register::page(&state.db, &query).await
        }
        .await,
    )
}

/// What the form to start a proposal in `space` offers, opened for rule change `rule`
/// ("add", "amend:ID", "adapt:ID" or "") or from a workshop's theme or action `from`
/// ("theme:ID", "action:ID" or "").
#[server(endpoint = "get_proposal_start")]
pub async fn get_proposal_start(
    space: String,
    rule: String,
    from: String,
) -> Result<crate::model::rules::ProposalStart, AppError> {
    use crate::server::{
        auth,
        services::{proposals, rules},
    };
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            let mut start = rules::new_proposal(&state.db, &viewer, &space, &rule).await?;
            if let Some(source) =
                proposals::from_workshop::source(&state.db, &viewer, &from).await?
            {
                start.from = from.trim().to_owned();
                start.workshop_title = Some(source.workshop_title);
                start.title = source.title;
                start.body = source.body;
            }
            Ok(start)
        }
        .await,
    )
}

/// A space's rule book.
#[server(endpoint = "get_rule_book")]
pub async fn get_rule_book(slug: String) -> Result<crate::model::rules::RuleBookPage, AppError> {
    use crate::server::{auth, services::rules};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            rules::book(&state.db, &viewer, &slug).await
        }
        .await,
    )
}

/// The charter: which kinds of decision a region takes alone.
#[server(endpoint = "get_charter")]
pub async fn get_charter() -> Result<crate::model::proposals::CharterPage, AppError> {
    use crate::server::{auth, services::charter};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            charter::page(&state.db, &viewer).await
        }
        .await,
    )
}

/// Comment on a proposal, or (`reply_to`) reply to a comment.
#[server(endpoint = "post_comment")]
pub async fn post_comment(
    id: i64,
    reply_to: Option<String>,
    comment: String,
) -> Result<(), AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            let reply_to = match reply_to.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(r) => Some(
                    r.parse::<i64>()
                        .map_err(|_| AppError::invalid("comment", "That comment is not here."))?,
                ),
            };
            let c = proposals::comment(&state.db, &who, id, reply_to, &comment).await?;
            leptos_axum::redirect(&format!("/proposals/{id}#comment-{}", c.id));
            Ok(())
        }
        .await,
    )
}

/// Its author edits a comment.
#[server(endpoint = "edit_comment")]
pub async fn edit_comment(id: i64, comment_id: i64, comment: String) -> Result<(), AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            let c = proposals::edit_comment(&state.db, &who, comment_id, &comment).await?;
            leptos_axum::redirect(&format!("/proposals/{id}#comment-{}", c.id));
            Ok(())
        }
        .await,
    )
}

/// The decisions the signed-in person took part in.
#[server(endpoint = "get_taken_part")]
pub async fn get_taken_part() -> Result<Vec<crate::model::proposals::ProposalLine>, AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let viewer = auth::require_person(&state).await?;
            proposals::taken_part(&state.db, &viewer).await
        }
        .await,
    )
}

/// The author asks someone for advice: `adviser` is their name or e-mail address.
#[server(endpoint = "ask_adviser")]
pub async fn ask_adviser(id: i64, adviser: String) -> Result<(), AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            proposals::advice::ask(&state.db, &state.mailer, &state.config, &who, id, &adviser)
                .await?;
            leptos_axum::redirect(&format!("/proposals/{id}#advice-heading"));
            Ok(())
        }
        .await,
    )
}

/// The author takes someone off the list of those to ask, before the advice opens.
#[server(endpoint = "unask_adviser")]
pub async fn unask_adviser(id: i64, person: i64) -> Result<(), AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            proposals::advice::unask(&state.db, &who, id, person).await?;
            leptos_axum::redirect(&format!("/proposals/{id}#advice-heading"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "give_advice")]
pub async fn give_advice(id: i64, advice: String) -> Result<(), AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            proposals::advice::give(&state.db, &who, id, &advice).await?;
            leptos_axum::redirect(&format!("/proposals/{id}#advice-heading"));
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "answer_advice")]
pub async fn answer_advice(id: i64, advice: i64, answer: String) -> Result<(), AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            proposals::advice::answer(&state.db, &who, id, advice, &answer).await?;
            leptos_axum::redirect(&format!("/proposals/{id}#advice-heading"));
            Ok(())
        }
        .await,
    )
}

/// The author ends the advice early, once everyone asked has given it.
#[server(endpoint = "end_advice")]
pub async fn end_advice(id: i64) -> Result<(), AppError> {
    use crate::server::{auth, services::proposals};
    auth::respond(
        async {
            let state = auth::state()?;
            let who = auth::require_person(&state).await?;
            proposals::advice::end_early(&state.db, &who, id).await?;
            leptos_axum::redirect(&format!("/proposals/{id}"));
            Ok(())
        }
        .await,
    )
}
