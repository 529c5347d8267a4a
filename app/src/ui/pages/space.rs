//! A space's page: purpose, role holders, members by perspective, partners, activity,
//! and — for its convener and stewards — the applications waiting for a decision.
use crate::api::groups::{ChangeGroupMembership, DecideGroupRequest};
use crate::api::membership::DecideApplication;
use crate::api::spaces::{AppointRole, ChangeRoleTerm, get_space_page};
use crate::model::membership::PendingApplication;
use crate::model::spaces::{AppointPanel, GroupPanel, SpacePage};
use crate::ui::form::{Field, FormError, SelectField, Submit, action_error};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SpacePageView() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let decide = ServerAction::<DecideApplication>::new();
    let appoint = ServerAction::<AppointRole>::new();
    let change = ServerAction::<ChangeRoleTerm>::new();
    let membership = ServerAction::<ChangeGroupMembership>::new();
    let admit = ServerAction::<DecideGroupRequest>::new();
    let actions = RoleActions {
        appoint,
        change,
        membership,
        admit,
    };
    let page = crate::ui::widgets::server_data(
        move || {
            (
                slug(),
                decide.version().get(),
                appoint.version().get(),
                change.version().get(),
                membership.version().get(),
                admit.version().get(),
            )
        },
        |(slug, ..)| get_space_page(slug),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => view! {
                    <Title text="Not found" />
                    <section class="panel narrow"><h1>"We could not show this space"</h1><p>{e.to_string()}</p></section>
                }.into_any(),
                Ok(p) => view! { <SpaceDetails page=p decide actions /> }.into_any(),
            })}
        </Suspense>
    }
}

/// The actions that change who holds a role here; the page refreshes when they complete.
#[derive(Clone, Copy)]
struct RoleActions {
    appoint: ServerAction<AppointRole>,
    change: ServerAction<ChangeRoleTerm>,
    membership: ServerAction<ChangeGroupMembership>,
    admit: ServerAction<DecideGroupRequest>,
}

#[component]
fn SpaceDetails(
    page: SpacePage,
    decide: ServerAction<DecideApplication>,
    actions: RoleActions,
) -> impl IntoView {
    let slug = page.space.slug.clone();
    // A region's own page of its work with the national commons; anywhere else, all of it.
    let flow = if page.space.kind == crate::domain::structure::SpaceKind::Region.label() {
        format!("/spaces/{slug}/flow")
    } else {
        "/flow".to_owned()
    };
    let directory = (page.space.kind == "Region").then(|| format!("/members?region={slug}"));
    view! {
        <Title text=page.space.name.clone() />
        <nav aria-label="Breadcrumb" class="breadcrumb">
            <a href="/">"Community"</a>
            {page.parent.map(|p| view! { " › " <a href=format!("/spaces/{}", p.slug)>{p.name}</a> })}
        </nav>
        <section class="panel">
            <p class="kind">{page.space.kind}</p>
            <h1>{page.space.name}</h1>
            {page.archived.then(|| view! {
                <p class="notice" role="status">"This space is archived: its history is kept here, and it is no longer listed with the community's spaces."</p>
            })}
            <p class="lead">{page.purpose}</p>
            <p><a href=format!("/spaces/{slug}/workshops")>"Workshops held here, and their actions"</a></p>
            <p><a href=format!("/spaces/{slug}/proposals")>"Proposals"</a>" · "<a href=format!("/decisions?space={slug}")>"Decision register"</a>" · "<a href=format!("/spaces/{slug}/rules")>"Rule book"</a>" · "<a href=format!("/spaces/{slug}/dashboard")>"Dashboard"</a>" · "<a href=format!("/spaces/{slug}/measures")>"Measures"</a>" · "<a href=format!("/spaces/{slug}/meetings")>"Meetings"</a>" · "<a href=format!("/spaces/{slug}/trials")>"Trials"</a>" · "<a href=format!("/spaces/{slug}/assets")>"Assets"</a>" · "<a href=format!("/spaces/{slug}/funding")>"Funding rounds"</a>" · "<a href=format!("/library?space={slug}")>"Learning library"</a>" · "<a href=flow>"National and regional work"</a></p>
            {page.meetings.map(|m| view! {
                <h2>"Next meetings"</h2>
                {if m.is_empty() {
                    view! { <p>"No meeting is scheduled."</p> }.into_any()
                } else {
                    view! { <crate::ui::pages::meetings::MeetingList meetings=m /> }.into_any()
                }}
            })}
            <div class="columns">
                <RoleHolders roles=page.roles change=actions.change />
                <Partners partners=page.partners />
            </div>
            {page.appoint.map(|panel| view! { <AppointForm panel space=slug.clone() appoint=actions.appoint /> })}
            {page.group.map(|panel| view! { <GroupJoining panel group=slug.clone() actions /> })}
            {page.may_form_group.then(|| view! {
                <p><a class="button button--secondary" href=format!("/groups/new?parent={slug}")>"Form a group here"</a></p>
            })}
            {(!page.children.is_empty()).then(|| view! {
                <h2>"Groups here"</h2>
                <ul class="links">
                    {page.children.into_iter().map(|c| view! {
                        <li><a href=format!("/spaces/{}", c.slug)>{c.name}</a> " — " {c.kind}</li>
                    }).collect_view()}
                </ul>
            })}
        </section>
        {page.member_list.map(|people| view! { <MemberList people /> })}
        <PerspectiveBalance members=page.members balance=page.balance
            directory />
        {page.applications.map(|list| view! { <PendingApplications list decide /> })}
        {page.activity.map(|items| view! { <Activity items /> })}
    }
}

