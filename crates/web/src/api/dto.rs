//! The API's request and response bodies (documented in the OpenAPI document).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An error: a stable code and a message in the request's language.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code, e.g. `slot_full`, `invalid_nik`, `missing_token`.
    pub error: String,
    /// The message, translated (Bahasa Indonesia by default).
    pub message: String,
    /// For a refused booking: every reason, most important first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasons: Option<Vec<String>>,
}

/// Username and password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A staff account.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// `national_admin`, `facility_admin`, `operator` or `officer`.
    pub role: String,
    /// The facility's code (none for a national administrator).
    pub facility: Option<String>,
}

/// A new API token.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    /// Bearer token: send as `Authorization: Bearer <token>`.
    pub token: String,
    /// RFC 3339 instant when it stops working.
    pub expires_at: String,
    /// Whose it is.
    pub user: UserOut,
}

/// A staff account to create.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUserBody {
    /// Login name.
    pub username: String,
    /// Password (at least 10 characters).
    pub password: String,
    /// Role.
    pub role: String,
    /// Facility code (required except for `national_admin`).
    pub facility: Option<String>,
}

/// A facility's visiting policy.
#[derive(Debug, Serialize, Deserialize, ToSchema, Clone)]
pub struct PolicyDto {
    /// Default slot length, minutes.
    pub slot_minutes: u16,
    /// Earliest booking, days ahead.
    pub min_days_ahead: u16,
    /// Latest booking, days ahead.
    pub max_days_ahead: u16,
    /// Cut-off before a slot, minutes.
    pub cutoff_minutes: u32,
    /// Family visits per inmate per week.
    pub max_visits_per_inmate_per_week: u16,
    /// Family visits per visitor per week.
    pub max_visits_per_visitor_per_week: u16,
    /// People per visit.
    pub max_people_per_visit: u16,
    /// Whether family visits may be recorded.
    pub record_family_visits: bool,
}

/// A facility.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacilityOut {
    /// Id.
    pub id: i64,
    /// Code, e.g. `RUTAN-SERANG`.
    pub code: String,
    /// Name.
    pub name: String,
    /// `rutan`, `lapas`, `lpka` or `cabang_rutan`.
    pub kind: String,
    /// Class.
    pub class: String,
    /// Province.
    pub province: String,
    /// IANA zone.
    pub time_zone: String,
    /// WIB, WITA or WIT.
    pub zone: String,
    /// Visiting policy.
    pub policy: PolicyDto,
}

/// A facility to create.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewFacilityBody {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Class.
    #[serde(default)]
    pub class: String,
    /// Province.
    #[serde(default)]
    pub province: String,
    /// IANA zone.
    pub time_zone: String,
    /// Policy (defaults when absent).
    pub policy: Option<PolicyDto>,
}

/// A booth.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoothOut {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Active.
    pub active: bool,
}

/// A booth to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewBoothBody {
    /// Name.
    pub name: String,
}

/// A weekly session template.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateOut {
    /// Id.
    pub id: i64,
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: i8,
    /// Local start, `HH:MM`.
    pub start: String,
    /// Local end, `HH:MM`.
    pub end: String,
    /// Slot length, minutes.
    pub slot_minutes: u16,
    /// Visits at once.
    pub capacity: u16,
    /// First date.
    pub valid_from: String,
    /// Last date (inclusive).
    pub valid_to: Option<String>,
    /// `family` or `legal`.
    pub kind: String,
}

/// A template to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTemplateBody {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    pub weekday: i8,
    /// Local start, `HH:MM`.
    pub start: String,
    /// Local end, `HH:MM`.
    pub end: String,
    /// Slot length (default: the facility's policy).
    pub slot_minutes: Option<u16>,
    /// Visits at once.
    pub capacity: u16,
    /// First date (default: today).
    pub valid_from: Option<String>,
    /// Last date.
    pub valid_to: Option<String>,
    /// `family` (default) or `legal`.
    pub kind: Option<String>,
}

/// A date without visits.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ExcludedDateDto {
    /// Local date.
    pub date: String,
    /// Why.
    pub reason: String,
}

/// A one-off session.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ExtraSessionDto {
    /// Id (in responses).
    #[serde(default)]
    pub id: i64,
    /// Local date.
    pub date: String,
    /// Local start.
    pub start: String,
    /// Local end.
    pub end: String,
    /// Slot length.
    pub slot_minutes: Option<u16>,
    /// Visits at once.
    pub capacity: u16,
    /// `family` (default) or `legal`.
    pub kind: Option<String>,
    /// Why.
    pub reason: String,
}

/// A slot.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotOut {
    /// RFC 3339 with the facility's offset.
    pub start: String,
    /// RFC 3339 with the facility's offset.
    pub end: String,
    /// `family` or `legal`.
    pub kind: String,
    /// Visits at once.
    pub capacity: u16,
    /// Active visits.
    pub booked: u32,
    /// Places left.
    pub free: u32,
}

