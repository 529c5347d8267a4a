//! Account pages: join, sign in (password or e-mailed link), reset and change password.
use crate::api::account::{
    ChangePassword, Register, RequestPasswordReset, RequestSignInLink, ResetPassword, SignIn,
    UseSignInLink,
};
use crate::api::account::{DeleteAccount, SetPerspectives, get_account_privacy};
use crate::domain::account::{EMAIL_MAX, NAME_MAX, PASSWORD_MAX};
use crate::ui::form::{Field, FormError, Submit, action_error};
use crate::ui::layout::use_auth;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn query_flag(name: &'static str) -> Memo<bool> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get(name).is_some())
}

fn query_value(name: &'static str) -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get(name).unwrap_or_default())
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    let error = action_error(action);
    view! {
        <Title text="Join Q Commons" />
        <section class="panel narrow">
            <h1>"Join Q Commons"</h1>
            <p>"Create your account. You can then apply to join your region's commons."</p>
            <ActionForm action attr:novalidate=true attr:class="stack">
                <FormError error />
                <Field label="Your name" name="name" autocomplete="name" maxlength=NAME_MAX error />
                <Field label="E-mail address" name="email" input_type="email" autocomplete="email" maxlength=EMAIL_MAX error />
                <Field label="Password" name="password" input_type="password" autocomplete="new-password"
                    hint="At least 10 characters. A short sentence is easy to remember." maxlength=PASSWORD_MAX error />
                <Submit label="Create account" pending=action.pending() />
            </ActionForm>
            <p class="field__hint">"Your name and e-mail address are held to run your account; you can download or delete everything from your account page. "<a href="/privacy">"Privacy notice"</a></p>
            <p>"Already have an account? " <a href="/sign-in">"Sign in"</a></p>
        </section>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = action_error(action);
    view! {
        <Title text="Sign in" />
        <section class="panel narrow">
            <h1>"Sign in"</h1>
            <ActionForm action attr:novalidate=true attr:class="stack">
                <FormError error />
                <Field label="E-mail address" name="email" input_type="email" autocomplete="email" maxlength=EMAIL_MAX error />
                <Field label="Password" name="password" input_type="password" autocomplete="current-password" maxlength=PASSWORD_MAX error />
                <Submit label="Sign in" pending=action.pending() />
            </ActionForm>
            <ul class="links">
                <li><a href="/sign-in-link">"Sign in with a link sent by e-mail instead"</a></li>
                <li><a href="/forgot-password">"Forgotten your password?"</a></li>
                <li><a href="/register">"New here? Join Q Commons"</a></li>
            </ul>
        </section>
    }
}

#[component]
pub fn SignInLinkPage() -> impl IntoView {
    let action = ServerAction::<RequestSignInLink>::new();
    let error = action_error(action);
    let sent = query_flag("sent");
    view! {
        <Title text="Sign in with an e-mailed link" />
        <section class="panel narrow">
            <h1>"Sign in with an e-mailed link"</h1>
            <Show when=move || sent.get()>
                <p class="notice" role="status">
                    "If that address has an account, a sign-in link is on its way. It works once, for 20 minutes."
                </p>
            </Show>
            <ActionForm action attr:novalidate=true attr:class="stack">
                <FormError error />
                <Field label="E-mail address" name="email" input_type="email" autocomplete="email" maxlength=EMAIL_MAX error />
                <Submit label="Send me a link" pending=action.pending() />
            </ActionForm>
        </section>
    }
}

#[component]
pub fn UseSignInLinkPage() -> impl IntoView {
    let action = ServerAction::<UseSignInLink>::new();
    let error = action_error(action);
    let token = query_value("token");
    view! {
        <Title text="Sign in" />
        <section class="panel narrow">
            <h1>"Sign in to Q Commons"</h1>
            <p>"Press the button to finish signing in on this device."</p>
            <ActionForm action attr:class="stack">
                <TokenError error />
                <input type="hidden" name="token" value=move || token.get() />
                <Submit label="Sign in" pending=action.pending() />
            </ActionForm>
        </section>
    }
}

/// The one-time token is not a field anyone types: show its error as a form message.
#[component]
fn TokenError(#[prop(into)] error: Signal<Option<crate::error::AppError>>) -> impl IntoView {
    move || {
        error.get().filter(|e| e.field() == Some("token")).map(|e| {
            view! {
                <p class="form-error" role="alert">
                    {e.to_string()} " " <a href="/sign-in-link">"Ask for a new link"</a>
                </p>
            }
        })
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = action_error(action);
    let sent = query_flag("sent");
    view! {
        <Title text="Reset your password" />
        <section class="panel narrow">
            <h1>"Reset your password"</h1>
            <Show when=move || sent.get()>
                <p class="notice" role="status">
                    "If that address has an account, a link to choose a new password is on its way. It works once, for an hour."
                </p>
            </Show>
            <ActionForm action attr:novalidate=true attr:class="stack">
                <FormError error />
                <Field label="E-mail address" name="email" input_type="email" autocomplete="email" maxlength=EMAIL_MAX error />
                <Submit label="Send me a link" pending=action.pending() />
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let error = action_error(action);
    let token = query_value("token");
    view! {
        <Title text="Choose a new password" />
        <section class="panel narrow">
            <h1>"Choose a new password"</h1>
            <ActionForm action attr:novalidate=true attr:class="stack">
                <TokenError error />
                <FormError error />
                <input type="hidden" name="token" value=move || token.get() />
                <Field label="New password" name="new_password" input_type="password" autocomplete="new-password"
                    hint="At least 10 characters." maxlength=PASSWORD_MAX error />
                <Submit label="Save new password" pending=action.pending() />
            </ActionForm>
        </section>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let auth = use_auth();
    let user = move || auth.session.get().and_then(|r| r.ok()).and_then(|s| s.user);
    view! {
        <Title text="Your account" />
        <section class="panel narrow">
            <h1>"Your account"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || match user() {
                    None => view! {
                        <p>"You are not signed in. " <a href="/sign-in">"Sign in"</a> " to see your account."</p>
                    }.into_any(),
                    Some(user) => view! {
                        <dl class="facts">
                            <dt>"Name"</dt><dd>{user.name}</dd>
                            <dt>"E-mail"</dt><dd>{user.email}</dd>
                        </dl>
                    }.into_any(),
                }}
                // Outside the closure above, so a refresh of the session info does not
                // re-create the form and wipe what someone is typing.
                <Show when=move || user().is_some()>
                    <ChangePasswordForm />
                    <PrivacyChoices />
                    <crate::ui::pages::coffee::CoffeeChoice />
                    <crate::ui::pages::meetings::CalendarAddress />
                    <YourData />
                    <DeleteAccountForm />
                </Show>
            </Transition>
        </section>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = action_error(action);
    let changed = query_flag("password_changed");
    let reset = query_flag("password_reset");
    view! {
        <h2>"Change your password"</h2>
        <Show when=move || changed.get() || reset.get()>
            <p class="notice" role="status">"Your new password is saved. Other devices have been signed out."</p>
        </Show>
        <ActionForm action attr:novalidate=true attr:class="stack">
            <FormError error />
            <Field label="Current password" name="current_password" input_type="password"
                autocomplete="current-password" maxlength=PASSWORD_MAX required=false
                hint="Leave it empty if you have never chosen one (you were invited, or sign in by e-mail link)." error />
            <Field label="New password" name="new_password" input_type="password" autocomplete="new-password"
                hint="At least 10 characters." maxlength=PASSWORD_MAX error />
            <Submit label="Change password" pending=action.pending() />
        </ActionForm>
    }
}

/// The perspectives held about the member, with their consent: change them, or withdraw.
#[component]
fn PrivacyChoices() -> impl IntoView {
    let set = ServerAction::<SetPerspectives>::new();
    let page =
        crate::ui::widgets::server_data(move || set.version().get(), |_| get_account_privacy());
    view! {
        <h2 id="perspectives-heading">"Your perspectives"</h2>
        <Suspense fallback=|| ()>
            {move || page.get().and_then(|r| r.ok()).map(|p| view! { <PerspectivesForm privacy=p set /> })}
        </Suspense>
    }
}

#[component]
fn PerspectivesForm(
    privacy: crate::model::admin::AccountPrivacy,
    set: ServerAction<SetPerspectives>,
) -> impl IntoView {
    use crate::domain::membership::Perspective;
    let error = action_error(set);
    if !privacy.member {
        return view! { <p>"You are not a member yet: you choose your perspectives when you "<a href="/apply">"apply to join"</a>"."</p> }.into_any();
    }
    let held = privacy.perspectives.clone();
    let status = match &privacy.consented_on {
        Some(on) => format!("You agreed ({on}) that the community holds these. Members see them on your profile and in the directory; anyone else sees only counts."),
        None => "None are held: you have not agreed to the community holding them. Choose some and agree, if you wish.".to_owned(),
    };
    let consented = privacy.consented_on.is_some();
    view! {
        <p>{status}" "<a href="/privacy">"Privacy notice"</a></p>
        <ActionForm action=set attr:novalidate=true attr:class="stack">
            <FormError error />
            <fieldset class="field checkboxes">
                <legend>"The perspectives you speak from"</legend>
                {Perspective::ALL.iter().map(|p| {
                    let id = format!("mine-{}", p.code());
                    let checked = held.iter().any(|h| h == p.code());
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=id.clone() name="perspectives[]" value=p.code() checked=checked />
                            <label for=id>{p.label()}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <Submit label=if consented { "Save my perspectives" } else { "I agree: hold these perspectives" } pending=set.pending() />
        </ActionForm>
        {consented.then(|| view! {
            <ActionForm action=set attr:class="stack">
                <input type="hidden" name="withdraw" value="on" />
                <button type="submit" class="button button--secondary">"Withdraw my consent and delete them"</button>
            </ActionForm>
        })}
    }.into_any()
}

/// Download everything held about you.
#[component]
fn YourData() -> impl IntoView {
    view! {
        <h2>"Your data"</h2>
        <p>"Download everything the community holds about you: your profile, memberships and roles, workshop notes and reflections, proposals, comments, votes, actions, and what the audit log records about you."</p>
        <ul class="links">
            <li><a href="/account/data.json" download>"Download as JSON"</a></li>
            <li><a href="/account/data.csv" download>"Download as CSV (opens in a spreadsheet)"</a></li>
        </ul>
    }
}

/// Delete one's account: personal data erased, contributions kept as a former member's.
#[component]
fn DeleteAccountForm() -> impl IntoView {
    let delete = ServerAction::<DeleteAccount>::new();
    let error = action_error(delete);
    view! {
        <h2>"Delete your account"</h2>
        <details class="appoint" open=move || error.get().is_some()>
            <summary>"Delete my account"</summary>
            <p>"Your name, e-mail address, profile and perspectives are erased, and any role you hold ends today. What you contributed — notes, votes, comments, proposals — stays, shown as a former member's, so the community's decisions stay true. This cannot be undone."</p>
            <ActionForm action=delete attr:novalidate=true attr:class="stack">
                <FormError error />
                <Field label="Type your e-mail address to confirm" name="confirm_email" input_type="email" autocomplete="off" maxlength=EMAIL_MAX error />
                <button type="submit" class="button button--danger">"Delete my account for good"</button>
            </ActionForm>
        </details>
    }
}
