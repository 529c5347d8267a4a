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
use common::{load, ms};

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

/// What compressing this page costs per request at each brotli quality a server might use
/// for pages made per request (the server's is `server::DYNAMIC_COMPRESSION`) and at the
/// brotli crate's default (11), and what each sends.
fn compression_cost(page: &str, html: &str) {
    let time = |quality: u32| {
        let runs = 50;
        let start = std::time::Instant::now();
        let mut size = 0;
        for _ in 0..runs {
            let mut out = Vec::new();
            let mut w = brotli::CompressorWriter::new(&mut out, 4096, quality, 22);
            w.write_all(html.as_bytes()).expect("brotli");
            drop(w);
            size = out.len();
        }
        (start.elapsed() / runs, size)
    };
    let each: Vec<String> = [0, 1, 2, 3, 4, 5, 11]
        .into_iter()
        .map(|q| {
            let (took, size) = time(q);
            format!("q{q} {} {:.2} KiB", ms(took), size as f64 / 1024.0)
        })
        .collect();
    println!(
        "{page}: {:.1} KiB of HTML; brotli per request: {}",
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
        let mut results = Vec::new();
        for (name, url) in [
            (format!("{page}: Q Commons"), url.clone()),
            (
                format!("{page}: bare axum, same bytes"),
                format!("{bare}{path}"),
            ),
        ] {
            load(&client, &url, cookie, CONCURRENCY, WARM_UP).await;
            let s = load(&client, &url, cookie, CONCURRENCY, MEASURE).await;
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
    wasm_sizes();
    let _ = std::fs::remove_dir_all(&dir);
}
