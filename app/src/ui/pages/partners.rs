//! Partner organisations and the spaces they work with; conveners record new ones.
use crate::api::partners::{AddPartner, KeepTie, get_partners};
use crate::domain::structure::PartnerKind;
use crate::domain::structure::PartnerRelationship;
use crate::model::partners::{PartnersPage, Tie};
use crate::ui::form::{Field, FormError, SelectField, Submit, TextAreaField, action_error};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PartnersPageView() -> impl IntoView {
    let add = ServerAction::<AddPartner>::new();
    let keep = ServerAction::<KeepTie>::new();
    let page = crate::ui::widgets::server_data(
        move || add.version().get() + keep.version().get(),
        |_| get_partners(),
    );
    view! {
        <Title text="Partner organisations" />
        <section class="panel">
            <h1>"Partner organisations"</h1>
            <p>"The organisations the community works with, and how: hosts of a region, funders, collaborators and partners."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || page.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(p) => view! { <Partners page=p add keep /> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Partners(
    page: PartnersPage,
    add: ServerAction<AddPartner>,
    keep: ServerAction<KeepTie>,
) -> impl IntoView {
    let may_add = (!page.may_add_to.is_empty()).then_some(page.may_add_to);
    let map = page.partners.clone();
    view! {
        <h2>"Who works with whom"</h2>
        <crate::ui::relationship_map::RelationshipMap partners=map />
        <h2>"The organisations"</h2>
        <ul class="directory">
            {page.partners.into_iter().map(|p| view! {
                <li class="directory__item">
                    {match p.website {
                        Some(url) => view! { <a class="directory__name" href=url rel="external">{p.name.clone()}</a> }.into_any(),
                        None => view! { <span class="directory__name">{p.name.clone()}</span> }.into_any(),
                    }}
                    <span class="meta">{p.kind} {p.contact.map(|c| format!(" · contact: {c}"))}</span>
                    <span class="tags">
                        {p.spaces.iter().map(|t| view! {
                            <a class="tag" href=format!("/spaces/{}", t.slug)>{format!("{} of {}", t.relationship, t.name)}</a>
                        }).collect_view()}
                    </span>
                    {p.spaces.into_iter().map(|t| view! { <TieDetail tie=t partner=p.id partner_name=p.name.clone() keep /> }).collect_view()}
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
    // "Partner" first: what a new organisation most often is.
    let mut relationships: Vec<(String, String)> = PartnerRelationship::ALL
        .iter()
        .map(|r| (r.code().to_owned(), r.label().to_owned()))
        .collect();
    relationships.swap(0, 1);
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

/// A relationship's agreement, last contact and next step (for members), and for the
/// region's convener the form to keep it up.
#[component]
fn TieDetail(
    tie: Tie,
    partner: i64,
    partner_name: String,
    keep: ServerAction<KeepTie>,
) -> impl IntoView {
    let key = format!("{}-{partner}", tie.slug);
    let error = action_error(keep).only_for("tie", &key);
    let numeric = partner * 1_000_000 + tie.space_id;
    let facts: Vec<String> = [
        tie.agreement.clone().map(|a| format!("agreement {a}")),
        tie.last_contact
            .clone()
            .map(|l| format!("last contact {l}")),
        tie.next_step.clone().map(|n| format!("next step: {n}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let relationships: Vec<(String, String)> = PartnerRelationship::ALL
        .iter()
        .map(|r| (r.code().to_owned(), r.label().to_owned()))
        .collect();
    let (from, to, url, last, next) = tie.form.clone();
    view! {
        {(!facts.is_empty() || tie.agreement_url.is_some()).then(|| view! {
            <p class="tie">
                {format!("With {}: {}", tie.name, facts.join(" · "))}
                {tie.agreement_url.clone().map(|u| view! { " · "<a href=u rel="noopener noreferrer">"the agreement"</a> })}
            </p>
        })}
        {tie.may_edit.then(|| view! {
            <details class="appoint" open=move || error.get().is_some()>
                <summary>{format!("Keep up {partner_name}'s relationship with {}", tie.name)}</summary>
                <ActionForm action=keep attr:class="stack" attr:novalidate=true>
                    <FormError error />
                    <input type="hidden" name="tie" value=key.clone() />
                    <input type="hidden" name="region" value=tie.slug.clone() />
                    <input type="hidden" name="partner" value=partner.to_string() />
                    <SelectField label="How it works with the region" name="relationship" key=numeric options=relationships.clone() initial=tie.relationship.clone() error />
                    <Field label="Agreement from" name="agreement_from" key=numeric input_type="date" required=false initial=from.clone() error />
                    <Field label="Agreement to" name="agreement_to" key=numeric input_type="date" required=false initial=to.clone() error />
                    <Field label="The agreement (link)" name="agreement_url" key=numeric input_type="url" required=false maxlength=500 initial=url.clone() error />
                    <Field label="Last contact" name="last_contact_on" key=numeric input_type="date" required=false initial=last.clone() error />
                    <TextAreaField label="Next step" name="next_step" key=numeric required=false maxlength=1_000 initial=next.clone() error />
                    <Submit label="Save the relationship" pending=keep.pending() />
                </ActionForm>
            </details>
        })}
    }
}
