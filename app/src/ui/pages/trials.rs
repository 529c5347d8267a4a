//! Trials of a change (`/spaces/:slug/trials`, `/trials/:id`): the aim, the change, the
//! measures that read it, and its PDSA cycles — each marked on those measures' charts —
//! until it is adopted, adapted or abandoned with what was learned. Plain HTML forms.
use crate::api::trials::{AddPdsaCycle, ConcludeTrial, StartTrial, get_space_trials, get_trial};
use crate::model::trials::{SpaceTrials, TrialPage};
use crate::ui::form::{Field, FormError, SelectField, Submit, TextAreaField, action_error};
use crate::ui::widgets::{problem, server_data};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SpaceTrialsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let start = ServerAction::<StartTrial>::new();
    let page = server_data(slug, get_space_trials);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Trials", e),
                Ok(p) => view! { <Trials page=p start /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Trials(page: SpaceTrials, start: ServerAction<StartTrial>) -> impl IntoView {
    let error = action_error(start);
    let title = format!("Trials in {}", page.space_name);
    let slug = page.space_slug.clone();
    view! {
        <Title text=title.clone() />
        <section class="panel">
            <p class="kind"><a href=format!("/spaces/{slug}")>{page.space_name.clone()}</a>" · "<a href="/library">"Learning library"</a></p>
            <h1>{title}</h1>
            <p class="lead">"Changes being tried here, learned from in plan-do-study-act cycles, and what was learned when each ended."</p>
            {if page.trials.is_empty() {
                view! { <p>"No trials yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="directory">
                        {page.trials.into_iter().map(|t| view! {
                            <li class="directory__item">
                                <a class="directory__name" href=format!("/trials/{}", t.id)>{t.title}</a>
                                <span class="meta">{format!("{} · {} {} · review {}{}", t.status, t.cycles, if t.cycles == 1 { "cycle" } else { "cycles" }, t.review_on, if t.review_due { " (due)" } else { "" })}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {page.may_start.then(|| view! {
            <section class="panel narrow" aria-labelledby="start-heading">
                <h2 id="start-heading">"Start a trial"</h2>
                <ActionForm action=start attr:class="stack" attr:novalidate=true>
                    <FormError error />
                    <input type="hidden" name="space" value=slug.clone() />
                    <Field label="Name" name="title" maxlength=120 hint="For example: evening workshops." error />
                    <TextAreaField label="Aim" name="aim" maxlength=4_000 hint="What should improve, for whom, by how much." error />
                    <TextAreaField label="The change" name="change" maxlength=4_000 hint="What is being tried." error />
                    <Field label="Review date" name="review_on" input_type="date" error />
                    {(!page.measures.is_empty()).then(|| view! {
                        <fieldset class="field checkboxes">
                            <legend>"Measures that read it"</legend>
                            <p class="field__hint">"Its cycles will be marked on their charts."</p>
                            {page.measures.iter().map(|(id, name)| {
                                let input = format!("field-measure-{id}");
                                view! {
                                    <div class="checkbox">
                                        <input type="checkbox" id=input.clone() name="measures[]" value=id.to_string() />
                                        <label for=input>{name.clone()}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                    })}
                    <Submit label="Start trial" pending=start.pending() />
                </ActionForm>
            </section>
        })}
    }
}

#[component]
pub fn TrialPageView() -> impl IntoView {
    let id = crate::ui::widgets::id_param();
    let cycle = ServerAction::<AddPdsaCycle>::new();
    let conclude = ServerAction::<ConcludeTrial>::new();
    let page = server_data(
        move || (id(), cycle.version().get() + conclude.version().get()),
        |(id, _)| get_trial(id),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Trial", e),
                Ok(p) => view! { <Trial page=p cycle conclude /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Trial(
    page: TrialPage,
    cycle: ServerAction<AddPdsaCycle>,
    conclude: ServerAction<ConcludeTrial>,
) -> impl IntoView {
    let cycle_error = action_error(cycle);
    let conclude_error = action_error(conclude);
    let (id_cycle, id_conclude) = (page.id.to_string(), page.id.to_string());
    view! {
        <Title text=page.title.clone() />
        <section class="panel">
            <p class="kind"><a href=format!("/spaces/{}/trials", page.space_slug)>{format!("Trials in {}", page.space_name)}</a></p>
            <h1>{page.title.clone()}</h1>
            <p class="meta">{format!("{} · started by {} · review {}", page.status, page.started_by, page.review_on)}</p>
            {page.review_due.then(|| view! { <p class="notice" role="status">"Its review date has come: adopt, adapt or abandon it, with what was learned."</p> })}
            <h2>"Aim"</h2>
            <p class="prose">{page.aim.clone()}</p>
            <h2>"The change"</h2>
            <p class="prose">{page.change.clone()}</p>
            {page.learned.clone().map(|l| view! { <h2>"What was learned"</h2><p class="prose">{l}</p> })}
            {(!page.measures.is_empty()).then(|| view! {
                <h2>"Measures"</h2>
                <p>"Each cycle is marked on these charts."</p>
                <ul>
                    {page.measures.iter().map(|(id, name)| view! { <li><a href=format!("/measures/{id}")>{name.clone()}</a></li> }).collect_view()}
                </ul>
            })}
        </section>
        <section class="panel" aria-labelledby="cycles-heading">
            <h2 id="cycles-heading">"PDSA cycles"</h2>
            {if page.cycles.is_empty() {
                view! { <p>"No cycle recorded yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="cycles">
                        {page.cycles.iter().map(|c| view! {
                            <li class="cycle">
                                <h3>{format!("Cycle {}, from {}", c.number, c.started_on)}</h3>
                                <dl class="facts">
                                    <dt>"Plan"</dt><dd class="prose">{c.plan.clone()}</dd>
                                    <dt>"Do"</dt><dd class="prose">{if c.done_what.is_empty() { "—".to_owned() } else { c.done_what.clone() }}</dd>
                                    <dt>"Study"</dt><dd class="prose">{if c.study.is_empty() { "—".to_owned() } else { c.study.clone() }}</dd>
                                    <dt>"Act"</dt><dd class="prose">{if c.act.is_empty() { "—".to_owned() } else { c.act.clone() }}</dd>
                                </dl>
                                <p class="meta">{format!("Recorded by {}", c.recorded_by)}</p>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {page.may_record.then(|| view! {
                <h3>"Record a cycle"</h3>
                <ActionForm action=cycle attr:class="stack" attr:novalidate=true>
                    <FormError error=cycle_error />
                    <input type="hidden" name="trial" value=id_cycle.clone() />
                    <Field label="Began on" name="started_on" input_type="date" error=cycle_error />
                    <TextAreaField label="Plan" name="plan" maxlength=4_000 hint="What you will try, and what you predict will happen." error=cycle_error />
                    <TextAreaField label="Do" name="done_what" required=false maxlength=4_000 hint="What was done, and what happened (can follow later)." error=cycle_error />
                    <TextAreaField label="Study" name="study" required=false maxlength=4_000 hint="What the data and people said, against the prediction." error=cycle_error />
                    <TextAreaField label="Act" name="act" required=false maxlength=4_000 hint="What you will do next." error=cycle_error />
                    <Submit label="Record cycle" pending=cycle.pending() />
                </ActionForm>
            })}
        </section>
        {page.may_conclude.then(|| view! {
            <section class="panel narrow" aria-labelledby="conclude-heading">
                <h2 id="conclude-heading">"End the trial"</h2>
                <ActionForm action=conclude attr:class="stack" attr:novalidate=true>
                    <FormError error=conclude_error />
                    <input type="hidden" name="trial" value=id_conclude.clone() />
                    <SelectField label="Decision" name="ending" options=page.endings.clone() placeholder="Adopt, adapt or abandon" error=conclude_error />
                    <TextAreaField label="What was learned" name="learned" maxlength=4_000 hint="What others should know before trying the same: it goes into the learning library." error=conclude_error />
                    <Submit label="End trial" pending=conclude.pending() />
                </ActionForm>
            </section>
        })}
    }
}

/// The learning library (`/library?q=&space=&kind=`): a search form that works as a plain
/// GET form, and what it found.
#[component]
pub fn LibraryPageView() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let asked = move || {
        let q = query.read();
        (
            q.get("q").unwrap_or_default(),
            q.get("space").unwrap_or_default(),
            q.get("kind").unwrap_or_default(),
        )
    };
    let page = server_data(asked, |(q, space, kind)| {
        crate::api::trials::get_library(q, space, kind)
    });
    view! {
        <Title text="Learning library" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Learning library", e),
                Ok(p) => view! { <Library page=p /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Library(page: crate::model::trials::LibraryPage) -> impl IntoView {
    let count = page.entries.len();
    view! {
        <section class="panel">
            <h1>"Learning library"</h1>
            <p class="lead">"What the community has learned: trials and what they taught, workshop reports and the decisions taken — in every region and group."</p>
            <form method="get" action="/library" class="stack library-search" role="search">
                <div class="field">
                    <label for="library-q">"Search"</label>
                    <input id="library-q" type="search" name="q" value=page.q.clone() maxlength=100 />
                </div>
                <div class="field">
                    <label for="library-space">"Space"</label>
                    <select id="library-space" name="space">
                        <option value="" selected=page.space.is_empty()>"Every space"</option>
                        {page.spaces.iter().map(|(slug, name)| view! {
                            <option value=slug.clone() selected=*slug == page.space>{name.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="library-kind">"Kind"</label>
                    <select id="library-kind" name="kind">
                        <option value="" selected=page.kind.is_empty()>"Everything"</option>
                        {page.kinds.iter().map(|(code, label)| view! {
                            <option value=code.clone() selected=*code == page.kind>{label.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button">"Search the library"</button>
            </form>
        </section>
        <section class="panel" aria-labelledby="found-heading">
            <h2 id="found-heading">{match count { 0 => "Nothing found".to_owned(), 1 => "1 found".to_owned(), n => format!("{n} found") }}</h2>
            <ul class="directory">
                {page.entries.into_iter().map(|e| view! {
                    <li class="directory__item">
                        <a class="directory__name" href=e.href>{e.title}</a>
                        <span class="meta">{format!("{} · {} · {}", e.kind, e.space_name, e.on)}</span>
                        {(!e.summary.is_empty()).then(|| view! { <p>{e.summary}</p> })}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
