//! The facilitator's controls: pace (start, back, advance), lock, reveal, the countdown,
//! the workshop's settings and its agenda.
use super::board::run;
use super::live::Live;
use crate::api::workshops::{
    add_activity, control_workshop, get_guests, remove_activity, remove_guest,
    update_workshop_settings,
};
use crate::domain::workshop::ActivityKind;
use crate::domain::workshop::board::{Settings, VoteTarget};
use leptos::prelude::*;

fn control(live: Live, what: &'static str, seconds: Option<u32>) {
    run(
        live,
        control_workshop(live.workshop_id, what.to_owned(), seconds),
    );
}

#[component]
pub fn Controls(live: Live) -> impl IntoView {
    let stage = move || live.board.with(|b| b.stage.clone());
    let started = move || stage().current.is_some();
    let running = move || started() && !stage().finished;
    let last = move || {
        live.board
            .with(|b| b.stage.current.is_some_and(|c| c + 1 >= b.activities.len()))
    };
    let seconds = RwSignal::new("120".to_owned());
    view! {
        <section class="panel controls" aria-labelledby="controls-heading">
            <h2 id="controls-heading">"Controls"</h2>
            <div class="button-row">
                <Show when=move || !started()>
                    <button type="button" class="button" on:click=move |_| control(live, "start", None)>"Start the workshop"</button>
                </Show>
                <Show when=started>
                    <button type="button" class="button button--secondary" on:click=move |_| control(live, "back", None)>"Back"</button>
                </Show>
                <Show when=running>
                    <button type="button" class="button" on:click=move |_| control(live, "advance", None)>
                        {move || if last() { "Finish" } else { "Next activity" }}
                    </button>
                    {move || if stage().locked {
                        view! { <button type="button" class="button button--secondary" on:click=move |_| control(live, "unlock", None)>"Unlock input"</button> }.into_any()
                    } else {
                        view! { <button type="button" class="button button--secondary" on:click=move |_| control(live, "lock", None)>"Lock input"</button> }.into_any()
                    }}
                    {move || if stage().revealed {
                        view! { <button type="button" class="button button--secondary" on:click=move |_| control(live, "hide", None)>"Hide results"</button> }.into_any()
                    } else {
                        view! { <button type="button" class="button button--secondary" on:click=move |_| control(live, "reveal", None)>"Reveal"</button> }.into_any()
                    }}
                </Show>
            </div>
            <Show when=running>
                <form class="inline-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    control(live, "timer", seconds.get_untracked().parse().ok());
                }>
                    <label for="timer-seconds">"Countdown"</label>
                    <select id="timer-seconds" on:change=move |ev| seconds.set(event_target_value(&ev))>
                        <option value="60">"1 minute"</option>
                        <option value="120" selected=true>"2 minutes"</option>
                        <option value="300">"5 minutes"</option>
                        <option value="600">"10 minutes"</option>
                        <option value="900">"15 minutes"</option>
                    </select>
                    <button type="submit" class="button button--small">"Start timer"</button>
                    {move || stage().timer_ends_at_ms.is_some().then(|| view! {
                        <button type="button" class="button button--small button--secondary"
                            on:click=move |_| control(live, "clear_timer", None)>"Stop timer"</button>
                    })}
                </form>
            </Show>
        </section>
    }
}

fn flag(on: bool) -> Option<String> {
    on.then(|| "on".to_owned())
}

