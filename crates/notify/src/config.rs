//! How to reach the WhatsApp Cloud API, and the secrets that go with it.

use std::fmt;

/// The Graph API host used when none is given.
pub const DEFAULT_API_BASE: &str = "https://graph.facebook.com";

/// The Graph API version used when none is given.
pub const DEFAULT_API_VERSION: &str = "v21.0";

/// A secret string (access token, app secret, verify token). It never appears in `Debug`
/// output, and it has no `Display`: reading it takes a deliberate [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret value itself: for the one place that must send or compare it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty (or only whitespace).
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(value.to_owned())
    }
}

/// Why a [`WhatsAppConfig`] was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A required value is empty.
    #[error("WhatsApp configuration: {0} is empty")]
    Empty(&'static str),
    /// The phone number id is not the numeric id Meta assigns.
    #[error("WhatsApp configuration: phone_number_id must be digits only")]
    PhoneNumberId,
    /// The API base is not an absolute `http://` or `https://` URL without query or fragment.
    #[error("WhatsApp configuration: api_base must be an http(s) URL without query or fragment")]
    ApiBase,
    /// The API version is not of the form `v21` or `v21.0`.
    #[error("WhatsApp configuration: api_version must look like v21.0")]
    ApiVersion,
}

/// Everything needed to talk to the WhatsApp Cloud API and to check its webhooks.
///
/// Built only through [`WhatsAppConfig::new`] (and the `with_*` adjusters), so a value of this
/// type is always valid. Its `Debug` output shows no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatsAppConfig {
    api_base: String,
    api_version: String,
    phone_number_id: String,
    access_token: Secret,
    app_secret: Secret,
    verify_token: Secret,
}

