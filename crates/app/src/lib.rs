//! The `jenguk` binary's library: serve, demo seed, import, administration, benchmarks.
//! `main.rs` is only the command line over it (and the tests use it directly).

pub mod admin;
pub mod bench;
pub mod demo;
pub mod import;
pub mod serve;
pub mod tls;

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
    #[command(flatten)]
    pub media: MediaArgs,
    #[command(flatten)]
    pub tls: TlsArgs,
}

/// Video visits: the media relay's UDP socket and the ICE servers browsers are given.
#[derive(Args, Debug, Clone, Default)]
pub struct MediaArgs {
    /// UDP address of the media relay (every call goes through this one port; browsers must
    /// reach it directly, a reverse proxy does not carry it). Default: `0.0.0.0:3478` for
    /// `serve`, `127.0.0.1:0` (a free loopback port) for `demo`.
    #[arg(long, env = "JENGUK_MEDIA_UDP")]
    pub media_udp: Option<String>,
    /// The address browsers reach the media port at, when it is not the bound one (behind a
    /// 1:1 NAT, or bound to 0.0.0.0). Without it a loopback or unspecified bind announces
    /// 127.0.0.1: enough for a browser on the same machine only.
    #[arg(long, env = "JENGUK_MEDIA_PUBLIC_IP")]
    pub media_public_ip: Option<std::net::IpAddr>,
    /// TURN server addresses for browsers whose network blocks UDP to the relay, e.g.
    /// `turn:turn.example.id:3478?transport=udp,turns:turn.example.id:5349?transport=tcp`
    /// (repeat the flag or separate with commas). Needs --turn-secret.
    #[arg(long, env = "JENGUK_TURN_URLS", value_delimiter = ',')]
    pub turn_url: Vec<String>,
    /// The TURN server's shared secret (coturn `static-auth-secret`): browsers get
    /// time-limited credentials made from it, never the secret.
    #[arg(long, env = "JENGUK_TURN_SECRET", hide_env_values = true)]
    pub turn_secret: Option<String>,
    /// STUN server addresses (`stun:host:port`, comma-separated), rarely needed: the relay
    /// announces its own address.
    #[arg(long, env = "JENGUK_STUN_URLS", value_delimiter = ',')]
    pub stun_url: Vec<String>,
}

impl MediaArgs {
    /// The relay's configuration (`demo` binds a free loopback port by default).
    pub fn media_config(&self, demo: bool) -> anyhow::Result<jenguk_media::MediaConfig> {
        let given = self.media_udp.as_deref().filter(|s| !s.trim().is_empty());
        let udp = given.unwrap_or(if demo { "127.0.0.1:0" } else { "0.0.0.0:3478" });
        let udp_bind = udp
            .trim()
            .parse()
            .map_err(|e| anyhow::anyhow!("--media-udp {udp:?}: {e} (expected IP:PORT)"))?;
        Ok(jenguk_media::MediaConfig {
            udp_bind,
            public_ip: self.media_public_ip,
        })
    }

    /// The ICE servers handed to browsers.
    pub fn ice_config(&self) -> anyhow::Result<jenguk_web::ice::IceConfig> {
        jenguk_web::ice::IceConfig::new(
            self.turn_url.clone(),
            self.turn_secret.clone(),
            self.stun_url.clone(),
        )
        .map_err(|e| anyhow::anyhow!("--turn-url/--turn-secret/--stun-url: {e}"))
    }
}

/// HTTPS without a reverse proxy.
#[derive(Args, Debug, Clone, Default)]
pub struct TlsArgs {
    /// Serve HTTPS with this certificate chain (PEM, leaf first), e.g. Let's Encrypt's
    /// `fullchain.pem`. Needs --tls-key.
    #[arg(long, env = "JENGUK_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<std::path::PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, env = "JENGUK_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<std::path::PathBuf>,
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
