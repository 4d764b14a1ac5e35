//! The audit trail (`/staff/audit`, Can::Audit): a facility administrator reads its
//! facility's events, a national administrator every facility's or one's; filter by date range
//! (in the facility's zone; WIB across facilities), user, action (prefix) and target; newest
//! first, 50 a page. `/staff/audit.csv` exports the same filter (UTF-8 with a byte-order mark,
//! so that Excel reads it right) and is itself audited as `audit.export`. There is no route
//! to change or delete an event (and the database refuses it).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jenguk_domain::{Facility, FacilityCode, UserId};
use jenguk_storage::{AuditFilter, AuditRow, Role};
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::family::page::render;
use crate::family::session::url_escape;
use crate::staff::facilities::zone_abbr;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::Staff;

/// Events per page.
const PAGE: i64 = 50;
/// At most this many rows in one export.
const EXPORT_MAX: i64 = 100_000;

/// The audit trail routes (read only).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/audit", get(get_audit))
        .route("/staff/audit.csv", get(get_csv))
}

#[derive(Deserialize, Default, Clone)]
struct AuditQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    target_type: String,
    #[serde(default)]
    target_id: String,
    #[serde(default)]
    facility: String,
    #[serde(default)]
    page: Option<i64>,
}

impl AuditQuery {
    /// The filter as a query string (without the page).
    fn query_string(&self) -> String {
        [
            ("from", &self.from),
            ("to", &self.to),
            ("user", &self.user),
            ("action", &self.action),
            ("target_type", &self.target_type),
            ("target_id", &self.target_id),
            ("facility", &self.facility),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", url_escape(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// The filter to run, the zone its dates and times are in, and the facility it covers.
struct Scope {
    filter: AuditFilter,
    zone: TimeZone,
    zone_name: String,
    facility: Option<Facility>,
}

fn day_start(day: &str, zone: &TimeZone, plus_one: bool) -> Option<jiff::Timestamp> {
    let d: jiff::civil::Date = day.trim().parse().ok()?;
    let d = if plus_one { d.tomorrow().ok()? } else { d };
    d.to_zoned(zone.clone()).ok().map(|z| z.timestamp())
}

/// Resolves the filter for this staff member: a facility's administrator only ever sees its
/// facility; bad dates are a translated message.
async fn scope(state: &AppState, staff: &Staff, q: &AuditQuery) -> Result<Scope, StaffError> {
    staff.require(state, Can::Audit).await?;
    let lang = staff.lang;
    let facility = if staff.user.role == Role::NationalAdmin {
        match q.facility.trim() {
            "" => None,
            code => {
                let code = FacilityCode::parse(code)
                    .map_err(|_| StaffError::invalid(lang, lang.t("invalid-facility-code")))?;
                Some(
                    state
                        .db
                        .facility(&code)
                        .await
                        .map_err(|e| StaffError::from_storage(e, lang))?,
                )
            }
        }
    } else {
        Some(staff.facility_for(state, Can::Audit).await?)
    };
    if let Some(f) = &facility {
        staff.require_at(state, Can::Audit, f.id).await?;
    }
    let zone_name = facility
        .as_ref()
        .map_or("Asia/Jakarta".to_string(), |f| f.time_zone.clone());
    let zone = TimeZone::get(&zone_name).unwrap_or(TimeZone::UTC);
    let bad_date = || StaffError::invalid(lang, lang.t("invalid-date")).back("/staff/audit");
    let from = match q.from.trim() {
        "" => None,
        d => Some(day_start(d, &zone, false).ok_or_else(bad_date)?),
    };
    let to = match q.to.trim() {
        "" => None,
        d => Some(day_start(d, &zone, true).ok_or_else(bad_date)?),
    };
    let user = match q.user.trim() {
        "" => None,
        name => {
            let name = name.to_ascii_lowercase();
            let users = state
                .db
                .users()
                .await
                .map_err(|e| StaffError::from_storage(e, lang))?;
            Some(
                users
                    .iter()
                    .find(|u| u.username == name)
                    .map_or(UserId(-1), |u| u.id),
            )
        }
    };
    let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(Scope {
        filter: AuditFilter {
            facility: facility.as_ref().map(|f| f.id),
            from,
            to,
            user,
            action: text(&q.action),
            target_type: text(&q.target_type),
            target_id: text(&q.target_id),
        },
        zone,
        zone_name,
        facility,
    })
}

struct Line {
    at: String,
    user: String,
    facility: String,
    action: String,
    target: String,
    detail: String,
    source: String,
}

fn line(r: &AuditRow, zone: &TimeZone) -> Line {
    let e = &r.entry;
    let mut detail = e.detail.to_string();
    if detail.chars().count() > 300 {
        detail = detail.chars().take(300).collect::<String>() + "…";
    }
    Line {
        at: e
            .at
            .to_zoned(zone.clone())
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string(),
        user: r.username.clone().unwrap_or_else(|| "—".into()),
        facility: r.facility_code.clone().unwrap_or_default(),
        action: e.action.clone(),
        target: format!("{} {}", e.target_type, e.target_id),
        detail,
        source: e.source.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "staff/audit.html")]
struct AuditPage {
    chrome: StaffChrome,
    q: AuditQuery,
    national: bool,
    /// (code, name)
    facilities: Vec<(String, String)>,
    zone: String,
    lines: Vec<Line>,
    page_label: String,
    prev: String,
    next: String,
    csv: String,
}

async fn get_audit(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<AuditQuery>,
) -> Result<Response, StaffError> {
    let s = scope(&state, &staff, &q).await?;
    let lang = staff.lang;
    let page = q.page.unwrap_or(1).clamp(1, 100_000);
    let mut rows = state
        .db
        .audit_search(&s.filter, (page - 1) * PAGE, PAGE + 1)
        .await
        .map_err(|e| StaffError::from_storage(e, lang))?;
    let more = rows.len() > usize::try_from(PAGE).unwrap_or(50);
    rows.truncate(usize::try_from(PAGE).unwrap_or(50));
    let qs = q.query_string();
    let link = |p: i64| {
        if qs.is_empty() {
            format!("/staff/audit?page={p}")
        } else {
            format!("/staff/audit?{qs}&page={p}")
        }
    };
    let national = staff.user.role == Role::NationalAdmin;
    let facilities = if national {
        state
            .db
            .facilities()
            .await
            .map_err(|e| StaffError::from_storage(e, lang))?
            .into_iter()
            .map(|f| (f.code.to_string(), f.name))
            .collect()
    } else {
        Vec::new()
    };
    let mut chrome = staff.chrome("staff-audit-title");
    if let Some(f) = &s.facility {
        chrome = chrome.titled(format!("{} · {}", lang.t("staff-audit-title"), f.name));
    }
    Ok(render(&AuditPage {
        chrome,
        national,
        facilities,
        zone: zone_abbr(&s.zone_name).to_string(),
        lines: rows.iter().map(|r| line(r, &s.zone)).collect(),
        page_label: lang.t_args("staff-audit-page", &[("count", page.to_string())]),
        prev: if page > 1 {
            link(page - 1)
        } else {
            String::new()
        },
        next: if more { link(page + 1) } else { String::new() },
        csv: if qs.is_empty() {
            "/staff/audit.csv".into()
        } else {
            format!("/staff/audit.csv?{qs}")
        },
        q,
    }))
}

/// A CSV cell that a spreadsheet will not run as a formula: text starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading apostrophe (a failed login's username, for
/// one, is whatever was typed).
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

async fn get_csv(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<AuditQuery>,
) -> Result<Response, StaffError> {
    let s = scope(&state, &staff, &q).await?;
    let lang = staff.lang;
    let internal = |e: String| {
        tracing::error!(error = %e, "audit export");
        StaffError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            lang,
            lang.t("staff-audit-export-failed"),
        )
    };
    let rows = state
        .db
        .audit_search(&s.filter, 0, EXPORT_MAX)
        .await
        .map_err(|e| StaffError::from_storage(e, lang))?;
    let mut w = csv::Writer::from_writer(Vec::from(&b"\xEF\xBB\xBF"[..]));
    w.write_record([
        "at",
        "user",
        "facility",
        "action",
        "target_type",
        "target_id",
        "detail",
        "source",
    ])
    .map_err(|e| internal(e.to_string()))?;
    for r in &rows {
        let e = &r.entry;
        let at =
            e.at.to_zoned(s.zone.clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string();
        w.write_record([
            at,
            cell(r.username.as_deref().unwrap_or("")),
            cell(r.facility_code.as_deref().unwrap_or("")),
            cell(&e.action),
            cell(&e.target_type),
            cell(&e.target_id),
            cell(&e.detail.to_string()),
            cell(e.source.as_deref().unwrap_or("")),
        ])
        .map_err(|e| internal(e.to_string()))?;
    }
    let body = w.into_inner().map_err(|e| internal(e.to_string()))?;
    state
        .db
        .record_audit(
            &staff.who(),
            s.filter.facility.or(staff.user.facility_id),
            "audit.export",
            "audit",
            s.facility.as_ref().map_or("all", |f| f.code.as_str()),
            json!({ "filter": q.query_string(), "rows": rows.len() }),
            jiff::Timestamp::now(),
        )
        .await
        .map_err(|e| StaffError::from_storage(e, lang))?;
    let name = format!(
        "jenguk-audit-{}.csv",
        jiff::Timestamp::now()
            .to_zoned(s.zone)
            .strftime("%Y%m%d-%H%M")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}
