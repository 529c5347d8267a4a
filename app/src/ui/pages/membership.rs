//! Applying to join the community in a region.
use crate::api::membership::{Apply, get_apply_page};
use crate::domain::membership::Perspective;
use crate::domain::membership::REASON_MAX;
use crate::model::membership::ApplyPage;
use crate::ui::form::{
    CheckboxesField, Field, FormError, SelectField, Submit, TextAreaField, action_error,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ApplyPage() -> impl IntoView {
    let action = ServerAction::<Apply>::new();
    let page =
        crate::ui::widgets::server_data(move || action.version().get(), |_| get_apply_page());
    view! {
        <Title text="Apply to join" />
        <section class="panel narrow">
            <h1>"Apply to join Q"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || page.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(p) => view! { <ApplyState page=p action /> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ApplyState(page: ApplyPage, action: ServerAction<Apply>) -> impl IntoView {
    let query = use_query_map();
    let applied = move || query.read().get("applied").is_some();
    if !page.signed_in {
        return view! {
            <p>"Q is a community of people improving health and care. To apply, first "
               <a href="/register">"create an account"</a> " or " <a href="/sign-in">"sign in"</a> "."</p>
        }
        .into_any();
    }
    match (page.status.as_deref(), page.pending_region) {
        (Some("active"), _) => view! {
            <p class="notice" role="status">"You are a member of Q. Welcome!"</p>
            <p><a href="/members">"Find other members"</a></p>
        }
        .into_any(),
        (_, Some(region)) => view! {
            <p class="notice" role="status">
                {move || if applied() { "Thank you — your application is in. " } else { "" }}
                "Your application to join " <strong>{region}</strong>
                " is with the region's convener and stewards. You will see their decision here."
            </p>
        }
        .into_any(),
        _ => view! {
            {page.declined_reason.map(|reason| view! {
                <div class="form-error" role="status">
                    <p>"Your last application was declined. The reason given:"</p>
                    <blockquote>{reason}</blockquote>
                    <p>"You can apply again below."</p>
                </div>
            })}
            <ApplicationForm regions=page.regions.into_iter().map(|r| (r.slug, r.name)).collect() action />
        }
        .into_any(),
    }
}

#[component]
fn ApplicationForm(regions: Vec<(String, String)>, action: ServerAction<Apply>) -> impl IntoView {
    let error = action_error(action);
    let perspectives: Vec<(&'static str, &'static str)> = Perspective::ALL
        .iter()
        .map(|p| (p.code(), p.label()))
        .collect();
    view! {
        <p>"Tell your region who you are and why you want to join. Its convener or stewards decide."</p>
        <ActionForm action attr:novalidate=true attr:class="stack">
            <FormError error />
            <SelectField label="Your region" name="region" options=regions placeholder="Choose your region" error />
            <CheckboxesField
                legend="The perspectives you speak from"
                name="perspectives"
                options=perspectives
                hint="Choose all that apply. Patients and carers take part on equal terms with professionals."
                error
            />
            <Field label="Clinical discipline (if you chose clinician)" name="clinician_discipline"
                hint="For example nursing, general practice or pharmacy." required=false maxlength=120 error />
            <Field label="Organisation (optional)" name="organisation" autocomplete="organization"
                required=false maxlength=200 error />
            <TextAreaField label="Why you want to join" name="reason" maxlength=REASON_MAX error />
            <ConsentBox error />
            <Submit label="Send application" pending=action.pending() />
        </ActionForm>
    }
}

/// Explicit consent to hold one's perspectives, with who sees what.
#[component]
fn ConsentBox(error: crate::ui::form::FormState) -> impl IntoView {
    let message = move || {
        error
            .get()
            .and_then(|e| e.message_for("consent").map(str::to_owned))
    };
    view! {
        <div class="field" class:field--error=move || message().is_some()>
            {move || message().map(|m| view! { <p class="field__error" id="field-consent-error" role="alert">{m}</p> })}
            <div class="checkbox">
                <input type="checkbox" id="field-consent" name="consent" value="on"
                    checked=error.chosen("consent", "on")
                    aria-describedby="field-consent-hint" />
                <label for="field-consent">"I agree that the community holds the perspectives I chose"</label>
            </div>
            <p class="field__hint" id="field-consent-hint">
                "Being a patient or carer can say something about your health. The community's members see your perspectives on your profile and in the member directory, so people can find each other's voices; anyone else sees only how many members hold each. You can withdraw this on your account page at any time, and they are deleted. "
                <a href="/privacy">"Privacy notice"</a>
            </p>
        </div>
    }
}
