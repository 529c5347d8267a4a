//! Stewardship meetings: a space's meetings (`/spaces/:slug/meetings`), one meeting
//! (`/meetings/:id`) from agenda to minutes with the actions it produced, and a member's
//! calendar address. Plain HTML forms: nothing here needs the WASM.
use crate::api::meetings::{
    AddAgendaItem, AddMeetingAction, CancelMeeting, MinuteItem, MoveAgendaItem, NewCalendarLink,
    RecordAttendance, ScheduleMeeting, get_calendar_link, get_meeting, get_space_meetings,
};
use crate::model::meetings::{AgendaItem, MeetingLine, MeetingPage, SpaceMeetings};
use crate::ui::form::{
    Field, FormError, FormState, SelectField, Submit, TextAreaField, action_error,
};
use crate::ui::widgets::{problem, server_data};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SpaceMeetingsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let schedule = ServerAction::<ScheduleMeeting>::new();
    let page = server_data(slug, get_space_meetings);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Meetings", e),
                Ok(p) => view! { <Meetings page=p schedule /> }.into_any(),
            })}
        </Suspense>
    }
}

/// A list of meetings, each linking to its page.
#[component]
pub fn MeetingList(meetings: Vec<MeetingLine>) -> impl IntoView {
    view! {
        <ul class="directory">
            {meetings.into_iter().map(|m| view! {
                <li class="directory__item">
                    <a class="directory__name" href=format!("/meetings/{}", m.id)>{m.title}</a>
                    <span class="meta">{if m.cancelled { format!("{} · cancelled", m.when) } else { m.when }}</span>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn Meetings(page: SpaceMeetings, schedule: ServerAction<ScheduleMeeting>) -> impl IntoView {
    let error = action_error(schedule);
    let title = format!("Meetings of {}", page.space_name);
    let slug = page.space_slug.clone();
    view! {
        <Title text=title.clone() />
        <section class="panel">
            <p class="kind"><a href=format!("/spaces/{slug}")>{page.space_name.clone()}</a></p>
            <h1>{title}</h1>
            <p class="lead">"The stewardship meetings of this space: agenda, papers, who came, minutes, and the decisions and actions they produced. Every member can read them."</p>
            <p><a class="button button--small button--secondary" href=format!("/spaces/{slug}/calendar.ics") download="">"Download the calendar (iCalendar)"</a></p>
            <h2>"Coming up"</h2>
            {if page.upcoming.is_empty() {
                view! { <p>"No meeting is scheduled."</p> }.into_any()
            } else {
                view! { <MeetingList meetings=page.upcoming /> }.into_any()
            }}
            {(!page.past.is_empty()).then(|| view! {
                <h2>"Held"</h2>
                <MeetingList meetings=page.past />
            })}
        </section>
        {page.may_schedule.then(|| view! {
            <section class="panel narrow" aria-labelledby="schedule-heading">
                <h2 id="schedule-heading">"Schedule a meeting"</h2>
                <ActionForm action=schedule attr:class="stack" attr:novalidate=true>
                    <FormError error />
                    <input type="hidden" name="space" value=slug.clone() />
                    <Field label="Title" name="title" maxlength=120 hint="For example: Stewardship group, December." error />
                    <Field label="Starts (UK time)" name="starts_at" input_type="datetime-local" error />
                    <Field label="How long, in minutes" name="length" input_type="number" initial="90".to_owned() error />
                    <Field label="Place" name="place" required=false maxlength=200 hint="A room and address; leave empty for a call only." error />
                    <Field label="Call link" name="call_link" input_type="url" required=false maxlength=500 hint="Teams, Zoom or Meet: starting https://." error />
                    <Submit label="Schedule meeting" pending=schedule.pending() />
                </ActionForm>
            </section>
        })}
    }
}

/// The actions of a meeting's page, made once for all its forms.
#[derive(Clone, Copy)]
struct Doors {
    add: ServerAction<AddAgendaItem>,
    moved: ServerAction<MoveAgendaItem>,
    minute: ServerAction<MinuteItem>,
    attend: ServerAction<RecordAttendance>,
    act: ServerAction<AddMeetingAction>,
    cancel: ServerAction<CancelMeeting>,
}

#[component]
pub fn MeetingPageView() -> impl IntoView {
    let id = crate::ui::widgets::id_param();
    let doors = Doors {
        add: ServerAction::new(),
        moved: ServerAction::new(),
        minute: ServerAction::new(),
        attend: ServerAction::new(),
        act: ServerAction::new(),
        cancel: ServerAction::new(),
    };
    let page = server_data(
        move || {
            (
                id(),
                doors.add.version().get()
                    + doors.moved.version().get()
                    + doors.minute.version().get()
                    + doors.attend.version().get()
                    + doors.act.version().get()
                    + doors.cancel.version().get(),
            )
        },
        |(id, _)| get_meeting(id),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Meeting", e),
                Ok(p) => view! { <Meeting page=p doors /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Meeting(page: MeetingPage, doors: Doors) -> impl IntoView {
    let add_error = action_error(doors.add);
    let attend_error = action_error(doors.attend);
    let cancel_error = action_error(doors.cancel);
    let id = page.id.to_string();
    let (id_add, id_attend, id_cancel) = (id.clone(), id.clone(), id);
    let where_ = match (page.place.is_empty(), &page.call_link) {
        (false, _) => page.place.clone(),
        (true, Some(_)) => "On a call".to_owned(),
        (true, None) => String::new(),
    };
    let people = page
        .people
        .iter()
        .map(|(id, n)| (id.to_string(), n.clone()))
        .collect::<Vec<_>>();
    let items = page.items.clone();
    let last = items.len();
    view! {
        <Title text=page.title.clone() />
        <section class="panel">
            <p class="kind"><a href=format!("/spaces/{}/meetings", page.space_slug)>{format!("Meetings of {}", page.space_name)}</a></p>
            <h1>{page.title.clone()}</h1>
            {page.cancelled.then(|| view! { <p class="notice" role="status">"This meeting was cancelled."</p> })}
            <dl class="facts">
                <dt>"When"</dt><dd>{format!("{} (UK time), {}", page.when, page.length)}</dd>
                {(!where_.is_empty()).then(|| view! { <dt>"Where"</dt><dd>{where_.clone()}</dd> })}
                {page.call_link.clone().map(|l| view! { <dt>"Call"</dt><dd><a href=l.clone() rel="noopener noreferrer">{l.clone()}</a></dd> })}
            </dl>
        </section>
        <section class="panel" aria-labelledby="agenda-heading">
            <h2 id="agenda-heading">"Agenda"</h2>
            {if items.is_empty() {
                view! { <p>"Nothing on the agenda yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="agenda">
                        {items.into_iter().map(|item| {
                            let first = item.number == 1;
                            let at_end = item.number == last;
                            view! { <Item item first at_end may_run=page.may_run started=page.started && !page.cancelled people=people.clone() proposals=page.proposals.clone() doors /> }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {page.may_add_item.then(|| view! {
                <h3>"Add to the agenda"</h3>
                <ActionForm action=doors.add attr:class="stack" attr:novalidate=true>
                    <FormError error=add_error />
                    <input type="hidden" name="meeting" value=id_add.clone() />
                    <Field label="Item" name="title" maxlength=200 hint="What the group should talk about or decide." error=add_error />
                    <Field label="Paper (link, optional)" name="paper_url" input_type="url" required=false maxlength=500 error=add_error />
                    <Submit label="Add item" pending=doors.add.pending() />
                </ActionForm>
            })}
        </section>
        <section class="panel" aria-labelledby="attendance-heading">
            <h2 id="attendance-heading">"Attendance"</h2>
            {if page.attendance.is_empty() {
                view! { <p>"Nobody recorded yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="attendance">
                        {page.attendance.iter().map(|a| view! { <li>{format!("{} — {}", a.name, a.presence)}</li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(page.may_run && !page.cancelled).then(|| view! {
                <ActionForm action=doors.attend attr:class="stack" attr:novalidate=true>
                    <FormError error=attend_error />
                    <input type="hidden" name="meeting" value=id_attend.clone() />
                    <SelectField label="Who" name="person" options=people.clone() placeholder="Choose a member" error=attend_error />
                    <SelectField label="Recorded as" name="presence" options=vec![
                        ("present".to_owned(), "Present".to_owned()),
                        ("apologies".to_owned(), "Apologies".to_owned()),
                        ("none".to_owned(), "Not recorded".to_owned()),
                    ] initial="present".to_owned() error=attend_error />
                    <Submit label="Record" pending=doors.attend.pending() />
                </ActionForm>
            })}
        </section>
        {(page.may_run && !page.cancelled && !page.started).then(|| view! {
            <section class="panel narrow" aria-labelledby="cancel-heading">
                <h2 id="cancel-heading">"Cancel the meeting"</h2>
                <ActionForm action=doors.cancel attr:class="stack">
                    <FormError error=cancel_error />
                    <input type="hidden" name="id" value=id_cancel.clone() />
                    <button type="submit" class="button button--secondary">"Cancel this meeting"</button>
                </ActionForm>
            </section>
        })}
    }
}

/// One agenda item: its paper, minutes, decision and actions, and for those who run the
/// meeting the forms to move it, minute it and give an action from it.
#[component]
fn Item(
    item: AgendaItem,
    first: bool,
    at_end: bool,
    may_run: bool,
    started: bool,
    people: Vec<(String, String)>,
    proposals: Vec<(String, String)>,
    doors: Doors,
) -> impl IntoView {
    let key = item.id.to_string();
    let minute_error = action_error(doors.minute).only_for("item", &key);
    let act_error = action_error(doors.act).only_for("item", &key);
    let (key_minute, key_act) = (key.clone(), key.clone());
    let minuted = item.minutes.is_some();
    let minutes = item.minutes.clone().unwrap_or_default();
    let concerns = item
        .proposal
        .as_ref()
        .map(|(id, _)| id.to_string())
        .unwrap_or_default();
    view! {
        <li class="agenda__item">
            <h3>{item.title.clone()}</h3>
            <p class="meta">{format!("Added by {}", item.added_by)}
                {item.paper_url.clone().map(|u| view! { " · "<a href=u rel="noopener noreferrer">"Paper"</a> })}
            </p>
            {item.proposal.clone().map(|(id, t)| view! { <p>"Decision: "<a href=format!("/proposals/{id}")>{t}</a></p> })}
            {item.minutes.clone().map(|m| view! { <div class="minutes"><h4>"Minutes"</h4><p>{m}</p></div> })}
            {(!item.actions.is_empty()).then(|| view! {
                <h4>"Actions"</h4>
                <ul>
                    {item.actions.iter().map(|a| view! { <li>{format!("{} — {}, due {} ({})", a.title, a.owner, a.due_on, a.status)}</li> }).collect_view()}
                </ul>
            })}
            {may_run.then(|| view! {
                <div class="agenda__move">
                    {(!first).then(|| view! { <MoveButton action=doors.moved item=key.clone() way="up" title=item.title.clone() /> })}
                    {(!at_end).then(|| view! { <MoveButton action=doors.moved item=key.clone() way="down" title=item.title.clone() /> })}
                </div>
            })}
            {(may_run && started).then(|| view! {
                <details open=!minuted>
                    <summary>{if minuted { "Change the minutes" } else { "Write the minutes" }}</summary>
                    <ActionForm action=doors.minute attr:class="stack" attr:novalidate=true>
                        <FormError error=minute_error />
                        <input type="hidden" name="item" value=key_minute.clone() />
                        <TextAreaField label="Minutes" name="minutes" maxlength=10_000 key=item.id initial=minutes.clone() error=minute_error />
                        <SelectField label="Decision it concerns" name="proposal" key=item.id options=proposals.clone() placeholder="None" initial=concerns.clone() error=minute_error />
                        <Submit label="Save minutes" pending=doors.minute.pending() />
                    </ActionForm>
                </details>
                <details>
                    <summary>"Give an action from this item"</summary>
                    <ActionForm action=doors.act attr:class="stack" attr:novalidate=true>
                        <FormError error=act_error />
                        <input type="hidden" name="item" value=key_act.clone() />
                        <Field label="Action" name="title" key=item.id maxlength=300 error=act_error />
                        <SelectField label="Owner" name="owner" key=item.id options=people.clone() placeholder="Choose a member" error=act_error />
                        <Field label="Due" name="due_on" key=item.id input_type="date" error=act_error />
                        <Submit label="Add action" pending=doors.act.pending() />
                    </ActionForm>
                </details>
            })}
        </li>
    }
}

#[component]
fn MoveButton(
    action: ServerAction<MoveAgendaItem>,
    item: String,
    way: &'static str,
    /// The item's title: said to screen readers after the button's words.
    title: String,
) -> impl IntoView {
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="item" value=item />
            <input type="hidden" name="way" value=way />
            <button type="submit" class="button button--small button--secondary">
                {if way == "up" { "Move up" } else { "Move down" }}
                <span class="visually-hidden">{format!(" “{title}”")}</span>
            </button>
        </ActionForm>
    }
}

/// The member's secret calendar address, on their account page: subscribe to it in
/// Outlook, Google or Apple Calendar.
#[component]
pub fn CalendarAddress() -> impl IntoView {
    let make = ServerAction::<NewCalendarLink>::new();
    let error: FormState = action_error(make);
    let link = server_data(move || make.version().get(), |_| get_calendar_link());
    view! {
        <section class="panel" aria-labelledby="calendar-heading">
            <h2 id="calendar-heading">"Your calendar"</h2>
            <p>"Your spaces' meetings and workshops, the closing of decisions and your own actions' due dates, in Outlook, Google or Apple Calendar: subscribe to your secret address. Anyone who has it can read your calendar, so keep it to yourself; make a new one to retire it."</p>
            <Suspense fallback=|| ()>
                {move || link.get().and_then(|r| r.ok()).map(|l| match l {
                    Some(l) => view! {
                        <p><label for="calendar-url">"Your secret address"</label></p>
                        <input id="calendar-url" class="copyable" type="text" readonly value=l.url.clone() />
                    }.into_any(),
                    None => view! { <p class="muted">"You have no calendar address yet."</p> }.into_any(),
                })}
            </Suspense>
            <ActionForm action=make attr:class="inline-form">
                <FormError error />
                <button type="submit" class="button button--small">"Make a new address"</button>
            </ActionForm>
            <ActionForm action=make attr:class="inline-form">
                <input type="hidden" name="retire" value="on" />
                <button type="submit" class="button button--small button--secondary">"Retire my address"</button>
            </ActionForm>
        </section>
    }
}
