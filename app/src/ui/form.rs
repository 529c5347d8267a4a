//! Form widgets: a labelled field that shows its own error and keeps what was typed,
//! and a form-level message.
use crate::error::AppError;
use crate::model::form::ReturnedForm;
use leptos::prelude::*;

/// What a form's widgets need: the error of its action's last run, and what was typed if
/// the form came back after failing without JavaScript (see `server::forms`).
#[derive(Clone, Copy)]
pub struct FormState {
    error: Signal<Option<AppError>>,
    returned: StoredValue<Option<ReturnedForm>>,
}

impl FormState {
    /// The error, if the last run failed.
    pub fn get(&self) -> Option<AppError> {
        self.error.get()
    }

    /// What was typed under `name`, if the form came back.
    pub fn typed(&self, name: &str) -> Option<String> {
        self.returned
            .with_value(|r| r.as_ref()?.value(name).map(str::to_owned))
    }

    /// Whether the form came back to this page (sent without the WASM and refused).
    pub fn came_back(&self) -> bool {
        self.returned.with_value(|r| r.is_some())
    }

    /// This state for one of several copies of a form on a page, told apart by the value
    /// of its field `name` (an item's id): what came back belongs to that copy only.
    pub fn only_for(self, name: &str, value: &str) -> FormState {
        if self.came_back() && !self.chosen(name, value) {
            FormState {
                error: Signal::derive(|| None),
                returned: StoredValue::new(None),
            }
        } else {
            self
        }
    }

    /// Whether `value` was chosen under `name` (a ticked box, a selected option).
    pub fn chosen(&self, name: &str, value: &str) -> bool {
        self.returned.with_value(|r| {
            r.as_ref()
                .is_some_and(|r| r.values(name).any(|v| v == value))
        })
    }
}

impl From<Signal<Option<AppError>>> for FormState {
    fn from(error: Signal<Option<AppError>>) -> Self {
        FormState {
            error,
            returned: StoredValue::new(None),
        }
    }
}

impl From<FormState> for Signal<Option<AppError>> {
    fn from(form: FormState) -> Self {
        form.error
    }
}

/// The state of an action's form: its last error and, on a page it came back to, what
/// was typed into it.
pub fn action_error<I, O>(action: ServerAction<I>) -> FormState
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let returned = use_context::<ReturnedForm>().filter(|form| form.path == I::PATH);
    FormState {
        error: Signal::derive(move || action.value().get().and_then(|r| r.err())),
        returned: StoredValue::new(returned),
    }
}

/// A field's id: by its name, and by the key of the form where a page repeats it.
fn keyed_id(name: &str, key: Option<i64>) -> String {
    match key {
        Some(k) => format!("field-{name}-{k}"),
        None => format!("field-{name}"),
    }
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
    /// What the field holds when the page opens (what was typed, if the form came back).
    #[prop(optional, into)]
    initial: Option<String>,
    /// Tells this field's id apart where a page repeats the form (one per item, say).
    #[prop(optional)]
    key: Option<i64>,
    #[prop(into)] error: FormState,
) -> impl IntoView {
    let id = keyed_id(name, key);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = field_message(error, name);
    // A password is never sent back: the person types it again.
    let value = (input_type != "password")
        .then(|| error.typed(name))
        .flatten()
        .or(initial);
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
                value=value
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

fn field_message(error: FormState, name: &'static str) -> Memo<Option<String>> {
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
    /// The value chosen when the page opens (unless the form came back with another).
    #[prop(optional, into)]
    initial: Option<String>,
    /// Tells this field's id apart where a page repeats the form.
    #[prop(optional)]
    key: Option<i64>,
    #[prop(into)] error: FormState,
) -> impl IntoView {
    let id = keyed_id(name, key);
    let error_id = format!("{id}-error");
    let message = field_message(error, name);
    let returned = error.typed(name).is_some();
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
                    .map(|(value, text)| {
                        let selected = if returned {
                            error.chosen(name, &value)
                        } else {
                            initial.as_deref() == Some(value.as_str())
                        };
                        view! { <option value=value selected=selected>{text}</option> }
                    })
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
    #[prop(into)] error: FormState,
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
                    let checked = error.chosen(&input_name, value);
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=option_id.clone() name=input_name.clone() value=value checked=checked />
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
    /// What the field holds when the page opens (what was typed, if the form came back).
    #[prop(optional, into)]
    initial: Option<String>,
    /// Tells this field's id apart where a page repeats the form (one per comment, say).
    #[prop(optional)]
    key: Option<i64>,
    #[prop(into)] error: FormState,
) -> impl IntoView {
    let id = keyed_id(name, key);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = field_message(error, name);
    let typed = error.typed(name).or(initial).unwrap_or_default();
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
            >{typed}</textarea>
            <p class="field__count">
                {format!("Up to {maxlength} characters")}
            </p>
        </div>
    }
}
