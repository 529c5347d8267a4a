//! Proposals on screen: a space's proposals, starting one, and one proposal with its
//! vote and, under consent, its objections. Plain forms: they work before (and without)
//! the WASM, and the server decides who may use each.
use crate::api::proposals::{
    AnswerAdvice, AnswerObjection, AskAdviser, CastVote, CreateProposal, EditComment, EndAdvice,
    GiveAdvice, MoveProposal, PostComment, RaiseObjection, SettleObjection, UnaskAdviser,
    WriteOutcome, get_proposal, get_proposal_start, get_register, get_space_proposals,
};
use crate::domain::charter::DecisionKind;
use crate::domain::decision::{Choice, Gradient, Method, Verdict};
use crate::model::proposals::{
    AdviceLine, AdvicePanel, CommentLine, ObjectionLine, ProposalLine, ProposalPage, RegisterPage,
    RegisterQuery, SpaceProposals,
};
use crate::model::rules::{ProposalStart, RuleChangeLine};
use crate::ui::form::{Field, FormError, SelectField, Submit, TextAreaField, action_error};
use crate::ui::widgets::problem;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn SpaceProposalsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let page = crate::ui::widgets::server_data(slug, get_space_proposals);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Proposals", e),
                Ok(p) => view! { <SpaceProposalsView page=p /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn SpaceProposalsView(page: SpaceProposals) -> impl IntoView {
    let title = format!("Proposals in {}", page.space_name);
    view! {
        <Title text=title.clone() />
        <section class="panel">
            <p class="kind"><a href=format!("/spaces/{}", page.space_slug)>{page.space_name.clone()}</a></p>
            <h1>{title}</h1>
            {match page.may_propose {
                Ok(()) => view! { <p><a class="button" href=format!("/proposals/new?space={}", page.space_slug)>"Start a proposal"</a></p> }.into_any(),
                Err(why) => view! { <p class="muted">{why}</p> }.into_any(),
            }}
            <ProposalList lines=page.proposals empty="No proposals yet." />
        </section>
    }
}

#[component]
pub fn NewProposalPage() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        let q = query.read();
        (
            q.get("space").unwrap_or_default(),
            q.get("rule").unwrap_or_default(),
            q.get("from").unwrap_or_default(),
        )
    };
    let page = crate::ui::widgets::server_data(asked, |(space, rule, from)| {
        get_proposal_start(space, rule, from)
    });
    view! {
        <Title text="Start a proposal" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Start a proposal", e),
                Ok(p) => view! { <NewProposal start=p /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn NewProposal(start: ProposalStart) -> impl IntoView {
    let action = ServerAction::<CreateProposal>::new();
    let error = action_error(action);
    let methods: Vec<(String, String)> = [
        Method::Consent,
        Method::AdviceProcess,
        Method::Majority,
        Method::Gradients,
        Method::RankedChoice,
        Method::Score,
        Method::Approval,
    ]
    .iter()
    .map(|m| (m.code().to_owned(), m.label().to_owned()))
    .collect();
    let changing = !start.rule.is_empty();
    let kinds: Vec<(String, String)> = DecisionKind::ALL
        .iter()
        .map(|k| (k.code().to_owned(), k.label().to_owned()))
        .collect();
    let clauses: Vec<(String, String)> =
        std::iter::once((String::new(), "Nothing in the charter".to_owned()))
            .chain(kinds.iter().cloned())
            .collect();
    let levels: Vec<(String, String)> = crate::domain::charter::Level::ALL
        .iter()
        .map(|l| (l.code().to_owned(), l.label().to_owned()))
        .collect();
    view! {
        <section class="panel narrow">
            <p class="kind"><a href=format!("/spaces/{}/proposals", start.space_slug)>{format!("Proposals in {}", start.space_name)}</a></p>
            <h1>"Start a proposal"</h1>
            <p>"A proposal starts as a draft only you can see. Open it for discussion when it is ready; you can edit it until voting opens, and every version is kept."</p>
            <ActionForm action attr:class="stack" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="space" value=start.space_slug.clone() />
                <input type="hidden" name="from" value=start.from.clone() />
                {start.workshop_title.clone().map(|w| view! {
                    <p class="notice">{format!("From the workshop “{w}”: the draft links back to its report.")}</p>
                })}
                <Field label="Title" name="title" maxlength=200 initial=start.title.clone() error />
                <TextAreaField label="What you propose, and why" name="body" maxlength=20000
                    hint="Markdown works: **bold**, lists, links." initial=start.body.clone() error />
                <SelectField label="What kind of decision" name="kind" options=kinds initial="general" error />
                <p class="muted">"Under "<a href="/charter">"the charter"</a>", a region decides its own rules, events and spending up to a limit; anything it reserves to the national commons is raised here and decided nationally."</p>
                <Field label="Amount (spending), in pounds" name="amount" required=false error />
                <Field label="The number of the region's decision it overrides (overrides only)" name="overrides" input_type="number" required=false error />
                <fieldset class="stack rule-change">
                    <legend>"Change to the rule book (optional)"</legend>
                    <p class="muted">"If it passes, the rule takes the new text at once, and the rule book links back to this decision."</p>
                    <SelectField label="What it changes" name="rule" options=start.rule_choices.clone() initial=start.rule.clone() error />
                    <Field label="The rule's title" name="rule_title" maxlength=200 required=changing initial=start.rule_title.clone() error />
                    <TextAreaField label="The rule's new text" name="rule_text" maxlength=10000 required=changing
                        hint="Markdown works. Start from the text as it stands and change what you propose." initial=start.rule_text.clone() error />
                </fieldset>
                <fieldset class="stack rule-change">
                    <legend>"Change to the charter (a proposal of the kind “The charter itself”)"</legend>
                    <p class="muted">"If it passes, the charter changes at once and names this decision. The charter itself, and overriding a region, stay with the national commons."</p>
                    <SelectField label="Which clause it changes" name="charter_clause" options=clauses error />
                    <SelectField label="Who would take those decisions" name="charter_level" options=levels initial="region" error />
                    <Field label="A region's spending limit, in pounds (spending only)" name="charter_limit" required=false error />
                </fieldset>
                <SelectField label="How it will be decided" name="method" options=methods error />
                <TextAreaField label="Options (ranked choice, score or approval), one a line" name="options" maxlength=3000 required=false error />
                <Field label="Quorum (majority vote), % of those who may vote" name="quorum_percent" input_type="number" required=false error />
                <Field label="Threshold (majority vote), % of for and against" name="threshold_percent" input_type="number" required=false error />
                <div class="checkbox"><input type="checkbox" id="p-at-least" name="threshold_at_least" checked=error.chosen("threshold_at_least", "on") /><label for="p-at-least">"The threshold is met at exactly that share (e.g. two thirds), not only above it"</label></div>
                <div class="checkbox"><input type="checkbox" id="p-anon" name="anonymous" checked=error.chosen("anonymous", "on") /><label for="p-anon">"Anonymous: names never leave the server (this cannot be undone)"</label></div>
                <div class="checkbox"><input type="checkbox" id="p-live" name="results_live" checked=error.chosen("results_live", "on") /><label for="p-live">"Show results while voting is open (otherwise only at the close)"</label></div>
                <Submit label="Save the draft" pending=action.pending() />
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ProposalPageView() -> impl IntoView {
    let id = crate::ui::widgets::id_param();
    let page = crate::ui::widgets::server_data(id, get_proposal);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Proposal", e),
                Ok(p) => view! { <ProposalView page=p /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn ProposalView(page: ProposalPage) -> impl IntoView {
    let facts = [
        Some(format!("{} · {}", page.stage_label, page.method_label)),
        (!page.kind.is_empty() && page.kind != "Anything else").then(|| page.kind.clone()),
        Some(format!("Proposed by {}", page.author)),
        (page.versions > 1).then(|| format!("{} versions", page.versions)),
        page.closes.clone().map(|c| {
            if page.stage == "closed" {
                format!("Closed {c}")
            } else {
                format!("Closes {c}")
            }
        }),
        page.eligible.map(|n| {
            if page.advice.is_some() {
                format!("{n} may give advice")
            } else {
                format!("{n} may vote")
            }
        }),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let consent = page.method == "consent";
    let voting = page.stage == "voting";
    view! {
        <Title text=page.title.clone() />
        <article class="panel proposal">
            <p class="kind"><a href=format!("/spaces/{}/proposals", page.space_slug)>{format!("Proposals in {}", page.space_name)}</a></p>
            <h1>{page.title.clone()}</h1>
            <p class="muted">{facts}</p>
            {page.result.clone().map(|r| view! { <p class="result"><strong>{format!("Result: {r}")}</strong></p> })}
            {page.raised_in.clone().map(|r| view! { <p class="refusal">{r}</p> })}
            {page.overridden_by.clone().map(|o| view! {
                <div class="override" role="note">
                    <p><strong>"Overridden by the national commons: "</strong><a href=format!("/proposals/{}", o.id)>{o.title}</a></p>
                    {o.outcome.map(|why| view! { <p>{why}</p> })}
                </div>
            })}
            {page.workshop.clone().map(|(w, title)| view! {
                <p class="muted">"From the workshop "<a href=format!("/workshops/{w}/report")>{title}</a></p>
            })}
            {page.overrides.clone().map(|o| view! {
                <p class="override">{format!("Overrides a decision of {}: ", o.space)}<a href=format!("/proposals/{}", o.id)>{o.title}</a></p>
            })}
            <div class="markdown" inner_html=page.body_html.clone()></div>
        </article>
        {page.rule_change.clone().map(|c| view! { <RuleChange change=c /> })}
        {page.charter_change.clone().map(|c| view! {
            <section class="panel" aria-labelledby="charter-change-heading">
                <h2 id="charter-change-heading">"Change to the charter"</h2>
                <p>{c}</p>
                <p class="muted">"If it passes, "<a href="/charter">"the charter"</a>" changes at once."</p>
            </section>
        })}
        {page.is_author.then(|| view! { <AuthorControls page=page.clone() /> })}
        {(!page.tally.is_empty()).then(|| view! {
            <section class="panel" aria-labelledby="tally-heading">
                <h2 id="tally-heading">{if page.stage == "closed" { "How it was decided" } else { "So far" }}</h2>
                {if voting {
                    view! { <crate::ui::widgets::IslandScripts lazy="live_tally_loader" /> <LiveTally id=page.id lines=page.tally.clone() /> }.into_any()
                } else {
                    view! { <ul>{page.tally.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view()}</ul> }.into_any()
                }}
            </section>
        })}
        {page.advice.clone().map(|advice| view! { <Advice id=page.id advice /> })}
        {page.may_vote.clone().map(|may| view! { <Vote page=page.clone() may /> })}
        {(page.stage == "closed").then(|| view! { <Outcome page=page.clone() /> })}
        {(consent && (voting || !page.objections.is_empty())).then(|| view! { <Objections page=page.clone() /> })}
        {(page.stage != "draft").then(|| view! { <Discussion page=page.clone() /> })}
    }
}

#[component]
fn AuthorControls(page: ProposalPage) -> impl IntoView {
    let moved = ServerAction::<MoveProposal>::new();
    let error = action_error(moved);
    let id = page.id;
    let advice = page.advice.is_some();
    let close = page.suggested_close.clone();
    view! {
        {(page.stage == "draft" || page.stage == "discussion").then(|| view! {
            <section class="panel" aria-labelledby="author-heading">
                <h2 id="author-heading">"Move it on"</h2>
                <FormError error />
                {(page.stage == "draft").then(|| view! {
                    <ActionForm action=moved attr:class="stack">
                        <input type="hidden" name="id" value=id.to_string() />
                        <input type="hidden" name="to" value="discussion" />
                        <Submit label="Open for discussion" pending=moved.pending() />
                    </ActionForm>
                })}
                {if advice {
                    view! {
                        <ActionForm action=moved attr:class="stack" attr:novalidate=true>
                            <p>"When you ask, everyone you named under "<a href="#advice-heading">"Advice"</a>" is e-mailed; members of the space may give advice too. The text is fixed from then on."</p>
                            <input type="hidden" name="id" value=id.to_string() />
                            <input type="hidden" name="to" value="voting" />
                            <Field label="Advice closes (UK time)" name="closes_at" input_type="datetime-local" initial=close.clone() error />
                            <Submit label="Ask for advice" pending=moved.pending() />
                        </ActionForm>
                    }.into_any()
                } else {
                    view! {
                        <ActionForm action=moved attr:class="stack" attr:novalidate=true>
                            <input type="hidden" name="id" value=id.to_string() />
                            <input type="hidden" name="to" value="voting" />
                            <Field label="Voting closes (UK time)" name="closes_at" input_type="datetime-local" initial=close.clone() error />
                            <Submit label="Open voting" pending=moved.pending() />
                        </ActionForm>
                    }.into_any()
                }}
            </section>
        })}
    }
}

fn choices(method: &str) -> Vec<(String, String)> {
    match method {
        "consent" => vec![("consent".into(), "I consent".into())],
        "majority" => Choice::ALL
            .iter()
            .map(|c| (c.code().to_owned(), c.label().to_owned()))
            .collect(),
        "gradients" => Gradient::ALL
            .iter()
            .map(|g| (g.code().to_owned(), g.label().to_owned()))
            .collect(),
        _ => vec![],
    }
}

#[component]
fn Vote(page: ProposalPage, may: Result<(), String>) -> impl IntoView {
    let cast = ServerAction::<CastVote>::new();
    let error = action_error(cast);
    let options = choices(&page.method);
    let mine = page.my_choice.clone();
    view! {
        <section class="panel" aria-labelledby="vote-heading">
            <h2 id="vote-heading">"Your vote"</h2>
            {match may {
                Err(why) => view! { <p class="refusal" role="status">{why}</p> }.into_any(),
                Ok(()) if options.is_empty() => view! { <MarksBallot page=page.clone() /> }.into_any(),
                Ok(()) => view! {
                    {mine.clone().map(|m| view! { <p role="status">{format!("You voted: {}", options.iter().find(|(c, _)| *c == m).map_or(m.clone(), |(_, l)| l.clone()))}". You can change it until voting closes."</p> })}
                    <ActionForm action=cast attr:class="stack">
                        <FormError error />
                        <input type="hidden" name="id" value=page.id.to_string() />
                        <input type="hidden" name="key" value=page.vote_key.clone() />
                        <fieldset class="stack">
                            <legend>"How do you vote?"</legend>
                            {options.iter().enumerate().map(|(i, (code, label))| {
                                let input_id = format!("vote-{i}");
                                view! {
                                    <div class="checkbox">
                                        <input type="radio" id=input_id.clone() name="choice" value=code.clone()
                                            checked=mine.as_deref() == Some(code.as_str()) || options.len() == 1 />
                                        <label for=input_id>{label.clone()}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                        <Submit label="Vote" pending=cast.pending() />
                    </ActionForm>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Objections(page: ProposalPage) -> impl IntoView {
    let raise = ServerAction::<RaiseObjection>::new();
    let error = action_error(raise);
    let open = page.stage == "voting" && matches!(page.may_vote, Some(Ok(())));
    let mine_standing = page.objections.iter().any(|o| o.mine && o.standing);
    view! {
        <section class="panel" aria-labelledby="objections-heading">
            <h2 id="objections-heading">"Objections"</h2>
            <p class="muted">"Under consent the proposal passes when voting closes with no objection standing. An objection needs its reason; the author answers; the objector then withdraws it or keeps it."</p>
            {if page.objections.is_empty() {
                view! { <p>"No objections."</p> }.into_any()
            } else {
                view! {
                    <ul class="objections">
                        {page.objections.iter().cloned().map(|o| view! {
                            <ObjectionItem o proposal=page.id author=page.is_author open=page.stage == "voting" />
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(open && !mine_standing).then(|| view! {
                <ActionForm action=raise attr:class="stack" attr:novalidate=true>
                    <FormError error />
                    <input type="hidden" name="id" value=page.id.to_string() />
                    <TextAreaField label="Object, with your reason" name="reason" maxlength=5000 error />
                    <Submit label="Raise the objection" pending=raise.pending() />
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn ObjectionItem(o: ObjectionLine, proposal: i64, author: bool, open: bool) -> impl IntoView {
    let answer = ServerAction::<AnswerObjection>::new();
    let settle = ServerAction::<SettleObjection>::new();
    let answer_error = action_error(answer);
    let settle_error = action_error(settle);
    let heading = format!(
        "{} — {}",
        o.by.clone().unwrap_or_else(|| "Objection".to_owned()),
        o.state
    );
    view! {
        <li class="objection">
            <h3>{heading}</h3>
            <p>{o.reason.clone()}</p>
            {o.answer.clone().map(|a| view! { <p><strong>"Answer: "</strong>{a}</p> })}
            {(open && author && o.standing).then(|| view! {
                <ActionForm action=answer attr:class="stack" attr:novalidate=true>
                    <FormError error=answer_error />
                    <input type="hidden" name="id" value=proposal.to_string() />
                    <input type="hidden" name="objection" value=o.id.to_string() />
                    <TextAreaField label="Your answer" name="answer" maxlength=5000 key=o.id error=answer_error />
                    <Submit label="Answer" pending=answer.pending() />
                </ActionForm>
            })}
            {(open && o.mine && o.standing).then(|| view! {
                <ActionForm action=settle attr:class="inline-form">
                    <FormError error=settle_error />
                    <input type="hidden" name="id" value=proposal.to_string() />
                    <input type="hidden" name="objection" value=o.id.to_string() />
                    <button type="submit" class="button button--small" name="decision" value="withdraw">"Withdraw my objection"</button>
                    <button type="submit" class="button button--small button--quiet" name="decision" value="keep">"Keep it"</button>
                </ActionForm>
            })}
        </li>
    }
}

#[component]
fn Outcome(page: ProposalPage) -> impl IntoView {
    let write = ServerAction::<WriteOutcome>::new();
    let error = action_error(write);
    // Under the advice process the outcome is the author's decision, written once every
    // piece of advice has its answer.
    let advice = page.advice.as_ref().map(|a| a.may_decide.clone());
    let waiting = match (&advice, &page.outcome) {
        (Some(Err(why)), None) => Some(why.clone()),
        _ => None,
    };
    let (heading, label) = if advice.is_some() {
        (
            "The decision",
            "What you decided, and why, answering the advice",
        )
    } else {
        ("Outcome", "What was decided, and what happens next")
    };
    view! {
        <section class="panel" aria-labelledby="outcome-heading">
            <h2 id="outcome-heading">{heading}</h2>
            {match page.outcome.clone() {
                Some(o) => view! {
                    <p class="outcome">{o}</p>
                    {page.review_on.clone().map(|d| view! { <p class="muted">{format!("To be reviewed on {d}")}</p> })}
                }.into_any(),
                None => view! { <p class="muted">{if advice.is_some() { "The author has not decided yet." } else { "The outcome has not been written yet." }}</p> }.into_any(),
            }}
            {(page.may_write_outcome).then(|| waiting.clone()).flatten().map(|why| view! { <p class="refusal" role="status">{why}</p> })}
            {(page.may_write_outcome && waiting.is_none()).then(|| view! {
                <ActionForm action=write attr:class="stack" attr:novalidate=true>
                    <FormError error />
                    <input type="hidden" name="id" value=page.id.to_string() />
                    <TextAreaField label=label name="outcome" maxlength=5000 error />
                    <Field label="Review on (optional)" name="review_on" input_type="date" required=false error />
                    <Submit label=match (page.outcome.is_some(), advice.is_some()) {
                        (true, true) => "Correct the decision",
                        (true, false) => "Correct the outcome",
                        (false, true) => "Record the decision",
                        (false, false) => "Record the outcome",
                    } pending=write.pending() />
                </ActionForm>
            })}
        </section>
    }
}

/// The decision register: every closed decision, searchable and filtered by space,
/// method, result and dates (a plain GET form), and downloadable as CSV.
#[component]
pub fn RegisterPageView() -> impl IntoView {
    let query = use_query_map();
    let q = move || {
        let m = query.read();
        let get = |k: &str| m.get(k).unwrap_or_default();
        RegisterQuery {
            q: get("q"),
            space: get("space"),
            method: get("method"),
            result: get("result"),
            from: get("from"),
            to: get("to"),
        }
    };
    let page = crate::ui::widgets::server_data(q, get_register);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Decision register", e),
                Ok(p) => view! { <RegisterView page=p /> }.into_any(),
            })}
        </Suspense>
    }
}

fn select(
    name: &'static str,
    label: &'static str,
    chosen: String,
    options: Vec<(String, String)>,
) -> impl IntoView {
    let id = format!("register-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                <option value="" selected=chosen.is_empty()>"Any"</option>
                {options.into_iter().map(|(code, text)| {
                    let selected = code == chosen;
                    view! { <option value=code selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
fn RegisterView(page: RegisterPage) -> impl IntoView {
    let q = page.query.clone();
    let csv = page.csv.clone();
    let methods = Method::ALL
        .iter()
        .map(|m| (m.code().to_owned(), m.label().to_owned()))
        .collect();
    let results = Verdict::ALL
        .iter()
        .map(|r| (r.code().to_owned(), r.label().to_owned()))
        .collect();
    view! {
        <Title text="Decision register" />
        <section class="panel">
            <h1>"Decision register"</h1>
            <p><a href="/decisions/mine">"Decisions I took part in"</a></p>
            <p>"Every decision taken in the commons: how it was decided, how many could vote and took part, the result and the outcome. No names."</p>
            <form method="get" action="/decisions" class="filters" role="search">
                <div class="field">
                    <label for="register-q">"Words"</label>
                    <input id="register-q" name="q" type="search" value=q.q.clone() />
                </div>
                {select("space", "Space", q.space.clone(), page.spaces.clone())}
                {select("method", "Method", q.method.clone(), methods)}
                {select("result", "Result", q.result.clone(), results)}
                <div class="field">
                    <label for="register-from">"Closed from"</label>
                    <input id="register-from" name="from" type="date" value=q.from.clone() />
                </div>
                <div class="field">
                    <label for="register-to">"Closed until"</label>
                    <input id="register-to" name="to" type="date" value=q.to.clone() />
                </div>
                <button type="submit" class="button">"Search"</button>
            </form>
            <p><a href=csv download>"Download these decisions (CSV)"</a></p>
            {if page.lines.is_empty() {
                view! { <p>"No decisions match."</p> }.into_any()
            } else {
                view! {
                    <ul class="proposals">
                        {page.lines.into_iter().map(|l| view! {
                            <li>
                                <h2><a href=format!("/proposals/{}", l.id)>{l.title}</a></h2>
                                <p class="muted">{format!("{} · {} · closed {} · {} of {} took part · {}", l.space, l.method, l.closed, l.took_part, l.eligible, l.result)}</p>
                                {(!l.outcome.is_empty()).then(|| view! { <p>{l.outcome}</p> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {page.more.then(|| view! { <p class="muted">"More decisions match than are shown: narrow the search, or download them all."</p> })}
        </section>
    }
}

/// The change to the rule book a proposal carries: the new text, and the words it changes.
#[component]
fn RuleChange(change: RuleChangeLine) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="rule-change-heading">
            <h2 id="rule-change-heading">"Change to the rule book"</h2>
            <p>{change.what.clone()}{change.applied.then_some(" — in the rule book since it passed.")}</p>
            <h3>{change.title.clone()}</h3>
            <div class="markdown" inner_html=change.body_html.clone()></div>
            {(!change.diff.is_empty()).then(|| view! {
                <details class="rule__diff" open>
                    <summary>"The words it changes"</summary>
                    <crate::ui::pages::rules::Diff parts=change.diff.clone() />
                </details>
            })}
        </section>
    }
}

#[component]
pub fn CharterPageView() -> impl IntoView {
    let page = crate::ui::widgets::server_data(|| (), |_| crate::api::proposals::get_charter());
    view! {
        <Title text="The charter" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("The charter", e),
                Ok(p) => view! {
                    <section class="panel">
                        <h1>"The charter"</h1>
                        <p class="lead">"Which decisions a region takes alone, and which need the national commons. A proposal of a kind reserved to the national commons is raised in its region and decided nationally; a national decision that overrides a region's is shown on both."</p>
                        <table class="charter">
                            <caption class="visually-hidden">"Who takes each kind of decision"</caption>
                            <thead><tr><th scope="col">"Kind of decision"</th><th scope="col">"Who decides"</th></tr></thead>
                            <tbody>
                                {p.clauses.into_iter().map(|c| view! {
                                    <tr>
                                        <th scope="row">{c.kind}</th>
                                        <td>
                                            {c.level}
                                            {c.changed_by.map(|(id, title)| view! {
                                                <span class="muted">" · changed by "<a href=format!("/proposals/{id}")>{title}</a></span>
                                            })}
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                }.into_any(),
            })}
        </Suspense>
    }
}

/// The discussion: each comment with its replies, a reply and (for its author) an edit
/// under each while it is open, and a new comment at the end. Plain forms.
#[component]
fn Discussion(page: ProposalPage) -> impl IntoView {
    let post = ServerAction::<PostComment>::new();
    let error = action_error(post);
    let open = page.may_comment.is_ok();
    let count = page
        .comments
        .iter()
        .map(|c| 1 + c.replies.len())
        .sum::<usize>();
    view! {
        <section class="panel" aria-labelledby="discussion-heading">
            <h2 id="discussion-heading">{match count { 0 => "Discussion".to_owned(), 1 => "Discussion (1 comment)".to_owned(), n => format!("Discussion ({n} comments)") }}</h2>
            {page.comments.is_empty().then(|| view! { <p class="muted">"No comments yet."</p> })}
            <ol class="comments">
                {page.comments.iter().cloned().map(|c| view! { <Comment c proposal=page.id open reply=true /> }).collect_view()}
            </ol>
            {match page.may_comment.clone() {
                Ok(()) => view! {
                    <ActionForm action=post attr:class="stack" attr:novalidate=true>
                        <FormError error />
                        <input type="hidden" name="id" value=page.id.to_string() />
                        <TextAreaField label="Your comment" name="comment" maxlength=5000 hint="Markdown works." error />
                        <Submit label="Comment" pending=post.pending() />
                    </ActionForm>
                }.into_any(),
                Err(why) => view! { <p class="refusal">{why}</p> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Comment(c: CommentLine, proposal: i64, open: bool, reply: bool) -> impl IntoView {
    let answer = ServerAction::<PostComment>::new();
    let answer_error = action_error(answer);
    let edit = ServerAction::<EditComment>::new();
    let edit_error = action_error(edit);
    let id = c.id;
    let heading = format!(
        "{} · {}{}",
        c.author,
        c.at,
        if c.edited { " · edited" } else { "" }
    );
    view! {
        <li class="comment" id=format!("comment-{id}")>
            <p class="comment__by"><strong>{c.author.clone()}</strong><span class="muted">{format!(" · {}", c.at)}{c.edited.then_some(" · edited")}</span></p>
            <div class="markdown" inner_html=c.body_html.clone()></div>
            {(open && c.mine).then(|| view! {
                <details class="comment__more">
                    <summary>"Edit"<span class="visually-hidden">{format!(" your comment: {heading}")}</span></summary>
                    <ActionForm action=edit attr:class="stack" attr:novalidate=true>
                        <FormError error=edit_error />
                        <input type="hidden" name="id" value=proposal.to_string() />
                        <input type="hidden" name="comment_id" value=id.to_string() />
                        <TextAreaField label="Your comment" name="comment" maxlength=5000 initial=c.body.clone() key=id error=edit_error />
                        <Submit label="Save the edit" pending=edit.pending() />
                    </ActionForm>
                </details>
            })}
            {(open && reply).then(|| view! {
                <details class="comment__more">
                    <summary>"Reply"<span class="visually-hidden">{format!(" to {}", c.author)}</span></summary>
                    <ActionForm action=answer attr:class="stack" attr:novalidate=true>
                        <FormError error=answer_error />
                        <input type="hidden" name="id" value=proposal.to_string() />
                        <input type="hidden" name="reply_to" value=id.to_string() />
                        <TextAreaField label="Your reply" name="comment" maxlength=5000 key=id error=answer_error />
                        <Submit label="Reply" pending=answer.pending() />
                    </ActionForm>
                </details>
            })}
            {(!c.replies.is_empty()).then(|| view! {
                <ol class="comments comments--replies">
                    {c.replies.into_iter().map(|r| view! { <Comment c=r proposal open reply=false /> }.into_any()).collect_view()}
                </ol>
            })}
        </li>
    }
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A ranked, score or approval ballot: a choice beside each option, as a plain form.
#[component]
fn MarksBallot(page: ProposalPage) -> impl IntoView {
    let cast = ServerAction::<CastVote>::new();
    let error = action_error(cast);
    let n = page.options.len();
    let mark = |i: usize| page.my_marks.iter().find(|(o, _)| *o == i).map(|(_, m)| *m);
    // A ballot that came back refused shows the marks just sent, not the stored ones.
    let came_back = error.came_back();
    let (legend, hint) = match page.method.as_str() {
        "ranked_choice" => (
            "Rank the options",
            "1st is the one you most prefer; leave any you would not choose unranked.",
        ),
        "score" => (
            "Score each option",
            "From 0 (not at all) to 5 (very much); leave any you have no view on.",
        ),
        _ => (
            "Approve any options you can accept",
            "Tick as many as you like.",
        ),
    };
    let rows = page.options.iter().enumerate().map(|(i, label)| {
        let id = format!("mark-{i}");
        let mine = mark(i);
        match page.method.as_str() {
            "approval" => view! {
                <div class="checkbox">
                    <input type="checkbox" id=id.clone() name="approve[]" value=i.to_string()
                        checked=if came_back { error.chosen("approve[]", &i.to_string()) } else { mine.is_some() } />
                    <label for=id>{label.clone()}</label>
                </div>
            }.into_any(),
            method => {
                let (name, none, marks): (&str, &str, Vec<(u8, String)>) = if method == "score" {
                    ("score[]", "No score", (0..=5u8).map(|s| (s, s.to_string())).collect())
                } else {
                    ("rank[]", "Not ranked", (1..=n).map(|p| (p as u8, ordinal(p))).collect())
                };
                view! {
                    <div class="field mark">
                        <label for=id.clone()>{label.clone()}</label>
                        <select id=id name=name>
                            <option value="">{none}</option>
                            {marks.into_iter().map(|(m, text)| view! {
                                <option value=format!("{i}:{m}")
                                    selected=if came_back { error.chosen(name, &format!("{i}:{m}")) } else { mine == Some(m) }>{text}</option>
                            }).collect_view()}
                        </select>
                    </div>
                }.into_any()
            }
        }
    }).collect_view();
    view! {
        {(!page.my_marks.is_empty() || page.my_choice.is_some()).then(|| view! { <p role="status">"You have voted. You can change it until voting closes."</p> })}
        <ActionForm action=cast attr:class="stack">
            <FormError error />
            {move || error.get().and_then(|e| e.message_for("vote").map(str::to_owned)).map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <input type="hidden" name="id" value=page.id.to_string() />
            <input type="hidden" name="key" value=page.vote_key.clone() />
            {(page.method == "approval").then(|| view! { <input type="hidden" name="approve[]" value="" /> })}
            <fieldset class="stack">
                <legend>{legend}</legend>
                <p class="field__hint">{hint}</p>
                {rows}
            </fieldset>
            <Submit label="Vote" pending=cast.pending() />
        </ActionForm>
    }
}

/// The decisions I took part in: where I voted, objected or commented, and how each ended.
#[component]
pub fn TakenPartPageView() -> impl IntoView {
    let page = crate::ui::widgets::server_data(|| (), |_| crate::api::proposals::get_taken_part());
    view! {
        <Title text="Decisions I took part in" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Decisions I took part in", e),
                Ok(lines) => view! {
                    <section class="panel">
                        <h1>"Decisions I took part in"</h1>
                        <p class="lead">"Where you voted, objected or commented, and how each ended. When one closes, its outcome comes to you by e-mail too."</p>
                        <ProposalList lines empty="None yet." />
                    </section>
                }.into_any(),
            })}
        </Suspense>
    }
}

/// Proposals as a list: each title linking to its page, with its stage, method, dates and
/// result.
#[component]
fn ProposalList(lines: Vec<ProposalLine>, empty: &'static str) -> impl IntoView {
    if lines.is_empty() {
        return view! { <p>{empty}</p> }.into_any();
    }
    view! {
        <ul class="proposals">
            {lines.into_iter().map(|p| view! {
                <li>
                    <h2><a href=format!("/proposals/{}", p.id)>{p.title}</a></h2>
                    <p class="muted">{[Some(p.stage), Some(p.method), (!p.when.is_empty()).then_some(p.when), p.result].into_iter().flatten().collect::<Vec<_>>().join(" · ")}</p>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The advice process: who the author asked, the advice given with the author's answers,
/// and the forms for asking, advising, answering and ending the advice early.
#[component]
fn Advice(id: i64, advice: AdvicePanel) -> impl IntoView {
    let ask = ServerAction::<AskAdviser>::new();
    let ask_error = action_error(ask);
    let unask = ServerAction::<UnaskAdviser>::new();
    let unask_error = action_error(unask);
    let give = ServerAction::<GiveAdvice>::new();
    let give_error = action_error(give);
    let end = ServerAction::<EndAdvice>::new();
    let end_error = action_error(end);
    let may_answer = advice.may_answer;
    view! {
        <section class="panel" aria-labelledby="advice-heading">
            <h2 id="advice-heading">"Advice"</h2>
            <p class="muted">"Under the advice process the author decides, after asking the people it affects and those who know most about it, and answers every piece of advice."</p>
            <h3>"Asked"</h3>
            <FormError error=unask_error />
            {if advice.advisers.is_empty() {
                view! { <p>"Nobody has been asked yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="advisers">
                        {advice.advisers.iter().cloned().map(|a| view! {
                            <li>
                                <span>{a.name.clone()}</span>
                                <span class="muted">{if a.gave { " · gave advice" } else { " · not yet" }}</span>
                                {advice.may_remove.then(|| view! {
                                    <ActionForm action=unask attr:class="inline-form">
                                        <input type="hidden" name="id" value=id.to_string() />
                                        <input type="hidden" name="person" value=a.person_id.to_string() />
                                        <button type="submit" class="button button--small button--quiet">
                                            "Remove"<span class="visually-hidden">{format!(" {}", a.name)}</span>
                                        </button>
                                    </ActionForm>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {advice.may_ask.then(|| view! {
                <ActionForm action=ask attr:class="stack" attr:novalidate=true>
                    <FormError error=ask_error />
                    <input type="hidden" name="id" value=id.to_string() />
                    <Field label="Ask someone: their name or e-mail address" name="adviser" maxlength=200
                        hint="Someone it affects, or who knows about it: any member of the commons, as the member directory shows them." error=ask_error />
                    <Submit label="Ask" pending=ask.pending() />
                </ActionForm>
            })}
            <h3>{advice.headline.clone()}</h3>
            {(!advice.pieces.is_empty()).then(|| view! {
                <ol class="comments">
                    {advice.pieces.iter().cloned().map(|a| view! { <AdviceItem a proposal=id may_answer /> }).collect_view()}
                </ol>
            })}
            {match advice.may_give.clone() {
                Ok(()) => view! {
                    <ActionForm action=give attr:class="stack" attr:novalidate=true>
                        <FormError error=give_error />
                        <input type="hidden" name="id" value=id.to_string() />
                        <TextAreaField label="Your advice" name="advice" maxlength=5000
                            hint="Markdown works. The author answers every piece of advice before deciding." error=give_error />
                        <Submit label="Give advice" pending=give.pending() />
                    </ActionForm>
                }.into_any(),
                Err(why) if why.is_empty() => ().into_any(),
                Err(why) => view! { <p class="refusal" role="status">{why}</p> }.into_any(),
            }}
            {advice.may_end_early.clone().map(|may| match may {
                Ok(()) => view! {
                    <ActionForm action=end attr:class="stack">
                        <FormError error=end_error />
                        <p>"Everyone you asked has given advice. You may close the advice now and decide."</p>
                        <input type="hidden" name="id" value=id.to_string() />
                        <Submit label="Close the advice and decide" pending=end.pending() />
                    </ActionForm>
                }.into_any(),
                Err(why) => view! { <p class="muted">{why}</p> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn AdviceItem(a: AdviceLine, proposal: i64, may_answer: bool) -> impl IntoView {
    let answer = ServerAction::<AnswerAdvice>::new();
    let error = action_error(answer);
    let id = a.id;
    view! {
        <li class="comment" id=format!("advice-{id}")>
            <p class="comment__by"><strong>{a.by.clone()}</strong><span class="muted">{format!(" · {}", a.at)}</span></p>
            <div class="markdown" inner_html=a.body_html.clone()></div>
            {a.answer.clone().map(|text| view! { <p class="advice__answer"><strong>"Answer: "</strong>{text}</p> })}
            {may_answer.then(|| view! {
                <ActionForm action=answer attr:class="stack" attr:novalidate=true>
                    <FormError error />
                    <input type="hidden" name="id" value=proposal.to_string() />
                    <input type="hidden" name="advice" value=id.to_string() />
                    <TextAreaField label=if a.answer.is_some() { "Your answer (improve it)" } else { "Your answer" } name="answer" maxlength=5000
                        initial=a.answer.clone().unwrap_or_default() key=id error />
                    <Submit label="Answer" pending=answer.pending() />
                </ActionForm>
            })}
        </li>
    }
}

/// The tally while voting is open with results shown: it follows the ballots as they come
/// in, over `/live/proposals/{id}`. Until the WASM arrives (or without it) it is the list
/// the page was sent. Lazy: only a page with a live tally fetches its code.
#[island(lazy)]
fn LiveTally(id: i64, lines: Vec<String>) -> impl IntoView {
    crate::ui::widgets::mark_hydrated();
    let tally = RwSignal::new(crate::model::proposals::LiveTally {
        lines,
        closed: false,
    });
    #[cfg(feature = "hydrate")]
    follow(id, tally);
    view! {
        <ul class="live-tally" aria-live="polite">
            {move || tally.with(|t| t.lines.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view())}
        </ul>
        {move || tally.with(|t| t.closed).then(|| view! {
            <p class="notice" role="status">"Voting has closed. "<a href=format!("/proposals/{id}")>"See the result"</a></p>
        })}
    }
}

/// Keep `tally` up to date from the server until voting closes or the page goes.
#[cfg(feature = "hydrate")]
fn follow(id: i64, tally: RwSignal<crate::model::proposals::LiveTally>) {
    use send_wrapper::SendWrapper;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{EventSource, MessageEvent};
    let Ok(es) = EventSource::new(&format!("/live/proposals/{id}")) else {
        return;
    };
    let stream: StoredValue<Option<SendWrapper<EventSource>>> = StoredValue::new(None);
    let on_tally = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let Some(t) = e
            .data()
            .as_string()
            .and_then(|d| serde_json::from_str::<crate::model::proposals::LiveTally>(&d).ok())
        else {
            return;
        };
        // Closed: nothing more will come, so the browser must not reconnect.
        if t.closed
            && let Some(es) = stream.try_get_value().flatten()
        {
            es.close();
        }
        tally.set(t);
    });
    let _ = es.add_event_listener_with_callback("tally", on_tally.as_ref().unchecked_ref());
    on_tally.forget();
    stream.set_value(Some(SendWrapper::new(es)));
    on_cleanup(move || {
        if let Some(es) = stream.try_get_value().flatten() {
            es.close();
        }
    });
}
