//! The app shell: skip link, header with the community's name, navigation and
//! signed-in state, the main landmark, and the footer.
use crate::api::account::{SignOut, get_session_info};
use crate::error::AppError;
use crate::model::account::SessionInfo;
use leptos::prelude::*;

/// The visit's session info, read once per page on the server (pages are plain HTML: a
/// sign-in or sign-out posts and the next page reads it afresh), and the sign-out form.
#[derive(Clone, Copy)]
pub struct Auth {
    pub session: AsyncDerived<Result<SessionInfo, AppError>>,
    pub sign_out: ServerAction<SignOut>,
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let session = crate::ui::widgets::server_data(|| (), |_| get_session_info());
    provide_context(Auth { session, sign_out });
    view! {
        <a class="skip-link" href="#main">"Skip to main content"</a>
        <SiteHeader />
        <main id="main" tabindex="-1">{children()}</main>
        <SiteFooter />
    }
}

#[component]
fn SiteHeader() -> impl IntoView {
    let auth = use_auth();
    let name = move || {
        auth.session
            .get()
            .and_then(|r| r.ok())
            .map(|s| s.community_name)
            .unwrap_or_else(|| "Q Commons".into())
    };
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <a class="brand" href="/">
                    <span class="brand__mark" aria-hidden="true">"Q"</span>
                    <Transition fallback=|| "Q Commons">{name}</Transition>
                </a>
                <nav aria-label="Main" class="site-nav">
                    <ul>
                        <li><a href="/">"Community"</a></li>
                        <li><a href="/partners">"Partners"</a></li>
                        <li><a href="/workshops">"Workshops"</a></li>
                        <Transition fallback=|| ()>
                            <AccountNav />
                        </Transition>
                    </ul>
                </nav>
            </div>
        </header>
    }
}

#[component]
fn AccountNav() -> impl IntoView {
    let auth = use_auth();
    move || {
        let info = auth.session.get().and_then(|r| r.ok());
        let demo = info.as_ref().is_some_and(|s| s.demo);
        let outbox = demo.then(|| view! { <li><a href="/outbox">"Outbox"</a></li> });
        let member = info.as_ref().and_then(|s| s.member_status.clone());
        let admin = info
            .as_ref()
            .is_some_and(|s| s.project_team)
            .then(|| view! { <li><a href="/admin">"Administration"</a></li> });
        match info.and_then(|s| s.user) {
            Some(user) => view! {
                <li><a href="/members">"Members"</a></li>
                <li><a href="/actions">"My actions"</a></li>
                {admin}
                {outbox}
                {(member.as_deref() != Some("active")).then(|| view! { <li><a href="/apply">"Apply to join"</a></li> })}
                <li><a href=format!("/members/{}", user.id) class="signed-in-as">
                    <span class="visually-hidden">"Signed in as "</span>{user.name}
                </a></li>
                <li>
                    <ActionForm action=auth.sign_out attr:class="inline-form">
                        <button type="submit" class="link-button">"Sign out"</button>
                    </ActionForm>
                </li>
            }
            .into_any(),
            None => view! {
                {outbox}
                <li><a href="/sign-in">"Sign in"</a></li>
                <li><a href="/register" class="button button--small">"Join"</a></li>
            }
            .into_any(),
        }
    }
}

#[component]
fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>
                "Q Commons — governed by its members as a commons. "
                "Patients, carers and professionals take part on equal terms."
            </p>
            <p><a href="/privacy">"Privacy notice"</a>" · how your data is held, and your rights"</p>
        </footer>
    }
}
