//! Static files served as a CDN would: the WASM, JS and CSS under `/pkg` carry a content
//! hash in their names (cargo-leptos `hash-files`), so a browser keeps them for a year and
//! never asks again; brotli and gzip copies made at build time (`--precompress`) are sent
//! as they are, never compressed per request; icons and the manifest are kept a day; pages
//! and server functions are never stored by a shared cache and always revalidated.
use axum::Router;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};
use std::path::{Path, PathBuf};
use tower::ServiceBuilder;
use tower_http::services::{ServeDir, ServeFile};

/// Files whose names change with their content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Files whose names stay while their content changes (a build without hashes).
pub const REVALIDATE: &str = "no-cache";
/// Icons and the web app manifest: rarely changed, harmless when a day old.
pub const A_DAY: &str = "public, max-age=86400";
/// Pages, server functions and downloads: may show a person's own data.
pub const PRIVATE: &str = "private, no-cache";

/// Whether the built site's file names carry hashes: cargo-leptos writes the hash file
/// beside the server binary when `hash-files` is on. `LEPTOS_HASH_FILES` overrides.
pub fn hashed_build(hash_file: &str) -> bool {
    match std::env::var("LEPTOS_HASH_FILES") {
        Ok(v) => v == "true",
        Err(_) => std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(hash_file)))
            .is_some_and(|p| p.exists()),
    }
}

/// `/pkg/…`, `/icons/…` and `/manifest.webmanifest` from the site root.
pub fn routes(site_root: &str, pkg_dir: &str, hashed: bool) -> Router {
    let root = PathBuf::from(site_root);
    let pkg = ServeDir::new(root.join(pkg_dir))
        .precompressed_br()
        .precompressed_gzip();
    let icons = ServeDir::new(root.join("icons"))
        .precompressed_br()
        .precompressed_gzip();
    let manifest = ServeFile::new(Path::new(&root).join("manifest.webmanifest"))
        .precompressed_br()
        .precompressed_gzip();
    let pkg_policy = if hashed { IMMUTABLE } else { REVALIDATE };
    let policy =
        |p: &'static str| axum::middleware::from_fn(move |req, next| cache_for(p, req, next));
    Router::new()
        .nest_service(
            &format!("/{pkg_dir}"),
            ServiceBuilder::new().layer(policy(pkg_policy)).service(pkg),
        )
        .nest_service(
            "/icons",
            ServiceBuilder::new().layer(policy(A_DAY)).service(icons),
        )
        .route_service(
            "/manifest.webmanifest",
            ServiceBuilder::new().layer(policy(A_DAY)).service(manifest),
        )
}

/// Set the cache policy on a file that was found (or not modified); a missing file's 404
/// must not be kept.
async fn cache_for(policy: &'static str, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let headers = res.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        headers
            .entry(header::VARY)
            .or_insert(HeaderValue::from_static("accept-encoding"));
    }
    res
}

/// Every other response (pages, server functions, downloads, streams that set none).
pub async fn private_by_default(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(PRIVATE));
    res
}
