//! The later activities on screen: rating themes for impact and effort, answering a poll,
//! and reflecting — each live, each kept in the outbox while the connection is down.
use super::board::run;
use super::chart::PriorityChart;
use super::live::{Live, Pending};
use crate::domain::workshop::board::{Activity, Reflection, Theme};
use crate::domain::workshop::responses::{
    PollTally, REFLECTION_MAX, Rating, RatingTally, ReflectionPrompt,
};
use leptos::prelude::*;

fn voter(live: Live) -> bool {
    live.board
        .with_untracked(|b| b.viewer.participant_id.is_some())
}

#[component]
pub fn Prioritise(live: Live, activity: Activity) -> impl IntoView {
    let a = activity.id;
    // Redraw the list only when the themes change, not on every rating.
    let themes = Memo::new(move |_| live.board.with(|b| b.themes.clone()));
    let visible = move || {
        live.board
            .with(|b| b.viewer.facilitator || b.settings.results_live || b.stage.revealed)
    };
    let voting = voter(live);
    view! {
        <section class="panel" aria-labelledby="prioritise-heading">
            <h2 id="prioritise-heading">"Prioritise"</h2>
            {voting.then(|| view! {
                <p class="muted">"For each theme: how much difference would it make (impact), and how hard would it be (effort)? 1 is least, 5 is most."</p>
                <ul class="ratings">
                    {move || themes.get().into_iter().map(|t| view! { <RateTheme live activity_id=a theme=t /> }).collect_view()}
                </ul>
            })}
            {move || themes.with(Vec::is_empty).then(|| view! { <p class="muted">"There are no themes to rate."</p> })}
            {move || visible().then(|| view! {
                <h3>"Impact and effort so far"</h3>
                <LivePriorities live activity_id=a />
            })}
        </section>
    }
}

/// The impact/effort chart of the ratings this screen may see, redrawn as they change.
#[component]
pub fn LivePriorities(live: Live, activity_id: i64) -> impl IntoView {
    let a = activity_id;
    let tallies = Memo::new(move |_| {
        live.board.with(|b| {
            b.themes
                .iter()
                .map(|t| {
                    let tally = b.rating_tally(a, t.id).copied().unwrap_or(RatingTally {
                        activity_id: a,
                        theme_id: t.id,
                        ..Default::default()
                    });
                    (t.name.clone(), tally)
                })
                .collect::<Vec<_>>()
        })
    });
    move || view! { <PriorityChart themes=tallies.get() id=format!("live-priority-{a}") /> }
}

/// A poll's bars as far as this screen may see them.
#[component]
pub fn LivePoll(live: Live, activity: Activity) -> impl IntoView {
    let a = activity.id;
    let labels: Vec<String> = activity.options.iter().map(|o| o.label.clone()).collect();
    move || {
        live.board.with(|b| b.poll(a).cloned()).map(|tally| {
            view! { <PollBars tally labels=labels.clone() /> }
        })
    }
}

/// Reflections as a wall for the room, by question.
#[component]
pub fn ReflectionWall(live: Live, activity_id: i64) -> impl IntoView {
    view! {
        {ReflectionPrompt::ALL.iter().map(|q| {
            let q = *q;
            let these = move || live.board.with(|b| b.reflections.iter()
                .filter(|r| r.activity_id == activity_id && r.prompt == q).cloned().collect::<Vec<_>>());
            view! {
                <h2>{q.label()}</h2>
                <ul class="notes notes--wall">
                    {move || these().into_iter().map(|r| view! {
                        <li class="note"><p class="note__body">{r.body}</p>{r.author.map(|a| view! { <p class="note__by">{a}</p> })}</li>
                    }).collect_view()}
                </ul>
            }
        }).collect_view()}
    }
}