#[component]
pub fn SettingsPanel(live: Live) -> impl IntoView {
    let settings = move || live.board.with(|b| b.settings);
    let change = move |next: Settings| {
        run(
            live,
            update_workshop_settings(
                live.workshop_id,
                flag(next.anonymous),
                flag(!next.notes_visible),
                flag(next.results_live),
                flag(next.participants_theme),
                next.code_days,
            ),
        )
    };
    // Anonymity cannot be turned off once anyone wrote under it (the server refuses too).
    let anonymity_fixed = move || {
        live.board.with(|b| {
            b.settings.anonymous
                && !(b.notes.is_empty()
                    && b.hidden_notes.is_empty()
                    && b.reflections.is_empty()
                    && b.hidden_reflections.is_empty())
        })
    };
    let toggle = move |id: &'static str,
                       label: &'static str,
                       get: fn(&Settings) -> bool,
                       set: fn(&mut Settings, bool)| {
        view! {
            <div class="checkbox">
                <input type="checkbox" id=id prop:checked=move || get(&settings())
                    disabled=move || id == "set-anonymous" && anonymity_fixed()
                    on:change=move |ev| {
                        let mut s = settings();
                        set(&mut s, event_target_checked(&ev));
                        change(s);
                    } />
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        <section class="panel" aria-labelledby="settings-heading">
            <h2 id="settings-heading">"Settings"</h2>
            <fieldset class="stack">
                <legend class="visually-hidden">"Workshop settings"</legend>
                {toggle("set-anonymous", "Notes are anonymous", |s| s.anonymous, |s, v| s.anonymous = v)}
                {toggle("set-hidden", "Hide others' notes until I reveal them", |s| !s.notes_visible, |s, v| s.notes_visible = !v)}
                {toggle("set-live", "Show vote totals live", |s| s.results_live, |s, v| s.results_live = v)}
                {toggle("set-theme", "Participants may create themes and move notes", |s| s.participants_theme, |s, v| s.participants_theme = v)}
                <p class="field__hint" hidden=move || !anonymity_fixed()>
                    "People have written trusting that no names show, so anonymity stays on."
                </p>
                <div class="field">
                    <label for="set-code-days">"Days the join code keeps working after the finish"</label>
                    <input type="number" id="set-code-days" min="0" max="90" inputmode="numeric"
                        prop:value=move || settings().code_days.to_string()
                        on:change=move |ev| {
                            if let Ok(days) = event_target_value(&ev).trim().parse::<u16>() {
                                let mut s = settings();
                                s.code_days = days;
                                change(s);
                            }
                        } />
                </div>
            </fieldset>
        </section>
    }
}

#[component]
pub fn Agenda(live: Live) -> impl IntoView {
    let ws = live.workshop_id;
    let rows = Memo::new(move |_| {
        live.board.with(|b| {
            b.activities
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let reached = b.stage.finished || b.stage.current.is_some_and(|c| i <= c);
                    (
                        i,
                        a.clone(),
                        reached,
                        b.stage.current == Some(i) && !b.stage.finished,
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="panel" aria-labelledby="agenda-heading">
            <h2 id="agenda-heading">"Agenda"</h2>
            <ol class="agenda">
                {move || rows.get().into_iter().map(|(_, a, reached, current)| view! {
                    <li class:agenda__current=current aria-current=current.then_some("step")>
                        <strong>{a.kind.label()}</strong>": "{a.prompt.clone()}
                        {(a.kind == ActivityKind::DotVote).then(|| format!(" ({} dots{}, on {})", a.rules.budget,
                            a.rules.cap_per_item.map(|c| format!(", at most {c} each")).unwrap_or_default(), a.target.label().to_lowercase()))}
                        {(!reached).then(|| view! {
                            <button type="button" class="button button--small button--secondary"
                                aria-label=format!("Take off {}: {}", a.kind.label(), a.prompt)
                                on:click=move |_| run(live, remove_activity(ws, a.id))>"Take off"</button>
                        })}
                    </li>
                }).collect_view()}
            </ol>
            <AddActivity live />
        </section>
    }
}

#[component]
fn AddActivity(live: Live) -> impl IntoView {
    let kind = RwSignal::new(ActivityKind::IdeaCapture.code().to_owned());
    let prompt = RwSignal::new(String::new());
    let budget = RwSignal::new("5".to_owned());
    let cap = RwSignal::new("3".to_owned());
    let target = RwSignal::new(VoteTarget::Themes.code().to_owned());
    let options = RwSignal::new(String::new());
    let multiple = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let call = add_activity(
            live.workshop_id,
            kind.get_untracked(),
            prompt.get_untracked(),
            budget.get_untracked(),
            cap.get_untracked(),
            target.get_untracked(),
            Some(options.get_untracked()),
            multiple.get_untracked().then(|| "on".to_owned()),
        );
        prompt.set(String::new());
        options.set(String::new());
        run(live, call);
    };
    let voting = move || kind.get() == ActivityKind::DotVote.code();
    let polling = move || kind.get() == ActivityKind::Poll.code();
    view! {
        <details>
            <summary>"Add an activity"</summary>
            <form class="stack" on:submit=submit>
                <div class="field">
                    <label for="activity-kind">"Kind"</label>
                    <select id="activity-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {ActivityKind::ALL.iter().map(|k| view! { <option value=k.code()>{k.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="activity-prompt">"Prompt"</label>
                    <input id="activity-prompt" prop:value=move || prompt.get() on:input=move |ev| prompt.set(event_target_value(&ev)) />
                </div>
                <Show when=voting>
                    <div class="field">
                        <label for="activity-budget">"Dots each"</label>
                        <input id="activity-budget" type="number" min="1" max="20" prop:value=move || budget.get() on:input=move |ev| budget.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for="activity-cap">"Most dots on one item (empty: no limit)"</label>
                        <input id="activity-cap" type="number" min="1" max="20" prop:value=move || cap.get() on:input=move |ev| cap.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for="activity-target">"Vote on"</label>
                        <select id="activity-target" on:change=move |ev| target.set(event_target_value(&ev))>
                            {VoteTarget::ALL.iter().map(|t| view! { <option value=t.code()>{t.label()}</option> }).collect_view()}
                        </select>
                    </div>
                </Show>
                <Show when=polling>
                    <div class="field">
                        <label for="activity-options">"Options, one a line"</label>
                        <textarea id="activity-options" rows="4" prop:value=move || options.get() on:input=move |ev| options.set(event_target_value(&ev))></textarea>
                    </div>
                    <div class="checkbox">
                        <input id="activity-multiple" type="checkbox" prop:checked=move || multiple.get() on:change=move |ev| multiple.set(event_target_checked(&ev)) />
                        <label for="activity-multiple">"Allow more than one choice"</label>
                    </div>
                </Show>
                <button type="submit" class="button button--small">"Add to the agenda"</button>
            </form>
        </details>
    }
}

/// The guests who joined, for the facilitator: a guest who should not be there (one
/// device stuffing the ballot, say) can be removed with everything they put on the board.
#[component]
pub fn Guests(live: Live) -> impl IntoView {
    let ws = live.workshop_id;
    let removed = RwSignal::new(0u32);
    let joined = Memo::new(move |_| live.board.with(|b| b.turnout.total()));
    // Fetched in the browser once the console is live (and again as people join or are
    // removed): the server renders the console without waiting for it.
    let guests = LocalResource::new(move || {
        let _ = (joined.get(), removed.get());
        get_guests(ws)
    });
    let remove = move |id: i64, name: String| {
        let sure = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(&format!(
                    "Remove {name} and everything they put on the board? Their device cannot join again."
                ))
                .ok()
            })
            .unwrap_or(false);
        if sure {
            leptos::task::spawn_local(async move {
                match remove_guest(ws, id).await {
                    Ok(()) => {
                        live.error.set(None);
                        removed.update(|n| *n += 1);
                    }
                    Err(e) => live.error.set(Some(e.to_string())),
                }
            });
        }
    };
    view! {
        <section class="panel" aria-labelledby="guests-heading">
            <h2 id="guests-heading">"Guests"</h2>
            <Suspense fallback=|| ()>
                {move || guests.get().map(|r| match r {
                    Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">"No guests have joined."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="guests">
                            {list.into_iter().map(|g| {
                                let name = g.name.clone();
                                let perspective = g.perspective.map_or("Prefer not to say", |p| p.label());
                                view! {
                                    <li>
                                        <span>{g.name.clone()}" · "{perspective}" · joined "{g.joined_at.clone()}</span>
                                        {if g.removed {
                                            view! { <span class="muted">" · removed"</span> }.into_any()
                                        } else {
                                            view! {
                                                <button type="button" class="button button--small button--secondary"
                                                    aria-label=format!("Remove guest {}", g.name)
                                                    on:click=move |_| remove(g.id, name.clone())>"Remove"</button>
                                            }.into_any()
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