#[component]
fn RoleHolders(
    roles: Vec<crate::model::spaces::RoleHolder>,
    change: ServerAction<ChangeRoleTerm>,
) -> impl IntoView {
    view! {
        <div>
            <h2>"Who holds which role"</h2>
            {if roles.is_empty() {
                view! { <p>"No one holds a role here at present."</p> }.into_any()
            } else {
                view! {
                    <ul class="people">
                        {roles.into_iter().map(|r| view! {
                            <li>
                                <strong>{r.name.clone()}</strong> ", " {r.role}
                                {r.ends_on.map(|d| view! { <span class="meta">" · term ends " {d}</span> })}
                                {r.days_left.map(|n| view! {
                                    <span class="badge">{format!("term ends in {n} days")}</span>
                                })}
                                {r.can_change.then(|| view! { <TermButtons role_id=r.role_id name=r.name.clone() renewable=r.renewable change /> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn Partners(partners: Vec<crate::model::spaces::PartnerLink>) -> impl IntoView {
    (!partners.is_empty()).then(|| {
        view! {
            <div>
                <h2>"Partner organisations"</h2>
                <ul class="people">
                    {partners.into_iter().map(|p| view! {
                        <li>
                            {match p.website {
                                Some(url) => view! { <a href=url rel="external">{p.name}</a> }.into_any(),
                                None => view! { <span>{p.name}</span> }.into_any(),
                            }}
                            <span class="meta">" · " {p.kind} " · " {p.relationship}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </div>
        }
    })
}

/// Counts by perspective as numbers and as bars: the balance of voices at a glance.
#[component]
fn PerspectiveBalance(
    members: u64,
    balance: Vec<(String, u64)>,
    directory: Option<String>,
) -> impl IntoView {
    let most = balance.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    view! {
        <section class="panel" aria-labelledby="balance-heading">
            <h2 id="balance-heading">"Members and their perspectives"</h2>
            <p>{format!("{members} active member{}.", if members == 1 { "" } else { "s" })}
               " A member may speak from several perspectives. "
               {directory.map(|href| view! { <a href=href>"See the members"</a> })}</p>
            <table class="balance">
                <caption class="visually-hidden">"Members by perspective"</caption>
                <thead><tr><th scope="col">"Perspective"</th><th scope="col">"Members"</th><th scope="col" aria-hidden="true"></th></tr></thead>
                <tbody>
                    {balance.into_iter().map(|(label, n)| {
                        let width = format!("width: {}%", n * 100 / most);
                        view! {
                            <tr>
                                <th scope="row">{label}</th>
                                <td class="num">{n}</td>
                                <td class="bar-cell" aria-hidden="true"><span class="bar" style=width></span></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// Read with the page, which is read again after each decision.
#[component]
fn PendingApplications(
    list: Vec<PendingApplication>,
    decide: ServerAction<DecideApplication>,
) -> impl IntoView {
    let error = action_error(decide);
    view! {
        <section class="panel" aria-labelledby="pending-heading">
            <h2 id="pending-heading">"Applications waiting for a decision"</h2>
            <FormError error />
            {if list.is_empty() {
                view! { <p>"None at present."</p> }.into_any()
            } else {
                view! {
                    <ul class="applications">
                        {list.into_iter().map(|a| view! { <ApplicationCard application=a decide /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ApplicationCard(
    application: PendingApplication,
    decide: ServerAction<DecideApplication>,
) -> impl IntoView {
    let heading = format!("application-{}", application.id);
    let labelled_by = heading.clone();
    let reason_id = format!("decision-reason-{}", application.id);
    let error = action_error(decide);
    let reason_error = move || {
        error
            .get()
            .and_then(|e| e.message_for("reason").map(str::to_owned))
    };
    view! {
        <li class="card">
            <article aria-labelledby=labelled_by>
                <h3 id=heading>{application.person_name.clone()}</h3>
                <p class="meta">"Applied " {application.applied_on} " · " {application.perspectives.join(", ")}
                    {application.organisation.map(|o| format!(" · {o}"))}</p>
                <blockquote>{application.reason}</blockquote>
                <ActionForm action=decide attr:class="stack" attr:novalidate=true>
                    <input type="hidden" name="application_id" value=application.id />
                    <div class="field">
                        <label for=reason_id.clone()>
                            "Reason for " {application.person_name.clone()} " (needed to decline; they will see it)"
                        </label>
                        {move || reason_error().map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
                        <textarea id=reason_id name="reason" rows="2" maxlength="2000"></textarea>
                    </div>
                    <div class="actions">
                        <button type="submit" name="decision" value="approve" class="button">
                            "Approve " <span class="visually-hidden">{application.person_name.clone()}</span>
                        </button>
                        <button type="submit" name="decision" value="decline" class="button button--secondary">
                            "Decline " <span class="visually-hidden">{application.person_name}</span>
                        </button>
                    </div>
                </ActionForm>
            </article>
        </li>
    }
}

#[component]
fn Activity(items: Vec<crate::model::spaces::ActivityItem>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="activity-heading">
            <h2 id="activity-heading">"Recent governance activity"</h2>
            <p class="meta">"Shown to this space's convener and stewards and to the project team."</p>
            <crate::ui::widgets::ActivityList items />
        </section>
    }
}

#[component]
fn TermButtons(
    role_id: i64,
    name: String,
    renewable: bool,
    change: ServerAction<ChangeRoleTerm>,
) -> impl IntoView {
    view! {
        <ActionForm action=change attr:class="term-buttons">
            <input type="hidden" name="role_id" value=role_id />
            {renewable.then(|| view! {
                <button type="submit" name="change" value="renew" class="button button--small button--secondary">
                    "Renew " <span class="visually-hidden">{format!("{name}'s term")}</span>
                </button>
            })}
            <button type="submit" name="change" value="end" class="button button--small button--secondary">
                "End term" <span class="visually-hidden">{format!(" of {name}")}</span>
            </button>
        </ActionForm>
    }
}

#[component]
fn AppointForm(
    panel: AppointPanel,
    space: String,
    appoint: ServerAction<AppointRole>,
) -> impl IntoView {
    let error = action_error(appoint);
    let heading = format!("Appoint a {}", panel.role.to_lowercase());
    view! {
        <details class="appoint" open=move || error.get().is_some()>
            <summary>{heading.clone()}</summary>
            <ActionForm action=appoint attr:class="stack" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="space" value=space />
                <SelectField label="Member" name="person_id" options=panel.candidates.into_iter().map(|(id, n)| (id.to_string(), n)).collect()
                    placeholder="Choose a member" error />
                <DateField label="Term starts" name="starts_on" value=panel.default_starts_on error />
                <DateField label="Term ends" name="ends_on" value=panel.default_ends_on.unwrap_or_default() error />
                <Field label="Reason (optional, recorded in the audit log)" name="reason" required=false maxlength=2000 error />
                <Submit label="Appoint" pending=appoint.pending() />
            </ActionForm>
        </details>
    }
}

#[component]
fn DateField(
    label: &'static str,
    name: &'static str,
    value: String,
    #[prop(into)] error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let message = move || {
        error
            .get()
            .and_then(|e| e.message_for(name).map(str::to_owned))
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {move || message().map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
            <input id=id type="date" name=name value=value />
        </div>
    }
}

#[component]
fn GroupJoining(panel: GroupPanel, group: String, actions: RoleActions) -> impl IntoView {
    let error = action_error(actions.membership);
    let group_for_requests = group.clone();
    let by_request = panel.joining == "by_request";
    let button = match (panel.viewer_status.as_deref(), panel.viewer_may_join) {
        (Some("active"), _) => Some(("leave", "Leave this group")),
        (Some(_), _) => None,
        (None, true) => Some((
            "join",
            if by_request {
                "Ask to join"
            } else {
                "Join this group"
            },
        )),
        (None, false) => None,
    };
    view! {
        <div class="group-joining">
            <p class="meta">{if by_request { "Members join by request." } else { "Open to every member." }}</p>
            {(panel.viewer_status.as_deref() == Some("requested"))
                .then(|| view! { <p class="notice" role="status">"You have asked to join; the region's convener or stewards will decide."</p> })}
            <FormError error />
            {button.map(move |(change, label)| view! {
                <ActionForm action=actions.membership>
                    <input type="hidden" name="group" value=group.clone() />
                    <input type="hidden" name="change" value=change />
                    <button type="submit" class="button">{label}</button>
                </ActionForm>
            })}
            {panel.requests.filter(|r| !r.is_empty()).map(move |requests| view! {
                <h2>"Asking to join"</h2>
                <ul class="people">
                    {requests.into_iter().map(|(id, name)| {
                        let g = group_for_requests.clone();
                        view! {
                        <li>
                            <strong>{name.clone()}</strong>
                            <ActionForm action=actions.admit attr:class="term-buttons">
                                <input type="hidden" name="group" value=g />
                                <input type="hidden" name="person_id" value=id />
                                <button type="submit" name="decision" value="admit" class="button button--small">
                                    "Admit " <span class="visually-hidden">{name.clone()}</span>
                                </button>
                                <button type="submit" name="decision" value="turn_down" class="button button--small button--secondary">
                                    "Turn down " <span class="visually-hidden">{name}</span>
                                </button>
                            </ActionForm>
                        </li>
                    }}).collect_view()}
                </ul>
            })}
        </div>
    }
}

#[component]
fn MemberList(people: Vec<(i64, String)>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="members-heading">
            <h2 id="members-heading">"Members of this group"</h2>
            <ul class="links">
                {people.into_iter().map(|(id, name)| view! {
                    <li><a href=format!("/members/{id}")>{name}</a></li>
                }).collect_view()}
            </ul>
        </section>
    }
}
