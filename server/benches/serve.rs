//! Benchmark: the anonymous home page and a signed-in region page served by the real app
//! (SSR, database, session lookup), each against a bare axum handler returning the same
//! bytes, in the same run, with the same connection settings (the goal in issue 11: at
//! least 0.30 and 0.10 of the bare handler's throughput); then the release WASM's size.
//!
//! Run with `scripts/bench.sh` (it builds the release site first).
use app::server::db;
use app::server::services::demo;
use axum::{Router, response::Html, routing::get};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::io::Write;
use std::time::Duration;

mod common;
use common::{CHROMIUM, SAFARI, load_as, ms};
use server::compression::{Encoding, encode};

const CONCURRENCY: usize = 32;
const WARM_UP: Duration = Duration::from_secs(1);
const MEASURE: Duration = Duration::from_secs(5);

fn wasm_sizes() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site/pkg/qcommons.wasm");
    let Ok(raw) = std::fs::read(&path) else {
        println!(
            "\nWASM: {} not found — run `cargo leptos build --release` first",
            path.display()
        );
        return;
    };
    let mut br = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
        w.write_all(&raw).expect("brotli");
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&raw).expect("gzip");
    let gz = gz.finish().expect("gzip");
    println!("\nWASM bundle ({}):", path.display());
    println!("  raw     {:>8.1} KB", raw.len() as f64 / 1024.0);
    println!("  gzip -9 {:>8.1} KB", gz.len() as f64 / 1024.0);
    println!("  brotli  {:>8.1} KB", br.len() as f64 / 1024.0);
}

/// What compressing this page costs per request with the server's encoders
/// (`server::compression`: zstd with a kept context for Chromium and Firefox, gzip for
/// Safari) and, for comparison, with a new brotli encoder at the qualities a server might
/// use — tower-http's way, which this server used until December 2026 at quality 4 — and at
/// the brotli crate's default (11); and what each sends.
fn compression_cost(page: &str, html: &str) {
    let time = |encode: &dyn Fn() -> usize| {
        let runs = 200;
        encode();
        let start = std::time::Instant::now();
        let mut size = 0;
        for _ in 0..runs {
            size = encode();
        }
        (start.elapsed() / runs, size)
    };
    let mut each: Vec<String> = [
        ("zstd (kept context)", Encoding::Zstd),
        ("gzip", Encoding::Gzip),
    ]
    .into_iter()
    .map(|(name, encoding)| {
        let (took, size) = time(&|| encode(encoding, html.as_bytes()).map_or(0, |b| b.len()));
        format!("{name} {} {:.2} KiB", ms(took), size as f64 / 1024.0)
    })
    .collect();
    each.extend([1, 4, 11].into_iter().map(|q| {
        let (took, size) = time(&|| {
            let mut out = Vec::new();
            let mut w = brotli::CompressorWriter::new(&mut out, 4096, q, 22);
            w.write_all(html.as_bytes()).expect("brotli");
            drop(w);
            out.len()
        });
        format!("brotli q{q} {} {:.2} KiB", ms(took), size as f64 / 1024.0)
    }));
    println!(
        "{page}: {:.1} KiB of HTML; compressed per request: {}",
        html.len() as f64 / 1024.0,
        each.join(", ")
    );
}

#[tokio::main]
async fn main() {
    // Errors the app logs (a refused request under load) are printed, not lost.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let dir = std::env::temp_dir().join(format!("qc-bench-{}", std::process::id()));
    let url = format!("sqlite://{}/bench.db", dir.display());
    let database = db::connect(&url).await.expect("database");
    demo::seed_if_empty(&database).await.expect("demo data");
    let live = app::server::live::Live::start(&database)
        .await
        .expect("live bus");
    let hein = app::server::entities::person::Entity::find()
        .filter(app::server::entities::person::Column::Email.eq("hein@demo.q-commons.org"))
        .one(&database)
        .await
        .expect("query")
        .expect("the demo convener");
    let session = app::server::services::sessions::create(&database, hein.id)
        .await
        .expect("a session");
    let site = common::serve_app(database.clone(), live).await;
    let client = common::client();
    let signed_in = format!("qc_session={session}");
    println!(
        "{CONCURRENCY} connections, {}s each after {}s warm-up, on {} cores (load generator in the same process):\n",
        MEASURE.as_secs(),
        WARM_UP.as_secs(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:<44} {:>10} {:>10} {:>10} {:>10} {:>10} {:>7}",
        "target", "req/s", "p50", "p90", "p99", "max", "errors"
    );
    for (page, path, cookie, expect) in [
        ("home page, anonymous", "/", None, "West of England"),
        (
            "region page, signed in",
            "/spaces/west-of-england",
            Some(signed_in.as_str()),
            "Signed in as",
        ),
    ] {
        let url = format!("{site}{path}");
        let (status, html) = common::get(&client, &url, cookie).await;
        assert!(
            status.is_success() && html.contains(expect),
            "{page}: {status}, expected {expect:?}: {}",
            html.chars().take(2000).collect::<String>()
        );
        compression_cost(page, &html);
        // The bare handler answers with the same bytes, whatever it is asked.
        let bare = common::spawn(Router::new().fallback(get(move || {
            let html = html.clone();
            async move { Html(html) }
        })))
        .await;
        // As Chromium asks (zstd), then as Safari asks (gzip); the bare handler sends the
        // page whole, as it was made.
        for (browser, accept) in [("Chromium", CHROMIUM), ("Safari", SAFARI)] {
            let mut results = Vec::new();
            for (name, url) in [
                (format!("{page}: Q Commons, {browser}"), url.clone()),
                (
                    format!("{page}: bare axum, same bytes"),
                    format!("{bare}{path}"),
                ),
            ] {
                load_as(&client, &url, cookie, accept, CONCURRENCY, WARM_UP).await;
                let s = load_as(&client, &url, cookie, accept, CONCURRENCY, MEASURE).await;
                println!(
                    "{:<44} {:>10.0} {:>10} {:>10} {:>10} {:>10} {:>7}",
                    name,
                    s.rps(),
                    ms(s.pct(0.50)),
                    ms(s.pct(0.90)),
                    ms(s.pct(0.99)),
                    ms(s.max()),
                    s.errors
                );
                assert_eq!(s.errors, 0, "{name}: errors under load");
                results.push(s);
            }
            println!(
                "{:<44} ratio {:.3} of the bare handler's throughput; p50 {:.1}×\n",
                "",
                results[0].rps() / results[1].rps(),
                results[0].pct(0.5).as_secs_f64() / results[1].pct(0.5).as_secs_f64()
            );
        }
    }
    wasm_sizes();
    let _ = std::fs::remove_dir_all(&dir);
}
