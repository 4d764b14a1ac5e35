//! Staff accounts (`/staff/users`, Can::Configure): a facility administrator manages the
//! operators and officers of its facility; a national administrator every account, and
//! creates facility and national administrators. Deactivate/reactivate, a temporary password
//! and resetting the second factor end the account's sessions. The facility's setting that
//! makes TOTP mandatory for its operators sits here too.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jenguk_domain::{FacilityCode, FacilityId, UserId};
use jenguk_storage::{Role, StaffAccount};
use serde::Deserialize;

use crate::AppState;
use crate::family::page::render;
use crate::i18n::Lang;
use crate::staff::account::user_error;
use crate::staff::page::{StaffChrome, StaffError};
use crate::staff::perm::Can;
use crate::staff::session::Staff;

/// The staff account routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/users", get(get_users).post(post_create))
        .route("/staff/users/totp-policy", post(post_policy))
        .route("/staff/users/{id}/active", post(post_active))
        .route("/staff/users/{id}/password", post(post_password))
        .route("/staff/users/{id}/totp", post(post_totp))
}

/// One account as listed.
struct Row {
    id: i64,
    username: String,
    role: String,
    facility: String,
    active: bool,
    totp: bool,
    locked: String,
    manage: bool,
    me: bool,
}

#[derive(Template)]
#[template(path = "staff/users.html")]
struct UsersPage {
    chrome: StaffChrome,
    notice: String,
    error: String,
    rows: Vec<Row>,
    /// (value, label) of the roles this user may create.
    roles: Vec<(&'static str, String)>,
    /// (code, name) of the facilities to pick from (national administrators only).
    facilities: Vec<(String, String)>,
    /// The facility whose TOTP setting is shown: (name, operators need TOTP).
    policy: Option<(String, bool)>,
    form_username: String,
    form_role: String,
}

fn role_label(lang: Lang, role: Role) -> String {
    lang.t(&format!("staff-role-{}", role.as_str().replace('_', "-")))
}

/// Whether this staff member manages that account: a national administrator every one, a
/// facility administrator the operators and officers of its facility.
fn manages(staff: &Staff, a: &StaffAccount) -> bool {
    match staff.user.role {
        Role::NationalAdmin => true,
        Role::FacilityAdmin => {
            matches!(a.user.role, Role::Operator | Role::Officer)
                && a.user.facility_id.is_some()
                && a.user.facility_id == staff.user.facility_id
        }
        _ => false,
    }
}

fn creatable(role: Role) -> &'static [Role] {
    match role {
        Role::NationalAdmin => &Role::ALL,
        Role::FacilityAdmin => &[Role::Operator, Role::Officer],
        _ => &[],
    }
}

