//! Static files as a CDN would serve them: hashed files kept a year, precompressed copies
//! sent as they are, a missing file never cached, pages private and revalidated.
use axum::body::Body;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use std::path::PathBuf;
use tower::ServiceExt;

/// A built site in a fresh folder: one hashed WASM file with its brotli and gzip copies.
fn site() -> PathBuf {
    let root = std::env::temp_dir().join(format!(
        "qc-static-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    std::fs::create_dir_all(root.join("icons")).unwrap();
    std::fs::write(root.join("pkg/qcommons.AbC123.wasm"), b"raw wasm bytes").unwrap();
    std::fs::write(root.join("pkg/qcommons.AbC123.wasm.br"), b"brotli bytes").unwrap();
    std::fs::write(root.join("pkg/qcommons.AbC123.wasm.gz"), b"gzip bytes").unwrap();
    std::fs::write(root.join("icons/icon.svg"), b"<svg/>").unwrap();
    std::fs::write(root.join("manifest.webmanifest"), b"{}").unwrap();
    root
}

async fn get(
    router: &axum::Router,
    path: &str,
    encoding: Option<&str>,
) -> (StatusCode, http::HeaderMap, Vec<u8>) {
    let mut req = Request::get(path);
    if let Some(e) = encoding {
        req = req.header(header::ACCEPT_ENCODING, e);
    }
    let res = router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes().to_vec();
    (parts.status, parts.headers, bytes)
}

#[tokio::test]
async fn hashed_files_are_kept_a_year_and_sent_as_compressed_at_build_time() {
    let root = site();
    let router = server::static_files::routes(root.to_str().unwrap(), "pkg", true);

    let (status, h, body) = get(&router, "/pkg/qcommons.AbC123.wasm", Some("br, gzip")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_ENCODING], "br");
    assert_eq!(body, b"brotli bytes", "the brotli copy made at build time");
    assert_eq!(
        h[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(h[header::CONTENT_TYPE], "application/wasm");
    assert!(h.get_all(header::VARY).iter().any(|v| {
        v.to_str()
            .unwrap()
            .to_lowercase()
            .contains("accept-encoding")
    }));

    let (_, h, body) = get(&router, "/pkg/qcommons.AbC123.wasm", Some("gzip")).await;
    assert_eq!(h[header::CONTENT_ENCODING], "gzip");
    assert_eq!(body, b"gzip bytes");

    let (_, h, body) = get(&router, "/pkg/qcommons.AbC123.wasm", None).await;
    assert!(!h.contains_key(header::CONTENT_ENCODING));
    assert_eq!(body, b"raw wasm bytes");

    let (status, h, _) = get(&router, "/pkg/qcommons.Old999.wasm", Some("br")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        !h.contains_key(header::CACHE_CONTROL),
        "a missing file's 404 must not be kept"
    );

    let (status, h, _) = get(&router, "/icons/icon.svg", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CACHE_CONTROL], "public, max-age=86400");
    let (status, h, _) = get(&router, "/manifest.webmanifest", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CACHE_CONTROL], "public, max-age=86400");
    std::fs::remove_dir_all(root).unwrap();
}

#[tokio::test]
async fn files_without_hashes_are_revalidated() {
    let root = site();
    let router = server::static_files::routes(root.to_str().unwrap(), "pkg", false);
    let (status, h, _) = get(&router, "/pkg/qcommons.AbC123.wasm", Some("br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CACHE_CONTROL], "no-cache");
    std::fs::remove_dir_all(root).unwrap();
}
