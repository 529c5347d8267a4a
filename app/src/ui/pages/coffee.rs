//! Randomised coffee on the account page (join or leave the draw, see this month's
//! partner) and on the administration page (draw a month's pairs).
use crate::api::coffee::{DrawCoffee, SetCoffee, get_coffee, get_coffee_draws};
use crate::model::coffee::CoffeePage;
use crate::ui::form::{Field, FormError, Submit, action_error};
use crate::ui::widgets::server_data;
use leptos::prelude::*;

/// The member's place in the monthly coffee draw.
#[component]
pub fn CoffeeChoice() -> impl IntoView {
    let set = ServerAction::<SetCoffee>::new();
    let page = server_data(move || set.version().get(), |_| get_coffee());
    view! {
        <h2 id="coffee-heading">"Randomised coffee"</h2>
        <Suspense fallback=|| ()>
            {move || page.get().map(|r| match r {
                Ok(p) => view! { <CoffeeForm page=p set /> }.into_any(),
                Err(_) => view! { <p>"Members can join the monthly coffee draw."</p> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn CoffeeForm(page: CoffeePage, set: ServerAction<SetCoffee>) -> impl IntoView {
    let error = action_error(set);
    let in_draw = match page.in_draw {
        1 => "1 member is in the draw.".to_owned(),
        n => format!("{n} members are in the draw."),
    };
    view! {
        <p>"Each month, members in the draw are paired with someone from another perspective or region, never the same person twice in a year. You are both told by e-mail, each with the other's name and e-mail address, to find half an hour together."</p>
        <p class="meta">{in_draw}</p>
        {page.partner.map(|p| view! {
            <p class="notice" role="status">{format!("In {} you were drawn with {} — ", p.month, p.name)}<a href=format!("mailto:{}", p.email)>{p.email.clone()}</a>"."</p>
        })}
        <ActionForm action=set attr:class="stack">
            <FormError error />
            {if page.opted_in {
                view! {
                    <p>"You are in the monthly draw."</p>
                    <input type="hidden" name="join" value="no" />
                    <Submit label="Leave the coffee draw" pending=set.pending() />
                }.into_any()
            } else {
                view! {
                    <input type="hidden" name="join" value="yes" />
                    <Submit label="Join the monthly coffee draw" pending=set.pending() />
                }.into_any()
            }}
        </ActionForm>
    }
}

/// For the project team: draw a month's pairs, once.
#[component]
pub fn CoffeeDrawForm(#[prop(into)] month: String) -> impl IntoView {
    let draw = ServerAction::<DrawCoffee>::new();
    let error = action_error(draw);
    let drawn = server_data(move || draw.version().get(), |_| get_coffee_draws());
    view! {
        <section class="panel" aria-labelledby="coffee-draw-heading">
            <h2 id="coffee-draw-heading">"Randomised coffee"</h2>
            <p>"Draw a month's pairs from the members who joined the draw: across perspectives and regions, never a pair from the last twelve months. Both of each pair are told by e-mail. A month is drawn once."</p>
            <Suspense fallback=|| ()>
                {move || drawn.get().and_then(|r| r.ok()).map(|list| if list.is_empty() {
                    view! { <p class="muted">"No month has been drawn yet."</p> }.into_any()
                } else {
                    view! {
                        <ul>
                            {list.into_iter().map(|d| view! { <li>{said(&d)}</li> }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Suspense>
            <ActionForm action=draw attr:class="stack" attr:novalidate=true>
                <FormError error />
                <Field label="Month" name="month" hint="As YYYY-MM, e.g. 2026-11." maxlength=7 initial=month.clone() error />
                <Submit label="Draw the pairs" pending=draw.pending() />
            </ActionForm>
        </section>
    }
}

/// "November 2026: 12 pairs, 1 member without a partner."
fn said(d: &crate::model::coffee::Drawn) -> String {
    format!(
        "{}: {} {}{}.",
        d.month,
        d.pairs,
        if d.pairs == 1 { "pair" } else { "pairs" },
        match d.unpaired {
            0 => String::new(),
            1 => ", 1 member without a partner".to_owned(),
            n => format!(", {n} members without a partner"),
        }
    )
}