#[component]
fn RateTheme(live: Live, activity_id: i64, theme: Theme) -> impl IntoView {
    let t = theme.id;
    let saved = live.board.with_untracked(|b| b.my_rating(activity_id, t));
    let impact = RwSignal::new(saved.map(|r| r.impact));
    let effort = RwSignal::new(saved.map(|r| r.effort));
    let locked = move || live.board.with(|b| !b.stage.accepts_input());
    let send = move || {
        if let (Some(i), Some(e)) = (impact.get_untracked(), effort.get_untracked())
            && let Ok(r) = Rating::new(i, e)
        {
            live.rate(activity_id, t, Some(r));
        }
    };
    // What the server holds for this theme, and whether a rating is on its way there.
    let stored = Memo::new(move |_| live.board.with(|b| b.my_rating(activity_id, t)));
    let sending = move || {
        live.outbox.with(|o| {
            o.iter()
                .any(|q| matches!(q.change, Pending::Rating(theme, ..) if theme == t))
        })
    };
    // A rating the server refused goes back to what it holds (the board is fetched again).
    Effect::new(move |_| match stored.get() {
        Some(r) => {
            impact.set(Some(r.impact));
            effort.set(Some(r.effort));
        }
        None if !sending()
            && impact.get_untracked().is_some()
            && effort.get_untracked().is_some() =>
        {
            impact.set(None);
            effort.set(None);
        }
        None => {}
    });
    // "Rated" only once the server has stored it.
    let status = move || match (impact.get(), effort.get()) {
        (Some(_), Some(_)) if sending() => "Sending…",
        (Some(_), Some(_)) => "Rated",
        (None, None) => "Not rated yet",
        _ => "Rate both to count",
    };
    let scale = move |what: &'static str, value: RwSignal<Option<u8>>| {
        let name = format!("{what}-{t}");
        view! {
            <fieldset class="scale">
                <legend>{if what == "impact" { "Impact" } else { "Effort" }}</legend>
                {(1u8..=5).map(|n| {
                    let id = format!("{name}-{n}");
                    view! {
                        <span class="scale__choice">
                            <input type="radio" id=id.clone() name=name.clone() value=n.to_string()
                                prop:checked=move || value.get() == Some(n)
                                disabled=locked
                                on:change=move |_| { value.set(Some(n)); send(); } />
                            <label for=id>{n.to_string()}</label>
                        </span>
                    }
                }).collect_view()}
            </fieldset>
        }
    };
    view! {
        <li class="rating">
            <h3 class="rating__theme">{theme.name.clone()}</h3>
            {scale("impact", impact)}
            {scale("effort", effort)}
            <p class="muted rating__status">{status}</p>
        </li>
    }
}

#[component]
pub fn Poll(live: Live, activity: Activity) -> impl IntoView {
    let a = activity.id;
    let multiple = activity.multiple;
    let name = format!("poll-{a}");
    let mine = move || live.board.with(|b| b.my_choice(a));
    let locked = move || live.board.with(|b| !b.stage.accepts_input());
    let voting = voter(live);
    let options = activity.options.clone();
    let choices = options
        .iter()
        .map(|o| {
            let id = o.id;
            let input_id = format!("{name}-{id}");
            let kind = if multiple { "checkbox" } else { "radio" };
            view! {
                <li class="poll__choice">
                    <input type=kind id=input_id.clone() name=name.clone() value=id.to_string()
                        prop:checked=move || mine().contains(&id)
                        disabled=locked
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let mut chosen = if multiple { mine() } else { Vec::new() };
                            chosen.retain(|c| *c != id);
                            if on { chosen.push(id); }
                            chosen.sort_unstable();
                            live.choose(a, chosen);
                        } />
                    <label for=input_id>{o.label.clone()}</label>
                </li>
            }
        })
        .collect_view();
    let shown = move || live.board.with(|b| b.poll(a).is_some());
    let poll = activity.clone();
    view! {
        <section class="panel" aria-labelledby="poll-heading">
            <h2 id="poll-heading">"Poll"</h2>
            {voting.then(|| view! {
                <fieldset class="poll">
                    <legend>{activity.prompt.clone()}{multiple.then_some(" (choose any)")}</legend>
                    <ul class="poll__choices">{choices}</ul>
                </fieldset>
                <button type="button" class="button button--small button--secondary"
                    disabled=move || locked() || mine().is_empty()
                    on:click=move |_| live.choose(a, Vec::new())>"Clear my answer"</button>
            })}
            {move || shown().then(|| view! {
                <h3>"Results so far"</h3>
                <LivePoll live activity=poll.clone() />
            })}
        </section>
    }
}