/// An inmate.
#[derive(Debug, Serialize, ToSchema)]
pub struct InmateOut {
    /// Id.
    pub id: i64,
    /// Facility code.
    pub facility: String,
    /// Registration number.
    pub reg_number: String,
    /// Name.
    pub name: String,
    /// `tahanan` or `narapidana`.
    pub status: String,
    /// Block.
    pub block: Option<String>,
    /// Visits suspended until (exclusive).
    pub visits_suspended_until: Option<String>,
    /// Why.
    pub suspension_reason: Option<String>,
    /// Released.
    pub released: bool,
}

/// An inmate to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewInmateBody {
    /// Registration number, e.g. `B.I 123/2021`.
    pub reg_number: String,
    /// Name.
    pub name: String,
    /// `tahanan` or `narapidana`.
    pub status: String,
    /// Block.
    pub block: Option<String>,
}

/// A suspension of visits (absent `until` lifts it).
#[derive(Debug, Deserialize, ToSchema)]
pub struct SuspensionBody {
    /// Suspended until this date (exclusive).
    pub until: Option<String>,
    /// Why.
    pub reason: Option<String>,
}

/// A visitor (NIK masked).
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitorOut {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Masked NIK.
    pub nik_masked: String,
    /// E.164 mobile number.
    pub phone: String,
    /// Banned until (exclusive).
    pub banned_until: Option<String>,
}

/// A visitor to register (on behalf of a family).
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewVisitorBody {
    /// Name as on the KTP.
    pub name: String,
    /// NIK, 16 digits.
    pub nik: String,
    /// Mobile number, any Indonesian form.
    pub phone: String,
}

/// A visitor–inmate link.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkOut {
    /// Id.
    pub id: i64,
    /// Visitor.
    pub visitor_id: i64,
    /// Inmate.
    pub inmate_id: i64,
    /// `parent`, `spouse`, `child`, `sibling`, `other_family`, `legal_counsel`.
    pub relationship: String,
    /// `pending`, `approved`, `rejected`, `revoked`.
    pub status: String,
    /// Why rejected or revoked.
    pub reason: Option<String>,
    /// Permit number (tahanan).
    pub permit_number: Option<String>,
    /// Permit expiry (tahanan).
    pub permit_expires: Option<String>,
}

/// A link to ask for.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewLinkBody {
    /// Visitor.
    pub visitor_id: i64,
    /// Inmate.
    pub inmate_id: i64,
    /// Relationship.
    pub relationship: String,
    /// Permit number (tahanan).
    pub permit_number: Option<String>,
    /// Permit expiry.
    pub permit_expires: Option<String>,
}

/// An approval.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ApproveBody {
    /// Permit number (required for a tahanan).
    pub permit_number: Option<String>,
    /// Permit expiry (required for a tahanan).
    pub permit_expires: Option<String>,
}

/// A reason.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ReasonBody {
    /// Why.
    pub reason: Option<String>,
}

/// A booking.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewVisitBody {
    /// Facility code.
    pub facility: String,
    /// The slot's start, RFC 3339.
    pub start: String,
    /// Inmate.
    pub inmate_id: i64,
    /// Visitor.
    pub visitor_id: i64,
    /// `family` (default) or `legal`.
    pub kind: Option<String>,
    /// People, the visitor included (default 1).
    pub people: Option<u16>,
}

/// A visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitOut {
    /// Id.
    pub id: i64,
    /// Visit code, `XXXX-XXXX`.
    pub code: String,
    /// Facility code.
    pub facility: String,
    /// Inmate.
    pub inmate_id: i64,
    /// Visitor.
    pub visitor_id: i64,
    /// `family` or `legal`.
    pub kind: String,
    /// RFC 3339 with the facility's offset.
    pub start: String,
    /// RFC 3339 with the facility's offset.
    pub end: String,
    /// People.
    pub people: u16,
    /// Status.
    pub status: String,
    /// Why.
    pub status_reason: Option<String>,
    /// Booth.
    pub booth_id: Option<i64>,
    /// When booked.
    pub created_at: String,
}

/// An outcome.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OutcomeBody {
    /// `completed`, `no_show`, `refused` or `terminated`.
    pub outcome: String,
    /// Why (required for `terminated`).
    pub reason: Option<String>,
}

/// One audit row.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditOut {
    /// Id.
    pub id: i64,
    /// When, RFC 3339.
    pub at: String,
    /// Who.
    pub user_id: Option<i64>,
    /// Facility.
    pub facility_id: Option<i64>,
    /// What.
    pub action: String,
    /// Kind of record.
    pub target_type: String,
    /// Which record.
    pub target_id: String,
    /// Details.
    pub detail: serde_json::Value,
    /// From where.
    pub source: Option<String>,
}
