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
    #[prop(default = true)] required: bool,
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
                required=required
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

/// Links a control to its hint and error message for screen readers.
fn described_by(
    hint_id: Option<String>,
    error_id: String,
    message: Memo<Option<String>>,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    move || {
        let ids: Vec<String> = hint_id
            .iter()
            .cloned()
            .chain(message.get().is_some().then(|| error_id.clone()))
            .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

fn field_message(error: Signal<Option<AppError>>, name: &'static str) -> Memo<Option<String>> {
    Memo::new(move |_| {
        error
            .get()
            .and_then(|e| e.message_for(name).map(str::to_owned))
    })
}

#[component]
fn ErrorText(id: String, message: Memo<Option<String>>) -> impl IntoView {
    move || {
        message
            .get()
            .map(|m| view! { <p class="field__error" id=id.clone() role="alert">{m}</p> })
    }
}

/// A choice of one from a list, as a native `<select>`.
#[component]
pub fn SelectField(
    label: &'static str,
    name: &'static str,
    /// (value, label) pairs.
    options: Vec<(String, String)>,
    #[prop(optional, into)] placeholder: Option<String>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let message = field_message(error, name);
    view! {
        <div class="field" class:field--error=move || message.get().is_some()>
            <label for=id.clone()>{label}</label>
            <ErrorText id=error_id.clone() message />
            <select
                id=id
                name=name
                required=true
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=described_by(None, error_id, message)
            >
                {placeholder.map(|p| view! { <option value="">{p}</option> })}
                {options
                    .into_iter()
                    .map(|(value, text)| view! { <option value=value>{text}</option> })
                    .collect_view()}
            </select>
        </div>
    }
}

/// Several choices as checkboxes in a fieldset, sent as `name[]`.
#[component]
pub fn CheckboxesField(
    legend: &'static str,
    name: &'static str,
    /// (value, label) pairs.
    options: Vec<(&'static str, &'static str)>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = field_message(error, name);
    let input_name = format!("{name}[]");
    view! {
        <fieldset
            class="field checkboxes"
            class:field--error=move || message.get().is_some()
            aria-describedby=described_by(hint.map(|_| hint_id.clone()), error_id.clone(), message)
        >
            <legend>{legend}</legend>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
            <ErrorText id=error_id.clone() message />
            {options
                .into_iter()
                .map(|(value, text)| {
                    let option_id = format!("{id}-{value}");
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=option_id.clone() name=input_name.clone() value=value />
                            <label for=option_id>{text}</label>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// Longer text, up to `maxlength` characters (the browser stops typing there; the page
/// needs no WASM to say so).
#[component]
pub fn TextAreaField(
    label: &'static str,
    name: &'static str,
    maxlength: usize,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = true)] required: bool,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = field_message(error, name);
    view! {
        <div class="field" class:field--error=move || message.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{h}</p> })}
            <ErrorText id=error_id.clone() message />
            <textarea
                id=id
                name=name
                rows="5"
                required=required
                maxlength=maxlength
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=described_by(hint.map(|_| hint_id.clone()), error_id, message)
            ></textarea>
            <p class="field__count">
                {format!("Up to {maxlength} characters")}
            </p>
        </div>
    }
}
