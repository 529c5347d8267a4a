//! Administration for the project team — the community's spaces, the project team, and
//! the community's settings — and the privacy notice everyone reads.
use crate::api::admin::{
    AddToTeam, ArchiveSpace, ConfirmImport, CreateSpace, EditSpace, RemoveFromTeam, SaveSettings,
    SetHost, get_admin_page, get_import_preview, get_privacy,
};
use crate::domain::structure::PartnerKind;
use crate::model::admin::{AdminPage, AdminSpace, ImportPreview, upload_problem};
use crate::ui::form::{Field, FormError, SelectField, Submit, TextAreaField, action_error};
use crate::ui::widgets::{ActivityList, problem, server_data};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/admin`: the spaces as a tree, the project team, and links to the settings.
#[component]
pub fn AdminPageView() -> impl IntoView {
    let add = ServerAction::<AddToTeam>::new();
    let remove = ServerAction::<RemoveFromTeam>::new();
    let page = server_data(
        move || (add.version().get(), remove.version().get()),
        |_| get_admin_page(),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Administration", e),
                Ok(p) => view! { <Admin page=p add remove /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Admin(
    page: AdminPage,
    add: ServerAction<AddToTeam>,
    remove: ServerAction<RemoveFromTeam>,
) -> impl IntoView {
    let removed = action_error(remove);
    let viewer = page.viewer_id;
    view! {
        <Title text="Administration" />
        <section class="panel">
            <h1>"Administration"</h1>
            <p class="lead">{format!("Running {}: its spaces, its project team and its settings. Every change here is recorded in the audit log.", page.settings.name)}</p>
            <h2>"Spaces"</h2>
            <p><a class="button" href="/admin/spaces/new">"Create a space"</a></p>
            <ul class="admin-spaces">
                {page.spaces.into_iter().map(|s| view! { <SpaceRow space=s /> }).collect_view()}
            </ul>
        </section>
        <section class="panel" aria-labelledby="team-heading">
            <h2 id="team-heading">"Project team"</h2>
            <p>"The project team administers the community. It is never left empty."</p>
            <FormError error=removed />
            <ul class="directory">
                {page.team.into_iter().map(|t| {
                    let label = if t.person_id == viewer { "Leave the project team".to_owned() } else { format!("Remove {}", t.name) };
                    view! {
                        <li class="directory__item">
                            <a class="directory__name" href=format!("/members/{}", t.person_id)>{t.name.clone()}</a>
                            <span class="meta">{format!("{} · since {}", t.email, t.since)}</span>
                            <ActionForm action=remove attr:class="inline-form">
                                <input type="hidden" name="person_id" value=t.person_id.to_string() />
                                <button type="submit" class="link-button">{label}</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <AddToTeamForm add />
        </section>
        <section class="panel" aria-labelledby="activity-heading">
            <h2 id="activity-heading">"Recent administration"</h2>
            <ActivityList items=page.activity />
        </section>
        <crate::ui::pages::coffee::CoffeeDrawForm month=chrono::Utc::now().format("%Y-%m").to_string() />
        <section class="panel" aria-labelledby="members-heading">
            <h2 id="members-heading">"Members"</h2>
            <p>"Bring existing members in from a spreadsheet: each is invited by e-mail to sign in."</p>
            <p><a class="button button--secondary" href="/admin/import">"Import members from a CSV file"</a></p>
        </section>
        <section class="panel" aria-labelledby="settings-heading">
            <h2 id="settings-heading">"Community settings"</h2>
            <dl class="facts">
                <dt>"Name"</dt><dd>{page.settings.name.clone()}</dd>
                <dt>"Contact address"</dt><dd>{page.settings.contact_email.clone()}</dd>
                <dt>"Guests' device data kept"</dt><dd>{format!("{} days", page.settings.guest_retention_days)}</dd>
            </dl>
            <p><a href="/admin/settings">"Change the settings and the privacy notice"</a>" · "<a href="/privacy">"Read the privacy notice"</a></p>
        </section>
    }
}

#[component]
fn SpaceRow(space: AdminSpace) -> impl IntoView {
    let indent = format!("--depth: {}", space.depth);
    view! {
        <li class="admin-spaces__item" style=indent>
            <a href=format!("/admin/spaces/{}", space.slug)>{space.name.clone()}</a>
            <span class="meta">
                {space.kind_label.clone()}
                {space.host.clone().map(|h| format!(" · hosted by {h}"))}
            </span>
            {space.archived.then(|| view! { <span class="tag">"Archived"</span> })}
        </li>
    }
}

#[component]
fn AddToTeamForm(add: ServerAction<AddToTeam>) -> impl IntoView {
    let error = action_error(add);
    view! {
        <details class="appoint" open=move || error.get().is_some()>
            <summary>"Add someone to the project team"</summary>
            <ActionForm action=add attr:class="stack" attr:novalidate=true>
                <FormError error />
                <Field label="E-mail address" name="email" input_type="email" autocomplete="email" maxlength=254 error />
                <Field label="Name (for someone without an account yet)" name="name" required=false autocomplete="name" maxlength=120
                    hint="Someone new is e-mailed a sign-in link; no password is sent." error />
                <Submit label="Add to the project team" pending=add.pending() />
            </ActionForm>
        </details>
    }
}

/// `/admin/settings`: the community's name, contact address, privacy notice and how long
/// guests' device data is kept.
#[component]
pub fn AdminSettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveSettings>::new();
    let page = server_data(|| (), |_| get_admin_page());
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Community settings", e),
                Ok(p) => {
                    let error = action_error(save);
                    let s = p.settings;
                    view! {
                        <Title text="Community settings" />
                        <section class="panel narrow">
                            <p class="kind"><a href="/admin">"Administration"</a></p>
                            <h1>"Community settings"</h1>
                            <ActionForm action=save attr:class="stack" attr:novalidate=true>
                                <FormError error />
                                <Field label="Community's name" name="name" maxlength=120 initial=s.name error />
                                <Field label="Contact address for privacy questions" name="contact_email" input_type="email" maxlength=254 initial=s.contact_email error />
                                <TextAreaField label="Privacy notice" name="privacy_notice" maxlength=20_000
                                    hint="Markdown. Members read it at /privacy, linked from every page and every form that asks for personal data."
                                    initial=s.privacy_notice error />
                                <Field label="Days a guest's device data is kept" name="guest_retention_days" input_type="number" maxlength=3
                                    hint="Guests join workshops without an account; after this many days their device token is forgotten. 1 to 730."
                                    initial=s.guest_retention_days.to_string() error />
                                <Submit label="Save settings" pending=save.pending() />
                            </ActionForm>
                        </section>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

/// `/admin/spaces/new`: a region, a region's stewardship group, or another group.
#[component]
pub fn NewSpacePage() -> impl IntoView {
    let create = ServerAction::<CreateSpace>::new();
    let page = server_data(|| (), |_| get_admin_page());
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Create a space", e),
                Ok(p) => {
                    let error = action_error(create);
                    view! {
                        <Title text="Create a space" />
                        <section class="panel narrow">
                            <p class="kind"><a href="/admin">"Administration"</a></p>
                            <h1>"Create a space"</h1>
                            <p>"Regions sit in the national commons; each region has one commons stewardship group; special interest and project groups sit in a region or nationally."</p>
                            <ActionForm action=create attr:class="stack" attr:novalidate=true>
                                <FormError error />
                                <SelectField label="Kind of space" name="kind" options=p.kinds placeholder="Choose a kind" error />
                                <SelectField label="Where it sits" name="parent" options=p.parents placeholder="Choose a space" error />
                                <Field label="Name" name="name" maxlength=120 error />
                                <TextAreaField label="What it is for" name="purpose" maxlength=2000 error />
                                <Submit label="Create space" pending=create.pending() />
                            </ActionForm>
                        </section>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

/// `/admin/spaces/:slug`: rename and describe a space, set a region's host, archive or
/// restore it.
#[component]
pub fn AdminSpacePage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let edit = ServerAction::<EditSpace>::new();
    let host = ServerAction::<SetHost>::new();
    let archive = ServerAction::<ArchiveSpace>::new();
    let page = server_data(
        move || {
            (
                edit.version().get(),
                host.version().get(),
                archive.version().get(),
            )
        },
        |_| get_admin_page(),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Space", e),
                Ok(p) => match p.spaces.iter().find(|s| s.slug == slug()).cloned() {
                    None => problem("Space", crate::error::AppError::NotFound("There is no such space.".into())),
                    Some(space) => view! { <AdminSpaceView space partners=p.partners edit host archive /> }.into_any(),
                },
            })}
        </Suspense>
    }
}

#[component]
fn AdminSpaceView(
    space: AdminSpace,
    partners: Vec<(String, String)>,
    edit: ServerAction<EditSpace>,
    host: ServerAction<SetHost>,
    archive: ServerAction<ArchiveSpace>,
) -> impl IntoView {
    let edit_error = action_error(edit);
    let archive_error = action_error(archive);
    let national = space.parent.is_none();
    let archive_slug = space.slug.clone();
    let host_form = space.is_region.then(|| {
        view! { <HostForm slug=space.slug.clone() current=space.host.clone() partners host /> }
    });
    let (verb, button) = if space.archived {
        ("restore", "Restore this space")
    } else {
        ("archive", "Archive this space")
    };
    view! {
        <Title text=format!("{} — administration", space.name) />
        <section class="panel narrow">
            <p class="kind"><a href="/admin">"Administration"</a></p>
            <h1>{space.name.clone()}</h1>
            <p class="meta">
                {space.kind_label.clone()}
                {space.parent.clone().map(|p| format!(" in {p}"))}
                {space.archived.then_some(" · archived")}
                " · "<a href=format!("/spaces/{}", space.slug)>"Open its page"</a>
            </p>
            <h2>"Name and purpose"</h2>
            <ActionForm action=edit attr:class="stack" attr:novalidate=true>
                <FormError error=edit_error />
                <input type="hidden" name="slug" value=space.slug.clone() />
                <Field label="Name" name="name" maxlength=120 initial=space.name.clone() error=edit_error
                    hint="Its address stays the same, so links keep working." />
                <TextAreaField label="What it is for" name="purpose" maxlength=2000 initial=space.purpose.clone() error=edit_error />
                <Submit label="Save" pending=edit.pending() />
            </ActionForm>
            {host_form}
            {(!national).then(|| view! {
                <h2>{if space.archived { "Restore" } else { "Archive" }}</h2>
                <p>{if space.archived {
                    "Restoring brings the space, and what was archived with it, back into the navigation."
                } else {
                    "An archived space keeps its history — decisions, workshops, the audit log — and leaves the navigation, with every space inside it."
                }}</p>
                <ActionForm action=archive attr:class="stack">
                    <FormError error=archive_error />
                    <input type="hidden" name="slug" value=archive_slug />
                    <input type="hidden" name="archive" value=verb />
                    <button type="submit" class="button button--secondary">{button}</button>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn HostForm(
    slug: String,
    current: Option<String>,
    partners: Vec<(String, String)>,
    host: ServerAction<SetHost>,
) -> impl IntoView {
    let error = action_error(host);
    let kinds: Vec<(String, String)> = PartnerKind::ALL
        .iter()
        .map(|k| (k.code().to_owned(), k.label().to_owned()))
        .collect();
    let mut partner_options = vec![(
        String::new(),
        "A new organisation (name it below)".to_owned(),
    )];
    partner_options.extend(partners);
    view! {
        <h2>"Host organisation"</h2>
        <p>{match current {
            Some(h) => format!("Hosted by {h}. A new host replaces it; {h} stays a partner."),
            None => "No host yet.".to_owned(),
        }}</p>
        <ActionForm action=host attr:class="stack" attr:novalidate=true>
            <FormError error />
            <input type="hidden" name="slug" value=slug />
            <SelectField label="Host" name="partner" options=partner_options error />
            <Field label="New organisation's name" name="new_name" required=false maxlength=200 autocomplete="organization" error />
            <SelectField label="New organisation's kind" name="new_kind" options=kinds error />
            <Submit label="Set host" pending=host.pending() />
        </ActionForm>
    }
}

/// `/privacy`: the community's privacy notice.
#[component]
pub fn PrivacyPageView() -> impl IntoView {
    let page = server_data(|| (), |_| get_privacy());
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Privacy notice", e),
                Ok(p) => view! {
                    <Title text="Privacy notice" />
                    <section class="panel narrow">
                        <h1>{format!("Privacy notice of {}", p.community_name)}</h1>
                        <div class="markdown" inner_html=p.notice_html></div>
                        <h2>"Contact"</h2>
                        {if p.contact_email.is_empty() {
                            view! { <p>"The project team has not given a contact address yet."</p> }.into_any()
                        } else {
                            view! { <p>"Write to "<a href=format!("mailto:{}", p.contact_email)>{p.contact_email.clone()}</a>" about your data."</p> }.into_any()
                        }}
                        <p class="meta">{format!("Guests' device data is kept for {} days.", p.guest_retention_days)}</p>
                    </section>
                }.into_any(),
            })}
        </Suspense>
    }
}

/// `/admin/import`: upload a CSV file of members (or paste one) for a preview.
#[component]
pub fn ImportPage() -> impl IntoView {
    let query = use_query_map();
    let came_back = move || query.read().get("problem").and_then(|c| upload_problem(&c));
    let page = server_data(|| (), |_| get_admin_page());
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Import members", e),
                Ok(_) => view! {
                    <Title text="Import members" />
                    <section class="panel narrow">
                        <p class="kind"><a href="/admin">"Administration"</a></p>
                        <h1>"Import members"</h1>
                        <p>"A CSV file with a first line naming its columns: "<code>"name, email, home region, perspectives, organisation"</code>". Perspectives are separated by semicolons (Patient; Carer); the home region is its name or address. You will see every line before anything is added."</p>
                        {came_back().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                        <form method="post" action="/admin/import/upload" enctype="multipart/form-data" class="stack">
                            <div class="field">
                                <label for="field-file">"CSV file"</label>
                                <input id="field-file" type="file" name="file" accept=".csv,text/csv" />
                            </div>
                            <div class="field">
                                <label for="field-pasted">"Or paste its lines"</label>
                                <textarea id="field-pasted" name="pasted" rows="6"></textarea>
                            </div>
                            <button type="submit" class="button">"Preview the import"</button>
                        </form>
                    </section>
                }.into_any(),
            })}
        </Suspense>
    }
}

/// `/admin/import/:id`: every line as it would be imported, the bad ones named with why;
/// confirm to add.
#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let id = crate::ui::widgets::id_param();
    let confirm = ServerAction::<ConfirmImport>::new();
    let page = server_data(
        move || (id(), confirm.version().get()),
        |(id, _)| get_import_preview(id),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Import members", e),
                Ok(p) => view! { <Preview preview=p confirm /> }.into_any(),
            })}
        </Suspense>
    }
}

/// The most members to add the preview lists (every line is checked; problems are all shown).
const SHOWN: usize = 300;

#[component]
fn Preview(preview: ImportPreview, confirm: ServerAction<ConfirmImport>) -> impl IntoView {
    let error = action_error(confirm);
    let bad = preview.problems.len();
    let adding = preview.to_add.len();
    let body = if let Some(done) = preview.imported.clone() {
        view! {
            <p class="notice" role="status">{format!("Imported: {done}. Each new member is being sent a sign-in link.")}</p>
            <p><a href="/admin">"Back to administration"</a>" · "<a href="/members">"The member directory"</a></p>
        }.into_any()
    } else if let Some(why) = preview.file_problem.clone() {
        view! {
            <p class="form-error" role="alert">{why}</p>
            <p><a href="/admin/import">"Upload another file"</a></p>
        }
        .into_any()
    } else {
        view! {
            <p class="lead">{format!(
                "{adding} {} to add, {} already {} (left as they are), {bad} {} with problems.",
                if adding == 1 { "member" } else { "members" },
                preview.unchanged,
                if preview.unchanged == 1 { "a member" } else { "members" },
                if bad == 1 { "line" } else { "lines" },
            )}</p>
            {(bad > 0).then(|| view! {
                <h2>"Lines with problems"</h2>
                <div class="table-wrap" tabindex="0" role="region" aria-label="Lines with problems">
                <table class="lines">
                    <caption class="visually-hidden">"Lines that cannot be imported, and why"</caption>
                    <thead><tr><th scope="col">"Line"</th><th scope="col">"What it says"</th><th scope="col">"Why"</th></tr></thead>
                    <tbody>
                        {preview.problems.iter().map(|p| view! {
                            <tr><td>{p.line}</td><td>{p.text.clone()}</td><td>{p.why.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            })}
            {(adding > 0).then(|| view! {
                <h2>"Members to add"</h2>
                <div class="table-wrap" tabindex="0" role="region" aria-label="Members to add">
                    <table class="lines">
                        <caption class="visually-hidden">"Members the import will add"</caption>
                        <thead><tr><th scope="col">"Line"</th><th scope="col">"Name"</th><th scope="col">"E-mail"</th><th scope="col">"Home region"</th><th scope="col">"Perspectives"</th><th scope="col">"Organisation"</th></tr></thead>
                        <tbody>
                            {preview.to_add.iter().take(SHOWN).map(|l| view! {
                                <tr><td>{l.line}</td><td>{l.name.clone()}</td><td>{l.email.clone()}</td><td>{l.region.clone()}</td><td>{l.perspectives.clone()}</td><td>{l.organisation.clone()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {(adding > SHOWN).then(|| view! { <p class="meta">{format!("…and {} more, each checked the same way.", adding - SHOWN)}</p> })}
            })}
            <ActionForm action=confirm attr:class="stack">
                <FormError error />
                {move || error.get().and_then(|e| e.message_for("skip_bad").map(str::to_owned)).map(|m| view! {
                    <p class="field__error" id="field-skip_bad-error" role="alert">{m}</p>
                })}
                <input type="hidden" name="id" value=preview.id.to_string() />
                {(bad > 0).then(|| view! {
                    <div class="checkbox">
                        <input type="checkbox" id="field-skip_bad" name="skip_bad" value="on" />
                        <label for="field-skip_bad">{format!("Leave the {bad} {} with problems out", if bad == 1 { "line" } else { "lines" })}</label>
                    </div>
                })}
                <button type="submit" class="button">{format!("Import {adding} {}", if adding == 1 { "member" } else { "members" })}</button>
            </ActionForm>
            <p><a href="/admin/import">"Upload a corrected file instead"</a></p>
        }.into_any()
    };
    view! {
        <Title text="Import members" />
        <section class="panel">
            <p class="kind"><a href="/admin">"Administration"</a>" · "<a href="/admin/import">"Import members"</a></p>
            <h1>{format!("Import from {}", preview.file_name)}</h1>
            {body}
        </section>
    }
}
