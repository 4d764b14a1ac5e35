//! `jenguk`: one binary for a facility's box or a national cluster.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use jenguk::{DbArgs, ServeArgs, admin, bench, import, serve};

/// Jenguk — virtual visits for Indonesia's detention centres and prisons.
#[derive(Parser, Debug)]
#[command(name = "jenguk", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Migrate the database, then serve until SIGTERM or Ctrl-C.
    Serve(ServeArgs),
    /// Serve a demo: seeds a realistic demo (three facilities, booths, schedules, inmates,
    /// visitors, staff accounts) into an empty database first, and prints how to log in.
    Demo {
        /// Address to listen on (port 0 picks a free port, printed at start).
        #[arg(long, env = "JENGUK_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// The demo's database: `sqlite://PATH` or `postgres://…`.
        #[arg(
            long,
            env = "JENGUK_DATABASE_URL",
            default_value = "sqlite://jenguk-demo.db"
        )]
        database: String,
        /// The address families open (default: the listening address).
        #[arg(long, env = "JENGUK_PUBLIC_URL")]
        public_url: Option<String>,
        #[command(flatten)]
        whatsapp: jenguk::WhatsAppArgs,
        #[command(flatten)]
        media: jenguk::MediaArgs,
        #[command(flatten)]
        tls: jenguk::TlsArgs,
    },
    /// Apply the database migrations and exit.
    Migrate(DbArgs),
    /// Administration on the box.
    Admin {
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
    /// Import data.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Benchmarks: print ratios against a baseline measured in the same run.
    Bench {
        #[command(subcommand)]
        command: bench::BenchCommand,
    },
}

#[derive(Subcommand, Debug)]
enum ImportCommand {
    /// Import inmates from a CSV export (header row: reg_number,name,status[,block]).
    Inmates {
        /// The facility's code, e.g. RUTAN-SERANG.
        #[arg(long, env = "JENGUK_FACILITY")]
        facility: String,
        /// Import the good rows even if some are bad (bad rows are still reported).
        #[arg(long)]
        skip_bad: bool,
        /// The CSV file.
        file: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("JENGUK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    jenguk::tls::install_crypto_providers();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("jenguk: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("jenguk: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    match cli.command {
        Command::Serve(args) => serve::serve(&args, false).await?,
        Command::Demo {
            listen,
            database,
            public_url,
            whatsapp,
            media,
            tls,
        } => {
            let args = ServeArgs {
                listen,
                db: DbArgs { database },
                public_url,
                whatsapp,
                media,
                tls,
            };
            serve::serve(&args, true).await?;
        }
        Command::Migrate(db) => {
            jenguk_storage::Db::connect(&db.database).await?;
            println!("Database migrated: {}", jenguk::redact(&db.database));
        }
        Command::Admin { command } => admin::run(command).await?,
        Command::Import {
            command:
                ImportCommand::Inmates {
                    facility,
                    skip_bad,
                    file,
                    db,
                },
        } => return import::inmates(&db, &facility, skip_bad, &file).await,
        Command::Bench { command } => bench::run(command).await?,
    }
    Ok(std::process::ExitCode::SUCCESS)
}
