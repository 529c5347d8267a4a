//! Forming a group: a special interest or project group, in a region or nationally.
use crate::api::groups::CreateGroup;
use crate::domain::structure::SpaceKind;
use crate::ui::form::{Field, FormError, SelectField, Submit, TextAreaField, action_error};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NewGroupPage() -> impl IntoView {
    let action = ServerAction::<CreateGroup>::new();
    let error = action_error(action);
    let parent = use_query_map()
        .read_untracked()
        .get("parent")
        .unwrap_or_default();
    let kinds = [SpaceKind::SpecialInterestGroup, SpaceKind::ProjectGroup]
        .iter()
        .map(|k| (k.code().to_owned(), k.label().to_owned()))
        .collect();
    let joining = vec![
        ("open".to_owned(), "Open: any member can join".to_owned()),
        (
            "by_request".to_owned(),
            "By request: the region's convener or stewards admit".to_owned(),
        ),
    ];
    view! {
        <Title text="Form a group" />
        <section class="panel narrow">
            <h1>"Form a group"</h1>
            <p>"Members form groups around a shared interest or a project. You will be its first member."</p>
            <ActionForm action attr:class="stack" attr:novalidate=true>
                <FormError error />
                <input type="hidden" name="parent" value=parent />
                <SelectField label="Kind of group" name="kind" options=kinds error />
                <Field label="Name" name="name" maxlength=120 error />
                <TextAreaField label="What the group is for" name="purpose" maxlength=2000 error />
                <SelectField label="How members join" name="joining" options=joining error />
                <Submit label="Form the group" pending=action.pending() />
            </ActionForm>
        </section>
    }
}
