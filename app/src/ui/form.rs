//! Form widgets: a labelled field that shows its own error, and a form-level message.
use crate::error::AppError;
use leptos::prelude::*;

/// The error of an action's last run, if it failed.
pub fn action_error<I, O>(action: ServerAction<I>) -> Signal<Option<AppError>>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|r| r.err()))
}

#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = Memo::new(move |_| {
        error
            .get()
            .and_then(|e| e.message_for(name).map(str::to_owned))
    });
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if message.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field--error=move || message.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
            {move || {
                message
                    .get()
                    .map(|m| view! { <p class="field__error" id=error_id.clone() role="alert">{m}</p> })
            }}
            <input
                id=id.clone()
                name=name
                type=input_type
                autocomplete=autocomplete
                required=true
                maxlength=maxlength
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=described_by
            />
        </div>
    }
}

/// An error that is not about one field (rate limits, lost connection, server trouble).
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| e.field_errors().is_empty())
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    }
}

/// A submit button that says it is working while the action is pending.
#[component]
pub fn Submit(label: &'static str, #[prop(into)] pending: Signal<bool>) -> impl IntoView {
    view! {
        <button type="submit" class="button" aria-disabled=move || pending.get().then_some("true")>
            {move || if pending.get() { "Please wait…" } else { label }}
        </button>
    }
}
