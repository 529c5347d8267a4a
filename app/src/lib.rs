//! Q Commons: the web platform on which an improvement community governs itself as a commons.
//!
//! `domain` is pure governance logic, `model` the wire types, `api` the server functions,
//! `server` what runs only on the server, `ui` what people see.
#![recursion_limit = "256"]

pub mod api;
pub mod domain;
pub mod error;
pub mod model;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

use leptos::prelude::*;
use leptos_meta::{Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

pub use error::AppError;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <link rel="stylesheet" id="leptos" href=stylesheet_href(&options) />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The stylesheet's address. In a hashed build its name carries the hash cargo-leptos
/// wrote beside the server binary: read once per process (leptos_meta's
/// `HashedStylesheet` opens that file on every page).
fn stylesheet_href(options: &LeptosOptions) -> String {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| {
        let (pkg, name) = (&options.site_pkg_dir, &options.output_name);
        let hash = options
            .hash_files
            .then(|| std::env::current_exe().ok())
            .flatten()
            .and_then(|exe| std::fs::read_to_string(exe.parent()?.join(&*options.hash_file)).ok())
            .and_then(|hashes| {
                hashes
                    .lines()
                    .find_map(|l| l.strip_prefix("css:").map(|h| h.trim().to_owned()))
            });
        match hash {
            Some(hash) => format!("/{pkg}/{name}.{hash}.css"),
            None => format!("/{pkg}/{name}.css"),
        }
    })
    .clone()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    return_failed_form();
    view! {
        <Link rel="manifest" href="/manifest.webmanifest" />
        <Link rel="icon" href="/icons/icon.svg" type_="image/svg+xml" />
        <Link rel="apple-touch-icon" href="/icons/icon-192.png" />
        <Meta name="theme-color" content="#1d4e5f" />
        <Meta name="description" content="Q Commons: where the Q community co-produces, decides and stewards together." />
        <Title formatter=|page: String| {
            if page.is_empty() { "Q Commons".to_owned() } else { format!("{page} · Q Commons") }
        } />
        <Router>
            <ui::layout::Layout>
                // Async rendering: the server waits for a page's data and sends whole HTML, so
                // pages work without JavaScript (forms post before the WASM loads) and titles
                // set from data reach the <head>.
                <Routes fallback=ui::pages::not_found::NotFound>
                    <Route path=path!("") ssr=SsrMode::Async view=ui::pages::home::HomePage />
                    <Route path=path!("/register") ssr=SsrMode::Async view=ui::pages::account::RegisterPage />
                    <Route path=path!("/sign-in") ssr=SsrMode::Async view=ui::pages::account::SignInPage />
                    <Route path=path!("/sign-in-link") ssr=SsrMode::Async view=ui::pages::account::SignInLinkPage />
                    <Route path=path!("/sign-in-link/use") ssr=SsrMode::Async view=ui::pages::account::UseSignInLinkPage />
                    <Route path=path!("/forgot-password") ssr=SsrMode::Async view=ui::pages::account::ForgotPasswordPage />
                    <Route path=path!("/reset-password") ssr=SsrMode::Async view=ui::pages::account::ResetPasswordPage />
                    <Route path=path!("/account") ssr=SsrMode::Async view=ui::pages::account::AccountPage />
                    <Route path=path!("/admin") ssr=SsrMode::Async view=ui::pages::admin::AdminPageView />
                    <Route path=path!("/admin/import") ssr=SsrMode::Async view=ui::pages::admin::ImportPage />
                    <Route path=path!("/admin/import/:id") ssr=SsrMode::Async view=ui::pages::admin::ImportPreviewPage />
                    <Route path=path!("/admin/settings") ssr=SsrMode::Async view=ui::pages::admin::AdminSettingsPage />
                    <Route path=path!("/admin/spaces/new") ssr=SsrMode::Async view=ui::pages::admin::NewSpacePage />
                    <Route path=path!("/admin/spaces/:slug") ssr=SsrMode::Async view=ui::pages::admin::AdminSpacePage />
                    <Route path=path!("/privacy") ssr=SsrMode::Async view=ui::pages::admin::PrivacyPageView />
                    <Route path=path!("/outbox") ssr=SsrMode::Async view=ui::pages::outbox::OutboxPage />
                    <Route path=path!("/members") ssr=SsrMode::Async view=ui::pages::directory::DirectoryPageView />
                    <Route path=path!("/members/:id") ssr=SsrMode::Async view=ui::pages::directory::ProfilePageView />
                    <Route path=path!("/partners") ssr=SsrMode::Async view=ui::pages::partners::PartnersPageView />
                    <Route path=path!("/groups/new") ssr=SsrMode::Async view=ui::pages::groups::NewGroupPage />
                    <Route path=path!("/apply") ssr=SsrMode::Async view=ui::pages::membership::ApplyPage />
                    <Route path=path!("/spaces/:slug") ssr=SsrMode::Async view=ui::pages::space::SpacePageView />
                    <Route path=path!("/workshops") ssr=SsrMode::Async view=ui::pages::workshops::WorkshopsPage />
                    <Route path=path!("/workshops/new") ssr=SsrMode::Async view=ui::pages::workshops::NewWorkshopPage />
                    <Route path=path!("/workshops/:id/run") ssr=SsrMode::Async view=ui::pages::workshops::FacilitatorPageView />
                    <Route path=path!("/workshops/:id/present") ssr=SsrMode::Async view=ui::pages::workshops::PresentPageView />
                    <Route path=path!("/workshops/:id/report") ssr=SsrMode::Async view=ui::pages::output::ReportPageView />
                    <Route path=path!("/actions") ssr=SsrMode::Async view=ui::pages::output::MyActionsPage />
                    <Route path=path!("/spaces/:slug/workshops") ssr=SsrMode::Async view=ui::pages::output::SpaceWorkshopsPage />
                    <Route path=path!("/spaces/:slug/proposals") ssr=SsrMode::Async view=ui::pages::proposals::SpaceProposalsPage />
                    <Route path=path!("/spaces/:slug/rules") ssr=SsrMode::Async view=ui::pages::rules::RuleBookPageView />
                    <Route path=path!("/spaces/:slug/dashboard") ssr=SsrMode::Async view=ui::pages::dashboard::DashboardPageView />
                    <Route path=path!("/spaces/:slug/measures") ssr=SsrMode::Async view=ui::pages::measures::SpaceMeasuresPage />
                    <Route path=path!("/measures/:id") ssr=SsrMode::Async view=ui::pages::measures::MeasurePageView />
                    <Route path=path!("/spaces/:slug/meetings") ssr=SsrMode::Async view=ui::pages::meetings::SpaceMeetingsPage />
                    <Route path=path!("/meetings/:id") ssr=SsrMode::Async view=ui::pages::meetings::MeetingPageView />
                    <Route path=path!("/spaces/:slug/trials") ssr=SsrMode::Async view=ui::pages::trials::SpaceTrialsPage />
                    <Route path=path!("/trials/:id") ssr=SsrMode::Async view=ui::pages::trials::TrialPageView />
                    <Route path=path!("/library") ssr=SsrMode::Async view=ui::pages::trials::LibraryPageView />
                    <Route path=path!("/spaces/:slug/assets") ssr=SsrMode::Async view=ui::pages::assets::SpaceAssetsPage />
                    <Route path=path!("/assets/:id") ssr=SsrMode::Async view=ui::pages::assets::AssetPageView />
                    <Route path=path!("/spaces/:slug/funding") ssr=SsrMode::Async view=ui::pages::funding::SpaceRoundsPage />
                    <Route path=path!("/funding/:id") ssr=SsrMode::Async view=ui::pages::funding::RoundPageView />
                    <Route path=path!("/funding/ideas/:id") ssr=SsrMode::Async view=ui::pages::funding::IdeaPageView />
                    <Route path=path!("/flow") ssr=SsrMode::Async view=ui::pages::flow::FlowPageView />
                    <Route path=path!("/spaces/:slug/flow") ssr=SsrMode::Async view=ui::pages::flow::FlowPageView />
                    <Route path=path!("/cascades/:id") ssr=SsrMode::Async view=ui::pages::flow::CascadePageView />
                    <Route path=path!("/escalations/:id") ssr=SsrMode::Async view=ui::pages::flow::EscalationPageView />
                    <Route path=path!("/dashboard") ssr=SsrMode::Async view=ui::pages::dashboard::NationalDashboardPageView />
                    <Route path=path!("/decisions") ssr=SsrMode::Async view=ui::pages::proposals::RegisterPageView />
                    <Route path=path!("/charter") ssr=SsrMode::Async view=ui::pages::proposals::CharterPageView />
                    <Route path=path!("/decisions/mine") ssr=SsrMode::Async view=ui::pages::proposals::TakenPartPageView />
                    <Route path=path!("/proposals/new") ssr=SsrMode::Async view=ui::pages::proposals::NewProposalPage />
                    <Route path=path!("/proposals/:id") ssr=SsrMode::Async view=ui::pages::proposals::ProposalPageView />
                    <Route path=path!("/join") ssr=SsrMode::Async view=ui::pages::workshops::JoinPage />
                    <Route path=path!("/w/:code") ssr=SsrMode::Async view=ui::pages::workshops::ParticipantPageView />
                </Routes>
            </ui::layout::Layout>
        </Router>
    }
}

/// A form that failed without JavaScript comes back with its input and error (see
/// `server::forms`): its `ServerAction` finds the error as it would in the address, and
/// its fields find what was typed.
#[cfg(feature = "ssr")]
fn return_failed_form() {
    let form = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<model::form::ReturnedForm>().cloned());
    if let Some(form) = form {
        provide_context(leptos::server::ServerActionError::new(
            &form.path,
            &form.error,
        ));
        provide_context(form);
    }
}
