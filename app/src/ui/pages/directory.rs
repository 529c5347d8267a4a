//! The member directory (search and filters that work as a plain GET form) and profiles.
use crate::api::directory::{
    LeaveCommunity, MoveRegion, SetMemberStatus, UpdateProfile, get_profile, search_directory,
};
use crate::domain::membership::Perspective;
use crate::domain::structure::RoleKind;
use crate::model::directory::{DirectoryPage, DirectoryQuery, MemberCard, Profile, RoleLine};
use crate::ui::form::{FormError, Submit, action_error};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn DirectoryPageView() -> impl IntoView {
    let query = use_query_map();
    let current = Memo::new(move |_| {
        let q = query.read();
        DirectoryQuery {
            q: q.get("q").unwrap_or_default(),
            region: q.get("region").unwrap_or_default(),
            perspective: q.get("perspective").unwrap_or_default(),
            role: q.get("role").unwrap_or_default(),
            page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        }
    });
    let results = crate::ui::widgets::server_data(move || current.get(), search_directory);
    view! {
        <Title text="Members" />
        <section class="panel">
            <h1>"Members"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || results.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(page) => view! { <Directory page query=current.get_untracked() /> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

fn selected(current: &str, value: &str) -> bool {
    current == value
}

#[component]
fn Directory(page: DirectoryPage, query: DirectoryQuery) -> impl IntoView {
    let region_options = page.regions.clone();
    view! {
        <form method="get" action="/members" class="filters" role="search" aria-label="Members">
            <div class="field">
                <label for="q">"Name, organisation or interest"</label>
                <input id="q" name="q" type="search" value=query.q.clone() maxlength="100" />
            </div>
            <div class="field">
                <label for="region">"Region"</label>
                <select id="region" name="region">
                    <option value="">"All regions"</option>
                    {region_options.into_iter().map(|(slug, name)| {
                        let is = selected(&query.region, &slug);
                        view! { <option value=slug selected=is>{name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="perspective">"Perspective"</label>
                <select id="perspective" name="perspective">
                    <option value="">"All perspectives"</option>
                    {Perspective::ALL.iter().map(|p| {
                        let is = selected(&query.perspective, p.code());
                        view! { <option value=p.code() selected=is>{p.label()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="role">"Role"</label>
                <select id="role" name="role">
                    <option value="">"Any role"</option>
                    {[RoleKind::Convener, RoleKind::Steward, RoleKind::ProjectTeam].iter().map(|k| {
                        let is = selected(&query.role, k.code());
                        view! { <option value=k.code() selected=is>{k.label()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button">"Search"</button>
        </form>
        <p role="status">{format!("{} member{} found", page.total, if page.total == 1 { "" } else { "s" })}</p>
        <ul class="directory">
            {page.members.into_iter().map(|m| view! { <MemberItem member=m /> }).collect_view()}
        </ul>
        <Pagination page=page.page pages=page.pages query />
    }
}

#[component]
fn MemberItem(member: MemberCard) -> impl IntoView {
    view! {
        <li class="directory__item">
            <a href=format!("/members/{}", member.person_id) class="directory__name">{member.name}</a>
            <span class="meta">
                {member.region.unwrap_or_default()}
                {member.organisation.map(|o| format!(" · {o}"))}
            </span>
            <span class="tags">
                {member.perspectives.into_iter().map(|p| view! { <span class="tag">{p}</span> }).collect_view()}
                {member.roles.into_iter().map(|r| view! { <span class="tag tag--role">{r}</span> }).collect_view()}
            </span>
        </li>
    }
}

#[component]
fn Pagination(page: u64, pages: u64, query: DirectoryQuery) -> impl IntoView {
    let link = move |n: u64| {
        let mut params = vec![format!("page={n}")];
        for (k, v) in [
            ("q", &query.q),
            ("region", &query.region),
            ("perspective", &query.perspective),
            ("role", &query.role),
        ] {
            if !v.is_empty() {
                params.push(format!("{k}={}", urlencode(v)));
            }
        }
        format!("/members?{}", params.join("&"))
    };
    (pages > 1).then(|| {
        view! {
            <nav aria-label="Pages of members" class="pagination">
                {(page > 1).then(|| view! { <a href=link(page - 1) rel="prev">"Previous"</a> })}
                <span>{format!("Page {page} of {pages}")}</span>
                {(page < pages).then(|| view! { <a href=link(page + 1) rel="next">"Next"</a> })}
            </nav>
        }
    })
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn ProfilePageView() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let save = ServerAction::<UpdateProfile>::new();
    let moves = ServerAction::<MoveRegion>::new();
    let leave = ServerAction::<LeaveCommunity>::new();
    let status = ServerAction::<SetMemberStatus>::new();
    let profile = crate::ui::widgets::server_data(
        move || {
            (
                id(),
                save.version().get(),
                moves.version().get(),
                leave.version().get(),
                status.version().get(),
            )
        },
        |(id, ..)| get_profile(id),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || profile.get().map(|r| match r {
                Err(e) => view! {
                    <Title text="Member" />
                    <section class="panel narrow"><h1>"We could not show this member"</h1><p>{e.to_string()}</p></section>
                }.into_any(),
                Ok(p) => view! { <ProfileView profile=p save moves leave status /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ProfileView(
    profile: Profile,
    save: ServerAction<UpdateProfile>,
    moves: ServerAction<MoveRegion>,
    leave: ServerAction<LeaveCommunity>,
    status: ServerAction<SetMemberStatus>,
) -> impl IntoView {
    let query = use_query_map();
    let status_panel = profile.can_change_status.then(|| {
        (
            profile.person_id,
            profile.status.clone(),
            profile.name.clone(),
        )
    });
    let saved = move || query.read().get("saved").is_some();
    let editable = (profile.is_self && profile.active).then(|| profile.clone());
    let membership = (profile.is_self && profile.active).then(|| profile.regions.clone());
    let history = profile.is_self.then(|| profile.history.clone());
    view! {
        <Title text=profile.name.clone() />
        <section class="panel">
            <p class="kind">{profile.status.clone()}</p>
            <h1>{profile.name}</h1>
            {move || saved().then(|| view! { <p class="notice" role="status">"Your profile is saved."</p> })}
            <dl class="facts">
                {profile.region.map(|(slug, name)| view! {
                    <dt>"Region"</dt><dd><a href=format!("/spaces/{slug}")>{name}</a></dd>
                })}
                <dt>"Perspectives"</dt>
                <dd>{if profile.perspectives.is_empty() { "—".to_owned() } else { profile.perspectives.join(", ") }}
                    {profile.clinician_discipline.map(|d| format!(" ({d})"))}</dd>
                {profile.organisation.map(|o| view! { <dt>"Organisation"</dt><dd>{o}</dd> })}
                {profile.email.map(|e| view! { <dt>"E-mail"</dt><dd><a href=format!("mailto:{e}")>{e.clone()}</a></dd> })}
                {profile.joined_on.map(|d| view! { <dt>"Member since"</dt><dd>{d}</dd> })}
            </dl>
            {(!profile.bio.is_empty()).then(|| view! { <h2>"About"</h2><p class="prose">{profile.bio}</p> })}
            {(!profile.interests.is_empty()).then(|| view! { <h2>"Interests"</h2><p>{profile.interests}</p> })}
            {profile.is_self.then(|| view! { <p><a href="/account">"Your password and sign-in"</a></p> })}
            {(!profile.groups.is_empty()).then(|| view! {
                <h2>"Groups"</h2>
                <ul class="links">
                    {profile.groups.into_iter().map(|(slug, name)| view! {
                        <li><a href=format!("/spaces/{slug}")>{name}</a></li>
                    }).collect_view()}
                </ul>
            })}
            <Roles title="Roles now" roles=profile.roles_now />
            <Roles title="Roles before" roles=profile.roles_before />
        </section>
        {editable.map(|p| view! { <EditProfile profile=p save /> })}
        {membership.map(|regions| view! { <YourMembership regions moves leave /> })}
        {history.map(|items| view! { <YourHistory items /> })}
        {status_panel.map(|(id, current, name)| view! { <StatusPanel person_id=id current name status /> })}
    }
}

#[component]
fn Roles(title: &'static str, roles: Vec<RoleLine>) -> impl IntoView {
    (!roles.is_empty()).then(|| {
        view! {
            <h2>{title}</h2>
            <ul class="people">
                {roles.into_iter().map(|r| view! {
                    <li>
                        <strong>{r.role}</strong> ", " <a href=format!("/spaces/{}", r.space_slug)>{r.space}</a>
                        <span class="meta">" · from " {r.from} {r.until.map(|u| format!(" until {u}"))}</span>
                    </li>
                }).collect_view()}
            </ul>
        }
    })
}

#[component]
fn EditProfile(profile: Profile, save: ServerAction<UpdateProfile>) -> impl IntoView {
    let error = action_error(save);
    let message = move |field: &'static str| {
        move || {
            error
                .get()
                .and_then(|e| e.message_for(field).map(str::to_owned))
        }
    };
    view! {
        <section class="panel" aria-labelledby="edit-heading">
            <h2 id="edit-heading">"Edit your profile"</h2>
            <ActionForm action=save attr:class="stack" attr:novalidate=true>
                <FormError error />
                <div class="field">
                    <label for="bio">"About you"</label>
                    {move || message("bio")().map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
                    <textarea id="bio" name="bio" rows="5" maxlength="2000">{profile.bio.clone()}</textarea>
                </div>
                <div class="field">
                    <label for="interests">"Interests (what you would like to be found for)"</label>
                    {move || message("interests")().map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
                    <input id="interests" name="interests" maxlength="500" value=profile.interests.clone() />
                </div>
                <div class="field">
                    <label for="organisation">"Organisation"</label>
                    {move || message("organisation")().map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
                    <input id="organisation" name="organisation" maxlength="200" autocomplete="organization"
                        value=profile.organisation.clone().unwrap_or_default() />
                </div>
                <fieldset class="field">
                    <legend>"What other members see"</legend>
                    <div class="checkbox">
                        <input type="checkbox" id="show_email" name="show_email" checked=profile.show_email />
                        <label for="show_email">"Show my e-mail address"</label>
                    </div>
                    <div class="checkbox">
                        <input type="checkbox" id="show_organisation" name="show_organisation" checked=profile.show_organisation />
                        <label for="show_organisation">"Show my organisation"</label>
                    </div>
                </fieldset>
                <Submit label="Save profile" pending=save.pending() />
            </ActionForm>
        </section>
    }
}

#[component]
fn YourMembership(
    regions: Vec<(String, String)>,
    moves: ServerAction<MoveRegion>,
    leave: ServerAction<LeaveCommunity>,
) -> impl IntoView {
    let move_error = action_error(moves);
    let leave_error = action_error(leave);
    view! {
        <section class="panel" aria-labelledby="membership-heading">
            <h2 id="membership-heading">"Your membership"</h2>
            <ActionForm action=moves attr:class="stack" attr:novalidate=true>
                <FormError error=move_error />
                <crate::ui::form::SelectField label="Move to another region" name="region" options=regions
                    placeholder="Choose a region" error=move_error />
                <Submit label="Move region" pending=moves.pending() />
            </ActionForm>
            <details class="appoint">
                <summary>"Leave Q"</summary>
                <p>"Your roles end today and you stop being listed. Your history is kept, and you can apply again."</p>
                <ActionForm action=leave attr:class="stack" attr:novalidate=true>
                    <FormError error=leave_error />
                    <crate::ui::form::Field label="Why you are leaving (optional)" name="reason" required=false
                        maxlength=2000 error=leave_error />
                    <button type="submit" class="button button--secondary">"Leave the community"</button>
                </ActionForm>
            </details>
        </section>
    }
}

#[component]
fn YourHistory(items: Vec<crate::model::spaces::ActivityItem>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="history-heading">
            <h2 id="history-heading">"Your history"</h2>
            <p class="meta">"Every change to your membership and roles, as the audit log records it. Only you see this here."</p>
            <crate::ui::widgets::ActivityList items />
        </section>
    }
}

/// For the home region's convener and the project team: suspend or reinstate, with a reason.
#[component]
fn StatusPanel(
    person_id: i64,
    current: String,
    name: String,
    status: ServerAction<SetMemberStatus>,
) -> impl IntoView {
    let error = action_error(status);
    let active = current == "Active";
    view! {
        <section class="panel" aria-labelledby="status-heading">
            <h2 id="status-heading">"Membership status"</h2>
            <p>{format!("{name} is {}.", current.to_lowercase())}
               " A suspended or lapsed member's roles grant nothing until they are reinstated."</p>
            <ActionForm action=status attr:class="stack" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="person_id" value=person_id />
                <crate::ui::form::Field label="Reason (the member sees it in their history)" name="reason"
                    maxlength=2000 error />
                <div class="actions">
                    {if active {
                        view! {
                            <button type="submit" name="change" value="suspend" class="button button--secondary">
                                "Suspend " <span class="visually-hidden">{name.clone()}</span>
                            </button>
                            <button type="submit" name="change" value="lapse" class="button button--secondary">
                                "Mark as lapsed" <span class="visually-hidden">{format!(": {name}")}</span>
                            </button>
                        }.into_any()
                    } else {
                        view! {
                            <button type="submit" name="change" value="reinstate" class="button button--secondary">
                                "Reinstate " <span class="visually-hidden">{name.clone()}</span>
                            </button>
                        }.into_any()
                    }}
                </div>
            </ActionForm>
        </section>
    }
}
