//! "My data" (UU PDP: a data subject may see, take away and erase their data): everything
//! stored about the family, rendered readably from the same export that is downloaded as
//! JSON, and the deletion of the account (future visits cancelled, history anonymised).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jenguk_domain::{Facility, InmateId, VisitStatus, Visitor};
use jenguk_storage::StorageError;
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::Value;

use crate::AppState;
use crate::family::page::Chrome;
use crate::family::session::{Family, clear_session_cookie};
use crate::family::visits::{
    Names, Page, SKM_ELEMENTS, check_post, form, page, private, see_other, storage, when,
};
use crate::i18n::Lang;

/// Where a family lands after deleting its account.
pub const DELETED_REDIRECT: &str = "/?notice=account-deleted";

/// The routes of "my data".
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/data-saya", get(get_data))
        .route("/data-saya.json", get(get_json))
        .route("/data-saya/hapus", post(post_delete))
}

struct Field {
    label: String,
    value: String,
}

struct LinkItem {
    inmate: String,
    relationship: String,
    status: String,
    reason: Option<String>,
}

struct VisitItem {
    code: String,
    when: String,
    facility: String,
    status: String,
    reason: Option<String>,
    rating: Option<String>,
}

#[derive(Template)]
#[template(path = "family/data.html")]
struct DataPage {
    chrome: Chrome,
    person: Vec<Field>,
    links: Vec<LinkItem>,
    visits: Vec<VisitItem>,
    error: Option<String>,
}

