//! A space's rule book: each rule with how it stands (national, inherited, adapted, local),
//! the words a region changed in the national text, every version and the decision that
//! made it, and a way to propose a change. Read-only: rules change only by proposal.
use crate::api::proposals::get_rule_book;
use crate::model::rules::{DiffPart, RuleBookPage, RuleLine};
use crate::ui::widgets::problem;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn RuleBookPageView() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let page = crate::ui::widgets::server_data(slug, get_rule_book);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Rule book", e),
                Ok(p) => view! { <RuleBook page=p /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn RuleBook(page: RuleBookPage) -> impl IntoView {
    let title = format!("Rule book of {}", page.space_name);
    let slug = page.space_slug.clone();
    let may = page.may_propose;
    view! {
        <Title text=title.clone() />
        <section class="panel">
            <p class="kind"><a href=format!("/spaces/{slug}")>{page.space_name.clone()}</a></p>
            <h1>{title}</h1>
            <p class="lead">{if page.region {
                "This region follows the national rules, adapts some to fit local conditions and adds its own. A rule changes only through a proposal its members pass; every version is kept."
            } else {
                "A rule changes only through a proposal the members pass; every version is kept."
            }}</p>
            <p>"Which decisions a region takes alone, and which need the national commons: "<a href="/charter">"the charter"</a>"."</p>
            {may.then(|| view! {
                <p><a class="button button--secondary" href=format!("/proposals/new?space={slug}&rule=add")>"Propose a new rule"</a></p>
            })}
            {if page.rules.is_empty() {
                view! { <p>"No rules yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="rules">
                        {page.rules.into_iter().map(|r| view! { <Rule rule=r slug=slug.clone() may /> }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Rule(rule: RuleLine, slug: String, may: bool) -> impl IntoView {
    let heading_id = format!("rule-{}", rule.id);
    let propose = format!("/proposals/new?space={slug}&rule={}", rule.change);
    let action = if rule.standing == "inherited" {
        "Propose adapting it here"
    } else {
        "Propose a change"
    };
    let history = rule.history.clone();
    view! {
        <li class="rule">
            <h2 id=heading_id>{rule.title.clone()}</h2>
            <p class="rule__facts">
                <span class=format!("tag tag--{}", rule.standing)>{rule.standing_label.clone()}</span>
                <span class="muted">{format!(" Version {}", rule.version)}</span>
            </p>
            <div class="markdown" inner_html=rule.body_html.clone()></div>
            {(!rule.diff.is_empty()).then(|| view! {
                <details class="rule__diff">
                    <summary>"What this region changed in the national text"</summary>
                    <Diff parts=rule.diff.clone() />
                </details>
            })}
            <details class="rule__history">
                <summary>{match history.len() { 1 => "History (1 version)".to_owned(), n => format!("History ({n} versions)") }}</summary>
                <ol reversed>
                    {history.into_iter().map(|v| view! {
                        <li>
                            {format!("Version {}, {}: ", v.number, v.at)}
                            {match v.decision {
                                Some((id, title)) => view! { <a href=format!("/proposals/{id}")>{title}</a> }.into_any(),
                                None => view! { <span>"the founding text"</span> }.into_any(),
                            }}
                        </li>
                    }).collect_view()}
                </ol>
            </details>
            {may.then(|| view! { <p><a href=propose>{action}</a></p> })}
        </li>
    }
}

/// Two texts compared word by word: added words marked `<ins>`, removed `<del>` (which
/// screen readers can announce), with a key for those who see colour poorly.
#[component]
pub fn Diff(parts: Vec<DiffPart>) -> impl IntoView {
    view! {
        <p class="diff__key muted"><ins>"added"</ins>" · "<del>"removed"</del></p>
        <p class="diff">
            {parts.into_iter().map(|p| match p {
                DiffPart::Same(s) => view! { <span>{s}</span> }.into_any(),
                DiffPart::Added(s) => view! { <ins>{s}</ins> }.into_any(),
                DiffPart::Removed(s) => view! { <del>{s}</del> }.into_any(),
            }).collect_view()}
        </p>
    }
}
