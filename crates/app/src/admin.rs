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
    /// Give a facility its own WhatsApp number (its families' messages go out from it).
    /// The access token, the app secret and the verify token are read from standard input,
    /// one per line, so that they stay out of the shell's history.
    WhatsappChannel {
        /// The facility's code.
        #[arg(long, env = "JENGUK_FACILITY")]
        facility: String,
        /// The business phone number's id (not needed with --remove).
        #[arg(long)]
        phone_number_id: Option<String>,
        /// The Graph API's base URL.
        #[arg(long, default_value = jenguk_notify::DEFAULT_API_BASE)]
        api_base: String,
        /// The Graph API version.
        #[arg(long, default_value = jenguk_notify::DEFAULT_API_VERSION)]
        api_version: String,
        /// Remove the facility's own number (it falls back to the global channel).
        #[arg(long)]
        remove: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

pub async fn run(cmd: AdminCommand) -> anyhow::Result<()> {
    match cmd {
        AdminCommand::WhatsappChannel {
            facility,
            phone_number_id,
            api_base,
            api_version,
            remove,
            db,
        } => {
            let code = FacilityCode::parse(&facility)
                .map_err(|_| anyhow::anyhow!("{facility:?} is not a facility code"))?;
            let db = Db::connect(&db.database).await?;
            let f = db
                .facility(&code)
                .await
                .with_context(|| format!("no facility {code}"))?;
            let now = jiff::Timestamp::now();
            if remove {
                db.remove_facility_channel(f.id, &AuditEvent::cli(), now)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                println!("{code} now uses the global WhatsApp channel");
                return Ok(());
            }
            let Some(id) = phone_number_id else {
                bail!("--phone-number-id is required (or --remove)");
            };
            if std::io::stdin().is_terminal() {
                eprintln!("Access token, app secret and verify token, one per line:");
            }
            let mut lines = std::io::stdin().lock().lines();
            let mut next = |what: &str| -> anyhow::Result<String> {
                let l = lines
                    .next()
                    .transpose()?
                    .with_context(|| format!("missing the {what} on standard input"))?;
                Ok(l.trim().to_string())
            };
            let (token, secret, verify) = (
                next("access token")?,
                next("app secret")?,
                next("verify token")?,
            );
            // Checked the way the worker will build it.
            jenguk_notify::WhatsAppConfig::new(
                &id,
                jenguk_notify::Secret::new(token.clone()),
                jenguk_notify::Secret::new(secret.clone()),
                jenguk_notify::Secret::new(verify.clone()),
            )
            .and_then(|c| c.with_api_base(&api_base))
            .and_then(|c| c.with_api_version(&api_version))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            db.set_facility_channel(
                &jenguk_storage::FacilityChannel {
                    facility_id: f.id,
                    phone_number_id: id,
                    access_token: token,
                    app_secret: secret,
                    verify_token: verify,
                    api_base,
                    api_version,
                },
                &AuditEvent::cli(),
                now,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "{code} now sends from its own WhatsApp number (running servers pick it up within a minute)"
            );
        }
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
