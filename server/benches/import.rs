//! Benchmark: importing 2,500 members from a CSV file (Q brought 2,500+), through the same
//! services the import screens call — upload, preview (every line checked), confirm (one
//! transaction) and the invitations written to the outbox — on a file database. SQLite by
//! default; set `BENCH_DATABASE_URL` to an empty PostgreSQL database to run it there.
//! Prints each step's time; the goal is the whole import within 10 s.
//!
//! Run with `CARGO_TARGET_DIR=target/bench cargo bench -p server --bench import`.
use app::server::services::{accounts, demo, import, mail::Mailer};
use app::server::{Config, db};
use std::time::Instant;

const ROWS: usize = 2_500;
const REGIONS: &[&str] = &[
    "West of England",
    "south-west",
    "North East and North Cumbria",
];
const PERSPECTIVES: &[&str] = &[
    "Patient",
    "Carer;Researcher",
    "Clinician",
    "Manager",
    "Improvement specialist",
    "",
];

fn file() -> String {
    let mut csv = String::from("name,email,home region,perspectives,organisation\n");
    for i in 0..ROWS {
        csv.push_str(&format!(
            "Member {i},member{i}@import.example.org,{},{},\"Trust {}, Ward {}\"\n",
            REGIONS[i % REGIONS.len()],
            PERSPECTIVES[i % PERSPECTIVES.len()],
            i % 40,
            i % 7
        ));
    }
    csv
}

#[tokio::main]
async fn main() {
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| {
        let dir = std::env::temp_dir().join(format!("qc-bench-import-{}", std::process::id()));
        format!("sqlite://{}/bench.db", dir.display())
    });
    let database = db::connect(&url).await.expect("database");
    demo::seed_if_empty(&database).await.expect("demo data");
    let team = accounts::find_by_email(&database, "priya@demo.q-commons.org")
        .await
        .expect("query")
        .expect("the demo project team")
        .id;
    let csv = file();
    println!(
        "Importing {ROWS} members ({} KiB of CSV) on {}",
        csv.len() / 1024,
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    let all = Instant::now();
    let t = Instant::now();
    let id = import::upload(&database, team, "members.csv", &csv)
        .await
        .expect("upload");
    let upload = t.elapsed();
    let t = Instant::now();
    let preview = import::preview(&database, team, id).await.expect("preview");
    let previewed = t.elapsed();
    assert_eq!(
        preview.to_add.len(),
        ROWS,
        "every line is good: {:?}",
        preview.problems.first()
    );
    let t = Instant::now();
    let done = import::confirm(&database, team, id, false)
        .await
        .expect("confirm");
    let confirmed = t.elapsed();
    assert_eq!(done.added.len(), ROWS);
    let t = Instant::now();
    let sent = import::invite_all(
        &database,
        &Mailer::outbox_only(),
        &Config::default(),
        &done.added,
    )
    .await
    .expect("invitations");
    let invited = t.elapsed();
    let total = all.elapsed();
    assert_eq!(sent, ROWS);
    // The same file again changes nothing.
    let again = import::upload(&database, team, "members.csv", &csv)
        .await
        .expect("upload");
    let t = Instant::now();
    let second = import::confirm(&database, team, again, false)
        .await
        .expect("confirm again");
    let reimport = t.elapsed();
    assert!(second.added.is_empty());
    let ms = |d: std::time::Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    println!("  upload (kept for preview)        {}", ms(upload));
    println!("  preview (every line checked)     {}", ms(previewed));
    println!("  confirm (one transaction)        {}", ms(confirmed));
    println!("  invitations into the outbox      {}", ms(invited));
    println!(
        "  whole import                     {}   (goal: within 10 s)",
        ms(total)
    );
    println!("  the same file again (no change)  {}", ms(reimport));
}