async fn page(
    state: &AppState,
    staff: &Staff,
    notice: String,
    error: String,
    form: Option<&CreateForm>,
) -> Result<Response, StaffError> {
    staff.require(state, Can::Configure).await?;
    let lang = staff.lang;
    let e = |e| StaffError::from_storage(e, lang);
    let national = staff.user.role == Role::NationalAdmin;
    let scope = if national {
        None
    } else {
        Some(staff.facility_for(state, Can::Configure).await?.id)
    };
    let all_facilities = state.db.facilities().await.map_err(e)?;
    let code_of = |id: Option<FacilityId>| {
        id.and_then(|id| all_facilities.iter().find(|f| f.id == id))
            .map(|f| f.code.to_string())
            .unwrap_or_default()
    };
    let now = jiff::Timestamp::now();
    let rows = state
        .db
        .staff_accounts(scope)
        .await
        .map_err(e)?
        .into_iter()
        .map(|a| Row {
            id: a.user.id.0,
            role: role_label(lang, a.user.role),
            facility: code_of(a.user.facility_id),
            active: a.active,
            totp: a.totp_enabled,
            locked: a
                .locked_until
                .filter(|u| *u > now)
                .map(|u| u.strftime("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default(),
            manage: manages(staff, &a),
            me: a.user.id == staff.user.id,
            username: a.user.username,
        })
        .collect();
    let policy = match &staff.facility {
        Some(f) => Some((
            f.name.clone(),
            state.db.operators_need_totp(f.id).await.map_err(e)?,
        )),
        None => None,
    };
    let mut res = render(&UsersPage {
        chrome: staff.chrome("staff-users-title"),
        error: error.clone(),
        notice,
        rows,
        roles: creatable(staff.user.role)
            .iter()
            .map(|r| (r.as_str(), role_label(lang, *r)))
            .collect(),
        facilities: if national {
            all_facilities
                .iter()
                .map(|f| (f.code.to_string(), f.name.clone()))
                .collect()
        } else {
            Vec::new()
        },
        policy,
        form_username: form.map(|f| f.username.clone()).unwrap_or_default(),
        form_role: form.map(|f| f.role.clone()).unwrap_or_default(),
    });
    if !error.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn get_users(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<DoneQuery>,
) -> Result<Response, StaffError> {
    let notice = match q.done.as_deref() {
        Some(d @ ("created" | "deactivated" | "reactivated" | "password" | "totp" | "policy")) => {
            staff.lang.t(&format!("staff-users-done-{d}"))
        }
        _ => String::new(),
    };
    page(&state, &staff, notice, String::new(), None).await
}

#[derive(Deserialize)]
struct CreateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    facility: String,
    #[serde(default)]
    password: String,
}

async fn post_create(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<CreateForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    staff.require(&state, Can::Configure).await?;
    let lang = staff.lang;
    let Some(role) = Role::parse(&f.role) else {
        let msg = lang.t("staff-users-role-required");
        return page(&state, &staff, String::new(), msg, Some(&f)).await;
    };
    if !creatable(staff.user.role).contains(&role) {
        return Err(staff.deny(&state, Can::Nationwide, None).await);
    }
    let facility = match (staff.user.role, role) {
        (_, Role::NationalAdmin) => None,
        (Role::NationalAdmin, _) => {
            let found = match FacilityCode::parse(&f.facility) {
                Ok(code) => state.db.facility(&code).await.ok(),
                Err(_) => None,
            };
            match found {
                Some(fac) => Some(fac.id),
                None => {
                    let msg = lang.t("staff-users-facility-required");
                    return page(&state, &staff, String::new(), msg, Some(&f)).await;
                }
            }
        }
        _ => Some(staff.facility_for(&state, Can::Configure).await?.id),
    };
    if let Some(fid) = facility {
        staff.require_at(&state, Can::Configure, fid).await?;
    }
    let r = state
        .db
        .create_user(
            &f.username,
            &f.password,
            role,
            facility,
            &staff.who(),
            jiff::Timestamp::now(),
        )
        .await;
    match r {
        Ok(_) => Ok(Redirect::to("/staff/users?done=created").into_response()),
        Err(e) => {
            let msg = user_error(lang, e)?;
            page(&state, &staff, String::new(), msg, Some(&f)).await
        }
    }
}

/// The account an action is about, after checking that this staff member manages it
/// (refusals are audited).
async fn target(state: &AppState, staff: &Staff, id: i64) -> Result<StaffAccount, StaffError> {
    staff.require(state, Can::Configure).await?;
    let a = state
        .db
        .staff_account(UserId(id))
        .await
        .map_err(|e| StaffError::from_storage(e, staff.lang))?;
    match a.user.facility_id {
        Some(f) => staff.require_at(state, Can::Configure, f).await?,
        None => staff.require(state, Can::Nationwide).await?,
    }
    if !manages(staff, &a) {
        return Err(staff.deny(state, Can::Nationwide, a.user.facility_id).await);
    }
    Ok(a)
}

#[derive(Deserialize)]
struct ActiveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    active: String,
}

async fn post_active(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let a = target(&state, &staff, id).await?;
    let active = f.active == "1";
    if !active && a.user.id == staff.user.id {
        let msg = staff.lang.t("staff-users-not-yourself");
        return page(&state, &staff, String::new(), msg, None).await;
    }
    state
        .db
        .set_staff_active(&a.user, active, &staff.who(), jiff::Timestamp::now())
        .await
        .map_err(|e| StaffError::from_storage(e, staff.lang))?;
    let done = if active { "reactivated" } else { "deactivated" };
    Ok(Redirect::to(&format!("/staff/users?done={done}")).into_response())
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

async fn post_password(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<PasswordForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let a = target(&state, &staff, id).await?;
    let r = state
        .db
        .reset_staff_password(&a.user, &f.password, &staff.who(), jiff::Timestamp::now())
        .await;
    match r {
        Ok(()) => Ok(Redirect::to("/staff/users?done=password").into_response()),
        Err(e) => {
            let msg = user_error(staff.lang, e)?;
            page(&state, &staff, String::new(), msg, None).await
        }
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn post_totp(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let a = target(&state, &staff, id).await?;
    state
        .db
        .reset_staff_totp(&a.user, &staff.who(), jiff::Timestamp::now())
        .await
        .map_err(|e| StaffError::from_storage(e, staff.lang))?;
    Ok(Redirect::to("/staff/users?done=totp").into_response())
}

#[derive(Deserialize)]
struct PolicyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    on: String,
}

async fn post_policy(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<PolicyForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&f.csrf)?;
    let facility = staff.facility_for(&state, Can::Configure).await?;
    staff
        .require_at(&state, Can::Configure, facility.id)
        .await?;
    state
        .db
        .set_operators_need_totp(
            facility.id,
            f.on == "1",
            &staff.who(),
            jiff::Timestamp::now(),
        )
        .await
        .map_err(|e| StaffError::from_storage(e, staff.lang))?;
    Ok(Redirect::to("/staff/users?done=policy").into_response())
}
