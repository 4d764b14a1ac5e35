//! Translations (Fluent, compiled into the binary) and the choice of language, shared by the
//! web pages, the API's errors and the WhatsApp messages.
//!
//! Bahasa Indonesia is the default; English is complete. Each area has its own file in
//! `locales/{id,en}/` (`main.ftl` for the web, `notify.ftl` for WhatsApp); a test checks that
//! both locales have the same files, the same keys, and that every message formats.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use unic_langid::langid;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "id",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static ID: LanguageIdentifier = langid!("id");
static EN: LanguageIdentifier = langid!("en");

/// A language Jenguk speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Bahasa Indonesia, the default.
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag, for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// Reads a tag like `id`, `en-US`, `EN`.
    pub fn parse(s: &str) -> Option<Lang> {
        let primary = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "id" | "in" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the best language from an `Accept-Language` header (quality-weighted);
    /// Indonesian when nothing matches.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("");
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Lang::parse(tag).filter(|_| best.is_none_or(|(bq, _)| q > bq)) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::Id, |(_, l)| l)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Id => &ID,
            Lang::En => &EN,
        }
    }

    /// The text of a message.
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// The text of a message with arguments.
    pub fn t_args(self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
            .collect();
        LOCALES.lookup_with_args(self.id(), key, &map)
    }

    /// The text of a message with arguments, or `None` if this language lacks it.
    pub fn try_t_args(self, key: &str, args: &[(&'static str, String)]) -> Option<String> {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
            .collect();
        LOCALES.try_lookup_with_args(self.id(), key, &map)
    }

    /// Whether a message exists in this language (without falling back).
    pub fn has(self, key: &str) -> bool {
        LOCALES.try_lookup(self.id(), key).is_some()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::collections::BTreeSet;

    fn keys(path: &str) -> BTreeSet<String> {
        let text = std::fs::read_to_string(path).unwrap();
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with(' ') && l.contains(" = "))
            .map(|l| l.split(" = ").next().unwrap().trim().to_string())
            .collect()
    }

    fn files(lang: &str) -> BTreeSet<String> {
        let dir = format!("{}/locales/{lang}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    fn all_keys(lang: &str) -> BTreeSet<String> {
        let dir = env!("CARGO_MANIFEST_DIR");
        files(lang)
            .iter()
            .flat_map(|f| keys(&format!("{dir}/locales/{lang}/{f}")))
            .collect()
    }

    #[test]
    fn both_locales_have_the_same_keys() {
        let dir = env!("CARGO_MANIFEST_DIR");
        assert_eq!(files("id"), files("en"));
        let id = all_keys("id");
        let en = all_keys("en");
        assert!(id.len() > 50, "too few keys: {}", id.len());
        let only_id: Vec<_> = id.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&id).collect();
        assert!(
            only_id.is_empty() && only_en.is_empty(),
            "id only: {only_id:?}, en only: {only_en:?}"
        );
        // Every message formats in both languages once its arguments are given.
        for (lang, file) in [Lang::Id, Lang::En]
            .into_iter()
            .flat_map(|l| files(l.tag()).into_iter().map(move |f| (l, f)))
        {
            let path = format!("{dir}/locales/{}/{file}", lang.tag());
            let text = std::fs::read_to_string(path).unwrap();
            for line in text
                .lines()
                .filter(|l| !l.starts_with('#') && l.contains(" = "))
            {
                let key = line.split(" = ").next().unwrap().trim();
                let args: Vec<(&'static str, String)> = ARGS
                    .into_iter()
                    .filter(|a| line.contains(&format!("${a}")))
                    .map(|a| (a, "x".to_string()))
                    .collect();
                assert!(
                    lang.try_t_args(key, &args).is_some(),
                    "{key} does not format in {lang:?}"
                );
            }
        }
    }

    /// Every argument name used in the Fluent files: a test gives each a value.
    const ARGS: [&str; 36] = [
        "reference",
        "detail",
        "field",
        "code",
        "value",
        "from",
        "to",
        "zone",
        "minutes",
        "min",
        "max",
        "facility",
        "inmate",
        "time",
        "reason",
        "by",
        "link",
        "change",
        "at",
        "name",
        "nik",
        "query",
        "count",
        "date",
        "weekday",
        "day",
        "month",
        "year",
        "hour",
        "minute",
        "hours",
        "phone",
        "version",
        "n",
        "relationship",
        "digits",
    ];

    #[test]
    fn accept_language_is_weighted_and_defaults_to_indonesian() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("id-ID,id;q=0.9,en;q=0.8"),
            Lang::Id
        );
        assert_eq!(Lang::from_accept_language("fr-FR, en;q=0.5"), Lang::En);
        assert_eq!(Lang::from_accept_language("en;q=0.3, id;q=0.7"), Lang::Id);
        assert_eq!(Lang::from_accept_language("fr"), Lang::Id);
        assert_eq!(Lang::from_accept_language(""), Lang::Id);
    }

    #[test]
    fn arguments_are_filled_in() {
        let s = Lang::En.t_args("error-internal", &[("reference", "ABC123".into())]);
        assert!(s.contains("ABC123"), "{s}");
        let s = Lang::Id.t("refusal-slot_full");
        assert!(s.contains("penuh"), "{s}");
    }
}
