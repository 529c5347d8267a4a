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
use tower_http::compression::CompressionLayer;

pub fn leptos_options(site_root: &str, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("qcommons")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

/// Every page, server function and static file, behind the cross-site refusal.
pub fn router(state: AppState, leptos_options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    let live = state.clone();
    let csv = state.clone();
    let markdown = state.clone();
    let context = move || {
        provide_context(state.clone());
        provide_context(RequestSession::default());
    };
    Router::new()
        // The one live connection per screen: server-sent events for a workshop.
        .route(
            "/live/workshops/{id}",
            axum::routing::get(move |path, headers| {
                app::server::stream::workshop_events(live.clone(), path, headers)
            }),
        )
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
        .leptos_routes_with_context(&leptos_options, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        // The 404 page renders the same header, so it needs the same context to show
        // who is signed in.
        .fallback(leptos_axum::file_and_error_handler_with_context(
            context, shell,
        ))
        .layer(axum::middleware::from_fn(security::refuse_cross_site))
        .layer(CompressionLayer::new())
        .with_state(leptos_options)
}

/// Serve until `shutdown` resolves, with TCP_NODELAY on every connection: without it a
/// streamed page stalls ~40 ms per response on Nagle's algorithm and delayed ACKs.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
