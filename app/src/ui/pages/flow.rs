//! National ↔ regional flow (`/flow`, `/spaces/:slug/flow`, `/cascades/:id`,
//! `/escalations/:id`): the national group's questions to the regions and their answers,
//! and the matters regions raise to the national group. Plain HTML forms.
use crate::api::flow::{
    AnswerCascade, AnswerEscalation, AskRegions, Escalate, get_cascade, get_escalation, get_flow,
};
use crate::model::flow::{AnswerFor, CascadePage, EscalationPage, FlowPage};
use crate::ui::form::{Field, FormError, SelectField, Submit, TextAreaField, action_error};
use crate::ui::widgets::{problem, server_data};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The flow nationally (`/flow`) or for one region (`/spaces/:slug/flow`): the same page,
/// the slug empty on the national one.
#[component]
pub fn FlowPageView() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let ask = ServerAction::<AskRegions>::new();
    let raise = ServerAction::<Escalate>::new();
    let page = server_data(slug, get_flow);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("National and regional work", e),
                Ok(p) => view! { <Flow page=p ask raise /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Flow(
    page: FlowPage,
    ask: ServerAction<AskRegions>,
    raise: ServerAction<Escalate>,
) -> impl IntoView {
    let ask_error = action_error(ask);
    let raise_error = action_error(raise);
    let title = match &page.region {
        Some((_, name)) => format!("{name} and the national commons"),
        None => "National and regional work".to_owned(),
    };
    let region_slug = page
        .region
        .as_ref()
        .map(|(s, _)| s.clone())
        .unwrap_or_default();
    view! {
        <Title text=title.clone() />
        <section class="panel">
            {page.region.clone().map(|(slug, name)| view! { <p class="kind"><a href=format!("/spaces/{slug}")>{name}</a>" · "<a href="/flow">"Every region"</a></p> })}
            <h1>{title}</h1>
            <p class="lead">"The national group asks the regions for input by a day, and the regions raise matters to the national group: each tracked to its answer."</p>
            <h2>"Asked of the regions"</h2>
            {page.cascade_time.clone().map(|t| view! { <p class="meta">{t}</p> })}
            {if page.cascades.is_empty() {
                view! { <p>"Nothing asked yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="directory">
                        {page.cascades.iter().map(|c| view! {
                            <li class="directory__item">
                                <a class="directory__name" href=format!("/cascades/{}", c.id)>{c.title.clone()}</a>
                                <span class="meta">{match &c.state {
                                    Some(s) => format!("{s} · answer by {}", c.due_on),
                                    None => format!("{} of {} regions answered · answer by {}", c.answered, c.asked, c.due_on),
                                }}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <h2>"Raised to the national group"</h2>
            {page.escalation_time.clone().map(|t| view! { <p class="meta">{t}</p> })}
            {if page.escalations.is_empty() {
                view! { <p>"Nothing raised yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="directory">
                        {page.escalations.iter().map(|e| view! {
                            <li class="directory__item">
                                <a class="directory__name" href=format!("/escalations/{}", e.id)>{e.title.clone()}</a>
                                <span class="meta">{format!("{} · {} · raised {}", e.state, e.region, e.raised_on)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {page.may_ask.then(|| view! {
            <section class="panel narrow" aria-labelledby="ask-heading">
                <h2 id="ask-heading">"Ask the regions"</h2>
                <ActionForm action=ask attr:class="stack" attr:novalidate=true>
                    <FormError error=ask_error />
                    <Field label="Title" name="title" maxlength=120 error=ask_error />
                    <TextAreaField label="Question" name="question" maxlength=4_000 hint="What each region is asked to answer." error=ask_error />
                    <Field label="Answer by" name="due_on" input_type="date" error=ask_error />
                    <fieldset class="field checkboxes">
                        <legend>"Regions asked"</legend>
                        <p class="field__hint">"None ticked: every region."</p>
                        {page.regions.iter().map(|(id, name)| {
                            let input = format!("field-region-{id}");
                            view! {
                                <div class="checkbox">
                                    <input type="checkbox" id=input.clone() name="regions[]" value=id.clone() />
                                    <label for=input>{name.clone()}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                    <Submit label="Ask the regions" pending=ask.pending() />
                </ActionForm>
            </section>
        })}
        {page.may_raise.then(|| view! {
            <section class="panel narrow" aria-labelledby="raise-heading">
                <h2 id="raise-heading">"Raise a matter to the national group"</h2>
                <ActionForm action=raise attr:class="stack" attr:novalidate=true>
                    <FormError error=raise_error />
                    <input type="hidden" name="region" value=region_slug.clone() />
                    <Field label="Title" name="title" maxlength=120 error=raise_error />
                    <TextAreaField label="The matter" name="matter" maxlength=4_000 hint="What the national group is asked to do or decide, and why." error=raise_error />
                    <Submit label="Raise it" pending=raise.pending() />
                </ActionForm>
            </section>
        })}
    }
}

#[component]
pub fn CascadePageView() -> impl IntoView {
    let id = crate::ui::widgets::id_param();
    let answer = ServerAction::<AnswerCascade>::new();
    let page = server_data(
        move || (id(), answer.version().get()),
        |(id, _)| get_cascade(id),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Cascade", e),
                Ok(p) => view! { <Cascade page=p answer /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Cascade(page: CascadePage, answer: ServerAction<AnswerCascade>) -> impl IntoView {
    let id = page.id;
    view! {
        <Title text=page.title.clone() />
        <section class="panel">
            <p class="kind"><a href="/flow">"National and regional work"</a></p>
            <h1>{page.title.clone()}</h1>
            <p class="meta">{format!("Asked by {} · answer by {}", page.asked_by, page.due_on)}</p>
            <p class="prose">{page.question.clone()}</p>
        </section>
        <section class="panel" aria-labelledby="answers-heading">
            <h2 id="answers-heading">"The regions' answers"</h2>
            <ul class="answers">
                {page.regions.iter().map(|r| view! {
                    <li class="answer">
                        <h3><a href=format!("/spaces/{}", r.slug)>{r.name.clone()}</a>{format!(" — {}", r.state)}</h3>
                        {r.answer.clone().map(|a| view! { <p class="prose">{a}</p> })}
                        {r.from.clone().map(|(label, href)| view! { <p>"From "<a href=href>{label}</a></p> })}
                        {r.answered.clone().map(|a| view! { <p class="meta">{format!("Answered by {a}")}</p> })}
                    </li>
                }).collect_view()}
            </ul>
        </section>
        {page.answer_for.into_iter().enumerate().map(|(i, f)| view! { <AnswerForm cascade=id region=f key=i as i64 answer /> }).collect_view()}
    }
}

#[component]
fn AnswerForm(
    cascade: i64,
    region: AnswerFor,
    /// Tells this form's fields apart from another region's on the same page.
    key: i64,
    answer: ServerAction<AnswerCascade>,
) -> impl IntoView {
    let error = action_error(answer).only_for("region", &region.slug);
    let heading = format!("answer-{}", region.slug);
    let labelled_by = heading.clone();
    view! {
        <section class="panel narrow" aria-labelledby=labelled_by>
            <h2 id=heading>{format!("Answer for {}", region.name)}</h2>
            <ActionForm action=answer attr:class="stack" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="cascade" value=cascade.to_string() />
                <input type="hidden" name="region" value=region.slug.clone() />
                <TextAreaField label="The region's answer" name="answer" maxlength=4_000 key initial=region.answer.clone().unwrap_or_default() error />
                <SelectField label="It comes from" name="from" key options=region.sources.clone() placeholder="Said in words" error />
                <Submit label="Send the answer" pending=answer.pending() />
            </ActionForm>
        </section>
    }
}

#[component]
pub fn EscalationPageView() -> impl IntoView {
    let id = crate::ui::widgets::id_param();
    let answer = ServerAction::<AnswerEscalation>::new();
    let page = server_data(
        move || (id(), answer.version().get()),
        |(id, _)| get_escalation(id),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Escalation", e),
                Ok(p) => view! { <Escalation page=p answer /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Escalation(page: EscalationPage, answer: ServerAction<AnswerEscalation>) -> impl IntoView {
    let error = action_error(answer);
    let id = page.id.to_string();
    view! {
        <Title text=page.title.clone() />
        <section class="panel">
            <p class="kind"><a href=format!("/spaces/{}/flow", page.region.0)>{format!("{} and the national commons", page.region.1)}</a></p>
            <h1>{page.title.clone()}</h1>
            <p class="meta">{format!("Raised by {} for {} on {}", page.raised_by, page.region.1, page.raised_on)}</p>
            <p class="prose">{page.matter.clone()}</p>
            <h2>"The national group's answer"</h2>
            {match page.answer.clone() {
                Some(a) => view! { <p class="prose">{a}</p><p class="meta">{format!("Answered by {}", page.answered.clone().unwrap_or_default())}</p> }.into_any(),
                None => view! { <p>"Not answered yet."</p> }.into_any(),
            }}
        </section>
        {page.may_answer.then(|| view! {
            <section class="panel narrow" aria-labelledby="respond-heading">
                <h2 id="respond-heading">"Answer for the national group"</h2>
                <ActionForm action=answer attr:class="stack" attr:novalidate=true>
                    <FormError error />
                    <input type="hidden" name="escalation" value=id.clone() />
                    <TextAreaField label="Answer" name="answer" maxlength=4_000 initial=page.answer.clone().unwrap_or_default() error />
                    <Submit label="Send the answer" pending=answer.pending() />
                </ActionForm>
            </section>
        })}
    }
}
