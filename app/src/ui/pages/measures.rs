//! A space's own improvement measures (`/spaces/:slug/measures`) and one measure
//! (`/measures/:id`): its run or SPC chart, its data, notes, and — for those who keep it —
//! forms to paste data and note a change.
use crate::api::measures::{
    AddMeasurePoints, DefineMeasure, NoteMeasure, get_measure, get_space_measures,
};
use crate::domain::measure::{Better, ChartKind};
use crate::model::measures::{MeasurePage, SpaceMeasures};
use crate::ui::form::{Field, FormError, SelectField, Submit, TextAreaField, action_error};
use crate::ui::run_chart::{RunChart, plain};
use crate::ui::spc_chart::XmrChart;
use crate::ui::widgets::{problem, server_data};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SpaceMeasuresPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let define = ServerAction::<DefineMeasure>::new();
    let page = server_data(slug, get_space_measures);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Measures", e),
                Ok(p) => view! { <Measures page=p define /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Measures(page: SpaceMeasures, define: ServerAction<DefineMeasure>) -> impl IntoView {
    let error = action_error(define);
    let title = format!("Measures of {}", page.space_name);
    let slug = page.space_slug.clone();
    view! {
        <Title text=title.clone() />
        <section class="panel">
            <p class="kind"><a href=format!("/spaces/{slug}")>{page.space_name.clone()}</a>" · "<a href=format!("/spaces/{slug}/dashboard")>"Dashboard"</a></p>
            <h1>{title}</h1>
            <p class="lead">"What this space measures to learn whether its changes are improvements, read over time as run charts and SPC charts."</p>
            {if page.measures.is_empty() {
                view! { <p>"No measures yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="directory">
                        {page.measures.into_iter().map(|m| view! {
                            <li class="directory__item">
                                <a class="directory__name" href=format!("/measures/{}", m.id)>{m.name}</a>
                                <span class="meta">{format!("{} · {} · {} · {} points ({})", m.grain_label, m.better_label, m.chart_label, m.points, m.unit)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {page.may_define.then(|| view! {
            <section class="panel narrow" aria-labelledby="define-heading">
                <h2 id="define-heading">"Define a measure"</h2>
                <ActionForm action=define attr:class="stack" attr:novalidate=true>
                    <FormError error />
                    <input type="hidden" name="space" value=slug.clone() />
                    <Field label="Name" name="name" maxlength=120 hint="For example: patients called back within 2 days of discharge." error />
                    <Field label="Unit" name="unit" maxlength=40 hint="What is counted: calls, days, %." error />
                    <SelectField label="Which way is better" name="better" options=page.betters placeholder="Choose" error />
                    <Field label="Target (optional)" name="target" required=false maxlength=20 error />
                    <SelectField label="How often" name="grain" options=page.grains initial="month".to_owned() error />
                    <SelectField label="Chart" name="chart" options=page.charts initial="run".to_owned() error />
                    <Submit label="Define measure" pending=define.pending() />
                </ActionForm>
            </section>
        })}
    }
}

#[component]
pub fn MeasurePageView() -> impl IntoView {
    let id = crate::ui::widgets::id_param();
    let add = ServerAction::<AddMeasurePoints>::new();
    let note = ServerAction::<NoteMeasure>::new();
    let page = server_data(
        move || (id(), add.version().get(), note.version().get()),
        |(id, _, _)| get_measure(id),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Measure", e),
                Ok(p) => view! { <Measure page=p add note /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Measure(
    page: MeasurePage,
    add: ServerAction<AddMeasurePoints>,
    note: ServerAction<NoteMeasure>,
) -> impl IntoView {
    let add_error = action_error(add);
    let note_error = action_error(note);
    let better = Better::from_code(&page.better).unwrap_or(Better::Neither);
    let marks: Vec<(usize, u32)> = page.notes.iter().map(|n| (n.index, n.number)).collect();
    let rebase_at: Vec<usize> = page
        .notes
        .iter()
        .filter(|n| n.rebase)
        .map(|n| n.index)
        .collect();
    let chart_title = format!(
        "{} ({}), {}",
        page.name,
        page.unit,
        page.grain_label.to_lowercase()
    );
    let chart = if page.chart == ChartKind::Xmr.code() {
        view! {
            <XmrChart id="measure".to_owned() title=chart_title labels=page.labels.clone() values=page.values.clone()
                direction=better.direction() target=page.target rebase_at notes=marks />
        }.into_any()
    } else {
        view! { <RunChart id="measure".to_owned() title=chart_title labels=page.labels.clone() values=page.values.clone() notes=marks /> }.into_any()
    };
    let id = page.id.to_string();
    let note_id = id.clone();
    view! {
        <Title text=page.name.clone() />
        <section class="panel">
            <p class="kind"><a href=format!("/spaces/{}/measures", page.space_slug)>{format!("Measures of {}", page.space_name)}</a></p>
            <h1>{page.name.clone()}</h1>
            <p class="meta">{format!("{} · {} · {}{}", page.unit, page.grain_label, page.better_label,
                page.target.map(|t| format!(" · target {}", plain(t))).unwrap_or_default())}</p>
            {chart}
            {(!page.notes.is_empty()).then(|| view! {
                <h2>"Notes on the chart"</h2>
                <ol class="measure-notes">
                    {page.notes.iter().map(|n| view! {
                        <li>{format!("{}: {}{}", n.on, n.text, if n.rebase { " (limits start again here)" } else { "" })}</li>
                    }).collect_view()}
                </ol>
            })}
            <details>
                <summary>{format!("The data ({} points)", page.values.len())}</summary>
                <div class="table-wrap" tabindex="0" role="region" aria-label="The data">
                    <table class="lines">
                        <thead><tr><th scope="col">"Period"</th><th scope="col">{page.unit.clone()}</th></tr></thead>
                        <tbody>
                            {page.labels.iter().zip(&page.values).map(|(l, v)| view! { <tr><td>{l.clone()}</td><td>{plain(*v)}</td></tr> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </section>
        {page.may_edit.then(|| view! {
            <section class="panel narrow" aria-labelledby="data-heading">
                <h2 id="data-heading">"Add data"</h2>
                <ActionForm action=add attr:class="stack" attr:novalidate=true>
                    <FormError error=add_error />
                    <input type="hidden" name="id" value=id.clone() />
                    <TextAreaField label="Points, one a line" name="points" maxlength=40_000
                        hint="A period and a value, e.g. 2026-03, 42 — pasted from a spreadsheet too. A period already there is corrected." error=add_error />
                    <Submit label="Add data" pending=add.pending() />
                </ActionForm>
                <h2>"Note a change or an event"</h2>
                <ActionForm action=note attr:class="stack" attr:novalidate=true>
                    <FormError error=note_error />
                    <input type="hidden" name="id" value=note_id.clone() />
                    <Field label="Date" name="on" input_type="date" error=note_error />
                    <Field label="What changed or happened" name="text" maxlength=200 hint="For example: started the call-back rota (a PDSA cycle)." error=note_error />
                    <div class="checkbox">
                        <input type="checkbox" id="field-rebase" name="rebase" value="on" />
                        <label for="field-rebase">"Start the SPC limits again from here (the process changed)"</label>
                    </div>
                    <Submit label="Add note" pending=note.pending() />
                </ActionForm>
            </section>
        })}
    }
}
