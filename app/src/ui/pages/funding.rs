//! Funding rounds (`/spaces/:slug/funding`, `/funding/:id`, `/funding/ideas/:id`): a
//! space's rounds, a round's page shaped by its phase (ideas, proposals, the panel, the
//! ballot, the results with every project's votes and reason) and an idea's page. Plain
//! HTML forms: nothing here needs WASM to work on a phone.
use crate::api::funding::*;
use crate::domain::funding::{ResultRule, VotingStyle};
use crate::model::funding::*;
use crate::ui::form::{Field, FormError, SelectField, Submit, TextAreaField, action_error};
use crate::ui::widgets::{id_param, problem, server_data};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_owned(), label(*v).to_owned()))
        .collect()
}

#[component]
pub fn SpaceRoundsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let open = ServerAction::<OpenRound>::new();
    let page = server_data(slug, get_space_rounds);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Funding rounds", e),
                Ok(p) => view! { <Rounds page=p open /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Rounds(page: SpaceRounds, open: ServerAction<OpenRound>) -> impl IntoView {
    let title = format!("Funding rounds of {}", page.space_name);
    let slug = page.space_slug.clone();
    view! {
        <Title text=title.clone() />
        <section class="panel">
            <p class="kind"><a href=format!("/spaces/{slug}")>{page.space_name.clone()}</a></p>
            <h1>{title}</h1>
            <p class="lead">"Members put forward ideas, refine them into proposals, a panel of members shortlists, and everyone votes on what the pot funds."</p>
            {if page.rounds.is_empty() {
                view! { <p>"No funding rounds yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="directory">
                        {page.rounds.into_iter().map(|r| view! {
                            <li class="directory__item">
                                <a class="directory__name" href=format!("/funding/{}", r.id)>{r.title}</a>
                                <span class="meta">{format!("{} · {} to spend", r.phase, r.budget)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {(page.may_steward).then(|| view! { <OpenRoundForm slug=slug.clone() pots=page.pots.clone() open /> })}
    }
}

#[component]
fn OpenRoundForm(
    slug: String,
    pots: Vec<(i64, String)>,
    open: ServerAction<OpenRound>,
) -> impl IntoView {
    let error = action_error(open);
    if pots.is_empty() {
        return view! {
            <section class="panel narrow">
                <h2>"Open a funding round"</h2>
                <p>"A round spends a funding pot: "<a href=format!("/spaces/{slug}/assets")>"add one to the register"</a>" first."</p>
            </section>
        }
        .into_any();
    }
    let pots: Vec<(String, String)> = pots
        .into_iter()
        .map(|(id, l)| (id.to_string(), l))
        .collect();
    let styles = choices(VotingStyle::ALL, VotingStyle::code, VotingStyle::label);
    let rules = choices(ResultRule::ALL, ResultRule::code, ResultRule::label);
    view! {
        <section class="panel narrow" aria-labelledby="open-round-heading">
            <h2 id="open-round-heading">"Open a funding round"</h2>
            <p class="meta">"Its budget, limits, voting style, result rule, criteria and dates are published now and cannot change once it opens."</p>
            <ActionForm action=open attr:class="stack" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="space" value=slug />
                <Field label="Title" name="title" maxlength=200 hint="For example: Small grants 2027." error />
                <TextAreaField label="What it is for" name="purpose" maxlength=4_000 error />
                <SelectField label="Funding pot" name="asset" options=pots error />
                <Field label="Budget (£)" name="budget" input_type="text" error />
                <Field label="Most a project may ask for (£)" name="max_per_project" error />
                <SelectField label="How members vote" name="voting_style" options=styles error />
                <Field label="Approval: fewest projects a ballot chooses" name="choices_min" input_type="number" initial="1" required=false error />
                <Field label="Approval: most projects a ballot chooses" name="choices_max" input_type="number" initial="3" required=false error />
                <SelectField label="How ballots become funded projects" name="result_rule" options=rules error />
                <Field label="Proposals shortlisted" name="shortlist_places" input_type="number" initial="10" error />
                <TextAreaField label="Criteria the panel scores against" name="criteria" maxlength=2_000 hint="One a line, such as: Impact on patients and carers." error />
                <Field label="Ideas open" name="ideas_at" input_type="datetime-local" error />
                <Field label="Refinement begins" name="refinement_at" input_type="datetime-local" error />
                <Field label="Shortlisting begins" name="shortlisting_at" input_type="datetime-local" error />
                <Field label="Voting opens" name="voting_at" input_type="datetime-local" error />
                <Field label="Voting closes" name="voting_closes_at" input_type="datetime-local" error />
                <Submit label="Open the round" pending=open.pending() />
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
pub fn RoundPageView() -> impl IntoView {
    let id = id_param();
    let acts = RoundActions {
        post: ServerAction::<PostIdea>::new(),
        ballot: ServerAction::<CastBallot>::new(),
        close: ServerAction::<ClosePhase>::new(),
        panel: ServerAction::<AddPanelist>::new(),
        confirm: ServerAction::<ConfirmResults>::new(),
    };
    let page = server_data(
        move || {
            (
                id(),
                acts.ballot.version().get()
                    + acts.close.version().get()
                    + acts.panel.version().get()
                    + acts.confirm.version().get(),
            )
        },
        |(id, _)| get_round(id),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Funding round", e),
                Ok(p) => view! { <Round page=p acts /> }.into_any(),
            })}
        </Suspense>
    }
}

#[derive(Clone, Copy)]
struct RoundActions {
    post: ServerAction<PostIdea>,
    ballot: ServerAction<CastBallot>,
    close: ServerAction<ClosePhase>,
    panel: ServerAction<AddPanelist>,
    confirm: ServerAction<ConfirmResults>,
}

#[component]
fn Round(page: RoundPage, acts: RoundActions) -> impl IntoView {
    let phase = page.phase.clone().unwrap_or_default();
    let counted = matches!(phase.as_str(), "results" | "delivery");
    view! {
        <Title text=page.title.clone() />
        <section class="panel">
            <p class="kind"><a href=format!("/spaces/{}/funding", page.space_slug)>{format!("Funding rounds of {}", page.space_name)}</a></p>
            <h1>{page.title.clone()}</h1>
            <p class="lead">{page.purpose.clone()}</p>
            <p><span class="badge">{page.phase_label.clone()}</span></p>
            <dl class="facts">
                <dt>"Budget"</dt><dd>{page.budget.clone()}" from "<a href=format!("/assets/{}", page.asset_id)>{page.asset_name.clone()}</a></dd>
                <dt>"Most a project may ask for"</dt><dd>{page.max_per_project.clone()}</dd>
                <dt>"Voting"</dt><dd>{page.choosing.clone()}</dd>
                <dt>"Result rule"</dt><dd>{page.result_rule.clone()}</dd>
                <dt>"Shortlist"</dt><dd>{format!("The {} proposals with the highest mean panel score; ties go to more scores given, then the earlier proposal.", page.shortlist_places)}</dd>
            </dl>
            <h2>"Criteria"</h2>
            <ol>{page.criteria.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}</ol>
            <h2>"Phases"</h2>
            <ol class="phases">
                {page.phases.iter().map(|p| view! {
                    <li class:phases__current=p.current aria-current=p.current.then_some("step")>
                        <strong>{p.name.clone()}</strong>" — from "{p.begins.clone()}
                        {p.closed_early.clone().map(|c| view! { <br /><span class="meta">{c}</span> })}
                    </li>
                }).collect_view()}
                {page.delivery_from.clone().map(|at| view! {
                    <li class="phases__current" aria-current="step"><strong>"Delivery"</strong>" — from "{at}</li>
                })}
            </ol>
        </section>
        {(phase == "ideas" && page.may_take_part).then(|| view! { <PostIdeaForm round=page.id post=acts.post /> })}
        {(phase == "voting").then(|| view! { <Ballot page=page.clone() ballot=acts.ballot /> })}
        {if counted { view! { <Results page=page.clone() /> }.into_any() } else { view! { <IdeaList page=page.clone() /> }.into_any() }}
        {page.may_steward.then(|| view! { <StewardPanel page=page.clone() acts /> })}
    }
}

#[component]
fn PostIdeaForm(round: i64, post: ServerAction<PostIdea>) -> impl IntoView {
    let error = action_error(post);
    view! {
        <section class="panel narrow" aria-labelledby="post-idea-heading">
            <h2 id="post-idea-heading">"Post an idea"</h2>
            <ActionForm action=post attr:class="stack" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="round" value=round.to_string() />
                <Field label="Title" name="title" maxlength=200 error />
                <TextAreaField label="What you would do, and why" name="summary" maxlength=4_000 error />
                <Field label="How much it needs (£)" name="amount" error />
                <Field label="Who is in the team" name="team" maxlength=300 required=false error />
                <Submit label="Post the idea" pending=post.pending() />
            </ActionForm>
        </section>
    }
}

#[component]
fn IdeaList(page: RoundPage) -> impl IntoView {
    let heading = match page.phase.as_deref() {
        Some("voting") => "On the ballot",
        Some("shortlisting") | Some("refinement") => "Ideas and proposals",
        _ => "Ideas",
    };
    view! {
        <section class="panel" aria-labelledby="ideas-heading">
            <h2 id="ideas-heading">{heading}</h2>
            {if page.ideas.is_empty() {
                view! { <p>"Nothing posted yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="directory">
                        {page.ideas.into_iter().map(|i| view! {
                            <li class="directory__item">
                                <a class="directory__name" href=format!("/funding/ideas/{}", i.id)>{i.title.clone()}</a>
                                <span class="meta">{format!("{} · by {}", i.amount, i.author)}</span>
                                <span class="tags">
                                    {i.is_proposal.then(|| view! { <span class="tag">{format!("Proposal, version {}", i.version)}</span> })}
                                    {i.shortlisted.then(|| view! { <span class="tag tag--role">"Shortlisted"</span> })}
                                    <span class="tag tag--done">{format!("{} supporting · {} comments", i.supporters, i.comments)}</span>
                                </span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Ballot(page: RoundPage, ballot: ServerAction<CastBallot>) -> impl IntoView {
    let error = action_error(ballot);
    let mine = page.my_ballot.clone();
    let chosen: Vec<i64> = mine.as_ref().map(|(c, _)| c.clone()).unwrap_or_default();
    let knapsack = page.style_code == VotingStyle::Knapsack.code();
    let left = {
        let spent: u64 = page
            .ideas
            .iter()
            .filter(|i| chosen.contains(&i.id))
            .map(|i| i.amount_pence)
            .sum();
        crate::domain::funding::pounds(page.budget_pence.saturating_sub(spent))
    };
    // The projects as (id, "title — £cost", cost), and those ticked: the ballot cast, or
    // what was sent if the form came back with an error.
    let projects: Vec<(i64, String, u64)> = page
        .ideas
        .iter()
        .map(|i| (i.id, format!("{} — {}", i.title, i.amount), i.amount_pence))
        .collect();
    let ticked: Vec<i64> = projects
        .iter()
        .map(|p| p.0)
        .filter(|id| {
            if error.came_back() {
                error.chosen("choices[]", &id.to_string())
            } else {
                chosen.contains(id)
            }
        })
        .collect();
    if !page.is_elector {
        return view! {
            <section class="panel narrow"><h2>"Vote"</h2>
                <p>{if page.may_take_part { "Only those who were members here when voting opened can vote in this round." } else { "This round is for the members of its space." }}</p>
            </section>
        }.into_any();
    }
    view! {
        <section class="panel narrow" aria-labelledby="ballot-heading">
            <h2 id="ballot-heading">"Your ballot"</h2>
            <p>{page.choosing.clone()}" You can change your ballot until voting closes; the last one you cast counts."</p>
            {mine.map(|(_, at)| view! { <p class="notice" role="status">{format!("Your ballot was cast at {at}.")}{knapsack.then(|| format!(" It leaves {left} of the budget."))}</p> })}
            <ActionForm action=ballot attr:class="stack" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="round" value=page.id.to_string() />
                {move || error.get().and_then(|e| e.message_for("choices").map(str::to_owned)).map(|m| view! { <p class="field__error" id="field-choices-error" role="alert">{m}</p> })}
                {if knapsack {
                    view! {
                        <crate::ui::widgets::IslandScripts lazy="knapsack_choices_loader" />
                        <KnapsackChoices budget=page.budget_pence projects=projects chosen=ticked />
                    }.into_any()
                } else {
                    view! {
                        <fieldset class="field checkboxes">
                            <legend>"Projects"</legend>
                            {projects.into_iter().map(|(id, label, _)| {
                                let input = format!("choice-{id}");
                                view! {
                                    <div class="checkbox">
                                        <input type="checkbox" id=input.clone() name="choices[]" value=id.to_string() checked=ticked.contains(&id) />
                                        <label for=input>{label}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                    }.into_any()
                }}
                <Submit label="Cast my ballot" pending=ballot.pending() />
            </ActionForm>
        </section>
    }
    .into_any()
}

#[component]
fn Results(page: RoundPage) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="results-heading">
            <h2 id="results-heading">"Results"</h2>
            {page.spent.clone().map(|(spent, left)| view! { <p class="lead">{format!("{spent} funded of {}; {left} left. Counted by the rule published when the round opened: {}.", page.budget, page.result_rule.to_lowercase())}</p> })}
            <div class="table-wrap" tabindex="0" role="region" aria-label="Results">
                <table class="results">
                    <caption class="visually-hidden">"Every project on the ballot, its votes and why it was or was not funded"</caption>
                    <thead><tr><th scope="col">"Project"</th><th scope="col">"Cost"</th><th scope="col">"Votes"</th><th scope="col">"Outcome"</th></tr></thead>
                    <tbody>
                        {page.ideas.iter().map(|i| view! {
                            <tr class:results__funded=i.funded>
                                <td><a href=format!("/funding/ideas/{}", i.id)>{i.title.clone()}</a></td>
                                <td class="num"><span class="results__label">"Cost "</span>{i.amount.clone()}</td>
                                <td class="num"><span class="results__label">"Votes "</span>{i.votes.unwrap_or(0)}</td>
                                <td>{i.outcome.clone().unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p>{format!("{} of {} members who could vote cast a ballot.", page.ballots_cast, page.eligible_count.unwrap_or(0))}" "<a href=format!("/funding/{}/ballots.csv", page.id) download="">"Download the ballots"</a>" to count them again."</p>
            {(!page.by_perspective.is_empty()).then(|| view! {
                <h3>"Who voted, by perspective"</h3>
                <div class="table-wrap" tabindex="0" role="region" aria-label="Votes by perspective">
                    <table class="tally">
                        <caption class="visually-hidden">"Members who could vote and who voted, by the perspectives they hold"</caption>
                        <thead><tr><th scope="col">"Perspective"</th><th scope="col">"Could vote"</th><th scope="col">"Voted"</th></tr></thead>
                        <tbody>
                            {page.by_perspective.iter().map(|p| view! {
                                <tr><td>{p.perspective.clone()}</td><td class="num">{p.electors}</td><td class="num">{p.voted}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
}

#[component]
fn StewardPanel(page: RoundPage, acts: RoundActions) -> impl IntoView {
    let close_error = action_error(acts.close);
    let panel_error = action_error(acts.panel);
    let confirm_error = action_error(acts.confirm);
    let phase = page.phase.clone().unwrap_or_default();
    let may_close = matches!(
        phase.as_str(),
        "ideas" | "refinement" | "shortlisting" | "voting"
    );
    let may_add = matches!(phase.as_str(), "" | "ideas" | "refinement" | "shortlisting");
    let id = page.id;
    view! {
        <section class="panel narrow" aria-labelledby="steward-heading">
            <h2 id="steward-heading">"Stewarding this round"</h2>
            <h3>"Panel"</h3>
            {if page.panel.is_empty() { view! { <p>"No one on the panel yet."</p> }.into_any() } else {
                view! { <ul aria-label="The panel">{page.panel.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul> }.into_any()
            }}
            {may_add.then(|| view! {
                <ActionForm action=acts.panel attr:class="stack" attr:novalidate=true>
                    <FormError error=panel_error />
                    <input type="hidden" name="round" value=id.to_string() />
                    <Field label="Add a member to the panel (their email address)" name="email" input_type="email" error=panel_error />
                    <Submit label="Add to the panel" pending=acts.panel.pending() />
                </ActionForm>
            })}
            {may_close.then(|| view! {
                <h3>{format!("Close the {} phase early", page.phase_label.to_lowercase())}</h3>
                <ActionForm action=acts.close attr:class="stack" attr:novalidate=true>
                    <FormError error=close_error />
                    <input type="hidden" name="round" value=id.to_string() />
                    <TextAreaField label="Why it closes early" name="reason" maxlength=4_000 hint="Recorded on the round for every member to read." error=close_error />
                    <Submit label="Close it now" pending=acts.close.pending() />
                </ActionForm>
            })}
            {(phase == "results" && !page.confirmed).then(|| view! {
                <h3>"Confirm the results"</h3>
                <p>"Each funded project's award is recorded as an allocation from the pot."</p>
                <ActionForm action=acts.confirm attr:class="stack">
                    <FormError error=confirm_error />
                    <input type="hidden" name="round" value=id.to_string() />
                    <Submit label="Confirm and allocate" pending=acts.confirm.pending() />
                </ActionForm>
            })}
        </section>
    }
}

#[component]
pub fn IdeaPageView() -> impl IntoView {
    let id = id_param();
    let acts = IdeaActions {
        comment: ServerAction::<CommentIdea>::new(),
        back: ServerAction::<BackIdea>::new(),
        propose: ServerAction::<ProposeIdea>::new(),
        revise: ServerAction::<ReviseIdea>::new(),
        score: ServerAction::<ScoreProposal>::new(),
        conflict: ServerAction::<DeclareConflict>::new(),
        update: ServerAction::<PostUpdate>::new(),
    };
    let page = server_data(
        move || {
            (
                id(),
                acts.comment.version().get()
                    + acts.back.version().get()
                    + acts.propose.version().get()
                    + acts.revise.version().get()
                    + acts.score.version().get()
                    + acts.conflict.version().get()
                    + acts.update.version().get(),
            )
        },
        |(id, _)| get_idea(id),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Idea", e),
                Ok(p) => view! { <Idea page=p acts /> }.into_any(),
            })}
        </Suspense>
    }
}

#[derive(Clone, Copy)]
struct IdeaActions {
    comment: ServerAction<CommentIdea>,
    back: ServerAction<BackIdea>,
    propose: ServerAction<ProposeIdea>,
    revise: ServerAction<ReviseIdea>,
    score: ServerAction<ScoreProposal>,
    conflict: ServerAction<DeclareConflict>,
    update: ServerAction<PostUpdate>,
}

#[component]
fn Idea(page: IdeaPage, acts: IdeaActions) -> impl IntoView {
    let l = page.line.clone();
    let phase = page.phase.clone().unwrap_or_default();
    let may_back =
        page.may_take_part && !page.is_author && matches!(phase.as_str(), "ideas" | "refinement");
    let may_comment = page.may_take_part
        && matches!(
            phase.as_str(),
            "ideas" | "refinement" | "shortlisting" | "voting"
        );
    view! {
        <Title text=l.title.clone() />
        <section class="panel">
            <p class="kind"><a href=format!("/funding/{}", page.round_id)>{page.round_title.clone()}</a></p>
            <h1>{l.title.clone()}</h1>
            <p class="lead"><strong>{l.amount.clone()}</strong>{format!(" · by {}", l.author)}
                {(!l.co_authors.is_empty()).then(|| format!(" with {}", l.co_authors.join(", ")))}</p>
            <p class="tags">
                {l.is_proposal.then(|| view! { <span class="tag">{format!("Proposal, version {}", l.version)}</span> })}
                {l.shortlisted.then(|| view! { <span class="tag tag--role">"Shortlisted"</span> })}
                {l.funded.then(|| view! { <span class="tag tag--role">"Funded"</span> })}
                <span class="tag tag--done">{format!("{} supporting", l.supporters)}</span>
            </p>
            <p class="prose">{l.summary.clone()}</p>
            {(!page.team.is_empty()).then(|| view! { <p><strong>"Team: "</strong>{page.team.clone()}</p> })}
            {l.score.clone().map(|s| view! { <p class="meta">{format!("Panel: {s}")}</p> })}
            {l.outcome.clone().map(|o| view! { <p class="notice">{format!("{} votes. {o}", l.votes.unwrap_or(0))}</p> })}
            {may_back.then(|| view! { <Backing page=page.clone() back=acts.back /> })}
            {page.may_propose.then(|| {
                let error = action_error(acts.propose);
                view! {
                    <ActionForm action=acts.propose attr:class="stack">
                        <FormError error />
                        <input type="hidden" name="idea" value=l.id.to_string() />
                        <p class="meta">"Each member makes one proposal in a round. Its text becomes version 1; you can revise it until shortlisting."</p>
                        <Submit label="Make this my proposal" pending=acts.propose.pending() />
                    </ActionForm>
                }
            })}
        </section>
        {page.may_revise.then(|| view! { <Revise page=page.clone() revise=acts.revise /> })}
        {page.may_score.then(|| view! { <Score page=page.clone() score=acts.score /> })}
        {page.my_conflict.clone().map(|c| view! {
            <section class="panel narrow"><p class="notice">{format!("You declared a conflict of interest: {c}. You do not score this proposal.")}</p></section>
        })}
        <PanelConflict page=page.clone() conflict=acts.conflict />
        {(!page.scores.is_empty()).then(|| view! { <Scores page=page.clone() /> })}
        {(!page.updates.is_empty() || page.may_post_update).then(|| view! { <Updates page=page.clone() update=acts.update /> })}
        <section class="panel" aria-labelledby="comments-heading">
            <h2 id="comments-heading">"Comments"</h2>
            {if page.comments.is_empty() { view! { <p>"No comments yet."</p> }.into_any() } else {
                view! { <ul class="directory">{page.comments.iter().map(|c| view! {
                    <li class="directory__item">
                        <span class="meta">{format!("{} · {}", c.author, c.at)}{c.by_author.then(|| " · author")}</span>
                        <p class="prose">{c.body.clone()}</p>
                    </li>
                }).collect_view()}</ul> }.into_any()
            }}
            {may_comment.then(|| {
                let error = action_error(acts.comment);
                view! {
                    <ActionForm action=acts.comment attr:class="stack" attr:novalidate=true>
                        <FormError error />
                        <input type="hidden" name="idea" value=l.id.to_string() />
                        <TextAreaField label="Your comment" name="body" maxlength=4_000 error />
                        <Submit label="Comment" pending=acts.comment.pending() />
                    </ActionForm>
                }
            })}
        </section>
        {(page.versions.len() > 1).then(|| view! {
            <section class="panel" aria-labelledby="versions-heading">
                <h2 id="versions-heading">"Earlier versions"</h2>
                {page.versions.iter().skip(1).map(|v| view! {
                    <details>
                        <summary>{format!("Version {} · {} · {}", v.version, v.amount, v.written)}</summary>
                        <h3>{v.title.clone()}</h3>
                        <p class="prose">{v.summary.clone()}</p>
                        <p class="meta">{v.team.clone()}</p>
                    </details>
                }).collect_view()}
            </section>
        })}
    }
}

#[component]
fn Backing(page: IdeaPage, back: ServerAction<BackIdea>) -> impl IntoView {
    let error = action_error(back);
    let id = page.line.id.to_string();
    let button = move |backing: &'static str, label: &'static str| {
        let id = id.clone();
        view! {
            <ActionForm action=back attr:class="inline-form">
                <input type="hidden" name="idea" value=id />
                <input type="hidden" name="backing" value=backing />
                <button type="submit" class="button button--secondary">{label}</button>
            </ActionForm>
        }
    };
    view! {
        <FormError error />
        <div class="actions">
            {(!page.supports).then(|| button("support", "Support this idea"))}
            {(!page.co_author).then(|| button("co_author", "Join as a co-author"))}
            {page.supports.then(|| button("withdraw", if page.co_author { "Leave as a co-author" } else { "Stop supporting" }))}
        </div>
    }
}

#[component]
fn Revise(page: IdeaPage, revise: ServerAction<ReviseIdea>) -> impl IntoView {
    let error = action_error(revise);
    let l = page.line;
    let amount = l.amount.trim_start_matches('£').to_owned();
    view! {
        <section class="panel narrow" aria-labelledby="revise-heading">
            <h2 id="revise-heading">"Revise the proposal"</h2>
            <p class="meta">"Each revision is kept as a new version; answer comments by revising, or by commenting."</p>
            <ActionForm action=revise attr:class="stack" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="idea" value=l.id.to_string() />
                <Field label="Title" name="title" maxlength=200 initial=l.title.clone() error />
                <TextAreaField label="What you would do, and why" name="summary" maxlength=4_000 initial=l.summary.clone() error />
                <Field label="How much it needs (£)" name="amount" initial=amount error />
                <Field label="Who is in the team" name="team" maxlength=300 required=false initial=page.team.clone() error />
                <Submit label="Save as a new version" pending=revise.pending() />
            </ActionForm>
        </section>
    }
}

#[component]
fn Score(page: IdeaPage, score: ServerAction<ScoreProposal>) -> impl IntoView {
    let error = action_error(score);
    let options: Vec<(String, String)> = (1..=5).map(|n| (n.to_string(), n.to_string())).collect();
    view! {
        <section class="panel narrow" aria-labelledby="score-heading">
            <h2 id="score-heading">"Score this proposal"</h2>
            <p class="meta">"1 is weak, 5 is strong. Scoring again replaces your scores. Your scores are published with the shortlist."</p>
            <ActionForm action=score attr:class="stack" attr:novalidate=true>
                <FormError error />
                {move || error.get().and_then(|e| e.message_for("score").map(str::to_owned)).map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
                <input type="hidden" name="idea" value=page.line.id.to_string() />
                {page.criteria.iter().enumerate().map(|(n, c)| {
                    let id = format!("score-{n}");
                    view! {
                        <div class="field">
                            <label for=id.clone()>{c.clone()}</label>
                            <select id=id name="score[]" required=true>
                                {options.iter().map(|(v, t)| view! { <option value=v.clone() selected=v == "3">{t.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                    }
                }).collect_view()}
                <TextAreaField label="Comment" name="comment" maxlength=4_000 required=false error />
                <Submit label="Save my scores" pending=score.pending() />
            </ActionForm>
        </section>
    }
}

#[component]
fn PanelConflict(page: IdeaPage, conflict: ServerAction<DeclareConflict>) -> impl IntoView {
    let error = action_error(conflict);
    let phase = page.phase.clone().unwrap_or_default();
    let open = matches!(phase.as_str(), "ideas" | "refinement" | "shortlisting");
    let show = open && page.line.is_proposal && page.may_score;
    show.then(|| view! {
        <section class="panel narrow" aria-labelledby="conflict-heading">
            <h2 id="conflict-heading">"Declare a conflict of interest"</h2>
            <ActionForm action=conflict attr:class="stack" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="idea" value=page.line.id.to_string() />
                <TextAreaField label="What the conflict is" name="reason" maxlength=4_000 hint="For example: I work in the team. You will not score this proposal." error />
                <Submit label="Declare it" pending=conflict.pending() />
            </ActionForm>
        </section>
    })
}

#[component]
fn Scores(page: IdeaPage) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="scores-heading">
            <h2 id="scores-heading">"The panel's scores"</h2>
            {(page.conflicts > 0).then(|| view! { <p class="meta">{format!("{} panel member{} declared a conflict of interest and did not score it.", page.conflicts, if page.conflicts == 1 { "" } else { "s" })}</p> })}
            <div class="table-wrap" tabindex="0" role="region" aria-label="The panel's scores">
                <table class="tally">
                    <caption class="visually-hidden">"Each panel member's score for each criterion, 1 to 5"</caption>
                    <thead><tr><th scope="col">"Panel member"</th>{page.criteria.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}<th scope="col">"Comment"</th></tr></thead>
                    <tbody>
                        {page.scores.iter().map(|s| view! {
                            <tr><td>{s.panelist.clone()}</td>{s.scores.iter().map(|n| view! { <td class="num">{*n}</td> }).collect_view()}<td>{s.comment.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn Updates(page: IdeaPage, update: ServerAction<PostUpdate>) -> impl IntoView {
    let error = action_error(update);
    view! {
        <section class="panel" aria-labelledby="updates-heading">
            <h2 id="updates-heading">"Delivery updates"</h2>
            {page.updates.iter().map(|u| view! {
                <article class="update"><p class="meta">{format!("{} · {}", u.author, u.at)}</p><p class="prose">{u.body.clone()}</p></article>
            }).collect_view()}
            {page.may_post_update.then(|| view! {
                <ActionForm action=update attr:class="stack" attr:novalidate=true>
                    <FormError error />
                    <input type="hidden" name="idea" value=page.line.id.to_string() />
                    <TextAreaField label="Progress update" name="body" maxlength=4_000 error />
                    <Submit label="Post the update" pending=update.pending() />
                </ActionForm>
            })}
        </section>
    }
}

/// A knapsack ballot's projects, with what is left of the budget shown as members choose.
/// The same checkboxes post without WASM (the server then says what is left, or by how
/// much a ballot is over); lazy, so only this screen fetches its code.
#[island(lazy)]
fn KnapsackChoices(
    budget: u64,
    projects: Vec<(i64, String, u64)>,
    chosen: Vec<i64>,
) -> impl IntoView {
    crate::ui::widgets::mark_hydrated();
    let ticked = RwSignal::new(chosen);
    let costs: Vec<(i64, u64)> = projects.iter().map(|(id, _, cost)| (*id, *cost)).collect();
    let spent = Memo::new(move |_| {
        ticked.with(|t| {
            costs
                .iter()
                .filter(|(id, _)| t.contains(id))
                .map(|(_, c)| *c)
                .sum::<u64>()
        })
    });
    let left = {
        move || {
            let spent = spent.get();
            if spent > budget {
                format!(
                    "{} over the budget of {}: leave a project out.",
                    crate::domain::funding::pounds(spent - budget),
                    crate::domain::funding::pounds(budget)
                )
            } else {
                format!(
                    "{} of {} left.",
                    crate::domain::funding::pounds(budget - spent),
                    crate::domain::funding::pounds(budget)
                )
            }
        }
    };
    view! {
        <fieldset class="field checkboxes">
            <legend>"Projects"</legend>
            {projects.into_iter().map(|(id, label, _)| {
                let input = format!("choice-{id}");
                let checked = ticked.with_untracked(|t| t.contains(&id));
                view! {
                    <div class="checkbox">
                        <input type="checkbox" id=input.clone() name="choices[]" value=id.to_string() checked=checked
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                ticked.update(|t| {
                                    t.retain(|x| *x != id);
                                    if on {
                                        t.push(id);
                                    }
                                });
                            } />
                        <label for=input>{label}</label>
                    </div>
                }
            }).collect_view()}
            <p class="budget-left" class:budget-left--over={move || spent.get() > budget}>
                <output aria-live="polite">{left}</output>
            </p>
        </fieldset>
    }
}