fn s(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// The export, rendered: every value the JSON holds, with names instead of ids.
async fn data_page(
    state: &AppState,
    family: &Family,
    visitor: &Visitor,
    error: Option<String>,
) -> Result<DataPage, Response> {
    let lang = family.lang;
    let x = state
        .db
        .export_visitor(visitor.id)
        .await
        .map_err(storage(lang))?;
    let facilities: HashMap<String, Facility> = state
        .db
        .facilities()
        .await
        .map_err(storage(lang))?
        .into_iter()
        .map(|f| (f.code.as_str().to_string(), f))
        .collect();
    let mut names = Names::new(state);

    let mut links = Vec::new();
    let mut home_zone = None;
    for l in x["links"].as_array().into_iter().flatten() {
        let inmate = match l["inmate_id"].as_i64() {
            Some(id) => match names.inmate(InmateId(id)).await {
                Ok(i) => {
                    let f = names.facility(i.facility_id).await.map_err(storage(lang))?;
                    home_zone.get_or_insert(f.time_zone.clone());
                    lang.t_args(
                        "fv-visit-place",
                        &[
                            ("inmate", i.name.as_str().to_string()),
                            ("facility", f.name.clone()),
                        ],
                    )
                }
                Err(StorageError::NotFound(_)) => "-".into(),
                Err(e) => return Err(storage(lang)(e)),
            },
            None => "-".into(),
        };
        links.push(LinkItem {
            inmate,
            relationship: lang.t(&format!(
                "chat-rel-{}",
                l["relationship"].as_str().unwrap_or("other_family")
            )),
            status: lang.t(&format!(
                "fv-link-status-{}",
                l["status"].as_str().unwrap_or("pending")
            )),
            reason: s(&l["reason"]),
        });
    }
    let home_zone = home_zone.unwrap_or_else(|| "Asia/Jakarta".into());

    let p = &x["visitor"];
    let mut person = vec![
        Field {
            label: lang.t("fv-data-name"),
            value: s(&p["name"]).unwrap_or_default(),
        },
        Field {
            label: lang.t("fv-data-nik"),
            value: s(&p["nik"]).unwrap_or_default(),
        },
        Field {
            label: lang.t("fv-data-phone"),
            value: s(&p["phone"]).unwrap_or_default(),
        },
    ];
    let consent = s(&p["consent_at"])
        .and_then(|t| t.parse::<Timestamp>().ok())
        .map(|t| {
            let version = s(&p["consent_version"]).unwrap_or_default();
            lang.t_args(
                "fv-data-consent-value",
                &[("time", when(lang, t, &home_zone)), ("value", version)],
            )
        })
        .unwrap_or_else(|| lang.t("fv-data-consent-none"));
    person.push(Field {
        label: lang.t("fv-data-consent"),
        value: consent,
    });
    if let Some(until) = s(&p["banned_until"]) {
        person.push(Field {
            label: lang.t("fv-data-banned"),
            value: until,
        });
    }

    let mut visits = Vec::new();
    for v in x["visits"].as_array().into_iter().flatten() {
        let code = s(&v["code"]).unwrap_or_default();
        let f = s(&v["facility"]).and_then(|c| facilities.get(&c));
        let zone = f.map_or("Asia/Jakarta", |f| f.time_zone.as_str());
        let start = s(&v["start"]).and_then(|t| t.parse::<Timestamp>().ok());
        let status = s(&v["status"])
            .and_then(|st| VisitStatus::parse(&st))
            .map(|st| crate::family::visits::status_label(lang, st))
            .unwrap_or_default();
        let rating = v["rating"]["scores"].as_array().map(|scores| {
            let parts: Vec<String> = scores
                .iter()
                .zip(SKM_ELEMENTS)
                .map(|(n, e)| {
                    format!(
                        "{}: {}",
                        lang.t(&format!("fv-skm-{e}")),
                        lang.t(&format!("fv-skm-score-{}", n.as_u64().unwrap_or(0)))
                    )
                })
                .collect();
            let mut out = parts.join("; ");
            if let Some(c) = v["rating"]["comment"].as_str() {
                out.push_str(&format!(" — “{c}”"));
            }
            out
        });
        visits.push(VisitItem {
            code,
            when: start.map_or_else(String::new, |t| when(lang, t, zone)),
            facility: f.map_or_else(|| s(&v["facility"]).unwrap_or_default(), |f| f.name.clone()),
            status,
            reason: crate::family::visits::reason_label(lang, v["reason"].as_str()),
            rating,
        });
    }
    visits.reverse();
    Ok(DataPage {
        chrome: Chrome::new(lang, "fv-title-data", "/data-saya").signed_in(&family.session.csrf),
        person,
        links,
        visits,
        error,
    })
}

async fn get_data(State(state): State<AppState>, family: Family) -> Page {
    let visitor = family.visitor()?.clone();
    let t = data_page(&state, &family, &visitor, None).await?;
    Ok(page(&t, StatusCode::OK))
}

async fn get_json(State(state): State<AppState>, family: Family) -> Page {
    let lang = family.lang;
    let visitor = family.visitor()?.clone();
    let x = state
        .db
        .export_visitor(visitor.id)
        .await
        .map_err(storage(lang))?;
    let body = serde_json::to_string_pretty(&x).unwrap_or_else(|_| x.to_string());
    let mut res = (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response();
    res.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"jenguk-data-saya.json\""),
    );
    Ok(private(res))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DeleteForm {
    csrf: String,
    confirm: String,
}

async fn post_delete(
    State(state): State<AppState>,
    family: Family,
    headers: HeaderMap,
    body: Result<Form<DeleteForm>, FormRejection>,
) -> Page {
    let lang = family.lang;
    let f = form(body, lang)?;
    check_post(&family, &headers, &f.csrf)?;
    let visitor = family.visitor()?.clone();
    if f.confirm != "yes" {
        let t = data_page(
            &state,
            &family,
            &visitor,
            Some(lang.t("fv-data-delete-confirm-missing")),
        )
        .await?;
        return Err(page(&t, StatusCode::UNPROCESSABLE_ENTITY));
    }
    state
        .db
        .delete_visitor(visitor.id, Timestamp::now())
        .await
        .map_err(storage(lang))?;
    let mut res = see_other(DELETED_REDIRECT);
    res.headers_mut()
        .append(header::SET_COOKIE, clear_session_cookie());
    Ok(private(res))
}

/// The notice shown after an account was deleted (for the start page's `?notice=`).
pub fn deleted_notice(lang: Lang) -> String {
    lang.t("fv-data-deleted")
}
