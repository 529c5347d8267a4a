//! Workshop pages: the list and the join-by-code form, running a new one, the
//! participant's phone screen, the facilitator's console and the projector screen.
use crate::api::workshops::{
    CreateWorkshop, FindWorkshop, JoinWorkshop, get_facilitator_page, get_my_workshops,
    get_new_workshop_page, get_participant_page,
};
use crate::domain::membership::Perspective;
use crate::domain::workshop::board::DISPLAY_NAME_MAX;
use crate::model::workshops::{FacilitatorPage, ParticipantPage};
use crate::ui::form::{Field, FormError, SelectField, Submit, TextAreaField, action_error};
use crate::ui::widgets::{Sent, problem};
use crate::ui::workshop::board::{CurrentActivity, Grouping, Results, StageBar};
use crate::ui::workshop::facilitate::{Agenda, Controls, Guests, SettingsPanel};
use crate::ui::workshop::live::Live;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
fn JoinByCode(action: ServerAction<FindWorkshop>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <ActionForm action attr:class="stack" attr:novalidate=true>
            <FormError error />
            <Field label="Join code" name="code" hint="Six letters and numbers, shown by the facilitator" maxlength=12 error />
            <Submit label="Join" pending=action.pending() />
        </ActionForm>
    }
}

#[component]
pub fn JoinPage() -> impl IntoView {
    let action = ServerAction::<FindWorkshop>::new();
    view! {
        <Title text="Join a workshop" />
        <section class="panel narrow">
            <h1>"Join a workshop"</h1>
            <p>"No account needed: type the code the facilitator shows."</p>
            <JoinByCode action />
        </section>
    }
}

