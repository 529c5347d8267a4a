//! The Q Commons server: configuration, database, demo data, and the axum app.
use app::server::services::{backup, demo, mail::Mailer, setup};
use app::server::{AppState, Config, db};
use clap::Parser;
use std::net::SocketAddr;
use std::sync::Arc;

/// Q Commons: the platform on which an improvement community governs itself as a commons.
#[derive(Parser, Debug)]
#[command(
    version,
    about = "Q Commons: the platform on which an improvement community governs itself as a commons.",
    long_about = "Q Commons: the platform on which an improvement community governs itself as a commons.\n\n\
        Without a command it serves the app. A new community is set up once with `server init`; \
        `server backup FILE` copies a live SQLite database."
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,

    /// Database: `sqlite://path/file.db` (embedded, the default) or `postgres://user@host/db`.
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        default_value = "sqlite://data/qcommons.db"
    )]
    database_url: String,

    /// Address and port to listen on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    addr: SocketAddr,

    /// Folder with the built site (pkg/ with the WASM, JS and CSS, and the public assets).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    site_root: String,

    /// The address people use to reach the app; links in e-mails start with it.
    /// `https://…` also marks the session cookie Secure.
    #[arg(long, global = true, env = "QC_PUBLIC_URL")]
    public_url: Option<String>,

    /// The community's name until `server init` sets it (then the project team changes it
    /// in the app), and the name `init` proposes.
    #[arg(
        long,
        global = true,
        env = "QC_COMMUNITY_NAME",
        default_value = "Q Commons"
    )]
    community_name: String,

    /// Demo mode: seed demo data into an empty database and show the e-mail outbox page.
    /// Its accounts share a printed password, so it is refused on an address others can
    /// reach unless `--public-demo` says this is meant as a public demo.
    #[arg(long, env = "QC_DEMO", default_value_t = false)]
    demo: bool,

    /// With `--demo`: also seed two years of history (members joining, West of England's
    /// workshops and actions), so the dashboards have something to read. Off for tests
    /// that count from an empty community.
    #[arg(long, env = "QC_DEMO_HISTORY", default_value_t = true, action = clap::ArgAction::Set)]
    demo_history: bool,

    /// This demo is meant to be public: allow `--demo` on a non-loopback address.
    #[arg(long, env = "QC_PUBLIC_DEMO", default_value_t = false)]
    public_demo: bool,

    /// Seconds requests under way get to finish when the server is asked to stop.
    #[arg(long, env = "QC_DRAIN_SECONDS", default_value_t = 10)]
    drain_seconds: u64,

    /// SMTP server for outgoing e-mail, e.g. `smtps://user:password@smtp.example.org:465`.
    /// Without it, e-mail is kept in the outbox table and written to the log.
    #[arg(long, global = true, env = "SMTP_URL")]
    smtp_url: Option<String>,

    /// Sender of outgoing e-mail.
    #[arg(
        long,
        global = true,
        env = "QC_MAIL_FROM",
        default_value = "Q Commons <no-reply@localhost>"
    )]
    mail_from: String,

    /// Trust X-Forwarded-For and X-Forwarded-Proto from a reverse proxy in front.
    #[arg(long, env = "QC_TRUST_PROXY", default_value_t = false)]
    trust_proxy: bool,

    /// Log filter, e.g. `info` or `server=debug,app=debug`.
    #[arg(long, global = true, env = "RUST_LOG", default_value = "info")]
    log: String,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Set up a new community on an empty database: its name, its national commons space
    /// and the first project-team member, who is e-mailed (and shown here) a sign-in link
    /// valid for 7 days. Run once; run again, it says the community is set up and changes
    /// nothing. The database is migrated first.
    Init {
        /// The first project-team member's e-mail address.
        #[arg(long)]
        email: String,
        /// The first project-team member's name, as others will see it.
        #[arg(long)]
        name: String,
        /// Where people write about their data (shown on the privacy notice).
        #[arg(long)]
        contact_email: String,
        /// The national commons space's name.
        #[arg(long, default_value = "National commons stewardship group")]
        national_name: String,
    },
    /// Copy a live SQLite database to FILE (a new file), consistently, while the app runs:
    /// SQLite's `VACUUM INTO`. For PostgreSQL use `pg_dump` (see the README).
    Backup {
        /// The new file to write, e.g. `backups/qcommons-2026-11-28.db`.
        file: std::path::PathBuf,
    },
}