impl WhatsAppConfig {
    /// A configuration for the real Graph API ([`DEFAULT_API_BASE`], [`DEFAULT_API_VERSION`]).
    ///
    /// `phone_number_id` is the business phone number's numeric id (not the phone number);
    /// `access_token` is the (system user) bearer token; `app_secret` signs webhook deliveries;
    /// `verify_token` is the string chosen when subscribing the webhook. None may be empty.
    pub fn new(
        phone_number_id: impl Into<String>,
        access_token: Secret,
        app_secret: Secret,
        verify_token: Secret,
    ) -> Result<WhatsAppConfig, ConfigError> {
        let phone_number_id = phone_number_id.into().trim().to_owned();
        if phone_number_id.is_empty() {
            return Err(ConfigError::Empty("phone_number_id"));
        }
        if !phone_number_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ConfigError::PhoneNumberId);
        }
        if access_token.is_blank() {
            return Err(ConfigError::Empty("access_token"));
        }
        if app_secret.is_blank() {
            return Err(ConfigError::Empty("app_secret"));
        }
        if verify_token.is_blank() {
            return Err(ConfigError::Empty("verify_token"));
        }
        Ok(WhatsAppConfig {
            api_base: DEFAULT_API_BASE.to_owned(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            phone_number_id,
            access_token,
            app_secret,
            verify_token,
        })
    }

    /// Points the client at another Graph API host (a fake one in tests). Must be an
    /// `http://` or `https://` URL, optionally with a path prefix; a trailing `/` is dropped.
    pub fn with_api_base(mut self, api_base: &str) -> Result<WhatsAppConfig, ConfigError> {
        let trimmed = api_base.trim().trim_end_matches('/');
        if trimmed.is_empty() {
            return Err(ConfigError::Empty("api_base"));
        }
        let url = reqwest::Url::parse(trimmed).map_err(|_| ConfigError::ApiBase)?;
        let scheme_ok = matches!(url.scheme(), "http" | "https");
        let host_ok = url.host_str().is_some_and(|h| !h.is_empty());
        if !scheme_ok
            || !host_ok
            || url.query().is_some()
            || url.fragment().is_some()
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(ConfigError::ApiBase);
        }
        self.api_base = trimmed.to_owned();
        Ok(self)
    }

    /// Uses another Graph API version (`v21.0`, `v22.0`, …).
    pub fn with_api_version(mut self, api_version: &str) -> Result<WhatsAppConfig, ConfigError> {
        let v = api_version.trim();
        if v.is_empty() {
            return Err(ConfigError::Empty("api_version"));
        }
        let ok = v.strip_prefix('v').is_some_and(|rest| {
            let mut parts = rest.split('.');
            let major_ok = parts
                .next()
                .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            let minor_ok = parts
                .next()
                .is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            major_ok && minor_ok && parts.next().is_none()
        });
        if !ok {
            return Err(ConfigError::ApiVersion);
        }
        self.api_version = v.to_owned();
        Ok(self)
    }

    /// The Graph API base URL, without a trailing `/`.
    pub fn api_base(&self) -> &str {
        &self.api_base
    }

    /// The Graph API version, e.g. `v21.0`.
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// The business phone number's id.
    pub fn phone_number_id(&self) -> &str {
        &self.phone_number_id
    }

    /// The bearer token for sending.
    pub fn access_token(&self) -> &Secret {
        &self.access_token
    }

    /// The app secret that signs webhook deliveries (`X-Hub-Signature-256`).
    pub fn app_secret(&self) -> &Secret {
        &self.app_secret
    }

    /// The token expected in the webhook subscription handshake.
    pub fn verify_token(&self) -> &Secret {
        &self.verify_token
    }

    /// The URL messages are posted to: `{api_base}/{api_version}/{phone_number_id}/messages`.
    pub fn messages_url(&self) -> String {
        format!(
            "{}/{}/{}/messages",
            self.api_base, self.api_version, self.phone_number_id
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Result<WhatsAppConfig, ConfigError> {
        WhatsAppConfig::new(
            "106540352242922",
            Secret::new("EAAG-token-value"),
            Secret::new("app-secret-value"),
            Secret::new("verify-me"),
        )
    }

    #[test]
    fn defaults_and_url() -> Result<(), ConfigError> {
        let c = config()?;
        assert_eq!(c.api_base(), "https://graph.facebook.com");
        assert_eq!(c.api_version(), "v21.0");
        assert_eq!(
            c.messages_url(),
            "https://graph.facebook.com/v21.0/106540352242922/messages"
        );
        let c = c
            .with_api_base("http://127.0.0.1:4321/prefix/")?
            .with_api_version("v22.0")?;
        assert_eq!(
            c.messages_url(),
            "http://127.0.0.1:4321/prefix/v22.0/106540352242922/messages"
        );
        Ok(())
    }

    #[test]
    fn debug_hides_secrets() -> Result<(), ConfigError> {
        let shown = format!("{:?}", config()?);
        assert!(!shown.contains("EAAG-token-value"), "{shown}");
        assert!(!shown.contains("app-secret-value"), "{shown}");
        assert!(!shown.contains("verify-me"), "{shown}");
        assert!(shown.contains("106540352242922"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
        Ok(())
    }

    #[test]
    fn refuses_bad_values() -> Result<(), ConfigError> {
        let s = || Secret::new("x");
        assert_eq!(
            WhatsAppConfig::new(" ", s(), s(), s()),
            Err(ConfigError::Empty("phone_number_id"))
        );
        assert_eq!(
            WhatsAppConfig::new("12/../34", s(), s(), s()),
            Err(ConfigError::PhoneNumberId)
        );
        assert_eq!(
            WhatsAppConfig::new("1", Secret::new(""), s(), s()),
            Err(ConfigError::Empty("access_token"))
        );
        assert_eq!(
            WhatsAppConfig::new("1", s(), Secret::new("  "), s()),
            Err(ConfigError::Empty("app_secret"))
        );
        assert_eq!(
            WhatsAppConfig::new("1", s(), s(), Secret::new("")),
            Err(ConfigError::Empty("verify_token"))
        );
        let c = config()?;
        for bad in [
            "ftp://graph.facebook.com",
            "graph.facebook.com",
            "https://",
            "https://graph.facebook.com?x=1",
            "https://user:pw@graph.facebook.com",
            "not a url",
        ] {
            assert_eq!(
                c.clone().with_api_base(bad),
                Err(ConfigError::ApiBase),
                "{bad}"
            );
        }
        assert_eq!(
            c.clone().with_api_base(""),
            Err(ConfigError::Empty("api_base"))
        );
        for bad in ["21.0", "v", "v21.", "v21.0.1", "vx", "v21/../x"] {
            assert_eq!(
                c.clone().with_api_version(bad),
                Err(ConfigError::ApiVersion),
                "{bad}"
            );
        }
        assert!(c.with_api_version("v23").is_ok());
        Ok(())
    }
}
