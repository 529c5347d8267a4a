//! Partner organisations and the spaces they work with; conveners record new ones.
use crate::api::partners::{AddPartner, get_partners};
use crate::domain::structure::PartnerKind;
use crate::model::partners::PartnersPage;
use crate::ui::form::{Field, FormError, SelectField, Submit, action_error};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PartnersPageView() -> impl IntoView {
    let add = ServerAction::<AddPartner>::new();
    let page = crate::ui::widgets::server_data(move || add.version().get(), |_| get_partners());
    view! {
        <Title text="Partner organisations" />
        <section class="panel">
            <h1>"Partner organisations"</h1>
            <p>"The organisations the community works with, and how: hosts of a region, and partners."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || page.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(p) => view! { <Partners page=p add /> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Partners(page: PartnersPage, add: ServerAction<AddPartner>) -> impl IntoView {
    let may_add = (!page.may_add_to.is_empty()).then_some(page.may_add_to);
    view! {
        <ul class="directory">
            {page.partners.into_iter().map(|p| view! {
                <li class="directory__item">
                    {match p.website {
                        Some(url) => view! { <a class="directory__name" href=url rel="external">{p.name}</a> }.into_any(),
                        None => view! { <span class="directory__name">{p.name}</span> }.into_any(),
                    }}
                    <span class="meta">{p.kind} {p.contact.map(|c| format!(" · contact: {c}"))}</span>
                    <span class="tags">
                        {p.spaces.into_iter().map(|(slug, name, rel)| view! {
                            <a class="tag" href=format!("/spaces/{slug}")>{format!("{rel} of {name}")}</a>
                        }).collect_view()}
                    </span>
                </li>
            }).collect_view()}
        </ul>
        {may_add.map(|regions| view! { <AddPartnerForm regions add /> })}
    }
}

#[component]
fn AddPartnerForm(regions: Vec<(String, String)>, add: ServerAction<AddPartner>) -> impl IntoView {
    let error = action_error(add);
    let kinds = PartnerKind::ALL
        .iter()
        .map(|k| (k.code().to_owned(), k.label().to_owned()))
        .collect();
    let relationships = vec![
        ("partner".to_owned(), "Partner".to_owned()),
        ("host".to_owned(), "Host".to_owned()),
    ];
    view! {
        <details class="appoint" open=move || error.get().is_some()>
            <summary>"Record a partner organisation"</summary>
            <ActionForm action=add attr:class="stack" attr:novalidate=true>
                <FormError error />
                <SelectField label="Region" name="region" options=regions error />
                <Field label="Organisation's name" name="name" autocomplete="organization" maxlength=200 error />
                <SelectField label="Kind of organisation" name="kind" options=kinds placeholder="Choose a kind" error />
                <SelectField label="How it works with the region" name="relationship" options=relationships error />
                <Field label="Website (optional)" name="website" input_type="url" required=false maxlength=300 error />
                <Field label="Contact's name (optional)" name="contact_name" required=false maxlength=120 error />
                <Field label="Contact's e-mail (optional)" name="contact_email" input_type="email" required=false maxlength=254 error />
                <Submit label="Record partner" pending=add.pending() />
            </ActionForm>
        </details>
    }
}
