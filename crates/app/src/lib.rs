//! The `jenguk` binary's library: serve, demo seed, import, administration, benchmarks.
//! `main.rs` is only the command line over it (and the tests use it directly).

pub mod admin;
pub mod bench;
pub mod demo;
pub mod import;
pub mod serve;

use clap::Args;

/// Where the database is.
#[derive(Args, Debug, Clone)]
pub struct DbArgs {
    /// `sqlite://PATH` (created if missing) or `postgres://USER@HOST:PORT/DB`.
    #[arg(
        long,
        env = "JENGUK_DATABASE_URL",
        default_value = "sqlite://jenguk.db"
    )]
    pub database: String,
}

/// How to serve.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port, printed at start).
    #[arg(long, env = "JENGUK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    #[command(flatten)]
    pub db: DbArgs,
    /// The address families open, used in the links sent to them (default: the listening
    /// address).
    #[arg(long, env = "JENGUK_PUBLIC_URL")]
    pub public_url: Option<String>,
    #[command(flatten)]
    pub whatsapp: WhatsAppArgs,
}

/// The WhatsApp Cloud API channel. Without the four credentials the channel is off and
/// messages wait in the outbox.
#[derive(Args, Debug, Clone)]
pub struct WhatsAppArgs {
    /// The business phone number's id.
    #[arg(long, env = "JENGUK_WHATSAPP_PHONE_NUMBER_ID")]
    pub whatsapp_phone_number_id: Option<String>,
    /// A system user's access token.
    #[arg(long, env = "JENGUK_WHATSAPP_TOKEN", hide_env_values = true)]
    pub whatsapp_token: Option<String>,
    /// The app secret that signs webhook deliveries.
    #[arg(long, env = "JENGUK_WHATSAPP_APP_SECRET", hide_env_values = true)]
    pub whatsapp_app_secret: Option<String>,
    /// The token Meta echoes in the webhook handshake.
    #[arg(long, env = "JENGUK_WHATSAPP_VERIFY_TOKEN", hide_env_values = true)]
    pub whatsapp_verify_token: Option<String>,
    /// The Graph API's base URL (tests point it at a fake).
    #[arg(long, env = "JENGUK_WHATSAPP_API_BASE", default_value = jenguk_notify::DEFAULT_API_BASE)]
    pub whatsapp_api_base: String,
    /// The Graph API version.
    #[arg(long, env = "JENGUK_WHATSAPP_API_VERSION", default_value = jenguk_notify::DEFAULT_API_VERSION)]
    pub whatsapp_api_version: String,
    /// How long a worker holds a claimed message (seconds).
    #[arg(
        long,
        env = "JENGUK_OUTBOX_LEASE_SECS",
        default_value_t = 60,
        hide = true
    )]
    pub outbox_lease_secs: i64,
    /// How long after a lost lease a message may be sent again (seconds), so that a status
    /// report of a message that did reach WhatsApp arrives first.
    #[arg(
        long,
        env = "JENGUK_OUTBOX_GRACE_SECS",
        default_value_t = 120,
        hide = true
    )]
    pub outbox_grace_secs: i64,
}

impl WhatsAppArgs {
    /// The channel's configuration: none when no credential is given, an error when only
    /// some are.
    pub fn config(&self) -> anyhow::Result<Option<jenguk_notify::WhatsAppConfig>> {
        use jenguk_notify::{Secret, WhatsAppConfig};
        let parts = [
            &self.whatsapp_phone_number_id,
            &self.whatsapp_token,
            &self.whatsapp_app_secret,
            &self.whatsapp_verify_token,
        ];
        let given = parts
            .iter()
            .filter(|p| p.as_deref().is_some_and(|v| !v.is_empty()))
            .count();
        if given == 0 {
            return Ok(None);
        }
        let (Some(id), Some(token), Some(secret), Some(verify)) = (
            &self.whatsapp_phone_number_id,
            &self.whatsapp_token,
            &self.whatsapp_app_secret,
            &self.whatsapp_verify_token,
        ) else {
            anyhow::bail!(
                "the WhatsApp channel needs all four of --whatsapp-phone-number-id, --whatsapp-token, --whatsapp-app-secret and --whatsapp-verify-token (or their JENGUK_WHATSAPP_* variables)"
            );
        };
        let cfg = WhatsAppConfig::new(
            id,
            Secret::new(token),
            Secret::new(secret),
            Secret::new(verify),
        )
        .map_err(|e| anyhow::anyhow!("WhatsApp configuration: {e}"))?
        .with_api_base(&self.whatsapp_api_base)
        .map_err(|e| anyhow::anyhow!("--whatsapp-api-base: {e}"))?
        .with_api_version(&self.whatsapp_api_version)
        .map_err(|e| anyhow::anyhow!("--whatsapp-api-version: {e}"))?;
        Ok(Some(cfg))
    }
}

/// A database URL without its password, for printing.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact("sqlite://jenguk.db"), "sqlite://jenguk.db");
    }
}
