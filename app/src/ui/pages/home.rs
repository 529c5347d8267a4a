//! The community home: what Q Commons is, and the nested structure of its spaces.
use crate::api::community::get_community_overview;
use crate::model::community::RegionSummary;
use crate::ui::layout::use_auth;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let overview = crate::ui::widgets::server_data(|| (), |_| get_community_overview());
    let query = leptos_router::hooks::use_query_map();
    let deleted = move || query.read().get("account_deleted").is_some();
    view! {
        <Title text="" />
        <Show when=deleted>
            <p class="notice" role="status">"Your account is deleted and your personal data erased. Thank you for taking part."</p>
        </Show>
        <Welcome />
        <Suspense fallback=|| view! { <p>"Loading the community…"</p> }>
            {move || overview.get().map(|r| match r {
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                Ok(o) => view! {
                    <section class="panel" aria-labelledby="structure-heading">
                        <h2 id="structure-heading">"How the commons is organised"</h2>
                        {o.national.map(|n| view! {
                            <p class="lead"><strong>{n.name}</strong> " — " {n.purpose}</p>
                        })}
                        <ul class="cards" role="list">
                            {o.regions.into_iter().map(|r| view! { <RegionCard region=r /> }).collect_view()}
                        </ul>
                    </section>
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Welcome() -> impl IntoView {
    let auth = use_auth();
    let greeting = move || {
        auth.session
            .get()
            .and_then(|r| r.ok())
            .and_then(|s| s.user)
            .map(|u| {
                view! { <p class="greeting">"Welcome back, " <strong>{u.name}</strong> "."</p> }
            })
    };
    view! {
        <section class="hero">
            <h1>"Improving health and care, together"</h1>
            <p>
                "Q Commons is where the Q community — patients, carers and people of many professions — "
                "co-produces ideas, decides together and stewards what it holds in common, "
                "in its regions and nationally."
            </p>
            <Transition fallback=|| ()>{greeting}</Transition>
        </section>
    }
}

#[component]
fn RegionCard(region: RegionSummary) -> impl IntoView {
    let heading_id = format!("region-{}", region.space.slug);
    let labelled_by = heading_id.clone();
    view! {
        <li class="card">
            <article aria-labelledby=labelled_by>
                <h3 id=heading_id>
                    <a href=format!("/spaces/{}", region.space.slug)>{region.space.name}</a>
                </h3>
                <p>{region.space.purpose}</p>
                <dl class="facts">
                    <dt>"Convener"</dt>
                    <dd>
                        {if region.conveners.is_empty() {
                            "None at present".to_owned()
                        } else {
                            region.conveners.iter().map(|c| c.name.clone()).collect::<Vec<_>>().join(", ")
                        }}
                    </dd>
                    <dt>"Hosted by"</dt>
                    <dd>{if region.host_partners.is_empty() { "—".to_owned() } else { region.host_partners.join(", ") }}</dd>
                    {region.stewardship_group.map(|g| view! { <dt>"Stewarded by"</dt><dd>{g}</dd> })}
                </dl>
            </article>
        </li>
    }
}
