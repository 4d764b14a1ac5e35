//! The console's inmate pages: list, view/edit, CSV import with preview, transfer,
//! release, suspension — and every route in the role × route matrix.

mod import;
mod moves;
mod view;

use jenguk_domain::{Facility, FacilityCode, Inmate, InmateStatus, PersonName, RegNumber};
use jenguk_storage::{AuditEvent, InmateSearch, NewInmate};
use jenguk_web::staff::perm::Can;

use super::matrix::{At, Case};
use super::{Page, StaffBrowser};
use crate::helpers::TestApp;

pub async fn facility(app: &TestApp, code: &str) -> Facility {
    app.db
        .facility(&FacilityCode::parse(code).unwrap())
        .await
        .unwrap()
}

pub async fn inmate_by_reg(app: &TestApp, code: &str, reg: &str) -> Option<Inmate> {
    let f = facility(app, code).await;
    app.db
        .search_inmates(
            f.id,
            &InmateSearch {
                query: Some(reg.to_string()),
                limit: 5,
                offset: 0,
            },
        )
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.reg_number.as_str() == reg)
}

pub async fn new_inmate(app: &TestApp, code: &str, reg: &str, name: &str) -> Inmate {
    let f = facility(app, code).await;
    app.db
        .create_inmate(
            f.id,
            &NewInmate {
                reg_number: RegNumber::parse(reg).unwrap(),
                name: PersonName::parse(name).unwrap(),
                status: InmateStatus::Narapidana,
                block: None,
            },
            &AuditEvent::cli(),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap()
}

/// Runs one SQL statement on the test database (to set up what the API cannot: a visit in
/// the past).
pub async fn exec(app: &TestApp, sql: &str) {
    use sqlx::Connection;
    if app.database_url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(&app.database_url)
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut c)
            .await
            .unwrap();
    } else {
        let mut c = sqlx::SqliteConnection::connect(&app.database_url)
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut c)
            .await
            .unwrap();
    }
}

/// Every inmate route, with an inmate in Serang and one in Makassar (and one of each to
/// release). Allowed transfers name the inmate's own facility (refused as bad input, 422),
/// so the inmates stay where the next users expect them; the import posts carry no file or
/// an unknown token (bad input for allowed users); the other posts succeed.
pub async fn cases(app: &TestApp) -> Vec<Case> {
    let until = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .saturating_add(jiff::Span::new().days(20))
        .to_string();
    let mut cases = vec![
        Case::get("/staff/inmates", Can::Operate, At::Own),
        Case::get(
            "/staff/inmates?q=a&status=tahanan&state=active&page=2",
            Can::Operate,
            At::Own,
        ),
        Case::get("/staff/inmates/import", Can::Operate, At::Own),
        Case::post("/staff/inmates/import", &[], Can::Operate, At::Own),
        Case::post(
            "/staff/inmates/import/confirm",
            &[("token", "no-such-token")],
            Can::Operate,
            At::Own,
        ),
    ];
    for (code, at, n) in [
        ("RUTAN-SERANG", At::Serang, 1),
        ("LAPAS-MAKASSAR", At::Makassar, 2),
    ] {
        let i = new_inmate(app, code, &format!("M.X {n}/2026"), "Matriks Satu").await;
        let r = new_inmate(app, code, &format!("M.R {n}/2026"), "Matriks Dua").await;
        let p = format!("/staff/inmates/{}", i.id.0);
        let pr = format!("/staff/inmates/{}", r.id.0);
        cases.extend([
            Case::get(&p, Can::Operate, at),
            Case::post(
                &p,
                &[
                    ("reg_number", i.reg_number.as_str()),
                    ("name", "Matriks Satu"),
                    ("status", "narapidana"),
                    ("block", "B"),
                ],
                Can::Operate,
                at,
            ),
            Case::get(&format!("{p}/transfer"), Can::Operate, at),
            Case::post(
                &format!("{p}/transfer"),
                &[("facility", code)],
                Can::Operate,
                at,
            ),
            Case::get(&format!("{p}/suspend"), Can::Operate, at),
            Case::post(
                &format!("{p}/suspend"),
                &[("until", until.as_str()), ("reason", "Pemeriksaan")],
                Can::Operate,
                at,
            ),
            Case::post(&format!("{p}/lift"), &[], Can::Operate, at),
            Case::get(&format!("{pr}/release"), Can::Operate, at),
            Case::post(&format!("{pr}/release"), &[], Can::Operate, at),
        ]);
    }
    cases
}

impl StaffBrowser {
    /// Posts a multipart form without adding the CSRF token.
    pub async fn post_raw_multipart(&mut self, path: &str, form: reqwest::multipart::Form) -> Page {
        let req = self
            .client
            .post(format!("{}{path}", self.url))
            .header("origin", &self.url)
            .multipart(form);
        self.send(req).await
    }
}
