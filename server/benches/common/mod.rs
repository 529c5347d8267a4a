//! What the benchmarks share: a keep-alive HTTP client with TCP_NODELAY, a bounded load
//! loop recording every latency (asking for compressed pages, as browsers do), percentiles, and serving a router (or the real app in
//! demo mode) on a free port.
#![allow(dead_code)]
pub mod bare;
pub mod failover;
pub mod live;

use axum::Router;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use std::time::{Duration, Instant};

pub type HttpClient = Client<HttpConnector, Empty<Bytes>>;

pub fn client() -> HttpClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new()).build(connector)
}

pub struct Stats {
    pub requests: usize,
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
    pub errors: usize,
}

impl Stats {
    pub fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
    pub fn pct(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i]
    }
    pub fn max(&self) -> Duration {
        self.latencies.last().copied().unwrap_or(Duration::ZERO)
    }
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// What Chromium (and Firefox) send as `Accept-Encoding`.
pub const CHROMIUM: &str = "gzip, deflate, br, zstd";
/// What Safari sends.
pub const SAFARI: &str = "gzip, deflate, br";

/// `concurrency` loops, each sending requests one after another until `duration` is up,
/// asking as Chromium does.
pub async fn load(
    client: &HttpClient,
    url: &str,
    cookie: Option<&str>,
    concurrency: usize,
    duration: Duration,
) -> Stats {
    load_as(client, url, cookie, CHROMIUM, concurrency, duration).await
}

/// [`load`], with the `Accept-Encoding` a given browser sends.
pub async fn load_as(
    client: &HttpClient,
    url: &str,
    cookie: Option<&str>,
    accept_encoding: &'static str,
    concurrency: usize,
    duration: Duration,
) -> Stats {
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let client = client.clone();
            let uri: http::Uri = url.parse().expect("a valid URL");
            let cookie = cookie.map(str::to_owned);
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0;
                while Instant::now() < deadline {
                    let t = Instant::now();
                    // As a browser asks: compressed if the server compresses.
                    let mut req = http::Request::get(uri.clone())
                        .header(http::header::ACCEPT_ENCODING, accept_encoding);
                    if let Some(c) = &cookie {
                        req = req.header(http::header::COOKIE, c.as_str());
                    }
                    let req = req.body(Empty::<Bytes>::new()).expect("a request");
                    match client.request(req).await {
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

/// One GET, returning the status and body.
pub async fn get(
    client: &HttpClient,
    url: &str,
    cookie: Option<&str>,
) -> (http::StatusCode, String) {
    let mut req = http::Request::get(url);
    if let Some(c) = cookie {
        req = req.header(http::header::COOKIE, c);
    }
    let res = client
        .request(req.body(Empty::<Bytes>::new()).expect("a request"))
        .await
        .expect("the server answers");
    let status = res.status();
    let body = res.into_body().collect().await.expect("a body").to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

pub async fn spawn(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(server::serve(
        listener,
        router,
        std::future::pending(),
        || {},
        std::time::Duration::from_secs(10),
    ));
    format!("http://{addr}")
}

/// The real app over `database` in demo mode, with `live` as its live bus, served on a
/// free port: its base URL.
pub async fn serve_app(
    database: sea_orm::DatabaseConnection,
    live: app::server::live::Live,
) -> String {
    let state = app::server::AppState {
        db: database,
        config: std::sync::Arc::new(app::server::Config {
            demo: true,
            ..app::server::Config::default()
        }),
        mailer: app::server::services::mail::Mailer::outbox_only(),
        live,
    };
    let site_root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site");
    let options = server::leptos_options(
        site_root.to_str().expect("utf-8 path"),
        "127.0.0.1:0".parse().expect("an address"),
    );
    spawn(server::router(state, options)).await
}

/// An active member of `region` joined today, with nothing else said: a bench changes the
/// fields it cares about.
pub fn active_member(
    p: &app::server::entities::person::Model,
    region: i64,
) -> app::server::entities::member::ActiveModel {
    use sea_orm::Set;
    let now = chrono::Utc::now();
    app::server::entities::member::ActiveModel {
        person_id: Set(p.id),
        status: Set(app::domain::membership::MembershipStatus::Active
            .code()
            .into()),
        home_region_id: Set(Some(region)),
        organisation: Set(None),
        clinician_discipline: Set(None),
        bio: Set(String::new()),
        interests: Set(String::new()),
        show_email: Set(false),
        show_organisation: Set(false),
        joined_on: Set(Some(now.date_naive())),
        updated_at: Set(now),
        perspectives_consented_at: Set(Some(now)),
    }
}

/// Add `n` people named by `name(i)`, with e-mail `{prefix}{i}@example.org`, each made a
/// member by `member` with the perspectives `perspectives` gives, 500 rows a statement:
/// the people, in the order of their ids.
pub async fn add_members(
    db: &sea_orm::DatabaseConnection,
    prefix: &str,
    n: usize,
    name: impl Fn(usize) -> String,
    member: impl Fn(&app::server::entities::person::Model) -> app::server::entities::member::ActiveModel,
    perspectives: impl Fn(
        &app::server::entities::person::Model,
    ) -> Vec<app::domain::membership::Perspective>,
) -> Vec<app::server::entities::person::Model> {
    use app::server::entities::{member, member_perspective, person};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
    let now = chrono::Utc::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        person::Entity::insert_many(chunk.iter().map(|&i| person::ActiveModel {
            name: Set(name(i)),
            email: Set(format!("{prefix}{i}@example.org")),
            password_hash: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }))
        .exec(db)
        .await
        .expect("people");
    }
    let people = person::Entity::find()
        .filter(person::Column::Email.like(format!("{prefix}%@example.org")))
        .order_by_asc(person::Column::Id)
        .all(db)
        .await
        .expect("people");
    for chunk in people.chunks(500) {
        member::Entity::insert_many(chunk.iter().map(&member))
            .exec(db)
            .await
            .expect("members");
        let rows: Vec<member_perspective::ActiveModel> = chunk
            .iter()
            .flat_map(|p| {
                perspectives(p)
                    .into_iter()
                    .map(|x| member_perspective::ActiveModel {
                        person_id: Set(p.id),
                        perspective: Set(x.code().into()),
                    })
            })
            .collect();
        if !rows.is_empty() {
            member_perspective::Entity::insert_many(rows)
                .exec(db)
                .await
                .expect("perspectives");
        }
    }
    people
}
