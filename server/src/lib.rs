//! The axum app around the Leptos routes and server functions, shared by the server
//! binary and the benchmark.
use app::server::{AppState, auth::RequestSession, security};

/// mimalloc rather than glibc's malloc: rendering a page allocates from every worker thread
/// at once, and glibc's arenas spent a fifth of the report benchmark's time in locks and
/// consolidation (perf).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use app::{App, shell};
use axum::Router;
use axum::serve::ListenerExt;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

pub mod compression;
pub mod connections;
pub mod static_files;

pub fn leptos_options(site_root: &str, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("qcommons")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(static_files::hashed_build("hash.txt"))
        .hash_file("hash.txt".into())
        .build()
}

/// Every page, server function and static file, behind the cross-site refusal.
pub fn router(state: AppState, leptos_options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    let live = state.clone();
    let tallies = state.clone();
    let csv = state.clone();
    let markdown = state.clone();
    let register = state.clone();
    let ballots = state.clone();
    let dashboards = state.clone();
    let forms = state.clone();
    let uploads = state.clone();
    let data_json = state.clone();
    let data_csv = state.clone();
    let space_calendars = state.clone();
    let pages = state.clone();
    let member_calendars = state.clone();
    let health = state.clone();
    let https = state.config.secure_cookies();
    let files = static_files::routes(
        &leptos_options.site_root,
        &leptos_options.site_pkg_dir,
        leptos_options.hash_files,
    );
    let options = std::sync::Arc::new(leptos_options.clone());
    let context = move || {
        provide_context(state.clone());
        // Pages with islands render the scripts that bring them to life.
        provide_context(options.clone());
        provide_context(RequestSession::default());
        security::provide_page_nonce();
    };
    // The one live connection per screen: server-sent events for a workshop. It stays
    // open, so it is the one route without a time limit; it ends when the server stops.
    let streams = Router::new()
        .route(
            "/live/workshops/{id}",
            axum::routing::get(move |path, headers| {
                app::server::stream::workshop_events(live.clone(), path, headers)
            }),
        )
        // Whether this app server can serve: for a load balancer's checks.
        .route(
            "/health",
            axum::routing::get(move || app::server::health::health(health.clone())),
        )
        // A vote's live tally, where its results are shown while it is open.
        .route(
            "/live/proposals/{id}",
            axum::routing::get(move |path, headers| {
                app::server::stream::proposal_events(tallies.clone(), path, headers)
            }),
        );
    Router::new()
        // A workshop's report, downloaded.
        .route(
            "/workshops/{id}/report.csv",
            axum::routing::get(move |path, headers| {
                app::server::export::report_download(
                    csv.clone(),
                    path,
                    headers,
                    app::server::export::Format::Csv,
                )
            }),
        )
        .route(
            "/workshops/{id}/report.md",
            axum::routing::get(move |path, headers| {
                app::server::export::report_download(
                    markdown.clone(),
                    path,
                    headers,
                    app::server::export::Format::Markdown,
                )
            }),
        )
        // The decision register, downloaded with the page's filters.
        // A space's dashboard, downloaded.
        .route(
            "/spaces/{slug}/dashboard.csv",
            axum::routing::get(move |path, query, headers| {
                app::server::export::dashboard_download(dashboards.clone(), path, query, headers)
            }),
        )
        // Calendars: a space's, downloaded; a member's, at its secret address.
        .route(
            "/spaces/{slug}/calendar.ics",
            axum::routing::get(move |path, headers| {
                app::server::export::space_calendar_download(space_calendars.clone(), path, headers)
            }),
        )
        .route(
            "/calendar/{file}",
            axum::routing::get(move |path| {
                app::server::export::member_calendar(member_calendars.clone(), path)
            }),
        )
        // Everything held about the signed-in person.
        .route(
            "/account/data.json",
            axum::routing::get(move |headers| {
                app::server::export::your_data_download(data_json.clone(), headers, true)
            }),
        )
        .route(
            "/account/data.csv",
            axum::routing::get(move |headers| {
                app::server::export::your_data_download(data_csv.clone(), headers, false)
            }),
        )
        // A funding round's ballots, published once voting closes, to count again.
        .route(
            "/funding/{id}/ballots.csv",
            axum::routing::get(move |path, headers| {
                app::server::export::ballots_download(ballots.clone(), path, headers)
            }),
        )
        .route(
            "/decisions.csv",
            axum::routing::get(move |query, headers| {
                app::server::export::register_download(register.clone(), query, headers)
            }),
        )
        .leptos_routes_with_context(&leptos_options, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        // The 404 page renders the same header, so it needs the same context to show
        // who is signed in.
        .fallback(leptos_axum::file_and_error_handler_with_context(
            context, shell,
        ))
        // The home page as everyone not signed in sees it, kept rendered.
        .layer(axum::middleware::from_fn_with_state(
            pages,
            app::server::page_cache::anonymous_pages,
        ))
        .layer(axum::middleware::from_fn(security::server_fn_status))
        .layer(time_limit(REQUEST_TIMEOUT))
        .with_state(leptos_options)
        .merge(streams)
        .merge(files)
        // A form that fails without JavaScript comes back with what was typed.
        .layer(axum::middleware::from_fn_with_state(
            forms,
            app::server::forms::return_failed_forms,
        ))
        .layer(axum::middleware::from_fn(security::refuse_cross_site))
        .layer(RequestBodyLimitLayer::new(security::BODY_LIMIT))
        // The one route that takes a file: its own, larger limit, with the same
        // cross-site refusal and time limit as every other.
        .merge(
            Router::new()
                .route(
                    app::server::upload::PATH,
                    axum::routing::post(move |headers, form| {
                        app::server::upload::members_csv(uploads.clone(), headers, form)
                    }),
                )
                .layer(time_limit(REQUEST_TIMEOUT))
                .layer(axum::middleware::from_fn(security::refuse_cross_site))
                .layer(RequestBodyLimitLayer::new(UPLOAD_LIMIT))
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .layer(axum::middleware::from_fn(security::explain_too_large))
        .layer(axum::middleware::from_fn(compression::compress))
        .layer(axum::middleware::from_fn(static_files::private_by_default))
        .layer(axum::middleware::from_fn_with_state(
            https,
            security::security_headers,
        ))
}

/// The most a member import's upload may hold: the file and the form around it.
pub const UPLOAD_LIMIT: usize = app::server::services::import::MAX_BYTES + 64 * 1024;

/// The longest any request but a live stream may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Answer 503 to a request that takes longer than `limit` (a stuck query, a slow client
/// holding a worker), so it cannot hold the server's resources for ever.
pub fn time_limit(limit: Duration) -> TimeoutLayer {
    TimeoutLayer::with_status_code(http::StatusCode::SERVICE_UNAVAILABLE, limit)
}

/// Demo mode shares one printed password between its accounts: it may listen only on a
/// loopback address, unless the operator says this is meant as a public demo.
pub fn check_demo(demo: bool, addr: SocketAddr, public_demo: bool) -> Result<(), String> {
    if demo && !addr.ip().is_loopback() && !public_demo {
        return Err(format!(
            "demo mode shares one printed password between its accounts, so it only listens \
             on a loopback address, not {addr}. Set QC_PUBLIC_DEMO=true (--public-demo) if \
             this is meant to be a public demo."
        ));
    }
    Ok(())
}

/// Serve until `shutdown` resolves, with TCP_NODELAY on every connection: without it a
/// streamed page stalls ~40 ms per response on Nagle's algorithm and delayed ACKs. Each
/// connection is served by [`connections::serve_connection`] (live streams on a lean path,
/// the rest by hyper). Once asked to stop, the server stops accepting, `on_stop` runs (the
/// app ends its live streams), requests under way get `drain` to finish, and then the
/// server stops whatever is left, so a rolling restart never hangs on a connection that
/// will not close.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_stop: impl FnOnce() + Send + 'static,
    drain: Duration,
) -> std::io::Result<()> {
    use axum::serve::Listener;
    let mut listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let (stopping, stop) = tokio::sync::watch::channel(false);
    // Each connection holds a sender; all are gone when every connection has ended.
    let (open, mut all_closed) = tokio::sync::mpsc::channel::<()>(1);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            (tcp, peer) = listener.accept() => {
                let (app, stop, open) = (app.clone(), stop.clone(), open.clone());
                tokio::spawn(async move {
                    connections::serve_connection(tcp, peer, app, stop).await;
                    drop(open);
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tracing::info!("stopping: ending live streams, draining for {drain:?}");
    on_stop();
    let _ = stopping.send(true);
    drop(open);
    if tokio::time::timeout(drain, all_closed.recv())
        .await
        .is_err()
    {
        tracing::warn!("requests still open after {drain:?}: stopping anyway");
    }
    Ok(())
}
