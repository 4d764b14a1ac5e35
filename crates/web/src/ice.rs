//! The ICE servers a visit page hands to the browser's `RTCPeerConnection`: STUN addresses,
//! and TURN addresses with time-limited credentials in coturn's "TURN REST API" scheme
//! (`use-auth-secret` + `static-auth-secret` in `turnserver.conf`):
//!
//! - username = `"<expiry, unix seconds>:<user>"`
//! - credential = base64(HMAC-SHA1(secret, username))
//!
//! coturn recomputes the credential from the username with the shared secret and refuses it
//! once the expiry has passed, so a credential read out of a page is useless a few hours later
//! and the secret itself never leaves the server.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Serialize;

/// How the browser reaches the media relay when a direct UDP path is blocked.
#[derive(Clone, Debug, Default)]
pub struct IceConfig {
    /// `turn:` / `turns:` addresses of one TURN server (coturn), e.g.
    /// `turn:turn.example.id:3478?transport=udp`.
    pub turn_urls: Vec<String>,
    /// coturn's `static-auth-secret`. Without it no TURN address is handed out (a browser
    /// refuses a TURN address without credentials).
    pub turn_secret: Option<String>,
    /// `stun:` addresses (none needed when the relay announces its public address).
    pub stun_urls: Vec<String>,
    /// How long a TURN credential stays valid (default [`IceConfig::DEFAULT_TTL`]).
    pub ttl: Option<Duration>,
}

/// One entry of `RTCConfiguration.iceServers`, serialised as the browser expects it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IceServer {
    /// The server's addresses.
    pub urls: Vec<String>,
    /// TURN only: `"<expiry>:<user>"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// TURN only: base64(HMAC-SHA1(secret, username)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// A bad ICE address or a TURN address without its secret.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IceError {
    /// An address that is not `stun:`, `stuns:`, `turn:` or `turns:` (or of the wrong kind).
    #[error("{0:?} is not a {1} address")]
    BadUrl(String, &'static str),
    /// TURN addresses were given without the shared secret.
    #[error("TURN addresses need the TURN secret (coturn's static-auth-secret)")]
    MissingSecret,
}

impl IceConfig {
    /// TURN credentials live 12 hours: longer than any visit day, short enough that a leaked
    /// one expires by itself.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(12 * 3600);

    /// A checked configuration. Empty strings in the lists are dropped (a comma-separated
    /// environment variable may end with a comma).
    pub fn new(
        turn_urls: Vec<String>,
        turn_secret: Option<String>,
        stun_urls: Vec<String>,
    ) -> Result<IceConfig, IceError> {
        let clean = |v: Vec<String>| -> Vec<String> {
            v.into_iter()
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty())
                .collect()
        };
        let (turn_urls, stun_urls) = (clean(turn_urls), clean(stun_urls));
        let turn_secret = turn_secret.filter(|s| !s.is_empty());
        if let Some(bad) = turn_urls
            .iter()
            .find(|u| !(u.starts_with("turn:") || u.starts_with("turns:")))
        {
            return Err(IceError::BadUrl(bad.clone(), "turn:/turns:"));
        }
        if let Some(bad) = stun_urls
            .iter()
            .find(|u| !(u.starts_with("stun:") || u.starts_with("stuns:")))
        {
            return Err(IceError::BadUrl(bad.clone(), "stun:/stuns:"));
        }
        if !turn_urls.is_empty() && turn_secret.is_none() {
            return Err(IceError::MissingSecret);
        }
        Ok(IceConfig {
            turn_urls,
            turn_secret,
            stun_urls,
            ttl: None,
        })
    }

    /// With another credential lifetime.
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// Whether a TURN server is configured.
    pub fn has_turn(&self) -> bool {
        !self.turn_urls.is_empty() && self.turn_secret.is_some()
    }

    /// The `iceServers` for `user` (any label without `:`, e.g. a participant id), with TURN
    /// credentials valid until `now` + the TTL.
    pub fn ice_servers(&self, user: &str, now: SystemTime) -> Vec<IceServer> {
        let mut out = Vec::new();
        if !self.stun_urls.is_empty() {
            out.push(IceServer {
                urls: self.stun_urls.clone(),
                username: None,
                credential: None,
            });
        }
        if let (false, Some(secret)) = (self.turn_urls.is_empty(), &self.turn_secret) {
            let expiry = now
                .checked_add(self.ttl.unwrap_or(Self::DEFAULT_TTL))
                .unwrap_or(now)
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let user: String = user.chars().filter(|c| *c != ':').collect();
            let username = format!("{expiry}:{user}");
            out.push(IceServer {
                urls: self.turn_urls.clone(),
                credential: Some(turn_credential(secret, &username)),
                username: Some(username),
            });
        }
        out
    }
}

/// base64(HMAC-SHA1(secret, username)), the password coturn expects under `use-auth-secret`.
pub fn turn_credential(secret: &str, username: &str) -> String {
    // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
    let mac = <Hmac<sha1::Sha1> as Mac>::new_from_slice(secret.as_bytes()).map(|mut m| {
        m.update(username.as_bytes());
        m.finalize().into_bytes()
    });
    match mac {
        Ok(tag) => base64::engine::general_purpose::STANDARD.encode(tag),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_credential_is_base64_of_hmac_sha1() {
        // RFC 2104 style vector (HMAC_SHA1("key", "The quick brown fox…") =
        // de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9), in base64.
        assert_eq!(
            turn_credential("key", "The quick brown fox jumps over the lazy dog"),
            "3nybhbi3iqa8ino29wqQcBydtNk="
        );
    }

    #[test]
    fn turn_servers_get_time_limited_credentials() {
        let ice = IceConfig::new(
            vec!["turn:turn.example.id:3478?transport=udp".into(), "".into()],
            Some("north".into()),
            vec!["stun:turn.example.id:3478".into()],
        )
        .unwrap()
        .with_ttl(Duration::from_secs(3600));
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let servers = ice.ice_servers("visit:42", now);
        assert_eq!(servers.len(), 2);
        assert_eq!(servers[0].username, None);
        let turn = &servers[1];
        assert_eq!(turn.urls, ["turn:turn.example.id:3478?transport=udp"]);
        assert_eq!(turn.username.as_deref(), Some("1700003600:visit42"));
        // python3: base64.b64encode(hmac.new(b"north", b"1700003600:visit42", sha1).digest())
        assert_eq!(
            turn.credential.as_deref(),
            Some("Ch2Ep9/QoL2hvAialykaS6P3jMo=")
        );
        let json = serde_json::to_value(&servers).unwrap();
        assert_eq!(
            json[0],
            serde_json::json!({"urls": ["stun:turn.example.id:3478"]})
        );
        assert_eq!(json[1]["username"], "1700003600:visit42");
        assert!(json[1]["credential"].is_string());
        assert!(ice.has_turn());
    }

    #[test]
    fn bad_addresses_and_a_missing_secret_are_refused() {
        assert_eq!(
            IceConfig::new(vec!["turn:t:3478".into()], None, vec![]).unwrap_err(),
            IceError::MissingSecret
        );
        assert!(matches!(
            IceConfig::new(vec!["https://t".into()], Some("s".into()), vec![]),
            Err(IceError::BadUrl(..))
        ));
        assert!(matches!(
            IceConfig::new(vec![], None, vec!["turn:t".into()]),
            Err(IceError::BadUrl(..))
        ));
        let none = IceConfig::default();
        assert!(none.ice_servers("u", SystemTime::now()).is_empty());
        assert!(!none.has_turn());
    }
}
