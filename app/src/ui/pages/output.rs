//! What workshops leave behind, on screen: the report (printable, downloadable), the
//! actions lists (mine, a space's) and a space's workshop archive.
use crate::api::output::{
    CreateAction, SaveTemplate, SetActionStatus, get_my_actions, get_report_page,
    get_space_workshops,
};
use crate::domain::action::{ActionStatus, ActionView};
use crate::domain::workshop::board::Turnout;
use crate::domain::workshop::report::{PollReport, ReflectionReport, Report, Voice, VoteReport};
use crate::model::output::{ArchiveEntry, ReportPage};
use crate::ui::form::{Field, FormError, SelectField, Submit, action_error};
use crate::ui::widgets::problem;
use crate::ui::workshop::chart::PriorityChart;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn voice_label(v: Voice) -> &'static str {
    v.map_or("Prefer not to say", |p| p.label())
}

fn voice_class(v: Voice) -> String {
    format!("voice voice--{}", v.map_or("unsaid", |p| p.code()))
}

fn date(d: chrono::NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

#[component]
pub fn ReportPageView() -> impl IntoView {
    let id = crate::ui::widgets::id_param();
    let created = ServerAction::<CreateAction>::new();
    let updated = ServerAction::<SetActionStatus>::new();
    let page = crate::ui::widgets::server_data(
        move || (id(), created.version().get(), updated.version().get()),
        |(id, _, _)| get_report_page(id),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Workshop report", e),
                Ok(p) => view! { <ReportView page=p created updated /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn ReportView(
    page: ReportPage,
    created: ServerAction<CreateAction>,
    updated: ServerAction<SetActionStatus>,
) -> impl IntoView {
    let r = page.report;
    let h = r.header.clone();
    let id = h.workshop_id;
    let meta = format!(
        "{}{} · facilitated by {}",
        date(h.held_on),
        h.space
            .as_ref()
            .map(|(n, _)| format!(" · {n}"))
            .unwrap_or_default(),
        h.facilitator
    );
    view! {
        <Title text=format!("Report: {}", h.title) />
        <article class="report">
            <header class="report__header">
                <p class="kind">"Workshop report"</p>
                <h1>{h.title.clone()}</h1>
                <p class="muted">{meta}</p>
                {(!h.purpose.is_empty()).then(|| view! { <p><strong>"Purpose: "</strong>{h.purpose.clone()}</p> })}
                {(!h.finished).then(|| view! { <p class="notice">"The workshop is still running: this report will change."</p> })}
                <p class="report__tools no-print">
                    {page.records.then(|| view! {
                        <a class="button button--small button--secondary" href=format!("/workshops/{id}/report.csv") download="">"Download the raw records (CSV)"</a>
                    })}
                    <a class="button button--small button--secondary" href=format!("/workshops/{id}/report.md") download="">"Download Markdown"</a>
                </p>
            </header>
            <TurnoutSection turnout=r.turnout.clone() guests=r.guests />
            <ThemesSection report=r.clone() propose_in=page.propose_in.clone() />
            {r.votes.iter().cloned().map(|v| view! { <VoteSection vote=v /> }).collect_view()}
            {r.priorities.iter().map(|p| view! {
                <section class="panel" aria-labelledby=format!("priority-{}", p.activity_id)>
                    <h2 id=format!("priority-{}", p.activity_id)>"Priorities: "{p.prompt.clone()}</h2>
                    <PriorityChart themes=p.themes.clone() id=format!("report-priority-{}", p.activity_id) />
                </section>
            }).collect_view()}
            {r.polls.iter().cloned().map(|p| view! { <PollSection poll=p /> }).collect_view()}
            {r.reflections.iter().cloned().map(|x| view! { <ReflectionSection reflection=x /> }).collect_view()}
            <section class="panel" aria-labelledby="actions-heading">
                <h2 id="actions-heading">"Actions"</h2>
                <ActionList actions=r.actions.clone() updated show_workshop=false propose_in=page.propose_in.clone() />
                {page.owners.map(|owners| view! {
                    <NewAction workshop_id=id owners sources=page.sources.clone() created />
                })}
            </section>
        </article>
    }
}

#[component]
fn TurnoutSection(turnout: Turnout, guests: u32) -> impl IntoView {
    let total = turnout.total().max(1);
    let guests = match guests {
        0 => String::new(),
        1 => "; 1 of them joined as a guest".to_owned(),
        n => format!("; {n} of them joined as guests"),
    };
    view! {
        <section class="panel" aria-labelledby="turnout-heading">
            <h2 id="turnout-heading">"Who took part"</h2>
            <p>{format!("{} participants{guests}", turnout.total())}</p>
            <ul class="results">
                {turnout.0.iter().map(|(v, n)| view! {
                    <li>
                        <span class="results__label">{voice_label(*v)}</span>
                        <span class="results__bar" style=format!("--share: {}%", n * 100 / total)></span>
                        <span class="results__total">{n.to_string()}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn ThemesSection(report: Report, propose_in: Option<String>) -> impl IntoView {
    (!report.themes.is_empty()).then(|| {
        view! {
            <section class="panel" aria-labelledby="themes-heading">
                <h2 id="themes-heading">"Themes"</h2>
                <ul class="links">
                    {report.themes.iter().map(|t| view! {
                        <li>
                            {t.name.clone()}<span class="muted">{format!(" · {} notes", t.notes)}</span>
                            {propose_in.clone().map(|space| view! { <ProposeThis space from=format!("theme:{}", t.id) what=t.name.clone() /> })}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn VoteSection(vote: VoteReport) -> impl IntoView {
    let heading = format!("vote-{}", vote.activity_id);
    let labelled = heading.clone();
    view! {
        <section class="panel" aria-labelledby=labelled>
            <h2 id=heading>"Votes: "{vote.prompt.clone()}</h2>
            // Focusable and named, so a keyboard can scroll it if a narrow screen needs to.
            <div class="table-wrap" tabindex="0" role="region" aria-label=format!("Votes on {}", vote.prompt)>
                <table class="breakdown">
                    <caption class="visually-hidden">"Ranked by dots, with each item's dots by perspective"</caption>
                    <thead><tr><th scope="col">"Rank"</th><th scope="col">"Item"</th><th scope="col">"Dots"</th><th scope="col">"By perspective"</th></tr></thead>
                    <tbody>
                        {vote.items.iter().map(|l| view! {
                            <tr>
                                <td>{l.ranked.rank.to_string()}</td>
                                <th scope="row">{l.label.clone()}</th>
                                <td>{l.ranked.dots.to_string()}</td>
                                <td>
                                    <span class="stacked" aria-hidden="true">
                                        {l.ranked.by_voice.iter().map(|(v, _, pct)| view! {
                                            <span class=voice_class(*v) style=format!("width: {pct}%")></span>
                                        }).collect_view()}
                                    </span>
                                    <span class="breakdown__text">
                                        {l.ranked.by_voice.iter().map(|(v, d, pct)| format!("{} {d} ({pct}%)", voice_label(*v))).collect::<Vec<_>>().join(", ")}
                                    </span>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(!vote.divergence.is_empty()).then(|| view! {
                <h3>"Where views diverged most"</h3>
                <ul class="divergence">
                    {vote.divergence.iter().map(|(label, d)| view! {
                        <li><strong>{label.clone()}</strong>{format!(": {} points between {} (most) and {} (least)", d.points, voice_label(d.most), voice_label(d.least))}</li>
                    }).collect_view()}
                </ul>
                <p class="muted">"The gap is between the shares of each perspective's dots that went to the item."</p>
            })}
        </section>
    }
}

/// A poll's results: bars with how many chose each option, and who by perspective.
#[component]
fn PollSection(poll: PollReport) -> impl IntoView {
    let heading = format!("poll-{}", poll.activity_id);
    let labelled = heading.clone();
    view! {
        <section class="panel" aria-labelledby=labelled>
            <h2 id=heading>"Poll: "{poll.prompt.clone()}</h2>
            <p class="muted">{format!("{} answered{}", poll.respondents, if poll.multiple { ", choosing any" } else { "" })}</p>
            <ul class="results">
                {poll.options.into_iter().map(|o| {
                    let split = o.by_voice.iter().map(|(v, n)| format!("{} {n}", voice_label(*v))).collect::<Vec<_>>().join(", ");
                    view! {
                        <li>
                            <span class="results__label">{o.label}</span>
                            <span class="results__bar" style=format!("--share: {}%", o.percent)></span>
                            <span class="results__total">{format!("{} ({}%)", o.count, o.percent)}</span>
                            {(!split.is_empty()).then(|| view! { <span class="breakdown__text">{split}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn ReflectionSection(reflection: ReflectionReport) -> impl IntoView {
    let heading = format!("reflection-{}", reflection.activity_id);
    let labelled = heading.clone();
    view! {
        <section class="panel" aria-labelledby=labelled>
            <h2 id=heading>"Reflection: "{reflection.prompt.clone()}</h2>
            {reflection.answers.iter().map(|(q, answers)| view! {
                <h3>{q.label()}</h3>
                {if answers.is_empty() {
                    view! { <p class="muted">"No answers."</p> }.into_any()
                } else {
                    view! {
                        <ul class="quotes">
                            {answers.iter().map(|(who, body)| view! {
                                <li>{body.clone()}{who.clone().map(|w| view! { <span class="muted">{format!(" — {w}")}</span> })}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            }).collect_view()}
        </section>
    }
}

/// Actions with their owner, due date and status; those the viewer may update carry a
/// status form, and each shows its history.
/// "Propose this": a link that starts a proposal in `space` from a theme or action.
#[component]
fn ProposeThis(space: String, from: String, what: String) -> impl IntoView {
    view! {
        <a class="button button--small button--secondary no-print propose-this"
            href=format!("/proposals/new?space={space}&from={from}")>
            "Propose this"<span class="visually-hidden">{format!(": {what}")}</span>
        </a>
    }
}

#[component]
pub fn ActionList(
    actions: Vec<ActionView>,
    updated: ServerAction<SetActionStatus>,
    show_workshop: bool,
    /// On a workshop's report: the space where the reader may propose an action.
    #[prop(default = None)]
    propose_in: Option<String>,
) -> impl IntoView {
    if actions.is_empty() {
        return view! { <p class="muted">"No actions yet."</p> }.into_any();
    }
    let error = action_error(updated);
    view! {
        <FormError error />
        <ul class="actions">
            {actions.into_iter().map(|a| view! { <ActionItem a updated show_workshop propose_in=propose_in.clone() /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn ActionItem(
    a: ActionView,
    updated: ServerAction<SetActionStatus>,
    show_workshop: bool,
    propose_in: Option<String>,
) -> impl IntoView {
    let status_id = format!("action-{}-status", a.id);
    let title = a.title.clone();
    let history = a
        .history
        .iter()
        .map(|e| {
            let at = e.at.replace('T', " ").trim_end_matches('Z').to_owned();
            format!("{} by {} on {at}", e.status.label(), e.by)
        })
        .collect::<Vec<_>>();
    view! {
        <li class="action" class:action--overdue=a.overdue class:action--closed=a.status.is_closed()>
            <p class="action__title"><strong>{a.title.clone()}</strong></p>
            <p class="action__meta">
                <span>{format!("Owner: {}", a.owner)}</span>
                <span>{format!("Due {}", date(a.due_on))}</span>
                <span class=format!("tag tag--{}", a.status.code())>{a.status.label()}</span>
                {a.overdue.then(|| view! { <span class="tag tag--overdue">"Overdue"</span> })}
            </p>
            {a.source.clone().map(|s| view! { <p class="muted">{s}</p> })}
            {show_workshop.then(|| a.workshop.clone().map(|(id, title)| view! {
                <p class="muted">"From "<a href=format!("/workshops/{id}/report")>{title}</a></p>
            })).flatten()}
            {a.may_update.then(|| view! {
                <ActionForm action=updated attr:class="inline-form action__update">
                    <input type="hidden" name="action_id" value=a.id.to_string() />
                    <label for=status_id.clone()>{format!("Status of “{}”", a.title.chars().take(40).collect::<String>())}</label>
                    <select id=status_id name="status">
                        {ActionStatus::ALL.iter().map(|s| view! { <option value=s.code() selected=*s == a.status>{s.label()}</option> }).collect_view()}
                    </select>
                    <button type="submit" class="button button--small">"Update"</button>
                </ActionForm>
            })}
            {propose_in.map(|space| view! { <p><ProposeThis space from=format!("action:{}", a.id) what=title.clone() /></p> })}
            <details class="action__history">
                <summary>"History"</summary>
                <ol>{history.into_iter().map(|h| view! { <li>{h}</li> }).collect_view()}</ol>
            </details>
        </li>
    }
}

#[component]
fn NewAction(
    workshop_id: i64,
    owners: Vec<(i64, String)>,
    sources: Vec<(String, String)>,
    created: ServerAction<CreateAction>,
) -> impl IntoView {
    let error = action_error(created);
    let owners: Vec<(String, String)> = owners
        .into_iter()
        .map(|(id, n)| (id.to_string(), n))
        .collect();
    let mut from = vec![(String::new(), "Nothing in particular".to_owned())];
    from.extend(sources);
    view! {
        <details class="new-action" open=true>
            <summary>"Add an action"</summary>
            <ActionForm action=created attr:class="stack" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="workshop_id" value=workshop_id.to_string() />
                <Field label="What is to be done" name="title" maxlength=300 error />
                <SelectField label="Owner" name="owner" options=owners placeholder="Choose a member" error />
                <Field label="Due" name="due_on" input_type="date" hint="The date it should be done by" error />
                <SelectField label="From theme or note" name="source" options=from error />
                <Submit label="Add the action" pending=created.pending() />
            </ActionForm>
        </details>
    }
}

#[component]
pub fn MyActionsPage() -> impl IntoView {
    let updated = ServerAction::<SetActionStatus>::new();
    let list =
        crate::ui::widgets::server_data(move || updated.version().get(), |_| get_my_actions());
    view! {
        <Title text="My actions" />
        <section class="panel narrow">
            <h1>"My actions"</h1>
            <p class="muted">"What you have taken on, soonest due first."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <p>{e.to_string()}</p>{matches!(e, crate::error::AppError::Unauthenticated).then(|| view! { <p><a href="/sign-in">"Sign in"</a></p> })} }.into_any(),
                    Ok(actions) => view! { <ActionList actions updated show_workshop=true /> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn SpaceWorkshopsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let q = move || query.read().get("q").unwrap_or_default();
    let updated = ServerAction::<SetActionStatus>::new();
    let page = crate::ui::widgets::server_data(
        move || (slug(), q(), updated.version().get()),
        |(s, q, _)| get_space_workshops(s, q),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Workshops", e),
                Ok(p) => view! {
                    <Title text=format!("Workshops: {}", p.name) />
                    <section class="panel">
                        <p class="kind"><a href=format!("/spaces/{}", p.slug)>{p.name.clone()}</a></p>
                        <h1>"Workshops"</h1>
                        <form method="get" class="search" role="search">
                            <label for="archive-q">"Search by title, purpose or theme"</label>
                            <input id="archive-q" name="q" type="search" maxlength="100" value=q() />
                            <button type="submit" class="button button--small">"Search"</button>
                        </form>
                        <Archive entries=p.workshops searched=!q().trim().is_empty() />
                    </section>
                    <section class="panel" aria-labelledby="space-actions">
                        <h2 id="space-actions">"Actions"</h2>
                        <ActionList actions=p.actions updated show_workshop=true />
                    </section>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Archive(entries: Vec<ArchiveEntry>, searched: bool) -> impl IntoView {
    if entries.is_empty() {
        let text = if searched {
            "No workshops match."
        } else {
            "No workshops yet."
        };
        return view! { <p class="muted">{text}</p> }.into_any();
    }
    view! {
        <ul class="archive">
            {entries.into_iter().map(|w| {
                let turnout = w.turnout.0.iter().map(|(v, n)| format!("{} {n}", voice_label(*v))).collect::<Vec<_>>().join(", ");
                view! {
                    <li class="archive__item">
                        <h2 class="archive__title"><a href=format!("/workshops/{}/report", w.id)>{w.title.clone()}</a></h2>
                        <p class="muted">{date(w.held_on)}{(!w.finished).then_some(" · not finished")}</p>
                        <p>{format!("{} took part", w.turnout.total())}{(!turnout.is_empty()).then(|| format!(": {turnout}"))}</p>
                        {(!w.themes.is_empty()).then(|| view! { <p>"Themes: "{w.themes.join(" · ")}</p> })}
                        <p>
                            {match w.open_actions { 1 => "1 open action".to_owned(), n => format!("{n} open actions") }}
                            {(w.overdue_actions > 0).then(|| view! { <span class="tag tag--overdue">{format!("{} overdue", w.overdue_actions)}</span> })}
                        </p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Save the workshop's agenda as a template, from the facilitator's console.
#[component]
pub fn SaveAsTemplate(workshop_id: i64) -> impl IntoView {
    let action = ServerAction::<SaveTemplate>::new();
    let error = action_error(action);
    let saved = move || action.value().get().and_then(|r| r.ok()).is_some();
    view! {
        <details class="panel">
            <summary>"Save this agenda as a template"</summary>
            <ActionForm action attr:class="stack" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="workshop_id" value=workshop_id.to_string() />
                <Field label="Template name" name="name" maxlength=120 error />
                <Field label="Description" name="description" required=false maxlength=500 error />
                <Submit label="Save template" pending=action.pending() />
                {move || saved().then(|| view! { <p role="status">"Saved. It is offered when anyone runs a new workshop."</p> })}
            </ActionForm>
        </details>
    }
}