#[component]
pub fn WorkshopsPage() -> impl IntoView {
    let find = ServerAction::<FindWorkshop>::new();
    let mine = crate::ui::widgets::server_data(|| (), |_| get_my_workshops());
    view! {
        <Title text="Workshops" />
        <section class="panel narrow">
            <h1>"Workshops"</h1>
            <p>"Live co-production: everyone takes part from their own phone, as themselves or as a guest."</p>
            <h2>"Join with a code"</h2>
            <JoinByCode action=find />
        </section>
        <Suspense fallback=|| ()>
            {move || mine.get().map(|r| match r {
                Ok(Some(list)) => view! {
                    <section class="panel narrow">
                        <h2>"Your workshops"</h2>
                        <p><a class="button" href="/workshops/new">"Run a workshop"</a></p>
                        {if list.is_empty() {
                            view! { <p class="muted">"None yet."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="links">
                                    {list.into_iter().map(|w| {
                                        let href = if w.facilitating { format!("/workshops/{}/run", w.id) } else { format!("/w/{}", w.join_code) };
                                        view! { <li><a href=href>{w.title}</a>" — "{w.held_on}{w.facilitating.then_some(" (you facilitate)")}</li> }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                }.into_any(),
                _ => ().into_any(),
            })}
        </Suspense>
    }
}

#[component]
pub fn NewWorkshopPage() -> impl IntoView {
    let action = ServerAction::<CreateWorkshop>::new();
    let page = crate::ui::widgets::server_data(|| (), |_| get_new_workshop_page());
    view! {
        <Title text="Run a workshop" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Run a workshop", e),
                Ok(p) if !p.may_create => view! {
                    <section class="panel narrow"><h1>"Run a workshop"</h1>
                        <p>"Active members run workshops. "<a href="/apply">"Apply to join"</a>" first."</p></section>
                }.into_any(),
                Ok(p) => view! { <NewWorkshopForm action spaces=p.spaces today=p.today templates=p.templates /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn NewWorkshopForm(
    action: ServerAction<CreateWorkshop>,
    spaces: Vec<(String, String)>,
    today: String,
    templates: Vec<crate::model::workshops::TemplateChoice>,
) -> impl IntoView {
    let described: Vec<(String, String, String)> = templates
        .iter()
        .map(|t| {
            let steps = t
                .steps
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(" → ");
            (t.name.clone(), t.description.clone(), steps)
        })
        .collect();
    let mut agendas = vec![(
        String::new(),
        "The usual: capture ideas, group into themes, dot-vote".to_owned(),
    )];
    agendas.extend(templates.into_iter().map(|t| (t.id.to_string(), t.name)));
    let error = action_error(action);
    let date_error = Memo::new(move |_| {
        error
            .get()
            .and_then(|e| e.message_for("held_on").map(str::to_owned))
    });
    let mut places = vec![(String::new(), "On its own".to_owned())];
    places.extend(spaces);
    view! {
        <section class="panel narrow">
            <h1>"Run a workshop"</h1>
            <p>"Start from the usual three activities or from a template; you can add and take off activities later."</p>
            <ActionForm action attr:class="stack" attr:novalidate=true>
                <FormError error />
                <Field label="Title" name="title" maxlength=200 error />
                <TextAreaField label="Purpose" name="purpose" required=false hint="What the workshop is for, in a sentence or two" maxlength=2000 error />
                <div class="field" class:field--error=move || date_error.get().is_some()>
                    <label for="field-held_on">"Date"</label>
                    {move || date_error.get().map(|m| view! { <p class="field__error" id="field-held_on-error" role="alert">{m}</p> })}
                    <input id="field-held_on" name="held_on" type="date" value=error.typed("held_on").unwrap_or(today) required=true
                        aria-invalid=move || date_error.get().is_some().then_some("true")
                        aria-describedby=move || date_error.get().is_some().then_some("field-held_on-error") />
                </div>
                <SelectField label="Where it belongs" name="space" options=places error />
                <SelectField label="Agenda" name="template" options=agendas error />
                <details class="templates">
                    <summary>"What the templates hold"</summary>
                    <dl>
                        {described.into_iter().map(|(name, description, steps)| view! {
                            <dt>{name}</dt><dd>{description}<br /><span class="muted">{steps}</span></dd>
                        }).collect_view()}
                    </dl>
                </details>
                <Field label="The question for idea capture" name="prompt" maxlength=300 required=false
                    hint="Needed for the usual agenda; with a template it replaces the template's question" error />
                <fieldset class="stack">
                    <legend>"Settings (you can change them later)"</legend>
                    <div class="checkbox"><input type="checkbox" id="c-anon" name="anonymous" checked=error.chosen("anonymous", "on") /><label for="c-anon">"Notes are anonymous"</label></div>
                    <div class="checkbox"><input type="checkbox" id="c-hidden" name="notes_hidden" checked=error.chosen("notes_hidden", "on") /><label for="c-hidden">"Hide others' notes until I reveal them"</label></div>
                    <div class="checkbox"><input type="checkbox" id="c-live" name="results_live" checked=error.chosen("results_live", "on") /><label for="c-live">"Show vote totals live"</label></div>
                    <div class="checkbox"><input type="checkbox" id="c-theme" name="participants_theme" checked=error.chosen("participants_theme", "on") /><label for="c-theme">"Participants may create themes and move notes"</label></div>
                </fieldset>
                <Submit label="Create the workshop" pending=action.pending() />
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ParticipantPageView() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let join = ServerAction::<JoinWorkshop>::new();
    let page = crate::ui::widgets::server_data(
        move || (code(), join.version().get()),
        |(c, _)| get_participant_page(c),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Workshop not found", e),
                Ok(p) => match p.board.clone() {
                    Some(board) => view! { <Title text=p.title.clone() /> <crate::ui::widgets::IslandScripts later=opens_later(&board) /> <ParticipantScreen title=p.title.clone() workshop_id=p.workshop_id facilitating=p.facilitating board=Sent(board) /> }.into_any(),
                    None => view! { <JoinForm page=p join /> }.into_any(),
                },
            })}
        </Suspense>
    }
}

/// Whether the screen opens on something whose code is fetched when needed: a later
/// activity, or a finished workshop's results.
fn opens_later(board: &crate::domain::workshop::board::Board) -> bool {
    board.stage.finished
        || board
            .current_activity()
            .is_some_and(|a| crate::ui::workshop::later::is_later(a.kind))
}

#[island]
fn ParticipantScreen(
    title: String,
    workshop_id: i64,
    facilitating: bool,
    board: Sent<crate::domain::workshop::board::Board>,
) -> impl IntoView {
    crate::ui::widgets::mark_hydrated();
    let live = Live::new(board.0);
    view! {
        <div class="workshop">
            <header class="workshop__header">
                <h1>{title}</h1>
                {facilitating.then(|| view! { <p><a href=format!("/workshops/{}/run", workshop_id)>"Open the facilitator's console"</a></p> })}
            </header>
            <StageBar live />
            <CurrentActivity live facilitating=false />
            {move || live.board.with(|b| b.stage.finished).then(|| view! {
                <p class="panel"><a class="button" href=format!("/workshops/{}/report", workshop_id)>"Read the report"</a></p>
            })}
        </div>
    }
}

#[component]
fn JoinForm(page: ParticipantPage, join: ServerAction<JoinWorkshop>) -> impl IntoView {
    if page.finished {
        return view! { <Finished page /> }.into_any();
    }
    let error = action_error(join);
    let mut options: Vec<(String, String)> = Vec::new();
    let mine: Vec<Perspective> = page
        .my_perspectives
        .iter()
        .filter_map(|c| Perspective::from_code(c))
        .collect();
    for p in mine
        .iter()
        .chain(Perspective::ALL.iter().filter(|p| !mine.contains(p)))
    {
        options.push((p.code().to_owned(), p.label().to_owned()));
    }
    options.push(("prefer_not_to_say".into(), "Prefer not to say".into()));
    let guest = page.signed_in_as.is_none();
    view! {
        <Title text=format!("Join {}", page.title) />
        <section class="panel narrow">
            <p class="kind">"Workshop"</p>
            <h1>{page.title.clone()}</h1>
            {(!page.purpose.is_empty()).then(|| view! { <p class="lead">{page.purpose.clone()}</p> })}
            <ActionForm action=join attr:class="stack" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="code" value=page.join_code.clone() />
                {if guest {
                    view! {
                        <p>"Take part as a guest: no account or e-mail needed. Your name is shown with your notes unless the workshop is anonymous."</p>
                        <Field label="Your name, as others will see it" name="display_name" maxlength=DISPLAY_NAME_MAX autocomplete="nickname" error />
                    }.into_any()
                } else {
                    view! { <p>{format!("You will take part as {}.", page.signed_in_as.clone().unwrap_or_default())}</p> }.into_any()
                }}
                <SelectField label="I take part as" name="perspective" options error />
                <div class="checkbox">
                    <input type="checkbox" id="join-named" name="named_in_report" checked=error.chosen("named_in_report", "on") />
                    <label for="join-named">"Name me in the workshop's report. Without this, the report keeps what you wrote and your perspective, but not your name."</label>
                </div>
                <p class="field__hint">"Your perspective is counted to show whose voices shaped the workshop. A guest's device is remembered only for a while, then forgotten. "<a href="/privacy">"Privacy notice"</a></p>
                <Submit label="Join the workshop" pending=join.pending() />
            </ActionForm>
        </section>
    }
    .into_any()
}

/// A finished workshop takes no one new: say so plainly instead of offering the form.
#[component]
fn Finished(page: ParticipantPage) -> impl IntoView {
    view! {
        <Title text=format!("{} has finished", page.title) />
        <section class="panel narrow">
            <p class="kind">"Workshop"</p>
            <h1>{page.title.clone()}</h1>
            <p class="lead">"This workshop has finished, so it no longer takes new participants."</p>
            <p>"If you took part, open it on the phone or account you joined with. Members of its space can read its report from the space's workshops."</p>
        </section>
    }
}

/// The facilitator's data for the workshop in the address, shown by `show` once loaded.
fn facilitator_page(title: &'static str, show: fn(FacilitatorPage) -> AnyView) -> impl IntoView {
    let id = crate::ui::widgets::id_param();
    let page = crate::ui::widgets::server_data(id, get_facilitator_page);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem(title, e),
                Ok(p) => show(p),
            })}
        </Suspense>
    }
}

#[component]
pub fn FacilitatorPageView() -> impl IntoView {
    facilitator_page("Facilitate a workshop", |p| {
        view! { <Title text=format!("Facilitate: {}", p.board.title) /> <crate::ui::widgets::IslandScripts lazy="console_loader" later=opens_later(&p.board) /> <Console page=Sent(p) /> }.into_any()
    })
}

/// Lazy (`cargo leptos build --split`): its code is fetched only by the page that shows
/// it, so a participant's phone never downloads the facilitator's controls.
#[island(lazy)]
fn Console(page: Sent<FacilitatorPage>) -> impl IntoView {
    let Sent(page) = page;
    let code = page.board.join_code.clone();
    let id = page.board.workshop_id;
    let title = page.board.title.clone();
    crate::ui::widgets::mark_hydrated();
    let live = Live::new(page.board);
    view! {
        <div class="workshop workshop--console">
            <header class="workshop__header">
                <p class="kind">"Facilitating"</p>
                <h1>{title}</h1>
                <p class="join-line">"Join at "<a href=format!("/w/{code}")>{page.join_url.clone()}</a>" with code "<strong class="code">{spaced(&code)}</strong>
                    " · "<a href=format!("/workshops/{id}/present") target="_blank">"Open the present screen"</a>
                    " · "<a href=format!("/workshops/{id}/report")>"Report and actions"</a></p>
                <p>{move || live.board.with(|b| format!("{} joined", b.turnout.total()))}</p>
            </header>
            <StageBar live />
            <Controls live />
            <CurrentActivity live facilitating=true />
            <SettingsPanel live />
            <Guests live />
            <Agenda live />
            <crate::ui::pages::output::SaveAsTemplate workshop_id=id />
        </div>
    }
}

fn spaced(code: &str) -> String {
    if code.len() == 6 {
        format!("{}-{}", &code[..3], &code[3..])
    } else {
        code.to_owned()
    }
}

#[component]
pub fn PresentPageView() -> impl IntoView {
    facilitator_page("Present a workshop", |p| {
        view! { <Title text=format!("Present: {}", p.board.title) /> <crate::ui::widgets::IslandScripts lazy="present_loader" /> <Present page=Sent(p) /> }.into_any()
    })
}

/// Lazy, like the console: only the present screen fetches its code.
#[island(lazy)]
fn Present(page: Sent<FacilitatorPage>) -> impl IntoView {
    let Sent(page) = page;
    let code = page.board.join_code.clone();
    let title = page.board.title.clone();
    crate::ui::widgets::mark_hydrated();
    let live = Live::new(page.board);
    let turnout = move || {
        live.board.with(|b| {
            b.turnout
                .0
                .iter()
                .map(|(p, n)| (p.map(|p| p.label()).unwrap_or("Prefer not to say"), *n))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="present">
            <section class="present__join" aria-labelledby="present-title">
                <h1 id="present-title">{title}</h1>
                <p class="present__code">"Join with code "<strong class="code">{spaced(&code)}</strong></p>
                <p class="present__url">{page.join_url.clone()}</p>
                <div class="present__qr" role="img" aria-label="QR code that opens the workshop's join page" inner_html=page.qr_svg.clone()></div>
                <h2>{move || live.board.with(|b| format!("{} joined", b.turnout.total()))}</h2>
                <ul class="turnout">
                    {move || turnout().into_iter().map(|(p, n)| view! { <li>{format!("{p}: {n}")}</li> }).collect_view()}
                </ul>
            </section>
            <section class="present__board">
                <StageBar live />
                <PresentBoard live />
            </section>
        </div>
    }
}

/// On the projector: the notes or themes as they come in, and results once revealed.
#[component]
fn PresentBoard(live: Live) -> impl IntoView {
    // The room sees what the participants may see: hidden notes and results wait for
    // the reveal, though the facilitator's own screen shows them.
    let shown = Memo::new(move |_| {
        live.board.with(|b| {
            (
                b.current_activity().filter(|_| !b.stage.finished).cloned(),
                b.settings.notes_visible || b.stage.revealed,
                b.settings.results_live || b.stage.revealed || b.stage.finished,
            )
        })
    });
    move || {
        use crate::domain::workshop::ActivityKind as K;
        use crate::ui::workshop::responses::{LivePoll, LivePriorities, ReflectionWall};
        let (activity, notes_shown, results_shown) = shown.get();
        let kind = activity.as_ref().map(|a| a.kind);
        match (kind, activity) {
            (Some(K::Prioritise | K::Poll), _) if !results_shown => view! {
                <p class="present__waiting">"Answers are coming in. Results show when revealed."</p>
            }.into_any(),
            (Some(K::Prioritise), Some(a)) => view! { <LivePriorities live activity_id=a.id /> }.into_any(),
            (Some(K::Poll), Some(a)) => view! { <h2>{a.prompt.clone()}</h2><LivePoll live activity=a /> }.into_any(),
            (Some(K::Reflection), _) if !notes_shown => view! {
                <p class="present__waiting">{move || live.board.with(|b| format!("{} reflections so far. They show when revealed.", b.reflections.len()))}</p>
            }.into_any(),
            (Some(K::Reflection), Some(a)) => view! { <ReflectionWall live activity_id=a.id /> }.into_any(),
            _ => match kind {
            Some(crate::domain::workshop::ActivityKind::IdeaCapture) if !notes_shown => view! {
                <p class="present__waiting">{move || live.board.with(|b| format!("{} notes so far. They show when revealed.", b.notes.len()))}</p>
            }.into_any(),
            Some(crate::domain::workshop::ActivityKind::DotVote) if !results_shown => view! {
                <p class="present__waiting">"Voting is open. Results show when revealed."</p>
            }.into_any(),
            Some(crate::domain::workshop::ActivityKind::IdeaCapture) => view! {
                <ul class="notes notes--wall">
                    {move || live.board.with(|b| b.notes.clone()).into_iter().map(|n| view! {
                        <li class="note"><p class="note__body">{n.body}</p>{n.author.map(|a| view! { <p class="note__by">{a}</p> })}</li>
                    }).collect_view()}
                </ul>
            }.into_any(),
            Some(crate::domain::workshop::ActivityKind::Grouping) => view! { <Grouping live facilitating=false /> }.into_any(),
            _ => view! { <Results live /> }.into_any(),
            },
        }
    }
}
