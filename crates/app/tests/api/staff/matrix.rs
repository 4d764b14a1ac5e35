//! The role × route matrix: every console route, every role, a record of its own facility and
//! of another → the expected allow or deny. A deny answers 403, changes nothing (no audit
//! event other than the refusal itself) and is written to the audit trail as `staff.denied`.
//!
//! Each area of the console adds its routes to `all_cases` with a function of its own.

use jenguk_storage::Role;
use jenguk_web::staff::perm::Can;
use reqwest::StatusCode;

use super::{
    ADMIN_SERANG, NATIONAL, OFFICER_SERANG, OPERATOR_MAKASSAR, OPERATOR_SERANG, StaffBrowser,
};
use crate::helpers::{TestApp, spawn_app};

/// Which facility's record a route touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// The facility the user works on (no record of a particular facility).
    Own,
    /// A record of RUTAN-SERANG.
    Serang,
    /// A record of LAPAS-MAKASSAR.
    Makassar,
}

/// One route to try.
#[derive(Debug, Clone)]
pub struct Case {
    pub post: bool,
    pub path: String,
    pub form: Vec<(String, String)>,
    pub can: Can,
    pub at: At,
}

impl Case {
    pub fn get(path: &str, can: Can, at: At) -> Case {
        Case {
            post: false,
            path: path.to_string(),
            form: Vec::new(),
            can,
            at,
        }
    }

    pub fn post(path: &str, form: &[(&str, &str)], can: Can, at: At) -> Case {
        Case {
            post: true,
            path: path.to_string(),
            form: form
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            can,
            at,
        }
    }
}

/// The users tried on every route: (account, role, facility code or none).
const USERS: [((&str, &str), Role, Option<&str>); 5] = [
    (NATIONAL, Role::NationalAdmin, None),
    (ADMIN_SERANG, Role::FacilityAdmin, Some("serang")),
    (OPERATOR_SERANG, Role::Operator, Some("serang")),
    (OFFICER_SERANG, Role::Officer, Some("serang")),
    (OPERATOR_MAKASSAR, Role::Operator, Some("makassar")),
];

fn expected(case: &Case, role: Role, facility: Option<&str>) -> bool {
    if !case.can.allows(role) {
        return false;
    }
    match (case.at, facility) {
        (At::Own, _) | (_, None) => true,
        (At::Serang, Some(f)) => f == "serang",
        (At::Makassar, Some(f)) => f == "makassar",
    }
}

async fn audit_counts(app: &TestApp) -> (usize, usize) {
    let all = app.db.audit_events(None, 1_000_000).await.unwrap();
    let denied = all.iter().filter(|e| e.action == "staff.denied").count();
    (denied, all.len() - denied)
}

/// Tries every case as every user: case by case, the users who must be refused first (so
/// each refusal meets the record intact), then those allowed (who may change it).
pub async fn check(app: &TestApp, cases: &[Case]) {
    let mut browsers = Vec::new();
    for (who, _, _) in USERS {
        browsers.push(StaffBrowser::login(app, who).await);
    }
    for case in cases {
        let mut order: Vec<usize> = (0..USERS.len()).collect();
        order.sort_by_key(|&i| expected(case, USERS[i].1, USERS[i].2));
        for i in order {
            let (who, role, facility) = USERS[i];
            let b = &mut browsers[i];
            let allow = expected(case, role, facility);
            let before = audit_counts(app).await;
            let form: Vec<(&str, &str)> = case
                .form
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let page = if case.post {
                b.post(&case.path, &form).await
            } else {
                b.get(&case.path).await
            };
            let after = audit_counts(app).await;
            let label = format!(
                "{} {} {} as {} ({role:?})",
                if case.post { "POST" } else { "GET" },
                case.path,
                case.form.len(),
                who.0
            );
            assert!(
                !page.status.is_server_error(),
                "{label}: server error {}",
                page.status
            );
            if allow {
                assert_ne!(
                    page.status,
                    StatusCode::FORBIDDEN,
                    "{label}: refused: {}",
                    page.body
                );
            } else {
                assert_eq!(
                    page.status,
                    StatusCode::FORBIDDEN,
                    "{label}: allowed: {}",
                    page.body
                );
                assert_eq!(after.0, before.0 + 1, "{label}: refusal not audited");
                assert_eq!(
                    after.1, before.1,
                    "{label}: a refused request changed something"
                );
            }
        }
    }
}

/// Every console route.
async fn all_cases(app: &TestApp) -> Vec<Case> {
    let mut cases = vec![
        Case::get("/staff", Can::SignedIn, At::Own),
        Case::post(
            "/staff/facility",
            &[("facility", "RUTAN-SERANG")],
            Can::Nationwide,
            At::Own,
        ),
    ];
    cases.extend(super::approvals::cases(app).await);
    cases.extend(super::visitors::cases(app).await);
    cases.extend(super::book::cases(app).await);
    cases.extend(super::board::cases(app).await);
    cases.extend(super::inmates::cases(app).await);
    cases.extend(super::schedule::cases(app).await);
    cases.extend(super::account::cases(app).await);
    cases.extend(crate::call::cases(app).await);
    cases.extend(super::monitor::cases(app).await);
    cases.extend(super::kiosks::cases(app).await);
    cases
}

#[tokio::test]
async fn every_console_route_allows_exactly_the_roles_and_facilities_it_should() {
    let app = spawn_app().await;
    let cases = all_cases(&app).await;
    check(&app, &cases).await;
    app.stop().await;
}
