//! `/staff/inmates/import`: upload a CSV export, see what it would do (new, updated,
//! unchanged, every bad row by line and reason) without anything written, then confirm.
//! The parsed rows wait server-side under a random token for the same user and facility
//! (`Db::stage_import`); the confirmation imports them in one transaction.

use askama::Template;
use axum::Form;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jenguk_storage::{CsvEncoding, CsvError, EXPECTED_HEADER, MAX_ROWS, RowProblem};
use serde::Deserialize;

use super::{IMPORT_LIMIT, storage_error};
use crate::AppState;
use crate::family::page::render;
use crate::i18n::Lang;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::Staff;

#[derive(Deserialize, Default)]
pub(super) struct DoneQuery {
    created: Option<u64>,
    updated: Option<u64>,
    unchanged: Option<u64>,
    skipped: Option<u64>,
}

#[derive(Template)]
#[template(path = "staff/inmates/import.html")]
struct ImportPage {
    chrome: StaffChrome,
    error: String,
    notice: String,
    expected: &'static str,
    max_mib: usize,
}

/// One bad row as shown.
struct BadLine {
    line: u64,
    reason: String,
}

#[derive(Template)]
#[template(path = "staff/inmates/preview.html")]
struct PreviewPage {
    chrome: StaffChrome,
    file: String,
    token: String,
    created: u64,
    updated: u64,
    unchanged: u64,
    good: usize,
    bad: Vec<BadLine>,
    windows1252: bool,
    semicolon: bool,
}

fn form_page(staff: &Staff, error: String, notice: String) -> Response {
    let mut res = render(&ImportPage {
        chrome: staff.chrome("staff-inmates-import-title"),
        error: error.clone(),
        notice,
        expected: EXPECTED_HEADER,
        max_mib: IMPORT_LIMIT / (1024 * 1024),
    });
    if !error.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

pub(super) async fn get_import(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<DoneQuery>,
) -> Result<Response, StaffError> {
    staff.facility_for(&state, Can::Operate).await?;
    let notice = match (q.created, q.updated, q.unchanged) {
        (Some(c), Some(u), Some(n)) => staff.lang.t_args(
            "staff-inmates-import-done",
            &[
                ("count", c.to_string()),
                ("n", u.to_string()),
                ("value", n.to_string()),
                ("max", q.skipped.unwrap_or(0).to_string()),
            ],
        ),
        _ => String::new(),
    };
    Ok(form_page(&staff, String::new(), notice))
}

/// A row problem in the reader's language.
fn problem(lang: Lang, p: &RowProblem) -> String {
    let text = |e: &str| lang.t(&format!("staff-inmates-text-{}", e.replace('_', "-")));
    match p {
        RowProblem::RegNumber(e) => lang.t_args("staff-inmates-bad-reg", &[("detail", text(e))]),
        RowProblem::Name(e) => lang.t_args("staff-inmates-bad-name", &[("detail", text(e))]),
        RowProblem::Status(v) => lang.t_args("staff-inmates-bad-status", &[("value", v.clone())]),
        RowProblem::Duplicate(n) => {
            lang.t_args("staff-inmates-bad-duplicate", &[("n", n.to_string())])
        }
        RowProblem::Unreadable(d) => {
            lang.t_args("staff-inmates-bad-unreadable", &[("detail", d.clone())])
        }
    }
}

fn csv_error(lang: Lang, e: &CsvError) -> String {
    match e {
        CsvError::Empty => lang.t("staff-inmates-error-empty"),
        CsvError::Utf16 => lang.t("staff-inmates-error-utf16"),
        CsvError::Header(found) => lang.t_args(
            "staff-inmates-error-header",
            &[
                ("value", EXPECTED_HEADER.to_string()),
                ("detail", found.chars().take(200).collect()),
            ],
        ),
        CsvError::TooManyRows(_) => lang.t_args(
            "staff-inmates-error-too-many",
            &[("max", MAX_ROWS.to_string())],
        ),
    }
}

/// The upload: parse, plan, stage, show the preview. Nothing is imported here.
pub(super) async fn post_import(
    State(state): State<AppState>,
    staff: Staff,
    req: Request,
) -> Result<Response, StaffError> {
    // Role and facility first, so a refusal never reads the upload.
    let facility = staff.facility_for(&state, Can::Operate).await?;
    let lang = staff.lang;
    let mut multipart = match Multipart::from_request(req, &state).await {
        Ok(m) => m,
        Err(_) => {
            return Ok(form_page(
                &staff,
                lang.t("staff-inmates-error-upload"),
                String::new(),
            ));
        }
    };
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(StaffError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    lang,
                    lang.t_args(
                        "staff-inmates-error-too-large",
                        &[("max", (IMPORT_LIMIT / (1024 * 1024)).to_string())],
                    ),
                )
                .back(super::IMPORT_PATH));
            }
            Err(_) => {
                return Ok(form_page(
                    &staff,
                    lang.t("staff-inmates-error-upload"),
                    String::new(),
                ));
            }
        };
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().unwrap_or("").to_string();
        let Ok(bytes) = field.bytes().await else {
            return Ok(form_page(
                &staff,
                lang.t("staff-inmates-error-upload"),
                String::new(),
            ));
        };
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => file = Some((file_name, bytes.to_vec())),
            _ => {}
        }
    }
    staff.check_csrf(&csrf)?;
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Ok(form_page(
            &staff,
            lang.t("staff-inmates-error-no-file"),
            String::new(),
        ));
    };
    let parsed = match jenguk_storage::parse_inmate_csv(&bytes) {
        Ok(p) => p,
        Err(e) => return Ok(form_page(&staff, csv_error(lang, &e), String::new())),
    };
    let plan = state
        .db
        .import_plan(facility.id, &parsed.rows)
        .await
        .map_err(|e| storage_error(e, lang))?;
    let token = state
        .db
        .stage_import(
            facility.id,
            staff.user.id,
            &file_name,
            &parsed.rows,
            parsed.bad.len() as u64,
            jiff::Timestamp::now(),
        )
        .await
        .map_err(|e| storage_error(e, lang))?;
    let bad = parsed
        .bad
        .iter()
        .map(|b| BadLine {
            line: b.line,
            reason: b
                .problems
                .iter()
                .map(|p| problem(lang, p))
                .collect::<Vec<_>>()
                .join("; "),
        })
        .collect();
    Ok(render(&PreviewPage {
        chrome: staff.chrome("staff-inmates-preview-title"),
        file: file_name,
        token,
        created: plan.created,
        updated: plan.updated,
        unchanged: plan.unchanged,
        good: parsed.rows.len(),
        bad,
        windows1252: parsed.encoding == CsvEncoding::Windows1252,
        semicolon: parsed.delimiter == ';',
    }))
}

#[derive(Deserialize)]
pub(super) struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    skip_bad: Option<String>,
}

/// The confirmation: the staged rows in one transaction, then the result.
pub(super) async fn post_confirm(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let facility = staff.facility_for(&state, Can::Operate).await?;
    let (report, staged) = state
        .db
        .confirm_import(
            f.token.trim(),
            facility.id,
            staff.user.id,
            f.skip_bad.is_some(),
            &staff.who(),
            jiff::Timestamp::now(),
        )
        .await
        .map_err(|e| storage_error(e, staff.lang).back(super::IMPORT_PATH))?;
    Ok(Redirect::to(&format!(
        "{}?created={}&updated={}&unchanged={}&skipped={}",
        super::IMPORT_PATH,
        report.created,
        report.updated,
        report.unchanged,
        staged.bad_rows
    ))
    .into_response())
}
