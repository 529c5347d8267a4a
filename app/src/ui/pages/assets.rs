//! A space's commons assets (`/spaces/:slug/assets`, `/assets/:id`): the register, each
//! asset's rules of use and its ledger with the balance after every entry. Plain HTML
//! forms for the space's conveners and stewards.
use crate::api::assets::{AddAsset, ChangeAssetRules, RecordEntry, get_asset, get_space_assets};
use crate::domain::asset::{AssetKind, EntryKind};
use crate::model::assets::{AssetPage, SpaceAssets};
use crate::ui::form::{Field, FormError, SelectField, Submit, TextAreaField, action_error};
use crate::ui::widgets::{problem, server_data};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SpaceAssetsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let add = ServerAction::<AddAsset>::new();
    let page = server_data(slug, get_space_assets);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Assets", e),
                Ok(p) => view! { <Register page=p add /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Register(page: SpaceAssets, add: ServerAction<AddAsset>) -> impl IntoView {
    let error = action_error(add);
    let title = format!("Assets of {}", page.space_name);
    let slug = page.space_slug.clone();
    let kinds: Vec<(String, String)> = AssetKind::ALL
        .iter()
        .map(|k| (k.code().to_owned(), k.label().to_owned()))
        .collect();
    view! {
        <Title text=title.clone() />
        <section class="panel">
            <p class="kind"><a href=format!("/spaces/{slug}")>{page.space_name.clone()}</a></p>
            <h1>{title}</h1>
            <p class="lead">"What this space holds in common and stewards, what is left of each, and every allocation, use and top-up."</p>
            {if page.assets.is_empty() {
                view! { <p>"No assets in the register yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="directory">
                        {page.assets.into_iter().map(|a| view! {
                            <li class="directory__item">
                                <a class="directory__name" href=format!("/assets/{}", a.id)>{a.name}</a>
                                <span class="meta">{format!("{} · {} left", a.kind, a.balance)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {page.may_steward.then(|| view! {
            <section class="panel narrow" aria-labelledby="add-asset-heading">
                <h2 id="add-asset-heading">"Add an asset"</h2>
                <ActionForm action=add attr:class="stack" attr:novalidate=true>
                    <FormError error />
                    <input type="hidden" name="space" value=slug.clone() />
                    <Field label="Name" name="name" maxlength=120 hint="For example: small grants pot." error />
                    <SelectField label="Kind" name="kind" options=kinds error />
                    <TextAreaField label="Rules of use" name="rules" maxlength=4_000 required=false hint="Who may draw on it, how much, and who decides. You can change them later; every version is kept." error />
                    <Submit label="Add to the register" pending=add.pending() />
                </ActionForm>
            </section>
        })}
    }
}

#[component]
pub fn AssetPageView() -> impl IntoView {
    let id = crate::ui::widgets::id_param();
    let entry = ServerAction::<RecordEntry>::new();
    let rules = ServerAction::<ChangeAssetRules>::new();
    let page = server_data(
        move || (id(), entry.version().get() + rules.version().get()),
        |(id, _)| get_asset(id),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Asset", e),
                Ok(p) => view! { <Asset page=p entry rules /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Asset(
    page: AssetPage,
    entry: ServerAction<RecordEntry>,
    rules: ServerAction<ChangeAssetRules>,
) -> impl IntoView {
    let entry_error = action_error(entry);
    let rules_error = action_error(rules);
    let kinds: Vec<(String, String)> = EntryKind::ALL
        .iter()
        .map(|k| (k.code().to_owned(), k.label().to_owned()))
        .collect();
    let (id_entry, id_rules) = (page.id.to_string(), page.id.to_string());
    let rules_now = page.rules.clone().unwrap_or_default();
    view! {
        <Title text=page.name.clone() />
        <section class="panel">
            <p class="kind"><a href=format!("/spaces/{}/assets", page.space_slug)>{format!("Assets of {}", page.space_name)}</a></p>
            <h1>{page.name.clone()}</h1>
            <p class="lead">{format!("{} · ", page.kind)}<strong>{format!("{} left", page.balance)}</strong></p>
            <h2>"Rules of use"</h2>
            {match page.rules.clone() {
                Some(r) => view! {
                    <p class="prose">{r}</p>
                    <p class="meta">{format!("Version {}", page.rules_version)}</p>
                }.into_any(),
                None => view! { <p>"No rules of use written yet."</p> }.into_any(),
            }}
        </section>
        <section class="panel" aria-labelledby="ledger-heading">
            <h2 id="ledger-heading">"Ledger"</h2>
            {if page.entries.is_empty() {
                view! { <p>"Nothing recorded yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label="The ledger">
                        <table class="ledger">
                            <caption class="visually-hidden">"Every allocation, use and top-up, newest first, with the balance after each"</caption>
                            <thead><tr><th scope="col">"When"</th><th scope="col">"What"</th><th scope="col">"Change"</th><th scope="col">"Balance"</th><th scope="col">"Why"</th></tr></thead>
                            <tbody>
                                {page.entries.into_iter().map(|e| view! {
                                    <tr>
                                        <td>{format!("{} · {}", e.recorded_at, e.recorded_by)}</td>
                                        <td>{e.kind}</td>
                                        <td class="ledger__amount">{e.change}</td>
                                        <td class="ledger__amount"><span class="ledger__balance-label">"Balance after: "</span>{e.balance_after}</td>
                                        <td>
                                            {e.reason}
                                            {e.to_whom.map(|w| view! { <br /><span class="meta">{format!("To {w}")}</span> })}
                                            {e.proposal.map(|(id, title)| view! { <br /><a href=format!("/proposals/{id}")>{format!("Decided: {title}")}</a> })}
                                            {e.round.map(|(id, title)| view! { <br /><a href=format!("/funding/{id}")>{format!("Funding round: {title}")}</a> })}
                                        </td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        {page.may_steward.then(move || view! {
            <section class="panel narrow" aria-labelledby="entry-heading">
                <h2 id="entry-heading">"Record an entry"</h2>
                <ActionForm action=entry attr:class="stack" attr:novalidate=true>
                    <FormError error=entry_error />
                    <input type="hidden" name="asset" value=id_entry />
                    <SelectField label="What" name="kind" options=kinds error=entry_error />
                    <Field label="Amount" name="amount" hint="For money, in pounds: 1,250 or 1250.50." error=entry_error />
                    <TextAreaField label="Why" name="reason" maxlength=4_000 error=entry_error />
                    <Field label="To whom" name="to_whom" maxlength=200 required=false hint="A project, a team or an event, if someone receives or uses it." error=entry_error />
                    <Field label="Decision that authorised it (number)" name="proposal" required=false input_type="number" hint="A decision of this space, if one did." error=entry_error />
                    <Submit label="Record" pending=entry.pending() />
                </ActionForm>
            </section>
            <section class="panel narrow" aria-labelledby="rules-heading">
                <h2 id="rules-heading">"Change the rules of use"</h2>
                <ActionForm action=rules attr:class="stack" attr:novalidate=true>
                    <FormError error=rules_error />
                    <input type="hidden" name="asset" value=id_rules />
                    <TextAreaField label="Rules of use" name="rules" maxlength=4_000 initial=rules_now error=rules_error />
                    <Submit label="Save as a new version" pending=rules.pending() />
                </ActionForm>
            </section>
        })}
    }
}
