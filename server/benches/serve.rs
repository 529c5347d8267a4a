//! Benchmark: the home page served by the real app (SSR, database, session lookup)
//! against a bare axum handler returning the same bytes, in the same run, with the
//! same connection settings; then the release WASM's size, raw and compressed.
//!
//! Run with `scripts/bench.sh` (it builds the release site first).
use app::server::services::{demo, mail::Mailer};
use app::server::{AppState, Config, db};
use axum::{Router, response::Html, routing::get};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CONCURRENCY: usize = 32;
const WARM_UP: Duration = Duration::from_secs(1);
const MEASURE: Duration = Duration::from_secs(5);

struct Stats {
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    errors: usize,
}

impl Stats {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
    fn pct(&self, p: f64) -> Duration {
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i]
    }
}

async fn load(
    client: &Client<HttpConnector, Empty<Bytes>>,
    url: &str,
    duration: Duration,
) -> Stats {
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let client = client.clone();
            let uri: http::Uri = url.parse().expect("a valid URL");
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0;
                while Instant::now() < deadline {
                    let t = Instant::now();
                    match client.get(uri.clone()).await {
                        Ok(res) if res.status().is_success() => {
                            match res.into_body().collect().await {
                                Ok(_) => latencies.push(t.elapsed()),
                                Err(_) => errors += 1,
                            }
                        }
                        _ => errors += 1,
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.expect("load task");
        all.extend(l);
        errors += e;
    }
    let elapsed = start.elapsed();
    all.sort();
    Stats {
        requests: all.len(),
        elapsed,
        latencies: all,
        errors,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn spawn(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(server::serve(listener, router, std::future::pending()));
    format!("http://{addr}/")
}

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

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("qc-bench-{}", std::process::id()));
    let url = format!("sqlite://{}/bench.db", dir.display());
    let database = db::connect(&url).await.expect("database");
    demo::seed_if_empty(&database).await.expect("demo data");
    let state = AppState {
        db: database,
        config: Arc::new(Config {
            demo: true,
            ..Config::default()
        }),
        mailer: Mailer::outbox_only(),
    };
    let site_root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site");
    let options = server::leptos_options(
        site_root.to_str().expect("utf-8 path"),
        "127.0.0.1:0".parse().unwrap(),
    );
    let app_url = spawn(server::router(state, options)).await;

    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client = Client::builder(TokioExecutor::new()).build(connector);
    let page = client
        .get(app_url.parse().unwrap())
        .await
        .expect("the app answers")
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    let html = String::from_utf8(page.to_vec()).expect("utf-8 page");
    assert!(
        html.contains("West of England"),
        "the page rendered the demo community"
    );
    let bare_url = spawn(Router::new().route(
        "/",
        get(move || {
            let html = html.clone();
            async move { Html(html) }
        }),
    ))
    .await;

    println!(
        "Home page ({} bytes), {CONCURRENCY} connections, {}s each after {}s warm-up, on {} cores:\n",
        page.len(),
        MEASURE.as_secs(),
        WARM_UP.as_secs(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:<26} {:>10} {:>10} {:>10} {:>10} {:>10} {:>7}",
        "target", "req/s", "p50", "p90", "p99", "max", "errors"
    );
    let mut results = Vec::new();
    for (name, url) in [
        ("Q Commons app (SSR + DB)", &app_url),
        ("bare axum, same bytes", &bare_url),
    ] {
        load(&client, url, WARM_UP).await;
        let s = load(&client, url, MEASURE).await;
        println!(
            "{:<26} {:>10.0} {:>10} {:>10} {:>10} {:>10} {:>7}",
            name,
            s.rps(),
            ms(s.pct(0.50)),
            ms(s.pct(0.90)),
            ms(s.pct(0.99)),
            ms(*s.latencies.last().unwrap_or(&Duration::ZERO)),
            s.errors
        );
        results.push(s);
    }
    println!(
        "\napp / bare: {:.1}% of the bare handler's throughput; p50 {:.1}×",
        100.0 * results[0].rps() / results[1].rps(),
        results[0].pct(0.5).as_secs_f64() / results[1].pct(0.5).as_secs_f64()
    );
    wasm_sizes();
    let _ = std::fs::remove_dir_all(&dir);
}
