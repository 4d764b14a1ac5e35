//! The co-visitors of a booking: every visitor's identity is checked at the gate
//! (PP 32/1999), so each person coming along is named, with their relationship to the
//! inmate and, if the family wishes, the last four digits of their NIK (never the whole
//! number). Empty rows are ignored; a mistake is shown next to its field.

use std::collections::HashMap;

use jenguk_domain::{PersonName, Relationship, TextError};
use jenguk_storage::Companion;

use crate::i18n::Lang;

/// Rows read from a form at most (the policy's limit is far lower; storage refuses more
/// than it allows).
const MAX_ROWS: usize = 20;

/// One co-visitor row as typed, with the i18n keys of its mistakes.
#[derive(Default, Clone)]
pub(super) struct Typed {
    name: String,
    rel: String,
    nik: String,
    name_error: Option<&'static str>,
    rel_error: Option<&'static str>,
    nik_error: Option<&'static str>,
    companion: Option<Companion>,
}

impl Typed {
    fn is_empty(&self) -> bool {
        self.name.is_empty() && self.rel.is_empty() && self.nik.is_empty()
    }

    fn has_error(&self) -> bool {
        self.name_error.is_some() || self.rel_error.is_some() || self.nik_error.is_some()
    }
}

/// The rows of a posted form (`c{n}_name`, `c{n}_rel`, `c{n}_nik`, n from 1), up to the
/// last one not empty, each checked.
pub(super) fn typed(fields: &HashMap<String, String>) -> Vec<Typed> {
    let field = |n: usize, f: &str| {
        fields
            .get(&format!("c{n}_{f}"))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut out: Vec<Typed> = (1..=MAX_ROWS)
        .map(|n| check(field(n, "name"), field(n, "rel"), field(n, "nik")))
        .collect();
    while out.last().is_some_and(Typed::is_empty) {
        out.pop();
    }
    out
}

fn check(name: String, rel: String, nik: String) -> Typed {
    let mut t = Typed {
        name,
        rel,
        nik,
        ..Typed::default()
    };
    if t.is_empty() {
        return t;
    }
    let parsed = PersonName::parse(&t.name);
    t.name_error = match &parsed {
        Ok(_) => None,
        Err(TextError::Empty) => Some("fv-book-companion-name-required"),
        Err(TextError::TooLong) => Some("fv-book-companion-name-long"),
        Err(TextError::InvalidCharacters) => Some("fv-book-companion-name-invalid"),
    };
    let relationship = Relationship::parse(&t.rel);
    if relationship.is_none() {
        t.rel_error = Some("fv-book-companion-rel-required");
    }
    let nik = (!t.nik.is_empty()).then(|| t.nik.clone());
    if nik.as_deref().is_some_and(|n| !Companion::nik_last4_ok(n)) {
        t.nik_error = Some("fv-book-companion-nik-invalid");
    }
    if let (Ok(name), Some(relationship), false) = (parsed, relationship, t.has_error()) {
        t.companion = Some(Companion {
            name,
            relationship,
            nik_last4: nik,
        });
    }
    t
}

/// The co-visitors of well-typed rows, empty rows left out; `None` when a row has a
/// mistake.
pub(super) fn parse(typed: &[Typed]) -> Option<Vec<Companion>> {
    if typed.iter().any(Typed::has_error) {
        return None;
    }
    Some(typed.iter().filter_map(|t| t.companion.clone()).collect())
}

/// One relationship in a row's select.
pub(crate) struct Choice {
    pub(crate) value: &'static str,
    pub(crate) label: String,
    pub(crate) selected: bool,
}

/// A co-visitor row of the form.
pub(crate) struct CompanionRow {
    pub(crate) n: usize,
    pub(crate) legend: String,
    pub(crate) name: String,
    pub(crate) nik: String,
    pub(crate) choices: Vec<Choice>,
    pub(crate) name_error: Option<String>,
    pub(crate) rel_error: Option<String>,
    pub(crate) nik_error: Option<String>,
}

/// The form's rows: `shown` of them (the policy's co-visitors), more if more were typed,
/// with what was typed and its mistakes.
pub(super) fn rows(lang: Lang, typed: &[Typed], shown: usize) -> Vec<CompanionRow> {
    let blank = Typed::default();
    (0..shown.max(typed.len()))
        .map(|i| {
            let t = typed.get(i).unwrap_or(&blank);
            CompanionRow {
                n: i + 1,
                legend: lang.t_args("fv-book-companion-legend", &[("n", (i + 1).to_string())]),
                name: t.name.clone(),
                nik: t.nik.clone(),
                choices: Relationship::ALL
                    .into_iter()
                    .map(|r| Choice {
                        value: r.as_str(),
                        label: lang.t(&format!("link-rel-{}", r.as_str())),
                        selected: t.rel == r.as_str(),
                    })
                    .collect(),
                name_error: t.name_error.map(|k| lang.t(k)),
                rel_error: t.rel_error.map(|k| lang.t(k)),
                nik_error: t.nik_error.map(|k| lang.t(k)),
            }
        })
        .collect()
}

/// A co-visitor as the visit page lists them.
pub(crate) fn describe(lang: Lang, c: &Companion) -> String {
    let rel = lang.t(&format!("link-rel-{}", c.relationship.as_str()));
    match &c.nik_last4 {
        Some(n) => lang.t_args(
            "fv-visit-companion-nik",
            &[
                ("name", c.name.as_str().to_string()),
                ("relationship", rel),
                ("digits", n.clone()),
            ],
        ),
        None => lang.t_args(
            "fv-visit-companion",
            &[("name", c.name.as_str().to_string()), ("relationship", rel)],
        ),
    }
}