#[tokio::main]
async fn main() {
    let mut args = Args::parse();
    // A command at a terminal says only what went wrong, unless asked for more.
    if args.command.is_some() && std::env::var_os("RUST_LOG").is_none() && args.log == "info" {
        args.log = "warn".into();
    }
    // The log goes to stderr: stdout is for what the server tells a person starting it.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(&args.log))
        .with_writer(std::io::stderr)
        .init();
    if let Err(message) = run(args).await {
        tracing::error!("{message}");
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

async fn run(mut args: Args) -> Result<(), String> {
    match args.command.take() {
        Some(Command::Init {
            email,
            name,
            contact_email,
            national_name,
        }) => {
            return init(
                &args,
                setup::InitForm {
                    community_name: args.community_name.clone(),
                    contact_email,
                    national_name,
                    name,
                    email,
                },
            )
            .await;
        }
        Some(Command::Backup { file }) => return backup(&args.database_url, &file).await,
        None => {}
    }
    server::check_demo(args.demo, args.addr, args.public_demo)?;
    let db = db::connect(&args.database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let backend = if db::is_sqlite(&args.database_url) {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    tracing::info!(backend, "database ready, migrations applied");

    let config = Config {
        community_name: args.community_name,
        public_url: args
            .public_url
            .unwrap_or_else(|| format!("http://{}", args.addr)),
        demo: args.demo,
        trust_proxy: args.trust_proxy,
    };
    if config.demo {
        let seeded = demo::seed_if_empty(&db)
            .await
            .map_err(|e| format!("cannot write the demo data: {e}"))?;
        if seeded && args.demo_history {
            demo::seed_history(&db)
                .await
                .map_err(|e| format!("cannot write the demo history: {e}"))?;
        }
        print_demo_accounts(seeded);
    }
    let mailer = Mailer::new(args.smtp_url.as_deref(), &args.mail_from)?;
    let live = app::server::live::Live::start(&db)
        .await
        .map_err(|e| format!("cannot start the live bus: {e}"))?;
    tokio::spawn(app::server::services::housekeeping::run(db.clone()));
    tokio::spawn(app::server::services::coffee::keep_drawing(
        db.clone(),
        mailer.clone(),
    ));
    tokio::spawn(app::server::services::funding::keep_moving(db.clone()));
    let config = Arc::new(config);
    tokio::spawn(app::server::services::proposals::keep_closing(
        db.clone(),
        mailer.clone(),
        config.clone(),
        live.clone(),
    ));
    let state = AppState {
        db,
        config,
        mailer,
        live,
    };

    let leptos_options = server::leptos_options(&args.site_root, args.addr);
    let app = server::router(state.clone(), leptos_options);
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    println!(
        "Q Commons is running at {} ({backend})",
        state.config.public_url
    );
    let live = state.live.clone();
    server::serve(
        listener,
        app,
        shutdown_signal(),
        move || live.close(),
        std::time::Duration::from_secs(args.drain_seconds),
    )
    .await
    .map_err(|e| format!("server error: {e}"))
}

async fn init(args: &Args, form: setup::InitForm) -> Result<(), String> {
    let db = db::connect(&args.database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let config = Config {
        community_name: args.community_name.clone(),
        public_url: args
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", args.addr)),
        demo: false,
        trust_proxy: args.trust_proxy,
    };
    let mailer = Mailer::new(args.smtp_url.as_deref(), &args.mail_from)?;
    match setup::init(&db, &mailer, &config, &form).await {
        Ok(setup::Initialised::Done { sign_in_link }) => {
            println!(
                "{} is set up, with {} as its national commons.",
                form.community_name.trim(),
                form.national_name.trim()
            );
            println!(
                "{} is in the project team. Their sign-in link (also e-mailed; works once, for 7 days):",
                form.email.trim()
            );
            println!("  {sign_in_link}");
            Ok(())
        }
        Ok(setup::Initialised::AlreadySetUp { since }) => {
            match since {
                Some(at) => println!(
                    "This community was already set up on {}; nothing changed.",
                    at.format("%Y-%m-%d %H:%M UTC")
                ),
                None => println!("This database already holds a community; nothing changed."),
            }
            Ok(())
        }
        Err(e) => {
            let fields = e.field_errors();
            if fields.is_empty() {
                Err(e.to_string())
            } else {
                Err(fields
                    .iter()
                    .map(|f| format!("--{}: {}", f.field.replace('_', "-"), f.message))
                    .collect::<Vec<_>>()
                    .join("\n       "))
            }
        }
    }
}

async fn backup(database_url: &str, file: &std::path::Path) -> Result<(), String> {
    if !db::is_sqlite(database_url) {
        return Err(
            "this is a PostgreSQL database: back it up with pg_dump, e.g. \
             `pg_dump --format=custom --file=qcommons.dump \"$DATABASE_URL\"` (see the README)"
                .into(),
        );
    }
    // As it is: a backup taken before an upgrade must not migrate what it copies.
    let db = db::open_as_is(database_url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let started = std::time::Instant::now();
    let copied = backup::sqlite(&db, file).await.map_err(|e| e.to_string())?;
    let rows: i64 = copied.tables.iter().map(|(_, n)| n).sum();
    println!(
        "Copied to {} in {:.1} s: {} KiB, {} tables, {rows} rows.",
        file.display(),
        started.elapsed().as_secs_f64(),
        copied.bytes / 1024,
        copied.tables.len()
    );
    Ok(())
}

fn print_demo_accounts(seeded: bool) {
    if seeded {
        println!(
            "Demo data written: the national group, three regions, their conveners and AHSNs."
        );
    }
    println!("Demo accounts (password for all: {}):", demo::DEMO_PASSWORD);
    for a in demo::DEMO_ACCOUNTS {
        println!("  {:<28} {:<16} {}", a.email, a.name, a.role);
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
