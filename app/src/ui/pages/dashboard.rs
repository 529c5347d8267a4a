//! A space's dashboard: each measure over time as a run chart, with its headline, a table
//! of the same numbers and the balance of perspectives — the same page for the convener
//! and for every member, because those who monitor answer to the members.
use crate::api::dashboard::{get_dashboard, get_national_dashboard};
use crate::model::dashboard::{DashboardPage, NationalDashboard, NeedsYou, Series, Term, Waiting};
use crate::ui::run_chart::RunChart;
use crate::ui::widgets::problem;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn DashboardPageView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let asked = move || {
        (
            params.read().get("slug").unwrap_or_default(),
            query.read().get("period").unwrap_or_default(),
            query.read().get("grain").unwrap_or_default(),
        )
    };
    let page = crate::ui::widgets::server_data(asked, |(slug, period, grain)| {
        get_dashboard(slug, period, grain)
    });
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Dashboard", e),
                Ok(p) => view! { <Dashboard page=p /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Dashboard(page: DashboardPage) -> impl IntoView {
    let week = page.grain == "week";
    let title = format!("Dashboard of {}", page.space_name);
    let slug = page.space_slug.clone();
    view! {
        <Title text=title.clone() />
        <section class="panel">
            <p class="kind"><a href=format!("/spaces/{slug}")>{page.space_name.clone()}</a></p>
            <h1>{title}</h1>
            <p class="lead">{format!("{}, {}. Every member can read this page.", capitalised(&page.span), per(&page.grain))}</p>
            <p class="meta">{format!("Counted at {}; the counts are kept for a minute.", page.counted_at)}</p>
            <p><a href=format!("/dashboard?period={}&grain={}", page.period, page.grain)>"Every region side by side"</a></p>
            <PeriodForm periods=page.periods.clone() period=page.period.clone() grains=page.grains.clone() grain=page.grain.clone() />
            <p><a class="button button--small button--secondary" href=format!("/spaces/{}/dashboard.csv?period={}&grain={}", page.space_slug, page.period, page.grain) download="">"Download the numbers (CSV)"</a></p>
            <p><a href=format!("/spaces/{}/measures", page.space_slug)>"The space's own improvement measures"</a></p>
        </section>
        {page.needs_you.clone().map(|n| view! { <NeedsYouNow n /> })}
        <section class="panel" aria-labelledby="balance-heading">
            <h2 id="balance-heading">"Who belongs, and who takes part"</h2>
            <p class="headline">{page.balance_headline.clone()}</p>
            <table class="figures">
                <caption class="visually-hidden">"Perspectives among members and among workshop participants"</caption>
                <thead><tr><th scope="col">"Perspective"</th><th scope="col">"Members"</th><th scope="col">"Took part"</th></tr></thead>
                <tbody>
                    {page.balance.iter().filter(|b| b.members > 0 || b.took_part > 0).map(|b| view! {
                        <tr>
                            <th scope="row">{b.perspective.clone()}</th>
                            <td>{format!("{} ({} %)", b.members, b.members_share)}</td>
                            <td>{format!("{} ({} %)", b.took_part, b.took_part_share)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <Terms terms=page.terms.clone() />
        <Flow lines=page.flow.clone() href=page.flow_link.clone() />
        <div class="measures">
            {page.series.into_iter().map(|s| view! { <Measure s week /> }).collect_view()}
        </div>
    }
}

/// "a value a month" or "a value a week".
fn per(grain: &str) -> &'static str {
    if grain == "week" {
        "a value a week"
    } else {
        "a value a month"
    }
}

#[component]
fn Measure(s: Series, week: bool) -> impl IntoView {
    let heading = format!("{}-heading", s.key);
    view! {
        <section class="panel" aria-labelledby=heading.clone()>
            <h2 id=heading.clone()>{s.title.clone()}</h2>
            <p class="headline">{s.headline.clone()}</p>
            <RunChart id=format!("chart-{}", s.key) title=s.title.clone() labels=s.months.clone() values=s.values.clone() />
            <details>
                <summary>"The numbers"<span class="visually-hidden">{format!(": {}", s.title)}</span></summary>
                <table class="figures">
                    <thead><tr><th scope="col">{if week { "Week of" } else { "Month" }}</th><th scope="col">"Value"</th></tr></thead>
                    <tbody>
                        {s.months.iter().zip(&s.values).map(|(m, v)| view! {
                            <tr><th scope="row">{m.clone()}</th><td>{v.to_string()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </section>
    }
}

/// Every region side by side, and the national group's own: each measure as small
/// multiples on one scale, so regions compare at a glance.
#[component]
pub fn NationalDashboardPageView() -> impl IntoView {
    let query = use_query_map();
    let asked = move || {
        (
            query.read().get("period").unwrap_or_default(),
            query.read().get("grain").unwrap_or_default(),
        )
    };
    let page = crate::ui::widgets::server_data(asked, |(period, grain)| {
        get_national_dashboard(period, grain)
    });
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => problem("Dashboard", e),
                Ok(p) => view! { <National page=p /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn National(page: NationalDashboard) -> impl IntoView {
    let measures: Vec<(String, String)> = page
        .spaces
        .first()
        .map(|s| {
            s.series
                .iter()
                .map(|m| (m.key.clone(), m.title.clone()))
                .collect()
        })
        .unwrap_or_default();
    let spaces = page.spaces.clone();
    view! {
        <Title text="Dashboard of the commons" />
        <section class="panel">
            <h1>"Dashboard of the commons"</h1>
            <p class="lead">{format!("{}, {}: every region side by side on one scale, and the national group's own. Every member can read this page.", capitalised(&page.span), per(&page.grain))}</p>
            <p class="meta">{format!("Counted at {}; the counts are kept for a minute.", page.spaces.first().map(|s| s.counted_at.clone()).unwrap_or_default())}</p>
            <PeriodForm periods=page.periods.clone() period=page.period.clone() grains=page.grains.clone() grain=page.grain.clone() />
        </section>
        <Flow lines=page.flow.clone() href="/flow".to_owned() />
        <section class="panel" aria-labelledby="balance-heading">
            <h2 id="balance-heading">"Who belongs, and who takes part"</h2>
            <ul>
                {spaces.iter().map(|s| view! {
                    <li><a href=format!("/spaces/{}/dashboard?period={}&grain={}", s.space_slug, s.period, s.grain)>{s.space_name.clone()}</a>": "{s.balance_headline.clone()}</li>
                }).collect_view()}
            </ul>
        </section>
        {measures.into_iter().map(|(key, title)| {
            let shown: Vec<(String, String, Series)> = spaces
                .iter()
                .filter_map(|s| s.series.iter().find(|m| m.key == key).map(|m| (s.space_name.clone(), s.space_slug.clone(), m.clone())))
                .collect();
            let top = shown.iter().flat_map(|(_, _, m)| m.values.iter().copied()).fold(0.0, f64::max);
            let heading = format!("{key}-heading");
            view! {
                <section class="panel" aria-labelledby=heading.clone()>
                    <h2 id=heading.clone()>{title.clone()}</h2>
                    <div class="multiples">
                        {shown.into_iter().map(|(name, slug, m)| view! {
                            <div class="multiples__one">
                                <h3>{name.clone()}</h3>
                                <p class="headline">{m.headline.clone()}</p>
                                <RunChart id=format!("chart-{key}-{slug}") title=format!("{}: {}", name, m.title) labels=m.months.clone() values=m.values.clone() top=Some(top) />
                            </div>
                        }).collect_view()}
                    </div>
                </section>
            }
        }).collect_view()}
    }
}

/// Who holds office here until when, those ending within 60 days said so.
#[component]
fn Terms(terms: Vec<Term>) -> impl IntoView {
    let ending = terms.iter().filter(|t| t.ends_in_days.is_some()).count();
    view! {
        <section class="panel" aria-labelledby="terms-heading">
            <h2 id="terms-heading">"Conveners' and stewards' terms"</h2>
            <p class="headline">{match ending {
                0 => "No term ends in the next 60 days.".to_owned(),
                1 => "1 term ends in the next 60 days.".to_owned(),
                n => format!("{n} terms end in the next 60 days."),
            }}</p>
            {if terms.is_empty() {
                view! { <p class="muted">"Nobody holds office here yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="terms">
                        {terms.into_iter().map(|t| view! {
                            <li>
                                <strong>{t.name}</strong>", "{t.office}
                                <span class="meta">{match t.until {
                                    Some(until) => format!(", since {}, until {until}", t.since),
                                    None => format!(", since {}, with no end date", t.since),
                                }}</span>
                                {t.ends_in_days.map(|d| view! { " "<strong class="tag">{match d {
                                    0 => "ends today".to_owned(),
                                    1 => "ends tomorrow".to_owned(),
                                    d => format!("ends in {d} days"),
                                }}</strong> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// For the space's conveners and stewards: what needs them now, each linking to where it
/// is dealt with.
#[component]
fn NeedsYouNow(n: NeedsYou) -> impl IntoView {
    let list = |title: &'static str, none: &'static str, items: Vec<Waiting>| {
        view! {
            <h3>{title}</h3>
            {if items.is_empty() {
                view! { <p class="muted">{none}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {items.into_iter().map(|w| view! { <li><a href=w.href>{w.what}</a></li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        }
    };
    view! {
        <section class="panel" aria-labelledby="needs-heading">
            <h2 id="needs-heading">"What needs you now"</h2>
            <p class="muted">"For this space's conveners and stewards."</p>
            {list("Applications waiting longest", "No applications waiting.", n.applications)}
            {list("Overdue actions", "No actions overdue.", n.overdue)}
            {list("Terms ending in the next 60 days", "No terms end in the next 60 days.", n.terms)}
        </section>
    }
}

/// The period and grain shown: a plain GET form, the same on every dashboard.
#[component]
fn PeriodForm(
    periods: Vec<(String, String)>,
    period: String,
    grains: Vec<(String, String)>,
    grain: String,
) -> impl IntoView {
    let options = |all: Vec<(String, String)>, shown: String| {
        all.into_iter()
            .map(|(code, label)| {
                let selected = code == shown;
                view! { <option value=code selected=selected>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <form method="get" class="period-form">
            <label for="period">"Period"</label>
            <select id="period" name="period">{options(periods, period)}</select>
            <label for="grain">"Values"</label>
            <select id="grain" name="grain">{options(grains, grain)}</select>
            <button type="submit" class="button button--small">"Show"</button>
        </form>
    }
}

/// The text with its first letter a capital, to begin a sentence ("Week of 25 November…").
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The work between the national commons and the regions, in words, linking to it.
#[component]
fn Flow(lines: Vec<String>, href: String) -> impl IntoView {
    (!lines.is_empty()).then(|| {
        view! {
            <section class="panel" aria-labelledby="flow-heading">
                <h2 id="flow-heading">"National and regional work"</h2>
                {lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
                <p><a href=href>"The questions and matters, with their answers"</a></p>
            </section>
        }
    })
}
