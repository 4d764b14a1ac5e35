//! `jenguk admin`: accounts created on the box itself.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use clap::Subcommand;
use jenguk_domain::FacilityCode;
use jenguk_storage::{AuditEvent, Db, Role};

use crate::DbArgs;

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create a staff account; the password is read from standard input (one line).
    CreateUser {
        /// Login name (3–40 lower-case letters, digits, `.`, `_`, `-`).
        #[arg(long)]
        username: String,
        /// national_admin, facility_admin, operator or officer.
        #[arg(long)]
        role: String,
        /// The facility's code (every role but national_admin).
        #[arg(long, env = "JENGUK_FACILITY")]
        facility: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub async fn run(cmd: AdminCommand) -> anyhow::Result<()> {
    match cmd {
        AdminCommand::CreateUser {
            username,
            role,
            facility,
            db,
        } => {
            let Some(role) = Role::parse(&role) else {
                bail!(
                    "unknown role {role:?}: choose national_admin, facility_admin, operator or officer"
                );
            };
            let db = Db::connect(&db.database).await?;
            let facility_id = match facility.as_deref() {
                Some(code) => {
                    let code = FacilityCode::parse(code)
                        .map_err(|_| anyhow::anyhow!("{code:?} is not a facility code"))?;
                    Some(
                        db.facility(&code)
                            .await
                            .with_context(|| format!("no facility {code}"))?
                            .id,
                    )
                }
                None => None,
            };
            if std::io::stdin().is_terminal() {
                eprintln!("Password (at least 10 characters), then Enter:");
            }
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let user = db
                .create_user(
                    &username,
                    password,
                    role,
                    facility_id,
                    &AuditEvent::cli(),
                    jiff::Timestamp::now(),
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "Created {} ({}) with id {}",
                user.username,
                user.role.as_str(),
                user.id
            );
        }
    }
    Ok(())
}
