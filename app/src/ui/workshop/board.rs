//! What everyone in a workshop sees: where it stands, idea capture, themes and dot voting,
//! each as a small component over the live board.
//!
//! The leaf components every participant's phone draws are `#[component(transparent)]`:
//! not type-erased into an `AnyView` (which release builds do to every other component),
//! each of which costs the browser's WASM a table of functions; 12 of them saved 1.4 KiB
//! brotli. A transparent component's body runs in its parent's reactive scope, so these
//! read signals only inside closures or untracked.
use super::later::{Later, LaterActivity};
use super::live::{Connection, Live, Pending};
use crate::domain::workshop::ActivityKind;
use crate::domain::workshop::board::{Activity, NOTE_MAX, Note, THEME_MAX, VoteTarget};
use crate::error::AppError;
use leptos::prelude::*;

/// Run a server call for this screen; a refusal is shown, success needs nothing (the
/// change comes back over the live connection).
pub fn run<F>(live: Live, call: F)
where
    F: std::future::Future<Output = Result<(), AppError>> + 'static,
{
    leptos::task::spawn_local(async move {
        match call.await {
            Ok(()) => {
                live.error.set(None);
                live.acknowledged(None);
            }
            Err(e) => live.refused(&e),
        }
    });
}

/// Where the workshop stands: the activity, its prompt, the countdown, the connection.
#[component(transparent)]
pub fn StageBar(live: Live) -> impl IntoView {
    let heading = move || {
        live.board
            .with(|b| match (b.stage.finished, b.current_activity()) {
                (true, _) => "Finished".to_owned(),
                (false, None) => "Not started yet".to_owned(),
                (false, Some(a)) => format!(
                    "{} · {} of {}",
                    a.kind.label(),
                    b.stage.current.unwrap_or(0) + 1,
                    b.activities.len()
                ),
            })
    };
    let prompt = move || {
        live.board.with(|b| {
            b.current_activity()
                .filter(|_| !b.stage.finished)
                .map(|a| a.prompt.clone())
        })
    };
    view! {
        <div class="stage">
            <p class="stage__step">{heading}</p>
            {move || prompt().map(|p| view! { <p class="stage__prompt">{p}</p> })}
            <p class="stage__badges">
                <Timer live />
                {move || live.board.with(|b| b.stage.locked).then(|| view! {
                    <span class="badge badge--locked">"Input locked"</span>
                })}
                <ConnectionBadge live />
            </p>
            <Outbox live />
            {move || live.error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <p class="visually-hidden" aria-live="polite" role="status">{move || live.announcement.get()}</p>
        </div>
    }
}

#[component(transparent)]
fn Timer(live: Live) -> impl IntoView {
    move || {
        live.seconds_left().map(|s| {
            let text = format!("{}:{:02} left", s / 60, s % 60);
            view! { <span class="badge badge--timer" role="timer" aria-label=format!("Time left: {} minutes {} seconds", s / 60, s % 60)>{text}</span> }
        })
    }
}

#[component(transparent)]
fn ConnectionBadge(live: Live) -> impl IntoView {
    move || match live.connection.get() {
        Connection::Live => view! { <span class="badge badge--live">"● Live"</span> }.into_any(),
        Connection::Connecting => view! { <span class="badge">"Connecting…"</span> }.into_any(),
        Connection::Reconnecting => {
            view! { <span class="badge badge--offline">"Reconnecting…"</span> }.into_any()
        }
    }
}

/// Changes made while the connection was down, waiting to be sent.
#[component(transparent)]
fn Outbox(live: Live) -> impl IntoView {
    move || {
        let n = live.outbox.with(Vec::len);
        (n > 0).then(|| {
            let (what, it) = if n == 1 { ("1 change".to_owned(), "it") } else { (format!("{n} changes"), "them") };
            let when = if live.stalled.get() {
                format!("The server could not store {it} yet; trying again every few seconds.")
            } else if n == 1 {
                "It will go when the connection is back.".to_owned()
            } else {
                "They will go when the connection is back.".to_owned()
            };
            view! { <p class="outbox" role="status">{format!("Waiting to send {what}. {when}")}</p> }
        })
    }
}

/// The current activity for a participant (or the facilitator, with `facilitating`).
#[component]
pub fn CurrentActivity(live: Live, facilitating: bool) -> impl IntoView {
    // Only a change of activity redraws it: a note or dot arriving must not reset what
    // someone is typing or where the keyboard focus is.
    let current = Memo::new(move |_| {
        live.board.with(|b| {
            (
                b.stage.finished,
                b.current_activity().cloned(),
                b.stage.current.is_some(),
            )
        })
    });
    move || {
        let (finished, activity, started) = current.get();
        match (finished, activity) {
            // Fetched when first needed, as the later activities are.
            (true, _) => {
                view! { <LaterActivity live later=Later::Results facilitating /> }.into_any()
            }
            (false, Some(a)) => match a.kind {
                ActivityKind::IdeaCapture => {
                    view! { <Capture live activity=a facilitating /> }.into_any()
                }
                ActivityKind::DotVote => view! { <Vote live activity=a /> }.into_any(),
                // Fetched when first needed: see `later`.
                ActivityKind::Grouping
                | ActivityKind::Prioritise
                | ActivityKind::Poll
                | ActivityKind::Reflection => {
                    view! { <LaterActivity live later=Later::Activity(a) facilitating /> }
                        .into_any()
                }
            },
            (false, None) if !started => view! { <Waiting live /> }.into_any(),
            (false, None) => ().into_any(),
        }
    }
}

#[component(transparent)]
fn Waiting(live: Live) -> impl IntoView {
    let joined = move || live.board.with(|b| b.turnout.total());
    view! {
        <section class="panel" aria-labelledby="waiting-heading">
            <h2 id="waiting-heading">"Waiting for the facilitator to start"</h2>
            <p>{move || format!("{} joined so far.", joined())}</p>
        </section>
    }
}

#[component(transparent)]
fn Capture(live: Live, activity: Activity, facilitating: bool) -> impl IntoView {
    let activity_id = activity.id;
    let notes = move || {
        live.board.with(|b| {
            b.notes
                .iter()
                .filter(|n| n.activity_id == activity_id)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let hidden = move || live.board.with(|b| b.hidden_notes.len());
    view! {
        <section class="panel" aria-labelledby="capture-heading">
            <h2 id="capture-heading">"Ideas"</h2>
            // Only participants post; a facilitator who has not joined watches.
            {live.board.with_untracked(|b| b.viewer.participant_id.is_some()).then(|| view! { <NoteComposer live /> })}
            <Sending live />
            <h3>"Notes so far"</h3>
            {move || (hidden() > 0).then(|| view! {
                <p class="muted">{format!("{} more notes will show when the facilitator reveals them.", hidden())}</p>
            })}
            <NoteList notes=Signal::derive(notes) live open=true facilitating />
        </section>
    }
}

#[component(transparent)]
fn NoteComposer(live: Live) -> impl IntoView {
    let body = RwSignal::new(String::new());
    let left = move || NOTE_MAX as i64 - body.with(|b| b.chars().count()) as i64;
    let locked = move || live.board.with(|b| !b.stage.accepts_input());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = body.get_untracked().trim().to_owned();
        if text.is_empty() {
            live.error.set(Some("Write your idea first.".into()));
            return;
        }
        if text.chars().count() > NOTE_MAX {
            live.error
                .set(Some(format!("Keep your note to {NOTE_MAX} characters.")));
            return;
        }
        live.error.set(None);
        live.post_note(text);
        body.set(String::new());
    };
    view! {
        <form class="stack composer" on:submit=submit>
            <div class="field">
                <label for="note-body">"Your idea"</label>
                <textarea id="note-body" name="body" rows="3" aria-describedby="note-left"
                    prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))></textarea>
                <p id="note-left" class="field__hint" class:field__hint--over=move || left() < 0>
                    {move || if left() >= 0 { format!("{} characters left", left()) } else { format!("{} characters too many", -left()) }}
                </p>
            </div>
            <button type="submit" class="button" disabled=locked>"Post note"</button>
        </form>
    }
}

/// Notes typed on this device that the server has not confirmed yet.
#[component(transparent)]
fn Sending(live: Live) -> impl IntoView {
    let pending = move || {
        live.outbox.with(|o| {
            o.iter()
                .filter_map(|q| match &q.change {
                    Pending::Note(_, body) => Some(body.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
    };
    move || {
        let notes = pending();
        (!notes.is_empty()).then(|| view! {
            <ul class="notes notes--sending" aria-label="Notes waiting to send">
                {notes.into_iter().map(|b| view! { <li class="note note--sending">{b}<span class="muted">" (sending…)"</span></li> }).collect_view()}
            </ul>
        })
    }
}

#[component(transparent)]
fn NoteList(
    #[prop(into)] notes: Signal<Vec<Note>>,
    live: Live,
    /// Whether capture is open, so authors may still change their notes.
    open: bool,
    facilitating: bool,
) -> impl IntoView {
    view! {
        <ul class="notes">
            <For each=move || notes.get() key=|n| (n.id, n.body.clone(), n.theme_id) let:note>
                <NoteItem note live open facilitating />
            </For>
        </ul>
    }
}

#[component(transparent)]
fn NoteItem(note: Note, live: Live, open: bool, facilitating: bool) -> impl IntoView {
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(note.body.clone());
    let id = note.id;
    let ws = live.workshop_id;
    let author = match (&note.author, note.mine) {
        (_, true) => "You".to_owned(),
        (Some(a), false) => a.clone(),
        (None, false) => "Anonymous".to_owned(),
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        editing.set(false);
        run(
            live,
            crate::api::workshops::edit_note(ws, id, draft.get_untracked()),
        );
    };
    let may_edit = open && note.mine;
    let body = note.body.clone();
    view! {
        <li class="note" class:note--mine=note.mine>
            <Show when=move || editing.get() fallback=move || view! { <p class="note__body">{body.clone()}</p> }>
                <form class="stack" on:submit=save>
                    <label for=format!("edit-{id}")>"Change your note"</label>
                    <textarea id=format!("edit-{id}") rows="3" prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                    <button type="submit" class="button button--small">"Save"</button>
                </form>
            </Show>
            <p class="note__by">{author}</p>
            <div class="note__actions">
                {may_edit.then(|| view! {
                    <button type="button" class="button button--small button--secondary"
                        on:click=move |_| editing.update(|e| *e = !*e)>"Edit"</button>
                })}
                {(may_edit || facilitating).then(|| view! {
                    <button type="button" class="button button--small button--secondary"
                        on:click=move |_| run(live, crate::api::workshops::remove_note(ws, id))>
                        {if facilitating && !note.mine { "Remove" } else { "Delete" }}
                    </button>
                })}
            </div>
        </li>
    }
}

/// Themes with their notes. Those allowed to group move notes by dragging them onto a
/// theme, or — without dragging — by choosing a theme for a note and pressing Move.
#[component]
pub fn Grouping(live: Live, facilitating: bool) -> impl IntoView {
    let can_theme =
        Memo::new(move |_| facilitating || live.board.with(|b| b.settings.participants_theme));
    let themes = Memo::new(move |_| live.board.with(|b| b.themes.clone()));
    view! {
        <section class="panel" aria-labelledby="themes-heading">
            <h2 id="themes-heading">"Themes"</h2>
            {move || can_theme.get().then(|| view! { <NewTheme live /> })}
            <div class="themes">
                {move || {
                    let can = can_theme.get();
                    themes.get().into_iter().map(|t| view! {
                        <ThemeColumn live theme_id=Some(t.id) name=t.name can_theme=can facilitating />
                    }).collect_view()
                }}
                {move || view! { <ThemeColumn live theme_id=None name="Not in a theme yet".to_owned() can_theme=can_theme.get() facilitating /> }}
            </div>
        </section>
    }
}

#[component]
fn NewTheme(live: Live) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let ws = live.workshop_id;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = name.get_untracked();
        leptos::task::spawn_local(async move {
            match crate::api::workshops::create_theme(ws, n.clone()).await {
                Ok(_) => {
                    live.error.set(None);
                    live.acknowledged(None);
                    // Cleared once stored, and only if nothing new was typed meanwhile:
                    // a name the server refused stays to be corrected.
                    if name.get_untracked() == n {
                        name.set(String::new());
                    }
                }
                Err(e) => live.refused(&e),
            }
        });
    };
    view! {
        <form class="inline-form" on:submit=submit>
            <label for="theme-name">"New theme"</label>
            <input id="theme-name" maxlength=THEME_MAX prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev)) />
            <button type="submit" class="button button--small">"Add theme"</button>
        </form>
    }
}

#[component]
fn ThemeColumn(
    live: Live,
    theme_id: Option<i64>,
    name: String,
    can_theme: bool,
    facilitating: bool,
) -> impl IntoView {
    let ws = live.workshop_id;
    let notes = move || {
        live.board.with(|b| {
            b.notes
                .iter()
                .filter(|n| n.theme_id == theme_id)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let heading_id = format!("theme-{}", theme_id.unwrap_or(0));
    let labelled_by = heading_id.clone();
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        let note = ev
            .data_transfer()
            .and_then(|d| d.get_data("text/plain").ok())
            .and_then(|s| s.parse::<i64>().ok());
        if let Some(note) = note {
            run(
                live,
                crate::api::workshops::move_note(ws, note, theme_id.unwrap_or(0)),
            );
        }
    };
    view! {
        <section class="theme" aria-labelledby=labelled_by
            on:dragover=move |ev: leptos::ev::DragEvent| if can_theme { ev.prevent_default() }
            on:drop=move |ev| if can_theme { on_drop(ev) }>
            <h3 id=heading_id>{name.clone()}</h3>
            {(facilitating && theme_id.is_some()).then(|| view! {
                <button type="button" class="button button--small button--secondary"
                    aria-label=format!("Remove theme {name}")
                    on:click=move |_| run(live, crate::api::workshops::remove_theme(ws, theme_id.unwrap_or(0)))>"Remove theme"</button>
            })}
            <ul class="notes">
                <For each=notes key=|n| (n.id, n.theme_id, n.body.clone()) let:note>
                    <GroupedNote live note can_theme facilitating />
                </For>
            </ul>
        </section>
    }
}

#[component]
fn GroupedNote(live: Live, note: Note, can_theme: bool, facilitating: bool) -> impl IntoView {
    let ws = live.workshop_id;
    let id = note.id;
    // Options change only when themes do, so a choice being made is not redrawn away.
    let themes = Memo::new(move |_| live.board.with(|b| b.themes.clone()));
    let choice = RwSignal::new(note.theme_id.unwrap_or(0).to_string());
    let select_id = format!("move-{id}");
    view! {
        <li class="note" draggable=if can_theme { "true" } else { "false" }
            on:dragstart=move |ev: leptos::ev::DragEvent| {
                if let Some(d) = ev.data_transfer() {
                    let _ = d.set_data("text/plain", &id.to_string());
                }
            }>
            <p class="note__body">{note.body.clone()}</p>
            {can_theme.then(|| view! {
                <form class="inline-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    let theme = choice.get_untracked().parse::<i64>().unwrap_or(0);
                    run(live, crate::api::workshops::move_note(ws, id, theme));
                }>
                    <label for=select_id.clone()>{format!("Theme for “{}”", short(&note.body))}</label>
                    <select id=select_id.clone() on:change=move |ev| choice.set(event_target_value(&ev))>
                        <option value="0" selected=note.theme_id.is_none()>"No theme"</option>
                        {move || themes.get().into_iter().map(|t| view! {
                            <option value=t.id.to_string() selected=note.theme_id == Some(t.id)>{t.name}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" class="button button--small">"Move"</button>
                </form>
            })}
            {facilitating.then(|| view! {
                <button type="button" class="button button--small button--secondary"
                    on:click=move |_| run(live, crate::api::workshops::remove_note(ws, id))>"Remove"</button>
            })}
        </li>
    }
}

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        s.push('…');
    }
    s
}

/// What may be voted on in this activity: (id, label).
fn ballot_items(live: Live, activity: &Activity) -> Vec<(i64, String)> {
    live.board.with(|b| match activity.target {
        VoteTarget::Themes => b.themes.iter().map(|t| (t.id, t.name.clone())).collect(),
        VoteTarget::Notes => b.notes.iter().map(|n| (n.id, n.body.clone())).collect(),
    })
}

#[component(transparent)]
fn Vote(live: Live, activity: Activity) -> impl IntoView {
    let a = activity.clone();
    let remaining = move || live.board.with(|b| a.rules.remaining(&b.my_ballot(a.id)));
    let budget = activity.rules.budget;
    let cap = activity.rules.cap_per_item;
    let voter = live
        .board
        .with_untracked(|b| b.viewer.participant_id.is_some());
    let act = activity.clone();
    let items = Memo::new(move |_| ballot_items(live, &act));
    let act = activity.clone();
    view! {
        <section class="panel" aria-labelledby="vote-heading">
            <h2 id="vote-heading">"Dot voting"</h2>
            {voter.then(|| view! {
                <p class="dots-left" role="status" aria-live="polite">
                    <strong>{move || remaining()}</strong>{format!(" of {budget} dots left")}
                    {cap.map(|c| format!(" · at most {c} on one"))}
                </p>
            })}
            <ul class="ballot">
                {move || items.get().into_iter().map(|(item, label)| view! {
                    <BallotItem live activity=act.clone() item label voter />
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component(transparent)]
fn BallotItem(
    live: Live,
    activity: Activity,
    item: i64,
    label: String,
    voter: bool,
) -> impl IntoView {
    let a = activity.id;
    let rules = activity.rules;
    let mine = move || {
        live.board
            .with(|b| b.my_ballot(a).get(&item).copied().unwrap_or(0))
    };
    let total = move || {
        live.board.with(|b| {
            let visible = b.viewer.facilitator || b.settings.results_live || b.stage.revealed;
            visible.then(|| b.total(a, item).unwrap_or(0))
        })
    };
    let locked = move || live.board.with(|b| !b.stage.accepts_input());
    let label_for_add = format!("Add a dot to {}", short(&label));
    let label_for_take = format!("Take a dot from {}", short(&label));
    view! {
        <li class="ballot__item">
            <span class="ballot__label">{label.clone()}</span>
            {voter.then(|| view! {
                <span class="ballot__controls">
                    <button type="button" class="button button--small button--secondary" aria-label=label_for_take
                        disabled=move || locked() || mine() == 0
                        on:click=move |_| live.set_dots(a, rules, item, mine().saturating_sub(1))>"−"</button>
                    <span class="ballot__mine" aria-label=format!("Your dots on {}", short(&label))>{mine}</span>
                    <button type="button" class="button button--small" aria-label=label_for_add
                        disabled=locked
                        on:click=move |_| live.set_dots(a, rules, item, mine() + 1)>"+"</button>
                </span>
            })}
            {move || total().map(|t| view! { <span class="ballot__total">{format!("{t} dots in all")}</span> })}
        </li>
    }
}

/// Every vote's results as far as this viewer may see them, most dots first.
#[component]
pub fn Results(live: Live) -> impl IntoView {
    let votes = move || {
        live.board.with(|b| {
            b.activities
                .iter()
                .filter(|a| a.kind == ActivityKind::DotVote)
                .map(|a| {
                    let ranked: Vec<(String, u32)> = b
                        .ranked(a.id)
                        .into_iter()
                        .map(|d| {
                            let label = match a.target {
                                VoteTarget::Themes => b
                                    .themes
                                    .iter()
                                    .find(|t| t.id == d.item)
                                    .map(|t| t.name.clone()),
                                VoteTarget::Notes => b
                                    .notes
                                    .iter()
                                    .find(|n| n.id == d.item)
                                    .map(|n| n.body.clone()),
                            };
                            (label.unwrap_or_else(|| "(removed)".into()), d.total)
                        })
                        .collect();
                    (a.prompt.clone(), ranked)
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="panel" aria-labelledby="results-heading">
            <h2 id="results-heading">"Results"</h2>
            {move || votes().into_iter().map(|(prompt, ranked)| {
                let max = ranked.first().map(|r| r.1).unwrap_or(1).max(1);
                view! {
                    <h3>{prompt}</h3>
                    {if ranked.is_empty() {
                        view! { <p class="muted">"No dots yet, or not revealed."</p> }.into_any()
                    } else {
                        view! {
                            <ol class="results">
                                {ranked.into_iter().map(|(label, total)| view! {
                                    <li>
                                        <span class="results__label">{label}</span>
                                        <span class="results__bar" style=format!("--share: {}%", total * 100 / max)></span>
                                        <span class="results__total">{format!("{total} dots")}</span>
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any()
                    }}
                }
            }).collect_view()}
        </section>
    }
}