/// A poll's results as bars: how many chose each option, of how many answered.
#[component]
pub fn PollBars(tally: PollTally, labels: Vec<String>) -> impl IntoView {
    let respondents = tally.respondents;
    view! {
        <p class="muted">{format!("{respondents} answered")}</p>
        <ul class="results">
            {tally.percents().into_iter().zip(labels).map(|((_, n, pct), label)| view! {
                <li>
                    <span class="results__label">{label}</span>
                    <span class="results__bar" style=format!("--share: {pct}%")></span>
                    <span class="results__total">{format!("{n} ({pct}%)")}</span>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn Reflect(live: Live, activity: Activity, facilitating: bool) -> impl IntoView {
    let a = activity.id;
    let reflections = move || {
        live.board.with(|b| {
            b.reflections
                .iter()
                .filter(|r| r.activity_id == a)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let hidden = move || live.board.with(|b| b.hidden_reflections.len());
    view! {
        <section class="panel" aria-labelledby="reflect-heading">
            <h2 id="reflect-heading">"Reflection"</h2>
            {voter(live).then(|| view! { <ReflectionComposer live /> })}
            <SendingReflections live />
            {move || (hidden() > 0).then(|| view! {
                <p class="muted">{format!("{} more reflections will show when the facilitator reveals them.", hidden())}</p>
            })}
            {ReflectionPrompt::ALL.iter().map(|q| {
                let q = *q;
                let these = move || reflections().into_iter().filter(|r| r.prompt == q).collect::<Vec<_>>();
                view! {
                    <h3>{q.label()}</h3>
                    <ul class="notes">
                        <For each=these key=|r| (r.id, r.body.clone()) let:r>
                            <ReflectionItem live r facilitating />
                        </For>
                    </ul>
                }
            }).collect_view()}
        </section>
    }
}

#[component]
fn ReflectionItem(live: Live, r: Reflection, facilitating: bool) -> impl IntoView {
    let author = match (&r.author, r.mine) {
        (Some(a), true) => format!("You ({a})"),
        (None, true) => "You, without your name".to_owned(),
        (Some(a), false) => a.clone(),
        (None, false) => "Anonymous".to_owned(),
    };
    let ws = live.workshop_id;
    let id = r.id;
    let removable = r.mine || facilitating;
    view! {
        <li class="note">
            <p class="note__body">{r.body.clone()}</p>
            <p class="note__meta">
                <span>{author}</span>
                {removable.then(|| view! {
                    <button type="button" class="button button--small button--secondary"
                        aria-label=format!("Remove reflection: {}", r.body.chars().take(40).collect::<String>())
                        on:click=move |_| run(live, crate::api::workshops::remove_reflection(ws, id))>"Remove"</button>
                })}
            </p>
        </li>
    }
}

#[component]
fn ReflectionComposer(live: Live) -> impl IntoView {
    let prompt = RwSignal::new(ReflectionPrompt::Worked);
    let body = RwSignal::new(String::new());
    let anonymous = RwSignal::new(false);
    let workshop_anonymous = live.board.with_untracked(|b| b.settings.anonymous);
    let left = move || REFLECTION_MAX as i64 - body.with(|b| b.chars().count()) as i64;
    let locked = move || live.board.with(|b| !b.stage.accepts_input());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = body.get_untracked().trim().to_owned();
        if text.is_empty() {
            live.error.set(Some("Write your reflection first.".into()));
            return;
        }
        if text.chars().count() > REFLECTION_MAX {
            live.error.set(Some(format!(
                "Keep your reflection to {REFLECTION_MAX} characters."
            )));
            return;
        }
        live.error.set(None);
        live.reflect(prompt.get_untracked(), text, anonymous.get_untracked());
        body.set(String::new());
    };
    view! {
        <form class="stack composer" on:submit=submit>
            <fieldset class="choices">
                <legend>"Which question are you answering?"</legend>
                {ReflectionPrompt::ALL.iter().map(|q| {
                    let q = *q;
                    let id = format!("reflection-{}", q.code());
                    view! {
                        <span class="choice">
                            <input type="radio" name="reflection-prompt" id=id.clone() value=q.code()
                                prop:checked=move || prompt.get() == q
                                on:change=move |_| prompt.set(q) />
                            <label for=id>{q.label()}</label>
                        </span>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for="reflection-body">"Your reflection"</label>
                <textarea id="reflection-body" rows="3" aria-describedby="reflection-left"
                    prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                <p id="reflection-left" class="field__hint" class:field__hint--over=move || left() < 0>
                    {move || if left() >= 0 { format!("{} characters left", left()) } else { format!("{} characters too many", -left()) }}
                </p>
            </div>
            {(!workshop_anonymous).then(|| view! {
                <div class="checkbox">
                    <input id="reflection-anonymous" type="checkbox" prop:checked=move || anonymous.get()
                        on:change=move |ev| anonymous.set(event_target_checked(&ev)) />
                    <label for="reflection-anonymous">"Share without my name"</label>
                </div>
            })}
            <button type="submit" class="button" disabled=locked>"Share reflection"</button>
        </form>
    }
}

/// Reflections typed on this device that the server has not confirmed yet.
#[component]
fn SendingReflections(live: Live) -> impl IntoView {
    let pending = move || {
        live.outbox.with(|o| {
            o.iter()
                .filter_map(|q| match &q.change {
                    Pending::Reflection(_, _, body, _) => Some(body.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    };
    move || {
        let waiting = pending();
        (!waiting.is_empty()).then(|| view! {
            <ul class="notes notes--sending" aria-label="Reflections waiting to send">
                {waiting.into_iter().map(|b| view! { <li class="note note--sending">{b}<span class="muted">" (sending…)"</span></li> }).collect_view()}
            </ul>
        })
    }
}
