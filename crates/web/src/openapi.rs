//! The OpenAPI document of the staff API, served at `/api/openapi.json`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api::{auth, dto, facilities, people, visits};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Jenguk staff API",
        description = "Virtual visits for Indonesia's detention centres and prisons. Errors are JSON `{\"error\": code, \"message\": text}`; the message follows `Accept-Language` (id by default, en).",
        version = env!("CARGO_PKG_VERSION")
    ),
    modifiers(&BearerAuth),
    paths(
        auth::post_token, auth::get_me, auth::post_user, auth::get_audit,
        facilities::get_facilities, facilities::post_facility, facilities::get_facility,
        facilities::get_booths, facilities::post_booth,
        facilities::get_templates, facilities::post_template,
        facilities::get_excluded_dates, facilities::post_excluded_date,
        facilities::post_extra_session, facilities::get_slots,
        people::get_inmates, people::post_inmate, people::get_inmate, people::post_suspension,
        people::get_visitors, people::post_visitor, people::get_visitor,
        people::get_links, people::post_link, people::post_link_approve, people::post_link_reject,
        visits::post_visit, visits::get_visit, visits::get_facility_visits,
        visits::post_cancel, visits::post_check_in, visits::post_start, visits::post_outcome,
    ),
    components(schemas(dto::ErrorBody))
)]
pub struct ApiDoc;
