//! One visit's page: the code large, its QR while the visit can still be joined, the join
//! link, and what the family can still do with it.

use std::fmt::Write as _;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use jenguk_domain::VisitStatus;
use jiff::Timestamp;

use super::{
    Names, Page, before_cutoff, done_notice, family_visit, finished, has_rating, join_url, page,
    reason_label, status_label, still_open, visit_path, when,
};
use crate::AppState;
use crate::family::page::Chrome;
use crate::family::session::Family;

#[derive(Template)]
#[template(path = "family/visit.html")]
struct VisitPage {
    chrome: Chrome,
    notice: Option<String>,
    code: String,
    path: String,
    qr: String,
    join: String,
    when: String,
    length: String,
    facility: String,
    inmate: String,
    people: String,
    /// The co-visitors named at booking.
    companions: Vec<String>,
    status: String,
    reason: Option<String>,
    requested: bool,
    active: bool,
    can_change: bool,
    late: Option<String>,
    can_rate: bool,
    rated: bool,
}

pub(super) async fn get_visit(
    State(state): State<AppState>,
    family: Family,
    RawQuery(query): RawQuery,
    Path(code): Path<String>,
) -> Page {
    let lang = family.lang;
    let v = family_visit(&state, &family, &code).await?;
    let now = Timestamp::now();
    let mut names = Names::new(&state);
    let (facility, inmate) = names.of_visit(&v, lang).await?;
    let join = join_url(&state, &v.code);
    let status = v.visit.status;
    let active = status.is_active() && v.visit.end > now;
    let open = still_open(&v, now);
    let in_time = before_cutoff(&v, &facility, now);
    let rateable = finished(status);
    let rated = rateable && has_rating(&state, &v, lang).await?;
    let companions = state
        .db
        .visit_companions(v.visit.id)
        .await
        .map_err(super::storage(lang))?
        .iter()
        .map(|c| crate::family::book::companions::describe(lang, c))
        .collect();
    let minutes = (v.visit.end.as_second() - v.visit.start.as_second()) / 60;
    let path = visit_path(&v.code);
    let t = VisitPage {
        chrome: Chrome::new(lang, "fv-title-visit", &path).signed_in(&family.session.csrf),
        notice: done_notice(lang, query.as_deref()),
        code: v.code.to_string(),
        qr: if active {
            qr_svg(&join, &lang.t("fv-visit-qr-label"))
        } else {
            String::new()
        },
        join,
        when: when(lang, v.visit.start, &v.time_zone),
        length: lang.t_args("fv-visit-length", &[("minutes", minutes.to_string())]),
        facility: facility.name.clone(),
        inmate: inmate.name.as_str().to_string(),
        people: lang.t_args("fv-visit-people", &[("count", v.visit.people.to_string())]),
        companions,
        status: status_label(lang, status),
        reason: reason_label(lang, v.visit.status_reason.as_deref()),
        requested: status == VisitStatus::Requested,
        active,
        can_change: open && in_time,
        late: (open && !in_time).then(|| {
            lang.t_args(
                "fv-visit-late",
                &[("minutes", facility.policy.cutoff_minutes.to_string())],
            )
        }),
        can_rate: rateable && !rated,
        rated,
        path,
    };
    Ok(page(&t, StatusCode::OK))
}

/// The QR code of a text as a small inline SVG: one path, dark runs merged per row, a
/// quiet zone of four modules, scaled by the browser.
pub(super) fn qr_svg(data: &str, label: &str) -> String {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M)
    else {
        return String::new();
    };
    let w = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let size = w + 2 * quiet;
    let mut d = String::new();
    for y in 0..w {
        let mut x = 0;
        while x < w {
            if colors[y * w + x] == qrcode::Color::Dark {
                let from = x;
                while x < w && colors[y * w + x] == qrcode::Color::Dark {
                    x += 1;
                }
                let _ = write!(
                    d,
                    "M{} {}h{}v1H{}z",
                    from + quiet,
                    y + quiet,
                    x - from,
                    from + quiet
                );
            } else {
                x += 1;
            }
        }
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="220" height="220" style="max-width:100%;height:auto" role="img" aria-label="{}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path d="{d}"/></svg>"##,
        escape_attr(label)
    )
}

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
